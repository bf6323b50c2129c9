/**
 * Checks of the `stream` area of docs/spec.md: the FLV rules judged on what the server relayed (the
 * observer's `observer.tag` timeline with `observer.videoConfig`, `observer.audioConfig` and
 * `observer.metadata`), the pusher-side timestamp log (`wire.tsRegression`) and ffprobe's verdict on the
 * capture (`validation.ffprobe`).
 *
 * "Per connection" at the server: the observer is one HTTP-FLV subscriber for the whole case, so its
 * timeline is cut at each `server.postPublish` of a pusher connection; the tags that arrive from one
 * publish start to the next belong to that connection. node-media-server shifts the timestamps of a
 * republished stream (not those of its sequence headers), so timestamp rules compare frames with frames.
 */
import type { TraceRecord, TraceValue } from '../sim/trace.js';
import { republishShifts } from './internal/republish-shift.js';
import {
  caseAttribute,
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
  str,
} from './trace-query.js';
import type { Check, Outcome } from './types.js';
import { rtmpConnections } from './wire.js';

/** The tags the server relayed for one publishing connection of the pusher. */
export interface ServerSegment {
  /** The wire tap's connection number. */
  conn: number;
  fromMs: number;
  toMs: number;
  tags: TraceRecord[];
}

/** Tags by arrival, cut at each publish start of a pusher connection (never another publisher's). */
export function serverSegments(trace: readonly TraceRecord[]): ServerSegment[] {
  const starts = rtmpConnections(trace)
    .filter((c) => c.publishStart !== undefined)
    .map((c) => ({ conn: c.conn, fromMs: ms(c.publishStart!) }))
    .sort((a, b) => a.fromMs - b.fromMs);
  const tags = ofKind(trace, 'observer.tag');
  return starts.map((s, i) => {
    const toMs = i + 1 < starts.length ? starts[i + 1].fromMs : Number.POSITIVE_INFINITY;
    return { ...s, toMs, tags: tags.filter((t) => ms(t) >= s.fromMs && ms(t) < toMs) };
  });
}

const isVideo = (t: TraceRecord) => str(t, 'type') === 'video';
const isAudio = (t: TraceRecord) => str(t, 'type') === 'audio';
const isAvcHeader = (t: TraceRecord) => isVideo(t) && num(t, 'avcPacketType') === 0;
const isAacHeader = (t: TraceRecord) => isAudio(t) && num(t, 'aacPacketType') === 0;
/** A media frame: a video or audio tag that is not a sequence header (nor an AVC end of sequence). */
const isVideoFrame = (t: TraceRecord) =>
  isVideo(t) && num(t, 'avcPacketType') !== 0 && num(t, 'avcPacketType') !== 2;
const isAudioFrame = (t: TraceRecord) => isAudio(t) && num(t, 'aacPacketType') !== 0;
const ts = (t: TraceRecord) => num(t, 'ts') ?? 0;
const idx = (t: TraceRecord) => num(t, 'index') ?? -1;

function configAt(trace: readonly TraceRecord[], kind: string, tagIndex: number): TraceRecord | undefined {
  return ofKind(trace, kind).find((r) => num(r, 'atTag') === tagIndex);
}

/** The latest config of `kind` announced at or before `tagIndex`. */
function configBefore(
  trace: readonly TraceRecord[],
  kind: string,
  tagIndex: number,
): TraceRecord | undefined {
  let found: TraceRecord | undefined;
  for (const r of ofKind(trace, kind)) if ((num(r, 'atTag') ?? -1) <= tagIndex) found = r;
  return found;
}

/** Per-segment verdicts folded into one: the first failing segment decides. */
function overSegments(
  trace: readonly TraceRecord[],
  applicable: (s: ServerSegment) => boolean,
  judge: (s: ServerSegment) => Outcome,
  none: string,
  passed: (segments: ServerSegment[]) => Outcome,
): Outcome {
  const segments = serverSegments(trace).filter(applicable);
  if (segments.length === 0) return notApplicable(none);
  let undecided: Outcome | undefined;
  for (const s of segments) {
    const o = judge(s);
    if (o.status === 'fail') return o;
    if (o.status === 'indeterminate') undecided ??= o;
  }
  return undecided ?? passed(segments);
}

const ok: Outcome = { status: 'pass', summary: '' };

// ---------------------------------------------------------------------------------------------------
// Sequence headers and keyframes
// ---------------------------------------------------------------------------------------------------

/** stream/sequence-header/1: the first video tag of each connection is an AVC sequence header flv.js parses. */
export const firstVideoTagIsSequenceHeader: Check = {
  requirement: 'stream/sequence-header/1',
  always: true,
  evaluate(trace) {
    return overSegments(
      trace,
      (s) => s.tags.some(isVideo),
      (s) => {
        const first = s.tags.find(isVideo)!;
        const ev = excerpt([
          first,
          ...s.tags.filter(isVideo).slice(1, 3),
          ...ofKind(trace, 'observer.demuxError'),
        ]);
        if (num(first, 'codecId') !== 7 || num(first, 'avcPacketType') !== 0) {
          return fail(
            `connection ${s.conn}: the first video tag (#${idx(first)}, ${ms(first)} ms) has CodecID ${num(first, 'codecId')} and AVCPacketType ${num(first, 'avcPacketType') ?? 'none'}, expected an AVC sequence header (7, 0)`,
            {
              expected: 'CodecID 7, AVCPacketType 0',
              actual: describeVideo(first),
              atMs: ms(first),
              evidence: ev,
            },
          );
        }
        const config = configAt(trace, 'observer.videoConfig', idx(first));
        if (!config || !((num(config, 'width') ?? 0) > 0) || !str(config, 'profile')) {
          return fail(
            `connection ${s.conn}: the AVC sequence header (#${idx(first)}) does not parse as an AVCDecoderConfigurationRecord with an SPS and a PPS`,
            { atMs: ms(first), evidence: ev },
          );
        }
        return ok;
      },
      'no video reached the server',
      (segs) =>
        pass(
          `${segs.length} connection(s): the first video tag is an AVC sequence header with a parsable record`,
        ),
    );
  },
};

