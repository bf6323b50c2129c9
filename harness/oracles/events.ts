import type { TraceRecord } from '../sim/trace.js';
import { EVENT_DEADLINE_MS, MEDIA_DEADLINE_MS } from './internal/deadlines.js';
import { type DeviceHandle, deviceLog } from './internal/device-handles.js';
import { linkOutages, outageDuring } from './internal/link-outages.js';
import { mediaTimeline, uplinkCapacity } from './internal/media-timeline.js';
import { pauseSpans } from './internal/pause-spans.js';
import {
  type Attempt,
  appStateAt,
  type FailureKind,
  isCritical,
  isFailureCode,
  matchInOrder,
  type Push,
  type PusherEvent,
  type PushModel,
} from './internal/push-model.js';
import { replyDelivery } from './internal/reply-delivery.js';
import { pushModelWithGiveUps } from './internal/silent-give-up.js';
import { type WrittenFrame, writtenFrames } from './internal/write-times.js';
import {
  eventsWithCode,
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
import type { Check, Outcome } from './types.js';

/** E: the default deadline between a fact the pusher can observe and its event (docs/spec.md Conventions). */
export { EVENT_DEADLINE_MS } from './internal/deadlines.js';

const E = EVENT_DEADLINE_MS;

/** Events of `codes` in `[from, from + within]`. */
function eventsIn(events: readonly PusherEvent[], codes: (c: number) => boolean, from: number, to: number) {
  return events.filter((e) => codes(e.code) && e.t >= from && e.t <= to);
}

/** The push active at `t`, by time (start <= t < end); falls back to the last push started before. */
function pushOf(m: PushModel, t: number): Push | undefined {
  return m.pushAt(t) ?? [...m.pushes].reverse().find((p) => p.startMs <= t);
}

/** Whether the push publishes at `t` (a connection accepted by the server and not ended), or at record `seq`. */
function publishingAt(p: Push | undefined, t: number, seq?: number): boolean {
  if (!p) return false;
  return p.attempts.some((a) => {
    const c = a.connection;
    if (c?.publishStartMs === undefined || c.publishStartMs > t) return false;
    // At a record (`seq`): the connection had not ended before it in the trace.
    return seq !== undefined
      ? c.endSeq === undefined || c.endSeq > seq
      : c.endMs === undefined || c.endMs > t;
  });
}

/** How long before an encoder failure a frame may have been captured and still be the re-encoded one, ms. */
const REENCODE_WINDOW_MS = 500;

const isHeader = (r: TraceRecord) => num(r, 'avcPacketType') === 0;

/**
 * Video goes on after an encoder change at `t` (events/encoder/1, events/encoder/6): the next video frame
 * at the server is a keyframe and arrives within 2 s of `t` (or of the next 1002 when not publishing yet),
 * with no new connection in between.
 */
function videoContinues(
  trace: readonly TraceRecord[],
  m: PushModel,
  t: number,
  afterSeq: number,
): { ok: boolean; why: string; evidence: (TraceRecord | undefined)[]; skip?: string } {
  const p = pushOf(m, t);
  let from = t;
  const publishing = publishingAt(p, t);
  if (!publishing) {
    const next = p?.events.find((e) => e.code === 1002 && e.seq > afterSeq);
    if (!next) return { ok: true, why: 'the push never published afterwards', evidence: [] };
    from = next.t;
  }
  // No camera video is due while paused or in the background, and a link outage holds back what the
  // pusher writes: the next frame's arrival says nothing about the pusher then.
  const quiet = noCameraVideo(trace, m).find(
    (q) => q.why !== 'the camera disabled' && q.from <= from + MEDIA_DEADLINE_MS && q.to > t,
  );
  if (quiet) return { ok: true, why: '', evidence: [], skip: `${quiet.why} from ${quiet.from} ms` };
  const outage = outageDuring(linkOutages(trace), t, from + MEDIA_DEADLINE_MS);
  if (outage)
    return {
      ok: true,
      why: '',
      evidence: [],
      skip: `the ${outage.link} was down from ${outage.fromMs} ms to ${outage.toMs} ms`,
    };
  // Judged on the frames' capture times at the pusher (internal/write-times.ts), not their arrival: frames
  // encoded before `t` may still be queued or in flight. Scanning the frames captured from `t − W` on, a
  // keyframe must come before any non-keyframe captured at or after `t` (the failed frame itself may be
  // re-encoded as the keyframe with its earlier capture time).
  const frames = writtenFrames(trace).filter(
    (w) => w.type === 'video' && !isHeader(w.record) && w.record.seq > afterSeq && w.arrival >= from,
  );
  let next: WrittenFrame | undefined;
  for (const w of frames) {
    if (w.written < t - REENCODE_WINDOW_MS) continue;
    if (w.keyframe || w.written >= t) {
      next = w;
      break;
    }
  }
  if (!next || next.written > from + MEDIA_DEADLINE_MS)
    return {
      ok: false,
      why: `no video frame captured within ${MEDIA_DEADLINE_MS} ms of ${from} ms reached the server`,
      evidence: [next?.record],
    };
  if (!next.keyframe)
    return {
      ok: false,
      why: `the next video frame (captured at ${next.written} ms, arrived at ${next.arrival} ms) is not a keyframe`,
      evidence: [next.record],
    };
  const reconnect = publishing
    ? m.connections.find((c) => c.connect.seq > afterSeq && c.connectMs <= next.arrival)
    : undefined;
  if (reconnect)
    return {
      ok: false,
      why: `a new connection (${reconnect.conn}) was opened at ${reconnect.connectMs} ms`,
      evidence: [reconnect.connect],
    };
  return { ok: true, why: `keyframe at the server at ${next.arrival} ms`, evidence: [next.record] };
}

// ---- connection events ----------------------------------------------------------------------------

/** events/connect/1: one 1001 per established TCP connection, within E, none without one. */
export const connectSucceeded: Check = {
  requirement: 'events/connect/1',
  always: true,
  evaluate(trace) {
    const established = ofKind(trace, 'net.connected');
    const evts = eventsWithCode(trace, 1001);
    if (established.length === 0 && evts.length === 0)
      return notApplicable('no TCP connection was established');
    const unmatched = [...evts];
    for (const c of established) {
      const t = ms(c);
      const i = unmatched.findIndex((e) => e.t >= t && e.t <= t + E);
      if (i < 0) {
        return fail(`connection ${num(c, 'conn')} established at ${t} ms had no 1001 within ${E} ms`, {
          atMs: t,
          evidence: excerpt([c, ...evts.map((e) => e.record)]),
        });
      }
      unmatched.splice(i, 1);
    }
    if (unmatched.length > 0) {
      return fail(
        `${unmatched.length} 1001 event(s) without an established connection (first at ${unmatched[0].t} ms)`,
        {
          atMs: unmatched[0].t,
          evidence: excerpt([...unmatched.map((e) => e.record), ...established]),
        },
      );
    }
    return pass(`${established.length} connection(s), ${evts.length} matching 1001 event(s)`, {
      numbers: { connections: established.length, events: evts.length },
    });
  },
};

/** events/push-begin/1: one 1002 per accepted publish, within E, after the 1001; no media before it. */
export const pushBegins: Check = {
  requirement: 'events/push-begin/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const accepted = m.connections.filter(
      (c) =>
        c.publishStartMs !== undefined &&
        !(c.pusherCloseMs !== undefined && c.pusherCloseMs <= c.publishStartMs),
    );
    const begins = m.events.filter((e) => e.code === 1002);
    if (accepted.length === 0 && begins.length === 0) return notApplicable('no publish was accepted');
    const used = new Set<PusherEvent>();
    let undelivered = 0;
    for (const c of accepted) {
      const acceptedAt = c.publishStartMs as number;
      const accept = c.records.find((r) => r.kind === 'server.postPublish');
      // E runs from when the server's answer reached the pusher, not from the acceptance at the server.
      const reply = replyDelivery(c, acceptedAt);
      if (reply && 'lost' in reply) {
        // The answer never arrived (the connection died first): the pusher could not know. A 1002 it
        // emitted anyway is this connection's, not an extra one.
        const late = begins.find((b) => !used.has(b) && b.t >= acceptedAt && b.seq < (c.endSeq ?? Infinity));
        if (late) used.add(late);
        undelivered++;
        continue;
      }
      const at = reply ? reply.deliveredMs : acceptedAt;
      // The answer's arrival also bounds the acceptance: in live mode the server's records come over IPC and
      // are stamped later than the server acted, so a prompt 1002 can precede the recorded acceptance.
      const e = begins.find((b) => !used.has(b) && b.t >= Math.min(acceptedAt, at) && b.t <= at + E);
      // The push ended (stop(), a critical error) before the answer arrived, or the case did before E.
      const push = m.pushes.find((p) => p.attempts.some((a) => a.connection === c));
      if (!e && ((push && push.endMs <= at) || at + E > m.caseEndMs)) {
        undelivered++;
        continue;
      }
      if (!e)
        return fail(
          `the server accepted the publish on connection ${c.conn} at ${acceptedAt} ms${reply ? ` (its answer reached the pusher at ${at} ms)` : ''}; no 1002 within ${E} ms`,
          {
            atMs: at,
            evidence: excerpt([accept, reply?.record, ...begins.map((b) => b.record)]),
          },
        );
      used.add(e);
      const connect = m.events.find((x) => x.code === 1001 && x.t >= (c.connectedMs ?? 0) && x.seq < e.seq);
      if (!connect || (c.connectedMs !== undefined && connect.t < c.connectedMs))
        return fail(`the 1002 at ${e.t} ms of connection ${c.conn} does not follow its 1001`, {
          atMs: e.t,
          evidence: excerpt([c.connect, accept, e.record]),
        });
      const media = c.records.find((r) => r.kind === 'wire.firstMedia');
      // Live mode reads the pusher's stdout and its socket on two channels whose read order can flip by
      // a few ms (docs/live-mode.md, "Order across channels"); in simulation the order is exact.
      const skew = isLiveTrace(trace) ? LIVE_CROSS_CHANNEL_MS : 0;
      if (media && media.seq < e.seq && e.t - ms(media) > skew)
        return fail(`connection ${c.conn} wrote media at ${ms(media)} ms before its 1002 at ${e.t} ms`, {
          atMs: ms(media),
          evidence: excerpt([accept, media, e.record]),
        });
    }
    const extra = begins.filter((b) => !used.has(b));
    if (extra.length > 0)
      return fail(`${extra.length} 1002 event(s) without an accepted publish (first at ${extra[0].t} ms)`, {
        atMs: extra[0].t,
        evidence: excerpt([...extra.map((b) => b.record), ...accepted.map((c) => c.connect)]),
      });
    if (undelivered === accepted.length && accepted.length > 0)
      return indeterminate(
        `no 1002 was due for ${undelivered} accepted publish(es): the server's answer never reached the pusher, or the push or the case ended first`,
      );
    return pass(
      `${accepted.length - undelivered} accepted publish(es), each with one 1002 within ${E} ms of its answer's delivery and no earlier media${undelivered ? `; ${undelivered} not due (answer not delivered, or the push ended first)` : ''}`,
      {
        numbers: { accepted: accepted.length, events: begins.length },
      },
    );
  },
};

