import type { TraceRecord } from '../sim/trace.js';
import { exhaustionPoint } from './events.js';
import { EVENT_DEADLINE_MS, MEDIA_DEADLINE_MS } from './internal/deadlines.js';
import { deviceLog } from './internal/device-handles.js';
import { linkOutages, outageDuring } from './internal/link-outages.js';
import { mediaTimeline } from './internal/media-timeline.js';
import { pausedDuring, pauseSpans } from './internal/pause-spans.js';
import { type Attempt, isFailureCode, type Push, type PushModel } from './internal/push-model.js';
import { pushModelWithGiveUps } from './internal/silent-give-up.js';
import {
  excerpt,
  fail,
  indeterminate,
  ms,
  notApplicable,
  num,
  ofKind,
  pass,
  profileValue,
  str,
} from './trace-query.js';
import type { Check } from './types.js';

const E = EVENT_DEADLINE_MS;

const reconnectAttempts = (trace: readonly TraceRecord[]) => profileValue(trace, 'reconnectAttempts') ?? 3;
const reconnectInterval = (trace: readonly TraceRecord[]) =>
  profileValue(trace, 'reconnectIntervalMs') ?? 3000;

/** The failure code that caused reconnection attempt `a` (the previous attempt's), or its failure time. */
function causeOf(p: Push, a: Attempt): { t: number; record?: TraceRecord } | undefined {
  const prev = p.attempts[a.index - 1];
  if (!prev?.failure) return undefined;
  const code = prev.events.find((e) => isFailureCode(e.code));
  return code ? { t: code.t, record: code.record } : { t: prev.failure.atMs, record: prev.failure.record };
}

function startRecord(a: Attempt): TraceRecord | undefined {
  return a.dnsQuery ?? a.connection?.connect;
}

/** reconnect/attempts/1: a push whose every attempt fails makes 1 + N attempts, then -1307. */
export const attemptsThenStop: Check = {
  requirement: 'reconnect/attempts/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const n = reconnectAttempts(trace);
    const failing = m.pushes.filter(
      (p) =>
        p.attempts.length > 0 &&
        !p.events.some((e) => e.code === 1002) &&
        p.attempts.every((a, i) => a.failure !== undefined || i === p.attempts.length - 1),
    );
    if (failing.length === 0) return notApplicable('no push failed all its connection attempts');
    let exhausted = 0;
    for (const p of failing) {
      const count = p.attempts.length;
      const evidence = excerpt([...p.attempts.map(startRecord), p.endRecord]);
      if (count > 1 + n)
        return fail(
          `push ${p.index + 1} made ${count} connection attempts without publishing (expected 1 + ${n})`,
          {
            atMs: p.attempts[1 + n].startMs,
            numbers: { attempts: count, n },
            evidence,
          },
        );
      if (p.endCause === 'exhausted') {
        if (count !== 1 + n)
          return fail(`push ${p.index + 1} gave up (-1307) after ${count} attempt(s) (expected 1 + ${n})`, {
            atMs: p.endMs,
            numbers: { attempts: count, n },
            evidence,
          });
        exhausted++;
        continue;
      }
      const lastFailure = p.attempts[count - 1].failure;
      if (count === 1 + n && lastFailure && p.endCause === 'case-end' && lastFailure.atMs + E < p.endMs)
        return fail(`push ${p.index + 1} made 1 + ${n} failed attempts but never emitted -1307`, {
          atMs: lastFailure.atMs,
          evidence,
        });
    }
    if (exhausted === 0)
      return indeterminate(
        `no failing push ran until it gave up (${failing[0].attempts.length} attempt(s) before it ended)`,
      );
    return pass(`${exhausted} push(es) made exactly 1 + ${n} attempts, then -1307`, {
      numbers: { pushes: exhausted, n },
    });
  },
};

function intervals(
  m: PushModel,
): { p: Push; a: Attempt; cause: { t: number; record?: TraceRecord }; gap: number }[] {
  const out: { p: Push; a: Attempt; cause: { t: number; record?: TraceRecord }; gap: number }[] = [];
  for (const p of m.pushes)
    for (const a of p.attempts) {
      if (!a.reconnection) continue;
      const cause = causeOf(p, a);
      if (cause) out.push({ p, a, cause, gap: a.startMs - cause.t });
    }
  return out;
}

