import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import type { FileStore } from '../adapter/types.js';
import type { TraceRecorder } from '../sim/index.js';

/**
 * Where a pusher puts files it hands back (snapshots): kept in memory, and each write recorded as
 * `pusher.file` {path, bytes, md5, image: {format, width, height} | null} after the harness tried to
 * decode it as a PNG itself (so an oracle can check "a real image of the component's size").
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
    let image: { format: string; width: number; height: number } | null = null;
    try {
      const png = PNG.sync.read(Buffer.from(copy));
      image = { format: 'png', width: png.width, height: png.height };
    } catch {
      image = null;
    }
    this.#trace.record('pusher.file', {
      path,
      bytes: copy.byteLength,
      md5: createHash('md5').update(copy).digest('hex'),
      image,
    });
    return path;
  }
}