/** stream/sequence-header/2: the first audio tag of each connection is an AAC sequence header with a valid ASC. */
export const firstAudioTagIsSequenceHeader: Check = {
  requirement: 'stream/sequence-header/2',
  always: true,
  evaluate(trace) {
    return overSegments(
      trace,
      (s) => s.tags.some(isAudio),
      (s) => {
        const first = s.tags.find(isAudio)!;
        const ev = excerpt([
          first,
          ...s.tags.filter(isAudio).slice(1, 3),
          ...ofKind(trace, 'observer.demuxError'),
        ]);
        if (num(first, 'codecId') !== 10 || num(first, 'aacPacketType') !== 0) {
          return fail(
            `connection ${s.conn}: the first audio tag (#${idx(first)}, ${ms(first)} ms) has SoundFormat ${num(first, 'codecId')} and AACPacketType ${num(first, 'aacPacketType') ?? 'none'}, expected an AAC sequence header (10, 0)`,
            { expected: 'SoundFormat 10, AACPacketType 0', atMs: ms(first), evidence: ev },
          );
        }
        const config = configAt(trace, 'observer.audioConfig', idx(first));
        const rate = num(config, 'sampleRate');
        const channels = num(config, 'channels');
        if (
          !config ||
          rate === undefined ||
          !AAC_RATES.includes(rate) ||
          (channels !== 1 && channels !== 2)
        ) {
          return fail(
            `connection ${s.conn}: the AAC sequence header (#${idx(first)}) carries ${config ? `${rate} Hz, ${channels} channel(s)` : 'no parsable AudioSpecificConfig'}, expected a standard sample rate and 1 or 2 channels`,
            { atMs: ms(first), evidence: excerpt([first, config]) },
          );
        }
        return ok;
      },
      'no audio reached the server',
      (segs) =>
        pass(
          `${segs.length} connection(s): the first audio tag is an AAC sequence header with a valid AudioSpecificConfig`,
        ),
    );
  },
};

