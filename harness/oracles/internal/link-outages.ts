import type { TraceRecord } from '../../sim/trace.js';
import { field, ofKind, str } from '../trace-query.js';

/** A scripted outage of one link (a `down` toxic or a capacity step to 0), ms. */
export interface LinkOutage {
  link: string;
  fromMs: number;
  toMs: number;
}

/**
 * The outages of both links, from the capacity programs of the `net.link` records (the network turns a
 * `down` toxic into a 0 kbit/s segment). During an outage nothing the pusher writes can arrive, and
 * nothing the server answers can reach the pusher.
 */
export function linkOutages(trace: readonly TraceRecord[]): LinkOutage[] {
  const out: LinkOutage[] = [];
  for (const r of ofKind(trace, 'net.link')) {
    const link = str(r, 'link') ?? '';
    const segments = field(r, 'segments');
    if (!Array.isArray(segments)) continue;
    const steps = segments.flatMap((s) =>
      s && typeof s === 'object' && !Array.isArray(s)
        ? [{ at: typeof s.atUs === 'number' ? s.atUs / 1000 : 0, kbps: s.kbps }]
        : [],
    );
    for (const [i, s] of steps.entries())
      if (s.kbps === 0) out.push({ link, fromMs: s.at, toMs: steps[i + 1]?.at ?? Number.POSITIVE_INFINITY });
  }
  return out;
}

/** The first outage overlapping `[from, to]` (ms), if any. */
export function outageDuring(
  outages: readonly LinkOutage[],
  from: number,
  to: number,
): LinkOutage | undefined {
  return outages.find((o) => o.fromMs <= to && o.toMs > from);
}
