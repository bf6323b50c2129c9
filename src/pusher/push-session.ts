import type { PusherEnvironment, TransportSocket } from '../../harness/adapter/types.js';
import type { Amf0Object } from '../rtmp/index.js';
import { encodeAmf0, RtmpError, RtmpPublisher, type RtmpUrl } from '../rtmp/index.js';
import { EventCode } from './event-codes.js';
import { type QueuedKind, SendQueue } from './send-queue.js';

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
  /** A queued media message was handed to the socket (net status counts what is sent, not what is dropped). */
  onMediaWritten?(kind: 'video' | 'audio', bytes: number, keyframe: boolean, timestampMs: number): void;
}

export interface PushSessionOptions {
  env: PusherEnvironment;
  url: RtmpUrl;
  metadata: Amf0Object;
  connectTimeoutMs: number;
  callbacks: PushSessionCallbacks;
  /**
   * While publishing, a connection on which the network took no byte for this long while data waited is
   * given up as a socket timeout (3005). Default 20,000 (longer than a transient outage; docs/pusher.md).
   */
  stallTimeoutMs?: number;
  /** Audio frames that waited in the send queue longer than this are dropped. Default 20,000. */
  audioMaxQueueMs?: number;
  /** After close(), a socket that has not closed within this grace is destroyed. Default 1,000. */
  closeGraceMs?: number;
}

