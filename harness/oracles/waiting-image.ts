/**
 * Checks of the `waiting-image` area of docs/spec.md. The image's fate is read from the trace: the
 * `waiting-image` / `waiting-image-hash` attributes in force, the HTTP fetches of that URL and, from
 * `case.start.waitingImage`, the PNG the harness serves (its MD5, the colour a pusher pushes for it and the
 * HTTP rule that serves it). Pictures at the server are recognised by their decoded colour (background.ts).
 */
import type { TraceRecord } from '../sim/trace.js';
import {
  audioFrameMs,
  audioGapIn,
  cameraIntervalAt,
  cameraSessions,
  connectionBreaks,
  cutNote,
  FRAME_SLACK_MS,
  frameIntervalMs,
  isCameraSource,
  type ServerFrame,
  servedWaitingImage,
  serverFrames,
} from './background.js';
import {
  arrivals,
  attributeAt,
  attributePatches,
  backgroundings,
  booleanAttributeAt,
  caseEndMs,
  kbpsIn,
  keepAliveMs,
  type PublishingInterval,
  publishingIntervals,
  type Span,
  spanAt,
  targetSeries,
  targetValuesIn,
} from './bitrate.js';
import { EVENT_DEADLINE_MS } from './events.js';
import { backgroundWindow, interruption, longestGapIn, pushRunningAt } from './internal/background-window.js';
import { writtenFrames } from './internal/write-times.js';
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

const E = EVENT_DEADLINE_MS;
const round1 = (v: number) => Math.round(v * 10) / 10;

// =====================================================================================================
// The image's fate
// =====================================================================================================

export type ImageVerdict =
  | 'no-url'
  | 'usable'
  | 'hash-mismatch'
  | 'http-status'
  | 'transport'
  | 'undecodable'
  | 'not-fetched';

export interface ImageStatus {
  verdict: ImageVerdict;
  detail: string;
  url: string;
  hash: string;
  /** When the (waiting-image, waiting-image-hash) pair in force was set. */
  setAt: number;
  /** Completion of the good fetch (usable), or of the last failed one. */
  fetchedAt?: number;
  records: TraceRecord[];
}

const isUnusable = (v: ImageVerdict) => v !== 'usable' && v !== 'not-fetched';

/**
 * The waiting image in force at `t` and what became of its fetch. A 200 response is this PNG when it came
 * from the harness's waiting-image rule for that URL; any other body is taken as not decodable (cases serve
 * images only through `waitingImage`). A non-empty hash is compared with the PNG's MD5 (hex, any case,
 * white space trimmed); a body that is not the PNG cannot have the PNG's MD5, so with a hash it is a mismatch.
 */
export function imageStatusAt(trace: readonly TraceRecord[], t: number): ImageStatus {
  const rawUrl = attributeAt(trace, 'waitingImage', t);
  const rawHash = attributeAt(trace, 'waitingImageHash', t);
  const url = typeof rawUrl === 'string' ? rawUrl : '';
  const hash = typeof rawHash === 'string' ? rawHash.trim().toLowerCase() : '';
  let setAt = 0;
  for (const p of attributePatches(trace)) {
    if (p.t > t) break;
    if ('waitingImage' in p.attrs || 'waitingImageHash' in p.attrs) setAt = p.t;
  }
  const base = { url, hash, setAt, records: [] as TraceRecord[] };
  if (url === '') return { ...base, verdict: 'no-url', detail: 'no waiting-image attribute' };
  const served = servedWaitingImage(trace);
  const requests = ofKind(trace, 'net.http.request').filter((r) => str(r, 'url') === url && ms(r) >= setAt);
  const responses = ofKind(trace, 'net.http.response');
  let last: ImageStatus | undefined;
  for (const req of requests) {
    const res = responses.find((r) => num(r, 'conn') === num(req, 'conn'));
    if (!res) continue;
    const at = ms(res);
    const records = [req, res];
    const error = str(res, 'error');
    const status = num(res, 'status');
    const isPng = served !== undefined && served.url === url && num(req, 'rule') === served.rule;
    let verdict: ImageVerdict;
    let detail: string;
    if (error) {
      verdict = 'transport';
      detail = `fetch failed: ${error}`;
    } else if (status !== 200) {
      verdict = 'http-status';
      detail = `HTTP ${status}`;
    } else if (hash !== '' && (!isPng || hash !== served?.md5)) {
      verdict = 'hash-mismatch';
      detail = `waiting-image-hash ${hash} is not the MD5 of the body${isPng ? ` (${served?.md5})` : ''}`;
    } else if (!isPng) {
      verdict = 'undecodable';
      detail = `the body (${num(res, 'bytes')} bytes, "${str(res, 'scripted')}") is not the waiting image`;
    } else {
      return {
        ...base,
        verdict: 'usable',
        detail: `HTTP 200, ${num(res, 'bytes')} bytes`,
        fetchedAt: at,
        records,
      };
    }
    last = { ...base, verdict, detail, fetchedAt: at, records };
  }
  return last ?? { ...base, verdict: 'not-fetched', detail: `the pusher never fetched ${url}` };
}