// ---- devices ---------------------------------------------------------------------------------------

/** events/camera/1: one 1003 per successful openCamera (none for an open that outlived its push). */
export const cameraOpened: Check = {
  requirement: 'events/camera/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const opens = deviceLog(trace).handles.filter((h) => h.device === 'camera');
    const evts = m.events.filter((e) => e.code === 1003);
    if (opens.length === 0 && evts.length === 0) return notApplicable('no camera was opened');
    const used = new Set<PusherEvent>();
    let orphans = 0;
    for (const h of opens) {
      const p = pushOf(m, h.calledAtMs);
      const orphan = !p || p.endSeq < h.open.seq;
      const e = evts.find((x) => !used.has(x) && x.seq > h.open.seq && x.t <= h.openMs + E);
      if (orphan) {
        // Only a 1003 before the next camera open is this one's (a restarted push's camera has its own).
        const nextOpen = opens.find((x) => x.open.seq > h.open.seq)?.open.seq ?? Number.POSITIVE_INFINITY;
        if (e && e.t <= h.openMs + E && e.seq < nextOpen)
          return fail(`the camera opened at ${h.openMs} ms after its push ended got a 1003 at ${e.t} ms`, {
            atMs: e.t,
            evidence: excerpt([h.open, e.record, p?.endRecord]),
          });
        if (h.closeMs === undefined || h.closeMs > h.openMs + E)
          return fail(
            `the camera opened at ${h.openMs} ms after its push ended was not closed within ${E} ms`,
            {
              atMs: h.openMs,
              evidence: excerpt([p?.endRecord, h.open, h.close]),
            },
          );
        orphans++;
        continue;
      }
      if (!e)
        return fail(`openCamera (${h.position}) succeeded at ${h.openMs} ms; no 1003 within ${E} ms`, {
          atMs: h.openMs,
          evidence: excerpt([h.open, ...evts.map((x) => x.record)]),
        });
      used.add(e);
    }
    const extra = evts.filter((e) => !used.has(e));
    if (extra.length > 0)
      return fail(
        `${extra.length} 1003 event(s) without a successful camera open (first at ${extra[0].t} ms)`,
        {
          atMs: extra[0].t,
          evidence: excerpt([...extra.map((e) => e.record), ...opens.map((h) => h.open)]),
        },
      );
    return pass(
      `${opens.length - orphans} camera open(s), each followed by one 1003 within ${E} ms${orphans ? `; ${orphans} open(s) that outlived their push closed without 1003` : ''}`,
      { numbers: { opens: opens.length, orphans, events: evts.length } },
    );
  },
};

interface DeviceFailure {
  t: number;
  seq: number;
  what: string;
  record: TraceRecord;
}