/** reconnect/interval/1: every reconnection attempt starts >= 1000 ms after the failure code. */
export const noReconnectStorm: Check = {
  requirement: 'reconnect/interval/1',
  always: true,
  evaluate(trace) {
    const list = intervals(pushModelWithGiveUps(trace));
    if (list.length === 0) return notApplicable('no reconnection attempt');
    const bad = list.find((x) => x.gap < 1000);
    if (bad)
      return fail(
        `reconnection attempt at ${bad.a.startMs} ms came ${bad.gap} ms after its failure code (expected >= 1000)`,
        {
          atMs: bad.a.startMs,
          numbers: { gapMs: bad.gap },
          evidence: excerpt([bad.cause.record, startRecord(bad.a)]),
        },
      );
    const min = Math.min(...list.map((x) => x.gap));
    return pass(`${list.length} reconnection attempt(s), the shortest ${min} ms after its failure`, {
      numbers: { attempts: list.length, minGapMs: min },
    });
  },
};

/** reconnect/interval/2: every reconnection attempt starts I ± max(10% I, 250 ms) after the failure code. */
export const reconnectInterval2: Check = {
  requirement: 'reconnect/interval/2',
  always: true,
  evaluate(trace) {
    const list = intervals(pushModelWithGiveUps(trace));
    if (list.length === 0) return notApplicable('no reconnection attempt');
    const i = reconnectInterval(trace);
    const tol = Math.max(0.1 * i, 250);
    const bad = list.find((x) => Math.abs(x.gap - i) > tol);
    if (bad)
      return fail(
        `reconnection attempt at ${bad.a.startMs} ms came ${bad.gap} ms after its failure code (expected ${i} ± ${tol})`,
        {
          atMs: bad.a.startMs,
          expected: `${i} ± ${tol} ms`,
          actual: `${bad.gap} ms`,
          evidence: excerpt([bad.cause.record, startRecord(bad.a)]),
        },
      );
    return pass(`${list.length} reconnection attempt(s), each ${i} ± ${tol} ms after its failure`, {
      numbers: { attempts: list.length, intervalMs: i },
    });
  },
};

/** reconnect/exhausted/1: after -1307 no network activity until start(); devices closed within E. */
export const quietAfterExhaustion: Check = {
  requirement: 'reconnect/exhausted/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const log = deviceLog(trace);
    const ended = m.pushes.filter((p) => p.endCause === 'exhausted');
    if (ended.length === 0) return notApplicable('no -1307');
    const rtmpConns = new Set(m.connections.map((c) => c.conn));
    for (const p of ended) {
      const nextSeq = m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY;
      const activity = trace.find(
        (r) =>
          r.seq > p.endSeq &&
          r.seq < nextSeq &&
          (r.kind === 'net.connect' ||
            (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns') ||
            (r.kind === 'net.send' &&
              str(r, 'link') === 'uplink' &&
              rtmpConns.has(Number(r.data.conn)) &&
              ms(r) > p.endMs + E)),
      );
      if (activity)
        return fail(
          `network activity (${activity.kind}) at ${ms(activity)} ms after -1307 at ${p.endMs} ms`,
          {
            atMs: ms(activity),
            evidence: [p.endRecord, activity],
          },
        );
      const leak = log.handles.find(
        (h) =>
          h.open.seq < nextSeq &&
          !(h.close && h.close.seq < p.endSeq) &&
          (h.closeMs === undefined || h.closeMs > Math.max(p.endMs, h.openMs) + E),
      );
      if (leak)
        return fail(`${leak.key} still open ${E} ms after -1307 at ${p.endMs} ms`, {
          atMs: p.endMs,
          evidence: excerpt([p.endRecord, leak.open, leak.close]),
        });
    }
    return pass(`${ended.length} -1307: no network activity afterwards, devices closed within ${E} ms`, {
      evidence: excerpt(ended.map((p) => p.endRecord)),
    });
  },
};