/** Backgroundings that happened while publishing, with the publishing interval and the image's status. */
interface Episode {
  bg: Span & { record: TraceRecord };
  pub: PublishingInterval;
  image: ImageStatus;
}

function episodes(trace: readonly TraceRecord[]): Episode[] {
  const pubs = publishingIntervals(trace);
  const out: Episode[] = [];
  for (const bg of backgroundings(trace)) {
    const pub = spanAt(pubs, bg.from);
    // A connection still tearing down after stop() is not a push in the background.
    if (pub && pushRunningAt(trace, bg.from)) out.push({ bg, pub, image: imageStatusAt(trace, bg.from) });
  }
  return out;
}

/** No backgrounding at all → not applicable; backgroundings but none fitting → indeterminate with the reason. */
function noEpisode(trace: readonly TraceRecord[], wanted: string): Outcome {
  if (backgroundings(trace).length === 0) return notApplicable('the app never went to the background');
  return indeterminate(`no backgrounding ${wanted}`);
}

/** Media frames (audio and video, no sequence headers) with their pusher-side time (internal/write-times.ts). */
function mediaWrites(
  trace: readonly TraceRecord[],
): { arrival: number; written: number; record: TraceRecord }[] {
  return writtenFrames(trace);
}

/** Waiting-image frames of one episode (arrival in [from, to)). */
function waitingFrames(frames: readonly ServerFrame[], from: number, to: number): ServerFrame[] {
  return frames.filter((f) => f.arrival >= from && f.arrival < to && f.source === 'waiting');
}

/**
 * The end of the keep-alive (`waiting-image/keep-alive/2`) for one episode, or undefined when the episode does
 * not reach it (the app returned before K, or the case ended before K + 2 s).
 */
function keepAliveEnd(trace: readonly TraceRecord[], ep: Episode): Outcome | undefined {
  const k = keepAliveMs(trace);
  const tK = ep.bg.from + k;
  const end = caseEndMs(trace);
  if (ep.bg.to < tK || end < tK + 2000) return undefined;
  // The push ended or its connection failed before the keep-alive's end: nothing of it to judge.
  if (interruption(trace, ep.bg.from, tK + 2000, ep.pub.conn)) return undefined;
  const limitUntil = Math.min(ep.bg.to, end);
  const late = mediaWrites(trace).find((m) => m.written > tK + E && m.arrival < ep.bg.to);
  if (late)
    return fail(
      `media written at ~${round1(late.written)} ms, ${round1(late.written - ep.bg.from)} ms after backgrounding (K = ${k}, limit K + ${E})`,
      { atMs: late.written, evidence: excerpt([ep.bg.record, late.record]) },
    );
  const conn = ep.pub.conn;
  const close = ofKind(trace, 'wire.close').find((r) => num(r, 'conn') === conn);
  if (!close || ms(close) > tK + 2000)
    return fail(
      `connection ${conn} was ${close ? `closed only at ${ms(close)} ms` : 'never closed'}; the keep-alive ended at ${tK} ms (close expected by ${tK + 2000} ms)`,
      { atMs: tK, evidence: excerpt([ep.bg.record, close]) },
    );
  const cmds = ofKind(trace, 'wire.command').filter((r) => num(r, 'conn') === conn && ms(r) <= ms(close));
  const unpublish = cmds.findIndex((r) => str(r, 'name') === 'FCUnpublish');
  const del = cmds.findIndex((r) => str(r, 'name') === 'deleteStream');
  if (unpublish < 0 || del < unpublish)
    return fail(`connection ${conn} was closed at ${ms(close)} ms without FCUnpublish then deleteStream`, {
      atMs: ms(close),
      evidence: excerpt([close, ...cmds.slice(-4)]),
    });
  const failures = ofKind(trace, 'pusher.event').filter((r) => {
    const code = num(r, 'code') ?? 0;
    return (
      ms(r) >= tK - E &&
      ms(r) < limitUntil &&
      (code === 1102 || code === -1307 || (code >= 3001 && code <= 3005))
    );
  });
  if (failures.length > 0)
    return fail(`event ${num(failures[0], 'code')} at ${ms(failures[0])} ms for the keep-alive's end`, {
      atMs: ms(failures[0]),
      evidence: excerpt([ep.bg.record, close, ...failures]),
    });
  const connect = ofKind(trace, 'net.connect').find((r) => ms(r) > tK && ms(r) < ep.bg.to);
  if (connect)
    return fail(
      `a connection attempt at ${ms(connect)} ms while the app stayed in the background after the keep-alive`,
      {
        atMs: ms(connect),
        evidence: excerpt([ep.bg.record, close, connect]),
      },
    );
  const lastWrite = mediaWrites(trace)
    .filter((m) => m.arrival >= ep.bg.from && m.arrival < ep.bg.to)
    .reduce((a, m) => Math.max(a, m.written), ep.bg.from);
  return pass(
    `stream kept ${round1((lastWrite - ep.bg.from) / 1000)} s after backgrounding (K = ${k / 1000} s), ` +
      `connection ${conn} unpublished and closed ${round1(ms(close) - tK)} ms after K, no failure event, no reconnection`,
    {
      atMs: tK,
      numbers: {
        streamAfterBackgroundMs: round1(lastWrite - ep.bg.from),
        closeAfterKMs: round1(ms(close) - tK),
        keepAliveMs: k,
      },
    },
  );
}