/** Failures of the camera at start/resume/foreground, or of an open camera; failed switches excluded. */
function cameraFailures(trace: readonly TraceRecord[], m: PushModel): DeviceFailure[] {
  const log = deviceLog(trace);
  const switches = m.ops.filter((o) => o.op === 'switchCamera');
  const duringSwitch = (t: number) =>
    switches.some((o) => o.callMs <= t && (o.resultMs === undefined || t <= o.resultMs));
  const out: DeviceFailure[] = [];
  for (const f of log.failedOpens) {
    if (f.device !== 'camera' || duringSwitch(f.calledAtMs) || !m.pushOfSeq(f.record.seq)) continue;
    out.push({
      t: f.t,
      seq: f.record.seq,
      what: `openCamera (${f.position}) failed: ${f.error}`,
      record: f.record,
    });
  }
  for (const h of log.handles) {
    if (h.device !== 'camera' || h.failedMs === undefined) continue;
    const r = log.faults.find((f) => ms(f) === h.failedMs && str(f, 'device') === 'camera') ?? h.open;
    if ((h.close && h.close.seq < r.seq) || !m.pushOfSeq(r.seq)) continue;
    out.push({ t: h.failedMs, seq: r.seq, what: `the open ${h.position} camera failed`, record: r });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

function microphoneFailures(trace: readonly TraceRecord[], m: PushModel): DeviceFailure[] {
  const log = deviceLog(trace);
  const out: DeviceFailure[] = [];
  for (const f of log.failedOpens) {
    if (f.device !== 'microphone') continue;
    if (!m.pushOfSeq(f.record.seq)) continue;
    out.push({ t: f.t, seq: f.record.seq, what: `openMicrophone failed: ${f.error}`, record: f.record });
  }
  for (const h of log.handles) {
    if (h.device !== 'microphone' || h.failedMs === undefined) continue;
    const r = log.faults.find((f) => ms(f) === h.failedMs && str(f, 'device') === 'microphone') ?? h.open;
    if ((h.close && h.close.seq < r.seq) || !m.pushOfSeq(r.seq)) continue;
    out.push({ t: h.failedMs, seq: r.seq, what: 'the open microphone failed', record: r });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Each failure is followed by `code` within E; `forbid` codes must not appear within E. */
function expectEvent(
  m: PushModel,
  failures: readonly DeviceFailure[],
  code: number,
  none: string,
  forbid: number[] = [],
): Outcome {
  if (failures.length === 0) return notApplicable(none);
  for (const f of failures) {
    // Only events of the failing push: a restarted push's events are its own.
    const p = m.pushOfSeq(f.seq);
    const nextSeq = p
      ? (m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY)
      : Number.POSITIVE_INFINITY;
    const e = m.events.find((x) => x.code === code && x.seq > f.seq && x.seq < nextSeq && x.t <= f.t + E);
    if (!e)
      return fail(`${f.what} at ${f.t} ms; no ${code} within ${E} ms`, {
        atMs: f.t,
        evidence: excerpt([
          f.record,
          ...m.events.filter((x) => x.t >= f.t && x.t <= f.t + E).map((x) => x.record),
        ]),
      });
    const bad = m.events.find(
      (x) => forbid.includes(x.code) && x.seq > f.seq && x.seq < nextSeq && x.t <= f.t + E,
    );
    if (bad)
      return fail(`${f.what} at ${f.t} ms; ${bad.code} was emitted (not expected for this failure)`, {
        atMs: bad.t,
        evidence: excerpt([f.record, e.record, bad.record]),
      });
  }
  return pass(`${failures.length} failure(s), each followed by ${code} within ${E} ms`, {
    numbers: { failures: failures.length },
    evidence: excerpt(failures.map((f) => f.record)),
  });
}

/** events/camera/2: -1301 within E of a camera failure (not a failed switch), no 1003 for it. */
export const cameraFailed: Check = {
  requirement: 'events/camera/2',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return expectEvent(m, cameraFailures(trace, m), -1301, 'no camera failed during a push', [1003]);
  },
};

/** events/microphone/1: -1302 within E of a microphone failure. */
export const microphoneFailed: Check = {
  requirement: 'events/microphone/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return expectEvent(m, microphoneFailures(trace, m), -1302, 'no microphone failed during a push');
  },
};

/** Video/audio encoder failures during a push. */
function encoderFailures(
  trace: readonly TraceRecord[],
  m: PushModel,
  device: 'videoEncoder' | 'audioEncoder',
  kind: string | undefined,
  unsupported: boolean | undefined,
): DeviceFailure[] {
  const log = deviceLog(trace);
  const out: DeviceFailure[] = [];
  for (const f of log.failedOpens) {
    if (f.device !== device || (kind && f.kind !== kind)) continue;
    if (unsupported !== undefined && (f.error === 'UNSUPPORTED') !== unsupported) continue;
    if (!m.pushOfSeq(f.record.seq)) continue;
    out.push({
      t: f.t,
      seq: f.record.seq,
      what: `${f.kind ?? ''} ${device} failed to open (${f.error})`,
      record: f.record,
    });
  }
  if (unsupported !== true) {
    for (const f of log.failedEncodes) {
      if (f.device !== device || (kind && f.kind !== kind) || !m.pushOfSeq(f.record.seq)) continue;
      out.push({
        t: f.t,
        seq: f.record.seq,
        what: `${f.kind ?? ''} ${device} failed to encode`,
        record: f.record,
      });
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** events/encoder/1: hardware encoder failure → 1103, software encoder, video continues (keyframe). */
export const hardwareEncoderFallback: Check = {
  requirement: 'events/encoder/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const failures = encoderFailures(trace, m, 'videoEncoder', 'hardware', false);
    if (failures.length === 0) return notApplicable('no hardware video encoder failed during a push');
    const handles = deviceLog(trace).handles;
    const skipped: string[] = [];
    for (const f of failures) {
      const warn = m.events.find((x) => x.code === 1103 && x.seq > f.seq && x.t <= f.t + E);
      if (!warn)
        return fail(`${f.what} at ${f.t} ms; no 1103 within ${E} ms`, {
          atMs: f.t,
          evidence: excerpt([f.record]),
        });
      const sw = handles.find(
        (h) => h.device === 'videoEncoder' && h.kind === 'software' && h.open.seq > f.seq,
      );
      // The software encoder was tried within E but failed to open: the fallback happened, and what
      // follows is that failure's (-1303, events/encoder/2), not this one's.
      const swFailed = deviceLog(trace).failedOpens.find(
        (x) => x.device === 'videoEncoder' && x.kind === 'software' && x.record.seq > f.seq && x.t <= f.t + E,
      );
      if (swFailed && (!sw || swFailed.record.seq < sw.open.seq)) {
        skipped.push(`${f.what} at ${f.t} ms: the software encoder failed to open at ${swFailed.t} ms`);
        continue;
      }
      if (!sw || sw.openMs > f.t + E)
        return fail(`${f.what} at ${f.t} ms; no software encoder opened within ${E} ms`, {
          atMs: f.t,
          evidence: excerpt([f.record, warn.record, sw?.open]),
        });
      // A critical error caused by this failure: within E, with no other device failure in between.
      const log = deviceLog(trace);
      const otherFailures = log.faults
        .map((r) => r.seq)
        .concat(encoderFailures(trace, m, 'videoEncoder', 'software', undefined).map((x) => x.seq))
        // Another device refusing to open (the audio encoder, a denied camera) has its own critical error.
        .concat(log.failedOpens.map((x) => x.record.seq).filter((seq) => seq !== f.seq))
        .concat(log.failedEncodes.map((x) => x.record.seq).filter((seq) => seq !== f.seq));
      const critical = m.events.find(
        (x) =>
          isCritical(x.code) &&
          x.seq > f.seq &&
          x.t <= f.t + E &&
          !otherFailures.some((s) => s > f.seq && s < x.seq),
      );
      if (critical)
        return fail(`${f.what} at ${f.t} ms was followed by the critical error ${critical.code}`, {
          atMs: critical.t,
          evidence: excerpt([f.record, warn.record, critical.record]),
        });
      const video = videoContinues(trace, m, f.t, f.seq);
      if (video.skip) {
        skipped.push(`${f.what} at ${f.t} ms: ${video.skip}`);
        continue;
      }
      if (!video.ok)
        return fail(`${f.what} at ${f.t} ms: ${video.why}`, {
          atMs: f.t,
          evidence: excerpt([f.record, warn.record, sw.open, ...video.evidence]),
        });
    }
    if (skipped.length === failures.length)
      return indeterminate(
        `1103 and a software encoder, but whether video went on cannot be judged: ${skipped.join('; ')}`,
      );
    return pass(
      `${failures.length} hardware encoder failure(s): 1103, software encoder, video went on${skipped.length ? ` (video not judged: ${skipped.join('; ')})` : ''}`,
      {
        numbers: { failures: failures.length },
        evidence: excerpt(failures.map((f) => f.record)),
      },
    );
  },
};

/** Whether a hardware video encoder failed in the push before `t`. */
function hardwareFailedBefore(trace: readonly TraceRecord[], m: PushModel, p: Push, seq: number): boolean {
  return encoderFailures(trace, m, 'videoEncoder', 'hardware', false).some(
    (f) => f.seq < seq && f.seq > p.startSeq,
  );
}

/** events/encoder/2: the software video encoder fails (no usable hardware one) → -1303 within E. */
export const softwareEncoderFailed: Check = {
  requirement: 'events/encoder/2',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const failures = encoderFailures(trace, m, 'videoEncoder', 'software', false).filter((f) => {
      const p = m.pushOfSeq(f.seq);
      return p !== undefined && hardwareFailedBefore(trace, m, p, f.seq);
    });
    return expectEvent(m, failures, -1303, 'no software video encoder failed after the hardware one');
  },
};

/** events/encoder/3: the audio encoder fails (other than UNSUPPORTED) → -1304 within E. */
export const audioEncoderFailed: Check = {
  requirement: 'events/encoder/3',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return expectEvent(
      m,
      encoderFailures(trace, m, 'audioEncoder', undefined, false),
      -1304,
      'no audio encoder failed',
    );
  },
};

/** events/encoder/4: openVideoEncoder UNSUPPORTED → -1305 within E, no 1103. */
export const unsupportedResolution: Check = {
  requirement: 'events/encoder/4',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return expectEvent(
      m,
      encoderFailures(trace, m, 'videoEncoder', undefined, true),
      -1305,
      'no video encoder refused a resolution',
      [1103],
    );
  },
};

/** events/encoder/5: openAudioEncoder UNSUPPORTED → -1306 within E, no -1304. */
export const unsupportedSampleRate: Check = {
  requirement: 'events/encoder/5',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return expectEvent(
      m,
      encoderFailures(trace, m, 'audioEncoder', undefined, true),
      -1306,
      'no audio encoder refused a sample rate',
      [-1304],
    );
  },
};

