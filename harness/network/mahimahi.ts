import type { Rng } from '../sim/index.js';
import { NetworkError } from './network-error.js';

/** Bytes one Mahimahi delivery opportunity carries (one MTU-sized packet). */
export const MAHIMAHI_PACKET_BYTES = 1500;

/**
 * A Mahimahi packet-delivery trace: each entry is the time, in ms from the start of the trace, of one
 * opportunity to deliver one 1500-byte packet; repeated values are several packets in that millisecond.
 * The trace wraps: after `periodMs` (its last timestamp, as in Mahimahi) it starts again.
 */
export interface MahimahiTrace {
  /** Non-decreasing, non-negative integer milliseconds; at least one entry. */
  readonly opportunitiesMs: readonly number[];
  /** The wrap period, ms: the last timestamp (> 0). */
  readonly periodMs: number;
}

/**
 * Parse Mahimahi's text format (one integer per line, blank lines ignored). Throws
 * NetworkError('INVALID_TRACE') naming the line and value for anything else.
 */
export function parseMahimahi(text: string, source = 'trace'): MahimahiTrace {
  const out: number[] = [];
  const lines = text.split('\n');
  let prev = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const v = Number(line);
    if (!/^\d+$/.test(line) || !Number.isSafeInteger(v)) {
      throw new NetworkError(
        'INVALID_TRACE',
        `Failed to parse ${source} line ${i + 1}: "${line}" (expected a non-negative integer of ms)`,
        { source, line: i + 1, value: line },
      );
    }
    if (v < prev) {
      throw new NetworkError(
        'INVALID_TRACE',
        `Failed to parse ${source} line ${i + 1}: ${v} ms comes before ${prev} ms (expected non-decreasing times)`,
        { source, line: i + 1, value: v },
      );
    }
    prev = v;
    out.push(v);
  }
  return checkTrace({ opportunitiesMs: out, periodMs: out.length > 0 ? out[out.length - 1] : 0 }, source);
}

/** Validate a trace given as data (non-decreasing integers, last > 0). Returns it unchanged. */
export function checkTrace(trace: MahimahiTrace, source = 'trace'): MahimahiTrace {
  const o = trace.opportunitiesMs;
  if (o.length === 0) {
    throw new NetworkError('INVALID_TRACE', `Invalid ${source}: no delivery opportunities`, { source });
  }
  for (let i = 0; i < o.length; i++) {
    const v = o[i];
    if (!Number.isSafeInteger(v) || v < 0 || (i > 0 && v < o[i - 1])) {
      throw new NetworkError(
        'INVALID_TRACE',
        `Invalid ${source} entry ${i}: ${v} (expected non-decreasing non-negative integer ms)`,
        { source, index: i, value: v },
      );
    }
  }
  if (!(trace.periodMs > 0) || trace.periodMs !== o[o.length - 1]) {
    throw new NetworkError(
      'INVALID_TRACE',
      `Invalid ${source}: period ${trace.periodMs} ms (expected the last timestamp, > 0)`,
      { source, periodMs: trace.periodMs },
    );
  }
  return trace;
}

/** Mahimahi's text format: one timestamp per line, ending with a newline. */
export function formatMahimahi(trace: MahimahiTrace): string {
  return `${trace.opportunitiesMs.join('\n')}\n`;
}

/** Mean capacity of one period of the trace, kbit/s (12 kbit per opportunity). */
export function traceMeanKbps(trace: MahimahiTrace): number {
  return (trace.opportunitiesMs.length * MAHIMAHI_PACKET_BYTES * 8) / trace.periodMs;
}

export interface RateStep {
  /** Start of the step, ms from the start of the trace. */
  atMs: number;
  /** Capacity from `atMs` to the next step, kbit/s (0 = no opportunities). */
  kbps: number;
}

/**
 * A trace whose opportunities follow a step schedule exactly: the number of opportunities up to ms `t`
 * is floor(bits(t) / 12,000), bits(t) being the scheduled capacity integrated up to `t`. A constant
 * `kbps` over `durationMs` with `durationMs * kbps` a multiple of 12,000 wraps without a seam.
 * The period is `durationMs` when an opportunity falls on it (it does in that case), otherwise the
 * last opportunity's time, as Mahimahi defines it.
 */
export function generateMahimahi(steps: readonly RateStep[] | number, durationMs: number): MahimahiTrace {
  const schedule = typeof steps === 'number' ? [{ atMs: 0, kbps: steps }] : steps;
  if (!Number.isSafeInteger(durationMs) || durationMs <= 0) {
    throw new NetworkError(
      'INVALID_ARGUMENT',
      `Invalid durationMs: ${durationMs} (expected an integer > 0)`,
      {
        durationMs,
      },
    );
  }
  if (schedule.length === 0 || schedule[0].atMs !== 0) {
    throw new NetworkError('INVALID_ARGUMENT', 'Invalid steps: the first step must start at 0 ms', {});
  }
  const out: number[] = [];
  let bits = 0;
  let emitted = 0;
  let k = 0;
  for (let t = 1; t <= durationMs; t++) {
    while (k + 1 < schedule.length && schedule[k + 1].atMs < t) k++;
    bits += schedule[k].kbps; // kbit/s × 1 ms = bits
    const due = Math.floor((bits + 1e-6) / (MAHIMAHI_PACKET_BYTES * 8));
    while (emitted < due) {
      out.push(t);
      emitted++;
    }
  }
  if (out.length === 0) {
    throw new NetworkError(
      'INVALID_ARGUMENT',
      `Failed to generate a trace: ${durationMs} ms at the given rates holds no 1500-byte opportunity`,
      { durationMs },
    );
  }
  return { opportunitiesMs: out, periodMs: out[out.length - 1] };
}

export interface RandomWalkOptions {
  /** Length of the generated schedule, ms. */
  durationMs: number;
  /** How often the rate changes, ms. */
  stepMs: number;
  meanKbps: number;
  minKbps: number;
  maxKbps: number;
  /** Relative change per step (standard deviation-like), e.g. 0.25. */
  volatility: number;
}

/**
 * A seeded random-walk step schedule (log-rate walk pulled back towards the mean), for generated
 * profiles such as `4g-commute`. Same rng path → same schedule.
 */
export function randomWalkSteps(rng: Rng, o: RandomWalkOptions): RateStep[] {
  const steps: RateStep[] = [];
  let rate = o.meanKbps;
  for (let t = 0; t < o.durationMs; t += o.stepMs) {
    steps.push({ atMs: t, kbps: Math.round(rate) });
    const u = rng.next() * 2 - 1;
    const pulled = Math.log(rate) + 0.2 * (Math.log(o.meanKbps) - Math.log(rate)) + u * o.volatility;
    rate = Math.min(o.maxKbps, Math.max(o.minKbps, Math.exp(pulled)));
  }
  return steps;
}
