import { assertMicros, SimError } from './sim-error.js';

/**
 * Virtual time is an integer number of MICROSECONDS since the start of the simulation.
 * Integer µs keep a 5 Mbit/s link exact (one 1500-byte packet = 2400 µs) where integer ms would round.
 */
export type Micros = number;

export const MICROS_PER_MS = 1000;
export const MICROS_PER_SECOND = 1_000_000;

/** A scheduled callback. Keep the object to cancel it; `cancelled` is set by `Scheduler.cancel`. */
export interface ScheduledEvent {
  readonly at: Micros;
  readonly seq: number;
  readonly label: string;
  cancelled: boolean;
  /** @internal */ fn: () => void;
}

/**
 * Something else that owns timers and must be merged into the total order, e.g. the fake-timers bridge
 * that runs third-party code's `setTimeout`. `nextDue` is its earliest due time (µs) or undefined.
 */
export interface ExternalTimerSource {
  nextDue(): Micros | undefined;
  /** Fire the earliest due timer; the scheduler has already moved `now` to its due time. */
  fireNext(): void;
  /** Called whenever virtual time moves, before any callback at the new time runs. */
  onTimeAdvance(now: Micros): void;
}

export interface SchedulerOptions {
  /** Most callbacks allowed at one instant before a RUNAWAY error (a zero-delay loop). Default 1,000,000. */
  maxEventsPerInstant?: number;
  /** Most callbacks `runUntilIdle` runs before a RUNAWAY error. Default 50,000,000. */
  maxEventsUntilIdle?: number;
}

/**
 * A discrete-event scheduler: callbacks run in a total order, by time and then by insertion sequence.
 * Nothing here reads the wall clock. Cancelled events are dropped lazily when they reach the head.
 */
export class Scheduler {
  #now: Micros = 0;
  #seq = 0;
  #heap: ScheduledEvent[] = [];
  #external: ExternalTimerSource | undefined;
  #executed = 0;
  readonly #maxPerInstant: number;
  readonly #maxUntilIdle: number;
  #instantTime = -1;
  #instantCount = 0;
  #instantLabels = new Map<string, number>();

  constructor(options: SchedulerOptions = {}) {
    this.#maxPerInstant = options.maxEventsPerInstant ?? 1_000_000;
    this.#maxUntilIdle = options.maxEventsUntilIdle ?? 50_000_000;
  }

  /** Current virtual time in µs. */
  get now(): Micros {
    return this.#now;
  }

  /** Total callbacks executed so far (cancelled ones excluded). */
  get executed(): number {
    return this.#executed;
  }