/** events/encoder/6: overload of the encoder in use → 1107 and the other kind, unless that one failed. */
export const encoderOverload: Check = {
  requirement: 'events/encoder/6',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const log = deviceLog(trace);
    const overloads = log.faults.filter((f) => {
      if (str(f, 'device') !== 'videoEncoder' || str(f, 'fault') !== 'overload') return false;
      const session = num(f, 'session');
      if (session === undefined) return false;
      const h = log.handles.find((x) => x.key === `videoEncoder:${str(f, 'kind')}:${session}`);
      return (
        h !== undefined && (h.closeMs === undefined || h.closeMs >= ms(f)) && m.pushOfSeq(f.seq) !== undefined
      );
    });
    if (overloads.length === 0) return notApplicable('no open video encoder reported overload during a push');
    let switched = 0;
    const skipped: string[] = [];
    for (const f of overloads) {
      const t = ms(f);
      const kind = str(f, 'kind');
      const other = kind === 'hardware' ? 'software' : 'hardware';
      const p = m.pushOfSeq(f.seq) as Push;
      const otherFailed = encoderFailures(trace, m, 'videoEncoder', other, undefined).some(
        (x) => x.seq < f.seq && x.seq > p.startSeq,
      );
      const warn = m.events.find((x) => x.code === 1107 && x.seq > f.seq && x.t <= t + E);
      const opened = log.handles.find(
        (h) => h.device === 'videoEncoder' && h.kind === other && h.open.seq > f.seq && h.openMs <= t + E,
      );
      if (otherFailed) {
        if (warn || opened)
          return fail(
            `${kind} encoder overloaded at ${t} ms after the ${other} one failed, yet it switched`,
            {
              atMs: t,
              evidence: excerpt([f, warn?.record, opened?.open]),
            },
          );
        continue;
      }
      if (!warn)
        return fail(`${kind} encoder overloaded at ${t} ms; no 1107 within ${E} ms`, {
          atMs: t,
          evidence: [f],
        });
      if (!opened)
        return fail(`${kind} encoder overloaded at ${t} ms; no ${other} encoder opened within ${E} ms`, {
          atMs: t,
          evidence: excerpt([f, warn.record]),
        });
      const video = videoContinues(trace, m, t, f.seq);
      if (video.skip) {
        skipped.push(`${kind} overload at ${t} ms: ${video.skip}`);
        continue;
      }
      if (!video.ok)
        return fail(`${kind} encoder overloaded at ${t} ms: ${video.why}`, {
          atMs: t,
          evidence: excerpt([f, warn.record, opened.open, ...video.evidence]),
        });
      switched++;
    }
    if (switched === 0 && skipped.length > 0)
      return indeterminate(
        `1107 and the other encoder, but whether video went on cannot be judged: ${skipped.join('; ')}`,
      );
    return pass(
      `${overloads.length} overload(s): ${switched} switched with 1107, the rest had no usable other kind${skipped.length ? ` (video not judged: ${skipped.join('; ')})` : ''}`,
      {
        numbers: { overloads: overloads.length, switched },
        evidence: excerpt(overloads),
      },
    );
  },
};

// ---- network failures ------------------------------------------------------------------------------

/** Failures of `kinds` during their push (not after it ended, not cancelled by a stop within E). */
function networkFailures(m: PushModel, kinds: readonly FailureKind[]): { push: Push; attempt: Attempt }[] {
  const out: { push: Push; attempt: Attempt }[] = [];
  for (const p of m.pushes)
    for (const a of p.attempts) {
      const f = a.failure;
      if (!f || !kinds.includes(f.kind) || f.atMs > p.endMs) continue;
      if (f.atMs === p.endMs && p.endCause !== 'exhausted' && p.endCause !== 'critical') continue;
      if (p.endCause === 'stop' && p.endMs <= f.atMs + E) continue;
      if (f.atMs + E > m.caseEndMs && !a.events.some((e) => isFailureCode(e.code))) continue;
      out.push({ push: p, attempt: a });
    }
  return out;
}

