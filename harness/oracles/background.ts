/**
 * Checks of the `background` area of docs/spec.md, and the views they share with the waiting-image oracles:
 * camera and microphone sessions from the device trace, and the server's video frames with the colour the
 * post-run decode found for each (docs/trace.md `validation.frames`; colours in picture-colours.ts).
 */
import { identifyPictureColour, type PictureColour } from '../devices/picture-colours.js';
import type { TraceRecord } from '../sim/trace.js';
import {
  attributeAt,
  backgroundings,
  booleanAttributeAt,
  caseEndMs,
  isVideoFrameTag,
  keepAliveMs,
  publishingIntervals,
  type Span,
  spanAt,
} from './bitrate.js';
import { EVENT_DEADLINE_MS } from './events.js';
import {
  type BackgroundWindow,
  backgroundWindow,
  longestGapIn,
  pausedSpans,
  pushRunningAt,
} from './internal/background-window.js';
import { writtenFrames } from './internal/write-times.js';
import {
  caseStart,
  excerpt,
  fail,
  field,
  indeterminate,
  ms,
  notApplicable,
  num,
  ofKind,
  pass,
  str,
} from './trace-query.js';
import type { Check } from './types.js';

const E = EVENT_DEADLINE_MS;
/** Scheduling slack added to a frame interval (docs/spec.md Conventions, "Frame interval"). */
export const FRAME_SLACK_MS = 10;

const round1 = (v: number) => Math.round(v * 10) / 10;

// =====================================================================================================
// Device sessions
// =====================================================================================================

export interface CameraSession {
  position: string;
  session: number;
  calledAt: number;
  /** When the open settled (frames flow from one interval later). */
  openedAt: number;
  /** When frames stopped (`device.camera.stopped`); undefined while still running at the end. */
  stoppedAt: number | undefined;
  /** Delivered frame rate (the first frame's, else the requested one). */
  fps: number;
  open: TraceRecord;
  stopped?: TraceRecord;
}

export function cameraSessions(trace: readonly TraceRecord[]): CameraSession[] {
  const out: CameraSession[] = [];
  const find = (r: TraceRecord) =>
    out.find((s) => s.position === str(r, 'position') && s.session === num(r, 'session'));
  for (const r of trace) {
    if (
      r.kind === 'device.call' &&
      str(r, 'device') === 'camera' &&
      str(r, 'method') === 'openCamera' &&
      str(r, 'result') === 'ok'
    ) {
      const args = field(r, 'args');
      const fps = args && typeof args === 'object' && !Array.isArray(args) ? args.fps : undefined;
      out.push({
        position: str(r, 'position') ?? '?',
        session: num(r, 'session') ?? 0,
        calledAt: num(r, 'calledAtMs') ?? ms(r),
        openedAt: ms(r),
        stoppedAt: undefined,
        fps: typeof fps === 'number' && fps > 0 ? fps : 30,
        open: r,
      });
    } else if (r.kind === 'device.camera.firstFrame' || r.kind === 'device.camera.fps') {
      const s = find(r);
      const fps = num(r, 'fps');
      if (s && fps && fps > 0) s.fps = fps;
    } else if (r.kind === 'device.camera.stopped') {
      const s = find(r);
      if (s && s.stoppedAt === undefined) {
        s.stoppedAt = ms(r);
        s.stopped = r;
      }
    }
  }
  return out;
}

/** One camera frame interval of a session: 1000 / fps + 10 ms. */
export function frameIntervalMs(fps: number): number {
  return 1000 / fps + FRAME_SLACK_MS;
}

export interface MicSession {
  session: number;
  calledAt: number;
  openedAt: number;
  stoppedAt: number | undefined;
  open: TraceRecord;
  stopped?: TraceRecord;
}

