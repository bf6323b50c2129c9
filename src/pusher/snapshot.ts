import { PNG } from 'pngjs';
import { type Ycbcr, ycbcrToRgb } from './colour.js';

/** A PNG of `width` x `height` showing the latest picture (our pictures are flat colours). */
export function renderSnapshotPng(width: number, height: number, colour: Ycbcr): Uint8Array {
  const png = new PNG({ width, height });
  const [r, g, b] = ycbcrToRgb(colour);
  for (let i = 0; i < width * height * 4; i += 4) {
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}