function judgeFailureCode(
  m: PushModel,
  kinds: readonly FailureKind[],
  code: number,
  forbidden: number[],
  none: string,
  deadline: (a: Attempt) => number = (a) => (a.failure?.atMs ?? 0) + E,
): Outcome {
  const list = networkFailures(m, kinds);
  if (list.length === 0) return notApplicable(none);
  for (const { attempt: a } of list) {
    const f = a.failure!;
    const codes = a.events.filter((e) => isFailureCode(e.code));
    const got = codes.find((e) => e.code === code);
    const limit = deadline(a);
    if (!got || got.t > limit || got.t < f.atMs - E)
      return fail(
        `${f.kind} failure at ${f.atMs} ms (attempt ${a.index + 1} of push ${a.push + 1}): expected ${code} by ${limit} ms, got ${codes.map((e) => `${e.code}@${e.t}`).join(', ') || 'none'}`,
        {
          atMs: f.atMs,
          evidence: excerpt([f.record, a.dnsQuery, a.connection?.connect, ...a.events.map((e) => e.record)]),
        },
      );
    const bad = codes.find((e) => forbidden.includes(e.code));
    if (bad)
      return fail(`${f.kind} failure at ${f.atMs} ms was also reported as ${bad.code}`, {
        atMs: bad.t,
        evidence: excerpt([f.record, got.record, bad.record]),
      });
  }
  return pass(`${list.length} ${kinds.join('/')} failure(s), each reported as ${code} in time`, {
    numbers: { failures: list.length },
    evidence: excerpt(list.map((x) => x.attempt.failure?.record)),
  });
}

/** events/network/1: the resolver rejects the host → 3001 within E, no connect in that attempt. */
export const dnsFailed: Check = {
  requirement: 'events/network/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const outcome = judgeFailureCode(m, ['dns'], 3001, [3002, 3003, 3004, 3005], 'no DNS resolution failed');
    if (outcome.status !== 'pass') return outcome;
    const connected = networkFailures(m, ['dns']).find((x) => x.attempt.connection);
    if (connected)
      return fail(`attempt ${connected.attempt.index + 1} connected after its DNS failure`, {
        atMs: connected.attempt.connection?.connectMs,
        evidence: excerpt([connected.attempt.dnsAnswer, connected.attempt.connection?.connect]),
      });
    return outcome;
  },
};

/** events/network/2: a refused/unreachable connect → 3002 within E; an unanswered one → 3002 by 11 s. */
export const connectFailed: Check = {
  requirement: 'events/network/2',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return judgeFailureCode(
      m,
      ['connect', 'connect-timeout'],
      3002,
      [3001, 3003, 3004, 3005],
      'no TCP connect failed',
      (a) =>
        a.failure?.kind === 'connect-timeout'
          ? (a.connection?.connectMs ?? 0) + 10_000 + E
          : (a.failure?.atMs ?? 0) + E,
    );
  },
};

/** events/network/3: a failure before S2 → 3003 within E (10 s handshake timeout), no 3004/3005. */
export const handshakeFailed: Check = {
  requirement: 'events/network/3',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    return judgeFailureCode(
      m,
      ['handshake', 'handshake-timeout'],
      3003,
      [3004, 3005],
      'no RTMP handshake failed',
      (a) =>
        a.failure?.kind === 'handshake-timeout'
          ? (a.connection?.c0c1Ms ?? a.connection?.connectedMs ?? 0) + 10_000 + E
          : (a.failure?.atMs ?? 0) + E,
    );
  },
};

/** events/network/4: an orderly close by the server after the handshake → 3004 within E, not 3005. */
export const serverClosed: Check = {
  requirement: 'events/network/4',
  evaluate(trace) {
    return judgeFailureCode(
      pushModelWithGiveUps(trace),
      ['server-close'],
      3004,
      [3005, 3003],
      'the server closed no connection',
    );
  },
};

/** events/network/5: a socket error after the handshake → 3005 within E, not 3004. */
export const socketFailed: Check = {
  requirement: 'events/network/5',
  evaluate(trace) {
    return judgeFailureCode(
      pushModelWithGiveUps(trace),
      ['socket'],
      3005,
      [3004, 3003],
      'no socket failed after the handshake',
    );
  },
};

// ---- reconnection events ---------------------------------------------------------------------------

/** events/reconnect/1: one 1102 before each reconnection attempt, after the previous failure. */
export const reconnectAnnounced: Check = {
  requirement: 'events/reconnect/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    let reconnections = 0;
    let announced = 0;
    for (const p of m.pushes) {
      const all1102 = p.events.filter((e) => e.code === 1102);
      announced += all1102.length;
      const recon = p.attempts.filter((a) => a.reconnection);
      reconnections += recon.length;
      for (const a of recon) {
        const prev = p.attempts[a.index - 1];
        const failCode = prev.events.find((e) => isFailureCode(e.code));
        const after = failCode?.seq ?? -1;
        const warn = prev.events.find((e) => e.code === 1102 && e.seq > after);
        if (!warn)
          return fail(
            `reconnection attempt at ${a.startMs} ms (push ${p.index + 1}) had no 1102 after the previous failure`,
            {
              atMs: a.startMs,
              evidence: excerpt([
                prev.failure?.record,
                ...prev.events.map((e) => e.record),
                a.dnsQuery ?? a.connection?.connect,
              ]),
            },
          );
      }
      const lastStart = p.attempts[p.attempts.length - 1]?.startSeq ?? p.startSeq;
      const pending = all1102.filter((e) => e.seq > lastStart);
      const ok =
        all1102.length === recon.length ||
        (all1102.length === recon.length + 1 &&
          pending.length === 1 &&
          (p.endCause === 'stop' ||
            p.endCause === 'case-end' ||
            p.endCause === 'url-change' ||
            // A critical error (a device failed) ended the push during the interval before the retry.
            p.endCause === 'critical'));
      if (!ok)
        return fail(
          `push ${p.index + 1} emitted ${all1102.length} 1102 event(s) for ${recon.length} reconnection attempt(s)`,
          {
            atMs: all1102[0]?.t,
            evidence: excerpt([
              ...all1102.map((e) => e.record),
              ...p.attempts.map((a) => a.dnsQuery ?? a.connection?.connect),
            ]),
          },
        );
    }
    if (reconnections === 0 && announced === 0) return notApplicable('no reconnection happened');
    return pass(
      `${reconnections} reconnection attempt(s), ${announced} 1102 event(s), each before its attempt`,
      {
        numbers: { reconnections, announced },
      },
    );
  },
};

