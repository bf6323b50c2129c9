import type { Micros, TraceRecord } from '../sim/index.js';
import { CapacityCurve, type CapacitySegment } from './capacity-curve.js';
import { NetworkError } from './network-error.js';
import type { LinkName } from './script.js';

/**
 * Pure helpers for oracles over the shaper log (docs/network.md "Shaper log"): trace records in, series
 * out. No clock, no state; the same trace always gives the same series.
 */

/** One window of a series: [fromUs, toUs), kbit/s (null = unlimited capacity). */
export interface SeriesPoint {
  fromUs: Micros;
  toUs: Micros;
  kbps: number | null;
}

export interface SeriesOptions {
  /** Default "uplink". */
  link?: LinkName;
  /** Only this connection (deliveredSeries). Default: all. */
  conn?: number;
  /** End of the series, µs. Default: the last record's time. */
  untilUs?: Micros;
}

function windows(
  records: readonly TraceRecord[],
  windowMs: number,
  untilUs: Micros | undefined,
): [Micros, Micros][] {
  if (!(windowMs > 0)) {
    throw new NetworkError('INVALID_ARGUMENT', `Invalid windowMs: ${windowMs} (expected > 0)`, { windowMs });
  }
  const w = Math.round(windowMs * 1000);
  const end = untilUs ?? (records.length > 0 ? records[records.length - 1].t : 0);
  const out: [Micros, Micros][] = [];
  for (let a = 0; a < end; a += w) out.push([a, Math.min(end, a + w)]);
  return out;
}

/** Rebuild the capacity curve of `link` from its `net.link` record (the effective program). */
export function linkCurve(records: readonly TraceRecord[], link: LinkName = 'uplink'): CapacityCurve {
  const rec = records.find((r) => r.kind === 'net.link' && r.data.link === link);
  if (!rec) {
    throw new NetworkError(
      'INVALID_ARGUMENT',
      `Failed to find the net.link record of "${link}" in the trace`,
      { link },
    );
  }
  const d = rec.data as unknown as {
    segments: CapacitySegment[];
    trace?: { periodMs: number; opportunitiesMs: number[] };
  };
  return CapacityCurve.fromSegments(d.segments, d.trace);
}

/**
 * The capacity the link offered in each window, kbit/s: what the pusher could have sent had it kept the
 * queue busy. Steps are exact; a trace counts its opportunities in the window; outages count as 0.
 */
export function capacitySeries(
  records: readonly TraceRecord[],
  windowMs: number,
  options: SeriesOptions = {},
): SeriesPoint[] {
  const curve = linkCurve(records, options.link ?? 'uplink');
  return windows(records, windowMs, options.untilUs).map(([fromUs, toUs]) => ({
    fromUs,
    toUs,
    kbps: curve.meanKbps(fromUs, toUs),
  }));
}

/**
 * What the link delivered in each window (from `net.deliver` records), kbit/s. With an aggregated log
 * (logQuantumMs > 0), use windows that are multiples of its quantum or bytes land up to one quantum off.
 */
export function deliveredSeries(
  records: readonly TraceRecord[],
  windowMs: number,
  options: SeriesOptions = {},
): SeriesPoint[] {
  const link = options.link ?? 'uplink';
  const ws = windows(records, windowMs, options.untilUs);
  const bytes = new Array<number>(ws.length).fill(0);
  const w = Math.round(windowMs * 1000);
  for (const r of records) {
    if (r.kind !== 'net.deliver' || r.data.link !== link) continue;
    if (options.conn !== undefined && r.data.conn !== options.conn) continue;
    // Aggregated records (logQuantumMs > 0) are written at their window's end: place them by `fromUs`.
    const at = typeof r.data.fromUs === 'number' ? r.data.fromUs : r.t;
    const i = Math.floor(at / w);
    if (i < ws.length) bytes[i] += r.data.bytes as number;
  }
  return ws.map(([fromUs, toUs], i) => ({ fromUs, toUs, kbps: (bytes[i] * 8000) / (toUs - fromUs) }));
}

/** Intervals during which a sender saw back-pressure (`net.stall` → `net.drain`), µs. Open ones end at untilUs. */
export function stallIntervals(
  records: readonly TraceRecord[],
  options: SeriesOptions = {},
): { fromUs: Micros; toUs: Micros; conn: number }[] {
  const link = options.link ?? 'uplink';
  const end = options.untilUs ?? (records.length > 0 ? records[records.length - 1].t : 0);
  const open = new Map<number, Micros>();
  const out: { fromUs: Micros; toUs: Micros; conn: number }[] = [];
  for (const r of records) {
    if (r.data.link !== link) continue;
    const conn = r.data.conn as number;
    if (options.conn !== undefined && conn !== options.conn) continue;
    if (r.kind === 'net.stall') open.set(conn, r.t);
    else if ((r.kind === 'net.drain' || r.kind === 'net.drop') && open.has(conn)) {
      out.push({ fromUs: open.get(conn)!, toUs: r.t, conn });
      open.delete(conn);
    }
  }
  for (const [conn, fromUs] of open) out.push({ fromUs, toUs: end, conn });
  return out.sort((a, b) => a.fromUs - b.fromUs || a.conn - b.conn);
}
