/**
 * Synthetic H.264 Constrained Baseline encoder: flat-colour pictures with a frame-index marker, padded to a
 * target bitrate with filler data. No encoder library; output decodes without a single decoder message.
 *
 * Picture model (see slice.ts): an IDR shows the picture's flat colour; P pictures copy it with P_Skip.
 * Every picture carries one I_PCM marker macroblock, the LAST macroblock of the coded picture (bottom-right,
 * partly cropped when the size is not a multiple of 16), whose luma is (frameIndex mod 255) + 1 and whose
 * chroma is the flat colour's. Marker values are >= 1 so that PCM bytes never need emulation prevention.
 */

import { BitWriter } from '../bit-writer.js';
import { ByteBudget } from '../byte-budget.js';
import { geometryOf, type H264Geometry, timingOf, validateBitrate, validateH264Config } from './config.js';
import { chooseLevel } from './level.js';
import { fillerNalUnit, MIN_FILLER_BYTES, NAL_LENGTH_PREFIX_BYTES } from './nal.js';
import { buildPps } from './pps.js';
import { buildIdrSlice, buildPSlice, type YCbCr } from './slice.js';
import { buildSps } from './sps.js';
import type { EncodedVideoFrame, H264EncoderConfig, VideoPicture } from './types.js';

/** frame_num is written with 8 bits: MaxFrameNum = 256, frame_num wraps modulo 256. */
const LOG2_MAX_FRAME_NUM = 8;
const MAX_FRAME_NUM = 2 ** LOG2_MAX_FRAME_NUM;
/** idr_pic_id range (§7.4.3: 0..65535); consecutive IDRs get different ids. */
const IDR_PIC_ID_MODULO = 65536;

/** Marker luma for a frame index: (frameIndex mod 255) + 1, i.e. 1..255. */
export function markerLumaOf(frameIndex: number): number {
  return (frameIndex % 255) + 1;
}

/**
 * Encodes one access unit per {@link encode} call.
 *
 * Keyframes: frame 0, then every `gopFrames` frames; `forceIdr` or a flat colour different from the
 * previous picture's also produces an IDR (P_Skip could not change the colour) and restarts the GOP count.
 *
 * Bitrate: each frame earns `targetBitrateKbps × 1000 / fps / 8` bytes; after the slice, one filler-data NAL
 * unit pads the running total up to the earned total (fillers cost at least 6 bytes, so the total trails by
 * at most 5 bytes). An IDR's overshoot is repaid by later frames; the overshoot carried is capped at the
 * last IDR's size, so a target below the natural size only yields the natural stream. Sizes count the
 * 4-byte AVCC length prefix per NAL unit and emulation-prevention bytes.
 */
export class H264Encoder {
  private current: H264EncoderConfig;
  private readonly geometry: H264Geometry;
  private readonly spsNal: Uint8Array;
  private readonly ppsNal: Uint8Array;
  private readonly budget = new ByteBudget();
  /** The slice writer, reused for every frame (see buildPSlice). */
  private readonly scratch = new BitWriter(1024);
  private framesSinceIdr = 0;
  private frameNum = 0;
  private idrCount = 0;
  private lastColour: YCbCr | undefined;

  /** @throws Error naming the offending field, its value and what was expected. */
  constructor(config: H264EncoderConfig) {
    this.current = Object.freeze(validateH264Config(config));
    this.geometry = geometryOf(this.current);
    const levelIdc = chooseLevel(this.geometry.widthMbs, this.geometry.heightMbs, this.current.fps);
    this.spsNal = buildSps({
      levelIdc,
      geometry: this.geometry,
      log2MaxFrameNum: LOG2_MAX_FRAME_NUM,
      timing: timingOf(this.current.fps),
    });
    this.ppsNal = buildPps();
  }

  /** The configuration in force (targetBitrateKbps follows {@link setTargetBitrate}). Frozen. */
  get config(): H264EncoderConfig {
    return this.current;
  }

  /** The SPS NAL unit (no start code). Same bytes for the encoder's lifetime. */
  sps(): Uint8Array {
    return this.spsNal;
  }

  /** The PPS NAL unit (no start code). Same bytes for the encoder's lifetime. */
  pps(): Uint8Array {
    return this.ppsNal;
  }

  /** Changes the target from the next encoded frame on. @throws Error unless kbps is finite and >= 0. */
  setTargetBitrate(kbps: number): void {
    validateBitrate(kbps);
    this.current = Object.freeze({ ...this.current, targetBitrateKbps: kbps });
  }

  /** Encodes one picture. @throws Error naming the field when the colour or frame index is invalid. */
  encode(picture: VideoPicture): EncodedVideoFrame {
    const colour = checkPicture(picture);
    const keyframe =
      this.lastColour === undefined ||
      picture.forceIdr === true ||
      this.framesSinceIdr >= this.current.gopFrames ||
      !sameColour(colour, this.lastColour);
    const markerLuma = markerLumaOf(picture.frameIndex);
    let slice: Uint8Array;
    if (keyframe) {
      this.frameNum = 0;
      this.framesSinceIdr = 0;
      slice = buildIdrSlice(
        {
          geometry: this.geometry,
          log2MaxFrameNum: LOG2_MAX_FRAME_NUM,
          colour,
          markerLuma,
          idrPicId: this.idrCount % IDR_PIC_ID_MODULO,
        },
        this.scratch,
      );
      this.idrCount += 1;
    } else {
      this.frameNum = (this.frameNum + 1) % MAX_FRAME_NUM;
      slice = buildPSlice(
        {
          geometry: this.geometry,
          log2MaxFrameNum: LOG2_MAX_FRAME_NUM,
          colour,
          markerLuma,
          frameNum: this.frameNum,
        },
        this.scratch,
      );
    }
    this.framesSinceIdr += 1;
    this.lastColour = colour;

    const nalus = [slice];
    let byteLength = slice.length + NAL_LENGTH_PREFIX_BYTES;
    if (keyframe) this.budget.maxCarriedExcessBytes = byteLength;
    this.budget.earn(this.current.targetBitrateKbps * 1000, 1 / this.current.fps);
    const padding = this.budget.available() - byteLength;
    if (padding >= MIN_FILLER_BYTES) {
      const filler = fillerNalUnit(padding);
      nalus.push(filler);
      byteLength += padding;
    }
    this.budget.spend(byteLength);
    return { keyframe, nalus, byteLength, sps: this.spsNal, pps: this.ppsNal };
  }
}

function checkPicture(picture: VideoPicture): YCbCr {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new Error(`Failed to encode H.264 picture: ${field} is ${String(value)}, expected ${expected}`);
  };
  if (picture === null || typeof picture !== 'object') fail('picture', picture, 'an object');
  const colour = picture.colour;
  if (colour === null || typeof colour !== 'object') fail('colour', colour, 'an object { y, cb, cr }');
  for (const key of ['y', 'cb', 'cr'] as const) {
    const value = colour[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
      fail(`colour.${key}`, value, 'an integer in 0..255');
    }
  }
  if (
    typeof picture.frameIndex !== 'number' ||
    !Number.isSafeInteger(picture.frameIndex) ||
    picture.frameIndex < 0
  ) {
    fail('frameIndex', picture.frameIndex, 'an integer >= 0');
  }
  return { y: colour.y, cb: colour.cb, cr: colour.cr };
}

function sameColour(a: YCbCr, b: YCbCr): boolean {
  return a.y === b.y && a.cb === b.cb && a.cr === b.cr;
}