/** events/reconnect/2: every 3001..3005 is followed within E by exactly one 1102 or -1307, nothing between. */
export const failureFollowedByRetry: Check = {
  requirement: 'events/reconnect/2',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    let judged = 0;
    for (const p of m.pushes) {
      const codes = p.events.filter((e) => isFailureCode(e.code) && e.seq < p.endSeq);
      for (const c of codes) {
        const stoppedAt = p.endCause === 'stop' && p.endMs <= c.t + E ? p.endSeq : Number.POSITIVE_INFINITY;
        const next = p.events.find((e) => e.seq > c.seq);
        if (next && next.seq > stoppedAt) continue;
        if (!next) {
          if (stoppedAt !== Number.POSITIVE_INFINITY || c.t + E > m.caseEndMs) continue;
          return fail(`${c.code} at ${c.t} ms was followed by neither 1102 nor -1307`, {
            atMs: c.t,
            evidence: [c.record],
          });
        }
        judged++;
        if ((next.code !== 1102 && next.code !== -1307) || next.t > c.t + E)
          return fail(
            `${c.code} at ${c.t} ms was followed by ${next.code} at ${next.t} ms (expected 1102 or -1307 within ${E} ms)`,
            {
              atMs: c.t,
              evidence: excerpt([c.record, next.record]),
            },
          );
        const second = p.events.find(
          (e) =>
            e.seq > next.seq &&
            (e.code === 1102 || e.code === -1307) &&
            e.t <= c.t + E &&
            !isFailureCode(e.code),
        );
        const between =
          second && !p.events.some((e) => e.seq > next.seq && e.seq < second.seq && isFailureCode(e.code));
        if (second && between)
          return fail(`${c.code} at ${c.t} ms was followed by both ${next.code} and ${second.code}`, {
            atMs: c.t,
            evidence: excerpt([c.record, next.record, second.record]),
          });
      }
    }
    if (judged === 0) return notApplicable('no failure code was emitted during a push');
    return pass(`${judged} failure code(s), each followed by one 1102 or -1307 within ${E} ms`, {
      numbers: { judged },
    });
  },
};

/**
 * Failed reconnection attempts since the last 1002 (or the push's start), in order: the attempt whose
 * failure makes the count reach N is where -1307 is due.
 */
export function exhaustionPoint(
  p: Push,
  n: number,
): { attempt?: Attempt; failureCode?: PusherEvent; counted: Attempt[] } {
  let counted: Attempt[] = [];
  for (const a of p.attempts) {
    if (a.events.some((e) => e.code === 1002)) {
      counted = [];
      continue;
    }
    if (!a.reconnection || !a.failure || a.failure.atMs >= p.endMs + (p.endCause === 'exhausted' ? 1 : 0))
      continue;
    counted.push(a);
    if (counted.length === n)
      return { attempt: a, failureCode: a.events.find((e) => isFailureCode(e.code)), counted };
  }
  return { counted };
}

/** events/reconnect/3: -1307 once per push, within E of the N-th failed reconnection's code, never earlier. */
export const reconnectExhausted: Check = {
  requirement: 'events/reconnect/3',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const n = profileValue(trace, 'reconnectAttempts') ?? 3;
    let judged = 0;
    for (const p of m.pushes) {
      const ends = p.events.filter((e) => e.code === -1307);
      if (ends.length > 1)
        return fail(`push ${p.index + 1} emitted -1307 ${ends.length} times`, {
          atMs: ends[1].t,
          evidence: excerpt(ends.map((e) => e.record)),
        });
      const due = exhaustionPoint(p, n);
      const end = ends[0];
      if (!due.attempt) {
        if (end)
          return fail(
            `-1307 at ${end.t} ms after only ${due.counted.length} failed reconnection attempt(s) since the last 1002 (N = ${n})`,
            { atMs: end.t, evidence: excerpt([...p.attempts.map((a) => a.failure?.record), end.record]) },
          );
        continue;
      }
      judged++;
      const ref = due.failureCode?.t ?? due.attempt.failure!.atMs;
      const refSeq = due.failureCode?.seq ?? -1;
      if (!end) {
        if ((p.endCause === 'stop' || p.endCause === 'case-end') && p.endMs <= ref + E) continue;
        return fail(`the ${n}-th failed reconnection (code at ${ref} ms) was not followed by -1307`, {
          atMs: ref,
          evidence: excerpt([due.attempt.failure?.record, ...due.attempt.events.map((e) => e.record)]),
        });
      }
      if (end.seq < refSeq || end.t > ref + E)
        return fail(
          `-1307 at ${end.t} ms; the ${n}-th failed reconnection's code was at ${ref} ms (deadline ${E} ms)`,
          {
            atMs: end.t,
            evidence: excerpt([due.failureCode?.record, end.record]),
          },
        );
    }
    const any = m.events.some((e) => e.code === -1307);
    if (judged === 0 && !any) return notApplicable(`no push reached ${n} failed reconnection attempts`);
    return pass(`-1307 once, within ${E} ms of the ${n}-th failed reconnection, in ${judged} push(es)`, {
      numbers: { pushes: judged, n },
    });
  },
};

// ---- congestion warnings ---------------------------------------------------------------------------

interface PoorInterval {
  from: number;
  to: number;
  minBitrate: number;
}

/** A span in which the pusher pushes no camera video (its rate need not reach min-bitrate), ms. */
interface QuietSpan {
  from: number;
  to: number;
  why: string;
}

/**
 * Where the pusher is not pushing camera video: paused (pause() to resume()), in the background (a waiting
 * image or nothing), or with the camera disabled (`enable-camera` false: black frames below min-bitrate).
 * There min-bitrate is not what the pusher needs to carry, so "even min-bitrate does not fit" says nothing
 * (events/net-busy/1, /2).
 */
function noCameraVideo(trace: readonly TraceRecord[], m: PushModel): QuietSpan[] {
  const out: QuietSpan[] = pauseSpans(trace).map((p) => ({ from: p.fromMs, to: p.toMs, why: 'paused' }));
  let bg: number | undefined;
  for (const r of ofKind(trace, 'app.state')) {
    const state = str(r, 'state');
    if (state === 'background' && bg === undefined) bg = ms(r);
    else if (state !== 'background' && bg !== undefined) {
      out.push({ from: bg, to: ms(r), why: 'in the background' });
      bg = undefined;
    }
  }
  if (bg !== undefined) out.push({ from: bg, to: Number.POSITIVE_INFINITY, why: 'in the background' });
  let off: number | undefined;
  for (const c of m.attributes.changes) {
    if (!c.after.enableCamera && off === undefined) off = c.t;
    else if (c.after.enableCamera && off !== undefined) {
      out.push({ from: off, to: c.t, why: 'the camera disabled' });
      off = undefined;
    }
  }
  if (off !== undefined) out.push({ from: off, to: Number.POSITIVE_INFINITY, why: 'the camera disabled' });
  return out;
}

/**
 * Publishing intervals where `V(t) = C(t) − A < factor x min-bitrate` holds (A: the received audio rate
 * over the publishing interval). `undefined` when the capacity is unknown somewhere in a publishing interval.
 */
