import type { TraceRecord } from '../../sim/trace.js';
import { field, str } from '../trace-query.js';
import type { Span } from './spans.js';

/** One piece of the uplink's capacity program, ms; kbps null = unlimited, undefined = follows a trace. */
export interface CapacityStep extends Span {
  kbps: number | null | undefined;
}

/** The uplink's capacity program from its `net.link` record (steps, outages and bandwidth toxics included). */
export function capacitySteps(trace: readonly TraceRecord[]): CapacityStep[] | undefined {
  const link = trace.find((r) => r.kind === 'net.link' && str(r, 'link') === 'uplink');
  const segs = field(link, 'segments');
  if (!Array.isArray(segs)) return undefined;
  const out: CapacityStep[] = [];
  for (const s of segs) {
    if (!s || typeof s !== 'object' || Array.isArray(s) || typeof s.atUs !== 'number') continue;
    const kbps = s.trace === true ? undefined : typeof s.kbps === 'number' ? s.kbps : null;
    if (out.length > 0) out[out.length - 1].to = s.atUs / 1000;
    out.push({ from: s.atUs / 1000, to: Number.POSITIVE_INFINITY, kbps });
  }
  return out;
}

/** Lowest capacity over [from, to] (kbit/s; Infinity when unlimited); undefined when a trace segment is involved. */
export function minCapacity(steps: readonly CapacityStep[], from: number, to: number): number | undefined {
  let lo = Number.POSITIVE_INFINITY;
  for (const s of steps) {
    if (s.to <= from || s.from > to) continue;
    if (s.kbps === undefined) return undefined;
    lo = Math.min(lo, s.kbps === null ? Number.POSITIVE_INFINITY : s.kbps);
  }
  return lo;
}