export function microphoneSessions(trace: readonly TraceRecord[]): MicSession[] {
  const out: MicSession[] = [];
  for (const r of trace) {
    if (
      r.kind === 'device.call' &&
      str(r, 'device') === 'microphone' &&
      str(r, 'method') === 'openMicrophone' &&
      str(r, 'result') === 'ok'
    ) {
      out.push({
        session: num(r, 'session') ?? 0,
        calledAt: num(r, 'calledAtMs') ?? ms(r),
        openedAt: ms(r),
        stoppedAt: undefined,
        open: r,
      });
    } else if (r.kind === 'device.microphone.stopped') {
      const s = out.find((x) => x.session === num(r, 'session'));
      if (s && s.stoppedAt === undefined) {
        s.stoppedAt = ms(r);
        s.stopped = r;
      }
    }
  }
  return out;
}

/** Sessions running at `t` (opened at or before, not stopped before). */
export function runningAt<T extends { openedAt: number; stoppedAt: number | undefined }>(
  sessions: readonly T[],
  t: number,
): T[] {
  return sessions.filter((s) => s.openedAt <= t && (s.stoppedAt === undefined || s.stoppedAt > t));
}

// =====================================================================================================
// Server-side frames and their colours
// =====================================================================================================

export type FrameSource = 'front' | 'back' | 'black' | 'waiting' | 'other';

export interface ServerFrame {
  arrival: number;
  ts: number;
  keyframe: boolean;
  /** Pusher-side time from the FLV timestamp, at most the arrival (internal/write-times.ts). */
  written: number;
  colour: PictureColour | undefined;
  source: FrameSource | undefined;
  record: TraceRecord;
}

export interface FrameView {
  /** False when the case did not decode frames (`decodeFrames: true`) or the decode failed. */
  decoded: boolean;
  reason: string;
  frames: ServerFrame[];
  /** The colour of the waiting image the harness serves (case.start), if any. */
  waitingColour: PictureColour | undefined;
}

/** Largest difference per component for a waiting-image colour (docs/spec.md Conventions). */
export const WAITING_TOLERANCE = 2;

/** The waiting image the harness serves, from `case.start.waitingImage` (docs/trace.md). */
export interface ServedWaitingImage {
  url: string;
  md5: string;
  colour: PictureColour;
  rule: number;
}

export function servedWaitingImage(trace: readonly TraceRecord[]): ServedWaitingImage | undefined {
  const w = field(caseStart(trace), 'waitingImage');
  if (!w || typeof w !== 'object' || Array.isArray(w)) return undefined;
  const c = w.colour;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return undefined;
  if (typeof w.url !== 'string' || typeof w.md5 !== 'string' || typeof w.rule !== 'number') return undefined;
  if (typeof c.y !== 'number' || typeof c.cb !== 'number' || typeof c.cr !== 'number') return undefined;
  return { url: w.url, md5: w.md5, rule: w.rule, colour: { y: c.y, cb: c.cb, cr: c.cr } };
}

/** Which source a decoded colour came from: a camera, black, the waiting image (±2) or something else. */
export function classifyColour(colour: PictureColour, waiting: PictureColour | undefined): FrameSource {
  const id = identifyPictureColour(colour, WAITING_TOLERANCE);
  if (id) return id.source;
  if (
    waiting &&
    Math.abs(colour.y - waiting.y) <= WAITING_TOLERANCE &&
    Math.abs(colour.cb - waiting.cb) <= WAITING_TOLERANCE &&
    Math.abs(colour.cr - waiting.cr) <= WAITING_TOLERANCE
  )
    return 'waiting';
  return 'other';
}

const frameCache = new WeakMap<readonly TraceRecord[], FrameView>();

/**
 * The server's video frames in arrival order with their decoded colours: the `validation.frames` runs are
 * expanded frame by frame and zipped with the `observer.tag` video frames (by position when the counts agree,
 * else by timestamp).
 */
