/**
 * `RtmpPublisher`: publishes one live stream over an injected, already-connected duplex socket.
 *
 * Sequence (RTMP 1.0 spec 7.2.1.1, 7.2.2.6, 7.3.1, and what FMLE/OBS/ffmpeg send in practice):
 *   handshake (5.2) → Set Chunk Size 4096 → connect → _result → releaseStream → FCPublish →
 *   createStream → _result (stream id) → publish(name, 'live') → onStatus NetStream.Publish.Start →
 *   @setDataFrame onMetaData → audio/video messages … → FCUnpublish → deleteStream → end.
 *
 * It is a synchronous state machine driven by socket events and the injected clock: a reply is answered
 * within the same 'data' event, with no promise hops, so a simulator sees a deterministic byte order.
 */

import { Amf0EcmaArray, type Amf0Object, type Amf0Value, decodeAmf0, encodeAmf0 } from './amf0.js';
import { ChunkReader } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import type { RandomBytes, RtmpClock, RtmpSocket } from './environment.js';
import { ClientHandshake, DEFAULT_HANDSHAKE_TIMEOUT_MS, type HandshakeResult } from './handshake.js';
import { ProtocolControl, setChunkSizeMessage } from './protocol-control.js';
import { RtmpError } from './rtmp-error.js';
import { MessageType, type RtmpMessage } from './rtmp-message.js';
import { parseRtmpUrl, type RtmpUrl } from './rtmp-url.js';

/** Chunk streams this publisher uses (any 3..65599 would do; these follow common encoders). */
export const PublisherChunkStream = { control: 2, command: 3, audio: 4, stream: 5, video: 6 } as const;

/** Defaults of `RtmpPublisherOptions`. */
export const PUBLISHER_DEFAULTS = {
  handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  commandTimeoutMs: 10_000,
  chunkSize: 4096,
  // A server sends a publisher only small control and command messages; 1 MiB is generous.
  maxMessageLength: 1024 * 1024,
  flashVer: 'FMLE/3.0 (compatible; lpc)',
} as const;

/** Options for `RtmpPublisher`. `socket`, `url`, `clock` and `randomBytes` are required. */
export interface RtmpPublisherOptions {
  /** An already-connected duplex byte stream to the server. */
  socket: RtmpSocket;
  /** Push URL, e.g. `rtmp://host/live/name?txSecret=..&txTime=..`, or its parsed form. */
  url: string | RtmpUrl;
  clock: RtmpClock;
  /** Randomness for C1. */
  randomBytes: RandomBytes;
  /** Milliseconds for S0+S1+S2 to arrive; default 10,000. */
  handshakeTimeoutMs?: number;
  /** Milliseconds to wait for each awaited reply (connect, createStream, publish status); default 10,000. */
  commandTimeoutMs?: number;
  /** Outgoing chunk size announced right after the handshake; default 4096. */
  chunkSize?: number;
  /** Largest incoming message accepted ('MESSAGE_TOO_LARGE' above it); default 1 MiB. */
  maxMessageLength?: number;
  /** `flashVer` of the connect command object; default 'FMLE/3.0 (compatible; lpc)'. */
  flashVer?: string;
  /** Metadata sent as `@setDataFrame onMetaData` once publishing starts; default {}. */
  metadata?: Amf0Object;
  /** Receives a record of every command and data message sent and received. */
  onWireEvent?: (event: RtmpWireEvent) => void;
}

interface ResolvedOptions {
  socket: RtmpSocket;
  url: RtmpUrl;
  clock: RtmpClock;
  randomBytes: RandomBytes;
  handshakeTimeoutMs: number;
  commandTimeoutMs: number;
  chunkSize: number;
  maxMessageLength: number;
  flashVer: string;
  metadata: Amf0Object;
  onWireEvent: (event: RtmpWireEvent) => void;
}

function resolveOptions(options: RtmpPublisherOptions): ResolvedOptions {
  return {
    socket: options.socket,
    url: typeof options.url === 'string' ? parseRtmpUrl(options.url) : options.url,
    clock: options.clock,
    randomBytes: options.randomBytes,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? PUBLISHER_DEFAULTS.handshakeTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? PUBLISHER_DEFAULTS.commandTimeoutMs,
    chunkSize: options.chunkSize ?? PUBLISHER_DEFAULTS.chunkSize,
    maxMessageLength: options.maxMessageLength ?? PUBLISHER_DEFAULTS.maxMessageLength,
    flashVer: options.flashVer ?? PUBLISHER_DEFAULTS.flashVer,
    metadata: options.metadata ?? {},
    onWireEvent: options.onWireEvent ?? (() => {}),
  };
}

