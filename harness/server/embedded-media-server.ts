import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Scheduler, TraceRecorder } from '../sim/index.js';

const require = createRequire(import.meta.url);
/** node:http's own parser release (what it runs when a server socket closes); a public legacy module. */
const { freeParser } = require('node:_http_common') as {
  freeParser(parser: unknown, req: unknown, socket: unknown): void;
};

/** The parts of node-media-server 4.x internals we touch (CommonJS, no types shipped). */
interface NmsSession {
  id: string | number;
  ip: string;
  protocol: string;
  streamApp?: string;
  streamName?: string;
  streamPath?: string;
  streamQuery?: Record<string, string>;
  isPublisher?: boolean;
  socket?: Duplex & { destroy(error?: Error): void; end(): void };
  rtmp?: { onPublish(invokeMessage: { streamName: string }): void; streamApp?: string };
}
interface NmsInstance {
  rtmpServer: { tcpServer?: { emit(event: 'connection', socket: Duplex): boolean } };
  httpServer: { httpServer?: { emit(event: 'connection', socket: Duplex): boolean } };
  on(event: string, listener: (session: NmsSession) => void): void;
}
interface NmsContext {
  sessions: Map<string | number, NmsSession>;
  broadcasts: Map<string, { publisher: NmsSession | null; _publishGraceTimer?: unknown }>;
}

/**
 * What the server does with a publish in the current case (issue 4 item 4). Node-media-server's hooks
 * cannot veto, so rejections close the socket from the `prePublish` hook: the pusher sees the server
 * close the connection, exactly what NMS and Tencent's servers do.
 */
export interface ServerPolicy {
  /** Tencent-style signed URLs: `txSecret` must equal MD5(key + streamName + txTime) (hex, lower case). */
  auth?: { key: string };
  /** Close every publisher's connection at these virtual times (µs). */
  kickAtUs?: number[];
}

/** What the current case binds: where hooks are recorded, and the policy. */
export interface ServerCaseBinding {
  trace: TraceRecorder;
  scheduler: Scheduler;
  policy: ServerPolicy;
}

/** Tencent's push-URL signature: MD5(key + streamName + txTime). */
export function tencentTxSecret(key: string, streamName: string, txTime: string): string {
  return createHash('md5')
    .update(key + streamName + txTime)
    .digest('hex');
}

/**
 * node-media-server 4.4, embedded in-process: constructed once (it keeps module-level singletons: one
 * server per process), never `run()` (no ports, no disk), logger silenced; sockets are handed to its
 * RTMP and HTTP servers with `emit('connection')`. Each case binds its trace and policy, and must use a
 * unique stream name (NMS shifts timestamps when the same address republishes a name within its grace).
 */
export class EmbeddedMediaServer {
  readonly #nms: NmsInstance;
  readonly #context: NmsContext;
  #binding: ServerCaseBinding | undefined;
  /** HTTP connections of the current case: their node:http parsers are freed when it ends. */
  #httpSockets: Duplex[] = [];
  readonly version: string;

