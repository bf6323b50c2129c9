/**
 * Statistics of one decoded yuv420p frame of the synthetic H.264 stream: the flat area and the marker
 * macroblock (the last macroblock of the coded picture, see harness/devices/encoders/h264/h264-encoder.ts).
 */

/** Per-frame summary. Means are arithmetic means of 8-bit samples. */
export interface YuvFrameStats {
  /** Position in decode/output order, from 0. */
  index: number;
  /** Mean luma of every visible sample outside the marker macroblock. */
  flatY: number;
  flatYMin: number;
  flatYMax: number;
  /** Mean Cb and Cr outside the marker macroblock's chroma block. */
  flatCb: number;
  flatCr: number;
  /** Mean luma of the visible part of the marker macroblock. */
  markerY: number;
  /** Frame index mod 255 read back from the marker: round(markerY) − 1 (−1 when the marker reads 0). */
  markerFrameIndexMod255: number;
}

/** The marker's visible luma rectangle for a visible size: the last 16x16 macroblock, cropped. */
export function markerRect(
  width: number,
  height: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const x0 = (Math.ceil(width / 16) - 1) * 16;
  const y0 = (Math.ceil(height / 16) - 1) * 16;
  return { x0, y0, x1: width, y1: height };
}

/** Summarises one frame; `frame` holds width×height luma then two (width/2)×(height/2) chroma planes. */
export function yuvFrameStats(
  frame: Uint8Array,
  width: number,
  height: number,
  index: number,
): YuvFrameStats {
  const m = markerRect(width, height);
  let flatSum = 0;
  let flatCount = 0;
  let flatMin = 255;
  let flatMax = 0;
  let markerSum = 0;
  let markerCount = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const inMarkerRows = y >= m.y0;
    for (let x = 0; x < width; x++) {
      const v = frame[row + x];
      if (inMarkerRows && x >= m.x0) {
        markerSum += v;
        markerCount += 1;
      } else {
        flatSum += v;
        flatCount += 1;
        if (v < flatMin) flatMin = v;
        if (v > flatMax) flatMax = v;
      }
    }
  }
  const cw = width >> 1;
  const ch = height >> 1;
  const cbOffset = width * height;
  const crOffset = cbOffset + cw * ch;
  let cbSum = 0;
  let crSum = 0;
  let chromaCount = 0;
  for (let y = 0; y < ch; y++) {
    const inMarkerRows = y >= m.y0 >> 1;
    for (let x = 0; x < cw; x++) {
      if (inMarkerRows && x >= m.x0 >> 1) continue;
      cbSum += frame[cbOffset + y * cw + x];
      crSum += frame[crOffset + y * cw + x];
      chromaCount += 1;
    }
  }
  const markerY = markerSum / markerCount;
  return {
    index,
    flatY: flatSum / flatCount,
    flatYMin: flatMin,
    flatYMax: flatMax,
    flatCb: cbSum / chromaCount,
    flatCr: crSum / chromaCount,
    markerY,
    markerFrameIndexMod255: Math.round(markerY) - 1,
  };
}
