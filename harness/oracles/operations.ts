import type { TraceRecord } from '../sim/trace.js';
import { exhaustionPoint, publishingAt } from './events.js';
import { parsePushUrl } from './internal/attribute-timeline.js';
import { EVENT_DEADLINE_MS, MEDIA_DEADLINE_MS } from './internal/deadlines.js';
import { deviceLog } from './internal/device-handles.js';
import {
  identifyColour,
  type MediaTimeline,
  mediaTimeline,
  type ServerTag,
} from './internal/media-timeline.js';
import type { Operation } from './internal/operations-log.js';
import {
  appStateAt,
  type Connection,
  LIFECYCLE_CODES,
  type Push,
  type PushModel,
  pushModel,
} from './internal/push-model.js';
import {
  firstDeliveryHandedOverAfter,
  pusherCloseBy,
  stalledAt,
  tagWriteWindow,
  uplinkOf,
} from './internal/uplink-handover.js';
import {
  caseStart,
  excerpt,
  fail,
  field,
  firstOf,
  indeterminate,
  ms,
  notApplicable,
  num,
  ofKind,
  pass,
  profileValue,
  str,
} from './trace-query.js';
import type { Check, Outcome } from './types.js';

const E = EVENT_DEADLINE_MS;
/** Events of the bitrate controller, which run on their own clock (excluded when judging "no event"). */
const ADAPTATION_CODES = new Set([1005, 1006, 1101]);

/** The push active just before `o` was called (by trace order). */
function pushBefore(m: PushModel, o: Operation): Push | undefined {
  return m.pushes.find((p) => p.startSeq < o.call.seq && o.call.seq <= p.endSeq);
}

/** The connection that published at `t` in push `p` (still open at the record `seq`, when given). */
function liveConnection(p: Push, t: number, seq?: number) {
  return p.attempts
    .map((a) => a.connection)
    .find(
      (c) =>
        c?.publishStartMs !== undefined &&
        c.publishStartMs <= t &&
        (seq !== undefined ? c.endSeq === undefined || c.endSeq > seq : c.endMs === undefined || c.endMs > t),
    );
}

function networkRecords(trace: readonly TraceRecord[], fromSeq: number, toSeq: number): TraceRecord[] {
  return trace.filter(
    (r) =>
      r.seq > fromSeq &&
      r.seq < toSeq &&
      (r.kind === 'net.connect' || (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns')),
  );
}

/**
 * A media tag the pusher provably wrote after `d` on the connection `netConn`, arriving at the server
 * before the record `untilSeq` (after `fromSeq`): it arrived after the first delivery of bytes handed to
 * the link after `d`, and the sender was not blocked at `d` (else those bytes may be its backlog, written
 * earlier). The first tag after that instant may have begun before `d`; the second cannot. Without the
 * link's records in the trace, any media tag arriving after `d`.
 */
function mediaWrittenAfter(
  trace: readonly TraceRecord[],
  media: MediaTimeline,
  netConn: number,
  d: number,
  untilSeq: number,
  fromSeq: number,
): ServerTag | undefined {
  const u = uplinkOf(trace, netConn);
  const inWindow = (g: ServerTag) => g.type !== 'script' && g.record.seq > fromSeq && g.record.seq < untilSeq;
  // A trace without the link's records: only the arrival is known.
  if (u.sends.length === 0) return media.tags.find((g) => inWindow(g) && g.t > d);
  if (stalledAt(u, d)) return undefined;
  const from = firstDeliveryHandedOverAfter(u, d);
  if (from === undefined) return undefined;
  return media.tags.filter((g) => inWindow(g) && g.t > from)[1];
}

/** The op settled within `within` ms. */
function settledWithin(o: Operation, within: number): boolean {
  return o.resultMs !== undefined && o.resultMs - o.callMs <= within;
}

/** start() with a valid url settles `start:ok` within E (operations/start/1). */
export const startAccepts: Check = {
  requirement: 'operations/start/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const starts = m.ops.filter((o) => o.op === 'start' && parsePushUrl(m.attributes.at(o.callMs).url));
    if (starts.length === 0) return notApplicable('no start() with a valid url');
    for (const o of starts) {
      if (!settledWithin(o, E) || !o.ok || !o.errMsg?.startsWith('start:ok'))
        return fail(
          `start() at ${o.callMs} ms with a valid url settled ${o.result ? `${o.ok} "${o.errMsg}" at ${o.resultMs} ms` : 'never'}`,
          {
            atMs: o.callMs,
            expected: `ok, errMsg start:ok..., within ${E} ms`,
            evidence: excerpt([o.call, o.result]),
          },
        );
      if (o.results.length > 1)
        return fail(`start() at ${o.callMs} ms settled ${o.results.length} times`, {
          atMs: o.callMs,
          evidence: excerpt([o.call, ...o.results]),
        });
    }
    return pass(`${starts.length} start() call(s) accepted within ${E} ms`, {
      numbers: { starts: starts.length },
    });
  },
};

/** operations/start/2: start() during a push: ok, no network, no device open, no event. */
export const startIdempotent: Check = {
  requirement: 'operations/start/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const dup = m.ops
      .filter((o) => o.op === 'start')
      .map((o) => ({ o, p: pushBefore(m, o) }))
      .filter((x): x is { o: Operation; p: Push } => x.p !== undefined && x.p.startRecord !== x.o.call);
    if (dup.length === 0) return notApplicable('no start() during a push');
    for (const { o, p } of dup) {
      if (!publishingAt(p, o.callMs))
        return indeterminate(`start() at ${o.callMs} ms came while the push was not publishing`);
      if (!settledWithin(o, E) || !o.ok)
        return fail(
          `start() during the push at ${o.callMs} ms settled ${o.result ? `"${o.errMsg}"` : 'never'}`,
          {
            atMs: o.callMs,
            evidence: excerpt([o.call, o.result]),
          },
        );
      const until = o.callMs + E;
      // The next operation, an attribute or app change, or an injected fault ends what the call is
      // blamed for (as for operations/idle/1).
      const cause = trace.find((r) => r.seq > o.call.seq && (ms(r) > until || otherCause(r)));
      const endSeq = cause?.seq ?? Number.POSITIVE_INFINITY;
      const net = networkRecords(trace, o.call.seq, endSeq)[0];
      const opened = log.handles.find(
        (h) =>
          h.device !== 'videoEncoder' &&
          h.calledAtMs >= o.callMs &&
          h.calledAtMs <= until &&
          h.open.seq > o.call.seq &&
          h.open.seq < endSeq,
      );
      const event = m.events.find(
        (e) => e.seq > o.call.seq && e.seq < endSeq && !ADAPTATION_CODES.has(e.code),
      );
      const bad = net ?? opened?.open ?? event?.record;
      if (bad)
        return fail(
          `start() during the push at ${o.callMs} ms was followed by ${bad.kind} at ${ms(bad)} ms`,
          {
            atMs: ms(bad),
            evidence: excerpt([o.call, bad]),
          },
        );
    }
    return pass(`${dup.length} start() call(s) during a push: ok, nothing opened, no event`);
  },
};

