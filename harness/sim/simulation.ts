import { GlobalClockBridge } from './global-clock-bridge.js';
import { createRng, type Rng } from './prng.js';
import { type Micros, Scheduler, type SchedulerOptions } from './scheduler.js';
import { assertMicros, SimError } from './sim-error.js';
import { TraceRecorder } from './trace.js';

// Captured at load, before any fake clock is installed: the one real macrotask hook we use, to let
// promise continuations and process.nextTick callbacks of simulated code run between virtual instants.
const realSetImmediate = globalThis.setImmediate;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));
const nextTickTurn = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/**
 * Settle async work without a full event-loop turn: each round lets the nextTick queue and the microtask
 * queue run to empty once more (Node runs ticks, then microtasks, until both are empty).
 */
async function settleMicrotasks(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) await nextTickTurn();
}

export interface SimulationOptions {
  seed: number;
  /**
   * How async work settles between virtual instants. Each instant gets `microtaskRounds` rounds of
   * nextTick + microtask draining (cheap); a real macrotask turn (`setImmediate`, ~20 µs) is taken at
   * most once per `macrotaskEveryUs` of virtual time, for Node internals that use the real timers module.
   * Both are deterministic: the points where we yield depend only on virtual time. Defaults 4 and 1,000,000 µs:
   * everything simulated runs on faked timers and nextTicks, so the real turn is only a safety net, and
   * each one costs a poll of the real loop (at 2,000 µs they were ~10% of a campaign's time).
   */
  settle?: { microtaskRounds?: number; macrotaskEveryUs?: number };
  scheduler?: SchedulerOptions;
  /** Wall-clock date that virtual time 0 maps to for faked `Date`. */
  epochMs?: number;
}

/**
 * One simulated world: a scheduler, a root RNG, a trace. The async `run*` methods yield to Node's real
 * event loop once per virtual instant, so async code (promises, streams' nextTicks) settles before
 * time moves on: the order is still total, because nothing real happens in between.
 */
export class Simulation {
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly trace: TraceRecorder;
  readonly seed: number;
  readonly #bridge: GlobalClockBridge;
  readonly #microtaskRounds: number;
  readonly #macrotaskEveryUs: number;
  #lastMacrotaskAt = -1;
  #yields = 0;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.scheduler = new Scheduler(options.scheduler);
    this.rng = createRng(options.seed);
    this.trace = new TraceRecorder(() => this.scheduler.now);
    this.#microtaskRounds = options.settle?.microtaskRounds ?? 4;
    this.#macrotaskEveryUs = options.settle?.macrotaskEveryUs ?? 1_000_000;
    this.#bridge = new GlobalClockBridge({
      scheduler: this.scheduler,
      rng: this.rng.fork('global-crypto'),
      epochMs: options.epochMs,
    });
  }

  get now(): Micros {
    return this.scheduler.now;
  }

  /** Let async work of simulated code settle before time moves on (see SimulationOptions.settle). */
  async #settle(): Promise<void> {
    const now = this.scheduler.now;
    if (this.#lastMacrotaskAt < 0 || now - this.#lastMacrotaskAt >= this.#macrotaskEveryUs) {
      this.#lastMacrotaskAt = now;
      this.#yields++;
      await yieldToEventLoop();
    }
    await settleMicrotasks(this.#microtaskRounds);
  }

  /** How often the runner yielded to the real event loop (a cost figure for benchmarks). */
  get yields(): number {
    return this.#yields;
  }

  /** Put global timers, Date and crypto randomness on this simulation's clock and RNG. */
  installGlobals(): void {
    this.#bridge.install();
  }

  uninstallGlobals(): void {
    this.#bridge.uninstall();
  }

  get globalsInstalled(): boolean {
    return this.#bridge.installed;
  }

  /** `Date.now()` as seen by faked third-party code at virtual time `t`. */
  epochMs(t: Micros = this.scheduler.now): number {
    return this.#bridge.toEpochMs(t);
  }

  /** Run everything due up to `t` (µs), settling async work at each instant; then now = t. */
  async runUntil(t: Micros): Promise<void> {
    assertMicros('target time', t);
    if (t < this.scheduler.now) {
      throw new SimError(
        'TIME_IN_PAST',
        `Cannot run the clock backwards to ${t} µs: now is ${this.scheduler.now} µs`,
        {
          target: t,
          now: this.scheduler.now,
        },
      );
    }
    const s = this.scheduler;
    while (true) {
      await this.#settle();
      const next = s.nextTime();
      if (next === undefined || next > t) break;
      const instant = Math.max(next, s.now);
      while (true) {
        const n = s.nextTime();
        if (n === undefined || n > instant) break;
        s.step(instant);
      }
    }
    s.runUntil(t);
  }

  async runFor(d: Micros): Promise<void> {
    assertMicros('duration', d);
    await this.runUntil(this.scheduler.now + d);
  }

  /**
   * Run until `predicate()` is true (checked after each instant) or `limit` µs is reached; returns
   * whether the predicate became true.
   */
  async runUntilCondition(predicate: () => boolean, limit: Micros): Promise<boolean> {
    assertMicros('limit', limit);
    const s = this.scheduler;
    while (!predicate()) {
      await this.#settle();
      if (predicate()) return true;
      const next = s.nextTime();
      if (next === undefined || next > limit) {
        s.runUntil(Math.max(limit, s.now));
        return predicate();
      }
      const instant = Math.max(next, s.now);
      while (true) {
        const n = s.nextTime();
        if (n === undefined || n > instant) break;
        s.step(instant);
      }
    }
    return true;
  }

  /** Remove the global patches. Safe to call twice. */
  dispose(): void {
    this.#bridge.uninstall();
  }
}
