/**
 * The FLV timeline: what a viewer's flv.js (1.6.2) demuxer sees in an FLV byte stream, next to what is
 * literally on the wire (issue 4, item 5, demux part).
 *
 * Two parsers run over the same bytes, tag by tag:
 * - our own FLV tag-layer parser (FLV spec v10.1, annex E.4 "FLV Tags"): exact per-tag byte sizes,
 *   timestamps as written, script-data (AMF0) contents, AVC/AAC packet types;
 * - flv.js's `FLVDemuxer` (bundled by `scripts/build-vendor.mjs` into `vendor/flv-demuxer.mjs`): the
 *   samples, decoder configurations and errors a browser player would get.
 * Stream problems never throw: they land in `FlvTimeline.errors`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Amf0Value, decodeAmf0All } from './internal/amf0-decoder.js';
import { ObserverError } from './observer-error.js';

/**
 * One FLV tag as on the wire. `index` is its position in `FlvTimeline.tags` (stream order, from 0); tags
 * of an unknown TagType are not recorded (an error is).
 */
export interface FlvTagRecord {
  index: number;
  type: 'video' | 'audio' | 'script';
  /** Timestamp + TimestampExtended as written (SI32, ms); not smoothed, may go backwards. */
  timestampMs: number;
  /** The tag's DataSize field: payload bytes, without the 11-byte header and 4-byte PreviousTagSize. */
  dataSize: number;
  /** Video: FrameType 1 (keyframe). */
  keyframe?: boolean;
  /** Video with CodecID 7: 0 = sequence header, 1 = NALU, 2 = end of sequence. */
  avcPacketType?: number;
  /** Audio with SoundFormat 10: 0 = sequence header, 1 = raw. */
  aacPacketType?: number;
  /** Video with CodecID 7: CompositionTime (SI24, ms). */
  compositionTimeMs?: number;
  /** Video: CodecID; audio: SoundFormat. */
  codecId?: number;
  /** Audio: SoundRate (0..3, 3 = 44 kHz), SoundSize (1 = 16-bit) and SoundType (1 = stereo) of the tag header. */
  soundRate?: number;
  soundSize?: number;
  soundType?: number;
  /** Script: the first AMF0 value when it is a string (`onMetaData`, `@setDataFrame`, …). */
  scriptName?: string;
  /** Script: the value after the name; when there are several (`@setDataFrame`), all of them, in an array. */
  scriptValue?: unknown;
  /** Script: true when flv.js reported this tag as onMetaData (it ignores `@setDataFrame` wrapping). */
  flvjsOnMetaData?: boolean;
}

export interface FlvVideoSample {
  dts: number;
  pts: number;
  cts: number;
  /** Bytes of the NAL units including their length prefixes (= dataSize - 5 for a well-formed tag). */
  size: number;
  keyframe: boolean;
}

export interface FlvAudioSample {
  dts: number;
  pts: number;
  /** Bytes of the raw frame (= dataSize - 2 for AAC). */
  size: number;
}

export interface FlvVideoConfig {
  /** Index of the tag (the sequence header) after which flv.js announced this configuration. */
  atTagIndex: number;
  /** Coded size after SPS cropping, as flv.js computes it. */
  width: number;
  height: number;
  profile: string;
  level: string;
  /** Only when the SPS itself carries fixed-rate VUI timing; flv.js would otherwise substitute a guess. */
  fps?: number;
  /** RFC 6381 codec string, e.g. `avc1.42c01e`. */
  codec: string;
}

export interface FlvAudioConfig {
  atTagIndex: number;
  sampleRate: number;
  channels: number;
  /** The stream's own codec (`mp4a.40.2`, `mp3`), not the one flv.js rewrites for MSE. */
  codec: string;
}

export interface FlvTimelineIssue {
  /** `header`, `tag`, `script`, `truncated`, `flvjs` (onError or a throw), `flvjs-log` (its warnings). */
  stage: string;
  message: string;
  tagIndex?: number;
  /** Absolute byte offset in the stream where the problem starts. */
  byteOffset?: number;
}