/** operations/start/3: start() after -1307 or a critical error begins a fresh push. */
export const restartAfterFailure: Check = {
  requirement: 'operations/start/3',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const n = profileValue(trace, 'reconnectAttempts') ?? 3;
    const app = appStateAt(trace);
    const restarts = m.ops
      .filter((o) => o.op === 'start')
      .map((o) => {
        const prev = [...m.pushes].reverse().find((p) => p.endSeq < o.call.seq);
        return { o, prev };
      })
      .filter(
        (x) =>
          x.prev &&
          (x.prev.endCause === 'exhausted' || x.prev.endCause === 'critical') &&
          !pushBefore(m, x.o),
      );
    if (restarts.length === 0) return notApplicable('no start() after -1307 or a critical error');
    const unjudged: string[] = [];
    for (const { o } of restarts) {
      if (!settledWithin(o, E) || !o.ok)
        return fail(
          `start() at ${o.callMs} ms after the push ended settled ${o.result ? `"${o.errMsg}"` : 'never'}`,
          {
            atMs: o.callMs,
            evidence: excerpt([o.call, o.result]),
          },
        );
      const p = m.pushes.find((x) => x.startRecord === o.call);
      if (!p) return fail(`start() at ${o.callMs} ms began no push`, { atMs: o.callMs, evidence: [o.call] });
      const due = o.callMs + MEDIA_DEADLINE_MS;
      // Opening a device counts when the device refused (a failed open is the pusher's own action).
      const opened = log.handles.find(
        (h) => (h.device === 'camera' || h.device === 'microphone') && h.calledAtMs >= o.callMs,
      );
      const refused = log.failedOpens.find(
        (f) =>
          (f.device === 'camera' || f.device === 'microphone') &&
          f.calledAtMs >= o.callMs &&
          f.record.seq > o.call.seq,
      );
      const device = [
        opened && { calledAtMs: opened.calledAtMs, record: opened.open },
        refused && { calledAtMs: refused.calledAtMs, record: refused.record },
      ]
        .filter((x): x is { calledAtMs: number; record: TraceRecord } => !!x)
        .sort((a, b) => a.record.seq - b.record.seq)[0];
      const first = p.attempts[0];
      const a = m.attributes.at(o.callMs);
      // The push ended (a critical device error, stop(), the case's end) before the deadline of what it
      // has not done yet: that part cannot be judged.
      const cutShort =
        p.endMs < due ? `the restarted push ended (${p.endCause}) at ${p.endMs} ms` : undefined;
      // In the background the camera stays closed (background/camera/1) and the microphone follows
      // background-mute: the background rules judge the devices there, this one the fresh attempt.
      const background = app(o.callMs) === 'background';
      if ((a.enableCamera || !a.muted) && !background && (!device || device.calledAtMs > due)) {
        if (cutShort && (!device || device.calledAtMs > p.endMs)) {
          unjudged.push(`start() at ${o.callMs} ms: ${cutShort} before any device was opened`);
          continue;
        }
        return fail(
          `start() at ${o.callMs} ms opened no camera or microphone within ${MEDIA_DEADLINE_MS} ms`,
          {
            atMs: o.callMs,
            evidence: excerpt([o.call, device?.record]),
          },
        );
      }
      if (!first || first.startMs > due) {
        if (cutShort && (!first || first.startMs > p.endMs)) {
          unjudged.push(
            `start() at ${o.callMs} ms: ${cutShort}, ${p.endCause === 'critical' ? 'a critical error' : 'its end'} before its first connection attempt`,
          );
          continue;
        }
        return fail(`start() at ${o.callMs} ms made no connection attempt within ${MEDIA_DEADLINE_MS} ms`, {
          atMs: o.callMs,
          evidence: excerpt([o.call, first?.dnsQuery ?? first?.connection?.connect, p.endRecord]),
        });
      }
      if (device && device.record.seq > (first.dnsQuery ?? first.connection?.connect ?? o.call).seq)
        return fail(`the restarted push went to the network before its devices opened`, {
          atMs: first.startMs,
          evidence: excerpt([device.record, first.dnsQuery ?? first.connection?.connect]),
        });
      if (p.endCause === 'exhausted') {
        const due = exhaustionPoint(p, n);
        if (!due.attempt)
          return fail(
            `the restarted push gave up (-1307) after ${due.counted.length} failed reconnection(s) (expected ${n}: the count starts at 0)`,
            {
              atMs: p.endMs,
              evidence: excerpt([
                o.call,
                ...p.attempts.map((x) => x.dnsQuery ?? x.connection?.connect),
                p.endRecord,
              ]),
            },
          );
      }
    }
    if (unjudged.length === restarts.length)
      return indeterminate(`${unjudged.join('; ')} (nothing left to judge)`);
    return pass(
      `${restarts.length - unjudged.length} restart(s): devices, then a fresh initial attempt within ${MEDIA_DEADLINE_MS} ms${unjudged.length ? `; not judged: ${unjudged.join('; ')}` : ''}`,
    );
  },
};

