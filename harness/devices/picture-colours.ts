/**
 * The colour table of the fake cameras (docs/devices.md, "Colours"). Every picture is one flat colour
 * (8-bit BT.601 limited-range Y, Cb, Cr), chosen so that a decoder of the pushed stream can tell where a
 * picture came from: the sources differ by at least 40 in luma whatever the filter levels.
 *
 * Filters (so an oracle can check the levels reached the camera):
 *   Y  = base.y  + 3 * whiteness      (whiteness 0..9 raises luma by up to 27)
 *   Cb = base.cb + 3 * beauty         (beauty 0..9 raises Cb by up to 27)
 *   Cr = base.cr
 * Steps of 3 keep every level recognisable from a colour measured within ±1 per component, and every
 * filtered colour inside the RGB gamut (a snapshot shows it unclipped).
 * Levels outside 0..9 are clamped to 0..9 (the camera records the value it was given). Black (camera
 * off) is never filtered.
 */
import type { CameraPosition } from '../adapter/types.js';

export interface PictureColour {
  readonly y: number;
  readonly cb: number;
  readonly cr: number;
}

/** What a picture's colour says about its source. */
export type PictureSource = CameraPosition | 'black';

/** Unfiltered colours. front: warm orange; back: blue; black: what a pusher sends with the camera off. */
export const PICTURE_COLOURS = {
  front: { y: 150, cb: 80, cr: 160 },
  back: { y: 82, cb: 170, cr: 100 },
  black: { y: 16, cb: 128, cr: 128 },
} as const satisfies Record<PictureSource, PictureColour>;

/** Luma change per whiteness level, and Cb change per beauty level. */
export const WHITENESS_LUMA_STEP = 3;
export const BEAUTY_CB_STEP = 3;
/** Filter levels are 0..9. */
export const MAX_FILTER_LEVEL = 9;
/** Guaranteed luma distance between any two sources at any filter levels (front 150 vs back 82 + 27 = 109: 41). */
export const MIN_SOURCE_LUMA_DISTANCE = 40;

const clampLevel = (level: number): number =>
  Number.isFinite(level) ? Math.min(MAX_FILTER_LEVEL, Math.max(0, Math.round(level))) : 0;

/** The colour a camera delivers at the given filter levels (see the formula above). */
export function cameraColour(position: CameraPosition, beauty = 0, whiteness = 0): PictureColour {
  const base = PICTURE_COLOURS[position];
  return {
    y: base.y + WHITENESS_LUMA_STEP * clampLevel(whiteness),
    cb: base.cb + BEAUTY_CB_STEP * clampLevel(beauty),
    cr: base.cr,
  };
}

/**
 * The picture colour of a waiting image from the mean of its decoded RGB pixels (0..255 each): BT.601
 * limited range, rounded, Y clamped to 16..235 and chroma to 16..240. The reference pusher
 * (src/pusher/colour.ts) pushes the same formula, so an oracle can predict the waiting image's colour.
 */
export function waitingImageColour(meanRgb: { r: number; g: number; b: number }): PictureColour {
  const { r, g, b } = meanRgb;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
  return {
    y: clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255, 16, 235),
    cb: clamp(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255, 16, 240),
    cr: clamp(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255, 16, 240),
  };
}

/** A recognised picture: its source and, for cameras, the filter levels its colour encodes. */
export interface PictureIdentity {
  source: PictureSource;
  beauty: number;
  whiteness: number;
}

/**
 * Which source a (decoded) colour came from, or undefined when it is none of them (e.g. a waiting image).
 * `tolerance` is the largest accepted difference per component: 0 for exact pictures, 1 for colours
 * measured from a decode (levels stay unambiguous up to 1; beyond, a neighbouring level may be reported).
 */
export function identifyPictureColour(colour: PictureColour, tolerance = 0): PictureIdentity | undefined {
  const near = (a: PictureColour, b: PictureColour) =>
    Math.abs(a.y - b.y) <= tolerance &&
    Math.abs(a.cb - b.cb) <= tolerance &&
    Math.abs(a.cr - b.cr) <= tolerance;
  if (near(colour, PICTURE_COLOURS.black)) return { source: 'black', beauty: 0, whiteness: 0 };
  for (const position of ['front', 'back'] as const) {
    const base = PICTURE_COLOURS[position];
    const whiteness = clampLevel((colour.y - base.y) / WHITENESS_LUMA_STEP);
    const beauty = clampLevel((colour.cb - base.cb) / BEAUTY_CB_STEP);
    if (near(colour, cameraColour(position, beauty, whiteness)))
      return { source: position, beauty, whiteness };
  }
  return undefined;
}
