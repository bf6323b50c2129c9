import type { TraceRecord } from '../../sim/trace.js';
import { num, str } from '../trace-query.js';

/**
 * node-media-server's timestamp shift of a resumed publish. When the same client publishes again within the
 * server's grace window, the server continues the stream's timeline: it adds to every media frame of each
 * track (not to sequence headers) the last timestamp it relayed on that track before the resume. The shift
 * differs per track (the tracks did not end at the same timestamp), so on the server timeline a resumed
 * connection shows an audio/video offset the pusher never wrote.
 *
 * The shift is recovered from the server-side tags: for a connection and a track, `L` is the timestamp of the
 * last tag of that track relayed before the connection's first tag; the connection was shifted by `L` when its
 * first media frame's timestamp is nearer `L` + its first sequence header's (unshifted) timestamp than the
 * header's timestamp itself. Times in ms.
 */
export interface TrackShift {
  video: number;
  audio: number;
}

type Track = 'video' | 'audio';

const trackOf = (t: TraceRecord): Track | undefined => {
  const type = str(t, 'type');
  return type === 'video' || type === 'audio' ? type : undefined;
};
const isHeader = (t: TraceRecord, track: Track) =>
  num(t, track === 'video' ? 'avcPacketType' : 'aacPacketType') === 0;
const isFrame = (t: TraceRecord, track: Track) =>
  num(t, track === 'video' ? 'avcPacketType' : 'aacPacketType') === 1;
const ts = (t: TraceRecord) => num(t, 'ts') ?? 0;

/**
 * The shift of each connection's media frames, per track, given the server-side tags of each connection in
 * order (one array per publish, tags in arrival order).
 */
export function republishShifts(connections: readonly (readonly TraceRecord[])[]): TrackShift[] {
  const last: Partial<Record<Track, number>> = {};
  const out: TrackShift[] = [];
  for (const tags of connections) {
    const shift: TrackShift = { video: 0, audio: 0 };
    for (const track of ['video', 'audio'] as const) {
      const before = last[track];
      const header = tags.find((t) => trackOf(t) === track && isHeader(t, track));
      const frame = tags.find((t) => trackOf(t) === track && isFrame(t, track));
      if (before === undefined || !header || !frame) continue;
      const f = ts(frame);
      const h = ts(header);
      if (Math.abs(f - before - h) < Math.abs(f - h)) shift[track] = before;
    }
    for (const t of tags) {
      const track = trackOf(t);
      if (track) last[track] = ts(t);
    }
    out.push(shift);
  }
  return out;
}