/** operations/stop/1: stop() while publishing unpublishes, closes everything within E, and nothing follows. */
export const stopEndsCleanly: Check = {
  requirement: 'operations/stop/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const stops = m.pushes
      .filter((p) => p.endCause === 'stop' && liveConnection(p, p.endMs, p.endSeq) !== undefined)
      .map((p) => ({
        p,
        o: m.ops.find((o) => o.call === p.endRecord) as Operation,
        conn: liveConnection(p, p.endMs, p.endSeq)!,
      }));
    if (stops.length === 0) return notApplicable('no stop() while publishing');
    const unjudged: string[] = [];
    for (const { p, o, conn } of stops) {
      const t = o.callMs;
      const nextSeq = m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY;
      if (!o.ok)
        return fail(`stop() at ${t} ms settled "${o.errMsg}"`, {
          atMs: t,
          evidence: excerpt([o.call, o.result]),
        });
      const cmds = conn.records
        .filter((r) => r.kind === 'wire.command' && r.seq > o.call.seq)
        .map((r) => str(r, 'name'));
      const un = cmds.indexOf('FCUnpublish');
      const del = cmds.indexOf('deleteStream');
      if (un < 0 || del < un)
        return fail(
          `stop() at ${t} ms: the connection carried ${cmds.join(', ') || 'no command'} (expected FCUnpublish then deleteStream)`,
          {
            atMs: t,
            evidence: excerpt([
              o.call,
              ...conn.records.filter((r) => r.kind === 'wire.command' && r.seq > o.call.seq),
            ]),
          },
        );
      // The close is the pusher's FIN as it left the pusher (not its arrival through a congested link).
      const wireClose = conn.records.find((r) => r.kind === 'wire.close' && r.seq > o.call.seq);
      const closed = pusherCloseBy(trace, conn.conn, o.call.seq, t + E, wireClose);
      if (closed.status === 'late' || closed.status === 'open')
        return fail(
          `stop() at ${t} ms: connection ${conn.conn} was not closed within ${E} ms${closed.status === 'late' ? `: ${closed.how}` : ''}`,
          {
            atMs: t,
            evidence: excerpt([o.call, conn.connect, ...closed.evidence]),
          },
        );
      if (closed.status === 'unknown') unjudged.push(`stop() at ${t} ms: the close: ${closed.why}`);
      const leak = log.handles.find(
        (h) =>
          h.open.seq < nextSeq &&
          !(h.close && h.close.seq < o.call.seq) &&
          (h.closeMs === undefined || h.closeMs > Math.max(t, h.openMs) + E),
      );
      if (leak)
        return fail(`stop() at ${t} ms: ${leak.key} still open after ${E} ms`, {
          atMs: t,
          evidence: excerpt([o.call, leak.open, leak.close]),
        });
      const late = mediaWrittenAfter(trace, media, conn.conn, t + E, nextSeq, o.call.seq);
      if (late)
        return fail(
          `stop() at ${t} ms: media written after ${t + E} ms arrived at the server at ${late.t} ms`,
          {
            atMs: late.t,
            evidence: [o.call, late.record],
          },
        );
      const event = m.events.find((e) => e.seq > o.call.seq && e.seq < nextSeq);
      if (event)
        return fail(`stop() at ${t} ms was followed by event ${event.code} at ${event.t} ms`, {
          atMs: event.t,
          evidence: [o.call, event.record],
        });
      const net = networkRecords(trace, o.call.seq, nextSeq)[0];
      if (net)
        return fail(`stop() at ${t} ms was followed by ${net.kind} at ${ms(net)} ms`, {
          atMs: ms(net),
          evidence: [o.call, net],
        });
    }
    if (unjudged.length)
      return indeterminate(
        `${stops.length} stop() call(s): FCUnpublish, deleteStream, devices released, nothing after; not judged: ${unjudged.join('; ')}`,
      );
    return pass(
      `${stops.length} stop() call(s): FCUnpublish, deleteStream, close, devices released, nothing after`,
    );
  },
};

/** operations/stop/2: stop() between a failure and the reconnection cancels it. */
export const stopCancelsReconnect: Check = {
  requirement: 'operations/stop/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const pending = m.pushes.filter((p) => {
      if (p.endCause !== 'stop') return false;
      const last = p.attempts.filter((a) => a.startSeq < p.endSeq).pop();
      return (
        last?.failure !== undefined && last.failure.atMs < p.endMs && last.events.some((e) => e.code === 1102)
      );
    });
    if (pending.length === 0) return notApplicable('no stop() while a reconnection was pending');
    for (const p of pending) {
      const nextSeq = m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY;
      const net = networkRecords(trace, p.endSeq, nextSeq)[0];
      if (net)
        return fail(`stop() at ${p.endMs} ms during a pending reconnection; ${net.kind} at ${ms(net)} ms`, {
          atMs: ms(net),
          evidence: [p.endRecord, net],
        });
      const event = m.events.find((e) => e.seq > p.endSeq && e.seq < nextSeq);
      if (event)
        return fail(
          `stop() at ${p.endMs} ms during a pending reconnection; event ${event.code} at ${event.t} ms`,
          {
            atMs: event.t,
            evidence: [p.endRecord, event.record],
          },
        );
    }
    return pass(`${pending.length} stop() call(s) cancelled a pending reconnection`);
  },
};

