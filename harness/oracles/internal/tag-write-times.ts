import type { TraceRecord } from '../../sim/trace.js';
import { ms, num, str } from '../trace-query.js';
import { pushModel } from './push-model.js';

/**
 * Pusher-side write times of every audio and video tag that reached the server, sequence headers included.
 * The wire tap does not record media messages, so a tag's write time is estimated from its FLV timestamp:
 * within one publish at the server (the tags after a `server.postPublish`), one track, and either its
 * sequence headers or its media frames, `written = min(arrival, ts + c)`, with `c` the largest constant that
 * keeps every such tag at or before its arrival (`min(arrival − ts)`), and at most the start of the push (the
 * pusher's timestamps count from start() or autopush). On a clean publish that is the capture time, a lower
 * bound of the write time. node-media-server shifts the media frames of a publish it resumed within its grace
 * window (each track by its last timestamp before the resume) but not the sequence headers, hence the
 * separate constants; the shift cancels out. Times in ms.
 */
export interface TagWrite {
  type: 'audio' | 'video';
  /** A sequence header (AVCPacketType or AACPacketType 0). */
  header: boolean;
  arrival: number;
  ts: number;
  written: number;
  /** Index of the server publish the tag arrived in (0-based; -1 before any). */
  segment: number;
  record: TraceRecord;
}

const cache = new WeakMap<readonly TraceRecord[], TagWrite[]>();

/** Every audio and video tag at the server, in arrival order, with its estimated write time. */
export function tagWrites(trace: readonly TraceRecord[]): TagWrite[] {
  const cached = cache.get(trace);
  if (cached) return cached;
  const model = pushModel(trace);
  const out: TagWrite[] = [];
  const pushStartOf = new Map<string, number>();
  let segment = -1;
  for (const r of trace) {
    if (r.kind === 'server.postPublish') {
      segment++;
      continue;
    }
    if (r.kind !== 'observer.tag') continue;
    const type = str(r, 'type');
    if (type !== 'audio' && type !== 'video') continue;
    const packetType = num(r, type === 'video' ? 'avcPacketType' : 'aacPacketType');
    if (packetType !== 0 && packetType !== 1) continue;
    const key = `${segment}:${type}:${packetType}`;
    const arrival = ms(r);
    if (!pushStartOf.has(key)) {
      const push = model.pushAt(arrival) ?? model.pushes.filter((p) => p.startMs <= arrival).pop();
      if (push) pushStartOf.set(key, push.startMs);
    }
    out.push({
      type,
      header: packetType === 0,
      arrival,
      ts: num(r, 'ts') ?? 0,
      written: arrival,
      segment,
      record: r,
    });
  }
  const offset = new Map<string, number>();
  for (const w of out) {
    const key = `${w.segment}:${w.type}:${w.header ? 0 : 1}`;
    const c = w.arrival - w.ts;
    const prev = offset.get(key);
    if (prev === undefined || c < prev) offset.set(key, c);
  }
  for (const w of out) {
    const key = `${w.segment}:${w.type}:${w.header ? 0 : 1}`;
    const c = Math.min(offset.get(key) ?? 0, pushStartOf.get(key) ?? Number.POSITIVE_INFINITY);
    w.written = Math.min(w.arrival, w.ts + c);
  }
  cache.set(trace, out);
  return out;
}
