import crypto, { webcrypto } from 'node:crypto';
import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

import type { Rng } from './prng.js';
import type { ExternalTimerSource, Micros, Scheduler } from './scheduler.js';
import { SimError } from './sim-error.js';

/** The globals we fake, and only these: Node's own internals use process.nextTick and microtasks. */
export const FAKED_GLOBALS = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'Date',
] as const;

/** Virtual time 0 as a wall-clock date: 2026-01-01T00:00:00Z, so `Date.now()` is plausible and fixed. */
export const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 1);

export interface GlobalClockBridgeOptions {
  scheduler: Scheduler;
  /** Source of the bytes that `crypto.randomBytes` / `getRandomValues` return while installed. */
  rng: Rng;
  epochMs?: number;
}

// The one piece of process-wide state here: two bridges must never patch the globals at once.
let installedBridge: GlobalClockBridge | undefined;

type RandomBytes = typeof crypto.randomBytes;

/**
 * Runs third-party code that uses global timers, `Date` and crypto randomness (node-media-server) on the
 * scheduler's virtual clock. `@sinonjs/fake-timers` owns those timers; the bridge merges them into the
 * scheduler's total order as an ExternalTimerSource, and keeps the fake `Date` at the scheduler's time.
 */
export class GlobalClockBridge implements ExternalTimerSource {
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  readonly #epochMs: number;
  #clock: InstalledClock | undefined;
  #restoreCrypto: (() => void) | undefined;

  constructor(options: GlobalClockBridgeOptions) {
    this.#scheduler = options.scheduler;
    this.#rng = options.rng;
    this.#epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
  }

  get installed(): boolean {
    return this.#clock !== undefined;
  }

  /** Virtual µs → the `Date.now()` value third-party code sees. */
  toEpochMs(t: Micros): number {
    return this.#epochMs + Math.floor(t / 1000);
  }

  install(): void {
    if (installedBridge !== undefined) {
      throw new SimError(
        'ALREADY_INSTALLED',
        'Failed to install the global clock bridge: one is already installed',
        {},
      );
    }
    this.#clock = FakeTimers.install({
      now: this.toEpochMs(this.#scheduler.now),
      toFake: [...FAKED_GLOBALS],
      shouldClearNativeTimers: false,
      loopLimit: 1_000_000,
    });
    this.#restoreCrypto = this.#patchCrypto();
    installedBridge = this;
    this.#scheduler.setExternalTimerSource(this);
  }

  uninstall(): void {
    if (!this.#clock) return;
    this.#scheduler.setExternalTimerSource(undefined);
    this.#clock.uninstall();
    this.#clock = undefined;
    this.#restoreCrypto?.();
    this.#restoreCrypto = undefined;
    if (installedBridge === this) installedBridge = undefined;
  }

  // ---- ExternalTimerSource ----------------------------------------------------------------------
  nextDue(): Micros | undefined {
    const clock = this.#clock;
    if (!clock) return undefined;
    // `timerHeap` is fake-timers' internal min-heap (O(1) peek); there is no public peek. Pinned major.
    const first = (
      clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }
    ).timerHeap?.peek();
    if (!first) return undefined;
    const due = (first.callAt - this.#epochMs) * 1000;
    return Math.max(due, this.#scheduler.now);
  }

  fireNext(): void {
    this.#clock?.next();
  }

  onTimeAdvance(now: Micros): void {
    // Safe to set directly: the scheduler never advances past a due fake timer without firing it.
    if (this.#clock) this.#clock.now = this.toEpochMs(now);
  }

  #patchCrypto(): () => void {
    const rng = this.#rng;
    const originalRandomBytes = crypto.randomBytes;
    const originalRandomFillSync = crypto.randomFillSync;
    const originalRandomUUID = crypto.randomUUID;
    const globalCrypto = globalThis.crypto as object | undefined;
    const originalGetRandomValues = Object.getOwnPropertyDescriptor(globalCrypto ?? {}, 'getRandomValues');
    const originalWebGetRandomValues = Object.getOwnPropertyDescriptor(webcrypto, 'getRandomValues');

    const fill = <T extends ArrayBufferView>(view: T): T => {
      const bytes = rng.bytes(view.byteLength);
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(bytes);
      return view;
    };
    const randomBytes = ((size: number, callback?: (err: Error | null, buf: Buffer) => void) => {
      const buf = Buffer.from(rng.bytes(size));
      if (callback) {
        process.nextTick(() => callback(null, buf));
        return undefined;
      }
      return buf;
    }) as unknown as RandomBytes;
    crypto.randomBytes = randomBytes;
    crypto.randomFillSync = ((buf: ArrayBufferView) => fill(buf)) as typeof crypto.randomFillSync;
    crypto.randomUUID = (() => {
      const b = rng.bytes(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Buffer.from(b).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }) as typeof crypto.randomUUID;
    // getRandomValues cannot be reassigned on these objects; defineProperty can shadow it.
    const descriptor = { configurable: true, writable: true, value: fill };
    if (globalCrypto) Object.defineProperty(globalCrypto, 'getRandomValues', descriptor);
    Object.defineProperty(webcrypto, 'getRandomValues', descriptor);

    return () => {
      crypto.randomBytes = originalRandomBytes;
      crypto.randomFillSync = originalRandomFillSync;
      crypto.randomUUID = originalRandomUUID;
      if (globalCrypto) {
        if (originalGetRandomValues)
          Object.defineProperty(globalCrypto, 'getRandomValues', originalGetRandomValues);
        else delete (globalCrypto as unknown as Record<string, unknown>).getRandomValues;
      }
      if (originalWebGetRandomValues)
        Object.defineProperty(webcrypto, 'getRandomValues', originalWebGetRandomValues);
      else delete (webcrypto as unknown as Record<string, unknown>).getRandomValues;
    };
  }
}

export function currentBridge(): GlobalClockBridge | undefined {
  return installedBridge;
}