/**
 * The fallback rule (`waiting-image/fallback/1`) for one episode: no video frame written after the background
 * record plus one camera frame interval, audio gaps of at most 3 frames on the same connection until K − E
 * (or the return), and the keep-alive's end when the episode reaches it.
 */
function fallbackBehaviour(trace: readonly TraceRecord[], ep: Episode): Outcome {
  const k = keepAliveMs(trace);
  const end = caseEndMs(trace);
  const limit = ep.bg.from + cameraIntervalAt(cameraSessions(trace), ep.bg.from);
  const video = serverFrames(trace).frames.filter((f) => f.written > limit && f.written < ep.bg.to);
  if (video.length > 0)
    return fail(
      `${video.length} video frame(s) written in the background without a usable waiting image (first at ~${round1(video[0].written)} ms, ` +
        `${video[0].source ? `colour ${video[0].source}` : 'not decoded'}); none expected after ${round1(limit)} ms`,
      {
        atMs: video[0].written,
        evidence: excerpt([ep.bg.record, ...video.slice(0, 5).map((f) => f.record)]),
      },
    );
  const kept = backgroundWindow(trace, ep.bg.from, Math.min(ep.bg.to, ep.bg.from + k - E, end), ep.pub.conn);
  const audioWindow = backgroundWindow(
    trace,
    ep.bg.from,
    Math.min(ep.bg.to, ep.bg.from + k - E, ep.pub.to, end),
    ep.pub.conn,
  );
  const until = audioWindow.until;
  if (kept.until <= ep.bg.from)
    return indeterminate(`background at ${ep.bg.from} ms: ${kept.cut?.why ?? 'nothing left to judge'}`, {
      atMs: ep.bg.from,
      evidence: excerpt([ep.bg.record, kept.cut?.record]),
    });
  const frameMs = audioFrameMs(trace);
  const { gap, at } = audioGapIn(trace, audioWindow);
  if (gap > 3 * frameMs + FRAME_SLACK_MS)
    return fail(
      `audio stopped for ${round1(gap)} ms (until ${round1(at)} ms, pusher-side) in the background without a waiting image (at most 3 frames = ${round1(3 * frameMs)} ms)${cutNote(audioWindow)}`,
      {
        atMs: at,
        numbers: { gapMs: round1(gap) },
        evidence: excerpt([ep.bg.record, audioWindow.cut?.record]),
      },
    );
  const brk = connectionBreaks(trace, ep.pub.conn, ep.bg.from, kept.until);
  if (brk)
    return fail(`${brk.what} at ${ms(brk.record)} ms in the background (the connection must be kept)`, {
      atMs: ms(brk.record),
      evidence: excerpt([ep.bg.record, brk.record]),
    });
  const keep = keepAliveEnd(trace, ep);
  if (keep && keep.status !== 'pass') return keep;
  return pass(
    `background at ${ep.bg.from} ms without a usable image (${ep.image.detail}): no video after ${round1(limit)} ms, ` +
      `audio gaps at most ${round1(gap)} ms, same connection${cutNote(kept)}${keep ? `; ${keep.summary}` : ''}`,
    {
      atMs: ep.bg.from,
      numbers: {
        longestAudioGapMs: round1(gap),
        observedMs: round1(until - ep.bg.from),
        ...(keep?.numbers ?? {}),
      },
    },
  );
}

// =====================================================================================================
// Checks
// =====================================================================================================

/** The first waiting-image frame may arrive up to this long after the later of backgrounding and the fetch. */
export const FIRST_FRAME_MS = 1000;

/**
 * waiting-image/push/1: with a usable image, the first waiting-image frame arrives by max(background + 1 s,
 * fetch + 1 s), in a keyframe, and every video frame from then until the keep-alive ends or the app returns is
 * a waiting-image frame.
 */