/** operations/idle/1: stop/pause on an idle pusher, resume when not paused: no effect. */
export const idleOperationsHarmless: Check = {
  requirement: 'operations/idle/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const paused = pausedIntervals(m);
    const idle = m.ops.filter((o) => {
      const p = pushBefore(m, o);
      if (o.op === 'stop' || o.op === 'pause') return p === undefined;
      if (o.op === 'resume') return !paused.some((x) => x.pause.call.seq < o.call.seq && x.resume === o);
      return false;
    });
    if (idle.length === 0) return notApplicable('no stop/pause on an idle pusher, no resume without pause');
    for (const o of idle) {
      const active = pushBefore(m, o) !== undefined;
      if (!settledWithin(o, E))
        return fail(`${o.op}() at ${o.callMs} ms did not settle within ${E} ms`, {
          atMs: o.callMs,
          evidence: [o.call],
        });
      const p = pushBefore(m, o);
      const until = o.callMs + E;
      // What another cause explains ends the window: the next operation, attribute change or app switch,
      // an injected network or device fault.
      const cause = trace.find((r) => r.seq > o.call.seq && (ms(r) > until || otherCause(r)));
      const endSeq = cause?.seq ?? Number.POSITIVE_INFINITY;
      const window = trace.filter((r) => r.seq > o.call.seq && r.seq < endSeq);
      // A push still connecting (or waiting to reconnect) goes on connecting: its network activity and
      // lifecycle events belong to that procedure, not to the call.
      const connecting = p !== undefined && !publishingAt(p, o.callMs, o.call.seq);
      const rtmp = new Map(m.connections.map((c) => [c.conn, c]));
      const bad = window.find((r) => {
        if (r.kind === 'device.call') {
          const method = str(r, 'method');
          // An open called before the call and settling after it (a start still opening its devices).
          if ((num(r, 'calledAtMs') ?? ms(r)) < o.callMs) return false;
          return (
            !active ||
            (method !== 'setTargetBitrate' &&
              method !== 'openVideoEncoder' &&
              !(method === 'close' && str(r, 'device') === 'videoEncoder'))
          );
        }
        if (r.kind === 'net.connect' || (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns'))
          return !connecting;
        if (r.kind === 'net.fin' && str(r, 'link') === 'uplink') {
          // Only the pusher's RTMP connections of a push still active at the call (the FIN of a push
          // that ended earlier is that push's teardown; the waiting-image fetch is not a push's).
          const c = rtmp.get(num(r, 'conn') ?? -1);
          return c !== undefined && p !== undefined && m.pushOfSeq(c.connect.seq) === p;
        }
        if (r.kind === 'pusher.event') {
          const code = Number(r.data.code);
          return !active || !(ADAPTATION_CODES.has(code) || (connecting && LIFECYCLE_CODES.has(code)));
        }
        return false;
      });
      if (bad)
        return fail(
          `${o.op}() at ${o.callMs} ms (${active ? 'not paused' : 'idle'}) was followed by ${bad.kind} at ${ms(bad)} ms`,
          {
            atMs: ms(bad),
            evidence: excerpt([o.call, o.result, bad]),
          },
        );
    }
    return pass(`${idle.length} idle call(s) settled within ${E} ms with no effect`, {
      evidence: excerpt(idle.map((o) => o.result)),
    });
  },
};

/** A record with a cause of its own, after which activity is not blamed on an earlier redundant call. */
function otherCause(r: TraceRecord): boolean {
  switch (r.kind) {
    case 'pusher.op':
      return str(r, 'phase') === 'call';
    case 'pusher.attributes':
    case 'app.state':
    case 'device.fault':
    case 'net.reset':
    case 'net.close':
    case 'net.half_open':
    case 'net.toxic':
    case 'net.connect_error':
    case 'server.kick':
    case 'server.reject':
      return true;
    case 'net.fin':
      return str(r, 'link') === 'downlink';
    case 'net.dns.answer':
      return field(r, 'error') !== undefined && str(r, 'via') !== 'httpdns';
    default:
      return false;
  }
}

/** Pauses that succeeded during a push, with the resume that ended them (if any). */
function pausedIntervals(m: PushModel): { pause: Operation; resume?: Operation; push: Push }[] {
  const out: { pause: Operation; resume?: Operation; push: Push }[] = [];
  let current: { pause: Operation; resume?: Operation; push: Push } | undefined;
  for (const o of m.ops) {
    const p = pushBefore(m, o);
    if (current && current.push !== p) current = undefined;
    if (o.op === 'pause' && o.ok && p && !current) {
      current = { pause: o, push: p };
      out.push(current);
    } else if (o.op === 'resume' && current && o.ok) {
      current.resume = o;
      current = undefined;
    }
  }
  return out;
}

/** operations/pause/1: pause() while publishing: devices closed, no media, connection kept. */
export const pauseKeepsConnection: Check = {
  requirement: 'operations/pause/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const pauses = m.ops
      .filter((o) => o.op === 'pause')
      .map((o) => ({ o, p: pushBefore(m, o) }))
      .filter(
        (x): x is { o: Operation; p: Push } =>
          x.p !== undefined && liveConnection(x.p, x.o.callMs) !== undefined,
      );
    if (pauses.length === 0) return notApplicable('no pause() while publishing');
    for (const { o, p } of pauses) {
      const t = o.callMs;
      if (!o.ok)
        return fail(`pause() at ${t} ms settled "${o.errMsg}"`, {
          atMs: t,
          evidence: excerpt([o.call, o.result]),
        });
      const resume = m.ops.find((r) => r.op === 'resume' && r.call.seq > o.call.seq && r.ok);
      const endSeq = Math.min(resume?.call.seq ?? Number.POSITIVE_INFINITY, p.endSeq);
      const endT = Math.min(resume?.callMs ?? Number.POSITIVE_INFINITY, p.endMs);
      const conn = liveConnection(p, t)!;
      const open = log.handles.find(
        (h) =>
          (h.device === 'camera' || h.device === 'microphone') &&
          h.open.seq < o.call.seq &&
          !(h.close && h.close.seq < o.call.seq) &&
          (h.closeMs === undefined || h.closeMs > t + E),
      );
      if (open)
        return fail(`pause() at ${t} ms: ${open.key} still open after ${E} ms`, {
          atMs: t,
          evidence: excerpt([o.call, open.open, open.close]),
        });
      const reopened = log.handles.find(
        (h) =>
          (h.device === 'camera' || h.device === 'microphone') &&
          h.open.seq > o.call.seq &&
          h.open.seq < endSeq,
      );
      if (reopened)
        return fail(`pause() at ${t} ms: ${reopened.key} opened at ${reopened.openMs} ms while paused`, {
          atMs: reopened.openMs,
          evidence: [o.call, reopened.open],
        });
      // Media written after the call + E (not frames still in flight through a slow link): on the kept
      // connection, bytes handed to the link after it; on a connection opened after it, any media frame.
      const later = m.connections.find(
        (c) => c.connect.seq > o.call.seq && c.connectMs > t + E && c.publishStartMs !== undefined,
      );
      const leaked =
        mediaWrittenAfter(trace, media, conn.conn, t + E, endSeq, o.call.seq) ??
        (later &&
          media.tags.find(
            (g) =>
              g.type !== 'script' &&
              g.packetType !== 0 &&
              g.t > (later.publishStartMs as number) &&
              g.t > (conn.endMs ?? Number.POSITIVE_INFINITY) &&
              g.record.seq < endSeq,
          ));
      if (leaked && leaked.t < endT)
        return fail(
          `pause() at ${t} ms: media written after ${t + E} ms arrived at the server at ${leaked.t} ms while paused`,
          {
            atMs: leaked.t,
            evidence: [o.call, leaked.record],
          },
        );
      // A fault on the kept connection (a reset, a kick or the server's FIN, a half-open peer) ends what
      // the pause can be blamed for: the pusher's close and reconnection after it answer the fault.
      const fault = conn.records.find(
        (r) =>
          r.seq > o.call.seq &&
          r.seq < endSeq &&
          (r.kind === 'net.reset' ||
            r.kind === 'net.half_open' ||
            r.kind === 'net.close' ||
            (r.kind === 'net.fin' && str(r, 'link') === 'downlink')),
      );
      const ownSeq = Math.min(endSeq, fault?.seq ?? Number.POSITIVE_INFINITY);
      const teardown = conn.records.find(
        (r) =>
          r.seq > o.call.seq &&
          r.seq < ownSeq &&
          ((r.kind === 'wire.command' &&
            (str(r, 'name') === 'FCUnpublish' || str(r, 'name') === 'deleteStream')) ||
            (r.kind === 'net.fin' && str(r, 'link') === 'uplink')),
      );
      if (teardown)
        return fail(
          `pause() at ${t} ms: the pusher ended the connection (${teardown.kind} at ${ms(teardown)} ms)`,
          {
            atMs: ms(teardown),
            evidence: [o.call, teardown],
          },
        );
      const reconnect = m.connections.find((c) => c.connect.seq > o.call.seq && c.connect.seq < ownSeq);
      const warn = m.events.find(
        (e) => e.seq > o.call.seq && e.seq < ownSeq && (e.code === 1102 || e.code === -1307),
      );
      if (reconnect || warn)
        return fail(`pause() at ${t} ms was followed by a reconnection`, {
          atMs: t,
          evidence: excerpt([o.call, reconnect?.connect, warn?.record]),
        });
    }
    return pass(`${pauses.length} pause() call(s): devices closed, no media, connection kept`);
  },
};

