import { Duplex } from 'node:stream';
import type { Channel, ChannelSink } from './channel.js';
import type { Micros, ScheduledEvent, Scheduler } from './scheduler.js';
import { SimError } from './sim-error.js';
import { type SocketErrorCode, socketError } from './socket-error.js';

export interface SocketEndpoint {
  address: string;
  port: number;
}

export interface SimSocketOptions {
  scheduler: Scheduler;
  /** The direction this socket writes into. */
  outgoing: Channel;
  local: SocketEndpoint;
  remote: SocketEndpoint;
  /** Like net.Socket's option: false (default) ends our writable side when the peer's FIN arrives. */
  allowHalfOpen?: boolean;
  label?: string;
}

/**
 * A `Duplex` that behaves like a connected `net.Socket` on virtual time. Writes go into a Channel and
 * arrive at the peer from a later scheduler callback, never inside `write()` (node-media-server sets its
 * state after calling `write()`, so synchronous delivery would re-enter it). Back-pressure is real:
 * when the channel is over its limit the write callback waits for the channel's drain, Node buffers,
 * `write()` returns false and `drain` follows.
 */
export class SimSocket extends Duplex implements ChannelSink {
  readonly #scheduler: Scheduler;
  readonly #out: Channel;
  readonly #label: string;
  #pendingWriteCallback: ((error?: Error | null) => void) | undefined;
  #idleTimeoutMs = 0;
  #idleTimer: ScheduledEvent | undefined;
  #lastActivity: Micros = 0;
  #bytesRead = 0;
  #bytesWritten = 0;
  #noDelay = false;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily = 'IPv4';
  readonly localAddress: string;
  readonly localPort: number;
  /** Always false: a SimSocket is created connected. */
  readonly connecting = false;

  constructor(options: SimSocketOptions) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false, emitClose: true, autoDestroy: true });
    this.#scheduler = options.scheduler;
    this.#out = options.outgoing;
    this.#label = options.label ?? 'socket';
    this.remoteAddress = options.remote.address;
    this.remotePort = options.remote.port;
    this.localAddress = options.local.address;
    this.localPort = options.local.port;
    this.#out.onDrain = () => {
      const cb = this.#pendingWriteCallback;
      this.#pendingWriteCallback = undefined;
      cb?.();
    };
  }

  // ---- ChannelSink: bytes from the peer -------------------------------------------------------
  deliver(chunk: Uint8Array): void {
    if (this.destroyed) return;
    this.#bytesRead += chunk.byteLength;
    this.#touch();
    // Receiver-side flow control (TCP window) is not modelled: bytes are buffered by the stream.
    this.push(chunk);
  }

  /** The peer's FIN. */
  fin(): void {
    if (this.destroyed) return;
    this.push(null);
  }

  // ---- Duplex implementation --------------------------------------------------------------------
  override _read(): void {
    /* data is pushed by deliver() */
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#bytesWritten += chunk.byteLength;
    this.#touch();
    if (this.#out.send(chunk)) callback();
    else this.#pendingWriteCallback = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#out.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#scheduler.cancel(this.#idleTimer);
    this.#idleTimer = undefined;
    // A local destroy behaves like close(): what the link already holds still reaches the peer, then FIN.
    if (!this.writableFinished) this.#out.end();
    const cb = this.#pendingWriteCallback;
    this.#pendingWriteCallback = undefined;
    if (cb) cb(error ?? new Error('socket destroyed'));
    callback(error);
  }

  /** Fail this socket the way the OS would: e.g. ECONNRESET on read after the peer reset. */
  failWith(code: SocketErrorCode, syscall = 'read'): void {
    if (this.destroyed) return;
    this.#out.abort();
    this.destroy(socketError(code, syscall));
  }

  // ---- net.Socket surface used by servers and clients -------------------------------------------
  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay;
    return this;
  }

  get noDelay(): boolean {
    return this.#noDelay;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  /** Emulates net.Socket#setTimeout: 'timeout' after `ms` of virtual time with no reads or writes. */
  setTimeout(ms: number, callback?: () => void): this {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new SimError('INVALID_ARGUMENT', `Invalid socket timeout: ${ms} (expected a finite ms >= 0)`, {
        ms,
      });
    }
    this.#idleTimeoutMs = ms;
    if (callback) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#armIdleTimer();
    return this;
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  get readyState(): 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.destroyed) return 'closed';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: this.localPort };
  }

  get label(): string {
    return this.#label;
  }

  #touch(): void {
    this.#lastActivity = this.#scheduler.now;
  }

  #armIdleTimer(): void {
    this.#scheduler.cancel(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#idleTimeoutMs === 0 || this.destroyed) return;
    const timeoutUs = Math.round(this.#idleTimeoutMs * 1000);
    const check = () => {
      if (this.destroyed || this.#idleTimeoutMs === 0) return;
      const due = this.#lastActivity + timeoutUs;
      if (this.#scheduler.now >= due) {
        // Like net.Socket: fire once, re-arm from now; the user decides whether to destroy.
        this.#lastActivity = this.#scheduler.now;
        this.#idleTimer = this.#scheduler.at(
          this.#scheduler.now + timeoutUs,
          check,
          `${this.#label}:timeout`,
        );
        this.emit('timeout');
      } else {
        this.#idleTimer = this.#scheduler.at(due, check, `${this.#label}:timeout`);
      }
    };
    this.#lastActivity = this.#scheduler.now;
    this.#idleTimer = this.#scheduler.at(this.#scheduler.now + timeoutUs, check, `${this.#label}:timeout`);
  }
}
