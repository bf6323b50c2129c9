/**
 * The ground truth of a live case (docs/live-mode.md, "Observer"): a real HTTP-FLV subscriber to the
 * live media server (`http://127.0.0.1:<port>/<app>/<stream>.flv`), demuxed with flv.js, recording the
 * same `observer.*` records as the simulation's StreamObserver (harness/observer/stream-observer.ts), each
 * tag at its real arrival time.
 */
import http from 'node:http';
import {
  type FlvTagRecord,
  type FlvTimeline,
  FlvTimelineBuilder,
  loadFlvDemuxer,
} from '../observer/flv-demux.js';
import type { TraceRecorder, TraceValue } from '../sim/index.js';

export interface LiveStreamObserverOptions {
  httpPort: number;
  app: string;
  stream: string;
  trace: TraceRecorder;
}

export class LiveStreamObserver {
  readonly #builder: FlvTimelineBuilder;
  readonly #trace: TraceRecorder;
  readonly #chunks: Uint8Array[] = [];
  #recorded = 0;
  #request: http.ClientRequest | undefined;
  #closed = false;

  private constructor(builder: FlvTimelineBuilder, trace: TraceRecorder) {
    this.#builder = builder;
    this.#trace = trace;
  }

  static async attach(options: LiveStreamObserverOptions): Promise<LiveStreamObserver> {
    const flv = await loadFlvDemuxer();
    const observer = new LiveStreamObserver(new FlvTimelineBuilder(flv), options.trace);
    observer.#connect(options);
    return observer;
  }

  #connect(options: LiveStreamObserverOptions): void {
    const req = http.request({
      host: '127.0.0.1',
      port: options.httpPort,
      path: `/${options.app}/${options.stream}.flv`,
      method: 'GET',
      agent: false,
    });
    this.#request = req;
    req.on('response', (res) => {
      this.#trace.record('observer.response', { status: res.statusCode ?? 0 });
      res.on('data', (chunk: Buffer) => this.#onBytes(chunk));
      res.on('error', () => {});
    });
    req.on('error', (e) => {
      if (!this.#closed) this.#trace.record('observer.error', { message: e.message });
    });
    req.end();
  }

  #onBytes(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.#chunks.push(chunk);
    this.#builder.push(chunk);
    const tags = this.#builder.tags;
    for (; this.#recorded < tags.length; this.#recorded++) this.#recordTag(tags[this.#recorded]);
  }

  #recordTag(tag: FlvTagRecord): void {
    this.#trace.record('observer.tag', {
      index: tag.index,
      type: tag.type,
      ts: tag.timestampMs,
      size: tag.dataSize,
      keyframe: tag.keyframe,
      avcPacketType: tag.avcPacketType,
      aacPacketType: tag.aacPacketType,
      codecId: tag.codecId,
      scriptName: tag.scriptName,
    });
  }

  /** Every byte received so far (an FLV file). */
  bytes(): Uint8Array {
    return Buffer.concat(this.#chunks);
  }

  /** Stop receiving and return the demuxed timeline; configs, metadata and demux errors go to the trace. */
  close(): FlvTimeline {
    if (!this.#closed) {
      this.#closed = true;
      this.#request?.destroy();
    }
    const timeline = this.#builder.finish();
    for (const c of timeline.videoConfigs) {
      this.#trace.record('observer.videoConfig', {
        atTag: c.atTagIndex,
        width: c.width,
        height: c.height,
        profile: c.profile,
        level: c.level,
        fps: c.fps,
      });
    }
    for (const c of timeline.audioConfigs)
      this.#trace.record('observer.audioConfig', {
        atTag: c.atTagIndex,
        sampleRate: c.sampleRate,
        channels: c.channels,
      });
    for (const m of timeline.metadata) this.#trace.record('observer.metadata', { value: toJson(m) });
    for (const e of timeline.errors)
      this.#trace.record('observer.demuxError', { stage: e.stage, message: e.message });
    return timeline;
  }
}

function toJson(v: unknown): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object') {
    const out: Record<string, TraceValue> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = toJson(val);
    return out;
  }
  return String(v);
}
