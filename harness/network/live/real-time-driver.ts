import { type Micros, Scheduler } from '../../sim/index.js';

export interface RealTimeDriverOptions {
  /**
   * Timer grid, ms: wake-ups are rounded up to multiples of this, so events due close together run in one
   * wake-up (each costs CPU: ~0.3 ms here with its socket writes). Default 0: wake for every event.
   */
  quantumMs?: number;
}

/**
 * Runs a kernel Scheduler on the wall clock (live mode only): virtual µs = real µs since the driver
 * started. Call `run` around anything that reacts to real input (socket data) so the scheduler is
 * caught up first; one real timer is kept armed for the next scheduled event, on a `quantumMs` grid.
 * Events therefore run up to a quantum (plus timer slack) late; what is computed from the clock
 * (departure times, hence the shaped rate) is not affected.
 */
export class RealTimeDriver {
  readonly scheduler = new Scheduler();
  readonly #t0 = process.hrtime.bigint();
  readonly #quantumUs: number;
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Infinity;
  #closed = false;

  constructor(options: RealTimeDriverOptions = {}) {
    this.#quantumUs = Math.round((options.quantumMs ?? 0) * 1000);
  }

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
    const due = this.scheduler.nextTime();
    if (due === undefined) return;
    const q = this.#quantumUs;
    const next = q > 0 ? Math.ceil(due / q) * q : due;
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
