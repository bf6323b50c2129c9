import type { TraceRecord } from '../sim/trace.js';
import { publishingAt } from './events.js';
import {
  type AttributeChange,
  BOOLEANS,
  type EffectiveAttributes,
  kebab,
  parsePushUrl,
} from './internal/attribute-timeline.js';
import { EVENT_DEADLINE_MS, MEDIA_DEADLINE_MS } from './internal/deadlines.js';
import { type DeviceHandle, deviceLog, encoderTargets } from './internal/device-handles.js';
import { linkOutages, outageDuring } from './internal/link-outages.js';
import {
  identifyColour,
  type MediaTimeline,
  mediaTimeline,
  receivedKbps,
  type ServerTag,
  uplinkCapacity,
} from './internal/media-timeline.js';
import type { Operation } from './internal/operations-log.js';
import { pausedDuring, pauseSpans } from './internal/pause-spans.js';
import {
  appStateAt,
  connectionFailure,
  isCritical,
  isFailureCode,
  type Push,
  type PushModel,
  pushModel,
} from './internal/push-model.js';
import {
  caseStart,
  excerpt,
  fail,
  field,
  firstOf,
  indeterminate,
  ms,
  notApplicable,
  ofKind,
  pass,
  profileValue,
  str,
} from './trace-query.js';
import type { Check, Outcome } from './types.js';

const E = EVENT_DEADLINE_MS;

/** Resolution ceilings (short side of the SPS) per mode (`attributes/mode/1`). */
export const MODE_CEILING: Record<string, number> = { SD: 368, HD: 544, FHD: 1088, RTC: 544 };
/** Event codes of the seed's tables and the SDK's additions (`attributes/bindstatechange/1`). */
export const KNOWN_EVENT_CODES = new Set([
  1001, 1002, 1003, 1005, 1006, 1007, 1008, -1301, -1302, -1303, -1304, -1305, -1306, -1307, 1101, 1102, 1103,
  1107, 3001, 3002, 3003, 3004, 3005,
]);

/** Attribute values in force at any time during `[t − grace, t]` (a reshape may take up to `grace`). */
function valuesDuring<K extends keyof EffectiveAttributes>(
  m: PushModel,
  name: K,
  t: number,
  grace: number,
): EffectiveAttributes[K][] {
  const out = new Set<EffectiveAttributes[K]>([m.attributes.at(t)[name], m.attributes.at(t - grace)[name]]);
  for (const c of m.attributes.changes) if (c.t >= t - grace && c.t <= t) out.add(c.after[name]);
  return [...out];
}

/** Whether a change happened during a push that was publishing. */
function duringPublishing(m: PushModel, c: AttributeChange): Push | undefined {
  const p = m.pushes.find((x) => x.startSeq < c.record.seq && c.record.seq < x.endSeq);
  return p && publishingAt(p, c.t, c.record.seq) ? p : undefined;
}

/** Camera video is pushed in the foreground at `t` (a camera open, app in front, camera enabled). */
function cameraVideoAt(trace: readonly TraceRecord[], m: PushModel): (t: number) => boolean {
  const log = deviceLog(trace);
  const app = appStateAt(trace);
  return (t) =>
    m.pushAt(t) !== undefined &&
    app(t) === 'foreground' &&
    m.attributes.at(t).enableCamera &&
    log.openAt(t, 'camera').length > 0;
}

/**
 * A connection opened after change `c` and by `until` that the change must have caused: not a reconnection
 * after a failed attempt (a fault of the network or the server causes those).
 */
function newConnection(m: PushModel, c: AttributeChange, until: number) {
  return m.connections.find((x) => {
    if (x.connect.seq < c.record.seq || x.connectMs > until) return false;
    const attempt = m.pushes.flatMap((p) => p.attempts).find((a) => a.connection === x);
    return !attempt?.reconnection;
  });
}

/** Why push `p` ended (for evidence): the critical code, stop(), url change, -1307, the case's end. */
function endWhy(p: Push): string {
  if (p.endCause === 'critical') return `critical error ${field(p.endRecord, 'code') ?? '?'}`;
  if (p.endCause === 'stop') return 'stop()';
  if (p.endCause === 'exhausted') return '-1307';
  if (p.endCause === 'url-change') return 'a url change';
  return 'the end of the case';
}

/** The pause() in force at `t` within push `p` (an accepted pause() call with no resume() call after it). */
function pausedAt(m: PushModel, p: Push, t: number): Operation | undefined {
  let paused: Operation | undefined;
  for (const o of m.ops) {
    if (o.call.seq <= p.startSeq || o.call.seq >= p.endSeq || o.callMs > t || o.ok === false) continue;
    if (o.op === 'pause') paused = o;
    else if (o.op === 'resume') paused = undefined;
  }
  return paused;
}

/**
 * Why push `p` cannot be held to a deadline `until` (docs/spec.md "Interpretation" of attributes/muted/1,
 * enable-camera/1, autopush/1): it ended before it (a critical device error, stop(), a url change, ...), it
 * was paused before it, or (for the camera, `app` given) the app went to the background before it.
 */
function cutShort(
  m: PushModel,
  p: Push,
  until: number,
  app?: (t: number) => string,
  trace?: readonly TraceRecord[],
): string | undefined {
  if (p.endMs < until) return `the push ended at ${p.endMs} ms (${endWhy(p)})`;
  const pause = m.ops.find(
    (o) => o.op === 'pause' && o.call.seq > p.startSeq && o.call.seq < p.endSeq && o.callMs < until,
  );
  if (pause) return `pause() was called at ${pause.callMs} ms`;
  if (app && trace) {
    const bg = ofKind(trace, 'app.state').find(
      (r) => r.seq > p.startSeq && ms(r) < until && str(r, 'state') === 'background',
    );
    if (bg) return `the app went to the background at ${ms(bg)} ms`;
  }
  return undefined;
}

/**
 * The default-on device (`camera`: enable-camera true, `microphone`: muted false) opens at every push's
 * start: openX called within 2 s of the start, or a handle still open from before (a push that began with a
 * url change keeps its devices). Pushes cut short before the deadline (`cutShort`) or excluded by `skip` are
 * not judged; when none is left the verdict is indeterminate, with the reasons.
 */
function opensAtStart(
  trace: readonly TraceRecord[],
  m: PushModel,
  device: 'camera' | 'microphone',
  label: string,
  skip: (p: Push) => string | undefined,
): Outcome {
  const handles = deviceLog(trace).handles.filter((h) => h.device === device);
  const app = appStateAt(trace);
  const opened: DeviceHandle[] = [];
  const skipped: string[] = [];
  for (const p of m.pushes) {
    const until = p.startMs + MEDIA_DEADLINE_MS;
    const why = skip(p);
    if (why) {
      skipped.push(`push at ${p.startMs} ms: ${why}`);
      continue;
    }
    const h = handles.find(
      (x) =>
        (x.open.seq > p.startSeq && x.open.seq < p.endSeq && x.calledAtMs <= until) ||
        (x.open.seq < p.startSeq && (x.close === undefined || x.close.seq > p.startSeq)),
    );
    if (h) {
      opened.push(h);
      continue;
    }
    const cut = cutShort(m, p, until, device === 'camera' ? app : undefined, trace);
    if (cut) {
      skipped.push(`push at ${p.startMs} ms: ${cut}`);
      continue;
    }
    const late = handles.find((x) => x.open.seq > p.startSeq && x.open.seq < p.endSeq);
    return fail(
      `${label}; no ${device} opened within ${MEDIA_DEADLINE_MS} ms of the start at ${p.startMs} ms`,
      {
        atMs: p.startMs,
        evidence: excerpt([p.startRecord, late?.open]),
      },
    );
  }
  if (opened.length === 0)
    return skipped.length > 0
      ? indeterminate(`no push could be judged: ${skipped.join('; ')}`, {
          evidence: excerpt(m.pushes.map((p) => p.endRecord)),
        })
      : notApplicable('no push');
  return pass(
    `${label}: the ${device} opened at ${opened.map((h) => h.openMs).join(', ')} ms${skipped.length ? ` (not judged: ${skipped.join('; ')})` : ''}`,
  );
}

function shapeOk(w: number, h: number, orientation: string, aspect: string): { ok: boolean; why: string } {
  const long = Math.max(w, h);
  const short = Math.min(w, h);
  if (orientation === 'horizontal' ? !(w > h) : !(w < h))
    return { ok: false, why: `${w}x${h} is not ${orientation}` };
  const ratio = aspect === '3:4' ? 4 / 3 : 16 / 9;
  const r = long / short;
  if (Math.abs(r - ratio) > 0.03 * ratio)
    return { ok: false, why: `${w}x${h} has ratio ${r.toFixed(3)} (${aspect})` };
  return { ok: true, why: `${w}x${h}` };
}

// ---- url ---------------------------------------------------------------------------------------------

/** attributes/url/1: an invalid url fails start() within E with `start:fail ... url`, and nothing happens. */
export const invalidUrlRefused: Check = {
  requirement: 'attributes/url/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const bad = m.ops.filter(
      (o) =>
        o.op === 'start' &&
        !parsePushUrl(m.attributes.at(o.callMs).url) &&
        !m.pushes.some((p) => p.startSeq < o.call.seq && o.call.seq < p.endSeq),
    );
    if (bad.length === 0) return notApplicable('no start() with an invalid url');
    const starts = m.ops.filter((o) => o.op === 'start');
    for (const o of bad) {
      const url = m.attributes.at(o.callMs).url;
      if (
        o.resultMs === undefined ||
        o.resultMs - o.callMs > E ||
        o.ok !== false ||
        !o.errMsg?.startsWith('start:fail') ||
        !/url/i.test(o.errMsg)
      )
        return fail(
          `start() with url ${JSON.stringify(url)} at ${o.callMs} ms settled ${o.result ? `ok=${o.ok} "${o.errMsg}"` : 'never'}`,
          {
            atMs: o.callMs,
            expected: `ok false within ${E} ms, errMsg "start:fail ..." naming the url`,
            evidence: excerpt([o.call, o.result]),
          },
        );
      // Until the next start() or the next push (autopush): what follows is theirs.
      const next = Math.min(
        starts.find((s) => s.call.seq > o.call.seq)?.call.seq ?? Number.POSITIVE_INFINITY,
        m.pushes.find((p) => p.startSeq > o.call.seq)?.startSeq ?? Number.POSITIVE_INFINITY,
      );
      const activity = trace.find(
        (r) =>
          r.seq > o.call.seq &&
          r.seq < next &&
          (r.kind === 'net.connect' ||
            (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns') ||
            r.kind === 'pusher.event' ||
            (r.kind === 'device.call' && /^open/.test(str(r, 'method') ?? ''))),
      );
      if (activity)
        return fail(
          `start() with url ${JSON.stringify(url)} at ${o.callMs} ms was followed by ${activity.kind} at ${ms(activity)} ms`,
          {
            atMs: ms(activity),
            evidence: [o.call, activity],
          },
        );
    }
    return pass(`${bad.length} start() call(s) with an invalid url refused, nothing opened`, {
      evidence: excerpt(bad.map((o) => o.result)),
    });
  },
};

