/**
 * Checks of the `bitrate` area of docs/spec.md, and the trace views they share with the background and
 * waiting-image oracles: publishing intervals, the encoder target T(t), the uplink capacity C(t), received
 * rates from the server's FLV timeline, the pushed resolution and resolved attributes over time.
 * Pure: trace in, outcome out. The algorithm of the reference pusher and the measured results are in
 * docs/bitrate.md.
 */
import { stallIntervals } from '../network/shaper-log.js';
import type { TraceRecord, TraceValue } from '../sim/trace.js';
import { EVENT_DEADLINE_MS } from './events.js';
import { attributeTimeline } from './internal/attribute-timeline.js';
import { deliveryHorizon } from './internal/delivery-horizon.js';
import {
  meanTarget,
  type TargetPoint,
  targetAt,
  targetSeries,
  targetValuesIn,
} from './internal/encoder-target.js';
import { pushModel } from './internal/push-model.js';
import { type SequenceHeader, sequenceHeaders } from './internal/sequence-headers.js';
import {
  type Arrivals,
  arrivals,
  bytesIn,
  firstIndexAtOrAfter,
  isAudioFrameTag,
  isVideoFrameTag,
  kbpsIn,
} from './internal/server-arrivals.js';
import { overlaps, type Span, spanAt } from './internal/spans.js';
import { type CapacityStep, capacitySteps, minCapacity } from './internal/uplink-capacity.js';
import {
  eventsWithCode,
  excerpt,
  fail,
  field,
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

// Trace views moved to internal/ (one concept per file), re-exported for the oracles that import them here.
export type { Arrivals, CapacityStep, SequenceHeader, Span, TargetPoint };
export {
  arrivals,
  bytesIn,
  capacitySteps,
  firstIndexAtOrAfter,
  isAudioFrameTag,
  isVideoFrameTag,
  kbpsIn,
  meanTarget,
  minCapacity,
  overlaps,
  sequenceHeaders,
  spanAt,
  targetAt,
  targetSeries,
  targetValuesIn,
};

/** E (docs/spec.md Conventions). */
const E = EVENT_DEADLINE_MS;

// =====================================================================================================
// Trace views (exported for background.ts and waiting-image.ts)
// =====================================================================================================

/** A publishing interval: from its 1002 to the end of that connection (or the case end), ms. */
export interface PublishingInterval extends Span {
  conn: number | undefined;
}

/** Time of `case.end` (ms), or of the last record when the case has none. */
export function caseEndMs(trace: readonly TraceRecord[]): number {
  const end = trace.find((r) => r.kind === 'case.end');
  if (end) return ms(end);
  return trace.length > 0 ? ms(trace[trace.length - 1]) : 0;
}

/** Publishing: from each 1002 to the close of the connection it happened on, capped at the case end. */
export function publishingIntervals(trace: readonly TraceRecord[]): PublishingInterval[] {
  const end = caseEndMs(trace);
  const out: PublishingInterval[] = [];
  let conn: number | undefined;
  const closes = new Map<number, number>();
  for (const r of trace) if (r.kind === 'wire.close') closes.set(num(r, 'conn') ?? -1, ms(r));
  for (const r of trace) {
    if (r.kind === 'wire.connection') conn = num(r, 'conn');
    if (r.kind === 'pusher.event' && num(r, 'code') === 1002) {
      const t = ms(r);
      if (t > end) continue;
      const closed = conn !== undefined ? closes.get(conn) : undefined;
      const to = Math.min(end, closed !== undefined && closed >= t ? closed : end);
      // A second 1002 on the same connection does not start a second interval.
      const last = out[out.length - 1];
      if (last && last.conn === conn && last.to >= t) continue;
      out.push({ from: t, to, conn });
    }
  }
  return out;
}

/** Background intervals from `app.state` records (the initial state included), ms; open ones end at Infinity. */
export function backgroundIntervals(trace: readonly TraceRecord[]): Span[] {
  const out: Span[] = [];
  let from: number | undefined;
  for (const r of ofKind(trace, 'app.state')) {
    const state = str(r, 'state');
    if (state === 'background' && from === undefined) from = ms(r);
    else if (state === 'foreground' && from !== undefined) {
      out.push({ from, to: ms(r) });
      from = undefined;
    }
  }
  if (from !== undefined) out.push({ from, to: Number.POSITIVE_INFINITY });
  return out;
}

/** Backgrounding moments (not the initial state), each with the return to the foreground (or Infinity). */
export function backgroundings(trace: readonly TraceRecord[]): (Span & { record: TraceRecord })[] {
  const out: (Span & { record: TraceRecord })[] = [];
  const states = ofKind(trace, 'app.state');
  for (let i = 0; i < states.length; i++) {
    const r = states[i];
    if (str(r, 'state') !== 'background' || field(r, 'initial') === true) continue;
    const back = states.slice(i + 1).find((x) => str(x, 'state') === 'foreground');
    out.push({ from: ms(r), to: back ? ms(back) : Number.POSITIVE_INFINITY, record: r });
  }
  return out;
}

/** One attribute patch: the case's attributes at start, then each `pusher.attributes` record. */
interface AttributePatch {
  t: number;
  attrs: { readonly [key: string]: TraceValue };
}

const patchCache = new WeakMap<readonly TraceRecord[], AttributePatch[]>();

/** The attribute patches of a trace in order (memoised per trace array; the trace is never mutated). */
export function attributePatches(trace: readonly TraceRecord[]): AttributePatch[] {
  let patches = patchCache.get(trace);
  if (!patches) {
    patches = [];
    for (const r of trace) {
      if (r.kind !== 'case.start' && r.kind !== 'pusher.attributes') continue;
      const attrs = field(r, 'attributes');
      if (attrs && typeof attrs === 'object' && !Array.isArray(attrs)) patches.push({ t: ms(r), attrs });
    }
    patchCache.set(trace, patches);
  }
  return patches;
}

/** An attribute's raw value in force at `t` (the last patch that set it). */
export function attributeAt(trace: readonly TraceRecord[], name: string, t: number): TraceValue | undefined {
  let value: TraceValue | undefined;
  for (const p of attributePatches(trace)) {
    if (p.t > t) break;
    if (name in p.attrs) value = p.attrs[name];
  }
  return value;
}

/** Times (ms) of `pusher.attributes` records that touch one of `names` (all when omitted). */
export function attributeChangeTimes(trace: readonly TraceRecord[], names?: readonly string[]): number[] {
  return ofKind(trace, 'pusher.attributes')
    .filter((r) => {
      const a = field(r, 'attributes');
      if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
      return !names || names.some((n) => n in a);
    })
    .map(ms);
}

/** A boolean attribute as the seed reads it: true/false or the strings "true"/"false"; anything else keeps the previous value. */
export function booleanAttributeAt(
  trace: readonly TraceRecord[],
  name: string,
  t: number,
  fallback: boolean,
): boolean {
  let value = fallback;
  for (const p of attributePatches(trace)) {
    if (p.t > t) break;
    if (!(name in p.attrs)) continue;
    const v = p.attrs[name];
    if (v === true || v === 'true') value = true;
    else if (v === false || v === 'false') value = false;
  }
  return value;
}

/** Bitrate bounds in force at `t`: defaults 200/1000, numbers rounded and clamped to 50..10000, an inverted pair swapped. */
export function bitrateBoundsAt(trace: readonly TraceRecord[], t: number): { min: number; max: number } {
  let min = 200;
  let max = 1000;
  const parse = (v: TraceValue | undefined): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? Math.min(10000, Math.max(50, Math.round(n))) : undefined;
  };
  for (const p of attributePatches(trace)) {
    if (p.t > t) break;
    min = parse(p.attrs.minBitrate) ?? min;
    max = parse(p.attrs.maxBitrate) ?? max;
  }
  return min <= max ? { min, max } : { min: max, max: min };
}