export interface FlvTimeline {
  header: { hasVideo: boolean; hasAudio: boolean } | null;
  tags: FlvTagRecord[];
  videoSamples: FlvVideoSample[];
  audioSamples: FlvAudioSample[];
  videoConfigs: FlvVideoConfig[];
  audioConfigs: FlvAudioConfig[];
  /** Every onMetaData object, whether sent as `onMetaData` or as `@setDataFrame`/`onMetaData`. */
  metadata: Record<string, unknown>[];
  errors: FlvTimelineIssue[];
  /** flv.js warnings (its logger at warn level) and other non-fatal observations. */
  warnings: FlvTimelineIssue[];
  /** Bytes pushed in total. */
  bytes: number;
}

// ---- flv.js 1.6.2 surface we use (src/demux/flv-demuxer.js); not exported by flv.js as types ----

interface FlvJsProbe {
  match: boolean;
  consumed?: number;
  dataOffset?: number;
  hasAudioTrack?: boolean;
  hasVideoTrack?: boolean;
}
interface FlvJsFrameRate {
  fixed: boolean;
  fps: number;
  fps_num: number;
  fps_den: number;
}
interface FlvJsVideoMeta {
  codecWidth: number;
  codecHeight: number;
  profile: string;
  level: string;
  frameRate: FlvJsFrameRate;
  codec: string;
}
interface FlvJsAudioMeta {
  audioSampleRate: number;
  channelCount: number;
  codec: string;
  originalCodec?: string;
}
interface FlvJsVideoSample {
  dts: number;
  pts: number;
  cts: number;
  length: number;
  isKeyframe: boolean;
}
interface FlvJsAudioSample {
  dts: number;
  pts: number;
  length: number;
}
interface FlvJsTrack<S> {
  samples: S[];
  length: number;
}
interface FlvJsDemuxer {
  onError: (type: string, info: string) => void;
  onMediaInfo: (mediaInfo: unknown) => void;
  onMetaDataArrived: (metadata: unknown) => void;
  onTrackMetadata: (type: 'video' | 'audio', meta: FlvJsVideoMeta | FlvJsAudioMeta) => void;
  onDataAvailable: (audio: FlvJsTrack<FlvJsAudioSample>, video: FlvJsTrack<FlvJsVideoSample>) => void;
  parseChunks(chunk: ArrayBuffer, byteStart: number): number;
  destroy(): void;
  // Internals read on purpose: samples flv.js holds back until both tracks have a config (see finish()),
  // and the frame-rate guess it substitutes when the SPS has no fixed timing.
  readonly _videoTrack: FlvJsTrack<FlvJsVideoSample> | null;
  readonly _audioTrack: FlvJsTrack<FlvJsAudioSample> | null;
  readonly _referenceFrameRate: FlvJsFrameRate;
}

/** The bundled flv.js module (`vendor/flv-demuxer.mjs`). */
export interface FlvDemuxerModule {
  FLVDemuxer: {
    new (probe: FlvJsProbe, config: Record<string, unknown>): FlvJsDemuxer;
    probe(buffer: ArrayBuffer): FlvJsProbe;
  };
  LoggingControl: {
    enableAll: boolean;
    addLogListener(listener: (level: string, message: string) => void): void;
  };
  DemuxErrors: Record<string, string>;
}

export interface LoadFlvDemuxerOptions {
  /** Where the bundle is; default `<project root>/vendor/flv-demuxer.mjs`. */
  bundleUrl?: URL;
}

const DEFAULT_BUNDLE_URL = new URL('../../vendor/flv-demuxer.mjs', import.meta.url);
const loaded = new Map<string, Promise<FlvDemuxerModule>>();

// flv.js logs through one static logger: while a builder runs flv.js (synchronously), its warnings go here.
let logSink: ((level: string, message: string) => void) | null = null;

/**
 * Imports the bundled flv.js demuxer (once per bundle URL). Silences flv.js's console logging for the
 * whole process (its logger is global) and routes its warnings to the builder that is running it.
 * Throws `ObserverError` VENDOR_BUNDLE_MISSING / VENDOR_BUNDLE_INVALID with what to run.
 */
export function loadFlvDemuxer(options: LoadFlvDemuxerOptions = {}): Promise<FlvDemuxerModule> {
  const url = options.bundleUrl ?? DEFAULT_BUNDLE_URL;
  let p = loaded.get(url.href);
  if (!p) {
    p = importBundle(url);
    loaded.set(url.href, p);
    p.catch(() => loaded.delete(url.href));
  }
  return p;
}

