/**
 * One fake video encoder kind (hardware or software) around the synthetic H.264 encoder, with scripted
 * faults (docs/devices.md, "Video encoders"):
 * - `open: failed`: every open throws DeviceError FAILED (hardware → the pusher's 1103 and fallback);
 * - `failAtFrame: N`: the encode call with 0-based index N, counted per kind over the whole run, throws
 *   FAILED; the kind then stays broken (later encodes and opens throw FAILED too);
 * - `overloadAtMs`: at each time, every open handle of this kind calls its onOverload listeners once,
 *   then keeps encoding (the 1107 condition);
 * - sizes above `maxPixels`, listed in `unsupportedSizes`, or outside the H.264 encoder's range (even
 *   32..4096 per side) throw UNSUPPORTED at open (-1305).
 */
import type {
  EncodedVideoFrame,
  VideoEncoderConfig,
  VideoEncoderHandle,
  VideoPicture,
} from '../adapter/types.js';
import type { Scheduler } from '../sim/scheduler.js';
import { FakeDeviceError } from './device-error.js';
import type { HandleState, VideoEncoderKind } from './device-records.js';
import type { VideoEncoderScript } from './device-script.js';
import { type DeviceTrace, msToMicros, traceArgs } from './device-trace.js';
import { H264Encoder } from './encoders/h264/index.js';

export interface FakeVideoEncoderOptions {
  kind: VideoEncoderKind;
  script: VideoEncoderScript;
  scheduler: Scheduler;
  trace: DeviceTrace;
}

export interface VideoEncoderStats {
  /** Successful opens so far. */
  opens: number;
  /** Frames encoded by this kind over the whole run. */
  framesEncoded: number;
  /** Handles open now. */
  open: number;
  /** The kind failed at a scripted frame and stays broken. */
  broken: boolean;
}

export class FakeVideoEncoder {
  readonly kind: VideoEncoderKind;
  readonly #script: VideoEncoderScript;
  readonly #trace: DeviceTrace;
  readonly #device: string;
  readonly #sessions = new Set<VideoEncoderSession>();
  #opens = 0;
  #framesEncoded = 0;
  #brokenAtFrame: number | undefined;

  constructor(options: FakeVideoEncoderOptions) {
    this.kind = options.kind;
    this.#script = options.script;
    this.#trace = options.trace;
    this.#device = `videoEncoder:${options.kind}`;
    const { scheduler } = options;
    for (const atMs of this.#script.overloadAtMs) {
      const at = msToMicros(atMs);
      if (at < scheduler.now) continue;
      scheduler.at(at, () => this.overload(), `${this.#device}:overload`);
    }
  }

  /** @throws FakeDeviceError FAILED or UNSUPPORTED as scripted (see the file comment). */
  open(config: VideoEncoderConfig): VideoEncoderHandle {
    const args = traceArgs({ kind: this.kind, ...config });
    const fail = (code: 'FAILED' | 'UNSUPPORTED', reason: string): never => {
      const error = new FakeDeviceError(
        code,
        this.#device,
        `Failed to open the ${this.kind} video encoder: ${reason}`,
      );
      this.#trace.record('device.call', {
        device: 'videoEncoder',
        method: 'openVideoEncoder',
        kind: this.kind,
        args,
        result: 'error',
        error: code,
        message: error.message,
      });
      throw error;
    };
    if (this.#script.open === 'failed') fail('FAILED', 'it does not start (scripted open: failed)');
    if (this.#brokenAtFrame !== undefined) {
      fail('FAILED', `it failed at frame ${this.#brokenAtFrame} and stays broken (scripted failAtFrame)`);
    }
    const { width, height } = config ?? {};
    const pixels = Number(width) * Number(height);
    if (pixels > this.#script.maxPixels) {
      fail('UNSUPPORTED', `${width}x${height} has ${pixels} pixels, more than its ${this.#script.maxPixels}`);
    }
    if (this.#script.unsupportedSizes.includes(`${width}x${height}`)) {
      fail('UNSUPPORTED', `${width}x${height} is not supported (scripted unsupportedSizes)`);
    }
    let encoder: H264Encoder | undefined;
    try {
      encoder = new H264Encoder(config);
    } catch (e) {
      fail('UNSUPPORTED', (e as Error).message);
    }
    this.#opens += 1;
    this.#trace.record('device.call', {
      device: 'videoEncoder',
      method: 'openVideoEncoder',
      kind: this.kind,
      session: this.#opens,
      args,
      result: 'ok',
    });
    const session = new VideoEncoderSession(this.#sessionDeps(), encoder!, this.#opens);
    this.#sessions.add(session);
    return session;
  }

  /**
   * A performance drop: every open handle of this kind calls its onOverload listeners once. Returns how
   * many handles were told. Recorded as `device.fault` (session null when none was open).
   */
  overload(): number {
    const sessions = [...this.#sessions];
    if (sessions.length === 0) {
      this.#trace.record('device.fault', {
        device: 'videoEncoder',
        fault: 'overload',
        kind: this.kind,
        session: null,
        listeners: 0,
      });
    }
    for (const session of sessions) session.overload();
    return sessions.length;
  }

  stats(): VideoEncoderStats {
    return {
      opens: this.#opens,
      framesEncoded: this.#framesEncoded,
      open: this.#sessions.size,
      broken: this.#brokenAtFrame !== undefined,
    };
  }

  #sessionDeps(): SessionDeps {
    return {
      kind: this.kind,
      device: this.#device,
      trace: this.#trace,
      /** Throws (after recording) when the next frame of this kind must fail. */
      checkFrame: () => {
        const n = this.#framesEncoded;
        if (this.#brokenAtFrame !== undefined) {
          return { frame: n, reason: `it failed at frame ${this.#brokenAtFrame} and stays broken` };
        }
        if (this.#script.failAtFrame === n) {
          this.#brokenAtFrame = n;
          return { frame: n, reason: `it fails at frame ${n} (scripted failAtFrame)` };
        }
        return { frame: n, reason: undefined };
      },
      countFrame: () => {
        this.#framesEncoded += 1;
      },
      release: (session) => {
        this.#sessions.delete(session);
      },
    };
  }
}

