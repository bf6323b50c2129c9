import type { TraceRecord } from '../../sim/trace.js';
import { ms, str } from '../trace-query.js';
import { MEDIA_DEADLINE_MS } from './deadlines.js';
import { pauseSpans } from './pause-spans.js';
import { connectionFailure, type PushModel, pushModel } from './push-model.js';

/**
 * The part of one background episode in which the background rules (`background/*`, `waiting-image/*`) can
 * be judged. The rules hold "while the connection is kept", and a push can lose that precondition without
 * any fault of the pusher's:
 * - the push ends: stop() (the user's choice), -1307, a critical error, a url change;
 * - the publishing connection fails: an injected reset, a server kick or close, a refused stream (the
 *   failure's instant, as push-model reads it, or the kick's when earlier), or it goes half-open (the
 *   network silently drops everything from then on: what the pusher writes can never arrive);
 * and media is not expected while the push is paused (pause() until resume() + 2 s, `operations/pause/1`,
 * `operations/resume/1`; a start() on a paused push does not resume it). Times in ms.
 */
export interface Cut {
  atMs: number;
  /** Why the episode stopped being judged there, for evidence ("stop() at 21400 ms"). */
  why: string;
  /** The connection failed (frames in flight were lost: the trailing gap cannot be judged). */
  failure: boolean;
  record?: TraceRecord;
}

export interface BackgroundWindow {
  from: number;
  /** The end of the judged part: the nominal end, or the cut's instant when earlier. */
  until: number;
  /** What ended it before the nominal end, if anything. */
  cut?: Cut;
  /** Spans where no media is expected (paused), clipped to [from, until]. */
  quiet: { from: number; to: number; why: string }[];
}

const modelCache = new WeakMap<readonly TraceRecord[], PushModel>();

function model(trace: readonly TraceRecord[]): PushModel {
  let m = modelCache.get(trace);
  if (!m) {
    m = pushModel(trace);
    modelCache.set(trace, m);
  }
  return m;
}

const PUSH_END: Record<string, string> = {
  stop: 'stop()',
  exhausted: '-1307',
  critical: 'a critical error',
  'url-change': 'a url change',
};

/**
 * The earliest instant in (from, to] at which the push running at `from` ended or the publishing connection
 * `wireConn` (wire tap numbering) failed; undefined when neither happened.
 */
export function interruption(
  trace: readonly TraceRecord[],
  from: number,
  to: number,
  wireConn: number | undefined,
): Cut | undefined {
  const m = model(trace);
  const cuts: Cut[] = [];
  const push = m.pushAt(from);
  if (!push) return { atMs: from, why: 'no push was active (stopped or ended before)', failure: false };
  if (push.endCause !== 'case-end' && push.endMs <= to)
    cuts.push({
      atMs: push.endMs,
      why: `the push ended at ${push.endMs} ms (${PUSH_END[push.endCause] ?? push.endCause})`,
      failure: false,
      record: push.endRecord,
    });
  const c = m.connections.find((x) => x.wireConn === wireConn);
  if (c) {
    // A publishing connection was established: only its end by the server or the network is a failure here
    // (a trace without the connect's outcome must not look like a connect timeout).
    const f = connectionFailure(c, m.caseEndMs);
    if (f && (f.kind === 'socket' || f.kind === 'server-close') && f.atMs <= to)
      cuts.push({
        atMs: f.atMs,
        why: `connection ${wireConn} failed at ${f.atMs} ms (${f.kind})`,
        failure: true,
        record: f.record,
      });
    const frozen = c.records.find((r) => r.kind === 'net.half_open');
    if (frozen && ms(frozen) <= to)
      cuts.push({
        atMs: ms(frozen),
        why: `connection ${wireConn} went half-open (silent) at ${ms(frozen)} ms (injected)`,
        failure: true,
        record: frozen,
      });
    const kick = c.records.find((r) => r.kind === 'server.kick' || r.kind === 'server.reject');
    if (kick && ms(kick) <= to)
      cuts.push({
        atMs: ms(kick),
        why: `the server ended connection ${wireConn} at ${ms(kick)} ms (${kick.kind}${str(kick, 'reason') ? `: ${str(kick, 'reason')}` : ''})`,
        failure: true,
        record: kick,
      });
  }
  cuts.sort((a, b) => a.atMs - b.atMs);
  return cuts[0];
}