export function serverFrames(trace: readonly TraceRecord[]): FrameView {
  const cached = frameCache.get(trace);
  if (cached) return cached;
  const waitingColour = servedWaitingImage(trace)?.colour;
  const tags = trace.filter(isVideoFrameTag);
  const written = new Map(writtenFrames(trace).map((f) => [f.record, f.written]));
  const validation = trace.find((r) => r.kind === 'validation.frames');
  const runs = field(validation, 'runs');
  let decoded = Array.isArray(runs);
  let reason = '';
  if (!validation) reason = 'the case did not decode frames (decodeFrames: true)';
  else if (!decoded) reason = `the frame decode failed: ${str(validation, 'failed') ?? 'no runs'}`;
  const colours: PictureColour[] = [];
  const byTs: { from: number; to: number; colour: PictureColour }[] = [];
  if (Array.isArray(runs)) {
    for (const run of runs) {
      if (!run || typeof run !== 'object' || Array.isArray(run)) continue;
      const { y, cb, cr, frames, fromMs, toMs } = run;
      if (typeof y !== 'number' || typeof cb !== 'number' || typeof cr !== 'number') continue;
      const colour = { y, cb, cr };
      const n = typeof frames === 'number' ? frames : 0;
      for (let i = 0; i < n; i++) colours.push(colour);
      if (typeof fromMs === 'number' && typeof toMs === 'number')
        byTs.push({ from: fromMs, to: toMs, colour });
    }
  }
  const zipByIndex = colours.length === tags.length;
  let k = 0;
  const frames: ServerFrame[] = tags.map((r, i) => {
    const ts = num(r, 'ts') ?? 0;
    let colour: PictureColour | undefined;
    if (decoded && zipByIndex) colour = colours[i];
    else if (decoded) {
      while (k < byTs.length && byTs[k].to < ts) k++;
      if (k < byTs.length && byTs[k].from <= ts) colour = byTs[k].colour;
    }
    const arrival = ms(r);
    return {
      arrival,
      ts,
      keyframe: field(r, 'keyframe') === true,
      written: written.get(r) ?? arrival,
      colour,
      source: colour ? classifyColour(colour, waitingColour) : undefined,
      record: r,
    };
  });
  if (decoded && tags.length > 0 && frames.every((f) => !f.colour)) {
    decoded = false;
    reason = 'no decoded colour could be matched to a server frame';
  }
  const view = { decoded, reason, frames, waitingColour };
  frameCache.set(trace, view);
  return view;
}

export const isCameraSource = (s: FrameSource | undefined) => s === 'front' || s === 'back';

/** The camera frame interval that applies at `t`: the running session's, else 30 fps (the strictest default). */
export function cameraIntervalAt(sessions: readonly CameraSession[], t: number): number {
  const running = runningAt(sessions, t);
  return frameIntervalMs(running[0]?.fps ?? 30);
}

// =====================================================================================================
// Checks
// =====================================================================================================

/**
 * background/camera/1: when the app goes to the background, every camera session running then (or finishing
 * its open while the app is still in the background) stops within one frame interval of the later of the
 * background record and its open.
 */
export const cameraStopsInBackground: Check = {
  requirement: 'background/camera/1',
  evaluate(trace) {
    const bgs = backgroundings(trace);
    if (bgs.length === 0) return notApplicable('the app never went to the background');
    const sessions = cameraSessions(trace);
    const end = caseEndMs(trace);
    let judged = 0;
    let worst = { delay: 0, limit: 0, at: 0 };
    for (const bg of bgs) {
      const concerned = sessions.filter(
        (s) =>
          s.calledAt <= bg.from &&
          s.openedAt < bg.to &&
          (s.stoppedAt === undefined || s.stoppedAt >= bg.from),
      );
      for (const s of concerned) {
        judged++;
        const from = Math.max(bg.from, s.openedAt);
        const limit = frameIntervalMs(s.fps);
        const deadline = from + limit;
        if (deadline >= bg.to) continue; // back in the foreground before the deadline
        const stopped = s.stoppedAt ?? Number.POSITIVE_INFINITY;
        const delay = stopped - from;
        if (stopped > deadline) {
          return fail(
            `the ${s.position} camera (session ${s.session}) kept running ${Number.isFinite(delay) ? `${round1(delay)} ms` : `until the end (${end} ms)`} ` +
              `after the app went to the background at ${bg.from} ms (one frame interval: ${round1(limit)} ms)`,
            {
              atMs: bg.from,
              expected: `camera stopped by ${round1(deadline)} ms`,
              actual: s.stoppedAt === undefined ? 'never stopped' : `stopped at ${s.stoppedAt} ms`,
              numbers: { delayMs: Number.isFinite(delay) ? round1(delay) : -1, limitMs: round1(limit) },
              evidence: excerpt([bg.record, s.open, s.stopped]),
            },
          );
        }
        if (delay >= worst.delay) worst = { delay, limit, at: bg.from };
      }
    }
    if (judged === 0)
      return indeterminate('no camera was open (or opening) when the app went to the background', {
        numbers: { backgroundings: bgs.length },
      });
    return pass(
      `${judged} camera session(s) stopped on backgrounding; slowest ${round1(worst.delay)} ms after the background record at ${worst.at} ms (limit ${round1(worst.limit)})`,
      {
        atMs: worst.at,
        numbers: { sessions: judged, stopDelayMs: round1(worst.delay), limitMs: round1(worst.limit) },
      },
    );
  },
};