interface SessionDeps {
  kind: VideoEncoderKind;
  device: string;
  trace: DeviceTrace;
  /** The kind-wide index of the next frame, and why it must fail (undefined: it may be encoded). */
  checkFrame(): { frame: number; reason: string | undefined };
  countFrame(): void;
  release(session: VideoEncoderSession): void;
}

class VideoEncoderSession implements VideoEncoderHandle {
  readonly kind: VideoEncoderKind;
  readonly #deps: SessionDeps;
  readonly #encoder: H264Encoder;
  readonly #session: number;
  readonly #overloadListeners: (() => void)[] = [];
  #config: VideoEncoderConfig;
  #state: HandleState = 'open';
  #encoded = 0;

  constructor(deps: SessionDeps, encoder: H264Encoder, session: number) {
    this.kind = deps.kind;
    this.#deps = deps;
    this.#encoder = encoder;
    this.#session = session;
    this.#config = Object.freeze({ ...encoder.config });
  }

  /** The configuration in force; `targetBitrateKbps` follows `setTargetBitrate`. */
  get config(): VideoEncoderConfig {
    return this.#config;
  }

  /** @throws FakeDeviceError FAILED when closed, broken, at the scripted frame, or for an invalid picture. */
  encode(picture: VideoPicture): EncodedVideoFrame {
    const { frame, reason } =
      this.#state === 'open' ? this.#deps.checkFrame() : { frame: -1, reason: 'the handle is closed' };
    if (reason === undefined) {
      try {
        const encoded = this.#encoder.encode(picture);
        this.#deps.countFrame();
        this.#encoded += 1;
        return encoded;
      } catch (e) {
        throw this.#encodeError(picture, frame, (e as Error).message);
      }
    }
    throw this.#encodeError(picture, frame, reason);
  }

  /** Changes the target from the next frame. Recorded only when it changes. @throws UNSUPPORTED for a bad value. */
  setTargetBitrate(kbps: number): void {
    if (kbps === this.#config.targetBitrateKbps) return;
    if (this.#state !== 'open') {
      this.#record('setTargetBitrate', { kbps });
      return;
    }
    try {
      this.#encoder.setTargetBitrate(kbps);
    } catch (e) {
      const error = new FakeDeviceError(
        'UNSUPPORTED',
        this.#deps.device,
        `Failed to set the ${this.kind} video encoder's bitrate: ${(e as Error).message}`,
      );
      this.#record('setTargetBitrate', { kbps }, error);
      throw error;
    }
    this.#config = Object.freeze({ ...this.#config, targetBitrateKbps: kbps });
    this.#record('setTargetBitrate', { kbps });
  }

  onOverload(listener: () => void): void {
    this.#overloadListeners.push(listener);
  }

  close(): void {
    this.#record('close', {}, undefined, { framesEncoded: this.#encoded });
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#deps.release(this);
  }

  /** Tell the listeners once (see FakeVideoEncoder.overload). */
  overload(): void {
    if (this.#state !== 'open') return;
    this.#deps.trace.record('device.fault', {
      device: 'videoEncoder',
      fault: 'overload',
      kind: this.kind,
      session: this.#session,
      listeners: this.#overloadListeners.length,
    });
    for (const listener of [...this.#overloadListeners]) listener();
  }

  #encodeError(picture: VideoPicture, frame: number, reason: string): FakeDeviceError {
    const error = new FakeDeviceError(
      'FAILED',
      this.#deps.device,
      `Failed to encode with the ${this.kind} video encoder: ${reason}`,
    );
    this.#record(
      'encode',
      { frame: frame < 0 ? undefined : frame, frameIndex: picture?.frameIndex, forceIdr: picture?.forceIdr },
      error,
    );
    return error;
  }

  #record(
    method: string,
    args: Record<string, unknown>,
    error?: FakeDeviceError,
    extra: { framesEncoded?: number } = {},
  ): void {
    this.#deps.trace.record('device.call', {
      device: 'videoEncoder',
      method,
      kind: this.kind,
      session: this.#session,
      args: traceArgs(args),
      result: error ? 'error' : 'ok',
      error: error?.code,
      message: error?.message,
      state: this.#state === 'open' ? undefined : this.#state,
      ...extra,
    });
  }
}
