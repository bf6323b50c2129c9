/**
 * Synthetic AAC-LC encoder: digital silence, padded to a target bitrate with fill elements.
 */
import { ByteBudget } from '../byte-budget.js';
import { AAC_FRAME_SAMPLES, audioSpecificConfig } from './audio-specific-config.js';
import { naturalFrameBytes, silentRawFrame } from './raw-frame.js';
import type { AacEncoderConfig } from './types.js';

function fail(field: string, value: unknown, expected: string): never {
  throw new Error(`Failed to configure AAC encoder: ${field} is ${String(value)}, expected ${expected}`);
}

/**
 * Produces raw AAC-LC frames (1024 samples each, no ADTS header) whose running byte total tracks
 * `targetBitrateKbps` cumulatively (each frame earns `kbps × 1000 × 1024 / sampleRate / 8` bytes and is
 * padded to what has been earned; fractions carry to later frames).
 */
export class AacEncoder {
  readonly config: AacEncoderConfig;
  /** Duration of one frame in milliseconds: 1024 × 1000 / sampleRate (21.33 ms at 48 kHz). */
  readonly frameDurationMs: number;
  private readonly asc: Uint8Array;
  private readonly budget = new ByteBudget();

  /** @throws Error naming sampleRate, channels or targetBitrateKbps when unsupported. */
  constructor(config: AacEncoderConfig) {
    if (config === null || typeof config !== 'object') fail('config', config, 'an object');
    if (config.sampleRate !== 16000 && config.sampleRate !== 44100 && config.sampleRate !== 48000) {
      fail('sampleRate', config.sampleRate, 'one of 16000, 44100, 48000');
    }
    if (config.channels !== 1 && config.channels !== 2) fail('channels', config.channels, '1 or 2');
    const kbps = config.targetBitrateKbps;
    if (typeof kbps !== 'number' || !Number.isFinite(kbps) || kbps < 0) {
      fail('targetBitrateKbps', kbps, 'a finite number >= 0');
    }
    this.config = Object.freeze({ ...config });
    this.frameDurationMs = (AAC_FRAME_SAMPLES * 1000) / config.sampleRate;
    this.asc = audioSpecificConfig(config.sampleRate, config.channels);
    // Every frame has the same natural size: nothing to repay beyond one frame.
    this.budget.maxCarriedExcessBytes = naturalFrameBytes(config.channels);
  }

  /** The 2-byte AudioSpecificConfig (e.g. 0x11 0x88 for 48 kHz mono). */
  audioSpecificConfig(): Uint8Array {
    return this.asc;
  }

  /** One raw frame of silence, padded to the bitrate budget. */
  encodeFrame(): Uint8Array {
    this.budget.earn(this.config.targetBitrateKbps * 1000, this.frameDurationMs / 1000);
    const frame = silentRawFrame(this.config.channels, this.budget.available());
    this.budget.spend(frame.length);
    return frame;
  }
}