/** One command or data message on the wire, for traces. */
export interface RtmpWireEvent {
  direction: 'sent' | 'received';
  kind: 'command' | 'data';
  /** Command name (`connect`, `_result`, `onStatus`, …) or data handler name (`@setDataFrame`). */
  name: string;
  /** Transaction ID of a command; null for data messages. */
  transactionId: number | null;
  messageStreamId: number;
  /** `clock.now()` when the message was sent or decoded, in ms. */
  timeMs: number;
  /** For a `_result`/`_error` we matched: the command it answers. */
  respondsTo?: string;
  /** `level`/`code`/`description` of an info object (onStatus, _result, _error), when present. */
  status?: { level: string; code: string; description: string };
}

/** Lifecycle of a publisher. */
export type RtmpPublisherState =
  | 'idle'
  | 'handshaking'
  | 'connecting'
  | 'creating-stream'
  | 'awaiting-publish-start'
  | 'publishing'
  | 'closed'
  | 'failed';

/** Why the connection ended: our `close()`, the server ending it, or a failure. */
export type RtmpCloseReason = 'local' | 'server-end' | 'error';

/** Listener signatures of `RtmpPublisher` events. */
export interface RtmpPublisherEvents {
  /** S2 arrived. */
  'handshake-done': (result: { serverTime: number; s2EchoesC1: boolean }) => void;
  /** `connect` got its `_result`; `properties` and `information` are its two objects. */
  connected: (result: { properties: Amf0Value; information: Amf0Value }) => void;
  /** NetStream.Publish.Start arrived and the metadata went out; media may flow. */
  publishing: (result: { streamId: number; code: string }) => void;
  /** The connection ended; emitted exactly once. */
  closed: (result: { reason: RtmpCloseReason; error?: RtmpError }) => void;
  /** A failure, also delivered as `start()`'s rejection (before publishing) and in 'closed'. */
  error: (error: RtmpError) => void;
  /** The socket's write buffer drained below its high-water mark. */
  drain: () => void;
}

/** Counters a congestion controller reads, all in bytes and monotonic except `writeQueueBytes`. */
export interface RtmpPublisherCounters {
  /** Bytes handed to `socket.write`, handshake included. */
  bytesWritten: number;
  /** Bytes received from the server, handshake included. */
  bytesReceived: number;
  /** Bytes the server acknowledged (Acknowledgement messages, spec 5.4.3), unwrapped past 2^32. */
  bytesAcknowledged: number;
  /** Bytes buffered in the socket and not yet sent (`socket.writableLength`; 0 if unknown). */
  writeQueueBytes: number;
}

interface Expectation {
  command: string;
  onResult: (args: Amf0Value[]) => void;
  timer: unknown;
}

const TERMINAL: ReadonlySet<RtmpPublisherState> = new Set(['closed', 'failed']);

function infoOf(value: Amf0Value): RtmpWireEvent['status'] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Amf0EcmaArray) {
    return undefined;
  }
  const record = value as Amf0Object;
  if (typeof record.level !== 'string' && typeof record.code !== 'string') return undefined;
  return {
    level: typeof record.level === 'string' ? record.level : '',
    code: typeof record.code === 'string' ? record.code : '',
    description: typeof record.description === 'string' ? record.description : '',
  };
}

/** Publishes one stream; see the module comment for the sequence. */
export class RtmpPublisher {
  private readonly options: ResolvedOptions;
  private stateValue: RtmpPublisherState = 'idle';
  private readonly handshake: ClientHandshake;
  private readonly writer = new ChunkWriter();
  private readonly reader: ChunkReader;
  private readonly control: ProtocolControl;
  private readonly expectations = new Map<number, Expectation>();
  private readonly listeners = new Map<keyof RtmpPublisherEvents, Array<(...args: never[]) => void>>();
  private nextTransactionId = 1;
  private publishTimer: unknown = undefined;
  private streamIdValue: number | undefined;
  private written = 0;
  private received = 0;
  private startPromise: Promise<void> | undefined;
  private resolveStart: () => void = () => {};
  private rejectStart: (error: RtmpError) => void = () => {};

