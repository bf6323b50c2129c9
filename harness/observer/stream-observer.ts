import { HTTPParser } from 'http-parser-js';
import type { EmbeddedMediaServer } from '../server/embedded-media-server.js';
import { createSocketPair, type Scheduler, type SimSocket, type TraceRecorder } from '../sim/index.js';
import { type FlvTagRecord, type FlvTimeline, FlvTimelineBuilder, loadFlvDemuxer } from './flv-demux.js';

export interface StreamObserverOptions {
  scheduler: Scheduler;
  trace: TraceRecorder;
  server: EmbeddedMediaServer;
  app: string;
  stream: string;
}

/**
 * The ground truth of a case: an HTTP-FLV subscriber inside node-media-server (an in-memory socket into
 * its HTTP server; a GET request and http-parser-js on our side) that records every byte the server relays
 * and demuxes it with flv.js. Each tag is recorded in the trace as `observer.tag` at the virtual time it
 * arrived, so oracles can relate server-side media to pusher events.
 *
 * Why not `node:http`: its native parser copies every body chunk into a new buffer and runs it through a
 * second stream; with one HTTP chunk per FLV tag that was a sixth of a simulated push's cost. http-parser-js
 * (pure JS, MIT, the parser of websocket-driver) hands the body over as views of the received bytes.
 */
export class StreamObserver {
  readonly #builder: FlvTimelineBuilder;
  readonly #chunks: Uint8Array[] = [];
  readonly #trace: TraceRecorder;
  #recorded = 0;
  #socket: SimSocket | undefined;
  #closed = false;
  #status: number | undefined;

  private constructor(builder: FlvTimelineBuilder, trace: TraceRecorder) {
    this.#builder = builder;
    this.#trace = trace;
  }

  static async attach(options: StreamObserverOptions): Promise<StreamObserver> {
    const flv = await loadFlvDemuxer();
    const observer = new StreamObserver(new FlvTimelineBuilder(flv), options.trace);
    observer.#connect(options);
    return observer;
  }

  #connect(options: StreamObserverOptions): void {
    const pair = createSocketPair(options.scheduler, {
      label: 'observer',
      client: { address: '10.0.0.9', port: 51000 },
      server: { address: '10.0.0.1', port: 8000 },
      direct: { queueLimitBytes: 64 * 1024 * 1024 },
    });
    options.server.acceptHttp(pair.server);
    const socket = pair.client;
    this.#socket = socket;
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.#status = info.statusCode;
      this.#trace.record('observer.response', { status: info.statusCode });
    };
    parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      this.#onBytes(chunk.subarray(offset, offset + length));
    };
    parser[HTTPParser.kOnMessageComplete] = () => {};
    const failed = (message: string) => {
      if (this.#closed) return;
      this.#trace.record('observer.error', { message });
      this.#closed = true;
      socket.destroy();
    };
    socket.on('data', (data: Buffer) => {
      if (this.#closed) return;
      const parsed = parser.execute(data);
      if (parsed instanceof Error) failed(`HTTP-FLV response: ${parsed.message}`);
    });
    socket.on('end', () => {
      const end = parser.finish();
      if (end instanceof Error) failed(`HTTP-FLV response ended: ${end.message}`);
    });
    socket.on('error', (e: Error) => failed(e.message));
    socket.write(
      `GET /${options.app}/${options.stream}.flv HTTP/1.1\r\nHost: media.lpc.test:8000\r\nConnection: keep-alive\r\n\r\n`,
    );
  }

  #onBytes(chunk: Uint8Array): void {
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
      soundRate: tag.soundRate,
      soundSize: tag.soundSize,
      soundType: tag.soundType,
      scriptName: tag.scriptName,
    });
  }

  get httpStatus(): number | undefined {
    return this.#status;
  }

  /** Every byte received so far (an FLV file). */
  bytes(): Uint8Array {
    return Buffer.concat(this.#chunks);
  }

  /** Stop receiving and return the demuxed timeline (configs and metadata are recorded in the trace). */
  close(): FlvTimeline {
    if (!this.#closed) {
      this.#closed = true;
      this.#socket?.destroy();
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
    for (const c of timeline.audioConfigs) {
      this.#trace.record('observer.audioConfig', {
        atTag: c.atTagIndex,
        sampleRate: c.sampleRate,
        channels: c.channels,
      });
    }
    for (const m of timeline.metadata) this.#trace.record('observer.metadata', { value: toJson(m) });
    for (const e of timeline.errors)
      this.#trace.record('observer.demuxError', { stage: e.stage, message: e.message });
    return timeline;
  }
}

function toJson(v: unknown): import('../sim/index.js').TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object') {
    const out: Record<string, import('../sim/index.js').TraceValue> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = toJson(val);
    return out;
  }
  return String(v);
}