/** attributes/url/2: every attempt resolves exactly the URL's host and connects to its address and port. */
export const dialsUrlHost: Check = {
  requirement: 'attributes/url/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    if (m.connections.length === 0 && !ofKind(trace, 'net.dns.query').length)
      return notApplicable('no connection attempt');
    let judged = 0;
    for (const q of ofKind(trace, 'net.dns.query')) {
      if (str(q, 'via') === 'httpdns') continue;
      const p = [...m.pushes].reverse().find((x) => x.startSeq < q.seq);
      if (!p?.url || p.url.isIp || str(q, 'host') !== p.url.host)
        return fail(
          `DNS query for ${JSON.stringify(str(q, 'host'))} at ${ms(q)} ms (push URL host ${JSON.stringify(p?.url?.host ?? null)})`,
          {
            atMs: ms(q),
            evidence: excerpt([p?.startRecord, q]),
          },
        );
    }
    for (const p of m.pushes)
      for (const a of p.attempts) {
        const c = a.connection;
        if (!c) continue;
        judged++;
        const url = p.url;
        const address = url?.isIp ? url.host : a.dnsAnswer ? str(a.dnsAnswer, 'address') : undefined;
        if (!url || c.host !== address || c.port !== url.port)
          return fail(
            `connect to ${c.host}:${c.port} at ${c.connectMs} ms (expected ${address ?? '?'}:${url?.port ?? '?'} for ${url ? `${url.host}` : 'no URL'})`,
            {
              atMs: c.connectMs,
              evidence: excerpt([p.startRecord, a.dnsQuery, a.dnsAnswer, c.connect]),
            },
          );
      }
    const stray = m.connections.find(
      (c) => !m.pushes.some((p) => p.attempts.some((a) => a.connection === c)),
    );
    if (stray)
      return fail(`connect to ${stray.host}:${stray.port} at ${stray.connectMs} ms outside any push`, {
        atMs: stray.connectMs,
        evidence: [stray.connect],
      });
    return pass(`${judged} connect(s), each to the URL's host and port`, { numbers: { connects: judged } });
  },
};

/** attributes/url/3: a url change while publishing moves the push to the new URL within 2 s. */
export const urlChangeMoves: Check = {
  requirement: 'attributes/url/3',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const moves = m.pushes.filter((p) => p.endCause === 'url-change' && publishingAt(p, p.endMs, p.endSeq));
    if (moves.length === 0) return notApplicable('no url change while publishing');
    for (const old of moves) {
      const t = old.endMs;
      const next = m.pushes[old.index + 1];
      if (!next || next.startRecord !== old.endRecord || !next.url)
        return indeterminate(`the url changed at ${t} ms to an invalid URL`);
      const conn = old.attempts
        .map((a) => a.connection)
        .find((c) => c?.publishStartMs !== undefined && (c.endMs === undefined || c.endMs >= t));
      const teardown = conn?.records.find(
        (r) => r.seq > old.endSeq && r.kind === 'wire.command' && str(r, 'name') === 'FCUnpublish',
      );
      if (!conn || conn.endMs === undefined || conn.endMs > t + MEDIA_DEADLINE_MS)
        return fail(
          `url changed at ${t} ms; the old connection was not ended within ${MEDIA_DEADLINE_MS} ms`,
          {
            atMs: t,
            evidence: excerpt([old.endRecord, conn?.connect, teardown]),
          },
        );
      const first = next.attempts[0];
      if (!first || first.startMs > t + MEDIA_DEADLINE_MS)
        return fail(`url changed at ${t} ms; no attempt to the new URL within ${MEDIA_DEADLINE_MS} ms`, {
          atMs: t,
          evidence: excerpt([old.endRecord, first?.dnsQuery ?? first?.connection?.connect]),
        });
      const publish = first.connection?.records.find(
        (r) => r.kind === 'wire.command' && str(r, 'name') === 'publish',
      );
      const name = (publish?.data.args as unknown[] | undefined)?.[1];
      if (publish && (typeof name !== 'string' || name.split('?')[0] !== next.url.stream))
        return fail(
          `url changed at ${t} ms; the new connection published ${JSON.stringify(name)} (expected ${next.url.stream})`,
          {
            atMs: ms(publish),
            evidence: [old.endRecord, publish],
          },
        );
      if (first.connection?.fault === 'none' && !first.events.some((e) => e.code === 1002))
        return fail(`url changed at ${t} ms; the new URL was reachable but no 1002 followed`, {
          atMs: t,
          evidence: excerpt([old.endRecord, ...first.events.map((e) => e.record)]),
        });
      if (old.url && old.url.stream !== next.url.stream) {
        const late = media.tags.find((g) => g.type !== 'script' && g.t > t + E);
        if (late)
          return fail(`url changed at ${t} ms; media reached the old stream at ${late.t} ms`, {
            atMs: late.t,
            evidence: [old.endRecord, late.record],
          });
      }
    }
    return pass(
      `${moves.length} url change(s): the push moved to the new URL within ${MEDIA_DEADLINE_MS} ms`,
    );
  },
};

// ---- mode, orientation, aspect -------------------------------------------------------------------------

/** attributes/mode/1: every AVC sequence header's short side is within the mode's ceiling. */
export const modeCapsResolution: Check = {
  requirement: 'attributes/mode/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const configs = mediaTimeline(trace).videoConfigs;
    if (configs.length === 0) return notApplicable('no AVC sequence header reached the server');
    for (const c of configs) {
      const modes = valuesDuring(m, 'mode', c.t, MEDIA_DEADLINE_MS);
      const ceiling = Math.max(...modes.map((x) => MODE_CEILING[x] ?? 544));
      const short = Math.min(c.width, c.height);
      if (short > ceiling)
        return fail(
          `sequence header at ${c.t} ms is ${c.width}x${c.height}; mode ${modes.join('/')} allows a short side of ${ceiling}`,
          {
            atMs: c.t,
            numbers: { short, ceiling },
            evidence: excerpt([c.record, c.tag?.record]),
          },
        );
    }
    return pass(`${configs.length} sequence header(s) within the mode's ceiling`, {
      numbers: { headers: configs.length },
    });
  },
};

/** attributes/mode/2: 95% of video frames within 1 s (RTC) / 3 s (LVB) of capture in stable windows. */
export const modeLatency: Check = {
  requirement: 'attributes/mode/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const capacity = uplinkCapacity(trace);
    const link = ofKind(trace, 'net.link').find((r) => str(r, 'link') === 'uplink');
    const segments = (link?.data.segments as { atUs?: number }[] | undefined) ?? [];
    const changes = segments.map((s) => (typeof s.atUs === 'number' ? s.atUs / 1000 : 0));
    const stats: Record<string, { n: number; late: number }> = {};
    for (const p of m.pushes) {
      const firstCapture = ofKind(trace, 'device.camera.firstFrame').find(
        (r) => r.seq > p.startSeq && r.seq < p.endSeq,
      );
      const conn = p.attempts.map((a) => a.connection).find((c) => c?.publishStartMs !== undefined);
      if (!firstCapture || !conn) continue;
      const end = conn.endMs ?? m.caseEndMs;
      const frames = media.videoFrames.filter((g) => g.t >= (conn.publishStartMs as number) && g.t < end);
      if (frames.length === 0) continue;
      const ts0 = frames[0].ts;
      const audioKbps = receivedKbps(media.audio, conn.publishStartMs as number, end);
      for (const g of frames) {
        const lastChange = Math.max(conn.publishStartMs as number, ...changes.filter((x) => x <= g.t));
        if (g.t < lastChange + 5_000) continue;
        const c = capacity(g.t);
        if (c === undefined) return indeterminate('the uplink capacity is not known while publishing');
        const a = m.attributes.at(g.t);
        if (c - audioKbps < a.minBitrate) continue;
        const latency = g.t - (ms(firstCapture) + g.ts - ts0);
        stats[a.mode] ??= { n: 0, late: 0 };
        const s = stats[a.mode];
        s.n++;
        if (latency > (a.mode === 'RTC' ? 1000 : 3000)) s.late++;
      }
    }
    const modes = Object.keys(stats);
    if (modes.length === 0) return notApplicable('no video frame in a stable window with V >= min-bitrate');
    for (const mode of modes) {
      const s = stats[mode];
      if (s.late > 0.05 * s.n)
        return fail(`${mode}: ${s.late} of ${s.n} frames above ${mode === 'RTC' ? 1000 : 3000} ms latency`, {
          numbers: { frames: s.n, late: s.late },
        });
    }
    return pass(
      `latency bound met by >= 95% of frames (${modes.map((x) => `${x}: ${stats[x].n - stats[x].late}/${stats[x].n}`).join(', ')})`,
    );
  },
};

/** attributes/orientation/1: vertical → width < height, horizontal → width > height (SPS and onMetaData). */
export const orientationShape: Check = {
  requirement: 'attributes/orientation/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const shapes = [
      ...media.videoConfigs.map((c) => ({
        t: c.t,
        w: c.width,
        h: c.height,
        record: c.record,
        what: 'sequence header',
      })),
      ...media.metadata
        .filter((d) => typeof d.value.width === 'number' && typeof d.value.height === 'number')
        .map((d) => ({
          t: d.t,
          w: d.value.width as number,
          h: d.value.height as number,
          record: d.record,
          what: 'onMetaData',
        })),
    ];
    if (shapes.length === 0) return notApplicable('no sequence header or onMetaData');
    for (const s of shapes) {
      const allowed = valuesDuring(m, 'orientation', s.t, MEDIA_DEADLINE_MS);
      const ok = allowed.some((o) => (o === 'horizontal' ? s.w > s.h : s.w < s.h));
      if (!ok)
        return fail(`${s.what} at ${s.t} ms is ${s.w}x${s.h} while orientation is ${allowed.join('/')}`, {
          atMs: s.t,
          evidence: [s.record],
        });
    }
    return pass(`${shapes.length} sequence header(s)/onMetaData with the orientation's longer side`);
  },
};