/**
 * background/camera/2: no camera frame at the server was captured (push start + timestamp) later than one
 * frame interval after the background record, until the app returns to the foreground.
 */
export const noCameraPictureInBackground: Check = {
  requirement: 'background/camera/2',
  evaluate(trace) {
    const bgs = backgroundings(trace);
    if (bgs.length === 0) return notApplicable('the app never went to the background');
    const view = serverFrames(trace);
    if (!view.decoded) return indeterminate(`cannot tell camera pictures apart: ${view.reason}`);
    const sessions = cameraSessions(trace);
    let inBackground = 0;
    for (const bg of bgs) {
      const limit = bg.from + cameraIntervalAt(sessions, bg.from);
      const frames = view.frames.filter((f) => f.written > limit && f.written < bg.to);
      inBackground += frames.length;
      const bad = frames.find((f) => isCameraSource(f.source));
      if (bad) {
        return fail(
          `a ${bad.source} camera picture captured at ${round1(bad.written)} ms (timestamp ${bad.ts}) reached the server at ${round1(bad.arrival)} ms; ` +
            `the app went to the background at ${bg.from} ms (limit ${round1(limit)} ms)`,
          {
            atMs: bad.written,
            numbers: { capturedMs: round1(bad.written), backgroundMs: bg.from },
            evidence: excerpt([bg.record, bad.record]),
          },
        );
      }
    }
    return pass(`${inBackground} video frame(s) captured in the background, none from a camera`, {
      numbers: { framesInBackground: inBackground },
    });
  },
};

/** Audio frame duration (ms) from the latest AudioSpecificConfig at the server (16 kHz when unknown). */
export function audioFrameMs(trace: readonly TraceRecord[]): number {
  const configs = ofKind(trace, 'observer.audioConfig');
  const rate = num(configs[configs.length - 1], 'sampleRate') ?? 16000;
  return (1024 * 1000) / rate;
}

/**
 * The longest gap between the audio frames the pusher wrote (pusher-side times, internal/write-times.ts) in
 * a judged background window; paused spans are left out, and after a connection failure the frames lost in
 * flight do not count as a gap.
 */
export function audioGapIn(trace: readonly TraceRecord[], w: BackgroundWindow): { gap: number; at: number } {
  return longestGapIn(
    writtenFrames(trace).filter((f) => f.type === 'audio'),
    w,
    { openEnd: w.cut?.failure === true && w.until === w.cut.atMs, observedUntil: caseEndMs(trace) },
  );
}

/** " (judged until X ms: why)" when an interruption ended the judged window early, else "". */
export function cutNote(w: BackgroundWindow): string {
  return w.cut && w.until === w.cut.atMs ? ` (judged until ${round1(w.until)} ms: ${w.cut.why})` : '';
}

