import type { TraceRecord } from '../../sim/trace.js';
import { ms, num, ofKind, str } from '../trace-query.js';

/**
 * The uplink of one pusher connection as the network saw it: when the pusher's bytes were handed to the
 * link (`net.send`), when they reached the server (`net.deliver`, FIFO), when the connection's sender was
 * blocked by back-pressure (`net.stall` .. `net.drain`), and the FIN (`net.fin` uplink, at its delivery).
 *
 * Why: docs/spec.md measures pusher actions at the pusher's side. The wire tap records commands at the
 * pusher's write, but neither media messages nor the pusher's end()/destroy() of the socket. What the trace
 * does tell:
 * - bytes handed to the link after a time D were written after D, unless the sender was blocked at D (then
 *   they may be the pusher's own backlog, written earlier, waiting in its socket buffer);
 * - the pusher's FIN leaves after every byte it handed to the link (a destroyed socket hands over nothing
 *   more), and arrives one propagation delay later, or right behind the link's queue.
 */
export interface Uplink {
  netConn: number;
  sends: { t: number; seq: number; cumEnd: number }[];
  delivers: { t: number; seq: number; cumStart: number; cumEnd: number }[];
  /** `net.stall` (true) and `net.drain` (false) of this connection's uplink sender, in order. */
  blocking: { t: number; seq: number; stalled: boolean }[];
  fin?: TraceRecord;
  records: TraceRecord[];
}

export function uplinkOf(trace: readonly TraceRecord[], netConn: number): Uplink {
  const u: Uplink = { netConn, sends: [], delivers: [], blocking: [], records: [] };
  let sent = 0;
  let delivered = 0;
  for (const r of trace) {
    if (!r.kind.startsWith('net.') || num(r, 'conn') !== netConn) continue;
    u.records.push(r);
    if (str(r, 'link') !== 'uplink') continue;
    const bytes = num(r, 'bytes') ?? 0;
    if (r.kind === 'net.send') {
      sent += bytes;
      u.sends.push({ t: ms(r), seq: r.seq, cumEnd: sent });
    } else if (r.kind === 'net.deliver') {
      u.delivers.push({ t: ms(r), seq: r.seq, cumStart: delivered, cumEnd: delivered + bytes });
      delivered += bytes;
    } else if (r.kind === 'net.stall') u.blocking.push({ t: ms(r), seq: r.seq, stalled: true });
    else if (r.kind === 'net.drain') u.blocking.push({ t: ms(r), seq: r.seq, stalled: false });
    else if (r.kind === 'net.fin') u.fin ??= r;
  }
  return u;
}

/** The sender was blocked by back-pressure at `t` (a stall not yet drained): writes waited in its buffer. */
export function stalledAt(u: Uplink, t: number): boolean {
  let stalled = false;
  for (const b of u.blocking) {
    if (b.t > t) break;
    stalled = b.stalled;
  }
  return stalled;
}

/**
 * The first instant the server received bytes that the pusher handed to the link after `d` (every byte
 * of that delivery was handed over after `d`); undefined when none arrived. When the sender was not
 * blocked at `d`, whatever arrives after this instant was written by the pusher after `d`.
 */
export function firstDeliveryHandedOverAfter(u: Uplink, d: number): number | undefined {
  let before = 0;
  for (const s of u.sends) {
    if (s.t > d) break;
    before = s.cumEnd;
  }
  return u.delivers.find((x) => x.cumStart >= before && x.cumEnd > before)?.t;
}

/** The last hand-over of bytes to the link before the record `beforeSeq`. */
export function lastSendMs(u: Uplink, beforeSeq = Number.POSITIVE_INFINITY): number | undefined {
  const s = u.sends.filter((x) => x.seq < beforeSeq);
  return s.length ? s[s.length - 1].t : undefined;
}

/** The smallest and largest one-way delay of the uplink (`net.link`: delay ∓ jitter), ms. */
function uplinkDelays(trace: readonly TraceRecord[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const r of ofKind(trace, 'net.link')) {
    if (str(r, 'link') !== 'uplink') continue;
    const d = num(r, 'delayUs') ?? 0;
    const j = num(r, 'jitterUs') ?? 0;
    min = Math.min(min, Math.max(0, d - j) / 1000);
    max = Math.max(max, (d + j) / 1000);
  }
  return { min: Number.isFinite(min) ? min : 0, max };
}