export const waitingImagePushed: Check = {
  requirement: 'waiting-image/push/1',
  evaluate(trace) {
    const eps = episodes(trace).filter(
      (e) => e.image.verdict === 'usable' || e.image.verdict === 'not-fetched',
    );
    if (eps.length === 0) return noEpisode(trace, 'with a usable waiting image while publishing');
    const view = serverFrames(trace);
    if (!view.decoded) return indeterminate(`cannot recognise the waiting image: ${view.reason}`);
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    const rows: string[] = [];
    let numbers: Record<string, number> = {};
    for (const ep of eps) {
      if (ep.image.verdict === 'not-fetched') return indeterminate(ep.image.detail);
      const until = Math.min(ep.bg.to, ep.bg.from + k, ep.pub.to, end);
      const deadline = Math.max(ep.bg.from, ep.image.fetchedAt ?? ep.bg.from) + FIRST_FRAME_MS;
      if (deadline >= until) continue;
      const first = view.frames.find((f) => f.arrival >= ep.bg.from && f.source === 'waiting');
      if (!first || first.arrival > deadline) {
        const seen = view.frames.filter((f) => f.arrival >= ep.bg.from && f.arrival <= deadline);
        return fail(
          `no waiting-image frame by ${round1(deadline)} ms after backgrounding at ${ep.bg.from} ms` +
            (first ? ` (first at ${round1(first.arrival)} ms)` : '') +
            `; arrived instead: ${seen.map((f) => f.source).join(', ') || 'no video'}`,
          {
            atMs: deadline,
            evidence: excerpt([ep.bg.record, ...ep.image.records, ...seen.slice(0, 5).map((f) => f.record)]),
          },
        );
      }
      if (!first.keyframe)
        return fail(`the first waiting-image frame (at ${round1(first.arrival)} ms) is not a keyframe`, {
          atMs: first.arrival,
          evidence: [ep.bg.record, first.record],
        });
      const wrong = view.frames.find(
        (f) => f.arrival >= first.arrival && f.arrival < until && f.source !== 'waiting',
      );
      if (wrong)
        return fail(
          `a ${wrong.source} frame arrived at ${round1(wrong.arrival)} ms while the waiting image was pushed (${round1(first.arrival)}..${until} ms)`,
          { atMs: wrong.arrival, evidence: excerpt([ep.bg.record, first.record, wrong.record]) },
        );
      const count = waitingFrames(view.frames, ep.bg.from, until).length;
      const latency = first.arrival - ep.bg.from;
      rows.push(
        `background at ${ep.bg.from} ms: first waiting-image keyframe after ${round1(latency)} ms, ${count} waiting-image frame(s) until ${until} ms, nothing else`,
      );
      numbers = { firstFrameAfterMs: round1(latency), frames: count, spanMs: round1(until - ep.bg.from) };
    }
    if (rows.length === 0)
      return indeterminate('the image became usable only after the keep-alive ended or the app returned');
    return pass(rows.join('; '), { numbers });
  },
};

/** Windows of the waiting-image push: [first, last] waiting-image arrival of each usable episode. */
function waitingPushSpans(
  trace: readonly TraceRecord[],
): { ep: Episode; from: number; to: number; frames: ServerFrame[] }[] {
  const view = serverFrames(trace);
  if (!view.decoded) return [];
  const k = keepAliveMs(trace);
  const end = caseEndMs(trace);
  const out: { ep: Episode; from: number; to: number; frames: ServerFrame[] }[] = [];
  for (const ep of episodes(trace)) {
    if (ep.image.verdict !== 'usable') continue;
    const until = Math.min(ep.bg.to, ep.bg.from + k, ep.pub.to, end);
    const frames = waitingFrames(view.frames, ep.bg.from, until + E);
    if (frames.length > 0)
      out.push({ ep, from: frames[0].arrival, to: frames[frames.length - 1].arrival, frames });
  }
  return out;
}

/** waiting-image/push/2 (SHOULD): waiting-image frames arrive at F ± 1 fps in every full 5 s window. */
export const waitingImageFrameRate: Check = {
  requirement: 'waiting-image/push/2',
  evaluate(trace) {
    const spans = waitingPushSpans(trace);
    if (spans.length === 0) return noEpisode(trace, 'in which waiting-image frames were recognised');
    const f = profileValue(trace, 'waitingImageFps') ?? 5;
    let windows = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const s of spans) {
      for (let a = s.from; a + 5000 <= s.to; a += 5000) {
        const n = s.frames.filter((x) => x.arrival >= a && x.arrival < a + 5000).length;
        const fps = n / 5;
        windows++;
        lo = Math.min(lo, fps);
        hi = Math.max(hi, fps);
        if (fps < f - 1 || fps > f + 1)
          return fail(
            `${n} waiting-image frames in [${round1(a)}, ${round1(a + 5000)}) ms: ${fps} fps (profile F = ${f} ± 1)`,
            {
              atMs: a,
              numbers: { fps, profileFps: f },
            },
          );
      }
    }
    if (windows === 0) return indeterminate('the waiting image was pushed for less than 5 s');
    return pass(`${windows} 5 s window(s): ${lo}..${hi} fps (profile F = ${f} ± 1)`, {
      numbers: { windows, minFps: lo, maxFps: hi, profileFps: f },
    });
  },
};