/** operations/resume/1: resume() reopens devices, 1003, keyframe first, media within 2 s, same connection. */
export const resumeRestartsMedia: Check = {
  requirement: 'operations/resume/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const app = appStateAt(trace);
    const resumes = pausedIntervals(m).filter(
      (x) => x.resume !== undefined && liveConnection(x.push, x.pause.callMs),
    );
    if (resumes.length === 0) return notApplicable('no resume() of a paused, publishing push');
    const unjudged: string[] = [];
    for (const { pause, resume, push } of resumes) {
      const r = resume as Operation;
      const t = r.callMs;
      const a = m.attributes.at(t);
      if (push.endMs < t + MEDIA_DEADLINE_MS) {
        unjudged.push(`the push ended within ${MEDIA_DEADLINE_MS} ms of resume() at ${t} ms`);
        continue;
      }
      const camera = log.handles.find((h) => h.device === 'camera' && h.open.seq > r.call.seq);
      const mic = log.handles.find((h) => h.device === 'microphone' && h.open.seq > r.call.seq);
      if (a.enableCamera && app(t) === 'foreground') {
        if (!camera || camera.openMs > t + E)
          return fail(`resume() at ${t} ms: no camera opened within ${E} ms`, {
            atMs: t,
            evidence: excerpt([r.call, camera?.open]),
          });
        const e1003 = m.events.find(
          (e) => e.code === 1003 && e.seq > camera.open.seq && e.t <= camera.openMs + E,
        );
        if (!e1003)
          return fail(`resume() at ${t} ms: no 1003 after the camera opened at ${camera.openMs} ms`, {
            atMs: camera.openMs,
            evidence: [r.call, camera.open],
          });
      }
      if (!a.muted && (!mic || mic.openMs > t + E))
        return fail(`resume() at ${t} ms: no microphone opened within ${E} ms`, {
          atMs: t,
          evidence: excerpt([r.call, mic?.open]),
        });
      const firstVideo = media.videoFrames.find((g) => g.record.seq > r.call.seq && g.sentMs >= t - 1);
      if (firstVideo && !firstVideo.keyframe)
        return fail(`resume() at ${t} ms: the first video frame (at ${firstVideo.t} ms) is not a keyframe`, {
          atMs: firstVideo.t,
          evidence: [r.call, firstVideo.record],
        });
      // A fault during the pause took the connection (a reset, a kick): the resume came while the push
      // reconnects, so "the same connection" cannot hold and media waits for the new publish
      // (reconnect/recovery/1 judges that). Another pause or a stop within 2 s leaves nothing to judge.
      const kept = liveConnection(push, pause.callMs, pause.call.seq);
      if (
        !liveConnection(push, t, r.call.seq) ||
        (kept?.remoteEndMs !== undefined && kept.remoteEndMs < t + MEDIA_DEADLINE_MS)
      ) {
        unjudged.push(
          `resume() at ${t} ms: connection ${kept?.conn ?? '?'} was lost to a fault (at ${kept?.remoteEndMs ?? kept?.endMs ?? '?'} ms); media on the same connection not judged`,
        );
        continue;
      }
      const interrupt = m.ops.find(
        (x) =>
          (x.op === 'pause' || x.op === 'stop') &&
          x.call.seq > r.call.seq &&
          x.callMs < t + MEDIA_DEADLINE_MS,
      );
      const firstMedia = media.tags.find(
        (g) => g.type !== 'script' && g.packetType !== 0 && g.record.seq > r.call.seq,
      );
      if (interrupt && (!firstMedia || firstMedia.record.seq > interrupt.call.seq)) {
        unjudged.push(
          `resume() at ${t} ms: ${interrupt.op}() at ${interrupt.callMs} ms came before media was due`,
        );
        continue;
      }
      if (!firstMedia || firstMedia.t > t + MEDIA_DEADLINE_MS)
        return fail(`resume() at ${t} ms: no media at the server within ${MEDIA_DEADLINE_MS} ms`, {
          atMs: t,
          evidence: excerpt([r.call, firstMedia?.record]),
        });
      const reconnect = m.connections.find(
        (c) => c.connect.seq > pause.call.seq && c.connectMs <= firstMedia.t,
      );
      if (reconnect)
        return fail(`resume() at ${t} ms: media resumed on a new connection (${reconnect.conn})`, {
          atMs: reconnect.connectMs,
          evidence: [pause.call, r.call, reconnect.connect],
        });
    }
    if (unjudged.length === resumes.length) return indeterminate(unjudged.join('; '));
    return pass(
      `${resumes.length - unjudged.length} resume() call(s): devices reopened, keyframe first, same connection${unjudged.length ? `; not judged: ${unjudged.join('; ')}` : ''}`,
    );
  },
};