/** ISO/IEC 14496-3 samplingFrequencyIndex 0..12. */
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * stream/sequence-header/3: every AVC sequence header is followed by a keyframe, and the decoder never
 * meets a frame whose parameter sets it was not given (ffprobe's SPS/PPS errors).
 */
export const parameterSetsAnnounced: Check = {
  requirement: 'stream/sequence-header/3',
  always: true,
  evaluate(trace) {
    const probe = firstOf(trace, 'validation.ffprobe');
    const errors = field(probe, 'errors');
    const psErrors = (Array.isArray(errors) ? errors : [])
      .map(String)
      .filter((e) => /\b(sps|pps)\b|non-existing|decode_slice_header/i.test(e));
    let headers = 0;
    return overSegments(
      trace,
      (s) => s.tags.some(isAvcHeader),
      (s) => {
        const video = s.tags.filter(isVideo);
        for (let i = 0; i < video.length; i++) {
          if (!isAvcHeader(video[i])) continue;
          headers++;
          const next = video.slice(i + 1).find(isVideoFrame);
          if (next && field(next, 'keyframe') !== true) {
            return fail(
              `connection ${s.conn}: the frame after the AVC sequence header #${idx(video[i])} (tag #${idx(next)}, ts ${ts(next)}) is not a keyframe`,
              {
                expected: 'a keyframe after each sequence header',
                actual: describeVideo(next),
                atMs: ms(next),
                evidence: excerpt(video.slice(Math.max(0, i - 1), i + 3)),
              },
            );
          }
        }
        if (psErrors.length > 0) {
          return fail(`the decoder met frames without their parameter sets: ${psErrors[0]}`, {
            evidence: excerpt([probe]),
            numbers: { errors: psErrors.length },
          });
        }
        return ok;
      },
      'no AVC sequence header reached the server',
      (segs) =>
        pass(
          `${headers} sequence header(s) on ${segs.length} connection(s), each followed by a keyframe; no SPS/PPS decode error`,
        ),
    );
  },
};

/** stream/keyframe/1: the first video frame of each connection is a keyframe. */
export const firstFrameIsKeyframe: Check = {
  requirement: 'stream/keyframe/1',
  always: true,
  evaluate(trace) {
    return overSegments(
      trace,
      (s) => s.tags.some(isVideoFrame),
      (s) => {
        const first = s.tags.find(isVideoFrame)!;
        if (field(first, 'keyframe') !== true) {
          return fail(
            `connection ${s.conn}: the first video frame (#${idx(first)}, ts ${ts(first)}) has FrameType 2 (inter frame), expected a keyframe`,
            {
              expected: 'FrameType 1',
              actual: describeVideo(first),
              atMs: ms(first),
              evidence: excerpt(s.tags.filter(isVideo).slice(0, 4)),
            },
          );
        }
        return ok;
      },
      'no video frame reached the server',
      (segs) => pass(`${segs.length} connection(s): the first video frame is a keyframe`),
    );
  },
};

/** Longest keyframe interval while the camera is pushed, FLV ms (`stream/keyframe/2`). */
const MAX_GOP_MS = 4000;
/** How far back a net-status videoGop is compared with measured keyframe intervals, ms. */
const GOP_WINDOW_MS = 10_000;

/**
 * stream/keyframe/2 (SHOULD): while the camera is pushed in the foreground, keyframes at most 4 s apart;
 * net-status videoGop (s) within ±1 s of the measured mean interval.
 */
export const regularKeyframes: Check = {
  requirement: 'stream/keyframe/2',
  always: true,
  evaluate(trace) {
    const windows = cameraWindows(trace);
    const windowOf = (r: TraceRecord) => windows.findIndex(([a, b]) => ms(r) >= a && ms(r) <= b);
    /**
     * Keyframe-to-keyframe intervals inside one camera window (FLV ms), with the second keyframe's timestamp
     * and its connection. Net status is compared by timestamp, not arrival, as queues delay arrivals.
     */
    const intervals: { ms: number; atTs: number; conn: number }[] = [];
    /** Per connection: arrival time minus timestamp at its smallest, i.e. when timestamp 0 was captured. */
    const origin = new Map<number, { fromMs: number; toMs: number; originMs: number }>();
    let judgedFrames = 0;
    for (const s of serverSegments(trace)) {
      // The clock starts at the first frame of each window (a keyframe or not) and restarts at each keyframe.
      let clockFrom: TraceRecord | undefined;
      let lastKeyframe: TraceRecord | undefined;
      let window = -1;
      const frames = s.tags.filter(isVideoFrame);
      if (frames.length > 0)
        origin.set(s.conn, {
          fromMs: s.fromMs,
          toMs: s.toMs,
          originMs: Math.min(...frames.map((f) => ms(f) - ts(f))),
        });
      for (const f of frames) {
        const w = windowOf(f);
        if (w !== window) {
          clockFrom = undefined;
          lastKeyframe = undefined;
          window = w;
        }
        if (w < 0) continue;
        judgedFrames++;
        clockFrom ??= f;
        if (ts(f) - ts(clockFrom) > MAX_GOP_MS) {
          return fail(
            `connection ${s.conn}: no keyframe from ts ${ts(clockFrom)} to ts ${ts(f)} (${ts(f) - ts(clockFrom)} ms > ${MAX_GOP_MS} ms) while the camera was pushed`,
            {
              expected: `keyframes <= ${MAX_GOP_MS} ms apart`,
              actual: `${ts(f) - ts(clockFrom)} ms`,
              atMs: ms(f),
              evidence: excerpt([clockFrom, f]),
            },
          );
        }
        if (field(f, 'keyframe') === true) {
          if (lastKeyframe) intervals.push({ ms: ts(f) - ts(lastKeyframe), atTs: ts(f), conn: s.conn });
          lastKeyframe = f;
          clockFrom = f;
        }
      }
    }
    if (judgedFrames === 0) return notApplicable('no camera video reached the server in the foreground');
    if (intervals.length === 0) {
      return pass(
        `no keyframe gap above ${MAX_GOP_MS} ms over ${judgedFrames} camera frame(s) (fewer than two keyframes)`,
      );
    }
    const mean = (xs: { ms: number }[]) => xs.reduce((a, b) => a + b.ms, 0) / xs.length;
    const numbers = {
      meanKeyframeIntervalMs: Math.round(mean(intervals)),
      maxKeyframeIntervalMs: Math.max(...intervals.map((i) => i.ms)),
    };
    // Each reported videoGop against the keyframe intervals of the 10 s of stream before it.
    for (const r of ofKind(trace, 'pusher.netstatus')) {
      const gop = num(r, 'videoGop') ?? 0;
      if (gop <= 0 || windowOf(r) < 0) continue;
      const conn = [...origin].find(([, o]) => ms(r) >= o.fromMs && ms(r) < o.toMs);
      if (!conn) continue;
      const tsNow = ms(r) - conn[1].originMs;
      const recent = intervals.filter(
        (i) => i.conn === conn[0] && i.atTs <= tsNow && i.atTs > tsNow - GOP_WINDOW_MS,
      );
      if (recent.length === 0) continue;
      const measured = Math.round(mean(recent));
      if (Math.abs(gop * 1000 - measured) > 1000) {
        return fail(
          `net-status videoGop ${gop} s at ${ms(r)} ms is more than 1 s from the keyframe interval measured over the 10 s before it (${measured} ms)`,
          {
            expected: `videoGop within ±1 s of ${measured} ms`,
            actual: `${gop} s`,
            atMs: ms(r),
            numbers: { ...numbers, measuredMs: measured },
            evidence: excerpt([r]),
          },
        );
      }
    }
    return pass(
      `keyframes every ${numbers.meanKeyframeIntervalMs} ms on average (max ${numbers.maxKeyframeIntervalMs} ms) while the camera was pushed; videoGop agrees`,
      { numbers },
    );
  },
};

/** Intervals [from, to] ms in which a camera is open, the app is in the foreground and the push is not paused. */
function cameraWindows(trace: readonly TraceRecord[]): [number, number][] {
  const end = Math.max(...trace.map(ms), 0);
  const out: [number, number][] = [];
  let cameras = 0;
  let foreground = true;
  let paused = false;
  let from: number | undefined;
  const update = (t: number) => {
    const on = cameras > 0 && foreground && !paused;
    if (on && from === undefined) from = t;
    if (!on && from !== undefined) {
      out.push([from, t]);
      from = undefined;
    }
  };
  for (const r of trace) {
    if (r.kind === 'device.call' && str(r, 'device') === 'camera' && str(r, 'method') === 'openCamera') {
      if (str(r, 'result') === 'ok') cameras++;
    } else if (r.kind === 'device.camera.stopped') {
      cameras = Math.max(0, cameras - 1);
    } else if (r.kind === 'app.state') {
      foreground = str(r, 'state') !== 'background';
    } else if (r.kind === 'pusher.op' && str(r, 'phase') === 'result' && field(r, 'ok') === true) {
      if (str(r, 'op') === 'pause') paused = true;
      else if (str(r, 'op') === 'resume' || str(r, 'op') === 'stop' || str(r, 'op') === 'start')
        paused = false;
    } else {
      continue;
    }
    update(ms(r));
  }
  if (from !== undefined) out.push([from, end]);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------------

/**
 * stream/timestamps/1: per connection and track, timestamps never decrease: as the pusher wrote them (the
 * tap's `wire.tsRegression`) and as the server relayed the frames.
 */
export const timestampsMonotonic: Check = {
  requirement: 'stream/timestamps/1',
  always: true,
  evaluate(trace) {
    const regressions = ofKind(trace, 'wire.tsRegression');
    if (regressions.length > 0) {
      const r = regressions[0];
      return fail(
        `connection ${num(r, 'conn')}: ${str(r, 'type')} timestamp went back from ${num(r, 'from')} to ${num(r, 'to')} (${regressions.length} regression(s) written by the pusher)`,
        {
          expected: 'non-decreasing timestamps per track',
          actual: `${num(r, 'from')} → ${num(r, 'to')}`,
          atMs: ms(r),
          numbers: { regressions: regressions.length },
          evidence: excerpt(regressions),
        },
      );
    }
    const media = ofKind(trace, 'wire.firstMedia');
    const segments = serverSegments(trace).filter((s) =>
      s.tags.some((t) => isVideoFrame(t) || isAudioFrame(t)),
    );
    if (media.length === 0 && segments.length === 0) return notApplicable('no media message was written');
    for (const s of segments) {
      for (const [track, frames] of [
        ['video', s.tags.filter(isVideoFrame)],
        ['audio', s.tags.filter(isAudioFrame)],
      ] as const) {
        for (let i = 1; i < frames.length; i++) {
          if (ts(frames[i]) < ts(frames[i - 1])) {
            return indeterminate(
              `the pusher wrote non-decreasing timestamps, but the server relayed ${track} tag #${idx(frames[i])} with ts ${ts(frames[i])} after ${ts(frames[i - 1])} (a server rewrite, not the pusher's)`,
              { atMs: ms(frames[i]), evidence: excerpt([frames[i - 1], frames[i]]) },
            );
          }
        }
      }
    }
    return pass(
      `timestamps never go back: ${media.length} connection(s) with media, ${segments.length} at the server`,
    );
  },
};

/** Audio/video drift bound, ms, and the arrival window in which a frame pair is compared (`stream/timestamps/2`). */
const MAX_DRIFT_MS = 500;
const PAIR_WINDOW_MS = 1000;

/**
 * stream/timestamps/2: each video frame's timestamp is within 500 ms of the audio frame nearest in arrival.
 * The timestamps are the pusher's: on a connection node-media-server resumed within its grace window, each
 * track's shift (internal/republish-shift.ts) is taken off first.
 */
export const audioVideoInSync: Check = {
  requirement: 'stream/timestamps/2',
  always: true,
  evaluate(trace) {
    let pairs = 0;
    let worst = 0;
    const segments = serverSegments(trace);
    const shifts = new Map(
      republishShifts(segments.map((s) => s.tags)).map((shift, i) => [segments[i].fromMs, shift] as const),
    );
    return overSegments(
      trace,
      (s) => s.tags.some(isVideoFrame) && s.tags.some(isAudioFrame),
      (s) => {
        const shift = shifts.get(s.fromMs) ?? { video: 0, audio: 0 };
        const audio = s.tags.filter(isAudioFrame);
        let j = 0;
        for (const v of s.tags.filter(isVideoFrame)) {
          while (j + 1 < audio.length && Math.abs(ms(audio[j + 1]) - ms(v)) <= Math.abs(ms(audio[j]) - ms(v)))
            j++;
          const a = audio[j];
          if (Math.abs(ms(a) - ms(v)) > PAIR_WINDOW_MS) continue;
          pairs++;
          const drift = ts(v) - shift.video - (ts(a) - shift.audio);
          worst = Math.max(worst, Math.abs(drift));
          if (Math.abs(drift) >= MAX_DRIFT_MS) {
            const shifted =
              shift.video || shift.audio
                ? ` (after the server's resume shift of ${shift.video} ms on video and ${shift.audio} ms on audio)`
                : '';
            return fail(
              `connection ${s.conn}: video ts ${ts(v)} and audio ts ${ts(a)} arrived ${Math.round(Math.abs(ms(a) - ms(v)))} ms apart but differ by ${drift} ms${shifted} (bound ${MAX_DRIFT_MS} ms)`,
              {
                expected: `|video − audio| < ${MAX_DRIFT_MS} ms`,
                actual: `${drift} ms`,
                atMs: ms(v),
                numbers: { driftMs: drift, videoShiftMs: shift.video, audioShiftMs: shift.audio },
                evidence: excerpt([a, v]),
              },
            );
          }
        }
        return ok;
      },
      'no connection carried both audio and video frames',
      (segs) =>
        pairs === 0
          ? notApplicable('no video frame had an audio frame within 1 s of its arrival')
          : pass(`${pairs} video/audio pair(s) on ${segs.length} connection(s), largest drift ${worst} ms`, {
              numbers: { pairs, maxDriftMs: worst },
            }),
    );
  },
};

/** Uplink capacity program (`net.link` segments) and the times the network was disturbed (toxics, stalls). */
function capacityAt(trace: readonly TraceRecord[]): (fromMs: number, toMs: number) => number {
  const link = ofKind(trace, 'net.link').find((r) => str(r, 'link') === 'uplink');
  const segs = field(link, 'segments');
  const steps = (Array.isArray(segs) ? segs : []).map((s) => {
    const o = (s && typeof s === 'object' && !Array.isArray(s) ? s : {}) as Record<string, TraceValue>;
    const kbps =
      o.trace === true
        ? 0
        : o.kbps === null || o.kbps === undefined
          ? Number.POSITIVE_INFINITY
          : Number(o.kbps);
    return { atMs: Number(o.atUs ?? 0) / 1000, kbps };
  });
  const disturbed: [number, number][] = [];
  const open = new Map<string, number>();
  for (const r of trace) {
    if (r.kind === 'net.toxic') {
      const key = `${num(r, 'conn')}:${str(r, 'type')}`;
      if (str(r, 'phase') === 'start') open.set(key, ms(r));
      else {
        disturbed.push([open.get(key) ?? 0, ms(r)]);
        open.delete(key);
      }
    } else if (r.kind === 'net.stall' || r.kind === 'net.drop') {
      disturbed.push([ms(r) - 1000, ms(r) + 1000]);
    }
  }
  for (const from of open.values()) disturbed.push([from, Number.POSITIVE_INFINITY]);
  return (fromMs, toMs) => {
    if (disturbed.some(([a, b]) => a < toMs && b > fromMs)) return 0;
    if (steps.length === 0) return Number.POSITIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < steps.length; i++) {
      const a = steps[i].atMs;
      const b = i + 1 < steps.length ? steps[i + 1].atMs : Number.POSITIVE_INFINITY;
      if (a < toMs && b > fromMs) min = Math.min(min, steps[i].kbps);
    }
    return min;
  };
}

/** The largest video encoder target (kbit/s) in effect at some time in [fromMs, toMs]. */
function videoTargetMax(trace: readonly TraceRecord[]): (fromMs: number, toMs: number) => number {
  const changes: { t: number; kbps: number }[] = [];
  for (const r of ofKind(trace, 'device.call')) {
    if (str(r, 'device') !== 'videoEncoder') continue;
    const a = field(r, 'args');
    const o = a && typeof a === 'object' && !Array.isArray(a) ? a : {};
    const kbps =
      typeof o.targetBitrateKbps === 'number'
        ? o.targetBitrateKbps
        : typeof o.kbps === 'number'
          ? o.kbps
          : num(r, 'kbps');
    if (kbps !== undefined) changes.push({ t: ms(r), kbps });
  }
  return (fromMs, toMs) => {
    let max = 0;
    let current = 0;
    for (const c of changes) {
      if (c.t <= fromMs) current = c.kbps;
      else if (c.t <= toMs) max = Math.max(max, c.kbps);
    }
    return Math.max(max, current);
  };
}

function audioTarget(trace: readonly TraceRecord[]): number {
  let max = 0;
  for (const r of ofKind(trace, 'device.call')) {
    if (str(r, 'device') !== 'audioEncoder') continue;
    const a = field(r, 'args');
    const o = a && typeof a === 'object' && !Array.isArray(a) ? a : {};
    if (typeof o.targetBitrateKbps === 'number') max = Math.max(max, o.targetBitrateKbps);
  }
  return max;
}

const WINDOW_MS = 10_000;
const MAX_ARRIVAL_GAP_MS = 1000;

/** stream/timestamps/3 (SHOULD): over 10 s of continuous pushing with spare capacity, ts advance ÷ arrival advance ∈ [0.98, 1.02]. */
export const realTimeTimestamps: Check = {
  requirement: 'stream/timestamps/3',
  always: true,
  evaluate(trace) {
    const capacity = capacityAt(trace);
    const video = videoTargetMax(trace);
    const audioKbps = audioTarget(trace);
    let windows = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const s of serverSegments(trace)) {
      for (const [track, frames] of [
        ['video', s.tags.filter(isVideoFrame)],
        ['audio', s.tags.filter(isAudioFrame)],
      ] as const) {
        // gapsUpTo[k]: arrival gaps longer than MAX_ARRIVAL_GAP_MS among frames 0..k (a window i..j is
        // continuous when it has none: gapsUpTo[j] === gapsUpTo[i]).
        const gapsUpTo = new Int32Array(frames.length);
        for (let k = 1; k < frames.length; k++)
          gapsUpTo[k] = gapsUpTo[k - 1] + (ms(frames[k]) - ms(frames[k - 1]) > MAX_ARRIVAL_GAP_MS ? 1 : 0);
        let j = 0;
        for (let i = 0; i < frames.length; i++) {
          const start = frames[i];
          if (j < i) j = i;
          while (j + 1 < frames.length && ms(frames[j + 1]) - ms(start) <= WINDOW_MS) j++;
          const end = frames[j];
          const span = ms(end) - ms(start);
          if (span < WINDOW_MS - MAX_ARRIVAL_GAP_MS) continue;
          if (gapsUpTo[j] !== gapsUpTo[i]) continue;
          const need = 2 * (video(ms(start), ms(end)) + audioKbps);
          if (capacity(ms(start), ms(end)) < need) continue;
          windows++;
          const ratio = (ts(end) - ts(start)) / span;
          lo = Math.min(lo, ratio);
          hi = Math.max(hi, ratio);
          if (ratio < 0.98 || ratio > 1.02) {
            return fail(
              `connection ${s.conn}: ${track} timestamps advanced ${ts(end) - ts(start)} ms over ${Math.round(span)} ms of arrivals (ratio ${ratio.toFixed(3)}, expected 0.98..1.02)`,
              {
                expected: '0.98..1.02',
                actual: ratio.toFixed(3),
                atMs: ms(end),
                numbers: { ratio },
                evidence: excerpt([start, end]),
              },
            );
          }
        }
      }
    }
    if (windows === 0) return notApplicable('no 10 s of continuous pushing with spare capacity');
    return pass(`${windows} window(s) of 10 s: timestamp/arrival ratio ${lo.toFixed(3)}..${hi.toFixed(3)}`, {
      numbers: { windows, minRatio: lo, maxRatio: hi },
    });
  },
};