/** waiting-image/prefetch/1 (SHOULD): set >= 5 s before backgrounding and fetched fine → first waiting-image frame written within 1 s. */
export const waitingImagePrefetched: Check = {
  requirement: 'waiting-image/prefetch/1',
  evaluate(trace) {
    const eps = episodes(trace).filter(
      (e) => e.image.verdict === 'usable' && e.image.setAt <= e.bg.from - 5000,
    );
    if (eps.length === 0)
      return noEpisode(trace, 'with a waiting image set at least 5 s before and fetched successfully');
    const view = serverFrames(trace);
    if (!view.decoded) return indeterminate(`cannot recognise the waiting image: ${view.reason}`);
    let worst = 0;
    for (const ep of eps) {
      const first = view.frames.find((f) => f.arrival >= ep.bg.from && f.source === 'waiting');
      const delay = first ? first.written - ep.bg.from : Number.POSITIVE_INFINITY;
      if (delay > 1000)
        return fail(
          `the first waiting-image frame was written ${first ? `~${round1(delay)} ms` : 'never'} after backgrounding at ${ep.bg.from} ms ` +
            `(image set at ${ep.image.setAt} ms, fetched at ${ep.image.fetchedAt} ms; 1000 ms allowed)`,
          { atMs: ep.bg.from, evidence: excerpt([ep.bg.record, ...ep.image.records, first?.record]) },
        );
      worst = Math.max(worst, delay);
    }
    return pass(`the prefetched image was pushed within ${round1(worst)} ms of backgrounding (limit 1000)`, {
      numbers: { firstFrameWrittenAfterMs: round1(worst) },
    });
  },
};

/** Limits of `waiting-image/traffic/1`. */
export const WAITING_MAX_KBPS = 64;
export const WAITING_TARGET_KBPS = 24;

/** waiting-image/traffic/1 (SHOULD): RV < 64 kbit/s over every 5 s window from 2 s after backgrounding; T <= 24 (±1). */
export const waitingImageTraffic: Check = {
  requirement: 'waiting-image/traffic/1',
  evaluate(trace) {
    const spans = waitingPushSpans(trace);
    if (spans.length === 0) return noEpisode(trace, 'in which waiting-image frames were recognised');
    const video = arrivals(trace, 'video');
    const series = targetSeries(trace);
    let maxRv = 0;
    let windows = 0;
    let maxT = 0;
    let mean = 0;
    for (const s of spans) {
      const end = Math.min(s.ep.bg.to, s.to);
      for (let a = s.ep.bg.from + 2000; a + 5000 <= end; a += 1000) {
        const rv = kbpsIn(video, a, a + 5000);
        windows++;
        maxRv = Math.max(maxRv, rv);
        if (rv >= WAITING_MAX_KBPS)
          return fail(
            `video arrived at ${round1(rv)} kbit/s in [${round1(a)}, ${round1(a + 5000)}) ms while the waiting image was pushed (< ${WAITING_MAX_KBPS})`,
            {
              atMs: a,
              numbers: { rvKbps: round1(rv) },
            },
          );
      }
      for (const p of targetValuesIn(series, s.from, end)) {
        maxT = Math.max(maxT, p.kbps);
        if (p.kbps > WAITING_TARGET_KBPS + 1)
          return fail(
            `the encoder target was ${p.kbps} kbit/s at ${round1(p.t)} ms while the waiting image was pushed (<= ${WAITING_TARGET_KBPS} ± 1)`,
            {
              atMs: p.t,
              numbers: { targetKbps: p.kbps },
            },
          );
      }
      mean = kbpsIn(video, s.from, end);
    }
    if (windows === 0) return indeterminate('the waiting image was pushed for less than 7 s');
    return pass(
      `${windows} 5 s window(s): received video at most ${round1(maxRv)} kbit/s (mean ${round1(mean)}; limit < ${WAITING_MAX_KBPS}), encoder target at most ${maxT} kbit/s`,
      { numbers: { windows, maxRvKbps: round1(maxRv), meanRvKbps: round1(mean), maxTargetKbps: maxT } },
    );
  },
};

/**
 * waiting-image/keep-alive/1: while the app stays in the background, media keeps arriving on the same
 * connection until at least K − E after backgrounding, never more than 2 s apart.
 */