/** The push running at `t` (push-model), if any. */
export function pushRunningAt(
  trace: readonly TraceRecord[],
  t: number,
): { startMs: number; endMs: number } | undefined {
  return model(trace).pushAt(t);
}

/**
 * Spans where no media is due because the push was paused (internal/pause-spans.ts: pause() to resume() or the
 * push's end; a start() on a paused push does not resume it), each extended by 2 s after a resume() (media
 * may take that long to return, `operations/resume/1`).
 */
export function pausedSpans(trace: readonly TraceRecord[]): { from: number; to: number; why: string }[] {
  const resumes = new Set(
    model(trace)
      .ops.filter((o) => o.op === 'resume')
      .map((o) => o.call.seq),
  );
  return pauseSpans(trace).map((p) => {
    const resumed = resumes.has(p.toSeq);
    return {
      from: p.fromMs,
      to: resumed ? p.toMs + MEDIA_DEADLINE_MS : p.toMs,
      why: `paused from ${p.fromMs} ms${resumed ? ` (resume() at ${p.toMs} ms)` : Number.isFinite(p.toMs) ? ` until the push ended at ${p.toMs} ms` : ''}`,
    };
  });
}

/** The judged window of a background episode from `from` to the nominal end `to` on connection `wireConn`. */
export function backgroundWindow(
  trace: readonly TraceRecord[],
  from: number,
  to: number,
  wireConn: number | undefined,
): BackgroundWindow {
  const cut = interruption(trace, from, to, wireConn);
  const until = cut ? Math.max(from, Math.min(to, cut.atMs)) : to;
  const quiet = pausedSpans(trace)
    .filter((p) => p.from < until && p.to > from)
    .map((p) => ({ from: Math.max(p.from, from), to: Math.min(p.to, until), why: p.why }));
  return { from, until, cut, quiet };
}

/** A media frame's pusher-side time and its arrival at the server (internal/write-times.ts). */
export interface TimedFrame {
  written: number;
  arrival: number;
}

/**
 * The longest gap between the frames' pusher-side times inside a window, leaving out the quiet spans: the gap
 * across the window's start counts from the last frame before it; after a quiet span it counts from the
 * span's end. The gap to a segment's end counts unless `openEnd` (a failure lost the frames in flight), and
 * at most as long as the server was observed after the last frame's arrival (`observedUntil`, the case's
 * end): frames written later may still have been in flight.
 */
export function longestGapIn(
  frames: readonly TimedFrame[],
  w: { from: number; until: number; quiet: readonly { from: number; to: number }[] },
  opts: { openEnd?: boolean; observedUntil?: number } = {},
): { gap: number; at: number; count: number } {
  const sorted = [...frames].sort((a, b) => a.written - b.written);
  const observedUntil = opts.observedUntil ?? Number.POSITIVE_INFINITY;
  // Judged segments: [from, until] minus the quiet spans.
  const segments: { a: number; b: number; afterQuiet: boolean }[] = [];
  let a = w.from;
  let afterQuiet = false;
  for (const q of [...w.quiet].sort((x, y) => x.from - y.from)) {
    if (q.from > a) segments.push({ a, b: q.from, afterQuiet });
    a = Math.max(a, q.to);
    afterQuiet = true;
  }
  if (a < w.until) segments.push({ a, b: w.until, afterQuiet });
  let gap = 0;
  let at = w.from;
  let count = 0;
  for (const [i, s] of segments.entries()) {
    let prev = s.a;
    let prevArrival = Number.NEGATIVE_INFINITY;
    if (!s.afterQuiet)
      for (const f of sorted)
        if (f.written < s.a) {
          prev = f.written;
          prevArrival = f.arrival;
        }
    for (const f of sorted) {
      if (f.written < s.a) continue;
      if (f.written > s.b) break;
      count++;
      if (f.written - prev > gap) {
        gap = f.written - prev;
        at = f.written;
      }
      prev = f.written;
      prevArrival = f.arrival;
    }
    const last = i === segments.length - 1;
    if (last && opts.openEnd) continue;
    // A frame written after `prev` at the same delay would have arrived after the observation ended.
    const tail = Math.min(s.b - prev, Math.max(0, observedUntil - Math.max(prevArrival, prev)));
    if (tail > gap) {
      gap = tail;
      at = prev + tail;
    }
  }
  return { gap, at, count };
}