// ---------------------------------------------------------------------------------------------------
// Metadata and codecs
// ---------------------------------------------------------------------------------------------------

/** The onMetaData script tags in order, each with the metadata object the observer decoded from it. */
function metadataTags(
  trace: readonly TraceRecord[],
): { tag: TraceRecord; value: Record<string, TraceValue> }[] {
  const tags = ofKind(trace, 'observer.tag').filter(
    (t) =>
      str(t, 'type') === 'script' &&
      (str(t, 'scriptName') === 'onMetaData' || str(t, 'scriptName') === '@setDataFrame'),
  );
  const values = ofKind(trace, 'observer.metadata').map((r) => field(r, 'value'));
  const out: { tag: TraceRecord; value: Record<string, TraceValue> }[] = [];
  tags.forEach((tag, i) => {
    const v = values[i];
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push({ tag, value: v });
  });
  return out;
}

/** stream/metadata/1: width/height, codec ids, sample rate and stereo in onMetaData are what the stream carries. */
export const truthfulMetadata: Check = {
  requirement: 'stream/metadata/1',
  always: true,
  evaluate(trace) {
    const segments = serverSegments(trace);
    const metas = metadataTags(trace)
      .map((m) => ({ ...m, segment: segments.find((s) => s.tags.includes(m.tag)) }))
      .filter((m) => m.segment !== undefined);
    if (metas.length === 0) return notApplicable('no onMetaData reached the server');
    let compared = 0;
    const isMeta = new Set(metas.map((m) => m.tag));
    for (const { tag, value, segment } of metas) {
      const later = segment!.tags.filter((t) => idx(t) > idx(tag));
      const earlier = segment!.tags.filter((t) => idx(t) < idx(tag));
      // Superseded: another onMetaData on the connection before the sequence header it would describe (the
      // pusher changed its mind before pushing anything at that size); the later one is judged.
      const nextMeta = later.find((t) => isMeta.has(t));
      const before = (t: TraceRecord | undefined) => t !== undefined && (!nextMeta || idx(t) < idx(nextMeta));
      const avc = later.find(isAvcHeader);
      const aac = later.find(isAacHeader);
      const video = avc && before(avc) ? configAt(trace, 'observer.videoConfig', idx(avc)) : undefined;
      // Audio: the AudioSpecificConfig in force when it was written (the connection's latest AAC header) or
      // the next one (a metadata written before its header); an audio-quality change later on does not make
      // an earlier onMetaData a lie. A connection that carried no AAC header (a paused push) is not compared
      // with the server's cached header of an earlier connection.
      const inForce = earlier.filter(isAacHeader).pop();
      const audios = [
        inForce ? configAt(trace, 'observer.audioConfig', idx(inForce)) : undefined,
        aac && before(aac) ? configAt(trace, 'observer.audioConfig', idx(aac)) : undefined,
      ].filter((c): c is TraceRecord => c !== undefined);
      const audio =
        audios.find(
          (c) =>
            (value.audiosamplerate === undefined || value.audiosamplerate === num(c, 'sampleRate')) &&
            (typeof value.stereo !== 'boolean' || value.stereo === (num(c, 'channels') === 2)),
        ) ?? audios[audios.length - 1];
      const lies: string[] = [];
      const claim = (name: string) => value[name];
      if (video) {
        for (const dim of ['width', 'height'] as const) {
          const v = claim(dim);
          if (v !== undefined && v !== null && v !== num(video, dim))
            lies.push(`${dim} ${JSON.stringify(v)} but the SPS says ${num(video, dim)}`);
        }
      }
      if (claim('videocodecid') !== undefined && claim('videocodecid') !== 7)
        lies.push(`videocodecid ${JSON.stringify(claim('videocodecid'))} (expected 7, AVC)`);
      if (claim('audiocodecid') !== undefined && claim('audiocodecid') !== 10)
        lies.push(`audiocodecid ${JSON.stringify(claim('audiocodecid'))} (expected 10, AAC)`);
      if (audio) {
        const rate = claim('audiosamplerate');
        if (rate !== undefined && rate !== null && rate !== num(audio, 'sampleRate'))
          lies.push(
            `audiosamplerate ${JSON.stringify(rate)} but the AudioSpecificConfig says ${num(audio, 'sampleRate')}`,
          );
        const stereo = claim('stereo');
        if (typeof stereo === 'boolean' && stereo !== (num(audio, 'channels') === 2))
          lies.push(`stereo ${stereo} but the AudioSpecificConfig has ${num(audio, 'channels')} channel(s)`);
      }
      compared++;
      if (lies.length > 0) {
        return fail(`connection ${segment!.conn}: onMetaData (tag #${idx(tag)}) says ${lies.join('; ')}`, {
          expected: 'onMetaData matching the sequence headers that follow it',
          actual: lies.join('; '),
          atMs: ms(tag),
          evidence: excerpt([tag, avc, video, aac, audio]),
        });
      }
    }
    return pass(`${compared} onMetaData object(s) match the sequence headers`, {
      numbers: { metadata: compared },
    });
  },
};

