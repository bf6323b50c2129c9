/**
 * Byte arrays carved from large shared buffers. Every `new Uint8Array(n)` above V8's on-heap limit (64
 * bytes) gets an ArrayBuffer with its own backing store, which costs more than filling it: at ~70 media
 * messages a second, each built twice (the FLV body, then its RTMP chunks), that allocation was the
 * publisher's largest cost. Views are handed out in order and never reused, so no two views share a byte,
 * and a slab is freed by the garbage collector once no view of it is alive. Views are zero-filled, like
 * `new Uint8Array(n)`. Anyone reading `view.buffer` must honour `byteOffset`.
 */
export class ByteSlab {
  readonly #slabBytes: number;
  /** Allocated at the first request: a connection that sends nothing costs no slab. */
  #slab: ArrayBuffer | undefined;
  #used = 0;

  constructor(slabBytes = 256 * 1024) {
    this.#slabBytes = slabBytes;
  }

  /** `n` zeroed bytes; a private ArrayBuffer when `n` is over a quarter of a slab. */
  allocate(n: number): Uint8Array {
    if (n > this.#slabBytes / 4) return new Uint8Array(n);
    if (this.#slab === undefined || this.#used + n > this.#slabBytes) {
      this.#slab = new ArrayBuffer(this.#slabBytes);
      this.#used = 0;
    }
    const view = new Uint8Array(this.#slab, this.#used, n);
    // 8-byte aligned starts keep DataView access on aligned words.
    this.#used += (n + 7) & ~7;
    return view;
  }
}