export const keepAliveHolds: Check = {
  requirement: 'waiting-image/keep-alive/1',
  evaluate(trace) {
    const eps = episodes(trace);
    if (eps.length === 0) return noEpisode(trace, 'while publishing');
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    const view = serverFrames(trace);
    const rows: string[] = [];
    let numbers: Record<string, number> = {};
    let short = 0;
    for (const ep of eps) {
      const horizon = Math.min(ep.bg.to, ep.bg.from + k - E);
      if (end < horizon) {
        short++;
        continue;
      }
      const w = backgroundWindow(trace, ep.bg.from, horizon, ep.pub.conn);
      if (w.until <= ep.bg.from) {
        short++;
        continue;
      }
      const failed = w.cut?.failure === true && w.until === w.cut.atMs;
      const { gap, at } = longestGapIn(writtenFrames(trace), w, { openEnd: failed, observedUntil: end });
      if (gap > 2000)
        return fail(
          `no media written from ${round1(at - gap)} to ${round1(at)} ms (${round1(gap)} ms, pusher-side) in the background since ${ep.bg.from} ms (K = ${k}; gaps <= 2000 ms until K − E)${cutNote(w)}`,
          {
            atMs: at,
            numbers: { gapMs: round1(gap) },
            evidence: excerpt([ep.bg.record, w.cut?.record]),
          },
        );
      const brk = connectionBreaks(trace, ep.pub.conn, ep.bg.from, w.until);
      if (brk)
        return fail(`${brk.what} at ${ms(brk.record)} ms, before the keep-alive's ${horizon} ms`, {
          atMs: ms(brk.record),
          evidence: excerpt([ep.bg.record, brk.record]),
        });
      const wi = view.decoded ? waitingFrames(view.frames, ep.bg.from, ep.bg.to) : [];
      const seen = wi.length > 0 ? wi[wi.length - 1].arrival - wi[0].arrival : 0;
      rows.push(
        `background at ${ep.bg.from} ms: media until ${round1(w.until)} ms, longest gap ${round1(gap)} ms, same connection${cutNote(w)}` +
          (wi.length > 0 ? `; waiting image seen for ${round1(seen / 1000)} s (${wi.length} frames)` : ''),
      );
      numbers = {
        horizonMs: round1(horizon - ep.bg.from),
        longestGapMs: round1(gap),
        waitingImageSeenMs: round1(seen),
      };
    }
    if (rows.length === 0)
      return indeterminate(
        `the case ended before K − E (${k - E} ms), or the push ended or its connection failed at once, after ${short} backgrounding(s)`,
      );
    return pass(rows.join('; '), { numbers });
  },
};

/** waiting-image/keep-alive/2: after K in the background, no media after K + E, unpublish and close by K + 2 s, no failure, no reconnect. */
export const keepAliveEnds: Check = {
  requirement: 'waiting-image/keep-alive/2',
  evaluate(trace) {
    const eps = episodes(trace);
    if (eps.length === 0) return noEpisode(trace, 'while publishing');
    const results = eps.map((ep) => keepAliveEnd(trace, ep)).filter((o): o is Outcome => o !== undefined);
    if (results.length === 0)
      return indeterminate(
        `the app never stayed in the background for K (${keepAliveMs(trace)} ms) + 2 s within the case`,
      );
    return results.find((o) => o.status !== 'pass') ?? results[results.length - 1];
  },
};

/**
 * waiting-image/resume/1: back before K → openCamera within E, a 1003, a camera keyframe at the server within
 * 2 s, no waiting-image frame captured after the return plus one frame interval, the same connection.
 */
export const resumeBeforeKeepAlive: Check = {
  requirement: 'waiting-image/resume/1',
  evaluate(trace) {
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    const eps = episodes(trace).filter((e) => e.bg.to < e.bg.from + k && e.bg.to + 2000 <= end);
    if (eps.length === 0)
      return noEpisode(trace, `while publishing that returned within K (${k} ms), 2 s before the case end`);
    const view = serverFrames(trace);
    if (!view.decoded) return indeterminate(`cannot recognise camera pictures: ${view.reason}`);
    const cams = cameraSessions(trace);
    const rows: string[] = [];
    let numbers: Record<string, number> = {};
    let skipped = 0;
    for (const ep of eps) {
      const tf = ep.bg.to;
      const cut = interruption(trace, ep.bg.from, tf + 2000, ep.pub.conn);
      if (cut) {
        rows.push(`return at ${tf} ms not judged: ${cut.why}`);
        skipped++;
        continue;
      }
      const brk = connectionBreaks(trace, ep.pub.conn, ep.bg.from, tf + 2000);
      if (brk)
        return fail(
          `${brk.what} at ${ms(brk.record)} ms around the return at ${tf} ms (same connection expected)`,
          {
            atMs: ms(brk.record),
            evidence: excerpt([ep.bg.record, brk.record]),
          },
        );
      if (!booleanAttributeAt(trace, 'enableCamera', tf, true)) continue;
      const cam = cams.find((c) => c.calledAt >= tf && c.calledAt <= tf + E);
      if (!cam)
        return fail(`no openCamera within ${E} ms of the return to the foreground at ${tf} ms`, {
          atMs: tf,
          evidence: excerpt([ep.bg.record, ...cams.map((c) => c.open)]),
        });
      const evt = eventsWithCode(trace, 1003).find((e) => e.t >= tf && e.t <= cam.openedAt + E);
      if (!evt)
        return fail(`no 1003 after the camera reopened at ${cam.openedAt} ms (return at ${tf} ms)`, {
          atMs: cam.openedAt,
          evidence: [cam.open],
        });
      const first = view.frames.find((f) => f.arrival >= tf && isCameraSource(f.source));
      if (!first || first.arrival > tf + 2000 || !first.keyframe)
        return fail(
          first
            ? `the first camera frame after the return at ${tf} ms arrived at ${round1(first.arrival)} ms${first.keyframe ? '' : ' and is not a keyframe'} (keyframe within 2000 ms expected)`
            : `no camera frame reached the server after the return at ${tf} ms`,
          { atMs: tf, evidence: excerpt([ep.bg.record, cam.open, first?.record]) },
        );
      const limit = tf + frameIntervalMs(cam.fps);
      const stale = view.frames.find((f) => f.written > limit && f.source === 'waiting' && f.arrival < end);
      if (stale)
        return fail(
          `a waiting-image frame captured at ~${round1(stale.written)} ms, after the return at ${tf} ms (limit ${round1(limit)})`,
          {
            atMs: stale.written,
            evidence: [stale.record],
          },
        );
      rows.push(
        `return at ${tf} ms: camera reopened after ${round1(cam.calledAt - tf)} ms, camera keyframe at the server after ${round1(first.arrival - tf)} ms, same connection`,
      );
      numbers = {
        cameraCalledAfterMs: round1(cam.calledAt - tf),
        firstCameraFrameAfterMs: round1(first.arrival - tf),
      };
    }
    if (skipped === eps.length) return indeterminate(rows.join('; '));
    return pass(rows.join('; ') || 'returned before K with the camera disabled: same connection kept', {
      numbers,
    });
  },
};

