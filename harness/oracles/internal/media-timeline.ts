import type { TraceRecord, TraceValue } from '../../sim/trace.js';
import { field, firstOf, ms, num, ofKind, str } from '../trace-query.js';
import { memoByTrace } from './memo-by-trace.js';

/**
 * What arrived at the server (the observer's FLV timeline), with arrival times, and what the pusher wrote
 * as metadata (wire tap). Times in ms.
 */
export interface ServerTag {
  index: number;
  t: number;
  type: string;
  ts: number;
  size: number;
  keyframe: boolean;
  /** 0: sequence header, 1: media (AVC NALU / AAC raw). */
  packetType?: number;
  /**
   * When the pusher wrote it, at the latest (ms): arrival minus the uplink's propagation delay and jitter
   * and the tag's transmission time at the capacity then. Exact on an uncongested link; a queue makes it
   * later than the truth.
   */
  sentMs: number;
  record: TraceRecord;
}

export interface VideoConfig {
  t: number;
  width: number;
  height: number;
  tag?: ServerTag;
  record: TraceRecord;
}

export interface AudioConfig {
  t: number;
  sampleRate: number;
  channels: number;
  tag?: ServerTag;
  record: TraceRecord;
}

/** A decoded video frame's colour (BT.601 limited range), per video media tag, with its arrival time. */
export interface DecodedFrame {
  t: number;
  y: number;
  cb: number;
  cr: number;
  tag: ServerTag;
}

export interface MediaTimeline {
  tags: ServerTag[];
  video: ServerTag[];
  audio: ServerTag[];
  /** Media frames (not sequence headers). */
  videoFrames: ServerTag[];
  audioFrames: ServerTag[];
  videoConfigs: VideoConfig[];
  audioConfigs: AudioConfig[];
  /** onMetaData the pusher wrote: `{t, conn (wire), width, height, audiosamplerate, ...}`. */
  metadata: { t: number; conn: number; value: Record<string, TraceValue>; record: TraceRecord }[];
  /** Undefined when the case did not decode frames (`decodeFrames: false`) or decoding failed. */
  decoded?: DecodedFrame[];
}

function buildMediaTimeline(trace: readonly TraceRecord[]): MediaTimeline {
  const link = firstOf(trace, 'net.link', (r) => str(r, 'link') === 'uplink');
  const delayMs = ((num(link, 'delayUs') ?? 0) + (num(link, 'jitterUs') ?? 0)) / 1000;
  const capacity = uplinkCapacity(trace);
  const tags: ServerTag[] = ofKind(trace, 'observer.tag').map((r) => {
    const t = ms(r);
    const size = num(r, 'size') ?? 0;
    const kbps = capacity(t);
    const transmitMs = kbps !== undefined && Number.isFinite(kbps) && kbps > 0 ? (8 * size) / kbps : 0;
    return {
      index: num(r, 'index') ?? -1,
      t,
      type: str(r, 'type') ?? '',
      ts: num(r, 'ts') ?? 0,
      size,
      keyframe: field(r, 'keyframe') === true,
      packetType: num(r, 'avcPacketType') ?? num(r, 'aacPacketType'),
      sentMs: t - delayMs - transmitMs,
      record: r,
    };
  });
  const byIndex = new Map(tags.map((g) => [g.index, g]));
  const video = tags.filter((g) => g.type === 'video');
  const audio = tags.filter((g) => g.type === 'audio');
  const videoFrames = video.filter((g) => g.packetType !== 0);
  const audioFrames = audio.filter((g) => g.packetType !== 0);
  const videoConfigs = ofKind(trace, 'observer.videoConfig').map((r) => {
    const tag = byIndex.get(num(r, 'atTag') ?? -1);
    return { t: tag?.t ?? ms(r), width: num(r, 'width') ?? 0, height: num(r, 'height') ?? 0, tag, record: r };
  });
  const audioConfigs = ofKind(trace, 'observer.audioConfig').map((r) => {
    const tag = byIndex.get(num(r, 'atTag') ?? -1);
    return {
      t: tag?.t ?? ms(r),
      sampleRate: num(r, 'sampleRate') ?? 0,
      channels: num(r, 'channels') ?? 0,
      tag,
      record: r,
    };
  });
  const metadata = ofKind(trace, 'wire.data')
    .filter((r) => {
      const args = field(r, 'args');
      return Array.isArray(args) && args[0] === 'onMetaData';
    })
    .map((r) => {
      const args = field(r, 'args') as TraceValue[];
      const v = args[1];
      return {
        t: ms(r),
        conn: num(r, 'conn') ?? 0,
        value: v && typeof v === 'object' && !Array.isArray(v) ? v : {},
        record: r,
      };
    });
  let decoded: DecodedFrame[] | undefined;
  const frames = firstOf(trace, 'validation.frames');
  const runs = field(frames, 'runs');
  if (Array.isArray(runs)) {
    decoded = [];
    let i = 0;
    for (const run of runs) {
      if (!run || typeof run !== 'object' || Array.isArray(run)) continue;
      const n = typeof run.frames === 'number' ? run.frames : 0;
      for (let k = 0; k < n && i < videoFrames.length; k++, i++) {
        const tag = videoFrames[i];
        decoded.push({ t: tag.t, y: Number(run.y), cb: Number(run.cb), cr: Number(run.cr), tag });
      }
    }
  }
  return { tags, video, audio, videoFrames, audioFrames, videoConfigs, audioConfigs, metadata, decoded };
}

