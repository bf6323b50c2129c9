import type { TraceRecord } from '../../sim/trace.js';
import { field, ms, num, str } from '../trace-query.js';

/** One point of the encoder target series T(t): open, setTargetBitrate or close of the current encoder. */
export interface TargetPoint {
  t: number;
  /** kbit/s; undefined when no video encoder is open. */
  kbps: number | undefined;
  kind: 'open' | 'set' | 'close';
  record: TraceRecord;
}

/** T(t) from the device trace: each successful openVideoEncoder and setTargetBitrate, and the close of the open handle. */
export function targetSeries(trace: readonly TraceRecord[]): TargetPoint[] {
  const out: TargetPoint[] = [];
  let current: string | undefined;
  for (const r of trace) {
    if (r.kind !== 'device.call' || str(r, 'device') !== 'videoEncoder' || str(r, 'result') !== 'ok')
      continue;
    const method = str(r, 'method');
    const handle = `${str(r, 'kind')}#${num(r, 'session')}`;
    const args = field(r, 'args');
    const a = args && typeof args === 'object' && !Array.isArray(args) ? args : {};
    if (method === 'openVideoEncoder' && typeof a.targetBitrateKbps === 'number') {
      current = handle;
      out.push({ t: ms(r), kbps: a.targetBitrateKbps, kind: 'open', record: r });
    } else if (method === 'setTargetBitrate' && handle === current && typeof a.kbps === 'number') {
      out.push({ t: ms(r), kbps: a.kbps, kind: 'set', record: r });
    } else if (method === 'close' && handle === current) {
      current = undefined;
      out.push({ t: ms(r), kbps: undefined, kind: 'close', record: r });
    }
  }
  return out;
}

/** T at `t`, after every change at `t` itself. */
export function targetAt(series: readonly TargetPoint[], t: number): number | undefined {
  let v: number | undefined;
  for (const p of series) {
    if (p.t > t) break;
    v = p.kbps;
  }
  return v;
}

/** The values T takes in [from, to] (the one in force at `from` and every later one), open-close gaps skipped. */
export function targetValuesIn(
  series: readonly TargetPoint[],
  from: number,
  to: number,
): { t: number; kbps: number }[] {
  const out: { t: number; kbps: number }[] = [];
  const first = targetAt(series, from);
  if (first !== undefined) out.push({ t: from, kbps: first });
  for (const p of series)
    if (p.t > from && p.t <= to && p.kbps !== undefined) out.push({ t: p.t, kbps: p.kbps });
  return out;
}

/** Time-weighted mean of T over [from, to) (ignoring instants with no encoder open). */
export function meanTarget(series: readonly TargetPoint[], from: number, to: number): number | undefined {
  let sum = 0;
  let dur = 0;
  let t = from;
  let v = targetAt(series, from);
  for (const p of series) {
    if (p.t <= from) continue;
    if (p.t >= to) break;
    if (v !== undefined) {
      sum += v * (p.t - t);
      dur += p.t - t;
    }
    t = p.t;
    v = p.kbps;
  }
  if (v !== undefined) {
    sum += v * (to - t);
    dur += to - t;
  }
  return dur > 0 ? sum / dur : undefined;
}