/**
 * waiting-image/resume/2: back after the keep-alive ended → within 2 s a connection attempt (and the camera
 * reopened with a 1003), then 1001 and 1002, camera media on the new connection, no 1102 or -1307 on the way.
 */
export const resumeAfterKeepAlive: Check = {
  requirement: 'waiting-image/resume/2',
  evaluate(trace) {
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    const eps = episodes(trace).filter(
      (e) => e.bg.to >= e.bg.from + k && e.pub.to <= e.bg.to && e.bg.to < end,
    );
    if (eps.length === 0)
      return noEpisode(trace, 'that returned to the foreground after the keep-alive ended');
    const view = serverFrames(trace);
    let numbers: Record<string, number> = {};
    const rows: string[] = [];
    for (const ep of eps) {
      const tf = ep.bg.to;
      const attempt = trace.find(
        (r) =>
          (r.kind === 'net.connect' || (r.kind === 'net.dns.query' && str(r, 'via') === 'dns')) &&
          ms(r) >= tf,
      );
      if (!attempt || ms(attempt) > tf + 2000)
        return fail(
          `no connection attempt within 2000 ms of the return at ${tf} ms${attempt ? ` (first at ${ms(attempt)} ms)` : ''}`,
          {
            atMs: tf,
            evidence: excerpt([ep.bg.record, attempt]),
          },
        );
      if (booleanAttributeAt(trace, 'enableCamera', tf, true)) {
        const cam = cameraSessions(trace).find((c) => c.calledAt >= tf && c.calledAt <= tf + 2000);
        if (!cam)
          return fail(`the camera was not reopened within 2000 ms of the return at ${tf} ms`, { atMs: tf });
        if (!eventsWithCode(trace, 1003).some((e) => e.t >= tf))
          return fail(`no 1003 after the return at ${tf} ms`, { atMs: tf });
      }
      const ok1001 = eventsWithCode(trace, 1001).find((e) => e.t >= tf);
      const ok1002 = eventsWithCode(trace, 1002).find((e) => e.t >= tf);
      if (!ok1001 || !ok1002)
        return fail(
          `after the return at ${tf} ms: ${ok1001 ? '' : 'no 1001 '}${ok1002 ? '' : 'no 1002'} before the case end`,
          {
            atMs: tf,
            evidence: excerpt(ofKind(trace, 'pusher.event').filter((r) => ms(r) >= tf)),
          },
        );
      const bad = ofKind(trace, 'pusher.event').find(
        (r) => ms(r) >= tf && ms(r) <= ok1002.t && (num(r, 'code') === 1102 || num(r, 'code') === -1307),
      );
      if (bad)
        return fail(
          `event ${num(bad, 'code')} at ${ms(bad)} ms while resuming after the keep-alive (a new push, not a failure)`,
          {
            atMs: ms(bad),
            evidence: [bad],
          },
        );
      const media = view.frames.find(
        (f) => f.arrival >= ok1002.t && (view.decoded ? isCameraSource(f.source) : true),
      );
      if (!media)
        return fail(
          `no ${view.decoded ? 'camera ' : ''}video reached the server on the new connection (1002 at ${ok1002.t} ms)`,
          {
            atMs: ok1002.t,
          },
        );
      rows.push(
        `return at ${tf} ms (keep-alive ended): connect after ${round1(ms(attempt) - tf)} ms, 1002 after ${round1(ok1002.t - tf)} ms, ` +
          `${view.decoded ? 'camera' : 'video'} frame at the server after ${round1(media.arrival - tf)} ms`,
      );
      numbers = {
        attemptAfterMs: round1(ms(attempt) - tf),
        publishAfterMs: round1(ok1002.t - tf),
        mediaAfterMs: round1(media.arrival - tf),
      };
    }
    return pass(rows.join('; '), { numbers });
  },
};