export type PusherClose =
  /** The pusher had closed by `atMs` at the latest. */
  | { status: 'closed'; atMs: number; how: string; evidence: TraceRecord[] }
  /** The pusher had not closed before `fromMs`. */
  | { status: 'late'; fromMs: number; how: string; evidence: TraceRecord[] }
  /** The trace cannot tell whether the pusher closed by the deadline. */
  | { status: 'unknown'; why: string; evidence: TraceRecord[] }
  /** Nothing closed the connection and nothing in the network explains it. */
  | { status: 'open'; evidence: TraceRecord[] };

const SLACK_MS = 0.5;

/**
 * Did the pusher close connection `netConn` (FIN) between the record `fromSeq` and `deadlineMs`, judged
 * at the pusher's side? `wireClose` is the wire tap's `wire.close` of that connection (its socket closed
 * at the pusher), when there is one.
 */
export function pusherCloseBy(
  trace: readonly TraceRecord[],
  netConn: number,
  fromSeq: number,
  deadlineMs: number,
  wireClose?: TraceRecord,
): PusherClose {
  const u = uplinkOf(trace, netConn);
  const after = u.records.filter((r) => r.seq > fromSeq);
  const fin = after.find((r) => r.kind === 'net.fin' && str(r, 'link') === 'uplink');
  const remote = after.find(
    (r) =>
      r.kind === 'net.reset' ||
      r.kind === 'net.close' ||
      r.kind === 'net.half_open' ||
      (r.kind === 'net.fin' && str(r, 'link') === 'downlink'),
  );
  const frozen = u.records.find((r) => r.kind === 'net.half_open');
  const reset = after.find((r) => r.kind === 'net.reset');
  const closedSocket =
    wireClose && wireClose.seq > fromSeq && (!reset || reset.seq > wireClose.seq) ? wireClose : undefined;
  const deadline = deadlineMs + SLACK_MS;
  if (closedSocket && ms(closedSocket) <= deadline)
    return {
      status: 'closed',
      atMs: ms(closedSocket),
      how: `its socket closed at ${ms(closedSocket)} ms`,
      evidence: [closedSocket],
    };
  if (fin && ms(fin) <= deadline)
    return { status: 'closed', atMs: ms(fin), how: `FIN at the server at ${ms(fin)} ms`, evidence: [fin] };
  // The FIN leaves after every byte handed to the link: bytes handed over after the deadline prove it late.
  const end = Math.min(fin?.seq ?? Number.POSITIVE_INFINITY, reset?.seq ?? Number.POSITIVE_INFINITY);
  const last = u.sends.filter((s) => s.seq > fromSeq && s.seq < end).pop();
  if (last && last.t > deadline) {
    const rec = trace.find((r) => r.seq === last.seq);
    return {
      status: 'late',
      fromMs: last.t,
      how: `the pusher was still handing bytes to the link at ${last.t} ms (unsent data it kept; its FIN can only follow them)`,
      evidence: [rec, fin].filter((r): r is TraceRecord => r !== undefined),
    };
  }
  if (remote && (!fin || remote.seq < fin.seq) && ms(remote) <= (fin ? ms(fin) : Number.POSITIVE_INFINITY)) {
    // Long after the deadline, over a link that had delivered everything: a FIN sent in time would have
    // arrived before the network or the server ended the connection.
    const { max } = uplinkDelays(trace);
    const sentBefore = u.sends.filter((x) => x.seq < remote.seq).pop()?.cumEnd ?? 0;
    const deliveredBefore = u.delivers.filter((x) => x.seq < remote.seq).pop()?.cumEnd ?? 0;
    const idleFrom = u.delivers.filter((x) => x.seq < remote.seq).pop()?.t ?? 0;
    if (
      !frozen &&
      !after.some((r) => r.kind === 'net.toxic' && r.seq < remote.seq) &&
      deliveredBefore >= sentBefore &&
      ms(remote) > Math.max(deadline, idleFrom) + max + SLACK_MS
    )
      return {
        status: 'late',
        fromMs: ms(remote) - max,
        how: `no FIN had arrived when ${remote.kind} ended the connection at ${ms(remote)} ms over an idle link`,
        evidence: [remote],
      };
    return {
      status: 'unknown',
      why: `the network or the server ended connection ${netConn} first (${remote.kind} at ${ms(remote)} ms)`,
      evidence: [remote],
    };
  }
  if (frozen)
    return {
      status: 'unknown',
      why: `connection ${netConn} was half-open (${ms(frozen)} ms): no FIN of the pusher can arrive`,
      evidence: [frozen],
    };
  if (fin) {
    const slow = after.find(
      (r) =>
        r.kind === 'net.toxic' &&
        (str(r, 'type') === 'slow_close' || str(r, 'type') === 'latency') &&
        r.seq < fin.seq,
    );
    if (slow)
      return {
        status: 'unknown',
        why: `a ${str(slow, 'type')} toxic delayed the FIN (at ${ms(fin)} ms)`,
        evidence: [slow, fin],
      };
    const { min, max } = uplinkDelays(trace);
    const lastDelivery = u.delivers.filter((x) => x.seq < fin.seq).pop();
    // Right behind the link's queue: the FIN left somewhere between the last hand-over and its arrival.
    if (lastDelivery && ms(fin) - lastDelivery.t <= SLACK_MS) {
      if (ms(fin) - min <= deadline)
        return {
          status: 'closed',
          atMs: ms(fin) - min,
          how: `FIN behind the link's queue at ${ms(fin)} ms`,
          evidence: [fin],
        };
      return {
        status: 'unknown',
        why: `the FIN arrived at ${ms(fin)} ms right behind the link's queue; when the pusher sent it (after its last hand-over at ${last?.t ?? '?'} ms) cannot be told`,
        evidence: [fin],
      };
    }
    if (ms(fin) - max > deadline)
      return {
        status: 'late',
        fromMs: ms(fin) - max,
        how: `its FIN arrived at ${ms(fin)} ms with the link idle (sent at ${ms(fin) - max} ms at the earliest)`,
        evidence: [fin],
      };
    if (ms(fin) - min <= deadline)
      return { status: 'closed', atMs: ms(fin) - min, how: `FIN at ${ms(fin)} ms`, evidence: [fin] };
    return {
      status: 'unknown',
      why: `the FIN at ${ms(fin)} ms may have left before or after the deadline (link delay ${min}..${max} ms)`,
      evidence: [fin],
    };
  }
  if (closedSocket)
    return {
      status: 'late',
      fromMs: ms(closedSocket),
      how: `its socket closed only at ${ms(closedSocket)} ms, no FIN reached the server`,
      evidence: [closedSocket],
    };
  const sent = u.sends.length ? u.sends[u.sends.length - 1].cumEnd : 0;
  const delivered = u.delivers.length ? u.delivers[u.delivers.length - 1].cumEnd : 0;
  if (sent > delivered)
    return {
      status: 'unknown',
      why: `${sent - delivered} byte(s) were still in the link at the end: a FIN would wait behind them`,
      evidence: [],
    };
  const caseEnd = ofKind(trace, 'case.end')[0];
  if (caseEnd && ms(caseEnd) <= deadline)
    return { status: 'unknown', why: `the case ended at ${ms(caseEnd)} ms`, evidence: [caseEnd] };
  return { status: 'open', evidence: [] };
}

