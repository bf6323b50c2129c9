import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import type { FileStore } from '../adapter/types.js';
import { waitingImageColour } from '../devices/picture-colours.js';
import type { TraceRecorder } from '../sim/index.js';

/**
 * Where a pusher puts files it hands back (snapshots): kept in memory, and each write recorded as
 * `pusher.file` {path, bytes, md5, image: {format, width, height, mean: {y, cb, cr}} | null} after the
 * harness tried to decode it as a PNG itself (so an oracle can check "a real image of the component's size"
 * showing the latest picture: `mean` is the mean RGB of its pixels in BT.601 limited range).
 */
export class MemoryFileStore implements FileStore {
  readonly files = new Map<string, Uint8Array>();
  readonly #trace: TraceRecorder;
  #next = 1;

  constructor(trace: TraceRecorder) {
    this.#trace = trace;
  }

  writeTemp(suffix: string, bytes: Uint8Array): string {
    const safeSuffix = /^\.[A-Za-z0-9]{1,8}$/.test(suffix) ? suffix : '.bin';
    const path = `lpc-temp://${this.#next++}${safeSuffix}`;
    const copy = new Uint8Array(bytes);
    this.files.set(path, copy);
    const md5 = createHash('md5').update(copy).digest('hex');
    let image = decodedImages.get(md5);
    if (image === undefined) {
      image = describeImage(copy);
      if (decodedImages.size >= 32) decodedImages.clear();
      decodedImages.set(md5, image);
    }
    this.#trace.record('pusher.file', { path, bytes: copy.byteLength, md5, image });
    return path;
  }
}

type ImageDescription = {
  format: string;
  width: number;
  height: number;
  mean: { y: number; cb: number; cr: number };
};

/**
 * What the harness reads from a file, by its MD5: the same bytes describe the same image, and decoding a
 * full-size PNG for every snapshot of every generated case was a tenth of a campaign's time.
 */
const decodedImages = new Map<string, ImageDescription | null>();

function describeImage(copy: Uint8Array): ImageDescription | null {
  let image: ImageDescription | null = null;
  try {
    const png = PNG.sync.read(Buffer.from(copy));
    const sum = { r: 0, g: 0, b: 0 };
    const pixels = png.width * png.height;
    for (let i = 0; i < pixels * 4; i += 4) {
      sum.r += png.data[i];
      sum.g += png.data[i + 1];
      sum.b += png.data[i + 2];
    }
    const n = Math.max(1, pixels);
    const mean = { ...waitingImageColour({ r: sum.r / n, g: sum.g / n, b: sum.b / n }) };
    image = { format: 'png', width: png.width, height: png.height, mean };
  } catch {
    image = null;
  }
  return image;
}
