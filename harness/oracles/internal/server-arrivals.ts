import type { TraceRecord } from '../../sim/trace.js';
import { ms, num, str } from '../trace-query.js';

/** Arrival times and cumulative bytes of one kind of media frame at the server (sequence headers excluded). */
export interface Arrivals {
  t: number[];
  cum: number[];
  records: TraceRecord[];
}

export function isVideoFrameTag(r: TraceRecord): boolean {
  return r.kind === 'observer.tag' && str(r, 'type') === 'video' && num(r, 'avcPacketType') === 1;
}

export function isAudioFrameTag(r: TraceRecord): boolean {
  return r.kind === 'observer.tag' && str(r, 'type') === 'audio' && num(r, 'aacPacketType') === 1;
}

export function arrivals(trace: readonly TraceRecord[], type: 'video' | 'audio' | 'media'): Arrivals {
  const out: Arrivals = { t: [], cum: [], records: [] };
  let cum = 0;
  for (const r of trace) {
    const take =
      type === 'video'
        ? isVideoFrameTag(r)
        : type === 'audio'
          ? isAudioFrameTag(r)
          : isVideoFrameTag(r) || isAudioFrameTag(r);
    if (!take) continue;
    cum += num(r, 'size') ?? 0;
    out.t.push(ms(r));
    out.cum.push(cum);
    out.records.push(r);
  }
  return out;
}

/** Index of the first arrival at or after `t`. */
export function firstIndexAtOrAfter(a: Arrivals, t: number): number {
  let lo = 0;
  let hi = a.t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a.t[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bytes that arrived in [from, to). */
export function bytesIn(a: Arrivals, from: number, to: number): number {
  const i = firstIndexAtOrAfter(a, from);
  const j = firstIndexAtOrAfter(a, to);
  if (j <= i) return 0;
  return a.cum[j - 1] - (i > 0 ? a.cum[i - 1] : 0);
}

/** Received rate over [from, to), kbit/s (8 x bytes / ms). */
export function kbpsIn(a: Arrivals, from: number, to: number): number {
  return to > from ? (bytesIn(a, from, to) * 8) / (to - from) : 0;
}