async function importBundle(url: URL): Promise<FlvDemuxerModule> {
  const path = fileURLToPath(url);
  const fix = 'run `npm install` (its prepare script builds it) or `node scripts/build-vendor.mjs`';
  if (!existsSync(path)) {
    throw new ObserverError(
      'VENDOR_BUNDLE_MISSING',
      `Failed to load the flv.js demuxer: ${path} not found; ${fix}`,
      {
        path,
      },
    );
  }
  let mod: Partial<FlvDemuxerModule>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Partial<FlvDemuxerModule>;
  } catch (err) {
    throw new ObserverError(
      'VENDOR_BUNDLE_INVALID',
      `Failed to load the flv.js demuxer from ${path}: ${err instanceof Error ? err.message : String(err)}; ${fix}`,
      { path },
    );
  }
  if (typeof mod.FLVDemuxer !== 'function' || !mod.LoggingControl || !mod.DemuxErrors) {
    throw new ObserverError(
      'VENDOR_BUNDLE_INVALID',
      `Failed to load the flv.js demuxer from ${path}: it lacks FLVDemuxer/LoggingControl/DemuxErrors; ${fix}`,
      { path },
    );
  }
  const full = mod as FlvDemuxerModule;
  full.LoggingControl.enableAll = false;
  full.LoggingControl.addLogListener((level, message) => logSink?.(level, message));
  return full;
}

const FLV_HEADER_MIN = 9;
const TAG_HEADER = 11;
const PREV_TAG_SIZE = 4;

/**
 * Builds an `FlvTimeline` from an FLV byte stream pushed in slices of any size (7-byte slices give the
 * same timeline as the whole file). Feeds flv.js one complete tag at a time, so each sample, config and
 * error is attributed to the tag that produced it.
 */
export class FlvTimelineBuilder {
  private readonly flv: FlvDemuxerModule;
  private demuxer: FlvJsDemuxer | null = null;
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0; // first unparsed byte in buf
  private end = 0; // one past the last valid byte in buf
  private borrowed = false; // buf is the caller's chunk (only during push())
  private pos = 0; // absolute stream offset of buf[start]
  private headerBytes: Uint8Array | null = null; // FLV header + PreviousTagSize0, until flv.js has it
  private state: 'header' | 'tags' | 'stopped' = 'header';
  private finished = false;
  private currentTag = -1;
  private readonly timeline: FlvTimeline = {
    header: null,
    tags: [],
    videoSamples: [],
    audioSamples: [],
    videoConfigs: [],
    audioConfigs: [],
    metadata: [],
    errors: [],
    warnings: [],
    bytes: 0,
  };

  /** `flv` comes from `await loadFlvDemuxer()`. */
  constructor(flv: FlvDemuxerModule) {
    this.flv = flv;
  }