  /** Number of live (not cancelled) events still queued, excluding external timers. */
  get pending(): number {
    let n = 0;
    for (const e of this.#heap) if (!e.cancelled) n++;
    return n;
  }

  /** Plug in a second timer source (at most one); pass undefined to remove it. */
  setExternalTimerSource(source: ExternalTimerSource | undefined): void {
    this.#external = source;
  }

  /** Schedule `fn` at absolute time `at` (µs). Throws TIME_IN_PAST for a time before now. */
  at(at: Micros, fn: () => void, label = 'timer'): ScheduledEvent {
    assertMicros('at', at);
    if (at < this.#now) {
      throw new SimError('TIME_IN_PAST', `Cannot schedule "${label}" at ${at} µs: now is ${this.#now} µs`, {
        at,
        now: this.#now,
        label,
      });
    }
    const ev: ScheduledEvent = { at, seq: this.#seq++, label, cancelled: false, fn };
    this.#push(ev);
    return ev;
  }

  /** Schedule `fn` after `delay` µs (0 = later at the same instant, never synchronously). */
  after(delay: Micros, fn: () => void, label = 'timer'): ScheduledEvent {
    assertMicros('delay', delay);
    return this.at(this.#now + delay, fn, label);
  }

  /** Run `fn` every `interval` µs (first run after one interval) until the returned handle is cancelled. */
  every(interval: Micros, fn: () => void, label = 'interval'): { cancel(): void } {
    assertMicros('interval', interval);
    if (interval === 0) {
      throw new SimError('INVALID_ARGUMENT', `Invalid interval for "${label}": 0 (expected > 0 µs)`, {
        interval,
        label,
      });
    }
    let current: ScheduledEvent;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      current = this.after(interval, tick, label);
      fn();
    };
    current = this.after(interval, tick, label);
    return {
      cancel: () => {
        stopped = true;
        this.cancel(current);
      },
    };
  }

  cancel(ev: ScheduledEvent | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /** Earliest due time of anything queued (own or external), or undefined when idle. */
  nextTime(): Micros | undefined {
    this.#dropCancelledHead();
    const own = this.#heap.length > 0 ? this.#heap[0].at : undefined;
    const ext = this.#external?.nextDue();
    if (own === undefined) return ext;
    if (ext === undefined) return own;
    return Math.min(ext, own);
  }

  /**
   * Run the single next callback if it is due at or before `limit`. Returns false when nothing is due.
   * At equal times external timers run first: a fixed rule, so the order stays total and deterministic.
   */
  step(limit: Micros = Number.MAX_SAFE_INTEGER): boolean {
    this.#dropCancelledHead();
    const head = this.#heap.length > 0 ? this.#heap[0] : undefined;
    const ext = this.#external?.nextDue();
    if (ext !== undefined && ext <= limit && (head === undefined || ext <= head.at)) {
      this.#advanceTo(Math.max(ext, this.#now));
      this.#countInstant('external-timer');
      this.#external!.fireNext();
      this.#executed++;
      return true;
    }
    if (head === undefined || head.at > limit) return false;
    this.#pop();
    this.#advanceTo(head.at);
    this.#countInstant(head.label);
    this.#executed++;
    head.fn();
    return true;
  }

  /** Run every callback due at or before `t`, then set now = t. Returns how many ran. */
  runUntil(t: Micros): number {
    this.#checkTarget(t);
    const before = this.#executed;
    while (this.step(t)) {
      /* step does the work */
    }
    this.#advanceTo(t);
    return this.#executed - before;
  }

  /** `runUntil(now + d)`. */
  runFor(d: Micros): number {
    assertMicros('duration', d);
    return this.runUntil(this.#now + d);
  }

  /** Run until nothing is queued. Throws RUNAWAY (naming the busiest label) past the loop limit. */
  runUntilIdle(): number {
    const before = this.#executed;
    const labels = new Map<string, number>();
    while (true) {
      const next = this.nextTime();
      if (next === undefined) break;
      const ran = this.#executed - before;
      if (ran >= this.#maxUntilIdle) {
        throw runaway('runUntilIdle', this.#maxUntilIdle, this.#now, labels);
      }
      // Only the last few thousand labels are counted: enough to name the runaway, cheap on the hot path.
      if (ran >= this.#maxUntilIdle - 10_000) {
        const head = this.#heap[0];
        if (head && head.at === next) labels.set(head.label, (labels.get(head.label) ?? 0) + 1);
      }
      this.step();
    }
    return this.#executed - before;
  }

  #checkTarget(t: Micros): void {
    assertMicros('target time', t);
    if (t < this.#now) {
      throw new SimError(
        'TIME_IN_PAST',
        `Cannot run the clock backwards to ${t} µs: now is ${this.#now} µs`,
        {
          target: t,
          now: this.#now,
        },
      );
    }
  }

  #advanceTo(t: Micros): void {
    if (t === this.#now) return;
    this.#now = t;
    this.#external?.onTimeAdvance(t);
  }

  #countInstant(label: string): void {
    if (this.#instantTime !== this.#now) {
      this.#instantTime = this.#now;
      this.#instantCount = 0;
      if (this.#instantLabels.size > 0) this.#instantLabels.clear();
    }
    this.#instantCount++;
    if (this.#instantCount > this.#maxPerInstant - 1000) {
      this.#instantLabels.set(label, (this.#instantLabels.get(label) ?? 0) + 1);
    }
    if (this.#instantCount > this.#maxPerInstant) {
      throw runaway('one instant', this.#maxPerInstant, this.#now, this.#instantLabels);
    }
  }

  #dropCancelledHead(): void {
    while (this.#heap.length > 0 && this.#heap[0].cancelled) this.#pop();
  }

  // Binary min-heap on (at, seq): hand-written because this is the hot path (>= 2M events/s target).
  #push(ev: ScheduledEvent): void {
    const h = this.#heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent.at < ev.at || (parent.at === ev.at && parent.seq < ev.seq)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  #pop(): ScheduledEvent | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    const n = h.length;
    let i = 0;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (h[r].at < h[l].at || (h[r].at === h[l].at && h[r].seq < h[l].seq))) c = r;
      const child = h[c];
      if (last.at < child.at || (last.at === child.at && last.seq < child.seq)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

function runaway(where: string, limit: number, now: Micros, labels: Map<string, number>): SimError {
  let busiest = 'unknown';
  let count = 0;
  for (const [label, n] of labels) {
    if (n > count) {
      busiest = label;
      count = n;
    }
  }
  return new SimError(
    'RUNAWAY',
    `Runaway simulation: more than ${limit} callbacks in ${where} at ${now} µs; busiest timer "${busiest}" (${count} of the last runs)`,
    { where, limit, now, busiest, count },
  );
}
