import { PNG } from 'pngjs';
import { type Ycbcr, ycbcrToRgb } from './colour.js';

/**
 * A PNG of `width` x `height` showing the latest picture (our pictures are flat colours). Filter type 0:
 * every row of a flat picture is the same bytes, which deflate shrinks as well as any filter, and pngjs's
 * adaptive choice (five filters tried per row) made snapshots the slowest operation of the pusher. The last
 * image is kept: snapshots of an unchanged picture are the same bytes.
 */
export function renderSnapshotPng(width: number, height: number, colour: Ycbcr): Uint8Array {
  const key = `${width}x${height}:${colour.y},${colour.cb},${colour.cr}`;
  if (lastSnapshot?.key !== key) lastSnapshot = { key, png: encodeFlatPng(width, height, colour) };
  return lastSnapshot.png.slice();
}

let lastSnapshot: { key: string; png: Uint8Array } | undefined;

function encodeFlatPng(width: number, height: number, colour: Ycbcr): Uint8Array {
  const png = new PNG({ width, height, filterType: 0 });
  const [r, g, b] = ycbcrToRgb(colour);
  for (let i = 0; i < width * height * 4; i += 4) {
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  }
  // The options go to write(): pngjs's sync writer ignores the constructor's and tries all five filters
  // per line, which for a flat picture only costs time.
  return new Uint8Array(PNG.sync.write(png, { filterType: 0 }));
}