  /** Appends bytes and parses every tag they complete. */
  push(bytes: Uint8Array): void {
    if (this.finished) {
      throw new ObserverError('BUILDER_FINISHED', 'Failed to push FLV bytes: finish() was already called');
    }
    // A plain view: Buffer's slice() is a view where Uint8Array's is a copy, and the copies below must be copies.
    const chunk = Buffer.isBuffer(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : bytes;
    this.timeline.bytes += chunk.byteLength;
    if (this.state === 'stopped' || chunk.byteLength === 0) return;
    this.append(chunk);
    for (;;) {
      const progressed = this.state === 'header' ? this.parseHeader() : this.parseTag();
      if (!progressed) break; // also covers a header error, which stops parsing
    }
    this.unborrow();
  }

  /** Tags parsed so far (a live view: the stream observer records new ones as they arrive). */
  get tags(): readonly FlvTagRecord[] {
    return this.timeline.tags;
  }

  /** Ends the stream: reports an incomplete trailing tag as a `truncated` error and returns the timeline. */
  finish(): FlvTimeline {
    if (this.finished) return this.timeline;
    this.finished = true;
    const left = this.end - this.start;
    if (this.state === 'header') {
      this.error('truncated', `Failed to parse the FLV header: stream ended after ${left} bytes`, {
        byteOffset: 0,
      });
    } else if (this.state === 'tags' && left > 0) {
      const index = this.timeline.tags.length;
      if (left < TAG_HEADER) {
        this.error(
          'truncated',
          `Failed to parse FLV tag ${index} at byte ${this.pos}: stream ended after ${left} of the ${TAG_HEADER} header bytes`,
          { tagIndex: index, byteOffset: this.pos },
        );
      } else {
        const b = this.buf;
        const s = this.start;
        const dataSize = (b[s + 1] << 16) | (b[s + 2] << 8) | b[s + 3];
        const need = TAG_HEADER + dataSize + PREV_TAG_SIZE;
        this.error(
          'truncated',
          `Failed to parse FLV tag ${index} at byte ${this.pos}: stream ended after ${left} of ${need} bytes ` +
            `(type ${b[s]}, dataSize ${dataSize})`,
          { tagIndex: index, byteOffset: this.pos },
        );
      }
    }
    if (this.demuxer) {
      // flv.js holds samples back until every track the header announced has a config; a stream that never
      // sends one (e.g. audio flag set, no audio) would never reach a player. Record them, and say so.
      const held =
        (this.demuxer._videoTrack?.samples.length ?? 0) + (this.demuxer._audioTrack?.samples.length ?? 0);
      if (held > 0) {
        this.warn(
          'flvjs-dispatch',
          `flv.js never dispatched ${held} samples: it waits for a config on every track the FLV header announces`,
        );
        this.drain(this.demuxer._audioTrack, this.demuxer._videoTrack);
      }
      this.demuxer.destroy();
      this.demuxer = null;
    }
    this.buf = new Uint8Array(0);
    this.start = this.end = 0;
    return this.timeline;
  }

  // ---- buffering ----

  private append(chunk: Uint8Array): void {
    const live = this.end - this.start;
    if (live === 0) {
      // Nothing pending: parse straight from the caller's bytes; push() copies any remainder before returning.
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.byteLength;
      this.borrowed = true;
      return;
    }
    if (this.borrowed || this.end + chunk.byteLength > this.buf.byteLength) {
      if (!this.borrowed && live + chunk.byteLength <= this.buf.byteLength) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(this.buf.byteLength * 2, live + chunk.byteLength, 64 * 1024));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
        this.borrowed = false;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.byteLength;
  }

  /** Stops referencing the caller's chunk: keeps a private copy of its unparsed tail. */
  private unborrow(): void {
    if (!this.borrowed) return;
    const rest = this.buf.slice(this.start, this.end);
    this.buf = rest;
    this.start = 0;
    this.end = rest.byteLength;
    this.borrowed = false;
  }

  /** After a header error nothing more is parsed; pending bytes are dropped (push() still counts bytes). */
  private stop(): void {
    this.state = 'stopped';
    this.pos += this.end - this.start;
    this.start = this.end;
  }

  private consume(n: number): void {
    this.start += n;
    this.pos += n;
  }

  // ---- FLV spec E.2 "The FLV header" and E.3 "The FLV File Body" (PreviousTagSize0) ----

  private parseHeader(): boolean {
    const b = this.buf;
    const s = this.start;
    const have = this.end - s;
    if (have < 3) return false;
    if (b[s] !== 0x46 || b[s + 1] !== 0x4c || b[s + 2] !== 0x56) {
      this.error(
        'header',
        `Failed to parse the FLV header: signature is ${hex(b.subarray(s, s + 3))}, not "FLV"`,
        {
          byteOffset: 0,
        },
      );
      this.stop();
      return false;
    }
    if (have < FLV_HEADER_MIN) return false;
    const dataOffset = ((b[s + 5] << 24) | (b[s + 6] << 16) | (b[s + 7] << 8) | b[s + 8]) >>> 0;
    if (b[s + 3] !== 1 || dataOffset < FLV_HEADER_MIN) {
      this.error(
        'header',
        `Failed to parse the FLV header: version ${b[s + 3]}, DataOffset ${dataOffset} (expected version 1, DataOffset >= 9)`,
        { byteOffset: 0 },
      );
      this.stop();
      return false;
    }
    if (have < dataOffset + PREV_TAG_SIZE) return false;
    const flags = b[s + 4];
    this.timeline.header = { hasVideo: (flags & 0x01) !== 0, hasAudio: (flags & 0x04) !== 0 };
    const prev0 = readU32(b, s + dataOffset);
    if (prev0 !== 0) {
      this.error('tag', `PreviousTagSize0 is ${prev0}, expected 0`, { byteOffset: dataOffset });
    }
    this.headerBytes = b.slice(s, s + dataOffset + PREV_TAG_SIZE);
    const probe = this.flv.FLVDemuxer.probe(toArrayBuffer(this.headerBytes));
    if (!probe.match) {
      this.error('flvjs', 'flv.js probe() rejected the FLV header', { byteOffset: 0 });
      this.stop();
      return false;
    }
    const demuxer = new this.flv.FLVDemuxer(probe, {});
    demuxer.onError = (type, info) => this.error('flvjs', `${type}: ${info}`, this.here());
    demuxer.onMediaInfo = () => {
      // Same mutable object every time, and complete only after both tracks: configs come from
      // onTrackMetadata instead, which fires once per sequence header.
    };
    demuxer.onTrackMetadata = (type, meta) => this.onTrackMetadata(type, meta);
    demuxer.onMetaDataArrived = () => {
      const tag = this.timeline.tags[this.currentTag];
      if (tag?.type === 'script') tag.flvjsOnMetaData = true;
    };
    demuxer.onDataAvailable = (audio, video) => this.drain(audio, video);
    this.demuxer = demuxer;
    this.consume(dataOffset + PREV_TAG_SIZE);
    this.state = 'tags';
    return true;
  }

  // ---- FLV spec E.4.1 "FLV Tag" ----

  private parseTag(): boolean {
    const b = this.buf;
    const s = this.start;
    const have = this.end - s;
    if (have < TAG_HEADER) return false;
    const tagType = b[s] & 0x1f; // upper bits: reserved + Filter (encrypted) flag
    const dataSize = (b[s + 1] << 16) | (b[s + 2] << 8) | b[s + 3];
    const total = TAG_HEADER + dataSize + PREV_TAG_SIZE;
    if (have < total) return false;

    const index = this.timeline.tags.length;
    const byteOffset = this.pos;
    // Timestamp (UI24) + TimestampExtended (UI8, the upper 8 bits) form an SI32.
    const timestampMs = (b[s + 7] << 24) | (b[s + 4] << 16) | (b[s + 5] << 8) | b[s + 6] | 0;
    const streamId = (b[s + 8] << 16) | (b[s + 9] << 8) | b[s + 10];
    const data = b.subarray(s + TAG_HEADER, s + TAG_HEADER + dataSize);
    const prevTagSize = readU32(b, s + TAG_HEADER + dataSize);

    if (b[s] & 0x20)
      this.error('tag', `Tag ${index} has the Filter (encryption) bit set`, { tagIndex: index, byteOffset });
    if (streamId !== 0)
      this.error('tag', `Tag ${index} has StreamID ${streamId}, expected 0`, { tagIndex: index, byteOffset });
    if (prevTagSize !== TAG_HEADER + dataSize) {
      this.error(
        'tag',
        `Tag ${index}: PreviousTagSize is ${prevTagSize}, expected ${TAG_HEADER + dataSize}`,
        {
          tagIndex: index,
          byteOffset,
        },
      );
    }

    let record: FlvTagRecord | null = null;
    if (tagType === 9) record = videoRecord(index, timestampMs, dataSize, data);
    else if (tagType === 8) record = audioRecord(index, timestampMs, dataSize, data);
    else if (tagType === 18) record = this.scriptRecord(index, timestampMs, dataSize, data, byteOffset);
    else {
      this.error('tag', `Tag ${index} has unknown TagType ${tagType} (dataSize ${dataSize}); skipped`, {
        tagIndex: index,
        byteOffset,
      });
    }
    if (record) {
      this.timeline.tags.push(record);
      const minSize =
        record.codecId === undefined ? 1 : record.type === 'video' && record.codecId === 7 ? 5 : 2;
      if (record.type !== 'script' && dataSize < minSize) {
        this.error(
          'tag',
          `Tag ${index} (${record.type}) is too short: dataSize ${dataSize}, expected >= ${minSize}`,
          {
            tagIndex: index,
            byteOffset,
          },
        );
      }
      this.feedFlvJs(index, s, total);
    }
    this.consume(total);
    return true;
  }

  private feedFlvJs(index: number, s: number, total: number): void {
    const demuxer = this.demuxer;
    if (!demuxer) return;
    let chunk: Uint8Array;
    let byteStart: number;
    if (this.headerBytes) {
      // flv.js skips the FLV header only when byteStart is 0, and wants more than 13 bytes in that call.
      chunk = new Uint8Array(this.headerBytes.byteLength + total);
      chunk.set(this.headerBytes, 0);
      chunk.set(this.buf.subarray(s, s + total), this.headerBytes.byteLength);
      byteStart = 0;
    } else {
      // A view: toArrayBuffer copies only when the tag is not its buffer's whole content. A relayed tag
      // usually is (the server allocates one buffer per FLV message), so flv.js reads it in place.
      chunk = this.buf.subarray(s, s + total);
      byteStart = this.pos;
    }
    this.currentTag = index;
    logSink = (level, message) => {
      if (level === 'warn' || level === 'error') this.warn('flvjs-log', message, this.here());
    };
    try {
      const consumed = demuxer.parseChunks(toArrayBuffer(chunk), byteStart);
      if (consumed !== chunk.byteLength) {
        this.error(
          'flvjs',
          `flv.js consumed ${consumed} of the ${chunk.byteLength} bytes of tag ${index}`,
          this.here(),
        );
      }
    } catch (err) {
      this.error(
        'flvjs',
        `flv.js threw on tag ${index}: ${err instanceof Error ? err.message : String(err)}`,
        this.here(),
      );
    } finally {
      logSink = null;
      this.headerBytes = null;
      this.currentTag = -1;
    }
  }

  private scriptRecord(
    index: number,
    timestampMs: number,
    dataSize: number,
    data: Uint8Array,
    byteOffset: number,
  ): FlvTagRecord {
    const record: FlvTagRecord = { index, type: 'script', timestampMs, dataSize };
    let values: Amf0Value[];
    try {
      values = decodeAmf0All(data);
    } catch (err) {
      this.error('script', `Failed to decode AMF0 in script tag ${index}: ${(err as Error).message}`, {
        tagIndex: index,
        byteOffset,
      });
      return record;
    }
    const [name, ...rest] = values;
    if (typeof name === 'string') record.scriptName = name;
    record.scriptValue = rest.length === 1 ? rest[0] : rest;
    // onMetaData directly (FLV files, flv.js reads it), or wrapped by an RTMP publisher's @setDataFrame
    // (servers are expected to unwrap it; flv.js ignores the wrapped form).
    let meta: Amf0Value | undefined;
    if (name === 'onMetaData') meta = rest[0];
    else if (name === '@setDataFrame' && rest[0] === 'onMetaData') meta = rest[1];
    if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) this.timeline.metadata.push(meta);
    return record;
  }