export type Mode = 'SD' | 'HD' | 'FHD' | 'RTC';
const MODES: readonly Mode[] = ['SD', 'HD', 'FHD', 'RTC'];

/** The mode in force at `t` (default RTC; an unknown value keeps the previous one). */
export function modeAt(trace: readonly TraceRecord[], t: number): Mode {
  let mode: Mode = 'RTC';
  for (const p of attributePatches(trace)) {
    if (p.t > t) break;
    const v = p.attrs.mode;
    if (typeof v === 'string' && (MODES as readonly string[]).includes(v)) mode = v as Mode;
  }
  return mode;
}

/** Connection segments at the server: tags arriving after a `server.postPublish` belong to that publish. */
export function publishStarts(trace: readonly TraceRecord[]): number[] {
  return ofKind(trace, 'server.postPublish').map(ms);
}

export function segmentOf(starts: readonly number[], t: number): number {
  let k = -1;
  for (let i = 0; i < starts.length; i++) if (starts[i] <= t) k = i;
  return k;
}

const startCache = new WeakMap<readonly TraceRecord[], number[]>();

/**
 * Start times of the pushes (internal/push-model.ts: an accepted start() that began a push, autopush, a url
 * change), in order, memoised per trace array. A start() answered "already pushing" starts nothing.
 */
export function acceptedStarts(trace: readonly TraceRecord[]): number[] {
  let starts = startCache.get(trace);
  if (!starts) {
    starts = pushModel(trace).pushes.map((p) => p.startMs);
    startCache.set(trace, starts);
  }
  return starts;
}

/** Start of the push a media tag belongs to: the last push start before `t`, else the case start. */
export function pushStartAt(trace: readonly TraceRecord[], t: number): number {
  let start = 0;
  for (const s of acceptedStarts(trace)) if (s <= t) start = s;
  return start;
}

/**
 * The pusher-side time of a media tag: its capture time (push start + FLV timestamp), never later than its
 * arrival (a timestamp base the pusher chose differently cannot move it past the arrival).
 */
export function writeEstimate(pushStart: number, ts: number, arrival: number): number {
  return Math.min(arrival, pushStart + ts);
}

/** The rung named by a short side (docs/spec.md Conventions, "Pushed resolution"). */
export function rungOf(width: number, height: number): Rung {
  const s = Math.min(width, height);
  return s <= 272 ? '270p' : s <= 368 ? '360p' : s <= 544 ? '540p' : s <= 736 ? '720p' : '1080p';
}

export type Rung = '270p' | '360p' | '540p' | '720p' | '1080p';
const RUNGS: readonly Rung[] = ['270p', '360p', '540p', '720p', '1080p'];
/** Ladder thresholds of `bitrate/resolution/2`, kbit/s. */
export const LADDER_KBPS: readonly number[] = [0, 350, 700, 1200, 2500];
/** The highest rung each mode allows (`attributes/mode/1`). */
export const MODE_CEILING: Record<Mode, Rung> = { SD: '360p', HD: '540p', FHD: '1080p', RTC: '540p' };

/** The ladder's rung for a steady target `b`, capped by the mode. */
export function ladderRung(b: number, mode: Mode): Rung {
  let i = 0;
  for (let k = 0; k < LADDER_KBPS.length; k++) if (b >= LADDER_KBPS[k]) i = k;
  return RUNGS[Math.min(i, RUNGS.indexOf(MODE_CEILING[mode]))];
}

/** The pushed resolution at the server at `t`: the size of the latest sequence header that arrived by then. */
export function pushedSizeAt(headers: readonly SequenceHeader[], t: number): SequenceHeader | undefined {
  let h: SequenceHeader | undefined;
  for (const x of headers) {
    if (x.arrival > t) break;
    h = x;
  }
  return h;
}

/**
 * Pause intervals: a pause() call during a push (not refused) until the next resume() call (not refused) or
 * the end of that push (Infinity: the case end). A start() answered "already pushing" does not end a pause.
 */