  /** Throws `RtmpError` 'URL' when `options.url` is malformed. */
  constructor(options: RtmpPublisherOptions) {
    this.options = resolveOptions(options);
    this.handshake = new ClientHandshake({
      clock: this.options.clock,
      randomBytes: this.options.randomBytes,
      timeoutMs: this.options.handshakeTimeoutMs,
      send: (bytes) => this.writeBytes(bytes),
      onComplete: (result) => this.onHandshakeComplete(result),
      onError: (error) => this.fail(error),
    });
    this.reader = new ChunkReader((message) => this.onMessage(message), {
      maxMessageLength: this.options.maxMessageLength,
    });
    this.control = new ProtocolControl({ send: (message) => this.writeMessage(message) });
  }

  get state(): RtmpPublisherState {
    return this.stateValue;
  }

  /** The parsed push URL. */
  get url(): RtmpUrl {
    return this.options.url;
  }

  /** The message stream ID from createStream, once known. */
  get streamId(): number | undefined {
    return this.streamIdValue;
  }

  get counters(): RtmpPublisherCounters {
    return {
      bytesWritten: this.written,
      bytesReceived: this.received,
      bytesAcknowledged: this.control.bytesAcknowledged,
      writeQueueBytes: this.options.socket.writableLength ?? 0,
    };
  }

  on<K extends keyof RtmpPublisherEvents>(event: K, listener: RtmpPublisherEvents[K]): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  off<K extends keyof RtmpPublisherEvents>(event: K, listener: RtmpPublisherEvents[K]): this {
    const list = this.listeners.get(event);
    if (list !== undefined) {
      const at = list.indexOf(listener);
      if (at !== -1) list.splice(at, 1);
    }
    return this;
  }