  // ---- flv.js callbacks ----

  private onTrackMetadata(type: 'video' | 'audio', meta: FlvJsVideoMeta | FlvJsAudioMeta): void {
    const atTagIndex = this.currentTag;
    if (type === 'video') {
      const m = meta as FlvJsVideoMeta;
      const config: FlvVideoConfig = {
        atTagIndex,
        width: m.codecWidth,
        height: m.codecHeight,
        profile: m.profile,
        level: m.level,
        codec: m.codec,
      };
      const fr = m.frameRate;
      // flv.js swaps in its reference rate (onMetaData framerate, else 23.976) when the SPS has no fixed
      // timing; that guess is not the stream's.
      if (fr && fr !== this.demuxer?._referenceFrameRate && fr.fixed && fr.fps_den > 0 && fr.fps_num > 0) {
        config.fps = fr.fps;
      }
      this.timeline.videoConfigs.push(config);
    } else {
      const m = meta as FlvJsAudioMeta;
      this.timeline.audioConfigs.push({
        atTagIndex,
        sampleRate: m.audioSampleRate,
        channels: m.channelCount,
        codec: m.originalCodec ?? m.codec,
      });
    }
  }

  private drain(
    audio: FlvJsTrack<FlvJsAudioSample> | null,
    video: FlvJsTrack<FlvJsVideoSample> | null,
  ): void {
    if (video) {
      for (const s of video.samples) {
        this.timeline.videoSamples.push({
          dts: s.dts,
          pts: s.pts,
          cts: s.cts,
          size: s.length,
          keyframe: s.isKeyframe,
        });
      }
      video.samples = [];
      video.length = 0;
    }
    if (audio) {
      for (const s of audio.samples)
        this.timeline.audioSamples.push({ dts: s.dts, pts: s.pts, size: s.length });
      audio.samples = [];
      audio.length = 0;
    }
  }

