/**
 * A kernel Scheduler kept up with real time by a pump (live mode): every `pumpMs` it runs everything due,
 * so code written for the scheduler (the fake devices, the app lifecycle) runs unchanged on real time.
 * Events run up to one pump period late; their `scheduler.now` is their due time, so the times they
 * stamp (a camera frame's capture time) are exact.
 */
import { Scheduler } from '../sim/index.js';

export interface RealTimeSchedulerOptions {
  /** Real µs since the origin shared with the pusher's clock. */
  nowUs: () => number;
  /** Pump period, ms. Default 4 (a 30 fps camera's frames are 33 ms apart). */
  pumpMs?: number;
  /** A scheduled callback threw (e.g. a pusher's frame listener): reported here, the pump goes on. */
  onError?: (error: unknown) => void;
}

export class RealTimeScheduler {
  readonly scheduler = new Scheduler();
  readonly #nowUs: () => number;
  readonly #timer: NodeJS.Timeout;
  readonly #onError: (error: unknown) => void;
  #closed = false;

  constructor(options: RealTimeSchedulerOptions) {
    this.#nowUs = options.nowUs;
    this.#onError =
      options.onError ??
      ((e) => {
        throw e;
      });
    // Start at the origin's current time, so "now" is the same on both clocks.
    this.scheduler.runUntil(Math.max(0, this.#nowUs()));
    this.#timer = setInterval(() => this.pump(), options.pumpMs ?? 4);
  }

  /** Run everything due by now (also called by the pump). */
  pump(): void {
    if (this.#closed) return;
    const now = this.#nowUs();
    for (let guard = 0; guard < 100 && now > this.scheduler.now; guard++) {
      try {
        this.scheduler.runUntil(now);
      } catch (e) {
        this.#onError(e);
      }
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }
}