/** The other camera position. */
const otherPosition = (p: string | undefined) => (p === 'back' ? 'front' : 'back');

/** operations/switch-camera/1: the other camera opens, 1003, the old one closes, frames from it follow. */
export const switchCameraSwaps: Check = {
  requirement: 'operations/switch-camera/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const switches = m.ops
      .filter(
        (o) => o.op === 'switchCamera' && pushBefore(m, o) && log.openAt(o.callMs, 'camera').length === 1,
      )
      .filter(
        (o) =>
          !log.failedOpens.some(
            (f) =>
              f.device === 'camera' &&
              f.calledAtMs >= o.callMs &&
              (o.resultMs === undefined || f.t <= o.resultMs),
          ),
      );
    if (switches.length === 0) return notApplicable('no switchCamera() with an open camera');
    let coloursJudged = 0;
    const unjudged: string[] = [];
    for (const o of switches) {
      const t = o.callMs;
      const old = log.openAt(t, 'camera')[0];
      const fresh = log.handles.find((h) => h.device === 'camera' && h.open.seq > o.call.seq);
      if (!fresh || fresh.position !== otherPosition(old.position))
        return fail(
          `switchCamera() at ${t} ms from ${old.position}: ${fresh ? `opened ${fresh.position}` : 'no camera opened'}`,
          {
            atMs: t,
            evidence: excerpt([o.call, old.open, fresh?.open]),
          },
        );
      const e1003 = m.events.find(
        (e) => e.code === 1003 && e.seq > fresh.open.seq && e.t <= fresh.openMs + E,
      );
      if (!e1003)
        return fail(
          `switchCamera() at ${t} ms: no 1003 within ${E} ms of the ${fresh.position} camera opening`,
          {
            atMs: fresh.openMs,
            evidence: [o.call, fresh.open],
          },
        );
      if (!old.close || old.close.seq < fresh.open.seq || (old.closeMs as number) > fresh.openMs + E)
        return fail(
          `switchCamera() at ${t} ms: the ${old.position} camera was ${old.close ? `closed at ${old.closeMs} ms` : 'never closed'} (expected within ${E} ms after the new one opened at ${fresh.openMs} ms)`,
          {
            atMs: fresh.openMs,
            evidence: excerpt([o.call, fresh.open, old.close]),
          },
        );
      if (!o.ok)
        return fail(`switchCamera() at ${t} ms settled "${o.errMsg}"`, {
          atMs: t,
          evidence: excerpt([o.call, o.result]),
        });
      const p = pushBefore(m, o) as Push;
      if (!liveConnection(p, t)) continue;
      // The first frame of the new camera, recognised by its colour when frames were decoded. Without
      // colours the trace cannot tell the last frames of the old camera from the first of the new one:
      // then only "a keyframe follows within 2 s" is judged.
      const next = media.decoded
        ? media.decoded.find(
            (d) => d.tag.record.seq > fresh.open.seq && identifyColour(d)?.source === fresh.position,
          )?.tag
        : media.videoFrames.find((g) => g.record.seq > fresh.open.seq && g.keyframe);
      // "Late" is judged at the pusher: the frame's write, bounded by its hand-over to the link, not its
      // arrival through a congested link.
      const due = t + MEDIA_DEADLINE_MS;
      const written = next && next.t > due ? tagWriteWindow(trace, next.record) : undefined;
      // The connection was lost to a fault (a kick, a reset) before the new camera's first frame arrived,
      // soon after the deadline or while back-pressure held the pusher's writes back at the deadline: what
      // the pusher wrote on it was lost with it, the next frames wait for the reconnection.
      const live = liveConnection(p, t) as Connection;
      const lost =
        live.remoteEndMs !== undefined &&
        (!next || live.remoteEndMs < next.t) &&
        (live.remoteEndMs < due + E || stalledAt(uplinkOf(trace, live.conn), due));
      if (lost && (!next || next.t > due)) {
        unjudged.push(
          `switchCamera() at ${t} ms: connection ${live.conn} was lost to a fault at ${live.remoteEndMs} ms before the first ${fresh.position} camera frame arrived`,
        );
        continue;
      }
      if (next?.keyframe && written && written.earliest <= due) {
        if (written.latest > due)
          unjudged.push(
            `switchCamera() at ${t} ms: the first ${fresh.position} camera frame arrived at ${next.t} ms, written between ${written.earliest} and ${written.latest} ms`,
          );
      } else if (!next || next.t > due || !next.keyframe)
        return fail(
          `switchCamera() at ${t} ms: ${next ? `the first ${fresh.position} camera frame (at ${next.t} ms) is ${next.keyframe ? 'late' : 'not a keyframe'}` : `no ${fresh.position} camera frame followed`}`,
          {
            atMs: t,
            evidence: excerpt([o.call, fresh.open, next?.record]),
          },
        );
      if (media.decoded) coloursJudged++;
      const reconnect = m.connections.find(
        (c) => c.connect.seq > o.call.seq && c.connectMs <= t + MEDIA_DEADLINE_MS,
      );
      if (reconnect)
        return fail(`switchCamera() at ${t} ms: a new connection (${reconnect.conn}) was opened`, {
          atMs: reconnect.connectMs,
          evidence: [o.call, reconnect.connect],
        });
    }
    if (unjudged.length)
      return indeterminate(`${switches.length} switch(es); not judged: ${unjudged.join('; ')}`);
    return pass(
      `${switches.length} switch(es): the other camera opened, 1003, old one closed, ${coloursJudged ? 'its first frame a keyframe (recognised by colour)' : 'a keyframe followed (colours not decoded)'}`,
      {
        numbers: { switches: switches.length, coloursJudged },
      },
    );
  },
};