  // ---- issues ----

  private here(): { tagIndex?: number; byteOffset?: number } {
    return this.currentTag >= 0 ? { tagIndex: this.currentTag, byteOffset: this.pos } : {};
  }

  private error(
    stage: string,
    message: string,
    where: { tagIndex?: number; byteOffset?: number } = {},
  ): void {
    this.timeline.errors.push({ stage, message, ...where });
  }

  private warn(stage: string, message: string, where: { tagIndex?: number; byteOffset?: number } = {}): void {
    this.timeline.warnings.push({ stage, message, ...where });
  }
}

// ---- FLV spec E.4.2 "Audio Tags" / E.4.3 "Video Tags" ----

function videoRecord(index: number, timestampMs: number, dataSize: number, data: Uint8Array): FlvTagRecord {
  const record: FlvTagRecord = { index, type: 'video', timestampMs, dataSize };
  if (dataSize < 1) return record;
  const frameType = data[0] >> 4;
  record.codecId = data[0] & 0x0f;
  record.keyframe = frameType === 1;
  if (record.codecId === 7 && dataSize >= 5) {
    record.avcPacketType = data[1];
    record.compositionTimeMs = (((data[2] << 16) | (data[3] << 8) | data[4]) << 8) >> 8;
  }
  return record;
}

