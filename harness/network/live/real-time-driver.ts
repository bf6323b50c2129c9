import { type Micros, Scheduler } from '../../sim/index.js';

/**
 * Runs a kernel Scheduler on the wall clock (live mode only): virtual µs = real µs since the driver
 * started. Call `run` around anything that reacts to real input (socket data) so the scheduler is
 * caught up first; one real timer is kept armed for the next scheduled event. Timers fire up to a
 * millisecond or so late; what is computed from the clock (departure times) is not affected.
 */
export class RealTimeDriver {
  readonly scheduler = new Scheduler();
  readonly #t0 = process.hrtime.bigint();
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Infinity;
  #closed = false;

  /** Real µs since the driver started. */
  nowUs(): Micros {
    return Number((process.hrtime.bigint() - this.#t0) / 1000n);
  }

  /** Catch up with real time, run `fn`, run what became due, re-arm the timer. */
  run<T>(fn: () => T): T {
    this.#catchUp();
    const out = fn();
    this.#catchUp();
    this.#arm();
    return out;
  }

  #catchUp(): void {
    const now = this.nowUs();
    if (now > this.scheduler.now) this.scheduler.runUntil(now);
    else this.scheduler.runUntil(this.scheduler.now);
  }

  #arm(): void {
    if (this.#closed) return;
    const next = this.scheduler.nextTime();
    if (next === undefined) return;
    if (this.#timer && this.#armedFor <= next) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = next;
    const delayMs = Math.max(0, Math.ceil((next - this.nowUs()) / 1000));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#armedFor = Infinity;
      this.run(() => undefined);
    }, delayMs);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
