import type { TraceRecord } from '../../sim/trace.js';
import { field, ms, num, str } from '../trace-query.js';
import { pushModel } from './push-model.js';

/**
 * Pusher-side times of the media frames that reached the server. The wire tap does not record each media
 * message, so a frame's time is its capture time from its FLV timestamp (docs/spec.md: push start + FLV
 * timestamp), never after its arrival. Within one publish at the server (tags after a `server.postPublish`)
 * and one track, `written = ts + c`:
 * - `c` = the push's start (start() call or autopush; the pusher's timestamps count from it), minus
 *   node-media-server's shift when the same client republished within its grace window (it adds the previous
 *   publish's last timestamp of the track to continue the timeline), whichever makes no frame of the publish
 *   arrive before its capture;
 * - else the latest constant that keeps every frame at or before its arrival (`min(arrival − ts)`).
 * So the gaps between written times are the gaps between the pusher's timestamps, whatever the link did to the
 * arrivals (jitter, a queue, an outage that delayed but did not lose frames). Times in ms.
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

/** Timestamps are whole milliseconds: a frame may seem to arrive up to this much before its capture. */
const ARRIVAL_SLACK_MS = 1;

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
  /** The last tag's timestamp per segment and track (sequence headers included), as the server relayed it. */
  const lastTs = new Map<string, number>();
  for (const r of trace) {
    if (r.kind === 'server.postPublish') {
      segment++;
      continue;
    }
    if (r.kind === 'observer.tag') {
      const t = str(r, 'type');
      if (t === 'audio' || t === 'video') lastTs.set(`${segment}:${t}`, num(r, 'ts') ?? 0);
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
  const byKey = new Map<string, WrittenFrame[]>();
  for (const f of frames) {
    const key = `${f.segment}:${f.type}`;
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  for (const [key, list] of byKey) {
    const [seg, type] = key.split(':');
    const start = pushStartOf.get(key);
    let c: number | undefined;
    if (start !== undefined) {
      // The pusher's timestamps count from the push's start; node-media-server adds the previous publish's
      // last timestamp of the track when the same client republishes within its grace window.
      const candidates = [0, lastTs.get(`${Number(seg) - 1}:${type}`) ?? 0];
      const shift = candidates.find((x) =>
        list.every((f) => start + f.ts - x <= f.arrival + ARRIVAL_SLACK_MS),
      );
      if (shift !== undefined) c = start - shift;
    }
    // Otherwise: the latest constant that keeps every frame at or before its arrival.
    c ??= Math.min(...list.map((f) => f.arrival - f.ts));
    for (const f of list) f.written = Math.min(f.arrival, f.ts + c);
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