/** attributes/orientation/2: an orientation or aspect change reshapes the stream within 2 s. */
export const reshapeOnChange: Check = {
  requirement: 'attributes/orientation/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const changes = m.attributes.changes.filter(
      (c) =>
        !c.initial &&
        (c.changed.includes('orientation') || c.changed.includes('aspect')) &&
        duringPublishing(m, c),
    );
    if (changes.length === 0) return notApplicable('no orientation or aspect change while publishing');
    const written = tagWriteTime(m, media);
    const skipped: string[] = [];
    for (const c of changes) {
      const { orientation, aspect } = c.after;
      const until = c.t + MEDIA_DEADLINE_MS;
      // Measured at the pusher: a header written within 2 s counts even when the link delivered it later.
      const config = media.videoConfigs.find(
        (v) =>
          (v.tag ? v.tag.record.seq > c.record.seq && written(v.tag) <= until : v.t >= c.t && v.t <= until) &&
          shapeOk(v.width, v.height, orientation, aspect).ok,
      );
      const push = duringPublishing(m, c) as Push;
      const excuse = config ? undefined : (cutShort(m, push, until) ?? deliveryBlocked(trace, m, c.t, until));
      if (excuse) {
        skipped.push(`${orientation} ${aspect} at ${c.t} ms: ${excuse}`);
        continue;
      }
      if (!config)
        return fail(
          `${orientation} ${aspect} set at ${c.t} ms; no sequence header of that shape by ${until} ms`,
          {
            atMs: c.t,
            evidence: excerpt([
              c.record,
              ...media.videoConfigs.filter((v) => v.t >= c.t).map((v) => v.record),
            ]),
          },
        );
      const e1005 = m.events.find((e) => e.code === 1005 && e.seq > c.record.seq && e.t <= until);
      if (!e1005)
        return fail(`${orientation} ${aspect} set at ${c.t} ms; no 1005 by ${until} ms`, {
          atMs: c.t,
          evidence: [c.record, config.record],
        });
      const next = media.videoFrames.find((g) => g.record.seq > (config.tag?.record.seq ?? 0));
      if (next && !next.keyframe)
        return fail(
          `after the new sequence header at ${config.t} ms the next video frame is not a keyframe`,
          {
            atMs: next.t,
            evidence: [c.record, next.record],
          },
        );
      const meta = media.metadata.find(
        (d) =>
          d.t >= c.t && d.t <= until && d.value.width === config.width && d.value.height === config.height,
      );
      if (!meta)
        return fail(
          `${orientation} ${aspect} set at ${c.t} ms; no onMetaData ${config.width}x${config.height} by ${until} ms`,
          {
            atMs: c.t,
            evidence: excerpt([
              c.record,
              config.record,
              ...media.metadata.filter((d) => d.t >= c.t).map((d) => d.record),
            ]),
          },
        );
      const reconnect = newConnection(m, c, until);
      if (reconnect)
        return fail(`${orientation} ${aspect} set at ${c.t} ms; a new connection was opened`, {
          atMs: reconnect.connectMs,
          evidence: [c.record, reconnect.connect],
        });
    }
    if (skipped.length === changes.length)
      return indeterminate(`no reshape could be judged: ${skipped.join('; ')}`, {
        evidence: excerpt(changes.map((c) => c.record)),
      });
    return pass(
      `${changes.length - skipped.length} reshape(s): new sequence header, 1005, keyframe, onMetaData, same connection${skipped.length ? ` (not judged: ${skipped.join('; ')})` : ''}`,
    );
  },
};

/** attributes/aspect/1: long side / short side is 16/9 (9:16) or 4/3 (3:4) within ±3%. */
export const aspectRatio: Check = {
  requirement: 'attributes/aspect/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const configs = mediaTimeline(trace).videoConfigs;
    if (configs.length === 0) return notApplicable('no AVC sequence header reached the server');
    for (const c of configs) {
      const aspects = valuesDuring(m, 'aspect', c.t, MEDIA_DEADLINE_MS);
      const orientations = valuesDuring(m, 'orientation', c.t, MEDIA_DEADLINE_MS);
      const ok = aspects.some((a) => orientations.some((o) => shapeOk(c.width, c.height, o, a).ok));
      if (!ok)
        return fail(
          `sequence header at ${c.t} ms: ${shapeOk(c.width, c.height, orientations[0], aspects[0]).why}`,
          {
            atMs: c.t,
            evidence: [c.record],
          },
        );
    }
    return pass(`${configs.length} sequence header(s) with the attribute's aspect ratio (±3%)`);
  },
};

// ---- start and capture ----------------------------------------------------------------------------

/** attributes/autopush/1: autopush true starts devices and the network within 2 s, with the usual events. */
export const autopushStarts: Check = {
  requirement: 'attributes/autopush/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const autos = m.pushes.filter((p) => p.startCause === 'autopush');
    if (autos.length === 0) return notApplicable('autopush was never true with a valid url');
    const skipped: string[] = [];
    for (const p of autos) {
      const t = p.startMs;
      const device = log.handles.find(
        (h) =>
          (h.device === 'camera' || h.device === 'microphone') &&
          h.open.seq > p.startSeq &&
          h.open.seq < p.endSeq,
      );
      const first = p.attempts[0];
      const startOp = m.ops.find(
        (o) => o.op === 'start' && o.call.seq > p.startSeq && o.callMs <= t + MEDIA_DEADLINE_MS,
      );
      if (startOp) return indeterminate(`start() was called at ${startOp.callMs} ms, within 2 s of autopush`);
      const late =
        !device ||
        device.calledAtMs > t + MEDIA_DEADLINE_MS ||
        !first ||
        first.startMs > t + MEDIA_DEADLINE_MS;
      const cut = late ? cutShort(m, p, t + MEDIA_DEADLINE_MS) : undefined;
      if (cut) {
        skipped.push(`autopush at ${t} ms: ${cut}`);
        continue;
      }
      if (!device || device.calledAtMs > t + MEDIA_DEADLINE_MS)
        return fail(`autopush at ${t} ms: no device opened within ${MEDIA_DEADLINE_MS} ms`, {
          atMs: t,
          evidence: excerpt([p.startRecord, device?.open]),
        });
      if (!first || first.startMs > t + MEDIA_DEADLINE_MS)
        return fail(`autopush at ${t} ms: no network activity within ${MEDIA_DEADLINE_MS} ms`, {
          atMs: t,
          evidence: excerpt([p.startRecord, first?.dnsQuery ?? first?.connection?.connect]),
        });
      if (!first.failure) {
        const codes = p.events.map((e) => e.code);
        const expected = m.attributes.at(t).enableCamera ? [1003, 1001, 1002] : [1001, 1002];
        const missing = expected.filter((c) => !codes.includes(c));
        if (missing.length > 0 && p.endMs > first.startMs + 5_000)
          return fail(`autopush at ${t} ms: missing ${missing.join(', ')}`, {
            atMs: t,
            evidence: excerpt(p.events.map((e) => e.record)),
          });
      }
    }
    if (skipped.length === autos.length)
      return indeterminate(`no autopush start could be judged: ${skipped.join('; ')}`, {
        evidence: excerpt(autos.map((p) => p.endRecord)),
      });
    return pass(
      `${autos.length} autopush start(s): devices and network within ${MEDIA_DEADLINE_MS} ms, events as after start()${skipped.length ? ` (not judged: ${skipped.join('; ')})` : ''}`,
    );
  },
};

/** attributes/autopush/2: without autopush nothing opens, connects or emits before start(). */
export const nothingBeforeStart: Check = {
  requirement: 'attributes/autopush/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    if (m.attributes.initial.after.autopush) return notApplicable('autopush is true at creation');
    const created = firstOf(trace, 'app.state', (r) => field(r, 'initial') === true) ?? caseStart(trace);
    if (!created) return notApplicable('no creation record');
    const firstPush = m.pushes[0];
    const untilSeq = firstPush?.startSeq ?? Number.POSITIVE_INFINITY;
    const activity = trace.find(
      (r) =>
        r.seq > created.seq &&
        r.seq < untilSeq &&
        (r.kind === 'pusher.event' ||
          r.kind === 'net.connect' ||
          (r.kind === 'net.dns.query' && str(r, 'via') !== 'httpdns') ||
          (r.kind === 'device.call' && /^open/.test(str(r, 'method') ?? ''))),
    );
    if (activity)
      return fail(`${activity.kind} at ${ms(activity)} ms before any start()`, {
        atMs: ms(activity),
        evidence: [created, activity],
      });
    const until = firstPush ? firstPush.startMs : m.caseEndMs;
    if (until <= ms(created)) return notApplicable('start() was called at creation');
    return pass(`nothing opened, connected or emitted from creation to ${until} ms`, {
      numbers: { idleMs: until - ms(created) },
    });
  },
};

/** Intervals where `pred(attributes)` holds, within pushes, as [from, to) with the change that began them. */
function attributeIntervals(
  m: PushModel,
  pred: (a: EffectiveAttributes) => boolean,
): { from: number; to: number; change: AttributeChange; push: Push }[] {
  const out: { from: number; to: number; change: AttributeChange; push: Push }[] = [];
  for (const p of m.pushes) {
    const inPush = m.attributes.changes.filter((c) => c.t > p.startMs && c.t < p.endMs);
    const points = [
      {
        t: p.startMs,
        c: [...m.attributes.changes].reverse().find((c) => c.t <= p.startMs) as AttributeChange,
      },
      ...inPush.map((c) => ({ t: c.t, c })),
    ];
    for (let i = 0; i < points.length; i++) {
      if (!pred(points[i].c.after)) continue;
      const to = points[i + 1]?.t ?? Math.min(p.endMs, m.caseEndMs);
      const last = out[out.length - 1];
      if (last && last.push === p && last.to === points[i].t) last.to = to;
      else out.push({ from: points[i].t, to, change: points[i].c, push: p });
    }
  }
  return out;
}

/** Largest gap (ms) between consecutive audio frame timestamps arriving in [from, to]. */
function audioGap(media: MediaTimeline, from: number, to: number): { gap: number; at: number } {
  const frames = media.audioFrames.filter((g) => g.t >= from && g.t <= to);
  let gap = 0;
  let at = from;
  for (let i = 1; i < frames.length; i++) {
    const d = frames[i].ts - frames[i - 1].ts;
    if (d > gap) {
      gap = d;
      at = frames[i].t;
    }
  }
  return { gap, at };
}

/**
 * `audioGap` within each connection's publishing span (from the server's accepting the publish to the
 * connection's end): a reconnection starts a new timeline, so timestamps are never compared across two
 * connections (docs/spec.md attributes/background-mute/1 "Interpretation").
 */
function audioGapByConnection(
  m: PushModel,
  media: MediaTimeline,
  from: number,
  to: number,
): { gap: number; at: number } {
  let worst = { gap: 0, at: from };
  for (const c of m.connections) {
    if (c.publishStartMs === undefined) continue;
    const a = Math.max(from, c.publishStartMs);
    const b = Math.min(to, c.endMs ?? to);
    if (b <= a) continue;
    const g = audioGap(media, a, b);
    if (g.gap > worst.gap) worst = g;
  }
  return worst;
}

/** The AAC frame duration (ms) in force at `t` (1024 samples at the configured rate). */
function frameDurationAt(media: MediaTimeline, t: number): number {
  const config = [...media.audioConfigs].reverse().find((c) => c.t <= t) ?? media.audioConfigs[0];
  return config && config.sampleRate > 0 ? (1024 * 1000) / config.sampleRate : 64;
}

