/**
 * The fake audio encoder around the synthetic AAC-LC encoder, with scripted faults (docs/devices.md,
 * "Audio encoder"):
 * - a sample rate outside `supportedSampleRates`, a channel count other than 1 or 2, or a bad bitrate
 *   throws DeviceError UNSUPPORTED at open (the pusher's -1306);
 * - `open: failed`: every open throws FAILED;
 * - `failAtFrame: N`: the encode call with 0-based index N (over the whole run) throws FAILED (-1304);
 *   the encoder then stays broken.
 */
import type { AudioBlock, AudioEncoderConfig, AudioEncoderHandle } from '../adapter/types.js';
import { FakeDeviceError } from './device-error.js';
import type { HandleState } from './device-records.js';
import type { AudioEncoderScript } from './device-script.js';
import { type DeviceTrace, traceArgs } from './device-trace.js';
import { AacEncoder } from './encoders/aac/index.js';

const DEVICE = 'audioEncoder';

export interface FakeAudioEncoderOptions {
  script: AudioEncoderScript;
  trace: DeviceTrace;
}

export interface AudioEncoderStats {
  opens: number;
  framesEncoded: number;
  open: number;
  broken: boolean;
}

export class FakeAudioEncoder {
  readonly #script: AudioEncoderScript;
  readonly #trace: DeviceTrace;
  readonly #sessions = new Set<AudioEncoderSession>();
  #opens = 0;
  #framesEncoded = 0;
  #brokenAtFrame: number | undefined;

  constructor(options: FakeAudioEncoderOptions) {
    this.#script = options.script;
    this.#trace = options.trace;
  }

  /** @throws FakeDeviceError UNSUPPORTED or FAILED as scripted (see the file comment). */
  open(config: AudioEncoderConfig): AudioEncoderHandle {
    const args = traceArgs({ ...config });
    const fail = (code: 'FAILED' | 'UNSUPPORTED', reason: string): never => {
      const error = new FakeDeviceError(code, DEVICE, `Failed to open the audio encoder: ${reason}`);
      this.#trace.record('device.call', {
        device: 'audioEncoder',
        method: 'openAudioEncoder',
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
    const rate = config?.sampleRate;
    if (!(this.#script.supportedSampleRates as readonly unknown[]).includes(rate)) {
      fail(
        'UNSUPPORTED',
        `sampleRate ${String(rate)} is not supported (supported: ${this.#script.supportedSampleRates.join(', ')})`,
      );
    }
    let encoder: AacEncoder | undefined;
    try {
      encoder = new AacEncoder(config as ConstructorParameters<typeof AacEncoder>[0]);
    } catch (e) {
      fail('UNSUPPORTED', (e as Error).message);
    }
    this.#opens += 1;
    this.#trace.record('device.call', {
      device: 'audioEncoder',
      method: 'openAudioEncoder',
      session: this.#opens,
      args,
      result: 'ok',
    });
    const session = new AudioEncoderSession(this.#sessionDeps(), encoder!, this.#opens);
    this.#sessions.add(session);
    return session;
  }

  stats(): AudioEncoderStats {
    return {
      opens: this.#opens,
      framesEncoded: this.#framesEncoded,
      open: this.#sessions.size,
      broken: this.#brokenAtFrame !== undefined,
    };
  }

  #sessionDeps(): SessionDeps {
    return {
      trace: this.#trace,
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
  trace: DeviceTrace;
  checkFrame(): { frame: number; reason: string | undefined };
  countFrame(): void;
  release(session: AudioEncoderSession): void;
}

class AudioEncoderSession implements AudioEncoderHandle {
  readonly config: AudioEncoderConfig;
  readonly #deps: SessionDeps;
  readonly #encoder: AacEncoder;
  readonly #session: number;
  #state: HandleState = 'open';
  #encoded = 0;

  constructor(deps: SessionDeps, encoder: AacEncoder, session: number) {
    this.#deps = deps;
    this.#encoder = encoder;
    this.#session = session;
    this.config = Object.freeze({ ...encoder.config });
  }

  /** The 2-byte AudioSpecificConfig (not recorded). */
  audioSpecificConfig(): Uint8Array {
    return this.#encoder.audioSpecificConfig();
  }

  /** One raw AAC frame per block (successes are not recorded). @throws FakeDeviceError FAILED. */
  encode(block: AudioBlock): Uint8Array {
    const { frame, reason } =
      this.#state === 'open' ? this.#deps.checkFrame() : { frame: -1, reason: 'the handle is closed' };
    if (reason === undefined) {
      this.#deps.countFrame();
      this.#encoded += 1;
      return this.#encoder.encodeFrame();
    }
    const error = new FakeDeviceError('FAILED', DEVICE, `Failed to encode audio: ${reason}`);
    this.#record('encode', { frame: frame < 0 ? undefined : frame, t: block?.t }, error);
    throw error;
  }

  close(): void {
    this.#record('close', {}, undefined, this.#encoded);
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#deps.release(this);
  }

  #record(
    method: string,
    args: Record<string, unknown>,
    error?: FakeDeviceError,
    framesEncoded?: number,
  ): void {
    this.#deps.trace.record('device.call', {
      device: 'audioEncoder',
      method,
      session: this.#session,
      args: traceArgs(args),
      result: error ? 'error' : 'ok',
      error: error?.code,
      message: error?.message,
      state: this.#state === 'open' ? undefined : this.#state,
      framesEncoded,
    });
  }
}