/** reconnect/reset/1: after a 1002 on a reconnection, a later loss gets N fresh reconnection attempts. */
export const countResets: Check = {
  requirement: 'reconnect/reset/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const n = reconnectAttempts(trace);
    let judged = 0;
    for (const p of m.pushes) {
      const recovered = p.attempts.filter((a) => a.reconnection && a.events.some((e) => e.code === 1002));
      if (recovered.length === 0) continue;
      const last1002 = recovered[recovered.length - 1];
      const later = p.attempts.slice(last1002.index);
      const lost = later.find((a) => a.failure && a.failure.atMs < p.endMs);
      if (!lost) continue;
      const retries = p.attempts.filter((a) => a.index > last1002.index && a.reconnection);
      const published = retries.some((a) => a.events.some((e) => e.code === 1002));
      if (published) continue;
      judged++;
      const evidence = excerpt([
        ...last1002.events.map((e) => e.record),
        lost.failure?.record,
        ...retries.map(startRecord),
        p.endRecord,
      ]);
      if (p.endCause === 'exhausted') {
        if (retries.length !== n)
          return fail(
            `after the 1002 at ${last1002.events.find((e) => e.code === 1002)?.t} ms, the loss at ${lost.failure?.atMs} ms got ${retries.length} reconnection attempt(s) before -1307 (expected ${n})`,
            {
              atMs: p.endMs,
              numbers: { retries: retries.length, n },
              evidence,
            },
          );
        continue;
      }
      if (retries.length > n)
        return fail(
          `after a loss at ${lost.failure?.atMs} ms the push made ${retries.length} reconnection attempts (N = ${n})`,
          {
            atMs: retries[n].startMs,
            evidence,
          },
        );
      return indeterminate(`the push ended after ${retries.length} of ${n} fresh reconnection attempts`);
    }
    if (judged === 0) return notApplicable('no connection was lost after a 1002 on a reconnection');
    return pass(`${judged} loss(es) after a reconnection got ${n} fresh reconnection attempts before -1307`, {
      numbers: { n },
    });
  },
};

/** The base round trip of the network (both links' propagation delay and jitter), ms. */
function baseRoundTripMs(trace: readonly TraceRecord[]): number {
  let rtt = 0;
  for (const r of ofKind(trace, 'net.link'))
    rtt += ((num(r, 'delayUs') ?? 0) + (num(r, 'jitterUs') ?? 0)) / 1000;
  return rtt;
}

/** Round trips of an RTMP publish after the TCP connect: handshake, connect, createStream, publish. */
export const PUBLISH_ROUND_TRIPS = 4;

/**
 * reconnect/recovery/1's allowance for the network's own time during attempt `a` (ms): the DNS lookup
 * (query to answer), the TCP connect (connect to connected) and 4 round trips, each as long as the
 * handshake's (C0C1 written to S2 received; the network's base round trip when the handshake did not
 * complete). A pusher is given 5 s of its own on top of what the scripted network takes.
 */
export function networkAllowanceMs(trace: readonly TraceRecord[], a: Attempt): number {
  const c = a.connection;
  const dns = a.dnsQuery && a.dnsAnswer ? ms(a.dnsAnswer) - ms(a.dnsQuery) : 0;
  const tcp = c?.connectedMs !== undefined ? c.connectedMs - c.connectMs : 0;
  const handshake =
    c?.c0c1Ms !== undefined && c.s2Ms !== undefined ? c.s2Ms - c.c0c1Ms : baseRoundTripMs(trace);
  return Math.max(0, dns) + Math.max(0, tcp) + PUBLISH_ROUND_TRIPS * Math.max(0, handshake);
}

/** The pusher's own budget for a reconnection to publish (1001 and 1002), on top of the network's time. */
export const RECOVERY_BUDGET_MS = 5_000;

