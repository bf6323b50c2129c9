import { EVENT_DEADLINE_MS } from './internal/deadlines.js';
import { type DeviceHandle, deviceLog, encoderTargets } from './internal/device-handles.js';
import { mediaTimeline } from './internal/media-timeline.js';
import { appStateAt, pushModel } from './internal/push-model.js';
import { excerpt, fail, notApplicable, ofKind, pass, str } from './trace-query.js';
import type { Check } from './types.js';

const E = EVENT_DEADLINE_MS;

/** devices/camera/1: the first camera is the front one, unless switchCamera() was called an odd number of times. */
export const frontCameraFirst: Check = {
  requirement: 'devices/camera/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const opens = [
      ...log.handles
        .filter((h) => h.device === 'camera')
        .map((h) => ({ seq: h.open.seq, calledAt: h.calledAtMs, position: h.position, record: h.open })),
      ...log.failedOpens
        .filter((f) => f.device === 'camera')
        .map((f) => ({ seq: f.record.seq, calledAt: f.calledAtMs, position: f.position, record: f.record })),
    ].sort((a, b) => a.seq - b.seq);
    const first = opens[0];
    if (!first) return notApplicable('no camera was opened');
    const switches = m.ops.filter((o) => o.op === 'switchCamera' && o.callMs < first.calledAt);
    const expected = switches.length % 2 === 0 ? 'front' : 'back';
    if (first.position !== expected)
      return fail(
        `the first openCamera used ${first.position} after ${switches.length} switchCamera() call(s) (expected ${expected})`,
        {
          atMs: first.calledAt,
          evidence: excerpt([...switches.map((o) => o.call), first.record]),
        },
      );
    return pass(`the first camera opened was ${expected} (${switches.length} switch(es) before it)`);
  },
};

/** devices/camera/2: never two cameras open, except for at most E during a switchCamera(). */
export const oneCameraAtATime: Check = {
  requirement: 'devices/camera/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const cams = deviceLog(trace).handles.filter((h) => h.device === 'camera');
    if (cams.length < 2) return notApplicable('fewer than two camera opens');
    const close = (h: DeviceHandle) => h.closeMs ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < cams.length; i++)
      for (let j = i + 1; j < cams.length; j++) {
        const a = cams[i];
        const b = cams[j];
        const from = Math.max(a.openMs, b.openMs);
        const to = Math.min(close(a), close(b));
        const closeSeq = (h: DeviceHandle) => h.close?.seq ?? Number.POSITIVE_INFINITY;
        if (!(a.open.seq < closeSeq(b) && b.open.seq < closeSeq(a))) continue;
        const later = a.openMs >= b.openMs ? a : b;
        const inSwitch = m.ops.some(
          (o) =>
            o.op === 'switchCamera' &&
            o.callMs <= later.calledAtMs &&
            (o.resultMs === undefined || later.openMs <= o.resultMs),
        );
        if (!inSwitch || to - from > E)
          return fail(
            `${a.key} and ${b.key} were both open from ${from} to ${Number.isFinite(to) ? `${to} ms` : 'the end'}${inSwitch ? ` (more than ${E} ms)` : ' outside a switchCamera()'}`,
            {
              atMs: from,
              evidence: excerpt([a.open, b.open, a.close, b.close]),
            },
          );
      }
    return pass(`${cams.length} camera opens, never two at a time beyond a switch`);
  },
};

/** devices/release/1: every handle is closed within E after stop(), -1307, a critical error or dispose(). */
export const devicesReleased: Check = {
  requirement: 'devices/release/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    if (log.handles.length === 0) return notApplicable('no device was opened');
    for (const p of m.pushes) {
      if (p.endCause === 'url-change') continue;
      const nextSeq = m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY;
      const leak = log.handles.find(
        (h) =>
          h.open.seq < nextSeq &&
          h.open.seq > p.startSeq - 1 &&
          !(h.close && h.close.seq < p.endSeq) &&
          (h.closeMs === undefined || h.closeMs > Math.max(p.endMs, h.openMs) + E),
      );
      if (leak)
        return fail(`${leak.key} still open ${E} ms after the push ended (${p.endCause}) at ${p.endMs} ms`, {
          atMs: p.endMs,
          evidence: excerpt([p.endRecord, leak.open, leak.close]),
        });
    }
    const left = log.handles.find((h) => h.closeMs === undefined);
    if (left)
      return fail(`${left.key} (opened at ${left.openMs} ms) was never closed`, {
        atMs: left.openMs,
        evidence: [left.open],
      });
    return pass(`${log.handles.length} handle(s), all released within ${E} ms of the end of their push`, {
      numbers: { handles: log.handles.length },
    });
  },
};

/** Video encoder opens (ok or failed) in trace order: `{seq, kind, record}`. */
function encoderOpens(trace: Parameters<Check['evaluate']>[0]) {
  return ofKind(trace, 'device.call')
    .filter((r) => str(r, 'method') === 'openVideoEncoder')
    .map((r) => ({
      seq: r.seq,
      kind: str(r, 'kind') ?? String((r.data.args as { kind?: string })?.kind),
      record: r,
    }));
}

/** devices/encoder/1: the first openVideoEncoder of a push asks for hardware. */
export const hardwareFirst: Check = {
  requirement: 'devices/encoder/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const opens = encoderOpens(trace);
    let judged = 0;
    for (const p of m.pushes) {
      const first = opens.find((o) => o.seq > p.startSeq - 1 && o.seq < p.endSeq);
      if (!first) continue;
      judged++;
      if (first.kind !== 'hardware')
        return fail(`the first video encoder of push ${p.index + 1} was ${first.kind}`, {
          evidence: [p.startRecord, first.record],
        });
    }
    if (judged === 0) return notApplicable('no video encoder was opened in a push');
    return pass(`${judged} push(es) opened a hardware encoder first`);
  },
};