/** stream/metadata/2 (SHOULD): a resolution change on a connection brings a new onMetaData with the new size within 1 s. */
export const metadataFollowsResize: Check = {
  requirement: 'stream/metadata/2',
  always: true,
  evaluate(trace) {
    const metas = metadataTags(trace);
    let changes = 0;
    for (const s of serverSegments(trace)) {
      let previous: { w: number; h: number } | undefined;
      for (const hdr of s.tags.filter(isAvcHeader)) {
        const cfg = configAt(trace, 'observer.videoConfig', idx(hdr));
        if (!cfg) continue;
        const size = { w: num(cfg, 'width') ?? 0, h: num(cfg, 'height') ?? 0 };
        if (previous && (previous.w !== size.w || previous.h !== size.h)) {
          changes++;
          const found = metas.find(
            (m) =>
              s.tags.includes(m.tag) &&
              Math.abs(ms(m.tag) - ms(hdr)) <= 1000 &&
              m.value.width === size.w &&
              m.value.height === size.h,
          );
          if (!found) {
            return fail(
              `connection ${s.conn}: the resolution changed from ${previous.w}x${previous.h} to ${size.w}x${size.h} at ${ms(hdr)} ms with no onMetaData of the new size within 1 s`,
              {
                expected: `onMetaData ${size.w}x${size.h}`,
                atMs: ms(hdr),
                evidence: excerpt([hdr, cfg, ...metas.map((m) => m.tag)]),
              },
            );
          }
        }
        previous = size;
      }
    }
    if (changes === 0) return notApplicable('the pushed resolution never changed on a connection');
    return pass(`${changes} resolution change(s), each followed by onMetaData of the new size within 1 s`);
  },
};