/** attributes/muted/1: muted closes the microphone; silent AAC keeps the track; unmute reopens within E. */
export const mutedClosesMicrophone: Check = {
  requirement: 'attributes/muted/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const app = appStateAt(trace);
    const mics = log.handles.filter((h) => h.device === 'microphone');
    const muted = attributeIntervals(m, (a) => a.muted);
    const unmutes = m.attributes.changes.filter(
      (c) => !c.initial && c.changed.includes('muted') && !c.after.muted,
    );
    if (muted.length === 0 && unmutes.length === 0)
      return opensAtStart(trace, m, 'microphone', 'muted is false', (p) =>
        app(p.startMs) === 'background' && m.attributes.at(p.startMs).backgroundMute
          ? 'started in the background with background-mute true'
          : undefined,
      );
    let silentMs = 0;
    for (const w of muted) {
      const from = w.change.initial || w.from === w.push.startMs ? w.from : w.from + E;
      const open = mics.find(
        (h) =>
          h.openMs < w.to &&
          (h.closeMs === undefined || h.closeMs > from) &&
          h.open.seq > w.push.startSeq - 1,
      );
      if (open)
        return fail(`microphone ${open.key} open while muted (${from}..${w.to} ms)`, {
          atMs: Math.max(from, open.openMs),
          evidence: excerpt([w.change.record, open.open, open.close]),
        });
      const conn = w.push.attempts
        .map((a) => a.connection)
        .find(
          (c) =>
            c?.publishStartMs !== undefined &&
            c.publishStartMs < w.to &&
            (c.endMs ?? Number.POSITIVE_INFINITY) > from,
        );
      if (!conn) continue;
      const a = Math.max(from, conn.publishStartMs as number) + 500;
      // pause() stops all media (operations/pause/1): a paused stretch carries no audio to judge.
      if (pausedAt(m, w.push, a)) continue;
      const pause = m.ops.find(
        (o) =>
          o.op === 'pause' &&
          o.ok !== false &&
          o.call.seq > w.push.startSeq &&
          o.call.seq < w.push.endSeq &&
          o.callMs > a &&
          o.callMs < w.to,
      );
      const b = Math.min(w.to, conn.endMs ?? w.to, pause?.callMs ?? w.to);
      if (b <= a) continue;
      silentMs += b - a;
      const limit = 3 * frameDurationAt(media, a);
      const { gap, at } = audioGap(media, a, b);
      const count = media.audioFrames.filter((g) => g.t >= a && g.t <= b).length;
      // Nothing written can arrive through a half-open connection or a link that is down.
      if (count === 0 && deliveryBlocked(trace, m, a, b)) continue;
      if (count === 0 || gap > limit + 1)
        return fail(
          `while muted (${a}..${b} ms) ${count === 0 ? 'no audio frame arrived' : `audio timestamps jumped by ${gap} ms at ${at} ms (limit ${limit.toFixed(0)})`}`,
          {
            atMs: count === 0 ? a : at,
            numbers: { gapMs: gap, limitMs: limit, frames: count },
            evidence: excerpt([w.change.record]),
          },
        );
    }
    for (const c of unmutes) {
      const p = m.pushes.find((x) => x.startSeq < c.record.seq && c.record.seq < x.endSeq);
      if (!p) continue;
      const mic = mics.find((h) => h.open.seq > c.record.seq);
      // No microphone is due while paused, in the background with background-mute, or when the push ended.
      const excused =
        pausedAt(m, p, c.t) ||
        (app(c.t) === 'background' && c.after.backgroundMute) ||
        cutShort(m, p, c.t + E);
      if ((!mic || mic.openMs > c.t + E) && excused) continue;
      if (!mic || mic.openMs > c.t + E)
        return fail(`muted set to false at ${c.t} ms; no microphone opened within ${E} ms`, {
          atMs: c.t,
          evidence: excerpt([c.record, mic?.open]),
        });
      if (!publishingAt(p, c.t)) continue;
      const limit = 3 * frameDurationAt(media, c.t) + 200;
      const { gap, at } = audioGapByConnection(m, media, c.t - 1000, c.t + MEDIA_DEADLINE_MS);
      if (gap > limit + 1)
        return fail(
          `after unmuting at ${c.t} ms the audio timestamps jumped by ${gap} ms at ${at} ms (limit ${limit.toFixed(0)})`,
          {
            atMs: at,
            evidence: [c.record, mic.open],
          },
        );
      const reconnect = newConnection(m, c, c.t + MEDIA_DEADLINE_MS);
      if (reconnect)
        return fail(`after unmuting at ${c.t} ms the push reconnected`, {
          atMs: reconnect.connectMs,
          evidence: [c.record, reconnect.connect],
        });
    }
    return pass(
      `microphone closed while muted, audio continuous over ${Math.round(silentMs)} ms of muted publishing (silence itself is not measured), unmute reopened it`,
      {
        numbers: { mutedPublishingMs: silentMs, unmutes: unmutes.length },
      },
    );
  },
};

/** Camera frame interval: 1000 / fps of the last camera opened + 10 ms (docs/spec.md Conventions). */
function frameIntervalMs(log: ReturnType<typeof deviceLog>): number {
  const last = log.handles.filter((h) => h.device === 'camera').pop();
  const fps = typeof last?.args.fps === 'number' && last.args.fps > 0 ? last.args.fps : 30;
  return 1000 / fps + 10;
}

/** attributes/enable-camera/1: no camera while disabled; re-enabling opens it on the same connection. */
export const enableCameraSwitch: Check = {
  requirement: 'attributes/enable-camera/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const app = appStateAt(trace);
    const cameras = log.handles.filter((h) => h.device === 'camera');
    const interval = frameIntervalMs(log);
    const captured = captureTimes(m, media);
    const disabled = attributeIntervals(m, (a) => !a.enableCamera);
    const enables = m.attributes.changes.filter(
      (c) => !c.initial && c.changed.includes('enableCamera') && c.after.enableCamera,
    );
    if (disabled.length === 0 && enables.length === 0) {
      if (!m.pushes.some((x) => app(x.startMs) === 'foreground'))
        return notApplicable('no push in the foreground');
      return opensAtStart(trace, m, 'camera', 'enable-camera is true', (p) =>
        app(p.startMs) === 'foreground' ? undefined : 'started in the background',
      );
    }
    for (const w of disabled) {
      const from = w.change.initial || w.from === w.push.startMs ? w.from : w.from + interval;
      const open = cameras.find(
        (h) =>
          h.openMs < w.to && (h.closeMs === undefined || h.closeMs > from) && h.open.seq > w.push.startSeq,
      );
      if (open)
        return fail(`camera ${open.key} open while enable-camera is false (${from}..${w.to} ms)`, {
          atMs: Math.max(from, open.openMs),
          evidence: excerpt([w.change.record, open.open, open.close]),
        });
      const camFrame = media.decoded?.find((d) => {
        const at = captured.get(d.tag) ?? d.t;
        return at > from && at < w.to && ['front', 'back'].includes(identifyColour(d)?.source ?? '');
      });
      if (camFrame)
        return fail(
          `a camera picture (arrived at ${camFrame.t} ms) was captured while enable-camera was false`,
          {
            atMs: camFrame.t,
            evidence: [w.change.record, camFrame.tag.record],
          },
        );
    }
    for (const c of enables) {
      const p = m.pushes.find((x) => x.startSeq < c.record.seq && c.record.seq < x.endSeq);
      if (!p || app(c.t) !== 'foreground' || pausedAt(m, p, c.t)) continue;
      const cam = cameras.find((h) => h.open.seq > c.record.seq);
      if ((!cam || cam.openMs > c.t + E) && cutShort(m, p, c.t + E, app, trace)) continue;
      if (!cam || cam.openMs > c.t + E)
        return fail(`enable-camera set to true at ${c.t} ms; no camera opened within ${E} ms`, {
          atMs: c.t,
          evidence: excerpt([c.record, cam?.open]),
        });
      const e1003 = m.events.find((e) => e.code === 1003 && e.seq > cam.open.seq && e.t <= cam.openMs + E);
      if (!e1003)
        return fail(`enable-camera set to true at ${c.t} ms; no 1003 after the camera opened`, {
          atMs: cam.openMs,
          evidence: [c.record, cam.open],
        });
      if (!publishingAt(p, c.t)) continue;
      const until = c.t + MEDIA_DEADLINE_MS;
      const firstCam = media.decoded
        ? media.decoded.find(
            (d) =>
              d.tag.record.seq > cam.open.seq && ['front', 'back'].includes(identifyColour(d)?.source ?? ''),
          )?.tag
        : media.videoFrames.find((g) => g.record.seq > cam.open.seq && g.sentMs >= cam.openMs - 1);
      if (!firstCam || firstCam.t > until || !firstCam.keyframe)
        return fail(
          `enable-camera set to true at ${c.t} ms; ${firstCam ? `the first camera frame (at ${firstCam.t} ms) is ${firstCam.keyframe ? 'late' : 'not a keyframe'}` : 'no camera frame arrived'}`,
          {
            atMs: c.t,
            evidence: excerpt([c.record, cam.open, firstCam?.record]),
          },
        );
      const reconnect = newConnection(m, c, until);
      if (reconnect)
        return fail(`enable-camera set to true at ${c.t} ms; the push reconnected`, {
          atMs: reconnect.connectMs,
          evidence: [c.record, reconnect.connect],
        });
    }
    return pass(
      `camera closed while disabled (${disabled.length} interval(s)), ${enables.length} re-enable(s) on the same connection`,
    );
  },
};

/** attributes/enable-camera/2: with the camera disabled, black frames at 5 ± 1 fps and a low target. */
export const blackWhileDisabled: Check = {
  requirement: 'attributes/enable-camera/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const targets = encoderTargets(trace);
    const app = appStateAt(trace);
    const disabled = attributeIntervals(m, (a) => !a.enableCamera);
    const pauses = pauseSpans(trace);
    let windows = 0;
    for (const w of disabled) {
      for (const a of w.push.attempts) {
        const c = a.connection;
        if (c?.publishStartMs === undefined) continue;
        const from = Math.max(w.from, c.publishStartMs) + 1000;
        const to = Math.min(w.to, c.endMs ?? w.to);
        for (let s = from; s + 5_000 <= to; s += 5_000) {
          if (app(s) !== 'foreground' || app(s + 5_000) !== 'foreground') continue;
          // A paused push writes no video at all (operations/pause/1).
          if (pausedDuring(pauses, s, s + 5_000)) continue;
          windows++;
          const frames = media.videoFrames.filter((g) => g.t >= s && g.t < s + 5_000);
          const fps = frames.length / 5;
          if (fps < 4 || fps > 6)
            return fail(
              `camera disabled: ${fps} fps at the server in ${s}..${s + 5_000} ms (expected 5 ± 1)`,
              {
                atMs: s,
                numbers: { fps },
                evidence: excerpt([w.change.record, ...frames.slice(0, 3).map((g) => g.record)]),
              },
            );
          const notBlack = media.decoded?.find(
            (d) => d.t >= s && d.t < s + 5_000 && identifyColour(d)?.source !== 'black',
          );
          if (notBlack)
            return fail(
              `camera disabled: a non-black frame (Y ${notBlack.y}, Cb ${notBlack.cb}, Cr ${notBlack.cr}) at ${notBlack.t} ms`,
              {
                atMs: notBlack.t,
                evidence: [w.change.record, notBlack.tag.record],
              },
            );
          const min = m.attributes.at(s).minBitrate;
          const inForce = [...targets].reverse().find((x) => x.t <= s);
          const during = targets.filter((x) => x.t >= s && x.t < s + 5_000);
          const high = [inForce, ...during].find((x) => x && x.kbps > Math.min(40, min));
          if (high)
            return fail(
              `camera disabled: encoder target ${high.kbps} kbit/s at ${high.t} ms (limit ${Math.min(40, min)})`,
              {
                atMs: high.t,
                evidence: [w.change.record, high.record],
              },
            );
        }
      }
    }
    if (windows === 0)
      return notApplicable('the camera was never disabled for a 5 s window while publishing');
    return pass(
      `${windows} window(s) of 5 s with the camera disabled: black at 5 ± 1 fps, low target${media.decoded ? '' : ' (colours not decoded)'}`,
    );
  },
};

// ---- camera settings ----------------------------------------------------------------------------------

