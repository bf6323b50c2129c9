import type { TraceRecord } from '../../sim/trace.js';
import { field, ms, num, str } from '../trace-query.js';
import { pushModel } from './push-model.js';

/**
 * Pusher-side times of the media frames that reached the server. The wire tap does not record each media
 * message, so a frame's write time is estimated from its FLV timestamp: within one publish at the server
 * (tags after a `server.postPublish`) and one track, `written = ts + c`, with `c` the largest constant that
 * keeps every frame of that publish and track at or before its arrival (`min(arrival − ts)`), and at most the
 * start of the push (the pusher's timestamps count from start() or autopush). So:
 * - gaps between written times are the gaps between the pusher's timestamps, whatever the link did to the
 *   arrivals (jitter, a queue, an outage that delayed but did not lose frames);
 * - node-media-server's shift of a republished stream's timestamps (it continues the old timeline within its
 *   grace window) cancels out, as does any timestamp base the pusher chose.
 * A frame is never placed after its arrival. Times in ms.
 */
export interface WrittenFrame {
  type: 'audio' | 'video';
  arrival: number;
  ts: number;
  written: number;
  keyframe: boolean;
  /** Index of the server publish (0-based; -1 before any). */
  segment: number;
  record: TraceRecord;
}

const isMediaTag = (r: TraceRecord): 'audio' | 'video' | undefined => {
  if (r.kind !== 'observer.tag') return undefined;
  const type = str(r, 'type');
  if (type === 'video' && num(r, 'avcPacketType') === 1) return 'video';
  if (type === 'audio' && num(r, 'aacPacketType') === 1) return 'audio';
  return undefined;
};

const cache = new WeakMap<readonly TraceRecord[], WrittenFrame[]>();

/** Every audio and video media frame at the server (no sequence headers), in arrival order. */
export function writtenFrames(trace: readonly TraceRecord[]): WrittenFrame[] {
  const cached = cache.get(trace);
  if (cached) return cached;
  const model = pushModel(trace);
  let segment = -1;
  const frames: WrittenFrame[] = [];
  const pushStartOf = new Map<string, number>();
  for (const r of trace) {
    if (r.kind === 'server.postPublish') {
      segment++;
      continue;
    }
    const type = isMediaTag(r);
    if (!type) continue;
    const key = `${segment}:${type}`;
    if (!pushStartOf.has(key)) {
      // The push the segment belongs to: the one running at the first frame's arrival, else the last before.
      const t = ms(r);
      const push = model.pushAt(t) ?? model.pushes.filter((p) => p.startMs <= t).pop();
      if (push) pushStartOf.set(key, push.startMs);
    }
    frames.push({
      type,
      arrival: ms(r),
      ts: num(r, 'ts') ?? 0,
      written: 0,
      keyframe: field(r, 'keyframe') === true,
      segment,
      record: r,
    });
  }
  const offset = new Map<string, number>();
  for (const f of frames) {
    const key = `${f.segment}:${f.type}`;
    const c = f.arrival - f.ts;
    const prev = offset.get(key);
    if (prev === undefined || c < prev) offset.set(key, c);
  }
  for (const f of frames) {
    const key = `${f.segment}:${f.type}`;
    const c = Math.min(offset.get(key) ?? 0, pushStartOf.get(key) ?? Number.POSITIVE_INFINITY);
    f.written = Math.min(f.arrival, f.ts + c);
  }
  cache.set(trace, frames);
  return frames;
}

/** Written times of one track (or both), sorted. */
export function writtenTimes(trace: readonly TraceRecord[], type: 'audio' | 'video' | 'media'): number[] {
  return writtenFrames(trace)
    .filter((f) => type === 'media' || f.type === type)
    .map((f) => f.written)
    .sort((a, b) => a - b);
}
