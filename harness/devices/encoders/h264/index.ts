/**
 * Synthetic H.264 Constrained Baseline encoder (public entry point).
 */

export { MAX_DIMENSION, MAX_FPS, MIN_DIMENSION } from './config.js';
export { H264Encoder, markerLumaOf } from './h264-encoder.js';
export { NalUnitType, toAnnexB } from './nal.js';
export type { EncodedVideoFrame, H264EncoderConfig, VideoPicture } from './types.js';