/** Defaults of the session's queue and stall handling (docs/pusher.md "Send queue"). */
export const SESSION_DEFAULTS = {
  stallTimeoutMs: 20_000,
  stallCheckMs: 500,
  audioMaxQueueMs: 20_000,
  closeGraceMs: 1_000,
} as const;

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
  readonly #queue = new SendQueue();
  #pumping = false;
  #stallTimer: unknown;
  #lastProgressBytes = 0;
  #lastProgressMs = 0;
  #dropped = { video: 0, audio: 0 };

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

  /** Bytes waiting in our send queue (not yet handed to the socket; they can still be dropped). */
  get queuedBytes(): number {
    return this.#queue.bytes;
  }

  /** Media messages dropped from the send queue so far, per track. */
  get droppedMessages(): { video: number; audio: number } {
    return { ...this.#dropped };
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
    // The callback runs once the socket has passed the chunk on: time to hand it the next queued message.
    (counting as { write: TransportSocket['write'] }).write = (chunk, cb) => {
      this.#bytesHanded += chunk.byteLength;
      return originalWrite(chunk, (err) => {
        cb?.(err);
        if (!err) this.#pump();
      });
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
        this.#startStallWatch();
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

  /** Queue one video tag body; `essential` for an AVC sequence header (never dropped). */
  sendVideo(timestampMs: number, body: Uint8Array, keyframe = false, essential = false): void {
    this.#enqueue('video', timestampMs, body, keyframe, essential);
  }

  /** Queue one audio tag body; `essential` for the AAC sequence header (never dropped). */
  sendAudio(timestampMs: number, body: Uint8Array, essential = false): void {
    const now = this.#opts.env.clock.now();
    const dropped = this.#queue.dropAudioQueuedBefore(
      now - (this.#opts.audioMaxQueueMs ?? SESSION_DEFAULTS.audioMaxQueueMs),
    );
    this.#dropped.audio += dropped.messages;
    this.#enqueue('audio', timestampMs, body, false, essential);
  }

  /**
   * Drop every queued video frame (sequence headers stay). The caller resumes video at a keyframe.
   * Returns the number of frames dropped.
   */
  dropQueuedVideo(): number {
    const dropped = this.#queue.dropVideo();
    this.#dropped.video += dropped.messages;
    return dropped.messages;
  }

  /** Drop every queued media frame, audio too (pause(): nothing more is sent until resume()). */
  dropQueuedMedia(): number {
    const before = this.#queue.length;
    this.#queue.dropMedia();
    return before - this.#queue.length;
  }

  #enqueue(
    kind: QueuedKind,
    timestampMs: number,
    body: Uint8Array,
    keyframe: boolean,
    essential: boolean,
    metadata?: Amf0Object,
  ): void {
    if (this.#publisher?.state !== 'publishing') return;
    this.#queue.push({
      kind,
      timestampMs,
      body,
      keyframe,
      essential,
      queuedAtMs: this.#opts.env.clock.now(),
      ...(metadata ? { metadata } : {}),
    });
    this.#pump();
  }

  /**
   * Hand queued messages to the socket while it buffers nothing: one message at most waits inside the
   * socket, the rest here where it can be dropped. The write callback calls this again.
   */
  #pump(): void {
    if (this.#pumping) return;
    const socket = this.#socket;
    const publisher = this.#publisher;
    if (!socket || !publisher) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !socket.destroyed && socket.writableLength === 0) {
        if (publisher.state !== 'publishing') {
          this.#queue.clear();
          break;
        }
        const m = this.#queue.shift();
        if (!m) break;
        if (m.kind === 'video') publisher.sendVideo(m.timestampMs, m.body);
        else if (m.kind === 'audio') publisher.sendAudio(m.timestampMs, m.body);
        else if (m.metadata) publisher.sendMetadata(m.metadata);
        if (m.kind !== 'data' && !m.essential)
          this.#opts.callbacks.onMediaWritten?.(m.kind, m.body.byteLength, m.keyframe, m.timestampMs);
      }
    } finally {
      this.#pumping = false;
    }
  }

  // ---- stall watch ----------------------------------------------------------------------------
  #startStallWatch(): void {
    const clock = this.#opts.env.clock;
    this.#lastProgressMs = clock.now();
    this.#lastProgressBytes = this.#drainedBytes();
    this.#stallTimer = clock.setInterval(() => this.#checkStall(), SESSION_DEFAULTS.stallCheckMs);
  }

  #stopStallWatch(): void {
    this.#opts.env.clock.clearInterval(this.#stallTimer);
    this.#stallTimer = undefined;
  }

  /** Bytes the network has taken from the socket so far. */
  #drainedBytes(): number {
    return this.#bytesHanded - this.socketBacklogBytes;
  }

  #checkStall(): void {
    if (this.#phase !== 'live') return;
    const now = this.#opts.env.clock.now();
    const drained = this.#drainedBytes();
    const waiting = this.socketBacklogBytes + this.#queue.bytes;
    if (drained !== this.#lastProgressBytes || waiting === 0) {
      this.#lastProgressBytes = drained;
      this.#lastProgressMs = now;
      return;
    }
    const limit = this.#opts.stallTimeoutMs ?? SESSION_DEFAULTS.stallTimeoutMs;
    if (now - this.#lastProgressMs >= limit)
      this.#fail(
        EventCode.WARNING_SOCKET_DISCONNECT,
        `socket: ETIMEDOUT the network took no byte for ${now - this.#lastProgressMs} ms while ${waiting} bytes waited`,
      );
  }

  sendMetadata(metadata: Amf0Object): void {
    const publisher = this.#publisher;
    if (publisher?.state === 'publishing') {
      // In the queue, after the frames of the old size that are still waiting.
      this.#enqueue('data', 0, encodeAmf0(['@setDataFrame', 'onMetaData', { ...metadata }]), false, true, {
        ...metadata,
      });
      return;
    }
    // Not publishing yet: the publish sequence sends the object it was given (the publisher keeps a
    // reference), so update it in place; onMetaData must describe the stream pushed (stream/metadata/1).
    const current = this.#opts.metadata;
    for (const k of Object.keys(current)) delete current[k];
    Object.assign(current, metadata);
  }

  /**
   * Orderly teardown: unsent media is dropped, FCUnpublish and deleteStream are written and the socket is
   * ended; a socket still open after the grace period (a dead or congested link) is destroyed.
   * No failure is reported afterwards.
   */
  close(): void {
    const wasEnded = this.#phase === 'ended';
    this.#phase = 'ended';
    if (wasEnded) return;
    const clock = this.#opts.env.clock;
    clock.clearTimeout(this.#connectTimer);
    this.#stopStallWatch();
    this.#queue.clear();
    const socket = this.#socket;
    if (this.#publisher) this.#publisher.close();
    else socket?.destroy();
    if (socket && !socket.destroyed) {
      clock.setTimeout(() => {
        if (!socket.destroyed) socket.destroy();
      }, this.#opts.closeGraceMs ?? SESSION_DEFAULTS.closeGraceMs);
    }
  }

  #fail(code: SessionFailureCode, reason: string): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#opts.env.clock.clearTimeout(this.#connectTimer);
    this.#stopStallWatch();
    this.#queue.clear();
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