/** stream/codec/1: every video tag is AVC (7) and every audio tag AAC (10). */
export const h264AndAac: Check = {
  requirement: 'stream/codec/1',
  always: true,
  evaluate(trace) {
    const media = serverSegments(trace).flatMap((s) => s.tags.filter((t) => isVideo(t) || isAudio(t)));
    if (media.length === 0) return notApplicable('no media reached the server');
    const bad = media.find((t) => num(t, 'codecId') !== (isVideo(t) ? 7 : 10));
    if (bad) {
      return fail(
        `${str(bad, 'type')} tag #${idx(bad)} has ${isVideo(bad) ? 'CodecID' : 'SoundFormat'} ${num(bad, 'codecId')}, expected ${isVideo(bad) ? '7 (AVC)' : '10 (AAC)'}`,
        { atMs: ms(bad), evidence: excerpt([bad]) },
      );
    }
    return pass(`${media.length} media tag(s): H.264 video, AAC audio`);
  },
};

/**
 * stream/codec/2 (SHOULD): AAC tags carry SoundRate 3, SoundSize 1, SoundType 1. Needs the observer's
 * `soundRate`/`soundSize`/`soundType` fields on audio tags; without them the check is INDETERMINATE.
 */
export const aacHeaderBits: Check = {
  requirement: 'stream/codec/2',
  always: true,
  evaluate(trace) {
    const aac = serverSegments(trace).flatMap((s) =>
      s.tags.filter((t) => isAudio(t) && num(t, 'codecId') === 10),
    );
    if (aac.length === 0) return notApplicable('no AAC audio reached the server');
    const known = aac.filter((t) => num(t, 'soundRate') !== undefined);
    if (known.length === 0) {
      return indeterminate('the observer does not record SoundRate/SoundSize/SoundType of audio tags');
    }
    const bad = known.find(
      (t) => num(t, 'soundRate') !== 3 || num(t, 'soundSize') !== 1 || num(t, 'soundType') !== 1,
    );
    if (bad) {
      return fail(
        `audio tag #${idx(bad)}: SoundRate ${num(bad, 'soundRate')}, SoundSize ${num(bad, 'soundSize')}, SoundType ${num(bad, 'soundType')} (FLV requires 3, 1, 1 for AAC)`,
        { atMs: ms(bad), evidence: excerpt([bad]) },
      );
    }
    return pass(`${known.length} AAC tag(s) with SoundRate 3, SoundSize 1, SoundType 1`);
  },
};