export function pausedIntervals(trace: readonly TraceRecord[]): Span[] {
  const m = pushModel(trace);
  const out: Span[] = [];
  let current: Span | undefined;
  let endSeq = Number.POSITIVE_INFINITY;
  for (const o of m.ops) {
    if (current && o.call.seq > endSeq) current = undefined;
    if (o.op === 'pause' && o.ok !== false && !current) {
      const push = m.pushOfSeq(o.call.seq);
      if (!push) continue;
      current = {
        from: o.callMs,
        to: push.endSeq === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : push.endMs,
      };
      endSeq = push.endSeq;
      out.push(current);
    } else if (o.op === 'resume' && o.ok !== false && current) {
      current.to = o.callMs;
      current = undefined;
    }
  }
  return out;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Spans where enable-camera is false (ms; open ones end at Infinity): the video track then carries a black
 * picture at a fixed low target (`attributes/enable-camera/2`), not camera video that adapts to the link.
 */
export function cameraOffIntervals(trace: readonly TraceRecord[]): Span[] {
  const out: Span[] = [];
  let from: number | undefined;
  for (const c of attributeTimeline(trace).changes) {
    const off = !c.after.enableCamera;
    if (off && from === undefined) from = c.t;
    else if (!off && from !== undefined) {
      out.push({ from, to: c.t });
      from = undefined;
    }
  }
  if (from !== undefined) out.push({ from, to: Number.POSITIVE_INFINITY });
  return out;
}

/**
 * Foreground publishing spans (camera video pushed): publishing, and the spans to leave out: `bg` (in the
 * background, or the camera disabled) and `paused`.
 */
function foregroundPublishing(trace: readonly TraceRecord[]): {
  pubs: PublishingInterval[];
  bg: Span[];
  paused: Span[];
} {
  return {
    pubs: publishingIntervals(trace),
    bg: [...backgroundIntervals(trace), ...cameraOffIntervals(trace)],
    paused: pausedIntervals(trace),
  };
}

/** Audio share of the link during a publishing interval: the received audio rate over it, kbit/s. */
function audioKbps(audio: Arrivals, p: Span): number {
  return kbpsIn(audio, p.from, p.to);
}

// =====================================================================================================
// Checks
// =====================================================================================================

/** The reaction deadline of `bitrate/drop/1`, ms. */
export const DROP_DEADLINE_MS = 4000;
/** The recovery deadline of `bitrate/recover/1`, ms. */
export const RECOVER_DEADLINE_MS = 20000;

/**
 * bitrate/drop/1: after a capacity drop to V2 = C2 − A below the target, T falls to V2 (or to min-bitrate
 * when V2 < min) within 4 s. A drop is judged when it happens while publishing in the foreground and the
 * capacity stays at or below C2 for the 4 s (a shorter dip is not a drop the pusher can be asked to follow).
 */
export const targetFollowsDrop: Check = {
  requirement: 'bitrate/drop/1',
  evaluate(trace) {
    const steps = capacitySteps(trace);
    if (!steps) return notApplicable('no uplink capacity program (net.link) in the trace');
    const drops = steps
      .map((s, i) => ({ s, prev: steps[i - 1] }))
      .filter(
        ({ s, prev }) =>
          prev !== undefined &&
          typeof s.kbps === 'number' &&
          (prev.kbps === null || (typeof prev.kbps === 'number' && s.kbps < prev.kbps)),
      );
    if (drops.length === 0) return notApplicable('the uplink capacity never drops');
    const series = targetSeries(trace);
    const audio = arrivals(trace, 'audio');
    const { pubs, bg, paused } = foregroundPublishing(trace);
    const skipped: string[] = [];
    const stalls = stallIntervals(trace).map((x) => ({ from: x.fromUs / 1000, to: x.toUs / 1000 }));
    const judged: {
      td: number;
      observable: number;
      c2: number;
      v2: number;
      t0: number;
      reachMs: number;
      goal: number;
    }[] = [];
    for (const { s } of drops) {
      const td = s.from;
      const c2 = s.kbps as number;
      const pub = spanAt(pubs, td);
      if (!pub) {
        skipped.push(`${td} ms: not publishing`);
        continue;
      }
      const t0 = targetAt(series, td);
      if (t0 === undefined) {
        skipped.push(`${td} ms: no video encoder open`);
        continue;
      }
      const a = audioKbps(audio, pub);
      const v2 = c2 - a;
      const { min } = bitrateBoundsAt(trace, td);
      if (v2 >= t0) {
        judged.push({ td, observable: td, c2, v2, t0, reachMs: 0, goal: v2 });
        continue;
      }
      const goal = Math.max(v2, min);
      // The drop is observable to the pusher once back-pressure reaches it (docs/spec.md Conventions, t_f):
      // at once when the bottleneck queue is already full, else when it fills.
      const stall = stalls.find((x) => x.to >= td && x.from < pub.to);
      const observable = stall ? Math.max(td, stall.from) : undefined;
      const until = (observable ?? td) + DROP_DEADLINE_MS;
      const hit = targetValuesIn(series, td, Math.min(until, pub.to)).find((p) => p.kbps <= goal);
      if (hit) {
        judged.push({ td, observable: observable ?? td, c2, v2, t0, reachMs: hit.t - td, goal });
        continue;
      }
      if (observable === undefined) {
        skipped.push(
          `${td} ms: no back-pressure reached the pusher before the push ended (bottleneck queue not full)`,
        );
        continue;
      }
      if (pub.to < until) {
        skipped.push(
          `${td} ms: not publishing through ${DROP_DEADLINE_MS} ms after back-pressure at ${round1(observable)} ms`,
        );
        continue;
      }
      if (overlaps(bg, td, until) || overlaps(paused, td, until)) {
        skipped.push(`${td} ms: in the background, paused or with the camera disabled`);
        continue;
      }
      const after = steps.filter((x) => x.from > td && x.from < until);
      if (
        minCapacity(steps, td, until) === undefined ||
        after.some((x) => x.kbps === null || x.kbps === undefined || x.kbps > c2)
      ) {
        skipped.push(`${td} ms: capacity rose again before the deadline`);
        continue;
      }
      const values = targetValuesIn(series, td, until);
      const lowest = Math.min(...values.map((p) => p.kbps));
      return fail(
        `capacity dropped at ${td} ms to ${c2} kbit/s (V2 = ${round1(v2)} with audio ${round1(a)}), back-pressure from ${round1(observable)} ms: ` +
          `the target stayed above ${round1(goal)} kbit/s until ${round1(until)} ms (from ${t0}, lowest ${lowest})`,
        {
          atMs: td,
          expected:
            v2 >= min
              ? `T <= V2 = ${round1(v2)} by ${round1(until)} ms`
              : `T = min-bitrate ${min} by ${round1(until)} ms`,
          actual: `lowest T ${lowest} kbit/s by ${round1(until)} ms`,
          numbers: {
            dropAtMs: td,
            observableAtMs: round1(observable),
            capacityKbps: c2,
            v2Kbps: round1(v2),
            audioKbps: round1(a),
            targetBefore: t0,
            lowestTarget: lowest,
          },
          evidence: excerpt(series.filter((p) => p.t >= td - 1000 && p.t <= until).map((p) => p.record)),
        },
      );
    }
    if (judged.length === 0)
      return indeterminate(`no capacity drop could be judged: ${skipped.join('; ')}`, {
        numbers: { drops: drops.length },
      });
    const worst = judged.reduce((a, b) => (b.reachMs > a.reachMs ? b : a));
    return pass(
      `${judged.length} capacity drop(s) followed; slowest: at ${worst.td} ms to ${worst.c2} kbit/s (V2 = ${round1(worst.v2)}), ` +
        `T ${worst.t0} → <= ${round1(worst.goal)} after ${round1(worst.reachMs)} ms (back-pressure after ` +
        `${round1(worst.observable - worst.td)} ms; limit ${DROP_DEADLINE_MS} ms from it)`,
      {
        atMs: worst.td,
        numbers: {
          drops: judged.length,
          reactionMs: round1(worst.reachMs),
          backPressureAfterMs: round1(worst.observable - worst.td),
          v2Kbps: round1(worst.v2),
          capacityKbps: worst.c2,
          targetBefore: worst.t0,
          ...(skipped.length ? { skipped: skipped.length } : {}),
        },
      },
    );
  },
};

/**
 * bitrate/recover/1: after a capacity rise to V3 = C3 − A that lasts at least 20 s, T reaches
 * 0.8 x min(max-bitrate, V3) within 20 s.
 */
export const targetRecovers: Check = {
  requirement: 'bitrate/recover/1',
  evaluate(trace) {
    const steps = capacitySteps(trace);
    if (!steps) return notApplicable('no uplink capacity program (net.link) in the trace');
    const rises = steps
      .map((s, i) => ({ s, prev: steps[i - 1] }))
      .filter(
        ({ s, prev }) =>
          prev !== undefined &&
          typeof prev.kbps === 'number' &&
          (s.kbps === null || (typeof s.kbps === 'number' && s.kbps > prev.kbps)),
      );
    if (rises.length === 0) return notApplicable('the uplink capacity never rises');
    const series = targetSeries(trace);
    const audio = arrivals(trace, 'audio');
    const { pubs, bg, paused } = foregroundPublishing(trace);
    const skipped: string[] = [];
    const judged: { tu: number; goal: number; reachMs: number; t0: number; v3: number }[] = [];
    for (const { s } of rises) {
      const tu = s.from;
      const until = tu + RECOVER_DEADLINE_MS;
      const c3 = s.kbps === null ? Number.POSITIVE_INFINITY : (s.kbps as number);
      const cap = minCapacity(steps, tu, until);
      if (cap === undefined || cap < c3) {
        skipped.push(`${tu} ms: capacity did not stay at ${c3} kbit/s for ${RECOVER_DEADLINE_MS} ms`);
        continue;
      }
      const pub = spanAt(pubs, tu);
      if (!pub || pub.to < until) {
        skipped.push(`${tu} ms: not publishing through ${RECOVER_DEADLINE_MS} ms after it`);
        continue;
      }
      if (overlaps(bg, tu, until) || overlaps(paused, tu, until)) {
        skipped.push(`${tu} ms: in the background, paused or with the camera disabled`);
        continue;
      }
      const t0 = targetAt(series, tu);
      if (t0 === undefined) {
        skipped.push(`${tu} ms: no video encoder open`);
        continue;
      }
      const a = audioKbps(audio, pub);
      const v3 = c3 - a;
      const { max } = bitrateBoundsAt(trace, tu);
      const goal = 0.8 * Math.min(max, v3);
      const values = targetValuesIn(series, tu, until);
      const hit = values.find((p) => p.kbps >= goal);
      if (!hit) {
        const highest = Math.max(...values.map((p) => p.kbps));
        return fail(
          `capacity rose at ${tu} ms to ${c3} kbit/s (V3 = ${round1(v3)}): the target reached only ${highest} kbit/s ` +
            `in ${RECOVER_DEADLINE_MS} ms (needed ${round1(goal)} = 0.8 x min(max-bitrate ${max}, V3))`,
          {
            atMs: tu,
            expected: `T >= ${round1(goal)} kbit/s by ${until} ms`,
            actual: `highest T ${highest} kbit/s`,
            numbers: {
              riseAtMs: tu,
              v3Kbps: round1(v3),
              goalKbps: round1(goal),
              targetBefore: t0,
              highestTarget: highest,
            },
            evidence: excerpt(series.filter((p) => p.t >= tu && p.t <= until).map((p) => p.record)),
          },
        );
      }
      judged.push({ tu, goal, reachMs: hit.t - tu, t0, v3 });
    }
    if (judged.length === 0) return indeterminate(`no capacity rise could be judged: ${skipped.join('; ')}`);
    const worst = judged.reduce((a, b) => (b.reachMs > a.reachMs ? b : a));
    return pass(
      `${judged.length} capacity rise(s) followed; slowest: at ${worst.tu} ms, T ${worst.t0} → >= ${round1(worst.goal)} kbit/s ` +
        `after ${worst.reachMs} ms (limit ${RECOVER_DEADLINE_MS})`,
      {
        atMs: worst.tu,
        numbers: {
          rises: judged.length,
          recoveryMs: worst.reachMs,
          goalKbps: round1(worst.goal),
          v3Kbps: round1(worst.v3),
          targetBefore: worst.t0,
        },
      },
    );
  },
};

/** Steady state (docs/spec.md Conventions): C constant for >= 25 s while publishing; the last 10 s are measured. */
export const STEADY_MS = 25000;
export const MEASURE_MS = 10000;

export interface SteadyWindow extends Span {
  capacityKbps: number;
  audioKbps: number;
  /** V = C − A (Infinity on an unlimited link). */
  videoCapacityKbps: number;
}

/** Measurement windows: the last 10 s of each constant-capacity stretch of >= 25 s while publishing in the foreground. */
export function steadyWindows(trace: readonly TraceRecord[]): SteadyWindow[] {
  const steps = capacitySteps(trace);
  if (!steps) return [];
  const { pubs, bg, paused } = foregroundPublishing(trace);
  const audio = arrivals(trace, 'audio');
  const out: SteadyWindow[] = [];
  for (const s of steps) {
    if (s.kbps === undefined) continue;
    for (const p of pubs) {
      const a = Math.max(s.from, p.from);
      const b = Math.min(s.to, p.to);
      if (b - a < STEADY_MS) continue;
      const w = { from: b - MEASURE_MS, to: b };
      if (overlaps(bg, w.from, w.to) || overlaps(paused, w.from, w.to)) continue;
      const capacity = s.kbps === null ? Number.POSITIVE_INFINITY : s.kbps;
      const audioRate = kbpsIn(audio, w.from, w.to);
      out.push({
        ...w,
        capacityKbps: capacity,
        audioKbps: audioRate,
        videoCapacityKbps: capacity - audioRate,
      });
    }
  }
  return out;
}

const fmt = (v: number) => (Number.isFinite(v) ? String(round1(v)) : 'unlimited');

/** bitrate/utilisation/1: in steady state, mean RV >= 0.7 x min(max, V) and mean T <= 1.1 x V. */
export const steadyUtilisation: Check = {
  requirement: 'bitrate/utilisation/1',
  evaluate(trace) {
    const windows = steadyWindows(trace);
    if (windows.length === 0)
      return publishingIntervals(trace).length === 0
        ? indeterminate('the pusher never published')
        : notApplicable(
            `no steady state (capacity constant for ${STEADY_MS / 1000} s while publishing in the foreground)`,
          );
    const video = arrivals(trace, 'video');
    const series = targetSeries(trace);
    const rows: string[] = [];
    let numbers: Record<string, number> = {};
    for (const w of windows) {
      const { max } = bitrateBoundsAt(trace, w.from);
      const rv = kbpsIn(video, w.from, w.to);
      const tMean = meanTarget(series, w.from, w.to) ?? 0;
      const need = 0.7 * Math.min(max, w.videoCapacityKbps);
      const cap = 1.1 * w.videoCapacityKbps;
      const row = `[${w.from}, ${w.to}) C ${fmt(w.capacityKbps)}, V ${fmt(w.videoCapacityKbps)}: RV ${round1(rv)}, mean T ${round1(tMean)}`;
      rows.push(row);
      const n = {
        fromMs: w.from,
        capacityKbps: Number.isFinite(w.capacityKbps) ? w.capacityKbps : -1,
        rvKbps: round1(rv),
        meanTargetKbps: round1(tMean),
        utilisation: Number.isFinite(w.videoCapacityKbps)
          ? round1((100 * rv) / w.videoCapacityKbps) / 100
          : -1,
      };
      if (rv < need || tMean > cap) {
        return fail(
          `steady state ${row}: ${rv < need ? `RV below 0.7 x min(max-bitrate ${max}, V) = ${round1(need)}` : `mean T above 1.1 x V = ${round1(cap)}`}`,
          {
            atMs: w.from,
            expected: `RV >= ${round1(need)} and mean T <= ${fmt(cap)}`,
            actual: `RV ${round1(rv)}, mean T ${round1(tMean)}`,
            numbers: n,
          },
        );
      }
      numbers = n;
    }
    return pass(`${windows.length} steady window(s): ${rows.join('; ')}`, {
      numbers: { windows: windows.length, ...numbers },
    });
  },
};

function coefficientOfVariation(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

/** bitrate/stability/1 (informational): 1006 per minute and the coefficient of variation of T and RV in 1 s bins. */
export const targetStability: Check = {
  requirement: 'bitrate/stability/1',
  evaluate(trace) {
    const windows = steadyWindows(trace);
    if (windows.length === 0) return notApplicable('no steady state to measure');
    const video = arrivals(trace, 'video');
    const series = targetSeries(trace);
    const changes = eventsWithCode(trace, 1006);
    const rows: string[] = [];
    const numbers: Record<string, number> = {};
    windows.forEach((w, i) => {
      const perMinute = (changes.filter((e) => e.t >= w.from && e.t < w.to).length * 60000) / (w.to - w.from);
      const tBins: number[] = [];
      const rvBins: number[] = [];
      for (let a = w.from; a + 1000 <= w.to; a += 1000) {
        tBins.push(meanTarget(series, a, a + 1000) ?? 0);
        rvBins.push(kbpsIn(video, a, a + 1000));
      }
      const cvT = coefficientOfVariation(tBins);
      const cvRv = coefficientOfVariation(rvBins);
      rows.push(
        `[${w.from}, ${w.to}): ${round1(perMinute)} 1006/min, CV(T) ${cvT.toFixed(3)}, CV(RV) ${cvRv.toFixed(3)}`,
      );
      numbers[`w${i}EventsPerMin`] = round1(perMinute);
      numbers[`w${i}CvTarget`] = Math.round(cvT * 1000) / 1000;
      numbers[`w${i}CvReceived`] = Math.round(cvRv * 1000) / 1000;
    });
    return pass(rows.join('; '), { numbers });
  },
};

/**
 * bitrate/events/1: every change of the encoder target (setTargetBitrate to a new value, a reopen with another
 * target) has one 1006 within E of it, and every 1006 one such change within E. Matching is one-to-one, in
 * time order, each change taking the nearest free 1006; the first open of each push (internal/push-model.ts)
 * is not a change.
 */
export const bitrateEvents: Check = {
  requirement: 'bitrate/events/1',
  evaluate(trace) {
    const changes: { t: number; from: number; to: number; record: TraceRecord }[] = [];
    let prev: number | undefined;
    let current: string | undefined;
    let opened = false;
    // A new push starts a new target history (a start() answered "already pushing" does not).
    const pushStarts = new Set(pushModel(trace).pushes.map((p) => p.startRecord.seq));
    for (const r of trace) {
      if (pushStarts.has(r.seq)) prev = undefined;
      if (r.kind !== 'device.call' || str(r, 'device') !== 'videoEncoder' || str(r, 'result') !== 'ok')
        continue;
      const args = field(r, 'args');
      const a = args && typeof args === 'object' && !Array.isArray(args) ? args : {};
      const handle = `${str(r, 'kind')}#${num(r, 'session')}`;
      const method = str(r, 'method');
      let kbps: number | undefined;
      if (method === 'openVideoEncoder' && typeof a.targetBitrateKbps === 'number') {
        opened = true;
        current = handle;
        kbps = a.targetBitrateKbps;
      } else if (method === 'setTargetBitrate' && handle === current && typeof a.kbps === 'number')
        kbps = a.kbps;
      if (kbps === undefined) continue;
      if (prev !== undefined && kbps !== prev) changes.push({ t: ms(r), from: prev, to: kbps, record: r });
      prev = kbps;
    }
    const evts = eventsWithCode(trace, 1006);
    if (!opened && evts.length === 0) return notApplicable('no video encoder was opened');
    const unmatched = [...evts];
    for (const c of changes) {
      // The nearest unmatched 1006 within E (the first one would take a neighbour's event at 1 s steps).
      let i = -1;
      for (let k = 0; k < unmatched.length; k++) {
        const d = Math.abs(unmatched[k].t - c.t);
        if (d <= E && (i < 0 || d < Math.abs(unmatched[i].t - c.t))) i = k;
      }
      if (i < 0) {
        return fail(
          `the target changed ${c.from} → ${c.to} kbit/s at ${c.t} ms with no 1006 within ${E} ms`,
          {
            atMs: c.t,
            expected: `a 1006 in [${c.t - E}, ${c.t + E}] ms`,
            actual: `1006 at ${
              evts
                .filter((e) => Math.abs(e.t - c.t) <= 5 * E)
                .map((e) => e.t)
                .join(', ') || 'none nearby'
            }`,
            evidence: excerpt([
              c.record,
              ...evts.filter((e) => Math.abs(e.t - c.t) <= 5 * E).map((e) => e.record),
            ]),
          },
        );
      }
      unmatched.splice(i, 1);
    }
    if (unmatched.length > 0) {
      const e = unmatched[0];
      return fail(
        `${unmatched.length} 1006 event(s) without a change of the encoder target (first at ${e.t} ms: ${str(e.record, 'message')})`,
        {
          atMs: e.t,
          numbers: { changes: changes.length, events: evts.length },
          evidence: excerpt([
            ...unmatched.map((x) => x.record),
            ...changes.filter((c) => Math.abs(c.t - e.t) <= 5 * E).map((c) => c.record),
          ]),
        },
      );
    }
    return pass(`${changes.length} target change(s), each with one 1006 within ${E} ms; no other 1006`, {
      numbers: { changes: changes.length, events: evts.length },
    });
  },
};

/** A change of the pushed size on one connection, with the window in which its 1005 may be emitted. */
interface SizeChange {
  header: SequenceHeader;
  previous: SequenceHeader;
  /** Earliest pusher-side time of the header (internal/tag-write-times.ts); its arrival is the latest. */
  written: number;
  /**
   * The start of a pause that ended within 2 s before the header was written: a size decided while paused
   * (nothing is written then) is pushed at the resume, so its 1005 may come from the pause on.
   */
  pausedFrom?: number;
}

function sizeChanges(trace: readonly TraceRecord[]): SizeChange[] {
  const headers = sequenceHeaders(trace);
  const paused = pausedIntervals(trace);
  const out: SizeChange[] = [];
  for (let i = 1; i < headers.length; i++) {
    const h = headers[i];
    const p = headers[i - 1];
    if (h.segment !== p.segment) continue;
    if (h.width === p.width && h.height === p.height) continue;
    const pause = paused.find((x) => x.from < h.written && x.to >= h.written - 2000);
    out.push({ header: h, previous: p, written: h.written, ...(pause ? { pausedFrom: pause.from } : {}) });
  }
  return out;
}

/**
 * bitrate/events/2: each size change between sequence headers of a connection has one 1005 in
 * [write − 2 s, write + E]; every 1005 has such a change. The write time is bounded by the header's estimated
 * write time (internal/tag-write-times.ts) and its arrival, so the window used is [written − 2 s, arrival + E],
 * opened back to the start of a pause that ended within the 2 s. A 1005 is only called spurious when the
 * server saw everything the pusher wrote on that connection until 2 s after it (internal/delivery-horizon.ts):
 * a header still queued when the connection was reset, kicked, went half-open or the case ended, or not yet
 * written because the push is paused, is unknown.
 */
export const resolutionEvents: Check = {
  requirement: 'bitrate/events/2',
  evaluate(trace) {
    const changes = sizeChanges(trace);
    const evts = eventsWithCode(trace, 1005);
    const headers = sequenceHeaders(trace);
    if (headers.length === 0 && evts.length === 0)
      return notApplicable('no AVC sequence header reached the server');
    const unmatched = [...evts];
    for (const c of changes) {
      const lo = Math.min(c.written - 2000, c.pausedFrom ?? Number.POSITIVE_INFINITY);
      const hi = c.header.arrival + E;
      // The 1005 nearest the header's write time among those in the window.
      let i = -1;
      for (let k = 0; k < unmatched.length; k++) {
        const e = unmatched[k];
        if (e.t < lo || e.t > hi) continue;
        if (i < 0 || Math.abs(e.t - c.written) < Math.abs(unmatched[i].t - c.written)) i = k;
      }
      if (i < 0) {
        return fail(
          `the pushed size changed ${c.previous.width}x${c.previous.height} → ${c.header.width}x${c.header.height} ` +
            `(header written ~${round1(c.written)} ms, arrived ${round1(c.header.arrival)} ms) with no 1005 in [${round1(lo)}, ${round1(hi)}] ms`,
          {
            atMs: c.header.arrival,
            evidence: excerpt([c.previous.record, c.header.record, ...evts.map((e) => e.record)]),
          },
        );
      }
      unmatched.splice(i, 1);
    }
    const horizon = deliveryHorizon(trace);
    const anyPublished = headers.length > 0;
    const judged = (t: number) => {
      const s0 = horizon.segmentAt(t);
      const s1 = horizon.segmentAt(t + 2000);
      // Before anything was published a 1005 announces a size never pushed: judged once the push shows.
      if (s0 === -1) return s1 === -1 ? anyPublished : horizon.of(s1) >= t + 2000;
      // A reconnection within the 2 s: the header may have gone down with the old connection.
      return s0 === s1 && horizon.of(s1) >= t + 2000;
    };
    const spurious = unmatched.filter((e) => judged(e.t));
    const unseen = unmatched.length - spurious.length;
    if (spurious.length > 0) {
      const e = spurious[0];
      return fail(
        `${spurious.length} 1005 event(s) without a change of the pushed size (first at ${e.t} ms: ${str(e.record, 'message')})`,
        {
          atMs: e.t,
          numbers: { sizeChanges: changes.length, events: evts.length },
          evidence: excerpt([...spurious.map((x) => x.record), ...headers.map((h) => h.record)]),
        },
      );
    }
    const sizes = changes.length
      ? ` (${changes.map((c) => `${Math.min(c.previous.width, c.previous.height)}p→${Math.min(c.header.width, c.header.height)}p`).join(', ')})`
      : '';
    const extra = unseen
      ? `; ${unseen} 1005 not judged (what the pusher wrote in the 2 s after it never reached the server)`
      : '; no other 1005';
    return pass(`${changes.length} size change(s) of the pushed stream, each with one 1005${sizes}${extra}`, {
      numbers: { sizeChanges: changes.length, events: evts.length, ...(unseen ? { unjudged: unseen } : {}) },
    });
  },
};

/** Maximal spans where T stays within [lo, hi] while publishing in the foreground (and `keep(t)` holds at the start). */
function heldSpans(
  trace: readonly TraceRecord[],
  series: readonly TargetPoint[],
  lo: number,
  hi: number,
): Span[] {
  const { pubs, bg, paused } = foregroundPublishing(trace);
  const out: Span[] = [];
  for (const p of pubs) {
    // Change points of T inside the publishing interval, and the background/pause edges.
    const cuts = new Set<number>([p.from, p.to]);
    for (const s of series) if (s.t > p.from && s.t < p.to) cuts.add(s.t);
    for (const s of [...bg, ...paused]) {
      if (s.from > p.from && s.from < p.to) cuts.add(s.from);
      if (s.to > p.from && s.to < p.to) cuts.add(s.to);
    }
    const times = [...cuts].sort((a, b) => a - b);
    let open: number | undefined;
    for (let i = 0; i + 1 < times.length; i++) {
      const a = times[i];
      const v = targetAt(series, a);
      const ok =
        v !== undefined &&
        v >= lo &&
        v <= hi &&
        !overlaps(bg, a, times[i + 1]) &&
        !overlaps(paused, a, times[i + 1]);
      if (ok && open === undefined) open = a;
      if (!ok && open !== undefined) {
        out.push({ from: open, to: a });
        open = undefined;
      }
    }
    if (open !== undefined) out.push({ from: open, to: p.to });
  }
  return out;
}

/** How long T must be held for the resolution rules, ms. */
export const HOLD_MS = 8000;

/**
 * bitrate/resolution/1: in FHD, T held in 1900..2100 kbit/s for 8 s → short side 720 ± 16 at the end of those
 * 8 s; in any mode, T held in 250..350 for 8 s → short side < 720. The pushed size is read at the server with
 * E of delivery allowance.
 */
export const seedResolutionExamples: Check = {
  requirement: 'bitrate/resolution/1',
  evaluate(trace) {
    const series = targetSeries(trace);
    const headers = sequenceHeaders(trace);
    const results: string[] = [];
    const examples = [
      {
        lo: 1900,
        hi: 2100,
        fhdOnly: true,
        ok: (s: number) => Math.abs(s - 720) <= 16,
        want: 'short side 720 ± 16',
      },
      { lo: 250, hi: 350, fhdOnly: false, ok: (s: number) => s < 720, want: 'short side < 720' },
    ];
    for (const ex of examples) {
      for (const span of heldSpans(trace, series, ex.lo, ex.hi)) {
        if (span.to - span.from < HOLD_MS) continue;
        const at = span.from + HOLD_MS;
        if (ex.fhdOnly && modeAt(trace, at) !== 'FHD') continue;
        const h = pushedSizeAt(headers, at + E);
        if (!h) continue;
        const short = Math.min(h.width, h.height);
        const line = `T in ${ex.lo}..${ex.hi} from ${span.from} ms: ${h.width}x${h.height} at ${at} ms`;
        if (!ex.ok(short)) {
          return fail(`${line}, expected ${ex.want}`, {
            atMs: at,
            expected: ex.want,
            actual: `${h.width}x${h.height}`,
            numbers: { heldFromMs: span.from, shortSide: short, target: targetAt(series, at) ?? -1 },
            evidence: excerpt([
              h.record,
              ...series.filter((p) => p.t >= span.from - 1000 && p.t <= at).map((p) => p.record),
            ]),
          });
        }
        results.push(line);
      }
    }
    if (results.length === 0)
      return notApplicable(
        'T was never held for 8 s within 1900..2100 kbit/s in FHD nor within 250..350 kbit/s',
      );
    return pass(results.join('; '), { numbers: { examples: results.length } });
  },
};

/**
 * bitrate/resolution/2 (SHOULD): sampled once a second; where T stayed within ±10% of its mean b for the last
 * 8 s, b is >= 10% away from every threshold and the mode did not change, the pushed rung (at the server, E
 * allowed for delivery) is the ladder's rung for b capped by the mode.
 */
export const resolutionFollowsLadder: Check = {
  requirement: 'bitrate/resolution/2',
  evaluate(trace) {
    const series = targetSeries(trace);
    const headers = sequenceHeaders(trace);
    const { pubs, bg, paused } = foregroundPublishing(trace);
    const modeChanges = attributeChangeTimes(trace, ['mode', 'aspect', 'orientation']);
    let samples = 0;
    for (const p of pubs) {
      for (let t = p.from + HOLD_MS; t <= p.to - E; t += 1000) {
        const from = t - HOLD_MS;
        if (overlaps(bg, from, t) || overlaps(paused, from, t)) continue;
        if (modeChanges.some((c) => c > from - 2000 && c <= t)) continue;
        const values = targetValuesIn(series, from, t);
        if (values.length === 0) continue;
        const b = meanTarget(series, from, t);
        if (b === undefined) continue;
        const lo = Math.min(...values.map((v) => v.kbps));
        const hi = Math.max(...values.map((v) => v.kbps));
        if (lo < 0.9 * b || hi > 1.1 * b) continue;
        if (LADDER_KBPS.some((th) => th > 0 && Math.abs(b - th) < 0.1 * th)) continue;
        const h = pushedSizeAt(headers, t + E);
        if (!h) continue;
        const mode = modeAt(trace, t);
        const want = ladderRung(b, mode);
        const got = rungOf(h.width, h.height);
        samples++;
        if (want !== got) {
          return fail(
            `T held around ${round1(b)} kbit/s (${lo}..${hi}) for 8 s up to ${t} ms in ${mode}: pushed ${h.width}x${h.height} (${got}), ladder says ${want}`,
            {
              atMs: t,
              expected: want,
              actual: got,
              numbers: { steadyTargetKbps: round1(b), samples },
              evidence: excerpt([
                h.record,
                ...series.filter((x) => x.t >= from && x.t <= t).map((x) => x.record),
              ]),
            },
          );
        }
      }
    }
    if (samples === 0) return notApplicable('T was never steady for 8 s away from the ladder thresholds');
    return pass(
      `${samples} one-second sample(s) with a steady target: the pushed rung always matched the ladder`,
      {
        numbers: { samples },
      },
    );
  },
};

/** bitrate/resolution/3 (SHOULD): resolution changes caused by adaptation are >= 1.5 s apart (1005 times and header capture times). */
export const resolutionDoesNotFlap: Check = {
  requirement: 'bitrate/resolution/3',
  evaluate(trace) {
    const attrs = attributeChangeTimes(trace);
    const byAttribute = (t: number) => attrs.some((a) => t >= a && t <= a + 2000);
    const evts = eventsWithCode(trace, 1005).filter((e) => !byAttribute(e.t));
    const changes = sizeChanges(trace).filter((c) => !byAttribute(c.written));
    if (evts.length + changes.length === 0) return notApplicable('no resolution change caused by adaptation');
    const lists: [string, { t: number; r: TraceRecord }[]][] = [
      ['1005 events', evts.map((e) => ({ t: e.t, r: e.record }))],
      ['sequence-header size changes', changes.map((c) => ({ t: c.written, r: c.header.record }))],
    ];
    let minGap = Number.POSITIVE_INFINITY;
    for (const [name, list] of lists) {
      for (let i = 1; i < list.length; i++) {
        const gap = list[i].t - list[i - 1].t;
        minGap = Math.min(minGap, gap);
        if (gap < 1500)
          return fail(
            `two ${name} ${round1(gap)} ms apart (at ${round1(list[i - 1].t)} and ${round1(list[i].t)} ms; at least 1500 expected)`,
            {
              atMs: list[i].t,
              numbers: { gapMs: round1(gap) },
              evidence: excerpt([list[i - 1].r, list[i].r]),
            },
          );
      }
    }
    return pass(
      `${evts.length} 1005 event(s) and ${changes.length} size change(s) from adaptation, ` +
        (Number.isFinite(minGap) ? `closest ${round1(minGap)} ms apart` : 'one of each at most'),
      {
        numbers: {
          events: evts.length,
          sizeChanges: changes.length,
          ...(Number.isFinite(minGap) ? { minGapMs: round1(minGap) } : {}),
        },
      },
    );
  },
};

const NET_STATUS_FIELDS = [
  'videoBitrate',
  'audioBitrate',
  'videoFps',
  'videoGop',
  'netSpeed',
  'netJitter',
  'videoCache',
  'audioCache',
  'videoWidth',
  'videoHeight',
  'targetBitrate',
] as const;

/**
 * bitrate/net-status/1: per publishing interval, the first record within 2 s of its 1002, then records
 * 1000 ± 100 ms apart up to its end, every field finite and >= 0, none outside publishing (100 ms allowed
 * after the connection's close for a record already due). For the cadence a publishing interval also ends
 * with its push (stop(), -1307, a critical error), even when the connection closes later.
 */
export const netStatusCadence: Check = {
  requirement: 'bitrate/net-status/1',
  evaluate(trace) {
    const pubs = publishingIntervals(trace);
    const records = ofKind(trace, 'pusher.netstatus');
    if (pubs.length === 0)
      return records.length === 0
        ? indeterminate('the pusher never published')
        : fail(`${records.length} net-status record(s) although the pusher never published`, {
            evidence: excerpt(records),
          });
    for (const r of records) {
      for (const f of NET_STATUS_FIELDS) {
        const v = r.data[f];
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
          return fail(
            `net-status field ${f} is ${JSON.stringify(v)} at ${ms(r)} ms (expected a finite number >= 0)`,
            {
              atMs: ms(r),
              evidence: [r],
            },
          );
      }
      if (!pubs.some((p) => ms(r) >= p.from && ms(r) <= p.to + 100))
        return fail(`net-status record at ${ms(r)} ms while not publishing`, {
          atMs: ms(r),
          evidence: excerpt([
            r,
            ...eventsWithCode(trace, 1002).map((e) => e.record),
            ...ofKind(trace, 'wire.close'),
          ]),
        });
    }
    let gaps = 0;
    const model = pushModel(trace);
    for (const pub of pubs) {
      // The push ends at stop() (or -1307, a critical error): a connection still draining its teardown
      // through a slow link after it is no longer a push that reports its status.
      const push = model.pushAt(pub.from);
      const p = { from: pub.from, to: Math.min(pub.to, push ? push.endMs : pub.to) };
      const inside = records.filter((r) => ms(r) >= p.from && ms(r) <= p.to + 100).map(ms);
      const firstDeadline = p.from + 2000;
      if (p.to < firstDeadline) continue;
      if (inside.length === 0 || inside[0] > firstDeadline)
        return fail(
          `no net-status record within 2 s of the 1002 at ${p.from} ms (first at ${inside[0] ?? 'never'})`,
          {
            atMs: p.from,
          },
        );
      const points = [...inside];
      for (let i = 1; i < points.length; i++) {
        const gap = points[i] - points[i - 1];
        gaps++;
        if (gap < 900 || gap > 1100)
          return fail(
            `net-status records ${round1(gap)} ms apart at ${points[i - 1]} and ${points[i]} ms (1000 ± 100 expected)`,
            {
              atMs: points[i],
              numbers: { gapMs: round1(gap) },
            },
          );
      }
      const tail = p.to - points[points.length - 1];
      if (tail > 1100)
        return fail(
          `net-status records stopped at ${points[points.length - 1]} ms while publishing until ${p.to} ms`,
          {
            atMs: points[points.length - 1],
            numbers: { gapMs: round1(tail) },
          },
        );
    }
    return pass(
      `${records.length} net-status record(s) in ${pubs.length} publishing interval(s), all 1000 ± 100 ms apart`,
      {
        numbers: { records: records.length, gaps },
      },
    );
  },
};

/**
 * bitrate/net-status/2: each record's width x height is the size of a sequence header in force at some time
 * in [record − 1 s, record] (a header is in force from its estimated write time to the arrival of the next
 * one, the bounds of its unknown write time), and targetBitrate equals T at the record. While paused nothing
 * is written: a record whose second overlaps a pause may also report the size of the first header written
 * after the pause began (the size the push resumes with), and a record of a publish whose first header is
 * not written yet the size of that header (the size the connection starts with). The size is judged only
 * while the pusher was
 * publishing and the server saw everything it wrote until the record (internal/delivery-horizon.ts): a
 * header still queued when the connection was reset, kicked, went half-open or the case ended is unknown.
 * A publish that writes no video sequence header at all pushes no size: its records are not judged.
 */
export const netStatusTruthful: Check = {
  requirement: 'bitrate/net-status/2',
  evaluate(trace) {
    const records = ofKind(trace, 'pusher.netstatus');
    if (records.length === 0) return notApplicable('no net-status record');
    const headers = sequenceHeaders(trace);
    const series = targetSeries(trace);
    const paused = pausedIntervals(trace);
    const horizon = deliveryHorizon(trace);
    let sizeChecked = 0;
    let unseen = 0;
    let noVideo = 0;
    for (const r of records) {
      const t = ms(r);
      const w = num(r, 'videoWidth') ?? -1;
      const h = num(r, 'videoHeight') ?? -1;
      const target = num(r, 'targetBitrate');
      // T at the record: the value just before or just after the changes made at the same instant.
      const before = targetAt(series, t - 0.001);
      const after = targetAt(series, t);
      if (target !== before && target !== after)
        return fail(
          `net status at ${t} ms reports targetBitrate ${target}, the encoder target is ${after ?? 'none'}`,
          {
            atMs: t,
            expected: String(after),
            actual: String(target),
            evidence: excerpt([r, ...series.filter((p) => Math.abs(p.t - t) <= 2000).map((p) => p.record)]),
          },
        );
      if (headers.length === 0 || headers[0].written > t) continue;
      const segment = horizon.segmentAt(t);
      if (segment < 0 || horizon.of(segment) < t) {
        unseen++;
        continue;
      }
      const inForce = headers.filter(
        (x, i) => x.written <= t && (i + 1 === headers.length || headers[i + 1].arrival >= t - 1000),
      );
      // Just after a publish began, before the connection's first header is written: the size it starts with.
      const opening = headers.find((x) => x.segment === segment);
      // A publish that writes no video at all (the camera failed, the app is in the background without a
      // waiting image) pushes no size: the record may report the encoder's, which nothing contradicts.
      if (opening === undefined) {
        noVideo++;
        continue;
      }
      if (opening && opening.written > t && !inForce.includes(opening)) inForce.push(opening);
      for (const p of paused.filter((x) => x.from <= t && x.to >= t - 1000)) {
        const resumed = headers.find((x) => x.written >= p.from);
        if (resumed && !inForce.includes(resumed)) inForce.push(resumed);
      }
      sizeChecked++;
      if (!inForce.some((x) => x.width === w && x.height === h))
        return fail(
          `net status at ${t} ms reports ${w}x${h}; the pushed size in [${t - 1000}, ${t}] ms was ${inForce.map((x) => `${x.width}x${x.height}`).join(' or ') || 'unknown'}`,
          { atMs: t, evidence: excerpt([r, ...inForce.map((x) => x.record)]) },
        );
    }
    return pass(
      `${records.length} net-status record(s): target always T, size always the pushed one (${sizeChecked} checked` +
        (unseen ? `; ${unseen} not judged: what the pusher wrote by then never reached the server` : '') +
        (noVideo ? `; ${noVideo} not judged: their publish pushed no video` : '') +
        ')',
      {
        numbers: {
          records: records.length,
          sizeChecked,
          ...(unseen ? { unjudged: unseen } : {}),
          ...(noVideo ? { withoutVideo: noVideo } : {}),
        },
      },
    );
  },
};

/** bitrate/net-status/3 (SHOULD): in steady state, mean reported videoBitrate within ±20% of RV over the last 10 s. */
export const netStatusMatchesServer: Check = {
  requirement: 'bitrate/net-status/3',
  evaluate(trace) {
    const records = ofKind(trace, 'pusher.netstatus');
    if (records.length === 0) return notApplicable('no net-status record');
    const windows = steadyWindows(trace);
    if (windows.length === 0) return notApplicable('no steady state to compare in');
    const video = arrivals(trace, 'video');
    const rows: string[] = [];
    let numbers: Record<string, number> = {};
    for (const w of windows) {
      const inside = records.filter((r) => ms(r) >= w.from && ms(r) < w.to);
      if (inside.length === 0) continue;
      const reported = inside.reduce((a, r) => a + (num(r, 'videoBitrate') ?? 0), 0) / inside.length;
      const rv = kbpsIn(video, w.from, w.to);
      const ratio = rv > 0 ? reported / rv : Number.POSITIVE_INFINITY;
      numbers = {
        fromMs: w.from,
        reportedKbps: round1(reported),
        rvKbps: round1(rv),
        ratio: Math.round(ratio * 1000) / 1000,
      };
      if (ratio < 0.8 || ratio > 1.2)
        return fail(
          `steady window [${w.from}, ${w.to}): reported video bitrate ${round1(reported)} vs received ${round1(rv)} kbit/s (±20% allowed)`,
          {
            atMs: w.from,
            numbers,
          },
        );
      rows.push(`[${w.from}, ${w.to}) reported ${round1(reported)} vs RV ${round1(rv)}`);
    }
    if (rows.length === 0) return notApplicable('no net-status record inside a steady window');
    return pass(rows.join('; '), { numbers });
  },
};

/** Gap limit of `bitrate/audio/1`, ms. */
export const AUDIO_GAP_MS = 500;

/** bitrate/audio/1 (SHOULD): while C >= 2A + min-bitrate, consecutive audio frames arrive <= 500 ms apart. */
export const audioHasPriority: Check = {
  requirement: 'bitrate/audio/1',
  evaluate(trace) {
    const steps = capacitySteps(trace);
    if (!steps) return notApplicable('no uplink capacity program (net.link) in the trace');
    const pubs = publishingIntervals(trace);
    if (pubs.length === 0) return indeterminate('the pusher never published');
    const audio = arrivals(trace, 'audio');
    const paused = pausedIntervals(trace);
    let judged = 0;
    let worst = 0;
    let worstAt = 0;
    for (const p of pubs) {
      const a = audioKbps(audio, p);
      const i0 = firstIndexAtOrAfter(audio, p.from);
      const i1 = firstIndexAtOrAfter(audio, p.to);
      for (let i = i0 + 1; i < i1; i++) {
        const from = audio.t[i - 1];
        const to = audio.t[i];
        if (overlaps(paused, from, to)) continue;
        const c = minCapacity(steps, from, to);
        const { min } = bitrateBoundsAt(trace, from);
        if (c === undefined || c < 2 * a + min) continue;
        judged++;
        const gap = to - from;
        if (gap > worst) {
          worst = gap;
          worstAt = to;
        }
        if (gap > AUDIO_GAP_MS)
          return fail(
            `audio frames arrived ${round1(gap)} ms apart (${round1(from)} → ${round1(to)} ms) with C ${c} >= 2 x ${round1(a)} + ${min} kbit/s`,
            {
              atMs: to,
              expected: `gaps <= ${AUDIO_GAP_MS} ms`,
              actual: `${round1(gap)} ms`,
              numbers: { gapMs: round1(gap), capacityKbps: c, audioKbps: round1(a) },
              evidence: [audio.records[i - 1], audio.records[i]],
            },
          );
      }
    }
    if (judged === 0) return notApplicable('no audio while the capacity was at least 2A + min-bitrate');
    return pass(
      `${judged} audio gap(s) judged, longest ${round1(worst)} ms at ${round1(worstAt)} ms (limit ${AUDIO_GAP_MS})`,
      {
        numbers: { gaps: judged, longestGapMs: round1(worst) },
      },
    );
  },
};

/** Checks of the `bitrate` area of docs/spec.md. */
export const BITRATE_CHECKS: readonly Check[] = [
  targetFollowsDrop,
  targetRecovers,
  steadyUtilisation,
  targetStability,
  bitrateEvents,
  resolutionEvents,
  seedResolutionExamples,
  resolutionFollowsLadder,
  resolutionDoesNotFlap,
  netStatusCadence,
  netStatusTruthful,
  netStatusMatchesServer,
  audioHasPriority,
];

/** The keep-alive duration K of the run's profile (docs/spec.md Profiles), ms. */
export function keepAliveMs(trace: readonly TraceRecord[]): number {
  return profileValue(trace, 'waitingImageKeepAliveMs') ?? 180000;
}
