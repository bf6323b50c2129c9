import type {
  DeviceError,
  Devices,
  EncodedVideoFrame,
  VideoEncoderConfig,
  VideoEncoderHandle,
  VideoPicture,
} from '../../harness/adapter/types.js';
import { EventCode } from './event-codes.js';

export interface EncoderEvents {
  /** A warning event (1103, 1107). */
  warn(code: number, detail: string): void;
  /** A critical error (-1303, -1305): the push cannot go on. */
  fatal(code: number, detail: string): void;
}

function isDeviceError(e: unknown): e is DeviceError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/**
 * Owns the video encoder: hardware first, software as the fallback (docs/pusher.md "Encoders").
 * - hardware fails to open or fails mid-stream → 1103, continue on software (next frame is an IDR);
 * - the encoder in use reports overload → 1107, switch to the other kind if it is still usable;
 * - UNSUPPORTED at open (resolution) → -1305; software fails → -1303. Both are fatal.
 */
export class VideoEncoderManager {
  readonly #devices: Devices;
  readonly #events: EncoderEvents;
  #encoder: VideoEncoderHandle | undefined;
  #hardwareUsable = true;
  #softwareUsable = true;
  #forceIdr = true;
  #failed = false;

  constructor(devices: Devices, events: EncoderEvents) {
    this.#devices = devices;
    this.#events = events;
  }

  get kind(): 'hardware' | 'software' | undefined {
    return this.#encoder?.kind;
  }

  get config(): VideoEncoderConfig | undefined {
    return this.#encoder?.config;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Open (or reopen with a new shape) the encoder. Returns false after a fatal error. */
  configure(config: VideoEncoderConfig): boolean {
    const cur = this.#encoder?.config;
    if (
      cur &&
      cur.width === config.width &&
      cur.height === config.height &&
      cur.fps === config.fps &&
      cur.gopFrames === config.gopFrames
    ) {
      if (cur.targetBitrateKbps !== config.targetBitrateKbps) this.setTargetBitrate(config.targetBitrateKbps);
      return true;
    }
    this.#encoder?.close();
    this.#encoder = undefined;
    this.#forceIdr = true;
    return this.#open(config, this.#hardwareUsable ? 'hardware' : 'software');
  }

  setTargetBitrate(kbps: number): void {
    if (this.#encoder && this.#encoder.config.targetBitrateKbps !== kbps)
      this.#encoder.setTargetBitrate(kbps);
  }

  requestKeyframe(): void {
    this.#forceIdr = true;
  }

  /** Encode one picture; undefined when no encoder is usable (a fatal event was already emitted). */
  encode(picture: VideoPicture): EncodedVideoFrame | undefined {
    const encoder = this.#encoder;
    if (!encoder || this.#failed) return undefined;
    const forceIdr = this.#forceIdr;
    try {
      const frame = encoder.encode({ ...picture, forceIdr: forceIdr || picture.forceIdr });
      this.#forceIdr = false;
      return frame;
    } catch (e) {
      const detail = isDeviceError(e) ? `${e.code}: ${e.message}` : String(e);
      if (encoder.kind === 'hardware') {
        this.#hardwareUsable = false;
        this.#events.warn(EventCode.WARNING_HW_ACCELERATION_FAIL, `hardware encoder failed (${detail})`);
        encoder.close();
        this.#encoder = undefined;
        this.#forceIdr = true;
        if (!this.#open(encoder.config, 'software')) return undefined;
        return this.encode(picture);
      }
      this.#softwareUsable = false;
      this.#fatal(EventCode.VIDEO_ENCODE_FAIL, `software encoder failed (${detail})`);
      return undefined;
    }
  }

  close(): void {
    this.#encoder?.close();
    this.#encoder = undefined;
  }

  #open(config: VideoEncoderConfig, kind: 'hardware' | 'software'): boolean {
    try {
      const encoder = this.#devices.openVideoEncoder(kind, config);
      encoder.onOverload(() => this.#onOverload(encoder));
      this.#encoder = encoder;
      this.#forceIdr = true;
      return true;
    } catch (e) {
      const detail = isDeviceError(e) ? `${e.code}: ${e.message}` : String(e);
      if (isDeviceError(e) && e.code === 'UNSUPPORTED') {
        this.#fatal(
          EventCode.UNSUPPORTED_RESOLUTION,
          `${config.width}x${config.height} unsupported (${detail})`,
        );
        return false;
      }
      if (kind === 'hardware') {
        this.#hardwareUsable = false;
        this.#events.warn(
          EventCode.WARNING_HW_ACCELERATION_FAIL,
          `hardware encoder failed to open (${detail})`,
        );
        return this.#open(config, 'software');
      }
      this.#softwareUsable = false;
      this.#fatal(EventCode.VIDEO_ENCODE_FAIL, `software encoder failed to open (${detail})`);
      return false;
    }
  }

  #onOverload(encoder: VideoEncoderHandle): void {
    if (encoder !== this.#encoder || this.#failed) return;
    const other = encoder.kind === 'hardware' ? 'software' : 'hardware';
    const usable = other === 'hardware' ? this.#hardwareUsable : this.#softwareUsable;
    if (!usable) return;
    this.#events.warn(
      EventCode.WARNING_SWITCH_SWENC,
      `${encoder.kind} encoder overloaded, switching to ${other}`,
    );
    const config = encoder.config;
    encoder.close();
    this.#encoder = undefined;
    this.#open(config, other);
  }

  #fatal(code: number, detail: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#encoder?.close();
    this.#encoder = undefined;
    this.#events.fatal(code, detail);
  }
}