// ---------------------------------------------------------------------------------------------------
// Audio continuity and decodability
// ---------------------------------------------------------------------------------------------------

/** Intervals [from, to] ms in which the push is paused (pause() accepted until resume/stop/start). */
function pausedWindows(trace: readonly TraceRecord[]): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  for (const r of ofKind(trace, 'pusher.op')) {
    if (str(r, 'phase') !== 'result' || field(r, 'ok') !== true) continue;
    const op = str(r, 'op');
    if (op === 'pause' && from === undefined) from = ms(r);
    else if ((op === 'resume' || op === 'stop' || op === 'start') && from !== undefined) {
      out.push([from, ms(r)]);
      from = undefined;
    }
  }
  if (from !== undefined) out.push([from, Number.POSITIVE_INFINITY]);
  return out;
}

/** stream/audio/1: consecutive audio timestamps on a connection differ by at most 3 frame durations. */
export const continuousAudio: Check = {
  requirement: 'stream/audio/1',
  always: true,
  evaluate(trace) {
    const capacity = capacityAt(trace);
    const audioKbps = audioTarget(trace);
    const minBitrate = Number(caseAttribute(trace, 'minBitrate') ?? 200);
    const need = 2 * audioKbps + (Number.isFinite(minBitrate) ? minBitrate : 200);
    const paused = pausedWindows(trace);
    let gaps = 0;
    let largest = 0;
    return overSegments(
      trace,
      (s) => s.tags.filter(isAudioFrame).length >= 2,
      (s) => {
        const frames = s.tags.filter(isAudioFrame);
        for (let i = 1; i < frames.length; i++) {
          const [a, b] = [frames[i - 1], frames[i]];
          const rate = num(configBefore(trace, 'observer.audioConfig', idx(a)), 'sampleRate');
          if (!rate) continue;
          const bound = (3 * 1024 * 1000) / rate;
          const gap = ts(b) - ts(a);
          if (gap <= bound + 1) continue;
          // Excused: a pause, or a network that could not carry audio plus min-bitrate.
          if (paused.some(([p, q]) => p < ms(b) && q > ms(a) - 1000)) continue;
          if (capacity(ms(a) - 1000, ms(b)) < need) continue;
          gaps++;
          largest = Math.max(largest, gap);
          return fail(
            `connection ${s.conn}: audio ts jumps from ${ts(a)} to ${ts(b)} (${gap} ms > 3 frames of ${Math.round(bound / 3)} ms at ${rate} Hz)`,
            {
              expected: `gaps <= ${Math.round(bound)} ms`,
              actual: `${gap} ms`,
              atMs: ms(b),
              numbers: { gapMs: gap },
              evidence: excerpt([a, b]),
            },
          );
        }
        return ok;
      },
      'fewer than two audio frames reached the server',
      (segs) =>
        pass(`audio continuous on ${segs.length} connection(s) (no gap above 3 frame durations)`, {
          numbers: { gaps, largestGapMs: largest },
        }),
    );
  },
};