/** operations/switch-camera/2: a failed switch settles fail, no -1301, the current camera keeps going. */
export const failedSwitchKeepsCamera: Check = {
  requirement: 'operations/switch-camera/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const failed = m.ops.filter(
      (o) =>
        o.op === 'switchCamera' &&
        log.openAt(o.callMs, 'camera').length === 1 &&
        log.failedOpens.some(
          (f) =>
            f.device === 'camera' &&
            f.calledAtMs >= o.callMs &&
            (o.resultMs === undefined || f.t <= o.resultMs),
        ),
    );
    if (failed.length === 0) return notApplicable('no switchCamera() whose camera failed to open');
    for (const o of failed) {
      const t = o.callMs;
      const current = log.openAt(t, 'camera')[0];
      if (o.ok !== false || !o.errMsg?.startsWith('switchCamera:fail'))
        return fail(
          `switchCamera() at ${t} ms with the other camera failing settled ${o.result ? `"${o.errMsg}"` : 'never'}`,
          {
            atMs: t,
            evidence: excerpt([o.call, o.result]),
          },
        );
      const settled = o.resultMs as number;
      const critical = m.events.find((e) => e.code === -1301 && e.seq > o.call.seq && e.t <= settled + E);
      if (critical)
        return fail(`switchCamera() at ${t} ms: -1301 at ${critical.t} ms`, {
          atMs: critical.t,
          evidence: [o.call, critical.record],
        });
      if (current.closeMs !== undefined && current.closeMs <= settled + MEDIA_DEADLINE_MS)
        return fail(
          `switchCamera() at ${t} ms: the ${current.position} camera was closed at ${current.closeMs} ms`,
          {
            atMs: current.closeMs,
            evidence: excerpt([o.call, o.result, current.close]),
          },
        );
      const p = pushBefore(m, o);
      if (!p || !liveConnection(p, t)) continue;
      const frames = media.videoFrames.filter((g) => g.t >= t && g.t <= settled + MEDIA_DEADLINE_MS);
      const points = [t, ...frames.map((g) => g.t), settled + MEDIA_DEADLINE_MS];
      for (let i = 1; i < points.length; i++)
        if (points[i] - points[i - 1] > 1000)
          return fail(
            `switchCamera() at ${t} ms: no video at the server from ${points[i - 1]} to ${points[i]} ms`,
            {
              atMs: points[i - 1],
              evidence: excerpt([o.call, o.result]),
            },
          );
    }
    return pass(`${failed.length} failed switch(es): switchCamera:fail, no -1301, current camera kept`);
  },
};

/** The view size the harness gave the pusher (case.start `viewSize`; the runner's 360x640 otherwise). */
function viewSize(trace: readonly TraceRecord[]): { width: number; height: number } {
  const v = field(caseStart(trace), 'viewSize');
  if (
    v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof v.width === 'number' &&
    typeof v.height === 'number'
  )
    return { width: v.width, height: v.height };
  return { width: 360, height: 640 };
}

/**
 * When the pusher first had a picture: the first camera frame, the first video frame at the server, or
 * the opening of a video encoder while enable-camera is false (the pusher then pushes a black picture:
 * docs/spec.md operations/snapshot/2, Interpretation).
 */
function firstPictureMs(trace: readonly TraceRecord[]): number | undefined {
  const camera = firstOf(trace, 'device.camera.firstFrame');
  const video = mediaTimeline(trace).videoFrames[0];
  const black = blackPictureFrom(trace);
  const times = [camera ? ms(camera) : undefined, video?.t, black].filter(
    (x): x is number => x !== undefined,
  );
  return times.length ? Math.min(...times) : undefined;
}

/** The first video encoder opened while enable-camera was false: the black picture's start. */
function blackPictureFrom(trace: readonly TraceRecord[]): number | undefined {
  const attributes = pushModel(trace).attributes;
  return deviceLog(trace).handles.find(
    (h) => h.device === 'videoEncoder' && !attributes.at(h.openMs).enableCamera,
  )?.openMs;
}

/** The colour of the latest picture before `t`: the latest decoded frame, else the open camera's. */
function latestPicture(
  trace: readonly TraceRecord[],
  t: number,
): { y: number; cb: number; cr: number } | undefined {
  const decoded = mediaTimeline(trace).decoded;
  if (decoded) {
    const last = [...decoded].reverse().find((d) => d.t <= t);
    if (last) return { y: last.y, cb: last.cb, cr: last.cr };
  }
  const camera = deviceLog(trace).openAt(t, 'camera')[0];
  if (!camera) {
    // No camera while enable-camera is false, with a video encoder open: the black picture.
    const encoder = deviceLog(trace).openAt(t, 'videoEncoder')[0];
    if (encoder && !pushModel(trace).attributes.at(t).enableCamera) return { y: 16, cb: 128, cr: 128 };
    return undefined;
  }
  const first = ofKind(trace, 'device.camera.firstFrame').find(
    (r) => str(r, 'position') === camera.position && Number(r.data.session) === camera.session,
  );
  const base = first?.data.colour as { y: number; cb: number; cr: number } | undefined;
  if (!base) return undefined;
  const filters = ofKind(trace, 'device.call')
    .filter((r) => str(r, 'method') === 'setFilters' && str(r, 'position') === camera.position && ms(r) <= t)
    .pop();
  const args = (filters?.data.args ?? camera.args) as { beauty?: number; whiteness?: number };
  const b0 = Number(camera.args.beauty ?? 0);
  const w0 = Number(camera.args.whiteness ?? 0);
  return {
    y: base.y + 3 * (Number(args.whiteness ?? w0) - w0),
    cb: base.cb + 3 * (Number(args.beauty ?? b0) - b0),
    cr: base.cr,
  };
}