/** The camera's last setting of `what` at `t`: openCamera args, then setFilters/setAutoFocus calls. */
function cameraSetting(
  trace: readonly TraceRecord[],
  h: DeviceHandle,
  method: string,
  field: string,
  t: number,
  beforeSeq = Number.POSITIVE_INFINITY,
): unknown {
  let v: unknown = h.args[field === 'enabled' ? 'autoFocus' : field];
  for (const r of ofKind(trace, 'device.call')) {
    if (ms(r) > t || r.seq >= beforeSeq) break;
    if (str(r, 'device') !== 'camera' || str(r, 'method') !== method || str(r, 'position') !== h.position)
      continue;
    if (Number(r.data.session) !== h.session) continue;
    const args = r.data.args as Record<string, unknown>;
    v = args[field];
  }
  return v;
}

/** A camera setting reaches every openCamera and follows every change within E. */
function judgeCameraSetting(
  trace: readonly TraceRecord[],
  name: 'autoFocus' | 'beauty' | 'whiteness',
  method: 'setAutoFocus' | 'setFilters',
  argField: string,
): Outcome | { opens: number; changes: number } {
  const m = pushModel(trace);
  const log = deviceLog(trace);
  const cams = log.handles.filter((h) => h.device === 'camera');
  if (cams.length === 0) return notApplicable('no camera was opened');
  for (const h of cams) {
    const expected = m.attributes.at(h.calledAtMs)[name];
    const pending = m.attributes.changes.some(
      (c) => !c.initial && c.changed.includes(name) && c.t > h.calledAtMs && c.t <= h.openMs,
    );
    if (h.args[name] !== expected && !pending)
      return fail(
        `openCamera at ${h.calledAtMs} ms asked for ${name} ${JSON.stringify(h.args[name])} (attribute: ${JSON.stringify(expected)})`,
        {
          atMs: h.calledAtMs,
          evidence: excerpt([
            h.open,
            ...m.attributes.changes.filter((c) => c.t <= h.calledAtMs).map((c) => c.record),
          ]),
        },
      );
  }
  const changes = m.attributes.changes.filter((c) => !c.initial && c.changed.includes(name));
  for (const c of changes) {
    const open = log.openAt(c.t, 'camera');
    for (const h of open) {
      if (h.closeMs !== undefined && h.closeMs <= c.t + E) continue;
      // What the camera has E after the change, or just before the next change of the attributes.
      const next = m.attributes.changes.find((x) => x.record.seq > c.record.seq)?.record.seq;
      const value = cameraSetting(trace, h, method, argField, c.t + E, next);
      if (value !== c.after[name])
        return fail(
          `${name} set to ${JSON.stringify(c.after[name])} at ${c.t} ms; the ${h.position} camera has ${JSON.stringify(value)} ${E} ms later`,
          {
            atMs: c.t,
            evidence: excerpt([
              c.record,
              h.open,
              ...ofKind(trace, 'device.call').filter(
                (r) => str(r, 'method') === method && ms(r) >= c.t && ms(r) <= c.t + E,
              ),
            ]),
          },
        );
    }
  }
  return { opens: cams.length, changes: changes.length };
}

/** attributes/auto-focus/1: openCamera carries autoFocus; changes reach the camera by setAutoFocus. */
export const autoFocusReachesCamera: Check = {
  requirement: 'attributes/auto-focus/1',
  always: true,
  evaluate(trace) {
    const r = judgeCameraSetting(trace, 'autoFocus', 'setAutoFocus', 'enabled');
    if ('status' in r) return r;
    return pass(`${r.opens} openCamera call(s) and ${r.changes} change(s): auto-focus reached the camera`);
  },
};

/**
 * When each video frame was captured, estimated from its FLV timestamp: per connection, the first frame's
 * write time (uncongested at the start of a connection) plus the timestamp difference. Arrival times lag
 * behind capture on a congested link; timestamps do not (docs/spec.md `attributes/mode/2` reads capture
 * time from timestamps the same way).
 */
function captureTimes(m: PushModel, media: MediaTimeline): Map<ServerTag, number> {
  const out = new Map<ServerTag, number>();
  const starts = m.connections
    .map((c) => c.publishStartMs)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  starts.forEach((from, i) => {
    const to = starts[i + 1] ?? Number.POSITIVE_INFINITY;
    const frames = media.videoFrames.filter((g) => g.t >= from && g.t < to);
    if (frames.length === 0) return;
    const offset = frames[0].sentMs - frames[0].ts;
    for (const g of frames) out.set(g, g.ts + offset);
  });
  return out;
}

/** Decoded camera frames show the filter level in force (beauty: Cb, whiteness: Y). */
function judgeDecodedLevel(trace: readonly TraceRecord[], name: 'beauty' | 'whiteness'): Outcome | number {
  const m = pushModel(trace);
  const media = mediaTimeline(trace);
  const decoded = media.decoded;
  if (!decoded) return 0;
  const captured = captureTimes(m, media);
  const changeTimes = m.attributes.changes.filter((c) => c.changed.includes(name)).map((c) => c.t);
  let judged = 0;
  for (const d of decoded) {
    const id = identifyColour(d);
    const at = captured.get(d.tag);
    if (!id || id.source === 'black' || at === undefined) continue;
    if (changeTimes.some((t) => at >= t - 100 && at <= t + E + 200)) continue;
    judged++;
    const expected = m.attributes.at(at)[name];
    if (id[name] !== expected)
      return fail(
        `a ${id.source} camera frame captured at ~${Math.round(at)} ms (arrived ${d.t} ms) shows ${name} ${id[name]} (attribute ${expected})`,
        {
          atMs: d.t,
          expected: String(expected),
          actual: String(id[name]),
          evidence: [d.tag.record],
        },
      );
  }
  return judged;
}

function filterCheck(name: 'beauty' | 'whiteness'): Check {
  return {
    requirement: `attributes/${name}/1`,
    always: true,
    evaluate(trace) {
      const r = judgeCameraSetting(trace, name, 'setFilters', name);
      if ('status' in r) return r;
      const decoded = judgeDecodedLevel(trace, name);
      if (typeof decoded !== 'number') return decoded;
      return pass(
        `${r.opens} openCamera call(s), ${r.changes} change(s) reached the camera; ${decoded} decoded camera frame(s) show the level`,
        {
          numbers: { opens: r.opens, changes: r.changes, decodedFrames: decoded },
        },
      );
    },
  };
}

/** attributes/beauty/1 and attributes/whiteness/1. */
export const beautyReachesCamera = filterCheck('beauty');
export const whitenessReachesCamera = filterCheck('whiteness');

// ---- bitrate bounds ---------------------------------------------------------------------------------

/** attributes/min-bitrate/1: camera video targets are >= min-bitrate. */
export const minBitrateFloor: Check = {
  requirement: 'attributes/min-bitrate/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const camera = cameraVideoAt(trace, m);
    const targets = encoderTargets(trace);
    const judged = targets.filter(
      (x) => camera(x.t) && !m.attributes.changes.some((c) => !c.initial && c.t <= x.t && c.t > x.t - E),
    );
    if (judged.length === 0) return notApplicable('no encoder target while camera video was pushed');
    const low = judged.find((x) => x.kbps < m.attributes.at(x.t).minBitrate);
    if (low)
      return fail(
        `encoder target ${low.kbps} kbit/s at ${low.t} ms is below min-bitrate ${m.attributes.at(low.t).minBitrate}`,
        {
          atMs: low.t,
          evidence: [low.record],
        },
      );
    return pass(`${judged.length} camera video target(s), none below min-bitrate`, {
      numbers: { targets: judged.length, lowest: Math.min(...judged.map((x) => x.kbps)) },
    });
  },
};

/** attributes/max-bitrate/1: every target <= max-bitrate, received video <= 1.2 x max-bitrate per 5 s. */
export const maxBitrateCeiling: Check = {
  requirement: 'attributes/max-bitrate/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const targets = encoderTargets(trace).filter((x) => m.pushAt(x.t) !== undefined);
    if (targets.length === 0) return notApplicable('no video encoder target');
    const high = targets.find((x) => x.kbps > Math.max(...valuesDuring(m, 'maxBitrate', x.t, E)));
    if (high)
      return fail(
        `encoder target ${high.kbps} kbit/s at ${high.t} ms exceeds max-bitrate ${m.attributes.at(high.t).maxBitrate}`,
        {
          atMs: high.t,
          evidence: [high.record],
        },
      );
    let windows = 0;
    let peak = 0;
    for (const c of m.connections) {
      if (c.publishStartMs === undefined) continue;
      const end = c.endMs ?? m.caseEndMs;
      for (let a = c.publishStartMs; a + 5_000 <= end; a += 1_000) {
        windows++;
        const rv = receivedKbps(media.videoFrames, a, a + 5_000);
        const max = Math.max(...valuesDuring(m, 'maxBitrate', a + 5_000, 5_000 + E));
        peak = Math.max(peak, rv / max);
        if (rv > 1.2 * max)
          return fail(
            `received video ${rv.toFixed(0)} kbit/s in ${a}..${a + 5_000} ms exceeds 1.2 x max-bitrate ${max}`,
            {
              atMs: a,
              numbers: { receivedKbps: rv, maxBitrate: max },
            },
          );
      }
    }
    return pass(
      `${targets.length} target(s) <= max-bitrate; ${windows} window(s) of 5 s, peak ${(100 * peak).toFixed(0)}% of max-bitrate`,
      {
        numbers: { targets: targets.length, windows, peakRatio: peak },
      },
    );
  },
};

/** attributes/max-bitrate/2: a change of the bounds while publishing moves the target inside within E. */
export const boundsApplyAtOnce: Check = {
  requirement: 'attributes/max-bitrate/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const targets = encoderTargets(trace);
    const camera = cameraVideoAt(trace, m);
    const changes = m.attributes.changes.filter(
      (c) =>
        !c.initial &&
        (c.changed.includes('minBitrate') || c.changed.includes('maxBitrate')) &&
        duringPublishing(m, c),
    );
    if (changes.length === 0) return notApplicable('no bitrate bound changed while publishing');
    let judged = 0;
    for (const c of changes) {
      const at = c.t + E;
      if (!camera(c.t) || !camera(at)) continue;
      judged++;
      const inForce = [...targets].reverse().find((x) => x.t <= at);
      const { minBitrate: lo, maxBitrate: hi } = c.after;
      if (!inForce || inForce.kbps < lo || inForce.kbps > hi)
        return fail(
          `bounds set to [${lo}, ${hi}] at ${c.t} ms; the target ${E} ms later is ${inForce?.kbps ?? 'unknown'} kbit/s`,
          {
            atMs: c.t,
            evidence: excerpt([c.record, inForce?.record]),
          },
        );
      const before = [...targets].reverse().find((x) => x.record.seq < c.record.seq);
      if (before && before.kbps !== inForce.kbps) {
        const e1006 = m.events.find((e) => e.code === 1006 && e.seq > c.record.seq && e.t <= at);
        if (!e1006)
          return fail(
            `the target changed ${before.kbps} → ${inForce.kbps} kbit/s after the bounds change at ${c.t} ms without a 1006`,
            {
              atMs: c.t,
              evidence: [c.record, inForce.record],
            },
          );
      }
      const reconnect = newConnection(m, c, at);
      if (reconnect)
        return fail(`the bounds change at ${c.t} ms was followed by a new connection`, {
          atMs: reconnect.connectMs,
          evidence: [c.record, reconnect.connect],
        });
    }
    if (judged === 0) return notApplicable('no bound change while camera video was pushed');
    return pass(`${judged} bound change(s) applied within ${E} ms with 1006, same connection`);
  },
};

