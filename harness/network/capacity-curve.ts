import type { Micros } from '../sim/index.js';
import { MAHIMAHI_PACKET_BYTES, type MahimahiTrace } from './mahimahi.js';
import { NetworkError } from './network-error.js';

/** Where a link's capacity comes from, resolved to microseconds. */
export type CapacitySpec =
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'steps'; readonly steps: readonly { readonly atUs: Micros; readonly kbps: number }[] }
  | { readonly kind: 'trace'; readonly trace: MahimahiTrace };

/**
 * A window in which the scripted capacity is replaced: `down` (an outage, nothing is transmitted) or a
 * rate (toxiproxy's `bandwidth`). `untilUs` may be Infinity. Down wins over rates; of several rates the
 * lowest applies.
 */
export interface CapacityOverride {
  readonly kind: 'down' | 'rate';
  readonly fromUs: Micros;
  readonly untilUs: Micros;
  /** kbit/s, for `rate`. */
  readonly kbps?: number;
}

/** One piece of the effective capacity program, as written to the trace (`net.link`). */
export interface CapacitySegment {
  atUs: Micros;
  /** kbit/s; null = unlimited; absent when the segment follows the trace. */
  kbps?: number | null;
  /** True when the segment follows the Mahimahi trace (aligned on virtual time 0, wrapping). */
  trace?: true;
}

const RATE = 0;
const TRACE = 1;
const UNLIMITED = 2;
/** Tolerance for float noise when a departure time is rounded up to a whole µs. */
const EPS_US = 1e-3;

