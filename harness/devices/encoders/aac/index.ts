/**
 * Synthetic AAC-LC encoder (public entry point).
 */
export { AacEncoder } from './aac-encoder.js';
export { AAC_FRAME_SAMPLES, audioSpecificConfig } from './audio-specific-config.js';
export { naturalFrameBytes, silentRawFrame } from './raw-frame.js';
export type { AacEncoderConfig } from './types.js';