/** operations/snapshot/1: a PNG of the view size showing the latest picture. */
export const snapshotShowsPicture: Check = {
  requirement: 'operations/snapshot/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const first = firstPictureMs(trace);
    const shots = m.ops.filter((o) => o.op === 'snapshot' && first !== undefined && o.callMs > first);
    if (shots.length === 0) return notApplicable('no snapshot() after the first picture');
    const size = viewSize(trace);
    const files = ofKind(trace, 'pusher.file');
    let coloursJudged = 0;
    for (const o of shots) {
      const t = o.callMs;
      if (!settledWithin(o, E) || !o.ok)
        return fail(`snapshot() at ${t} ms settled ${o.result ? `"${o.errMsg}"` : 'never'}`, {
          atMs: t,
          evidence: excerpt([o.call, o.result]),
        });
      const path = o.extra?.tempImagePath;
      const file = files.find((f) => str(f, 'path') === path);
      const image = field(file, 'image') as
        | { format?: string; width?: number; height?: number; mean?: { y: number; cb: number; cr: number } }
        | null
        | undefined;
      if (typeof path !== 'string' || !file || !image || image.format !== 'png')
        return fail(
          `snapshot() at ${t} ms: tempImagePath ${JSON.stringify(path ?? null)} is not a PNG the pusher wrote`,
          {
            atMs: t,
            evidence: excerpt([o.result, file]),
          },
        );
      if (
        image.width !== size.width ||
        image.height !== size.height ||
        o.extra?.width !== size.width ||
        o.extra?.height !== size.height
      )
        return fail(
          `snapshot() at ${t} ms: PNG ${image.width}x${image.height}, payload ${o.extra?.width}x${o.extra?.height} (expected ${size.width}x${size.height})`,
          {
            atMs: t,
            evidence: excerpt([o.result, file]),
          },
        );
      const expected = latestPicture(trace, t);
      if (image.mean && expected) {
        coloursJudged++;
        const d = Math.max(
          Math.abs(image.mean.y - expected.y),
          Math.abs(image.mean.cb - expected.cb),
          Math.abs(image.mean.cr - expected.cr),
        );
        if (d > 4)
          return fail(
            `snapshot() at ${t} ms: mean colour ${JSON.stringify(image.mean)}, latest picture ${JSON.stringify(expected)} (±4)`,
            {
              atMs: t,
              expected: JSON.stringify(expected),
              actual: JSON.stringify(image.mean),
              evidence: excerpt([o.result, file]),
            },
          );
      }
    }
    if (coloursJudged < shots.length)
      return indeterminate(
        `${shots.length} snapshot(s) of the right size; the colour of ${shots.length - coloursJudged} could not be compared (no mean colour or no known latest picture in the trace)`,
      );
    return pass(`${shots.length} snapshot(s): PNG ${size.width}x${size.height} showing the latest picture`);
  },
};

/** operations/snapshot/2: snapshot() before any picture fails and writes no file. */
export const snapshotBeforePicture: Check = {
  requirement: 'operations/snapshot/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const first = firstPictureMs(trace) ?? Number.POSITIVE_INFINITY;
    const early = m.ops.filter((o) => o.op === 'snapshot' && o.callMs < first);
    if (early.length === 0) return notApplicable('no snapshot() before the first picture');
    for (const o of early) {
      if (o.ok !== false || !o.errMsg?.startsWith('snapshot:fail'))
        return fail(
          `snapshot() at ${o.callMs} ms before any picture settled ${o.result ? `"${o.errMsg}"` : 'never'}`,
          {
            atMs: o.callMs,
            evidence: excerpt([o.call, o.result]),
          },
        );
      const file = ofKind(trace, 'pusher.file').find(
        (f) => f.seq > o.call.seq && f.seq < (o.result?.seq ?? 0),
      );
      if (file)
        return fail(`snapshot() at ${o.callMs} ms failed but wrote ${str(file, 'path')}`, {
          atMs: o.callMs,
          evidence: [o.call, file],
        });
    }
    return pass(`${early.length} snapshot() call(s) before the first picture failed with snapshot:fail`);
  },
};

/** operations/callbacks/1: each operation settles once within 10 s with `<op>:ok` or `<op>:fail <reason>`. */
export const callbacksConvention: Check = {
  requirement: 'operations/callbacks/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    if (m.ops.length === 0) return notApplicable('no operation was called');
    const crashes = ofKind(trace, 'pusher.crash');
    for (const o of m.ops) {
      const crash = crashes.find((c) => str(c, 'where') === o.op && c.seq > o.call.seq);
      if (crash)
        return fail(`${o.op}() at ${o.callMs} ms threw or rejected: ${str(crash, 'message')}`, {
          atMs: o.callMs,
          evidence: [o.call, crash],
        });
      if (!o.result) {
        if (o.callMs + 10_000 > m.caseEndMs) continue;
        return fail(`${o.op}() at ${o.callMs} ms never settled`, {
          atMs: o.callMs,
          evidence: excerpt([o.call, ...ofKind(trace, 'case.end')]),
        });
      }
      const outcome = judgeSettlement(o);
      if (outcome) return outcome;
    }
    return pass(`${m.ops.length} operation(s), each settled once within 10 s with the errMsg convention`, {
      numbers: { operations: m.ops.length },
    });
  },
};

function judgeSettlement(o: Operation): Outcome | undefined {
  const evidence = excerpt([o.call, ...o.results]);
  if (o.results.length > 1)
    return fail(`${o.op}() at ${o.callMs} ms settled ${o.results.length} times`, {
      atMs: o.callMs,
      evidence,
    });
  if ((o.resultMs as number) - o.callMs > 10_000)
    return fail(
      `${o.op}() at ${o.callMs} ms settled after ${(o.resultMs as number) - o.callMs} ms (limit 10000)`,
      { atMs: o.callMs, evidence },
    );
  const ok = o.ok ? o.errMsg?.startsWith(`${o.op}:ok`) : new RegExp(`^${o.op}:fail \\S`).test(o.errMsg ?? '');
  if (!ok)
    return fail(`${o.op}() at ${o.callMs} ms settled ok=${o.ok} with errMsg "${o.errMsg}"`, {
      atMs: o.callMs,
      expected: o.ok ? `${o.op}:ok...` : `${o.op}:fail <reason>`,
      actual: o.errMsg,
      evidence,
    });
  return undefined;
}

/** Checks of the `operations` area of docs/spec.md. */
export const OPERATIONS_CHECKS: readonly Check[] = [
  startAccepts,
  startIdempotent,
  restartAfterFailure,
  stopEndsCleanly,
  stopCancelsReconnect,
  idleOperationsHarmless,
  pauseKeepsConnection,
  resumeRestartsMedia,
  switchCameraSwaps,
  failedSwitchKeepsCamera,
  snapshotShowsPicture,
  snapshotBeforePicture,
  callbacksConvention,
];