  /**
   * Runs the handshake and the publish sequence. Resolves once publishing (metadata sent); rejects with
   * the `RtmpError` that ended the attempt. Calling it again returns the same promise.
   */
  start(): Promise<void> {
    if (this.startPromise !== undefined) return this.startPromise;
    this.startPromise = new Promise<void>((resolve, reject) => {
      this.resolveStart = resolve;
      this.rejectStart = reject;
    });
    const { socket } = this.options;
    socket.setNoDelay?.(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('end', () => this.onPeerGone('ended'));
    socket.on('close', () => this.onPeerGone('closed'));
    socket.on('error', (error) => this.onSocketError(error));
    socket.on('drain', () => this.emit('drain'));
    this.stateValue = 'handshaking';
    this.handshake.start();
    return this.startPromise;
  }

  /** Sends one FLV video tag body (type 9) at `timestampMs`. Returns `socket.write`'s backpressure flag. */
  sendVideo(timestampMs: number, body: Uint8Array): boolean {
    return this.sendMedia('video', MessageType.video, PublisherChunkStream.video, timestampMs, body);
  }

  /** Sends one FLV audio tag body (type 8) at `timestampMs`. Returns `socket.write`'s backpressure flag. */
  sendAudio(timestampMs: number, body: Uint8Array): boolean {
    return this.sendMedia('audio', MessageType.audio, PublisherChunkStream.audio, timestampMs, body);
  }

  /** Sends `@setDataFrame onMetaData` with `metadata` as an ECMA array. */
  sendMetadata(metadata: Amf0Object): boolean {
    this.requirePublishing('send metadata');
    return this.sendData(['@setDataFrame', 'onMetaData', new Amf0EcmaArray(metadata)]);
  }

  /**
   * Ends the session: FCUnpublish and deleteStream when a stream exists, then ends the socket and emits
   * 'closed' with reason 'local'. A pending `start()` rejects with 'CONNECTION_CLOSED'. Idempotent.
   */
  close(): void {
    if (TERMINAL.has(this.stateValue)) return;
    const wasPublishing = this.stateValue === 'publishing';
    const previous = this.stateValue;
    if (this.streamIdValue !== undefined && previous !== 'idle' && previous !== 'handshaking') {
      if (wasPublishing) this.sendCommand('FCUnpublish', [null, this.options.url.publishName], 0);
      this.sendCommand('deleteStream', [null, this.streamIdValue], 0);
    }
    this.stateValue = 'closed';
    this.stopEverything();
    this.rejectStart(
      new RtmpError('CONNECTION_CLOSED', `Failed to publish: close() was called while ${previous}`, {
        state: previous,
      }),
    );
    this.emit('closed', { reason: 'local' });
    // Before a stream exists there is nothing to tear down: release the connection at once rather than
    // wait for a peer that may never answer a FIN (a silent server during the handshake).
    if (this.streamIdValue === undefined || previous === 'idle' || previous === 'handshaking')
      this.options.socket.destroy();
    else this.options.socket.end();
  }

  // ---- incoming ----

  private onData(chunk: Uint8Array): void {
    if (TERMINAL.has(this.stateValue) || this.stateValue === 'idle') return;
    this.received += chunk.length;
    if (this.stateValue === 'handshaking') {
      this.handshake.feed(chunk);
      return;
    }
    this.pushChunks(chunk);
  }

  private pushChunks(bytes: Uint8Array): void {
    try {
      this.reader.push(bytes);
      if (!TERMINAL.has(this.stateValue)) this.control.noteBytesReceived(this.received);
    } catch (error) {
      this.fail(
        error instanceof RtmpError
          ? error
          : new RtmpError('PROTOCOL', `Failed to process server data: ${String(error)}`, {}, error),
      );
    }
  }

  private onHandshakeComplete(result: HandshakeResult): void {
    this.stateValue = 'connecting';
    this.emit('handshake-done', { serverTime: result.serverTime, s2EchoesC1: result.s2EchoesC1 });
    if (TERMINAL.has(this.stateValue)) return;
    // Announce our larger chunk size first, written with the default 128 (spec 5.4.1).
    this.writeMessage(setChunkSizeMessage(this.options.chunkSize));
    this.writer.setChunkSize(this.options.chunkSize);
    const { url, flashVer } = this.options;
    // Spec 7.2.1.1: connect(transaction 1, command object).
    this.expect(
      'connect',
      this.sendCommand('connect', [{ app: url.app, type: 'nonprivate', flashVer, tcUrl: url.tcUrl }], 0),
      (args) => this.onConnected(args),
    );
    if (result.rest.length > 0) this.pushChunks(result.rest);
  }

  private onConnected(args: Amf0Value[]): void {
    this.stateValue = 'creating-stream';
    this.emit('connected', { properties: args[2] ?? null, information: args[3] ?? null });
    if (TERMINAL.has(this.stateValue)) return;
    const name = this.options.url.publishName;
    // releaseStream and FCPublish are FMLE conventions; servers may answer or not, so nothing waits.
    this.sendCommand('releaseStream', [null, name], 0);
    this.sendCommand('FCPublish', [null, name], 0);
    this.expect('createStream', this.sendCommand('createStream', [null], 0), (reply) =>
      this.onStreamCreated(reply),
    );
  }

  private onStreamCreated(args: Amf0Value[]): void {
    const streamId = args[3];
    if (
      typeof streamId !== 'number' ||
      !Number.isInteger(streamId) ||
      streamId < 0 ||
      streamId > 0xffffffff
    ) {
      this.fail(
        new RtmpError(
          'PROTOCOL',
          `Failed to create a stream: the createStream _result carried stream ID ${JSON.stringify(streamId)}, expected an integer 0..4294967295`,
          { streamId },
        ),
      );
      return;
    }
    this.streamIdValue = streamId;
    this.stateValue = 'awaiting-publish-start';
    const transactionId = this.sendCommand(
      'publish',
      [null, this.options.url.publishName, 'live'],
      streamId,
      PublisherChunkStream.stream,
    );
    // publish is answered by onStatus; an _error for its transaction still fails it.
    this.expectations.set(transactionId, { command: 'publish', onResult: () => {}, timer: undefined });
    this.publishTimer = this.options.clock.setTimeout(() => {
      this.publishTimer = undefined;
      this.fail(
        new RtmpError(
          'TIMEOUT',
          `Failed to publish "${this.options.url.publishName}": no NetStream.Publish.Start within ${this.options.commandTimeoutMs} ms`,
          { command: 'publish', transactionId, timeoutMs: this.options.commandTimeoutMs },
        ),
      );
    }, this.options.commandTimeoutMs);
  }

  private onPublishStart(code: string): void {
    this.clearPublishTimer();
    this.stateValue = 'publishing';
    this.sendData(['@setDataFrame', 'onMetaData', new Amf0EcmaArray(this.options.metadata)]);
    this.resolveStart();
    this.emit('publishing', { streamId: this.streamIdValue!, code });
  }

  private onMessage(message: RtmpMessage): void {
    if (TERMINAL.has(this.stateValue)) return;
    if (this.control.handle(message)) return;
    switch (message.typeId) {
      case MessageType.amf0Command:
        this.onCommand(decodeAmf0(message.payload), message.messageStreamId);
        break;
      case MessageType.amf3Command:
        // AMF3 command messages start with a format byte; with objectEncoding 0 the values are AMF0.
        this.onCommand(decodeAmf0(message.payload.subarray(1)), message.messageStreamId);
        break;
      case MessageType.amf0Data: {
        const values = decodeAmf0(message.payload);
        this.options.onWireEvent({
          direction: 'received',
          kind: 'data',
          name: typeof values[0] === 'string' ? values[0] : '',
          transactionId: null,
          messageStreamId: message.messageStreamId,
          timeMs: this.options.clock.now(),
        });
        break;
      }
      default:
        break;
    }
  }

  private onCommand(args: Amf0Value[], messageStreamId: number): void {
    const name = args[0];
    const transactionId = args[1];
    if (typeof name !== 'string' || typeof transactionId !== 'number') {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to read a command: expected a name string and a transaction number, got ${typeof name} and ${typeof transactionId}`,
        { nameType: typeof name, transactionIdType: typeof transactionId, messageStreamId },
      );
    }
    const status = infoOf(args[3] ?? null);
    const expectation =
      name === '_result' || name === '_error' ? this.expectations.get(transactionId) : undefined;
    this.options.onWireEvent({
      direction: 'received',
      kind: 'command',
      name,
      transactionId,
      messageStreamId,
      timeMs: this.options.clock.now(),
      ...(expectation === undefined ? {} : { respondsTo: expectation.command }),
      ...(status === undefined ? {} : { status }),
    });
    if (expectation !== undefined) {
      this.expectations.delete(transactionId);
      if (expectation.timer !== undefined) this.options.clock.clearTimeout(expectation.timer);
      if (name === '_error') {
        throw new RtmpError(
          'COMMAND_ERROR',
          `Failed to ${expectation.command}: the server answered _error${status ? ` ${status.code} "${status.description}"` : ''}`,
          { command: expectation.command, transactionId, ...status },
        );
      }
      expectation.onResult(args);
      return;
    }
    if (name === 'onStatus' && status !== undefined) this.onStatus(status, messageStreamId);
  }

  private onStatus(status: NonNullable<RtmpWireEvent['status']>, messageStreamId: number): void {
    const onOurStream = this.streamIdValue !== undefined && messageStreamId === this.streamIdValue;
    const waiting = this.stateValue === 'awaiting-publish-start';
    if (!onOurStream && !waiting) return;
    if (status.level === 'error') {
      throw new RtmpError(
        'PUBLISH_REJECTED',
        `Failed to publish "${this.options.url.publishName}": the server sent ${status.code} "${status.description}"`,
        { streamName: this.options.url.publishName, ...status },
      );
    }
    if (waiting && status.code === 'NetStream.Publish.Start') this.onPublishStart(status.code);
  }

  private onPeerGone(how: 'ended' | 'closed'): void {
    const state = this.stateValue;
    if (TERMINAL.has(state) || state === 'idle') return;
    if (state === 'handshaking') {
      this.handshake.peerClosed();
      return;
    }
    if (state === 'publishing') {
      this.stateValue = 'closed';
      this.stopEverything();
      this.emit('closed', { reason: 'server-end' });
      this.options.socket.end();
      return;
    }
    this.fail(
      new RtmpError(
        'CONNECTION_CLOSED',
        `Failed to publish: the server ${how} the connection while ${state}`,
        {
          state,
          how,
          bytesReceived: this.received,
        },
      ),
    );
  }

  private onSocketError(error: Error): void {
    if (TERMINAL.has(this.stateValue)) return;
    const code = (error as { code?: unknown }).code;
    this.fail(
      new RtmpError(
        'CONNECTION_CLOSED',
        `Failed to keep the RTMP connection: socket error${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`,
        { state: this.stateValue, socketErrorCode: code },
        error,
      ),
    );
  }

  // ---- outgoing ----

  private writeBytes(bytes: Uint8Array): boolean {
    this.written += bytes.length;
    return this.options.socket.write(bytes);
  }

  private writeMessage(message: RtmpMessage): boolean {
    return this.writeBytes(this.writer.write(message));
  }

  /** Sends command `name` with a fresh transaction ID and returns that ID. */
  private sendCommand(
    name: string,
    rest: Amf0Value[],
    messageStreamId: number,
    chunkStreamId: number = PublisherChunkStream.command,
  ): number {
    const transactionId = this.nextTransactionId++;
    this.writeMessage({
      chunkStreamId,
      typeId: MessageType.amf0Command,
      messageStreamId,
      timestamp: 0,
      payload: encodeAmf0([name, transactionId, ...rest]),
    });
    this.options.onWireEvent({
      direction: 'sent',
      kind: 'command',
      name,
      transactionId,
      messageStreamId,
      timeMs: this.options.clock.now(),
    });
    return transactionId;
  }

  private sendData(values: Amf0Value[]): boolean {
    const messageStreamId = this.streamIdValue!;
    const ok = this.writeMessage({
      chunkStreamId: PublisherChunkStream.stream,
      typeId: MessageType.amf0Data,
      messageStreamId,
      timestamp: 0,
      payload: encodeAmf0(values),
    });
    this.options.onWireEvent({
      direction: 'sent',
      kind: 'data',
      name: String(values[0]),
      transactionId: null,
      messageStreamId,
      timeMs: this.options.clock.now(),
    });
    return ok;
  }

  private sendMedia(
    kind: string,
    typeId: number,
    chunkStreamId: number,
    timestampMs: number,
    body: Uint8Array,
  ): boolean {
    this.requirePublishing(`send ${kind}`);
    return this.writeMessage({
      chunkStreamId,
      typeId,
      messageStreamId: this.streamIdValue!,
      timestamp: timestampMs,
      payload: body,
    });
  }

  private requirePublishing(verb: string): void {
    if (this.stateValue === 'publishing') return;
    const code = TERMINAL.has(this.stateValue) ? 'CONNECTION_CLOSED' : 'PROTOCOL';
    throw new RtmpError(code, `Failed to ${verb}: the publisher is ${this.stateValue}, not publishing`, {
      state: this.stateValue,
    });
  }

  private expect(command: string, transactionId: number, onResult: (args: Amf0Value[]) => void): void {
    const timer = this.options.clock.setTimeout(() => {
      if (!this.expectations.delete(transactionId)) return;
      this.fail(
        new RtmpError(
          'TIMEOUT',
          `Failed to ${command}: no _result for transaction ${transactionId} within ${this.options.commandTimeoutMs} ms`,
          { command, transactionId, timeoutMs: this.options.commandTimeoutMs },
        ),
      );
    }, this.options.commandTimeoutMs);
    this.expectations.set(transactionId, { command, onResult, timer });
  }

  // ---- teardown ----

  private clearPublishTimer(): void {
    if (this.publishTimer !== undefined) {
      this.options.clock.clearTimeout(this.publishTimer);
      this.publishTimer = undefined;
    }
  }

  private stopEverything(): void {
    this.handshake.cancel();
    this.clearPublishTimer();
    for (const expectation of this.expectations.values()) {
      if (expectation.timer !== undefined) this.options.clock.clearTimeout(expectation.timer);
    }
    this.expectations.clear();
  }

  private fail(error: RtmpError): void {
    if (TERMINAL.has(this.stateValue)) return;
    this.stateValue = 'failed';
    this.stopEverything();
    this.rejectStart(error);
    this.emit('error', error);
    this.emit('closed', { reason: 'error', error });
    this.options.socket.destroy();
  }

  private emit<K extends keyof RtmpPublisherEvents>(
    event: K,
    ...args: Parameters<RtmpPublisherEvents[K]>
  ): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (const listener of [...list]) (listener as (...values: unknown[]) => void)(...args);
  }
}