/** waiting-image/hash/1: a hash mismatch → no waiting-image frame at the server; the background follows the fallback rule. */
export const hashMismatchRejected: Check = {
  requirement: 'waiting-image/hash/1',
  evaluate(trace) {
    const eps = episodes(trace).filter((e) => e.image.verdict === 'hash-mismatch');
    if (eps.length === 0) return noEpisode(trace, 'with a waiting image whose hash does not match');
    const view = serverFrames(trace);
    if (!view.decoded) return indeterminate(`cannot recognise the waiting image: ${view.reason}`);
    const shown = view.frames.find((f) => f.source === 'waiting' || f.source === 'other');
    if (shown)
      return fail(
        `a ${shown.source === 'waiting' ? 'waiting-image' : 'non-camera'} frame reached the server at ${round1(shown.arrival)} ms although the hash does not match (${eps[0].image.detail})`,
        {
          atMs: shown.arrival,
          evidence: excerpt([...eps[0].image.records, shown.record]),
        },
      );
    for (const ep of eps) {
      const o = fallbackBehaviour(trace, ep);
      if (o.status !== 'pass') return o;
    }
    return pass(
      `hash mismatch (${eps[0].image.detail}): no waiting-image frame; ${fallbackBehaviour(trace, eps[0]).summary}`,
      {
        numbers: fallbackBehaviour(trace, eps[0]).numbers,
      },
    );
  },
};

/** waiting-image/download/1: a failed fetch, a status other than 200 or an undecodable body → nothing derived from it, fallback, a warn log. */
export const downloadFailureRejected: Check = {
  requirement: 'waiting-image/download/1',
  evaluate(trace) {
    const eps = episodes(trace).filter((e) =>
      ['transport', 'http-status', 'undecodable'].includes(e.image.verdict),
    );
    if (eps.length === 0) return noEpisode(trace, 'with a waiting image whose download failed');
    const view = serverFrames(trace);
    for (const ep of eps) {
      if (view.decoded) {
        const shown = view.frames.find(
          (f) => f.arrival >= ep.bg.from && (f.source === 'waiting' || f.source === 'other'),
        );
        if (shown)
          return fail(
            `a non-camera frame reached the server at ${round1(shown.arrival)} ms although the download failed (${ep.image.detail})`,
            {
              atMs: shown.arrival,
              evidence: excerpt([...ep.image.records, shown.record]),
            },
          );
      }
      const o = fallbackBehaviour(trace, ep);
      if (o.status !== 'pass') return o;
      const failedAt = ep.image.fetchedAt ?? 0;
      const warned = ofKind(trace, 'pusher.log').find((r) => str(r, 'level') === 'warn' && ms(r) >= failedAt);
      if (!warned)
        return fail(`no warn-level log line after the failed fetch at ${failedAt} ms (${ep.image.detail})`, {
          atMs: failedAt,
          evidence: excerpt([...ep.image.records, ...ofKind(trace, 'pusher.log')]),
        });
    }
    const ep = eps[0];
    const fb = fallbackBehaviour(trace, ep);
    return pass(`download failed (${ep.image.detail}), logged at warn; ${fb.summary}`, {
      numbers: fb.numbers,
    });
  },
};

/** waiting-image/fallback/1: without a usable image, no video after the background + one frame interval, audio continues, same connection, keep-alive end. */
export const fallbackWithoutImage: Check = {
  requirement: 'waiting-image/fallback/1',
  evaluate(trace) {
    const eps = episodes(trace).filter((e) => e.image.verdict === 'no-url' || isUnusable(e.image.verdict));
    if (eps.length === 0) return noEpisode(trace, 'without a usable waiting image while publishing');
    let last: Outcome | undefined;
    for (const ep of eps) {
      last = fallbackBehaviour(trace, ep);
      if (last.status !== 'pass') return last;
    }
    return last as Outcome;
  },
};

/** Checks of the `waiting-image` area of docs/spec.md. */
export const WAITING_IMAGE_CHECKS: readonly Check[] = [
  waitingImagePushed,
  waitingImageFrameRate,
  waitingImagePrefetched,
  waitingImageTraffic,
  keepAliveHolds,
  keepAliveEnds,
  resumeBeforeKeepAlive,
  resumeAfterKeepAlive,
  hashMismatchRejected,
  downloadFailureRejected,
  fallbackWithoutImage,
];
