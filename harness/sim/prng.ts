import { SimError } from './sim-error.js';

/**
 * A deterministic random source. Never `Math.random`: every draw in a simulation comes from one of these,
 * derived from the run's seed, so the same seed gives the same trace.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
  /**
   * An independent sub-stream named `name`: its sequence depends only on the root seed and the path of
   * names, never on how many draws other streams made (adding randomness in one place changes nothing else).
   */
  fork(name: string): Rng;
  /** The path of names from the root, e.g. "root/network/jitter". */
  readonly path: string;
}

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser: a fixed, portable string hash. */
function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32 (Small Fast Counting), 128-bit state: fast, passes PractRand to 2^40+, trivially portable. */
class Sfc32 implements Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  readonly #seedWords: readonly number[];
  readonly path: string;

  constructor(seedWords: readonly number[], path: string) {
    this.#seedWords = seedWords;
    this.path = path;
    this.#a = seedWords[0] >>> 0;
    this.#b = seedWords[1] >>> 0;
    this.#c = seedWords[2] >>> 0;
    this.#d = 1;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new SimError(
        'INVALID_ARGUMENT',
        `Invalid range [${min}, ${max}] (expected integers with min <= max)`,
        {
          min,
          max,
        },
      );
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let w = this.nextUint32();
      for (let j = 0; j < 4 && i + j < n; j++) {
        out[i + j] = w & 0xff;
        w >>>= 8;
      }
    }
    return out;
  }

  fork(name: string): Rng {
    const words = this.#seedWords.map((w, i) => hashString(`${name}#${i}`, w));
    return new Sfc32(words, `${this.path}/${name}`);
  }
}

/**
 * The root random source of a run. `seed` is any safe integer (the value printed in replay commands).
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new SimError('INVALID_ARGUMENT', `Invalid seed: ${String(seed)} (expected a safe integer)`, {
      seed,
    });
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const words = [fmix32(lo ^ 0x9e3779b9), fmix32(hi ^ 0x7f4a7c15), fmix32((lo + hi + 0x6a09e667) >>> 0)];
  return new Sfc32(words, 'root');
}