/** stream/decodable/1: ffprobe decodes the capture without errors, as H.264 + AAC; flv.js reports no demux error. */
export const decodableCapture: Check = {
  requirement: 'stream/decodable/1',
  always: true,
  evaluate(trace) {
    const probe = firstOf(trace, 'validation.ffprobe');
    if (!probe) return notApplicable('the capture was not validated (no validation.ffprobe record)');
    if (field(probe, 'skipped') !== undefined)
      return notApplicable(`ffprobe skipped: ${str(probe, 'skipped')}`);
    if (field(probe, 'failed') !== undefined)
      return indeterminate(`ffprobe could not run: ${str(probe, 'failed')}`);
    const demux = ofKind(trace, 'observer.demuxError');
    const errors = field(probe, 'errors');
    const count = num(probe, 'errorCount') ?? 0;
    const segments = serverSegments(trace);
    const media = segments.flatMap((s) => s.tags);
    const stream = (k: 'video' | 'audio') => {
      const v = field(probe, k);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    };
    const listed = (Array.isArray(errors) ? errors : []).map(String);
    // One capture spans every connection of the case, while the spec judges each connection's capture: the
    // muxer's complaints about timestamps that restart at a new connection (each connection's onMetaData
    // at 0, say) are artefacts of the joined capture. Timestamps per connection are stream/timestamps/1's.
    const excused =
      segments.length > 1 ? listed.filter((e) => /non monotonically increasing dts to muxer/.test(e)) : [];
    const remaining = listed.filter((e) => !excused.includes(e));
    const unexplained = count - excused.length;
    const problems: string[] = [];
    if (unexplained > 0)
      problems.push(`${unexplained} decode error(s): ${remaining.slice(0, 3).join(' | ')}`);
    if (demux.length > 0) problems.push(`flv.js: ${str(demux[0], 'stage')}: ${str(demux[0], 'message')}`);
    if (media.some(isVideo) && stream('video')?.codec !== 'h264')
      problems.push(
        `ffprobe's video stream is ${JSON.stringify(stream('video')?.codec ?? null)}, expected h264`,
      );
    if (media.some(isAudio) && stream('audio')?.codec !== 'aac')
      problems.push(
        `ffprobe's audio stream is ${JSON.stringify(stream('audio')?.codec ?? null)}, expected aac`,
      );
    if (problems.length > 0) {
      return fail(`the capture does not decode cleanly: ${problems.join('; ')}`, {
        numbers: { errorCount: count, demuxErrors: demux.length },
        evidence: excerpt([probe, ...demux]),
      });
    }
    const note =
      excused.length > 0
        ? ` (${excused.length} muxer timestamp message(s) of the capture joining ${segments.length} connections set aside)`
        : '';
    return pass(
      `ffprobe decoded ${stream('video')?.frames ?? 0} video and ${stream('audio')?.frames ?? 0} audio frame(s) without error${note}`,
      { numbers: { errorCount: count, excused: excused.length } },
    );
  },
};

function describeVideo(t: TraceRecord): string {
  return `CodecID ${num(t, 'codecId')}, AVCPacketType ${num(t, 'avcPacketType') ?? '-'}, keyframe ${field(t, 'keyframe') === true}`;
}

/** Checks of the `stream` area of docs/spec.md. */
export const STREAM_CHECKS: readonly Check[] = [
  firstVideoTagIsSequenceHeader,
  firstAudioTagIsSequenceHeader,
  parameterSetsAnnounced,
  firstFrameIsKeyframe,
  regularKeyframes,
  timestampsMonotonic,
  audioVideoInSync,
  realTimeTimestamps,
  truthfulMetadata,
  metadataFollowsResize,
  h264AndAac,
  aacHeaderBits,
  continuousAudio,
  decodableCapture,
];