/**
 * When the pusher wrote an audio or video tag, at the latest (ms): the earlier of its `sentMs` (arrival minus
 * the link's delay and the tag's transmission; a queue makes it late) and its timestamp on the push's clock:
 * `ts + k`, with `k` the smallest `arrival − ts` of the connection's tags of the same track and kind
 * (sequence headers or frames), and at most the push's start (the pusher's timestamps count from start();
 * then `ts + k` is the capture time). Headers and frames are placed separately (the server may shift a
 * republished stream's frames). A tag written before an attribute change was in flight at the change: it
 * cannot reflect it; one written after it arrived late only because of the link.
 */
function tagWriteTime(m: PushModel, media: MediaTimeline): (g: ServerTag) => number {
  const offset = new Map<ServerTag, number>();
  for (const c of m.connections) {
    if (c.publishStartMs === undefined) continue;
    const start = c.publishStartMs;
    const end = c.endMs ?? Number.POSITIVE_INFINITY;
    const pushStart = m.pushOfSeq(c.connect.seq)?.startMs ?? Number.POSITIVE_INFINITY;
    for (const track of [media.audio, media.video]) {
      const tags = track.filter((g) => g.t >= start && g.t <= end);
      for (const header of [true, false]) {
        const group = tags.filter((g) => (g.packetType === 0) === header);
        if (group.length === 0) continue;
        const k = Math.min(pushStart, ...group.map((g) => g.t - g.ts));
        for (const g of group) offset.set(g, k);
      }
    }
  }
  return (g) => Math.min(g.sentMs, g.ts + (offset.get(g) ?? Number.POSITIVE_INFINITY));
}

/**
 * Why what the pusher wrote during `[from, to]` may never have reached the server (so its absence there
 * proves nothing): the publishing connection went half-open or ended, or the uplink was down.
 */
function deliveryBlocked(
  trace: readonly TraceRecord[],
  m: PushModel,
  from: number,
  to: number,
): string | undefined {
  for (const c of m.connections) {
    if (
      c.publishStartMs === undefined ||
      c.publishStartMs > to ||
      (c.endMs ?? Number.POSITIVE_INFINITY) < from
    )
      continue;
    const frozen = c.records.find((r) => r.kind === 'net.half_open');
    if (frozen && ms(frozen) <= to)
      return `connection ${c.conn} went half-open at ${ms(frozen)} ms (injected)`;
    if (c.endMs !== undefined && c.endMs <= to) return `connection ${c.conn} ended at ${c.endMs} ms`;
  }
  const outage = outageDuring(
    linkOutages(trace).filter((o) => o.link === 'uplink'),
    from,
    to,
  );
  if (outage) return `the uplink was down from ${outage.fromMs} ms`;
  return undefined;
}

// ---- audio quality ---------------------------------------------------------------------------------

/** attributes/audio-quality/1: high → the AudioSpecificConfig rate >= 44100 Hz (onMetaData agrees). */
export const highQualityAudio: Check = {
  requirement: 'attributes/audio-quality/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const high = (t: number) => m.attributes.at(t).audioQuality === 'high';
    const written = tagWriteTime(m, media);
    // A configuration is judged by the quality when the pusher wrote it, not when it arrived.
    const configs = media.audioConfigs.filter((c) => high(c.tag ? written(c.tag) : c.t));
    const metas = media.metadata.filter((d) => high(d.t) && typeof d.value.audiosamplerate === 'number');
    if (configs.length === 0 && metas.length === 0)
      return notApplicable('no AAC configuration while audio-quality was high');
    const low = configs.find((c) => c.sampleRate < 44100);
    if (low)
      return fail(`audio-quality high; the AudioSpecificConfig at ${low.t} ms says ${low.sampleRate} Hz`, {
        atMs: low.t,
        evidence: [low.record],
      });
    const meta = metas.find((d) => (d.value.audiosamplerate as number) < 44100);
    if (meta)
      return fail(
        `audio-quality high; onMetaData at ${meta.t} ms says audiosamplerate ${meta.value.audiosamplerate}`,
        { atMs: meta.t, evidence: [meta.record] },
      );
    return pass(`${configs.length} AAC configuration(s) at >= 44100 Hz while audio-quality was high`, {
      numbers: { rate: configs[0]?.sampleRate ?? 0 },
    });
  },
};

/** attributes/audio-quality/2: low (default) → <= 32000 Hz and no more audio bitrate than high. */
export const lowQualityAudio: Check = {
  requirement: 'attributes/audio-quality/2',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    // Windows of audio rate: the quality held since E before; configurations: the quality at arrival.
    const quality = (q: string) => (t: number) => valuesDuring(m, 'audioQuality', t, E).every((x) => x === q);
    const low = quality('low');
    const written = tagWriteTime(m, media);
    const configs = media.audioConfigs.filter(
      (c) => m.attributes.at(c.tag ? written(c.tag) : c.t).audioQuality === 'low',
    );
    if (configs.length === 0) return notApplicable('no AAC configuration while audio-quality was low');
    const wide = configs.find((c) => c.sampleRate > 32000);
    if (wide)
      return fail(
        `audio-quality low; the AudioSpecificConfig at ${wide.t} ms says ${wide.sampleRate} Hz (expected <= 32000)`,
        {
          atMs: wide.t,
          evidence: [wide.record],
        },
      );
    // Audio bitrate per 10 s of stream time (capture time read from the timestamps, as `captureTimes`
    // does for video), so a queue draining after congestion does not count as a higher rate.
    const rates = (pred: (t: number) => boolean) => {
      const out: number[] = [];
      for (const c of m.connections) {
        if (c.publishStartMs === undefined) continue;
        const end = c.endMs ?? m.caseEndMs;
        const frames = media.audio.filter((g) => g.t >= (c.publishStartMs as number) && g.t < end);
        if (frames.length === 0) continue;
        const offset = frames[0].sentMs - frames[0].ts;
        const at = frames.map((g) => ({ t: g.ts + offset, size: g.size }));
        const last = at[at.length - 1].t;
        for (let a = at[0].t + 1000; a + 10_000 <= last; a += 1_000) {
          if (!pred(a) || !pred(a + 10_000)) continue;
          const bytes = at.filter((x) => x.t >= a && x.t < a + 10_000).reduce((sum, x) => sum + x.size, 0);
          out.push((8 * bytes) / 10_000);
        }
      }
      return out;
    };
    const lowRates = rates(low);
    const highRates = rates(quality('high'));
    const limit = highRates.length ? Math.min(...highRates) : 48;
    const over = lowRates.find((r) => r > limit);
    if (over !== undefined)
      return fail(`audio-quality low: ${over.toFixed(1)} kbit/s of audio (limit ${limit.toFixed(1)})`, {
        numbers: { lowKbps: over, limitKbps: limit },
      });
    return pass(
      `audio-quality low: ${configs[0].sampleRate} Hz, ${lowRates.length ? `${Math.max(...lowRates).toFixed(1)} kbit/s` : 'rate not measured (no 10 s window)'} (limit ${limit.toFixed(1)})`,
      {
        numbers: { sampleRate: configs[0].sampleRate, limitKbps: limit },
      },
    );
  },
};

/** attributes/audio-quality/3: a quality change while publishing sends a new AAC sequence header first. */
export const audioQualitySwitch: Check = {
  requirement: 'attributes/audio-quality/3',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const changes = m.attributes.changes.filter(
      (c) => !c.initial && c.changed.includes('audioQuality') && duringPublishing(m, c),
    );
    if (changes.length === 0) return notApplicable('no audio-quality change while publishing');
    const written = tagWriteTime(m, media);
    for (const c of changes) {
      const high = c.after.audioQuality === 'high';
      // Tags written before the change and still in flight when it happened do not count.
      const after = (g: ServerTag) => g.record.seq > c.record.seq && written(g) >= c.t;
      const config = media.audioConfigs.find((x) => x.tag && after(x.tag));
      if (
        !config ||
        written(config.tag as ServerTag) > c.t + E ||
        (high ? config.sampleRate < 44100 : config.sampleRate > 32000)
      )
        return fail(
          `audio-quality ${c.after.audioQuality} at ${c.t} ms; ${config ? `the next AAC configuration (${config.sampleRate} Hz at ${config.t} ms) does not fit` : 'no new AAC sequence header'} within ${E} ms`,
          {
            atMs: c.t,
            evidence: excerpt([c.record, config?.record]),
          },
        );
      const firstAudio = media.audio.find(after);
      if (firstAudio && firstAudio.packetType !== 0)
        return fail(
          `audio-quality changed at ${c.t} ms; an audio frame (at ${firstAudio.t} ms) came before the new sequence header`,
          {
            atMs: firstAudio.t,
            evidence: [c.record, firstAudio.record, config.record],
          },
        );
      const reconnect = newConnection(m, c, config.t);
      if (reconnect)
        return fail(`audio-quality changed at ${c.t} ms; the push reconnected`, {
          atMs: reconnect.connectMs,
          evidence: [c.record, reconnect.connect],
        });
    }
    return pass(`${changes.length} audio-quality change(s): new AAC sequence header first, same connection`);
  },
};

// ---- waiting image, background mute -------------------------------------------------------------------

/** attributes/waiting-image/1: only the given URL is fetched, at most once per (url, hash) unless it failed. */
export const waitingImageFetches: Check = {
  requirement: 'attributes/waiting-image/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const requests = ofKind(trace, 'net.http.request');
    const responses = ofKind(trace, 'net.http.response');
    const everSet = m.attributes.changes.some((c) => c.after.waitingImage !== '');
    if (!everSet && requests.length === 0) return notApplicable('no waiting image was set');
    const seen = new Map<string, boolean>();
    for (const r of requests) {
      const a = m.attributes.at(ms(r));
      const url = str(r, 'url');
      if (a.waitingImage === '' || url !== a.waitingImage)
        return fail(
          `HTTP request for ${JSON.stringify(url)} at ${ms(r)} ms (waiting-image is ${JSON.stringify(a.waitingImage)})`,
          {
            atMs: ms(r),
            evidence: [r],
          },
        );
      const key = `${a.waitingImage}#${a.waitingImageHash}`;
      if (seen.get(key) === true)
        return fail(
          `a second fetch of ${url} at ${ms(r)} ms for the same (url, hash) after a successful one`,
          { atMs: ms(r), evidence: excerpt(requests) },
        );
      const response = responses.find((x) => x.seq > r.seq && x.data.conn === r.data.conn);
      const ok = response !== undefined && !str(response, 'error') && response.data.status === 200;
      seen.set(key, ok);
    }
    return pass(`${requests.length} fetch(es), each of the waiting-image URL, none repeated after success`);
  },
};