/**
 * background/mute/1: with background-mute true, the microphone is closed within E of backgrounding, audio keeps
 * being written (gaps <= 3 frame durations, at the pusher's side) while the connection is kept, and the
 * microphone is opened again within E of the return. The audio is judged only while the push runs, is not
 * paused and its connection has not failed (internal/background-window.ts). (The harness's AAC encoder only
 * produces digital silence, so every decodable frame is silent; decodability itself is `stream/decodable/1`.)
 */
export const backgroundMute: Check = {
  requirement: 'background/mute/1',
  evaluate(trace) {
    const bgs = backgroundings(trace).filter((bg) =>
      booleanAttributeAt(trace, 'backgroundMute', bg.from, false),
    );
    if (bgs.length === 0)
      return notApplicable('the app never went to the background with background-mute true');
    const pubs = publishingIntervals(trace);
    const mics = microphoneSessions(trace);
    const paused = pausedSpans(trace);
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    const frameMs = audioFrameMs(trace);
    let judged = 0;
    let worstGap = 0;
    const notes: string[] = [];
    for (const bg of bgs) {
      const pub = spanAt(pubs, bg.from);
      if (!pub) continue;
      const w = backgroundWindow(trace, bg.from, Math.min(bg.to, bg.from + k - E, pub.to, end), pub.conn);
      if (w.until <= bg.from) {
        notes.push(`background at ${bg.from} ms not judged: ${w.cut?.why ?? 'no time left'}`);
        continue;
      }
      judged++;
      for (const m of runningAt(mics, bg.from)) {
        if (m.stoppedAt === undefined || m.stoppedAt > bg.from + E)
          return fail(
            `the microphone (session ${m.session}) was still open ${m.stoppedAt === undefined ? 'at the end' : `${round1(m.stoppedAt - bg.from)} ms`} after backgrounding at ${bg.from} ms with background-mute`,
            { atMs: bg.from, evidence: excerpt([bg.record, m.open, m.stopped]) },
          );
      }
      const { gap, at } = audioGapIn(trace, w);
      worstGap = Math.max(worstGap, gap);
      if (gap > 3 * frameMs + FRAME_SLACK_MS)
        return fail(
          `audio stopped for ${round1(gap)} ms (until ${round1(at)} ms, pusher-side) in the background with background-mute (at most 3 frames = ${round1(3 * frameMs)} ms)${cutNote(w)}`,
          {
            atMs: at,
            numbers: { gapMs: round1(gap), limitMs: round1(3 * frameMs) },
            evidence: excerpt([bg.record, w.cut?.record]),
          },
        );
      if (Number.isFinite(bg.to) && !pushRunningAt(trace, bg.to)) {
        notes.push(`the return at ${bg.to} ms was not judged: no push was running then`);
        continue;
      }
      const pausedAtReturn = paused.find((p) => p.from <= bg.to && bg.to < p.to);
      if (pausedAtReturn) {
        notes.push(`the return at ${bg.to} ms was not judged: ${pausedAtReturn.why}`);
        continue;
      }
      if (Number.isFinite(bg.to) && bg.to + E <= end && !booleanAttributeAt(trace, 'muted', bg.to, false)) {
        const reopened = mics.find((m) => m.calledAt >= bg.to && m.calledAt <= bg.to + E);
        if (!reopened)
          return fail(
            `the microphone was not opened again within ${E} ms of the return to the foreground at ${bg.to} ms`,
            {
              atMs: bg.to,
              evidence: excerpt([bg.record, ...mics.filter((m) => m.calledAt >= bg.to).map((m) => m.open)]),
            },
          );
      }
    }
    if (judged === 0)
      return indeterminate(
        `the app went to the background with background-mute, but not while publishing${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`,
      );
    return pass(
      `${judged} backgrounding(s) with background-mute: microphone closed within ${E} ms, audio gaps at most ${round1(worstGap)} ms (limit ${round1(3 * frameMs)}), reopened on return` +
        (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
      { numbers: { backgroundings: judged, longestAudioGapMs: round1(worstGap) } },
    );
  },
};

/**
 * Records that end or replace a publishing connection in (from, to): connects, 1102/-1307, unpublish, close.
 * The end is exclusive so that the teardown at the case's end (dispose) never counts.
 */
export function connectionBreaks(
  trace: readonly TraceRecord[],
  conn: number | undefined,
  from: number,
  to: number,
): { what: string; record: TraceRecord } | undefined {
  for (const r of trace) {
    const t = ms(r);
    if (t <= from) continue;
    if (t >= to) break;
    if (r.kind === 'net.connect') return { what: 'a new TCP connect', record: r };
    if (r.kind === 'pusher.event' && (num(r, 'code') === 1102 || num(r, 'code') === -1307))
      return { what: `event ${num(r, 'code')}`, record: r };
    if (
      r.kind === 'wire.command' &&
      num(r, 'conn') === conn &&
      ['FCUnpublish', 'deleteStream'].includes(str(r, 'name') ?? '')
    )
      return { what: `${str(r, 'name')} on connection ${conn}`, record: r };
    if (r.kind === 'wire.close' && num(r, 'conn') === conn)
      return { what: `connection ${conn} closed`, record: r };
  }
  return undefined;
}

/**
 * background/connection/1: from backgrounding until K − E later (or the return, if earlier), the publishing
 * connection stays: no new connect, no 1102 or -1307, no unpublish or close of it. The push ending (stop(),
 * -1307, a critical error, a url change) or the connection failing (an injected reset, a kick) ends what can
 * be judged (internal/background-window.ts): the reconnection that follows is the reconnect rules' business.
 */
export const connectionKeptInBackground: Check = {
  requirement: 'background/connection/1',
  evaluate(trace) {
    const bgs = backgroundings(trace);
    if (bgs.length === 0) return notApplicable('the app never went to the background');
    const pubs = publishingIntervals(trace);
    const k = keepAliveMs(trace);
    const end = caseEndMs(trace);
    let judged = 0;
    let covered = 0;
    const notes: string[] = [];
    for (const bg of bgs) {
      const pub = spanAt(pubs, bg.from);
      if (!pub) continue;
      const w = backgroundWindow(trace, bg.from, Math.min(bg.to, bg.from + k - E, end), pub.conn);
      if (w.cut && w.until === w.cut.atMs)
        notes.push(`background at ${bg.from} ms judged until ${round1(w.until)} ms: ${w.cut.why}`);
      if (w.until <= bg.from) continue;
      judged++;
      covered = Math.max(covered, w.until - bg.from);
      const brk = connectionBreaks(trace, pub.conn, bg.from, w.until);
      if (brk)
        return fail(
          `${brk.what} at ${ms(brk.record)} ms, ${round1(ms(brk.record) - bg.from)} ms after backgrounding at ${bg.from} ms (the connection must be kept until ${round1(w.until)} ms)`,
          { atMs: ms(brk.record), evidence: excerpt([bg.record, brk.record]) },
        );
    }
    if (judged === 0)
      return indeterminate(
        `the app never went to the background while publishing${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`,
      );
    return pass(
      `${judged} backgrounding(s) while publishing: the same connection was kept (up to ${round1(covered / 1000)} s observed)` +
        (notes.length > 0 ? `; ${notes.join('; ')}` : ''),
      {
        numbers: { backgroundings: judged, observedMs: round1(covered) },
      },
    );
  },
};

/** Push-active intervals: an accepted start() (or autopush) until stop(), -1307 or a critical error. */
export function activePushes(trace: readonly TraceRecord[]): Span[] {
  const out: Span[] = [];
  let from: number | undefined;
  const calls = new Map<number, number>();
  if (booleanAttributeAt(trace, 'autopush', 0, false)) from = 0;
  for (const r of trace) {
    if (r.kind === 'pusher.op') {
      const id = num(r, 'id') ?? -1;
      const op = str(r, 'op');
      if (str(r, 'phase') === 'call') {
        calls.set(id, ms(r));
        if (op === 'stop' && from !== undefined) {
          out.push({ from, to: ms(r) });
          from = undefined;
        }
      } else if (
        op === 'start' &&
        str(r, 'phase') === 'result' &&
        field(r, 'ok') === true &&
        from === undefined
      )
        from = calls.get(id) ?? ms(r);
    } else if (r.kind === 'pusher.attributes' && from === undefined) {
      const a = field(r, 'attributes');
      if (a && typeof a === 'object' && !Array.isArray(a) && (a.autopush === true || a.autopush === 'true'))
        from = ms(r);
    } else if (r.kind === 'pusher.event' && from !== undefined) {
      const code = num(r, 'code') ?? 0;
      if (code <= -1301 && code >= -1307) {
        out.push({ from, to: ms(r) });
        from = undefined;
      }
    }
  }
  if (from !== undefined) out.push({ from, to: Number.POSITIVE_INFINITY });
  return out;
}

/**
 * background/idle/1 (SHOULD): a lifecycle change while no push is active causes, within E, no device open, no
 * network activity other than a GET of the waiting image and no event; no camera is opened (called) while the
 * app is in the background during a push.
 */
export const lifecycleKeepsIdle: Check = {
  requirement: 'background/idle/1',
  evaluate(trace) {
    const changes = ofKind(trace, 'app.state').filter((r) => field(r, 'initial') !== true);
    if (changes.length === 0) return notApplicable('the app never changed state');
    const active = activePushes(trace);
    const isActive = (t: number) => active.some((s) => s.from <= t && t < s.to);
    const starts = active.map((s) => s.from);
    let idleChanges = 0;
    for (const c of changes) {
      const t = ms(c);
      if (isActive(t) || starts.some((s) => s >= t && s <= t + E)) continue;
      idleChanges++;
      const waitingUrl = attributeAt(trace, 'waitingImage', t);
      const caused = trace.find((r) => {
        const rt = ms(r);
        if (rt < t || rt > t + E || r.seq <= c.seq) return false;
        if (r.kind === 'pusher.event') return true;
        if (r.kind === 'net.dns.query' || r.kind === 'net.connect') return true;
        if (r.kind === 'net.http.request') return str(r, 'url') !== waitingUrl;
        if (r.kind === 'device.call' && /^open/.test(str(r, 'method') ?? '')) {
          const called = num(r, 'calledAtMs') ?? rt;
          return called >= t;
        }
        return false;
      });
      if (caused)
        return fail(
          `the app went to the ${str(c, 'state')} at ${t} ms with no push active, and ${caused.kind} followed at ${ms(caused)} ms`,
          {
            atMs: t,
            evidence: excerpt([c, caused]),
          },
        );
    }
    const bg = (t: number) => {
      let state = 'foreground';
      for (const r of ofKind(trace, 'app.state')) if (ms(r) <= t) state = str(r, 'state') ?? state;
      return state === 'background';
    };
    const cams = cameraSessions(trace);
    const calls = trace.filter(
      (r) => r.kind === 'device.call' && str(r, 'device') === 'camera' && str(r, 'method') === 'openCamera',
    );
    let backgroundStarts = 0;
    for (const s of active) if (bg(s.from)) backgroundStarts++;
    for (const r of calls) {
      const called = num(r, 'calledAtMs') ?? ms(r);
      if (isActive(called) && bg(called))
        return fail(`openCamera was called at ${called} ms while the app was in the background`, {
          atMs: called,
          evidence: excerpt([r, ...ofKind(trace, 'app.state')]),
        });
    }
    if (idleChanges === 0 && backgroundStarts === 0)
      return indeterminate(
        'no lifecycle change while no push was active, and no push started in the background',
      );
    return pass(
      `${idleChanges} lifecycle change(s) while idle caused nothing; ${backgroundStarts} push(es) started in the background, no camera opened there` +
        ` (${cams.length} camera session(s) in all)`,
      { numbers: { idleChanges, backgroundStarts } },
    );
  },
};

/** Checks of the `background` area of docs/spec.md. */
export const BACKGROUND_CHECKS: readonly Check[] = [
  cameraStopsInBackground,
  noCameraPictureInBackground,
  backgroundMute,
  connectionKeptInBackground,
  lifecycleKeepsIdle,
];