/** devices/encoder/2: after a 1103, no hardware encoder until the next start(). */
export const noHardwareRetry: Check = {
  requirement: 'devices/encoder/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const opens = encoderOpens(trace);
    const warns = m.events.filter((e) => e.code === 1103);
    if (warns.length === 0) return notApplicable('no 1103');
    for (const w of warns) {
      const p = m.pushes.find((x) => x.startSeq < w.seq && w.seq <= x.endSeq + 1) ?? m.pushAt(w.t);
      const nextSeq = p
        ? (m.pushes[p.index + 1]?.startSeq ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
      const retry = opens.find((o) => o.seq > w.seq && o.seq < nextSeq && o.kind === 'hardware');
      if (retry)
        return fail(
          `hardware encoder opened again at ${retry.record.t / 1000} ms after the 1103 at ${w.t} ms`,
          {
            atMs: retry.record.t / 1000,
            evidence: [w.record, retry.record],
          },
        );
    }
    return pass(`${warns.length} 1103: no hardware encoder until the next start()`);
  },
};

/** devices/encoder/3: every AVC sequence header matches its encoder's size, target within the bounds. */
export const encoderMatchesStream: Check = {
  requirement: 'devices/encoder/3',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const targets = encoderTargets(trace);
    const app = appStateAt(trace);
    const encoders = log.handles.filter((h) => h.device === 'videoEncoder');
    if (media.videoConfigs.length === 0) return notApplicable('no AVC sequence header reached the server');
    // Headers arrive in the order their encoders produced them, possibly late on a congested link: match
    // each to the first encoder, from the previous header's on, opened before it arrived with its size.
    let from = 0;
    for (const c of media.videoConfigs) {
      const seq = c.tag?.record.seq ?? c.record.seq;
      const opened = encoders.filter((h, i) => i >= from && h.open.seq < seq);
      if (opened.length === 0)
        return fail(`sequence header at ${c.t} ms with no video encoder opened before it`, {
          atMs: c.t,
          evidence: [c.record],
        });
      const enc = opened.find((h) => h.args.width === c.width && h.args.height === c.height);
      if (!enc) {
        const last = opened[opened.length - 1];
        return fail(
          `sequence header ${c.width}x${c.height} at ${c.t} ms; the encoder (${last.key}) was opened for ${last.args.width}x${last.args.height}`,
          {
            atMs: c.t,
            evidence: [last.open, c.tag?.record ?? c.record],
          },
        );
      }
      from = encoders.indexOf(enc);
      const a = m.attributes.at(c.t);
      const special = app(c.t) !== 'foreground' || !a.enableCamera || log.openAt(c.t, 'camera').length === 0;
      if (special) continue;
      const target = [...targets].reverse().find((x) => x.key === enc.key && x.record.seq < seq);
      const before = m.attributes.at(c.t - E);
      const lo = Math.min(a.minBitrate, before.minBitrate);
      const hi = Math.max(a.maxBitrate, before.maxBitrate);
      if (target && (target.kbps < lo || target.kbps > hi))
        return fail(
          `the encoder of the sequence header at ${c.t} ms targets ${target.kbps} kbit/s, outside [${lo}, ${hi}]`,
          {
            atMs: c.t,
            evidence: [target.record, c.record],
          },
        );
    }
    return pass(
      `${media.videoConfigs.length} sequence header(s), each matching its encoder's size and bounds`,
    );
  },
};

/** devices/microphone/1: audio from a microphone session is labelled with that session's rate and channels. */
export const microphoneMatchesTrack: Check = {
  requirement: 'devices/microphone/1',
  always: true,
  evaluate(trace) {
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const mics = log.handles.filter((h) => h.device === 'microphone');
    if (mics.length === 0 || media.audioConfigs.length === 0)
      return notApplicable('no microphone audio at the server');
    let judged = 0;
    for (const h of mics) {
      const from = h.openMs + 200;
      const to = h.closeMs ?? Number.POSITIVE_INFINITY;
      for (const f of media.audioFrames) {
        if (f.t < from || f.t >= to) continue;
        const config = [...media.audioConfigs]
          .reverse()
          .find((c) => (c.tag?.record.seq ?? c.record.seq) < f.record.seq);
        if (!config) continue;
        judged++;
        if (config.sampleRate !== h.args.sampleRate || config.channels !== h.args.channels)
          return fail(
            `audio at ${f.t} ms is labelled ${config.sampleRate} Hz x ${config.channels}; the microphone was opened at ${h.args.sampleRate} Hz x ${h.args.channels}`,
            {
              atMs: f.t,
              evidence: [h.open, config.record, f.record],
            },
          );
      }
    }
    if (judged === 0) return notApplicable('no audio frame arrived during a microphone session');
    return pass(
      `${judged} audio frame(s) from ${mics.length} microphone session(s), labelled with the session's rate and channels`,
    );
  },
};

/** Checks of the `devices` area of docs/spec.md. */
export const DEVICES_CHECKS: readonly Check[] = [
  frontCameraFirst,
  oneCameraAtATime,
  devicesReleased,
  hardwareFirst,
  noHardwareRetry,
  encoderMatchesStream,
  microphoneMatchesTrack,
];