function capacityIntervals(
  trace: readonly TraceRecord[],
  m: PushModel,
  predicate: (v: number, min: number) => boolean,
  quiet: readonly QuietSpan[] = [],
): PoorInterval[] | undefined {
  const capacity = uplinkCapacity(trace);
  const media = mediaTimeline(trace);
  const link = ofKind(trace, 'net.link').find((r) => str(r, 'link') === 'uplink');
  const segments = (link?.data.segments as { atUs?: number }[] | undefined) ?? [];
  const boundaries = [
    ...segments.map((s) => (typeof s.atUs === 'number' ? s.atUs / 1000 : 0)),
    ...m.attributes.changes.map((c) => c.t),
    ...quiet.flatMap((q) => [q.from, q.to]),
  ];
  const out: PoorInterval[] = [];
  for (const c of m.connections) {
    if (c.publishStartMs === undefined) continue;
    const from = c.publishStartMs;
    const to = c.endMs ?? m.caseEndMs;
    if (to <= from) continue;
    const audio = media.audio.filter((g) => g.t >= from && g.t < to).reduce((s, g) => s + g.size, 0);
    const a = (8 * audio) / (to - from);
    const cuts = [from, ...boundaries.filter((b) => b > from && b < to), to].sort((x, y) => x - y);
    for (let i = 0; i + 1 < cuts.length; i++) {
      if (quiet.some((q) => q.from <= cuts[i] && cuts[i] < q.to)) continue;
      const c0 = capacity(cuts[i]);
      if (c0 === undefined) return undefined;
      const min = m.attributes.at(cuts[i]).minBitrate;
      if (!predicate(c0 - a, min)) continue;
      const last = out[out.length - 1];
      if (last && last.to === cuts[i]) last.to = cuts[i + 1];
      else out.push({ from: cuts[i], to: cuts[i + 1], minBitrate: min });
    }
  }
  return out;
}

/** events/net-busy/1: V < 0.9 x min-bitrate for 10 s while publishing → a 1101 within those 10 s. */
export const netBusyWarned: Check = {
  requirement: 'events/net-busy/1',
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const quiet = noCameraVideo(trace, m);
    const poor = capacityIntervals(trace, m, (v, min) => v < 0.9 * min, quiet);
    if (poor === undefined) return indeterminate('the uplink capacity is not known while publishing');
    const long = poor.filter((p) => p.to - p.from >= 10_000);
    if (long.length === 0) {
      const all = capacityIntervals(trace, m, (v, min) => v < 0.9 * min) ?? [];
      if (all.some((p) => p.to - p.from >= 10_000))
        return indeterminate(
          `the capacity stayed below 0.9 x min-bitrate for 10 s only while no camera video was pushed (${[...new Set(quiet.map((q) => q.why))].join(', ')})`,
        );
      return notApplicable('the capacity never stayed below 0.9 x min-bitrate for 10 s while publishing');
    }
    for (const p of long) {
      const warn = m.events.find((e) => e.code === 1101 && e.t >= p.from && e.t <= p.from + 10_000);
      if (!warn)
        return fail(
          `V < 0.9 x ${p.minBitrate} kbit/s from ${p.from} ms to ${p.to} ms; no 1101 by ${p.from + 10_000} ms`,
          {
            atMs: p.from,
            numbers: { from: p.from, to: p.to },
            evidence: excerpt(m.events.filter((e) => e.code === 1101).map((e) => e.record)),
          },
        );
    }
    return pass(`${long.length} poor-network interval(s) of 10 s or more, each warned by 1101 in time`, {
      numbers: { intervals: long.length },
    });
  },
};

/** events/net-busy/2: 1101 at least 9.5 s apart, at most 20 s apart while the network stays poor. */
export const netBusyPace: Check = {
  requirement: 'events/net-busy/2',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const warns = m.events.filter((e) => e.code === 1101);
    for (let i = 1; i < warns.length; i++) {
      const gap = warns[i].t - warns[i - 1].t;
      if (gap < 9_500)
        return fail(
          `1101 at ${warns[i - 1].t} ms and again at ${warns[i].t} ms (${gap} ms apart, expected >= 9500)`,
          {
            atMs: warns[i].t,
            numbers: { gapMs: gap },
            evidence: [warns[i - 1].record, warns[i].record],
          },
        );
    }
    const poor = capacityIntervals(trace, m, (v, min) => v < 0.9 * min, noCameraVideo(trace, m)) ?? [];
    let judged = 0;
    for (const p of poor) {
      const inside = warns.filter((e) => e.t >= p.from && e.t <= p.to);
      if (inside.length === 0) continue;
      judged++;
      const points = [...inside.map((e) => e.t), p.to];
      for (let i = 1; i < points.length; i++) {
        if (points[i] - points[i - 1] > 20_000)
          return fail(
            `while the network stayed poor (${p.from}..${p.to} ms), no 1101 between ${points[i - 1]} and ${points[i]} ms`,
            {
              atMs: points[i - 1],
              numbers: { gapMs: points[i] - points[i - 1] },
              evidence: excerpt(inside.map((e) => e.record)),
            },
          );
      }
    }
    if (warns.length < 2 && judged === 0) return notApplicable('fewer than two 1101 events');
    return pass(`${warns.length} 1101 event(s), paced 9.5..20 s`, { numbers: { warnings: warns.length } });
  },
};

/** events/net-busy/3: no 1101 while V >= 1.5 x min-bitrate has held for the preceding 10 s. */
export const noFalseNetBusy: Check = {
  requirement: 'events/net-busy/3',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const good = capacityIntervals(trace, m, (v, min) => v >= 1.5 * min);
    const warns = m.events.filter((e) => e.code === 1101);
    if (good === undefined)
      return warns.length ? indeterminate('the uplink capacity is not known') : notApplicable('no 1101');
    const faulted = m.connections.some((c) => c.fault !== 'none');
    let judged = 0;
    for (const w of warns) {
      const g = good.find((p) => p.from <= w.t - 10_000 && w.t <= p.to);
      if (!g || faulted) continue;
      judged++;
      return fail(`1101 at ${w.t} ms although V >= 1.5 x ${g.minBitrate} kbit/s since ${g.from} ms`, {
        atMs: w.t,
        evidence: [w.record],
      });
    }
    const goodTime = good.reduce((s, p) => s + Math.max(0, p.to - p.from - 10_000), 0);
    if (goodTime <= 0 && judged === 0)
      return notApplicable('the network was never good for 10 s while publishing');
    return pass(`no 1101 during ${Math.round(goodTime)} ms of good network`, {
      numbers: { goodMs: goodTime },
    });
  },
};

// ---- critical errors and order ----------------------------------------------------------------------