/** attributes/waiting-image-hash/1: the image is used iff the hash is empty or its MD5 (hex, any case). */
export const waitingImageHashRule: Check = {
  requirement: 'attributes/waiting-image-hash/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const served = field(caseStart(trace), 'waitingImage') as
      | { md5?: string; colour?: { y: number; cb: number; cr: number } }
      | null
      | undefined;
    if (!served?.md5) return notApplicable('the case serves no waiting image');
    const app = appStateAt(trace);
    const backgrounds = ofKind(trace, 'app.state').filter((r) => str(r, 'state') === 'background');
    let judged = 0;
    for (const b of backgrounds) {
      const t = ms(b);
      const p = m.pushAt(t);
      if (!p || !publishingAt(p, t)) continue;
      const fg = ofKind(trace, 'app.state').find((r) => r.seq > b.seq && str(r, 'state') === 'foreground');
      const keep = profileValue(trace, 'waitingImageKeepAliveMs') ?? 180_000;
      const end = Math.min(fg ? ms(fg) : m.caseEndMs, p.endMs, t + keep);
      if (end - t < 2_000) continue;
      const a = m.attributes.at(t);
      const hash = a.waitingImageHash.trim().toLowerCase();
      const expectUsable = a.waitingImage !== '' && (hash === '' || hash === served.md5.toLowerCase());
      const frames = media.videoFrames.filter(
        (g) => g.t >= t + 1000 && g.t < end && app(g.t) === 'background',
      );
      const decoded = media.decoded?.filter((d) => d.t >= t + 1000 && d.t < end);
      const used =
        decoded && served.colour
          ? decoded.some(
              (d) =>
                Math.abs(d.y - served.colour!.y) <= 2 &&
                Math.abs(d.cb - served.colour!.cb) <= 2 &&
                Math.abs(d.cr - served.colour!.cr) <= 2,
            )
          : frames.length > 0;
      judged++;
      if (used !== expectUsable)
        return fail(
          `hash ${JSON.stringify(a.waitingImageHash)} vs MD5 ${served.md5}: the image was ${used ? '' : 'not '}pushed in the background from ${t} ms`,
          {
            atMs: t,
            expected: expectUsable
              ? 'the waiting image is pushed'
              : 'the image is unusable (no waiting-image video)',
            evidence: excerpt([b, ...frames.slice(0, 3).map((g) => g.record)]),
          },
        );
    }
    if (judged === 0) return notApplicable('the app never went to the background while publishing');
    return pass(
      `${judged} background period(s): the image was used exactly when the hash matched (or was empty)`,
    );
  },
};

/** attributes/background-mute/1: by default the microphone stays open in the background and audio flows. */
export const microphoneInBackground: Check = {
  requirement: 'attributes/background-mute/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const media = mediaTimeline(trace);
    const keep = profileValue(trace, 'waitingImageKeepAliveMs') ?? 180_000;
    const states = ofKind(trace, 'app.state');
    let judged = 0;
    for (const b of states.filter((r) => str(r, 'state') === 'background' && field(r, 'initial') !== true)) {
      const t = ms(b);
      const a = m.attributes.at(t);
      const p = m.pushAt(t);
      if (!p || a.backgroundMute || a.muted) continue;
      const fg = states.find((r) => r.seq > b.seq && str(r, 'state') === 'foreground');
      // pause() closes the microphone (operations/pause/1), stop() ends the push: the period ends there.
      const op = m.ops.find(
        (o) =>
          (o.op === 'pause' || o.op === 'stop') &&
          o.call.seq > b.seq &&
          o.call.seq < p.endSeq &&
          o.call.seq < (fg?.seq ?? Number.POSITIVE_INFINITY),
      );
      const end = Math.min(
        fg ? ms(fg) : m.caseEndMs,
        p.endMs,
        t + keep,
        op?.callMs ?? Number.POSITIVE_INFINITY,
      );
      const mic = log.handles.find(
        (h) => h.device === 'microphone' && h.open.seq < b.seq && !(h.close && h.close.seq < b.seq),
      );
      if (!mic) continue;
      judged++;
      if (
        mic.closeMs !== undefined &&
        mic.closeMs < end &&
        mic.close!.seq < (fg?.seq ?? Number.POSITIVE_INFINITY) &&
        mic.close!.seq < (op?.call.seq ?? Number.POSITIVE_INFINITY) &&
        mic.closeMs < p.endMs
      )
        return fail(
          `the microphone was closed at ${mic.closeMs} ms in the background (background-mute false)`,
          {
            atMs: mic.closeMs,
            evidence: excerpt([b, mic.open, mic.close]),
          },
        );
      if (!publishingAt(p, t)) continue;
      const limit = 3 * frameDurationAt(media, t);
      const { gap, at } = audioGapByConnection(m, media, t, end);
      if (gap > limit + 1)
        return fail(
          `in the background audio timestamps jumped by ${gap} ms at ${at} ms (limit ${limit.toFixed(0)})`,
          {
            atMs: at,
            evidence: [b],
          },
        );
    }
    if (judged === 0)
      return notApplicable('the app never went to the background during a push with background-mute false');
    return pass(`${judged} background period(s): the microphone stayed open and audio kept flowing`);
  },
};

// ---- debug, events, invalid values ---------------------------------------------------------------------

/** attributes/debug/1 (INFORMATIONAL): log lines with debug on and off, and whether events are logged. */
export const debugLog: Check = {
  requirement: 'attributes/debug/1',
  evaluate(trace) {
    const m = pushModel(trace);
    const logs = ofKind(trace, 'pusher.log');
    let on = 0;
    let off = 0;
    for (const l of logs) {
      const level = str(l, 'level');
      if (level !== 'debug' && level !== 'info') continue;
      if (m.attributes.at(ms(l)).debug) on++;
      else off++;
    }
    const eventsOn = m.events.filter((e) => m.attributes.at(e.t).debug);
    const logged = eventsOn.filter((e) =>
      logs.some((l) => ms(l) === e.t && (str(l, 'message') ?? '').includes(String(e.code))),
    );
    return pass(
      `debug/info log lines: ${on} with debug on, ${off} with debug off; ${logged.length} of ${eventsOn.length} events logged while debug was on`,
      {
        numbers: {
          linesDebugOn: on,
          linesDebugOff: off,
          eventsWhileOn: eventsOn.length,
          eventsLogged: logged.length,
        },
      },
    );
  },
};

/** attributes/bindstatechange/1: every event has a known integer code and a non-empty message. */
export const eventsWellFormed: Check = {
  requirement: 'attributes/bindstatechange/1',
  always: true,
  evaluate(trace) {
    const events = ofKind(trace, 'pusher.event');
    if (events.length === 0) return notApplicable('no event');
    for (const r of events) {
      const code = r.data.code;
      const message = r.data.message;
      if (typeof code !== 'number' || !Number.isInteger(code) || !KNOWN_EVENT_CODES.has(code))
        return fail(`event at ${ms(r)} ms has code ${JSON.stringify(code)} (not a seed or SDK code)`, {
          atMs: ms(r),
          evidence: [r],
        });
      if (typeof message !== 'string' || message.trim() === '')
        return fail(`event ${code} at ${ms(r)} ms has an empty message`, { atMs: ms(r), evidence: [r] });
    }
    return pass(`${events.length} event(s) with known codes and messages`, {
      numbers: { events: events.length },
    });
  },
};

const hasFallback = (c: AttributeChange) => c.fallbacks.some((f) => f.name !== 'url');

/** attributes/invalid/1: invalid values never throw, never end a push, never reach a device out of range. */
export const invalidValuesHarmless: Check = {
  requirement: 'attributes/invalid/1',
  always: true,
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const changes = m.attributes.changes.filter(hasFallback);
    if (changes.length === 0) return notApplicable('no invalid attribute value was set');
    const crash = ofKind(trace, 'pusher.crash').find((r) =>
      ['create', 'setAttributes', 'callback', 'unhandledRejection'].includes(str(r, 'where') ?? ''),
    );
    if (crash)
      return fail(`the pusher crashed (${str(crash, 'where')}): ${str(crash, 'message')}`, {
        atMs: ms(crash),
        evidence: [crash],
      });
    for (const c of changes) {
      if (c.initial || c.changed.includes('url')) continue;
      const p = m.pushes.find((x) => x.startSeq < c.record.seq && c.record.seq < x.endSeq);
      if (!p) continue;
      const until = c.t + E;
      // What has a cause of its own is not blamed on the value: an attempt that failed at the network or
      // the server (its events, its successor's connection), an attempt already under way at the change,
      // a device that failed, a stop().
      const attemptOf = (e: { record: TraceRecord }) =>
        p.attempts.find((a) => a.events.some((x) => x.record === e.record));
      const deviceFailed = (t: number) =>
        [
          ...log.faults.map((f) => ms(f)),
          ...log.failedOpens.map((f) => f.t),
          ...log.failedEncodes.map((f) => f.t),
        ].some((x) => x >= t - E && x <= t);
      const disrupted = m.events.find(
        (e) =>
          e.seq > c.record.seq &&
          e.t <= until &&
          (isFailureCode(e.code) || isCritical(e.code) || e.code === 1102 || e.code === -1307) &&
          !(isCritical(e.code) ? deviceFailed(e.t) : attemptOf(e)?.failure),
      );
      const reconnect = m.connections.find((x) => {
        if (x.connect.seq < c.record.seq || x.connectMs > until) return false;
        const a = p.attempts.find((y) => y.connection === x);
        return !a || (a.startSeq > c.record.seq && !a.reconnection);
      });
      const stopped = (t: number) =>
        m.ops.some((o) => o.op === 'stop' && o.call.seq > c.record.seq && o.callMs <= t);
      const closed = m.connections.find((x) => {
        if (x.pusherCloseMs === undefined || x.pusherCloseMs < c.t || x.pusherCloseMs > until) return false;
        if (x.connect.seq > c.record.seq || stopped(x.pusherCloseMs)) return false;
        const f = connectionFailure(x, x.pusherCloseMs);
        return !(f && f.atMs <= x.pusherCloseMs) && !(p.endCause === 'critical' && deviceFailed(p.endMs));
      });
      const bad = disrupted?.record ?? reconnect?.connect ?? closed?.connect;
      if (bad)
        return fail(
          `invalid value(s) ${c.fallbacks.map((f) => `${f.name}=${JSON.stringify(f.value)}`).join(', ')} at ${c.t} ms disturbed the push (${bad.kind} at ${ms(bad)} ms)`,
          {
            atMs: c.t,
            evidence: [c.record, bad],
          },
        );
    }
    for (const r of ofKind(trace, 'device.call')) {
      const method = str(r, 'method');
      if (method !== 'openCamera' && method !== 'setFilters') continue;
      const args = r.data.args as Record<string, unknown>;
      for (const k of ['beauty', 'whiteness'])
        if (
          typeof args[k] !== 'number' ||
          !Number.isInteger(args[k]) ||
          (args[k] as number) < 0 ||
          (args[k] as number) > 9
        )
          return fail(
            `${method} at ${ms(r)} ms got ${k} ${JSON.stringify(args[k])} (expected an integer 0..9)`,
            { atMs: ms(r), evidence: [r] },
          );
    }
    const camera = cameraVideoAt(trace, m);
    const out = encoderTargets(trace).find((x) => camera(x.t) && (x.kbps < 50 || x.kbps > 10_000));
    if (out)
      return fail(`camera video target ${out.kbps} kbit/s at ${out.t} ms is outside 50..10000`, {
        atMs: out.t,
        evidence: [out.record],
      });
    const inverted = m.attributes.changes.find((c) => c.after.minBitrate > c.after.maxBitrate);
    if (inverted) return fail('internal: inverted bounds after resolution', { evidence: [inverted.record] });
    return pass(
      `${changes.length} change(s) with invalid values: no crash, no disruption, device values in range`,
      {
        evidence: excerpt(changes.map((c) => c.record)),
      },
    );
  },
};