function audioRecord(index: number, timestampMs: number, dataSize: number, data: Uint8Array): FlvTagRecord {
  const record: FlvTagRecord = { index, type: 'audio', timestampMs, dataSize };
  if (dataSize < 1) return record;
  record.codecId = data[0] >> 4;
  record.soundRate = (data[0] >> 2) & 0x03;
  record.soundSize = (data[0] >> 1) & 0x01;
  record.soundType = data[0] & 0x01;
  if (record.codecId === 10 && dataSize >= 2) record.aacPacketType = data[1];
  return record;
}

export interface BitrateWindow {
  /** Window start on the FLV timeline (ms); windows are `[startMs, startMs + windowMs)`, aligned to 0. */
  startMs: number;
  /** Sum of the DataSize of the tags of that kind whose timestamp falls in the window. */
  bytes: number;
  tags: number;
  /** bytes * 8 / windowMs: kbit/s (1 kbit = 1000 bit). A last, partial window is not scaled up. */
  kbps: number;
}

/**
 * Bitrate of one kind of tag per window of FLV time, from tag DataSize (FLV tag payload, sequence headers
 * included, FLV tag headers excluded) and wire timestamps. Windows run from the earliest to the latest
 * window holding a tag, with empty windows in between reported as 0. Default window: 1000 ms.
 */
export function bitrateSeries(
  timeline: FlvTimeline,
  kind: 'video' | 'audio',
  windowMs = 1000,
): BitrateWindow[] {
  if (!(windowMs > 0)) throw new RangeError(`Invalid windowMs: ${windowMs} (expected > 0)`);
  const tags = timeline.tags.filter((t) => t.type === kind);
  if (tags.length === 0) return [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of tags) {
    const w = Math.floor(t.timestampMs / windowMs);
    first = Math.min(first, w);
    last = Math.max(last, w);
  }
  const out: BitrateWindow[] = [];
  for (let w = first; w <= last; w++) out.push({ startMs: w * windowMs, bytes: 0, tags: 0, kbps: 0 });
  for (const t of tags) {
    const win = out[Math.floor(t.timestampMs / windowMs) - first];
    win.bytes += t.dataSize;
    win.tags += 1;
  }
  for (const win of out) win.kbps = (win.bytes * 8) / windowMs;
  return out;
}

/** Convenience: the timeline of a whole FLV byte array. */
export async function buildFlvTimeline(bytes: Uint8Array): Promise<FlvTimeline> {
  const builder = new FlvTimelineBuilder(await loadFlvDemuxer());
  builder.push(bytes);
  return builder.finish();
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  // flv.js indexes the ArrayBuffer from 0 to byteLength, so it must be exactly these bytes.
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(' ');
}
