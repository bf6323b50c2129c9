import type { PusherEnvironment, TransportSocket } from '../../harness/adapter/types.js';
import type { Amf0Object } from '../rtmp/index.js';
import { RtmpError, RtmpPublisher, type RtmpUrl } from '../rtmp/index.js';
import { EventCode } from './event-codes.js';

/** Why an attempt or a live session ended, mapped to the seed's warning codes (docs/spec.md). */
export type SessionFailureCode =
  | typeof EventCode.WARNING_DNS_FAIL
  | typeof EventCode.WARNING_SERVER_CONN_FAIL
  | typeof EventCode.WARNING_SHAKE_FAIL
  | typeof EventCode.WARNING_SERVER_DISCONNECT
  | typeof EventCode.WARNING_SOCKET_DISCONNECT;

export interface SessionFailure {
  code: SessionFailureCode;
  reason: string;
}

export interface PushSessionCallbacks {
  /** TCP connected (1001). */
  onConnected(): void;
  /** Publish accepted (1002): media may flow. */
  onPublishing(): void;
  /** The attempt failed or the live session was lost. Called at most once, never after `close()`. */
  onFailure(failure: SessionFailure): void;
  onDrain(): void;
}

export interface PushSessionOptions {
  env: PusherEnvironment;
  url: RtmpUrl;
  metadata: Amf0Object;
  connectTimeoutMs: number;
  callbacks: PushSessionCallbacks;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * One connection attempt and, when it succeeds, the live RTMP session: resolve the host through the
 * injected resolver (3001 on failure), connect through the injected transport (3002), run the RTMP
 * handshake (3003) and the publish sequence. After TCP is up, a server that closes the connection before
 * or after publishing is 3004 (the seed: "rejected by the backend ... txSecret ... URL occupied"); a
 * socket error or protocol failure is 3005.
 */
export class PushSession {
  readonly #opts: PushSessionOptions;
  #socket: TransportSocket | undefined;
  #publisher: RtmpPublisher | undefined;
  #phase: 'resolving' | 'connecting' | 'handshaking' | 'publishing-setup' | 'live' | 'ended' = 'resolving';
  #connectTimer: unknown;
  #bytesHanded = 0;

  constructor(options: PushSessionOptions) {
    this.#opts = options;
  }

  get live(): boolean {
    return this.#phase === 'live';
  }

  /** Bytes given to the socket so far, and what it still buffers (for the congestion controller). */
  get bytesHandedToSocket(): number {
    return this.#bytesHanded;
  }

  get socketBacklogBytes(): number {
    const s = this.#socket;
    return s && !s.destroyed ? s.writableLength : 0;
  }

