/**
 * Public vocabulary of the synthetic AAC-LC encoder (type-only module).
 */

/** Encoder settings. `targetBitrateKbps` in kbit/s (1000 bit/s); fill elements pad each frame up to it. */
export interface AacEncoderConfig {
  sampleRate: 16000 | 44100 | 48000;
  channels: 1 | 2;
  /** Finite, >= 0; below the natural size (0.5 to 2.3 kbit/s) frames stay unpadded. */
  targetBitrateKbps: number;
}