/**
 * When the pusher wrote the media tag `tag` (an `observer.tag` record): `latest` is the hand-over of its
 * last byte to the link (a write is handed over at once, or later when the sender was blocked);
 * `earliest` is the hand-over of its first byte, or, when that hand-over flushed writes held back by
 * back-pressure, the start of that blocked period (the held writes were made during it). Undefined when
 * the trace lacks per-write link records.
 */
export function tagWriteWindow(
  trace: readonly TraceRecord[],
  tag: TraceRecord,
): { earliest: number; latest: number; netConn: number } | undefined {
  let delivery: TraceRecord | undefined;
  for (let i = trace.indexOf(tag) - 1; i >= 0; i--) {
    const r = trace[i];
    if (r.kind === 'net.deliver' && str(r, 'link') === 'uplink') {
      delivery = r;
      break;
    }
  }
  const netConn = num(delivery, 'conn');
  if (!delivery || netConn === undefined) return undefined;
  const u = uplinkOf(trace, netConn);
  if (u.sends.length === 0 || trace.some((r) => r.kind === 'net.send' && r.data.writes !== undefined))
    return undefined;
  const d = u.delivers.find((x) => x.seq === delivery.seq);
  if (!d) return undefined;
  const size = num(tag, 'size') ?? 0;
  // RTMP chunk headers make a message a little longer on the wire than its FLV body.
  const firstByte = Math.max(1, d.cumStart - size - 64);
  const first = u.sends.find((s) => s.cumEnd >= firstByte);
  const last = u.sends.find((s) => s.cumEnd >= d.cumEnd);
  if (!first || !last) return undefined;
  let earliest = first.t;
  // A hand-over right after a drain flushes held writes: they were made since the blocked period began.
  let chainStart: number | undefined;
  let prev: { t: number; stalled: boolean } | undefined;
  for (const b of u.blocking) {
    if (b.seq > first.seq) break;
    if (b.stalled && !(prev && !prev.stalled && prev.t === b.t)) chainStart = b.t;
    prev = b;
  }
  if (prev && (prev.stalled || prev.t === first.t) && chainStart !== undefined) earliest = chainStart;
  return { earliest, latest: last.t, netConn };
}
