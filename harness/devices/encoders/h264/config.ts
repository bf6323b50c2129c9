/**
 * Validation of {@link H264EncoderConfig} and the coded-picture geometry derived from it.
 */
import type { H264EncoderConfig } from './types.js';

/** Largest accepted width and height in pixels. */
export const MAX_DIMENSION = 4096;
/** Smallest accepted width and height in pixels (room for a flat area besides the marker macroblock). */
export const MIN_DIMENSION = 32;
/** Highest accepted frame rate. */
export const MAX_FPS = 240;

/** Coded size in macroblocks and the frame cropping (in 2-pixel crop units, 4:2:0) to the visible size. */
export interface H264Geometry {
  widthMbs: number;
  heightMbs: number;
  /** frame_crop_right_offset: (codedWidth - width) / 2. */
  cropRight: number;
  /** frame_crop_bottom_offset: (codedHeight - height) / 2. */
  cropBottom: number;
}

function fail(field: string, value: unknown, expected: string): never {
  throw new Error(`Failed to configure H.264 encoder: ${field} is ${String(value)}, expected ${expected}`);
}

function checkDimension(field: 'width' | 'height', value: number): void {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_DIMENSION ||
    value > MAX_DIMENSION
  ) {
    fail(field, value, `an integer in ${MIN_DIMENSION}..${MAX_DIMENSION}`);
  }
  // 4:2:0 cropping works in units of 2 pixels (H.264 §7.4.2.1.1, CropUnitX/CropUnitY = 2).
  if (value % 2 !== 0) fail(field, value, 'an even number (4:2:0 crops in 2-pixel units)');
}

/** Throws an Error naming the field, its value and what was expected; returns a copy otherwise. */
export function validateH264Config(config: H264EncoderConfig): H264EncoderConfig {
  if (config === null || typeof config !== 'object') fail('config', config, 'an object');
  checkDimension('width', config.width);
  checkDimension('height', config.height);
  if (
    typeof config.fps !== 'number' ||
    !Number.isFinite(config.fps) ||
    config.fps <= 0 ||
    config.fps > MAX_FPS
  ) {
    fail('fps', config.fps, `a finite number with 0 < fps <= ${MAX_FPS}`);
  }
  if (typeof config.gopFrames !== 'number' || !Number.isInteger(config.gopFrames) || config.gopFrames < 1) {
    fail('gopFrames', config.gopFrames, 'an integer >= 1');
  }
  validateBitrate(config.targetBitrateKbps);
  return {
    width: config.width,
    height: config.height,
    fps: config.fps,
    gopFrames: config.gopFrames,
    targetBitrateKbps: config.targetBitrateKbps,
  };
}

/** Throws unless `kbps` is a finite number >= 0. */
export function validateBitrate(kbps: number): void {
  if (typeof kbps !== 'number' || !Number.isFinite(kbps) || kbps < 0) {
    fail('targetBitrateKbps', kbps, 'a finite number >= 0');
  }
}

/** Coded geometry for a validated config. */
export function geometryOf(config: Pick<H264EncoderConfig, 'width' | 'height'>): H264Geometry {
  const widthMbs = Math.ceil(config.width / 16);
  const heightMbs = Math.ceil(config.height / 16);
  return {
    widthMbs,
    heightMbs,
    cropRight: (widthMbs * 16 - config.width) / 2,
    cropBottom: (heightMbs * 16 - config.height) / 2,
  };
}

/**
 * VUI timing for `fps` (§E.2.1: one frame lasts 2 × num_units_in_tick / time_scale seconds).
 * Integer rates are exact; NTSC rates (n × 1000/1001) use 1001 ticks; others are rounded to 1/1000 fps.
 */
export function timingOf(fps: number): { numUnitsInTick: number; timeScale: number } {
  if (Number.isInteger(fps)) return { numUnitsInTick: 1, timeScale: 2 * fps };
  const ntsc = Math.round((fps * 1001) / 1000);
  if (Math.abs((ntsc * 1000) / 1001 - fps) < 1e-6) return { numUnitsInTick: 1001, timeScale: 2000 * ntsc };
  return { numUnitsInTick: 1000, timeScale: Math.round(2000 * fps) };
}