  async begin(): Promise<void> {
    const { env, url } = this.#opts;
    let address = url.host;
    if (!IPV4.test(url.host) && url.host !== 'localhost') {
      try {
        address = (await env.resolver.resolve(url.host)).address;
      } catch (e) {
        this.#fail(EventCode.WARNING_DNS_FAIL, `resolve ${url.host}: ${describe(e)}`);
        return;
      }
    }
    if (this.#phase === 'ended') return;
    this.#phase = 'connecting';
    const socket = env.transport.connect({ host: address, port: url.port });
    this.#socket = socket;
    this.#connectTimer = env.clock.setTimeout(() => {
      if (this.#phase !== 'connecting') return;
      this.#fail(EventCode.WARNING_SERVER_CONN_FAIL, `connect ${address}:${url.port}: timed out`);
    }, this.#opts.connectTimeoutMs);
    socket.on('error', (e) => {
      if (this.#phase === 'connecting')
        this.#fail(EventCode.WARNING_SERVER_CONN_FAIL, `connect: ${describe(e)}`);
    });
    socket.on('close', () => {
      if (this.#phase === 'connecting') this.#fail(EventCode.WARNING_SERVER_CONN_FAIL, 'connect: closed');
    });
    socket.on('connect', () => {
      if (this.#phase !== 'connecting') return;
      env.clock.clearTimeout(this.#connectTimer);
      this.#phase = 'handshaking';
      this.#opts.callbacks.onConnected();
      if (this.#phase === 'handshaking') this.#startRtmp(socket);
    });
  }

  #startRtmp(socket: TransportSocket): void {
    const { env, url, metadata } = this.#opts;
    const counting: TransportSocket = socket;
    const originalWrite = socket.write.bind(socket);
    // Count what we hand to the socket: the controller's measure of drained bytes.
    (counting as { write: TransportSocket['write'] }).write = (chunk, cb) => {
      this.#bytesHanded += chunk.byteLength;
      return originalWrite(chunk, cb);
    };
    const publisher = new RtmpPublisher({
      socket: counting,
      url,
      clock: env.clock,
      randomBytes: (n) => env.random.bytes(n),
      metadata,
    });
    this.#publisher = publisher;
    publisher.on('handshake-done', () => {
      if (this.#phase === 'handshaking') this.#phase = 'publishing-setup';
    });
    publisher.on('drain', () => this.#opts.callbacks.onDrain());
    publisher.on('closed', ({ reason, error }) => {
      if (this.#phase === 'ended' || reason === 'local') return;
      this.#fail(...this.#classify(reason, error));
    });
    publisher.start().then(
      () => {
        if (this.#phase === 'ended') return;
        this.#phase = 'live';
        this.#opts.callbacks.onPublishing();
      },
      (error: unknown) => {
        if (this.#phase === 'ended') return;
        this.#fail(...this.#classify('error', error instanceof RtmpError ? error : undefined, error));
      },
    );
  }

  #classify(
    reason: 'server-end' | 'error',
    error: RtmpError | undefined,
    raw?: unknown,
  ): [SessionFailureCode, string] {
    const text = error ? `${error.code}: ${error.message}` : describe(raw);
    if (this.#phase === 'handshaking') return [EventCode.WARNING_SHAKE_FAIL, `handshake: ${text}`];
    const serverClosed =
      reason === 'server-end' ||
      error?.code === 'CONNECTION_CLOSED' ||
      error?.code === 'PUBLISH_REJECTED' ||
      error?.code === 'COMMAND_ERROR';
    if (serverClosed && !isSocketErrorText(text))
      return [EventCode.WARNING_SERVER_DISCONNECT, `server closed: ${text}`];
    return [EventCode.WARNING_SOCKET_DISCONNECT, `socket: ${text}`];
  }

  sendVideo(timestampMs: number, body: Uint8Array): boolean {
    return this.#publisher?.state === 'publishing' ? this.#publisher.sendVideo(timestampMs, body) : false;
  }

  sendAudio(timestampMs: number, body: Uint8Array): boolean {
    return this.#publisher?.state === 'publishing' ? this.#publisher.sendAudio(timestampMs, body) : false;
  }

  sendMetadata(metadata: Amf0Object): void {
    if (this.#publisher?.state === 'publishing') {
      this.#publisher.sendMetadata(metadata);
      return;
    }
    // Not publishing yet: the publish sequence sends the object it was given (the publisher keeps a
    // reference), so update it in place; onMetaData must describe the stream pushed (stream/metadata/1).
    const current = this.#opts.metadata;
    for (const k of Object.keys(current)) delete current[k];
    Object.assign(current, metadata);
  }

  /** Orderly teardown (FCUnpublish, deleteStream, close). No failure is reported afterwards. */
  close(): void {
    const wasEnded = this.#phase === 'ended';
    this.#phase = 'ended';
    if (wasEnded) return;
    this.#opts.env.clock.clearTimeout(this.#connectTimer);
    if (this.#publisher) this.#publisher.close();
    else this.#socket?.destroy();
  }

  #fail(code: SessionFailureCode, reason: string): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#opts.env.clock.clearTimeout(this.#connectTimer);
    const socket = this.#socket;
    if (socket && !socket.destroyed) socket.destroy();
    this.#opts.callbacks.onFailure({ code, reason });
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${e.message}` : e.message;
  }
  return String(e);
}

function isSocketErrorText(text: string): boolean {
  return /ECONNRESET|EPIPE|ETIMEDOUT|ECONNABORTED|EHOSTUNREACH/.test(text);
}