/** events/critical/1: after -1301..-1306 everything is closed within E; nothing follows until start(). */
export const criticalEndsPush: Check = {
  requirement: 'events/critical/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const log = deviceLog(trace);
    const ended = m.pushes.filter((p) => p.endCause === 'critical');
    if (ended.length === 0) return notApplicable('no critical error');
    for (const p of ended) {
      const t = p.endMs;
      const next = m.pushes[p.index + 1];
      const nextSeq = next?.startSeq ?? Number.POSITIVE_INFINITY;
      const leak = log.handles.find((h: DeviceHandle) => {
        if (h.open.seq >= nextSeq) return false;
        if (h.close && h.close.seq < p.endSeq) return false;
        return h.closeMs === undefined || h.closeMs > Math.max(t, h.openMs) + E;
      });
      if (leak)
        return fail(
          `${leak.key} still open ${E} ms after the critical error ${num(p.endRecord, 'code')} at ${t} ms`,
          {
            atMs: t,
            evidence: excerpt([p.endRecord, leak.open, leak.close]),
          },
        );
      const open = m.connections.find(
        (c) => c.connect.seq < p.endSeq && (c.endMs === undefined || c.endMs > t + E),
      );
      if (open)
        return fail(`connection ${open.conn} still open ${E} ms after the critical error at ${t} ms`, {
          atMs: t,
          evidence: excerpt([p.endRecord, open.connect]),
        });
      const attempt = trace.find(
        (r) =>
          r.seq > p.endSeq &&
          r.seq < nextSeq &&
          (r.kind === 'net.connect' || (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns')),
      );
      if (attempt)
        return fail(`network activity at ${ms(attempt)} ms after the critical error at ${t} ms`, {
          atMs: ms(attempt),
          evidence: [p.endRecord, attempt],
        });
      const later = m.events.find((e) => e.seq > p.endSeq && e.seq < nextSeq);
      if (later)
        return fail(`event ${later.code} at ${later.t} ms after the critical error at ${t} ms`, {
          atMs: later.t,
          evidence: [p.endRecord, later.record],
        });
    }
    return pass(`${ended.length} critical error(s): devices and connection closed, nothing followed`, {
      numbers: { critical: ended.length },
      evidence: excerpt(ended.map((p) => p.endRecord)),
    });
  },
};

/** events/order/1: camera and microphone open before the first network activity; none after a failed open. */
export const devicesBeforeNetwork: Check = {
  requirement: 'events/order/1',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    const log = deviceLog(trace);
    const app = appStateAt(trace);
    let judged = 0;
    for (const p of m.pushes) {
      if (p.startCause === 'url-change') continue;
      const first = p.attempts[0];
      const firstNet = first ? (first.dnsQuery ?? first.connection?.connect) : undefined;
      const firstNetSeq = firstNet?.seq ?? Number.POSITIVE_INFINITY;
      const failed = log.failedOpens.find(
        (f) =>
          (f.device === 'camera' || f.device === 'microphone') &&
          f.calledAtMs >= p.startMs &&
          f.record.seq < firstNetSeq &&
          f.record.seq < p.endSeq + 1,
      );
      if (failed) {
        judged++;
        if (first)
          return fail(
            `${failed.device} failed to open at ${failed.t} ms, yet the push went to the network at ${ms(firstNet!)} ms`,
            {
              atMs: ms(firstNet!),
              evidence: excerpt([failed.record, firstNet]),
            },
          );
        continue;
      }
      if (!firstNet) continue;
      judged++;
      const late = log.handles.find(
        (h) =>
          (h.device === 'camera' || h.device === 'microphone') &&
          h.calledAtMs >= p.startMs &&
          h.calledAtMs <= ms(firstNet) &&
          h.open.seq > firstNetSeq,
      );
      if (late)
        return fail(
          `${late.key} was asked for at ${late.calledAtMs} ms but settled at ${late.openMs} ms, after the first network activity at ${ms(firstNet)} ms`,
          {
            atMs: ms(firstNet),
            evidence: excerpt([late.open, firstNet]),
          },
        );
      const a = m.attributes.at(p.startMs);
      if (a.enableCamera && app(p.startMs) === 'foreground') {
        const connected = p.events.find((e) => e.code === 1001);
        const camera = p.events.find((e) => e.code === 1003);
        if (connected && (!camera || camera.seq > connected.seq))
          return fail(`push ${p.index + 1}: 1001 at ${connected.t} ms came before any 1003`, {
            atMs: connected.t,
            evidence: excerpt([connected.record, camera?.record, firstNet]),
          });
      }
    }
    if (judged === 0) return notApplicable('no push went to the network or failed to open its devices');
    return pass(`${judged} push(es): devices settled before the network`, { numbers: { pushes: judged } });
  },
};

/** The lifecycle grammar of one attempt (events/order/2). */
const ATTEMPT_GRAMMAR =
  /^(?:(?:3001|3002|1001 300[345]|1001 1002 300[45])(?: (?:1102|-1307))?|1001|1001 1002)?$/;

/** events/order/2: per attempt, `[3001] | 1001 [3003|3004|3005] | 1001 1002 [3004|3005]`, then 1102/-1307. */
export const attemptEventOrder: Check = {
  requirement: 'events/order/2',
  always: true,
  evaluate(trace) {
    const m = pushModelWithGiveUps(trace);
    let judged = 0;
    for (const p of m.pushes)
      for (const a of p.attempts) {
        judged++;
        const tokens = a.events.map((e) => e.code).join(' ');
        if (!ATTEMPT_GRAMMAR.test(tokens))
          return fail(
            `attempt ${a.index + 1} of push ${p.index + 1} (at ${a.startMs} ms) emitted "${tokens}"`,
            {
              atMs: a.startMs,
              expected: '[3001] | [3002] | 1001 [3003|3004|3005] | 1001 1002 [3004|3005], then 1102 or -1307',
              actual: tokens,
              evidence: excerpt([a.dnsQuery, a.connection?.connect, ...a.events.map((e) => e.record)]),
            },
          );
        const codes = a.events.filter((e) => isFailureCode(e.code));
        const f = a.failure;
        const counts =
          f &&
          (f.atMs < p.endMs || (f.atMs === p.endMs && p.endCause === 'exhausted')) &&
          !(p.endCause === 'stop' && p.endMs <= f.atMs + E) &&
          f.atMs + E <= m.caseEndMs;
        if (counts && codes.length !== 1)
          return fail(
            `the ${f.kind} failure at ${f.atMs} ms of attempt ${a.index + 1} yielded ${codes.length} failure codes`,
            {
              atMs: f.atMs,
              evidence: excerpt([f.record, ...a.events.map((e) => e.record)]),
            },
          );
        if (!f && codes.length > 0)
          return fail(`${codes[0].code} at ${codes[0].t} ms but the connection did not fail`, {
            atMs: codes[0].t,
            evidence: excerpt([a.connection?.connect, ...codes.map((e) => e.record)]),
          });
      }
    if (judged === 0) return notApplicable('no connection attempt');
    return pass(`${judged} attempt(s), each with a well-formed event sequence`, {
      numbers: { attempts: judged },
    });
  },
};

export const EVENT_CHECKS: readonly Check[] = [
  connectSucceeded,
  pushBegins,
  cameraOpened,
  cameraFailed,
  microphoneFailed,
  hardwareEncoderFallback,
  softwareEncoderFailed,
  audioEncoderFailed,
  unsupportedResolution,
  unsupportedSampleRate,
  encoderOverload,
  dnsFailed,
  connectFailed,
  handshakeFailed,
  serverClosed,
  socketFailed,
  reconnectAnnounced,
  failureFollowedByRetry,
  reconnectExhausted,
  netBusyWarned,
  netBusyPace,
  noFalseNetBusy,
  criticalEndsPush,
  devicesBeforeNetwork,
  attemptEventOrder,
];

export { eventsIn, matchInOrder, publishingAt, pushOf, videoContinues };

/** Largest read-order flip between a live pusher's stdout and its sockets that is not judged (ms). */
export const LIVE_CROSS_CHANNEL_MS = 50;

function isLiveTrace(trace: readonly TraceRecord[]): boolean {
  return trace.some((r) => r.kind === 'live.timing');
}
