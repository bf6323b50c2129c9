/**
 * Real time for live mode (docs/live-mode.md, "Time"): µs elapsed since an origin (the case start), read
 * from the monotonic clock, and a PusherClock on real timers with the same origin. Files under
 * harness/live/ are the only harness code outside the sim kernel allowed to read the wall clock.
 */
import type { PusherClock } from '../adapter/types.js';

export class LiveClock {
  readonly #nowUs: () => number;

  /** `nowUs`: another real-time source to share (e.g. the live proxy's driver). Default: a new origin. */
  constructor(nowUs?: () => number) {
    if (nowUs) {
      this.#nowUs = nowUs;
    } else {
      const t0 = process.hrtime.bigint();
      this.#nowUs = () => Number((process.hrtime.bigint() - t0) / 1000n);
    }
  }

  /** Real µs since the origin (an integer, like the sim kernel's `Micros`). */
  nowUs(): number {
    return this.#nowUs();
  }

  /** Milliseconds since the origin, with real timers: what a pusher on real time is given. */
  pusherClock(): PusherClock {
    const delay = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms : 0);
    return {
      now: () => this.#nowUs() / 1000,
      setTimeout: (fn, ms) => setTimeout(fn, delay(ms)),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      setInterval: (fn, ms) => setInterval(fn, Math.max(1, delay(ms))),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    };
  }
}