/** reconnect/recovery/1: a reconnection attempt to a reachable server publishes and media flows. */
export const reconnectRecovers: Check = {
  requirement: 'reconnect/recovery/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const media = mediaTimeline(trace);
    const pauses = pauseSpans(trace);
    const outages = linkOutages(trace);
    let judged = 0;
    const skipped: string[] = [];
    for (const p of m.pushes)
      for (const a of p.attempts) {
        const c = a.connection;
        // Reachable: nothing scripted against this connection, and nothing refused or rejected it.
        if (!a.reconnection || !c || c.fault !== 'none' || c.rejectMs !== undefined) continue;
        if (c.connectErrorMs !== undefined) continue;
        if (a.dnsAnswer && str(a.dnsAnswer, 'error')) continue;
        const allowance = networkAllowanceMs(trace, a);
        const deadline = a.startMs + RECOVERY_BUDGET_MS + allowance;
        const connected = a.events.find((e) => e.code === 1001);
        const begun = a.events.find((e) => e.code === 1002);
        const lostAt = Math.min(p.endMs, c.remoteEndMs ?? Number.POSITIVE_INFINITY, m.caseEndMs);
        if (!begun && lostAt < deadline) continue;
        // A link that goes down before the publish completes makes the server unreachable again.
        const outage = outageDuring(outages, a.startMs, Math.min(begun?.t ?? deadline, deadline));
        if (outage) {
          skipped.push(
            `attempt at ${a.startMs} ms: the ${outage.link} was down from ${outage.fromMs} ms to ${outage.toMs} ms`,
          );
          continue;
        }
        judged++;
        const evidence = excerpt([startRecord(a), ...a.events.map((e) => e.record)]);
        if (!connected || !begun || begun.t > deadline)
          return fail(
            `reconnection attempt at ${a.startMs} ms to a reachable server: ${begun ? `1002 at ${begun.t} ms` : 'no 1002'} (expected 1001 and 1002 within ${RECOVERY_BUDGET_MS} ms + ${Math.round(allowance)} ms of network time)`,
            {
              atMs: a.startMs,
              numbers: { budgetMs: RECOVERY_BUDGET_MS, networkMs: allowance },
              evidence,
            },
          );
        if (lostAt < begun.t + MEDIA_DEADLINE_MS) continue;
        const after = media.tags.filter((g) => g.record.seq > begun.record.seq);
        const firstVideo = after.find((g) => g.type === 'video');
        const firstAudio = after.find((g) => g.type === 'audio');
        const firstFrame = after.find(
          (g) => g.packetType !== 0 && (g.type === 'video' || g.type === 'audio'),
        );
        // Judged where the pusher acts: its first media write on this connection (wire tap); the
        // server's arrival time only when the trace has no such write (a slow or down link delays it).
        const written = c.records.find((r) => r.kind === 'wire.firstMedia');
        const firstAt = written ? ms(written) : firstFrame?.t;
        if (firstAt === undefined || firstAt > begun.t + MEDIA_DEADLINE_MS) {
          const paused = pausedDuring(
            pauses,
            begun.t,
            Math.min(firstAt ?? Infinity, begun.t + MEDIA_DEADLINE_MS),
          );
          if (paused) {
            // Published, but a paused push writes no media: the rest cannot be judged.
            judged--;
            skipped.push(
              `attempt at ${a.startMs} ms published (1002 at ${begun.t} ms), but the push was paused at ${paused.fromMs} ms: no media to judge`,
            );
            continue;
          }
          return fail(
            `no media ${written ? 'written by the pusher' : 'frame at the server'} within ${MEDIA_DEADLINE_MS} ms of the 1002 at ${begun.t} ms`,
            {
              atMs: begun.t,
              evidence: excerpt([begun.record, written ?? firstFrame?.record]),
            },
          );
        }
        if (firstVideo && firstVideo.packetType !== 0)
          return fail(
            `after the reconnection, the first video tag (at ${firstVideo.t} ms) is not a sequence header`,
            {
              atMs: firstVideo.t,
              evidence: [begun.record, firstVideo.record],
            },
          );
        const firstVideoFrame = after.find((g) => g.type === 'video' && g.packetType !== 0);
        if (firstVideoFrame && !firstVideoFrame.keyframe)
          return fail(
            `after the reconnection, the first video frame (at ${firstVideoFrame.t} ms) is not a keyframe`,
            {
              atMs: firstVideoFrame.t,
              evidence: [begun.record, firstVideoFrame.record],
            },
          );
        if (firstAudio && firstAudio.packetType !== 0)
          return fail(
            `after the reconnection, the first audio tag (at ${firstAudio.t} ms) is not a sequence header`,
            {
              atMs: firstAudio.t,
              evidence: [begun.record, firstAudio.record],
            },
          );
      }
    if (judged === 0)
      return skipped.length > 0
        ? indeterminate(`no reconnection could be judged: ${skipped.join('; ')}`)
        : notApplicable('no reconnection attempt reached a reachable server');
    return pass(
      `${judged} reconnection attempt(s) to a reachable server published within ${RECOVERY_BUDGET_MS} ms + the network's time, media within ${MEDIA_DEADLINE_MS} ms${skipped.length ? ` (not judged: ${skipped.join('; ')})` : ''}`,
      {
        numbers: { attempts: judged },
      },
    );
  },
};

