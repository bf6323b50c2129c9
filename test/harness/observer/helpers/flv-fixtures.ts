/**
 * Real FLV inputs for the observer tests: encoded by the static ffmpeg from @ffmpeg-installer/ffmpeg,
 * cross-checked by the static ffprobe from @ffprobe-installer/ffprobe (independent of our parser and of
 * flv.js), plus a tiny tag-level FLV splitter/writer to craft streams (concatenation, bad timestamps).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

export interface EncodeOptions {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  sampleRate?: number;
  /** Encode audio too (default true). */
  audio?: boolean;
}

/** Encodes `dir/name` (FLV, H.264 baseline + AAC, GOP of one second) and returns its bytes. */
export function encodeFlv(dir: string, name: string, o: EncodeOptions): Uint8Array {
  const fps = o.fps ?? 25;
  const out = join(dir, name);
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc=size=${o.width}x${o.height}:rate=${fps}`);
  if (o.audio !== false) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${o.sampleRate ?? 48000}`);
  }
  args.push('-t', String(o.seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-profile:v', 'baseline');
  args.push('-g', String(fps), '-threads', '1');
  if (o.audio !== false) args.push('-c:a', 'aac');
  args.push('-f', 'flv', out);
  execFileSync(ffmpegInstaller.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Uint8Array(readFileSync(out));
}

export interface ProbePacket {
  codec_type: 'video' | 'audio';
  dts_time: string;
  pts_time: string;
  size: string;
  flags: string;
}

export interface ProbeResult {
  streams: {
    codec_type: string;
    nb_read_frames?: string;
    width?: number;
    height?: number;
    sample_rate?: string;
  }[];
  packets: ProbePacket[];
}

/** ffprobe's view of a file: decoded frame counts per stream (`-count_frames`) and every packet. */
export function probe(path: string): ProbeResult {
  const json = execFileSync(
    ffprobeInstaller.path,
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,nb_read_frames,width,height,sample_rate:packet=codec_type,dts_time,pts_time,size,flags',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(json) as ProbeResult;
}

export interface RawTag {
  type: number;
  timestampMs: number;
  data: Uint8Array;
}

/** Splits an FLV file into its 9-byte header and its tags (PreviousTagSize fields dropped). */
export function splitFlv(bytes: Uint8Array): { header: Uint8Array; tags: RawTag[] } {
  const header = bytes.slice(0, 9);
  const tags: RawTag[] = [];
  let p = 9 + 4;
  while (p + 11 <= bytes.byteLength) {
    const size = (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
    const ts = (bytes[p + 7] << 24) | (bytes[p + 4] << 16) | (bytes[p + 5] << 8) | bytes[p + 6] | 0;
    tags.push({ type: bytes[p], timestampMs: ts, data: bytes.slice(p + 11, p + 11 + size) });
    p += 11 + size + 4;
  }
  return { header, tags };
}

/** Writes an FLV file: header, PreviousTagSize0, then each tag with a correct PreviousTagSize. */
export function writeFlv(header: Uint8Array, tags: RawTag[]): Uint8Array {
  const total = 13 + tags.reduce((n, t) => n + 11 + t.data.byteLength + 4, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(header.subarray(0, 9), 0);
  view.setUint32(5, 9);
  let p = 13;
  for (const t of tags) {
    const size = t.data.byteLength;
    out[p] = t.type;
    out[p + 1] = (size >> 16) & 0xff;
    out[p + 2] = (size >> 8) & 0xff;
    out[p + 3] = size & 0xff;
    out[p + 4] = (t.timestampMs >> 16) & 0xff;
    out[p + 5] = (t.timestampMs >> 8) & 0xff;
    out[p + 6] = t.timestampMs & 0xff;
    out[p + 7] = (t.timestampMs >>> 24) & 0xff;
    out.set(t.data, p + 11);
    view.setUint32(p + 11 + size, 11 + size);
    p += 11 + size + 4;
  }
  return out;
}

/** True for an AVC end-of-sequence tag (video, CodecID 7, AVCPacketType 2). */
export function isAvcEndOfSequence(t: RawTag): boolean {
  return t.type === 9 && (t.data[0] & 0x0f) === 7 && t.data[1] === 2;
}

/**
 * Concatenates two FLV files at the tag level, as a live stream whose encoder restarts with new
 * settings: the first file's end-of-sequence tag is dropped, the second file's tags (its onMetaData and
 * sequence headers included) follow with timestamps shifted to continue `gapMs` after the first's last.
 */
export function concatFlv(a: Uint8Array, b: Uint8Array, gapMs = 40): Uint8Array {
  const first = splitFlv(a);
  const second = splitFlv(b);
  const head = first.tags.filter((t) => !isAvcEndOfSequence(t));
  const shift = Math.max(...head.map((t) => t.timestampMs)) + gapMs;
  const tail = second.tags.map((t) => ({ ...t, timestampMs: t.timestampMs + shift }));
  return writeFlv(first.header, [...head, ...tail]);
}

/** Encodes an AMF0 script tag body: a string name followed by values (numbers, strings, booleans, objects). */
export function amf0(...values: unknown[]): Uint8Array {
  const parts: number[] = [];
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    parts.push((b.length >> 8) & 0xff, b.length & 0xff, ...b);
  };
  const value = (v: unknown): void => {
    if (typeof v === 'number') {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v);
      parts.push(0x00, ...b);
    } else if (typeof v === 'boolean') {
      parts.push(0x01, v ? 1 : 0);
    } else if (typeof v === 'string') {
      parts.push(0x02);
      str(v);
    } else if (v === null) {
      parts.push(0x05);
    } else if (Array.isArray(v)) {
      parts.push(0x0a, 0, 0, 0, v.length);
      v.forEach(value);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      parts.push(0x08, 0, 0, 0, entries.length);
      for (const [k, x] of entries) {
        str(k);
        value(x);
      }
      parts.push(0, 0, 0x09);
    } else {
      throw new Error(`amf0(): unsupported value ${String(v)}`);
    }
  };
  values.forEach(value);
  return new Uint8Array(parts);
}
