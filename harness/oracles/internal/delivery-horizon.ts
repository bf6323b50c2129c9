import type { TraceRecord } from '../../sim/trace.js';
import { ms, ofKind } from '../trace-query.js';
import { tagWrites } from './tag-write-times.js';

/**
 * How far the server's view of the pusher's writing reaches. TCP delivers in order, so once a tag written
 * at `w` reached the server, everything the pusher wrote on that connection before `w` did too. The horizon
 * of a publish is the latest estimated write time (internal/tag-write-times.ts) of a tag that arrived in it;
 * what the pusher wrote after it (data still queued in the link or the pusher's socket when the connection
 * was reset, kicked, went half-open or the case ended, or nothing at all while paused) is unknown. Content
 * rules about what the pusher pushed at pusher time `t` can only be judged when `t` is within the horizon.
 */
export interface DeliveryHorizon {
  /** Index of the server publish the pusher was writing to at `t`: the last `server.postPublish` by then (-1: none). */
  segmentAt(t: number): number;
  /** The horizon of publish `segment`, ms (-Infinity when nothing arrived in it). */
  of(segment: number): number;
  /** Whether what the pusher wrote up to `t` is all visible at the server. */
  covers(t: number): boolean;
}

const cache = new WeakMap<readonly TraceRecord[], DeliveryHorizon>();

export function deliveryHorizon(trace: readonly TraceRecord[]): DeliveryHorizon {
  const cached = cache.get(trace);
  if (cached) return cached;
  const publishes = ofKind(trace, 'server.postPublish').map(ms);
  const horizons = new Map<number, number>();
  for (const w of tagWrites(trace))
    horizons.set(w.segment, Math.max(horizons.get(w.segment) ?? Number.NEGATIVE_INFINITY, w.written));
  const segmentAt = (t: number) => {
    let k = -1;
    for (let i = 0; i < publishes.length; i++) if (publishes[i] <= t) k = i;
    return k;
  };
  const of = (segment: number) => horizons.get(segment) ?? Number.NEGATIVE_INFINITY;
  const h: DeliveryHorizon = { segmentAt, of, covers: (t) => t <= of(segmentAt(t)) };
  cache.set(trace, h);
  return h;
}