/** reconnect/single-connection/1: the previous connection is closed before the next connect starts. */
export const singleConnection: Check = {
  requirement: 'reconnect/single-connection/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const conns = m.connections;
    if (conns.length < 2) return notApplicable('fewer than two connections');
    for (let i = 1; i < conns.length; i++) {
      const open = conns.slice(0, i).find((c) => c.endSeq === undefined || c.endSeq > conns[i].connect.seq);
      if (open)
        return fail(
          `connect ${conns[i].conn} at ${conns[i].connectMs} ms while connection ${open.conn} (from ${open.connectMs} ms) was still open`,
          {
            atMs: conns[i].connectMs,
            evidence: excerpt([
              open.connect,
              ...open.records.filter((r) => r.kind === 'wire.close' || r.kind === 'net.fin'),
              conns[i].connect,
            ]),
          },
        );
    }
    return pass(`${conns.length} connections, never two at a time`, {
      numbers: { connections: conns.length },
    });
  },
};

/** reconnect/devices/1: no camera/microphone open or close and no 1003 between a failure and the next 1002. */
export const devicesStayOpen: Check = {
  requirement: 'reconnect/devices/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const log = deviceLog(trace);
    const disturbances = [
      ...ofKind(trace, 'pusher.attributes'),
      ...m.ops.filter((o) => o.op !== 'snapshot').map((o) => o.call),
      ...ofKind(trace, 'app.state').slice(1),
    ];
    let judged = 0;
    for (const p of m.pushes) {
      const warns = p.events.filter((e) => e.code === 1102);
      for (const w of warns) {
        const end = p.events.find((e) => e.seq > w.seq && (e.code === 1002 || e.code === -1307));
        const endSeq = end?.seq ?? p.endSeq;
        const endT = end?.t ?? p.endMs;
        if (disturbances.some((r) => r.seq > w.seq && r.seq < endSeq)) continue;
        judged++;
        const touched = log.handles.find(
          (h) =>
            (h.device === 'camera' || h.device === 'microphone') &&
            ((h.open.seq > w.seq && h.open.seq < endSeq) ||
              (h.close && h.close.seq > w.seq && h.close.seq < endSeq)),
        );
        if (touched)
          return fail(
            `${touched.key} was ${touched.open.seq > w.seq ? 'opened' : 'closed'} during the reconnection from ${w.t} to ${endT} ms`,
            {
              atMs: w.t,
              evidence: excerpt([w.record, touched.open, touched.close, end?.record]),
            },
          );
        const camera = p.events.find((e) => e.code === 1003 && e.seq > w.seq && e.seq < endSeq);
        if (camera)
          return fail(`1003 at ${camera.t} ms during the reconnection from ${w.t} ms`, {
            atMs: camera.t,
            evidence: [w.record, camera.record],
          });
      }
    }
    if (judged === 0) return notApplicable('no reconnection to judge');
    return pass(`${judged} reconnection(s) with camera and microphone left open`, {
      numbers: { reconnections: judged },
    });
  },
};

/** Checks of the `reconnect` area of docs/spec.md. */
export const RECONNECT_CHECKS: readonly Check[] = [
  attemptsThenStop,
  noReconnectStorm,
  reconnectInterval2,
  quietAfterExhaustion,
  countResets,
  reconnectRecovers,
  singleConnection,
  devicesStayOpen,
];

export { exhaustionPoint };