function lowerBound(a: Float64Array, v: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The cumulative service curve C(t) of one link: how many bytes the bottleneck can have transmitted by
 * virtual time t, if it was never idle. Capacity that finds the queue empty is lost, which the
 * serializer (`serve`) expresses as `start = max(work, C(arrival⁻))`. Step capacities are fluid
 * (bytes leave continuously at the rate); trace capacities are Mahimahi's: each opportunity carries
 * 1500 bytes of whatever is queued at that instant, and an unused remainder is lost.
 * Pure arithmetic: no scheduler, no state beyond a lookup cursor. Used by the simulated link, the live
 * proxy and the oracles' `capacitySeries`, so all three agree on what the script allowed.
 */
export class CapacityCurve {
  readonly #start: number[] = [];
  readonly #kind: number[] = [];
  readonly #kbps: number[] = [];
  /** C at each segment start, bytes. */
  readonly #c: number[] = [];
  /** countLT(segment start), for trace segments. */
  readonly #base: number[] = [];
  readonly #opp: Float64Array;
  readonly #n: number;
  readonly #period: number;
  readonly #trace: MahimahiTrace | undefined;
  #cursor = 0;

  constructor(spec: CapacitySpec, overrides: readonly CapacityOverride[] = []) {
    this.#trace = spec.kind === 'trace' ? spec.trace : undefined;
    const t = this.#trace;
    this.#n = t ? t.opportunitiesMs.length : 0;
    this.#opp = new Float64Array(this.#n);
    if (t) for (let i = 0; i < this.#n; i++) this.#opp[i] = t.opportunitiesMs[i] * 1000;
    this.#period = t ? t.periodMs * 1000 : 0;
    this.#build(spec, overrides);
  }

  #build(spec: CapacitySpec, overrides: readonly CapacityOverride[]): void {
    const bounds = new Set<number>([0]);
    if (spec.kind === 'steps') {
      if (spec.steps.length === 0 || spec.steps[0].atUs !== 0) {
        throw new NetworkError(
          'INVALID_ARGUMENT',
          'Invalid capacity steps: the first step must start at 0',
          {},
        );
      }
      for (const s of spec.steps) bounds.add(s.atUs);
    }
    for (const o of overrides) {
      bounds.add(o.fromUs);
      if (Number.isFinite(o.untilUs)) bounds.add(o.untilUs);
    }
    const times = [...bounds].sort((a, b) => a - b);
    let step = 0;
    for (const b of times) {
      let kind: number;
      let kbps = 0;
      let down = false;
      let rate: number | undefined;
      for (const o of overrides) {
        if (o.fromUs <= b && b < o.untilUs) {
          if (o.kind === 'down') down = true;
          else rate = Math.min(rate ?? Infinity, o.kbps ?? Infinity);
        }
      }
      if (down) {
        kind = RATE;
      } else if (rate !== undefined) {
        kind = RATE;
        kbps = rate;
      } else if (spec.kind === 'steps') {
        while (step + 1 < spec.steps.length && spec.steps[step + 1].atUs <= b) step++;
        kind = RATE;
        kbps = spec.steps[step].kbps;
      } else if (spec.kind === 'trace') {
        kind = TRACE;
      } else {
        kind = UNLIMITED;
      }
      if (kind === RATE && kbps === Infinity) kind = UNLIMITED;
      const last = this.#kind.length - 1;
      if (last >= 0 && this.#kind[last] === kind && (kind !== RATE || this.#kbps[last] === kbps)) continue;
      this.#start.push(b);
      this.#kind.push(kind);
      this.#kbps.push(kind === RATE ? kbps : kind === UNLIMITED ? Infinity : 0);
    }
    let c = 0;
    for (let k = 0; k < this.#start.length; k++) {
      this.#c.push(c);
      this.#base.push(this.#kind[k] === TRACE ? this.countBefore(this.#start[k]) : 0);
      if (k + 1 < this.#start.length) c = this.#cAt(k, this.#start[k + 1], true);
    }
  }

  /** Number of trace opportunities strictly before `t` (µs), counting wraps. */
  countBefore(t: number): number {
    return this.#count(t, true);
  }

  /** Number of trace opportunities at or before `t` (µs), counting wraps. */
  countAtOrBefore(t: number): number {
    return this.#count(t, false);
  }

  #count(t: number, strict: boolean): number {
    const n = this.#n;
    if (n === 0 || t < 0) return 0;
    const p = this.#period;
    const m0 = Math.floor(t / p);
    const find = strict ? lowerBound : upperBound;
    // Period m holds opportunities in [mP, (m+1)P]: all periods before m0-1 lie wholly below t.
    let total = m0 >= 1 ? (m0 - 1) * n + find(this.#opp, t - (m0 - 1) * p, n) : 0;
    total += find(this.#opp, t - m0 * p, n);
    return total;
  }

  /** Time (µs) of the trace opportunity with absolute index `i` (0-based, counting wraps). */
  opportunityTime(i: number): number {
    const m = Math.floor(i / this.#n);
    return m * this.#period + this.#opp[i - m * this.#n];
  }

  /** Index of the segment holding `t`. */
  #seg(t: number): number {
    const s = this.#start;
    const c = this.#cursor;
    if (s[c] <= t && (c + 1 === s.length || t < s[c + 1])) return c;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    this.#cursor = lo;
    return lo;
  }

  #cAt(k: number, t: number, strict: boolean): number {
    const kind = this.#kind[k];
    if (kind === RATE) return this.#c[k] + ((t - this.#start[k]) * this.#kbps[k]) / 8000;
    if (kind === TRACE) {
      const count = strict ? this.countBefore(t) : this.countAtOrBefore(t);
      return this.#c[k] + MAHIMAHI_PACKET_BYTES * (count - this.#base[k]);
    }
    return this.#c[k];
  }

  /** C(t): bytes transmittable in [0, t] by a never-idle link. Unlimited segments add nothing (see serve). */
  cumulative(t: Micros): number {
    return this.#cAt(this.#seg(t), t, false);
  }

  /** C(t⁻): as `cumulative` but without a trace opportunity at exactly t (capacity still usable at t). */
  cumulativeBefore(t: Micros): number {
    return this.#cAt(this.#seg(t), t, true);
  }

  /** True when the capacity at `t` is unlimited. */
  isUnlimitedAt(t: Micros): boolean {
    return this.#kind[this.#seg(t)] === UNLIMITED;
  }

  /** Work position after `serve` (bytes on the C scale); read right after calling `serve`. */
  servedWork = 0;

  /**
   * Serialise `bytes` arriving at `s` behind a queue whose last byte sits at work position `work`.
   * Returns the departure time of the last byte (integer µs, rounded up; Infinity if the link never
   * carries it) and leaves the new work position in `servedWork`.
   */
  serve(work: number, s: Micros, bytes: number): number {
    let k = this.#seg(s);
    if (this.#kind[k] === UNLIMITED) {
      this.servedWork = this.#c[k];
      return s;
    }
    const w = Math.max(work, this.#cAt(k, s, true)) + bytes;
    const segs = this.#start.length;
    for (; k < segs; k++) {
      const kind = this.#kind[k];
      const last = k + 1 === segs;
      if (kind === UNLIMITED) {
        this.servedWork = this.#c[k];
        return this.#start[k];
      }
      if (!last && w > this.#c[k + 1] + 1e-9) continue;
      if (kind === RATE) {
        const kbps = this.#kbps[k];
        if (kbps === 0) {
          if (last) break;
          continue;
        }
        this.servedWork = w;
        const d = this.#start[k] + ((w - this.#c[k]) * 8000) / kbps;
        return Math.max(s, Math.ceil(d - EPS_US));
      }
      // TRACE: the j-th opportunity of this segment carries the byte at work position w.
      const j = Math.ceil((w - this.#c[k]) / MAHIMAHI_PACKET_BYTES);
      this.servedWork = w;
      return Math.max(s, this.opportunityTime(this.#base[k] + j - 1));
    }
    this.servedWork = w;
    return Infinity;
  }

  /**
   * First time ≥ `from` at which C(t) ≥ `work` (the queue has shrunk to a target), or Infinity.
   * Used for drain times.
   */
  timeOfWork(work: number, from: Micros): Micros {
    let k = this.#seg(from);
    if (this.#cAt(k, from, false) >= work - 1e-9) return from;
    const segs = this.#start.length;
    for (; k < segs; k++) {
      const kind = this.#kind[k];
      const last = k + 1 === segs;
      if (kind === UNLIMITED) return Math.max(from, this.#start[k]);
      if (!last && work > this.#c[k + 1] + 1e-9) continue;
      if (kind === RATE) {
        const kbps = this.#kbps[k];
        if (kbps === 0) {
          if (last) return Infinity;
          continue;
        }
        const d = this.#start[k] + ((work - this.#c[k]) * 8000) / kbps;
        return Math.max(from, Math.ceil(d - EPS_US));
      }
      const j = Math.max(1, Math.ceil((work - this.#c[k]) / MAHIMAHI_PACKET_BYTES));
      return Math.max(from, this.opportunityTime(this.#base[k] + j - 1));
    }
    return Infinity;
  }

  /**
   * Mean capacity over [a, b), kbit/s (null when unlimited somewhere in the window). For trace segments
   * this counts the opportunities in the window.
   */
  meanKbps(a: Micros, b: Micros): number | null {
    if (b <= a) return this.kbpsAt(a);
    for (let k = this.#seg(a); k < this.#start.length && this.#start[k] < b; k++) {
      if (this.#kind[k] === UNLIMITED) return null;
    }
    const bytes = this.cumulativeBefore(b) - this.cumulativeBefore(a);
    return (bytes * 8000) / (b - a);
  }

  /**
   * Capacity at `t`, kbit/s: the segment's rate, null when unlimited, or for a trace the mean over the
   * whole second containing `t`.
   */
  kbpsAt(t: Micros): number | null {
    const k = this.#seg(t);
    const kind = this.#kind[k];
    if (kind === RATE) return this.#kbps[k];
    if (kind === UNLIMITED) return null;
    const a = Math.floor(t / 1_000_000) * 1_000_000;
    return ((this.countBefore(a + 1_000_000) - this.countBefore(a)) * MAHIMAHI_PACKET_BYTES * 8) / 1000;
  }

  /** The effective program (after overrides), for the trace and for rebuilding the curve offline. */
  segments(): CapacitySegment[] {
    return this.#start.map((atUs, k) => {
      const kind = this.#kind[k];
      if (kind === TRACE) return { atUs, trace: true as const };
      return { atUs, kbps: kind === UNLIMITED ? null : this.#kbps[k] };
    });
  }

  get trace(): MahimahiTrace | undefined {
    return this.#trace;
  }

  /** Rebuild a curve from `segments()` (and the trace it follows, if any). */
  static fromSegments(segments: readonly CapacitySegment[], trace?: MahimahiTrace): CapacityCurve {
    const base: CapacitySpec = trace ? { kind: 'trace', trace } : { kind: 'unlimited' };
    const overrides: CapacityOverride[] = [];
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.trace) continue;
      const untilUs = i + 1 < segments.length ? segments[i + 1].atUs : Infinity;
      if (s.kbps === null || s.kbps === undefined) {
        if (trace) overrides.push({ kind: 'rate', fromUs: s.atUs, untilUs, kbps: Infinity });
        continue;
      }
      overrides.push(
        s.kbps === 0
          ? { kind: 'down', fromUs: s.atUs, untilUs }
          : { kind: 'rate', fromUs: s.atUs, untilUs, kbps: s.kbps },
      );
    }
    return new CapacityCurve(base, overrides);
  }
}