/** docs/devices.md "Colours": which source a decoded colour comes from, with its filter levels. */
export type PictureSource = 'front' | 'back' | 'black';

const BASES = {
  front: { y: 150, cb: 80, cr: 160 },
  back: { y: 82, cb: 170, cr: 100 },
} as const;

/**
 * Identify a decoded flat colour: a camera (front/back, with beauty = (Cb − base)/3 and whiteness =
 * (Y − base)/3), black, or undefined (e.g. a waiting image). `tolerance` per component.
 */
export function identifyColour(
  c: { y: number; cb: number; cr: number },
  tolerance = 1,
): { source: PictureSource; beauty: number; whiteness: number } | undefined {
  if (Math.abs(c.y - 16) <= 2 && Math.abs(c.cb - 128) <= 2 && Math.abs(c.cr - 128) <= 2)
    return { source: 'black', beauty: 0, whiteness: 0 };
  for (const source of ['front', 'back'] as const) {
    const b = BASES[source];
    if (Math.abs(c.cr - b.cr) > tolerance) continue;
    const whiteness = Math.round((c.y - b.y) / 3);
    const beauty = Math.round((c.cb - b.cb) / 3);
    if (whiteness < 0 || whiteness > 9 || beauty < 0 || beauty > 9) continue;
    if (Math.abs(c.y - (b.y + 3 * whiteness)) > tolerance || Math.abs(c.cb - (b.cb + 3 * beauty)) > tolerance)
      continue;
    return { source, beauty, whiteness };
  }
  return undefined;
}

/** Uplink capacity `C(t)` from the `net.link` record: kbit/s, Infinity when unlimited, undefined when unknown. */
export function uplinkCapacity(trace: readonly TraceRecord[]): (t: number) => number | undefined {
  const link = firstOf(trace, 'net.link', (r) => str(r, 'link') === 'uplink');
  const segments = field(link, 'segments');
  const toxics = ofKind(trace, 'net.toxic');
  const steps: { at: number; kbps: number | undefined }[] = [];
  if (Array.isArray(segments)) {
    for (const s of segments) {
      if (!s || typeof s !== 'object' || Array.isArray(s)) continue;
      const at = typeof s.atUs === 'number' ? s.atUs / 1000 : 0;
      const kbps =
        s.trace === true ? undefined : typeof s.kbps === 'number' ? s.kbps : Number.POSITIVE_INFINITY;
      steps.push({ at, kbps });
    }
  }
  return (t) => {
    if (!link || steps.length === 0) return undefined;
    // A toxic changes what the link carries in ways the capacity program does not tell.
    if (toxics.some((r) => ms(r) <= t)) return undefined;
    let v: number | undefined = steps[0].kbps;
    for (const s of steps) if (s.at <= t) v = s.kbps;
    return v;
  };
}

/** Received rate (kbit/s) of the tags' bodies arriving in [a, b). */
export function receivedKbps(tags: readonly ServerTag[], a: number, b: number): number {
  let bytes = 0;
  for (const g of tags) if (g.t >= a && g.t < b) bytes += g.size;
  return b > a ? (8 * bytes) / (b - a) : 0;
}

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const mediaTimeline = memoByTrace(buildMediaTimeline);