/** attributes/invalid/2: an unknown enumeration value leaves the stream's shape and audio unchanged. */
export const unknownEnumKeeps: Check = {
  requirement: 'attributes/invalid/2',
  evaluate(trace) {
    const m = pushModel(trace);
    const media = mediaTimeline(trace);
    const changes = m.attributes.changes.filter((c) => c.fallbacks.some((f) => f.rule === 'enum'));
    if (changes.length === 0) return notApplicable('no unknown enumeration value was set');
    let judged = 0;
    for (const c of changes) {
      const names = c.fallbacks.filter((f) => f.rule === 'enum').map((f) => f.name);
      if (c.initial) {
        const first = media.videoConfigs[0];
        if (first) {
          judged++;
          const a = c.after;
          const s = shapeOk(first.width, first.height, a.orientation, a.aspect);
          if (!s.ok || Math.min(first.width, first.height) > (MODE_CEILING[a.mode] ?? 544))
            return fail(
              `unknown ${names.join(', ')} at creation: the stream is ${first.width}x${first.height} (expected the defaults' shape: ${a.orientation} ${a.aspect} ${a.mode})`,
              {
                atMs: first.t,
                evidence: [c.record, first.record],
              },
            );
        }
        const audio = media.audioConfigs[0];
        if (audio && (c.after.audioQuality === 'high' ? audio.sampleRate < 44100 : audio.sampleRate > 32000))
          return fail(
            `unknown value at creation: audio ${audio.sampleRate} Hz for audio-quality ${c.after.audioQuality}`,
            {
              atMs: audio.t,
              evidence: [c.record, audio.record],
            },
          );
        continue;
      }
      if (
        !duringPublishing(m, c) ||
        c.changed.some((k) => ['mode', 'orientation', 'aspect', 'audioQuality'].includes(k))
      )
        continue;
      judged++;
      const until = c.t + 3_000;
      const v = media.videoConfigs.find((x) => x.tag && x.tag.record.seq > c.record.seq && x.t <= until);
      const before = [...media.videoConfigs].reverse().find((x) => x.tag && x.tag.record.seq < c.record.seq);
      // The criterion is the shape and the mode's ceiling, not the exact size: bitrate adaptation moves along
      // the resolution ladder (same shape, announced by 1005) whatever the attributes do.
      if (v && before) {
        const a = c.after;
        const shape = shapeOk(v.width, v.height, a.orientation, a.aspect);
        const ceiling = MODE_CEILING[a.mode] ?? 544;
        const sameShape = before.width > before.height === v.width > v.height;
        if (!shape.ok || !sameShape || Math.min(v.width, v.height) > ceiling)
          return fail(
            `unknown ${names.join(', ')} at ${c.t} ms: the stream changed from ${before.width}x${before.height} to ${v.width}x${v.height} (${shape.ok && sameShape ? `above the ${a.mode} ceiling ${ceiling}` : `expected the shape ${a.orientation} ${a.aspect}`})`,
            {
              atMs: v.t,
              evidence: [c.record, before.record, v.record],
            },
          );
      }
      const au = media.audioConfigs.find((x) => x.tag && x.tag.record.seq > c.record.seq && x.t <= until);
      const auBefore = [...media.audioConfigs]
        .reverse()
        .find((x) => x.tag && x.tag.record.seq < c.record.seq);
      if (au && auBefore && (au.sampleRate !== auBefore.sampleRate || au.channels !== auBefore.channels))
        return fail(
          `unknown ${names.join(', ')} at ${c.t} ms: the audio changed from ${auBefore.sampleRate} to ${au.sampleRate} Hz`,
          {
            atMs: au.t,
            evidence: [c.record, au.record],
          },
        );
    }
    if (judged === 0) return notApplicable('no unknown enumeration value while the stream could show it');
    return pass(`${judged} unknown enumeration value(s): the stream kept its shape and audio`);
  },
};

/** attributes/invalid/3: levels round and clamp to 0..9, bitrates to 50..10000, inverted pairs swap. */
export const numbersClamped: Check = {
  requirement: 'attributes/invalid/3',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const targets = encoderTargets(trace);
    const camera = cameraVideoAt(trace, m);
    const numeric = ['beauty', 'whiteness', 'minBitrate', 'maxBitrate'];
    const changes = m.attributes.changes.filter(
      (c) =>
        c.fallbacks.some((f) => f.rule === 'number' || f.rule === 'swap') ||
        numeric.some((k) => typeof c.patch[k] === 'string'),
    );
    if (changes.length === 0) return notApplicable('no out-of-range, fractional or string number was set');
    for (const c of changes) {
      const at = c.t + E;
      for (const h of log.openAt(at, 'camera')) {
        for (const k of ['beauty', 'whiteness'] as const) {
          const v = cameraSetting(trace, h, 'setFilters', k, at);
          if (v !== m.attributes.at(at)[k])
            return fail(
              `${k} resolved to ${m.attributes.at(at)[k]} at ${c.t} ms; the ${h.position} camera has ${JSON.stringify(v)}`,
              {
                atMs: c.t,
                evidence: excerpt([c.record, h.open]),
              },
            );
        }
      }
      if (!camera(at)) continue;
      const next = m.attributes.changes.find((x) => x.record.seq > c.record.seq)?.t ?? m.caseEndMs;
      const { minBitrate: lo, maxBitrate: hi } = c.after;
      const inForce = [...targets].reverse().find((x) => x.t <= at);
      const later = targets.filter((x) => x.t > at && x.t < next && camera(x.t));
      const bad = [inForce, ...later].find((x) => x && (x.kbps < lo || x.kbps > hi));
      if (bad)
        return fail(
          `bounds resolved to [${lo}, ${hi}] at ${c.t} ms; target ${bad.kbps} kbit/s at ${bad.t} ms`,
          {
            atMs: bad.t,
            evidence: [c.record, bad.record],
          },
        );
    }
    return pass(`${changes.length} numeric value(s) rounded, clamped and swapped as specified`);
  },
};

/** attributes/invalid/4: "true"/"false" act as booleans; other values keep the previous one. */
export const booleanStrings: Check = {
  requirement: 'attributes/invalid/4',
  evaluate(trace) {
    const m = pushModel(trace);
    const log = deviceLog(trace);
    const app = appStateAt(trace);
    const interval = frameIntervalMs(log);
    const changes = m.attributes.changes.filter((c) =>
      BOOLEANS.some((k) => Object.hasOwn(c.patch, k) && typeof c.patch[k] !== 'boolean'),
    );
    if (changes.length === 0) return notApplicable('no boolean attribute was given a non-boolean value');
    let judged = 0;
    for (const c of changes) {
      const next = m.attributes.changes.find((x) => x.record.seq > c.record.seq);
      const until = next?.t ?? m.caseEndMs;
      const p =
        m.pushes.find((x) => x.startSeq <= c.record.seq && c.record.seq < x.endSeq) ??
        m.pushes.find((x) => x.startSeq > c.record.seq && x.startMs <= c.t + MEDIA_DEADLINE_MS);
      const paused = m.ops.some((o) => (o.op === 'pause' || o.op === 'resume') && o.callMs <= until);
      const a = c.after;
      const at = c.t + interval + E;
      if (!p || at >= Math.min(until, p.endMs) || paused || app(at) !== 'foreground') continue;
      const given = (k: string) => Object.hasOwn(c.patch, k);
      if (given('muted') || given('enableCamera') || given('autopush')) {
        judged++;
        const mic = log.openAt(at, 'microphone').length > 0;
        if (mic === a.muted)
          return fail(
            `muted resolves to ${a.muted} after ${JSON.stringify(c.patch)} at ${c.t} ms, but the microphone is ${mic ? 'open' : 'closed'} at ${at} ms`,
            {
              atMs: at,
              evidence: excerpt([
                c.record,
                ...log.handles.filter((h) => h.device === 'microphone').map((h) => h.open),
              ]),
            },
          );
        const cam = log.openAt(at, 'camera').length > 0;
        if (cam !== a.enableCamera)
          return fail(
            `enable-camera resolves to ${a.enableCamera} after ${JSON.stringify(c.patch)} at ${c.t} ms, but the camera is ${cam ? 'open' : 'closed'} at ${at} ms`,
            {
              atMs: at,
              evidence: excerpt([
                c.record,
                ...log.handles.filter((h) => h.device === 'camera').map((h) => h.open),
              ]),
            },
          );
      }
      if (given('autoFocus')) {
        judged++;
        for (const h of log.openAt(at, 'camera')) {
          const v = cameraSetting(trace, h, 'setAutoFocus', 'enabled', at);
          if (v !== a.autoFocus)
            return fail(
              `auto-focus resolves to ${a.autoFocus} after ${JSON.stringify(c.patch.autoFocus)} at ${c.t} ms; the camera has ${JSON.stringify(v)}`,
              {
                atMs: at,
                evidence: [c.record, h.open],
              },
            );
        }
      }
    }
    if (judged === 0) return notApplicable('no string boolean whose effect the trace shows');
    return pass(`${judged} string or invalid boolean value(s) acted as specified`);
  },
};

/** attributes/invalid/5: each fallback is logged at warn level naming the attribute and the value. */
export const fallbacksLogged: Check = {
  requirement: 'attributes/invalid/5',
  evaluate(trace) {
    const m = pushModel(trace);
    const logs = ofKind(trace, 'pusher.log').filter((l) => str(l, 'level') === 'warn');
    const fallbacks = m.attributes.changes.flatMap((c) =>
      c.fallbacks.filter((f) => f.rule !== 'string').map((f) => ({ c, f })),
    );
    if (fallbacks.length === 0) return notApplicable('no fallback happened');
    for (const { c, f } of fallbacks) {
      const value = typeof f.value === 'string' ? f.value : JSON.stringify(f.value);
      const line = logs.find((l) => {
        const msg = str(l, 'message') ?? '';
        return ms(l) === c.t && (msg.includes(f.name) || msg.includes(kebab(f.name))) && msg.includes(value);
      });
      if (!line)
        return fail(`no warn log line naming ${f.name} and ${value} at ${c.t} ms`, {
          atMs: c.t,
          evidence: excerpt([c.record, ...logs.filter((l) => ms(l) === c.t)]),
        });
    }
    return pass(`${fallbacks.length} fallback(s), each logged at warn level`, {
      numbers: { fallbacks: fallbacks.length },
    });
  },
};

/** Checks of the `attributes` area of docs/spec.md. */
export const ATTRIBUTES_CHECKS: readonly Check[] = [
  invalidUrlRefused,
  dialsUrlHost,
  urlChangeMoves,
  modeCapsResolution,
  modeLatency,
  autopushStarts,
  nothingBeforeStart,
  mutedClosesMicrophone,
  enableCameraSwitch,
  blackWhileDisabled,
  autoFocusReachesCamera,
  orientationShape,
  reshapeOnChange,
  aspectRatio,
  beautyReachesCamera,
  whitenessReachesCamera,
  minBitrateFloor,
  maxBitrateCeiling,
  boundsApplyAtOnce,
  highQualityAudio,
  lowQualityAudio,
  audioQualitySwitch,
  waitingImageFetches,
  waitingImageHashRule,
  microphoneInBackground,
  debugLog,
  eventsWellFormed,
  invalidValuesHarmless,
  unknownEnumKeeps,
  numbersClamped,
  booleanStrings,
  fallbacksLogged,
];
