/**
 * AudioSpecificConfig for AAC-LC (ISO/IEC 14496-3 §1.6.2.1, GASpecificConfig §4.4.1).
 */
import { BitWriter } from '../bit-writer.js';

/** audioObjectType 2: AAC Low Complexity. */
export const AUDIO_OBJECT_TYPE_AAC_LC = 2;
/** Samples per channel in one raw AAC-LC frame (frameLengthFlag 0). */
export const AAC_FRAME_SAMPLES = 1024;

/** samplingFrequencyIndex of the supported rates (ISO/IEC 14496-3 Table 1.18). */
export const SAMPLING_FREQUENCY_INDEX: Readonly<Record<number, number>> = {
  48000: 3,
  44100: 4,
  16000: 8,
};

/**
 * Two bytes: audioObjectType 2 (5 bits), samplingFrequencyIndex (4), channelConfiguration (4),
 * frameLengthFlag 0, dependsOnCoreCoder 0, extensionFlag 0. E.g. 48 kHz mono 0x1188, stereo 0x1190.
 */
export function audioSpecificConfig(sampleRate: number, channels: 1 | 2): Uint8Array {
  const index = SAMPLING_FREQUENCY_INDEX[sampleRate];
  if (index === undefined) {
    throw new Error(
      `Failed to build AudioSpecificConfig: sampleRate is ${sampleRate}, expected one of 16000, 44100, 48000`,
    );
  }
  const w = new BitWriter(2);
  w.writeBits(AUDIO_OBJECT_TYPE_AAC_LC, 5);
  w.writeBits(index, 4);
  w.writeBits(channels, 4);
  w.writeBits(0, 3);
  return w.toBytes();
}