  private constructor() {
    const logger = require('node-media-server/src/core/logger.js') as { log: (...args: unknown[]) => void };
    logger.log = () => {};
    const NodeMediaServer = require('node-media-server') as new (config: object) => NmsInstance;
    // Ports are set only so NMS builds its net/http server objects; nothing listens.
    this.#nms = new NodeMediaServer({
      rtmp: { port: 1935, chunk_size: 60000, gop_cache: true, ping: 30, ping_timeout: 60 },
      http: { port: 8000, allow_origin: '*' },
      webadmin: { enable: false },
    });
    logger.log = () => {};
    this.#context = require('node-media-server/src/core/context.js') as NmsContext;
    this.version = (require('node-media-server/package.json') as { version: string }).version;
    this.#nms.on('prePublish', (s) => this.#onPrePublish(s));
    this.#nms.on('postPublish', (s) => this.#record('server.postPublish', s));
    this.#nms.on('donePublish', (s) => this.#record('server.donePublish', s));
    this.#nms.on('prePlay', (s) => this.#record('server.prePlay', s));
    this.#nms.on('donePlay', (s) => this.#record('server.donePlay', s));
  }

  static #instance: EmbeddedMediaServer | undefined;

  /** The process's server (created on first use; NMS allows one per process). */
  static get(): EmbeddedMediaServer {
    EmbeddedMediaServer.#instance ??= new EmbeddedMediaServer();
    return EmbeddedMediaServer.#instance;
  }

  /** Bind a case: hooks go to its trace, publishes follow its policy. Returns the unbind function. */
  bind(binding: ServerCaseBinding): () => void {
    this.#binding = binding;
    for (const at of binding.policy.kickAtUs ?? []) {
      binding.scheduler.at(at, () => this.kickPublishers('scheduled kick'), 'server:kick');
    }
    return () => {
      if (this.#binding === binding) this.#binding = undefined;
      this.#forgetCase();
    };
  }

  /**
   * Drop every session and broadcast the case left behind. NMS keeps a disconnected publisher's stream
   * (and its GOP cache) for a grace period timed on the case's virtual clock, which is gone once the case
   * ends: without this a rerun of the same case in the same process would find the old stream.
   */
  #forgetCase(): void {
    // Sockets are not destroyed here: their 'close' would run on a later tick, after the case's fake
    // clock is gone, and NMS would start a real 30 s grace timer that fires inside another case. The
    // case's sockets are dead with its scheduler; dropping NMS's references is enough, except for the
    // HTTP parser node:http gave each HTTP connection: a native object held by a global handle until the
    // socket closes, which kept the whole case (its NMS sessions, network, trace: ~1.3 MB, plus NMS's
    // 1 MB FLV parse buffers) alive for the rest of the process. Freed as node:http frees it on close.
    // Only in-memory sockets: they never carry another byte once their case's scheduler is gone. A real
    // socket (live mode) may still receive data, which node:http would feed to the parser it captured,
    // by then back in its free list and perhaps serving another connection; it frees it on close itself.
    for (const socket of this.#httpSockets) {
      const parser = (socket as { parser?: unknown }).parser;
      if (parser && !(socket instanceof Socket)) freeParser(parser, null, socket);
    }
    this.#httpSockets = [];
    this.#context.sessions.clear();
    this.#context.broadcasts.clear();
  }

  /** Hand an accepted server-side socket to NMS's RTMP server. */
  acceptRtmp(socket: Duplex): void {
    const tcp = this.#nms.rtmpServer.tcpServer;
    if (!tcp) throw new Error('Failed to accept an RTMP connection: node-media-server built no RTMP server');
    tcp.emit('connection', socket);
    for (const session of this.#context.sessions.values()) {
      if (session.socket === socket) this.#admitBeforeStart(session);
    }
  }

  /**
   * NMS answers `publish` with NetStream.Publish.Start before its hooks run, so a rejection from a hook
   * would look like an accepted publish followed by a close. Servers that check signatures (Tencent's)
   * refuse before starting: we decide auth and busy URLs first and close the socket without answering.
   */
  #admitBeforeStart(session: NmsSession): void {
    const rtmp = session.rtmp;
    if (!rtmp) return;
    const original = rtmp.onPublish.bind(rtmp);
    rtmp.onPublish = (invokeMessage) => {
      const [name, query = ''] = String(invokeMessage.streamName ?? '').split('?');
      const params = Object.fromEntries(new URLSearchParams(query));
      const streamPath = `/${rtmp.streamApp ?? ''}/${name}`;
      const reason = this.#rejection(streamPath, name, params);
      if (reason) {
        this.#record('server.reject', { ...session, streamPath, streamQuery: params }, { reason });
        session.socket?.destroy();
        return;
      }
      original(invokeMessage);
    };
  }

  #rejection(streamPath: string, name: string, query: Record<string, string>): string | undefined {
    const broadcast = this.#context.broadcasts.get(streamPath);
    // NMS lets a publisher resume within its grace window; otherwise an existing publisher holds the path.
    if (broadcast?.publisher && (broadcast._publishGraceTimer ?? null) === null) return 'busy';
    const auth = this.#binding?.policy.auth;
    if (auth && query.txSecret !== tencentTxSecret(auth.key, name, String(query.txTime ?? ''))) return 'auth';
    return undefined;
  }

  /** Hand an accepted server-side socket to NMS's HTTP server (HTTP-FLV). */
  acceptHttp(socket: Duplex): void {
    const http = this.#nms.httpServer.httpServer;
    if (!http) throw new Error('Failed to accept an HTTP connection: node-media-server built no HTTP server');
    http.emit('connection', socket);
    this.#httpSockets.push(socket);
  }

  /** Close the connection of every current RTMP publisher (the "kick at time T" behaviour). */
  kickPublishers(reason: string): number {
    let kicked = 0;
    for (const s of this.#context.sessions.values()) {
      if (s.protocol === 'rtmp' && s.isPublisher && s.socket && !s.socket.destroyed) {
        this.#record('server.kick', s, { reason });
        s.socket.destroy();
        kicked++;
      }
    }
    return kicked;
  }

  /** Whether a stream path currently has a publisher (for preconditions, e.g. the busy-URL case). */
  hasPublisher(streamPath: string): boolean {
    return (this.#context.broadcasts.get(streamPath)?.publisher ?? null) !== null;
  }

  #onPrePublish(session: NmsSession): void {
    this.#record('server.prePublish', session);
  }

  #record(kind: string, s: NmsSession, extra: Record<string, string> = {}): void {
    this.#binding?.trace.record(kind, {
      session: String(s.id),
      ip: s.ip,
      protocol: s.protocol,
      streamPath: s.streamPath ?? '',
      query: s.streamQuery ? new URLSearchParams(s.streamQuery).toString() : '',
      ...extra,
    });
  }
}
