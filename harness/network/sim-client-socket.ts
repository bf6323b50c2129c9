import { SimSocket, type SimSocketOptions, type SocketErrnoError } from '../sim/index.js';

/**
 * A SimSocket that starts out connecting, like the socket `net.connect` returns: writes (and `end()`)
 * made before 'connect' wait for it, then 'connect' and 'ready' are emitted; a failed connect destroys
 * it with the errno error ('error' then 'close'). SimNetwork drives it. (`readyState` reads "open" while
 * connecting, where net.Socket says "opening": the kernel's type has no "opening".)
 */
export class SimClientSocket extends SimSocket {
  #connecting = true;
  #deferred: (() => void)[] = [];

  constructor(options: SimSocketOptions) {
    super(options);
    // SimSocket declares `connecting` as a constant false field; a client socket's changes.
    Object.defineProperty(this, 'connecting', {
      get: () => this.#connecting,
      configurable: true,
      enumerable: true,
    });
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#connecting) this.#deferred.push(() => super._write(chunk, encoding, callback));
    else super._write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#connecting) this.#deferred.push(() => super._final(callback));
    else super._final(callback);
  }

  /** The handshake completed: flush what was written meanwhile, then 'connect' and 'ready'. */
  establish(): void {
    if (!this.#connecting || this.destroyed) return;
    this.#connecting = false;
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const run of deferred) run();
    this.emit('connect');
    this.emit('ready');
  }

  /** The connect failed (ECONNREFUSED, ETIMEDOUT, ...): 'error' then 'close', as net.Socket does. */
  failConnect(error: SocketErrnoError | Error): void {
    if (this.destroyed) return;
    this.#connecting = false;
    this.#deferred = [];
    this.destroy(error);
  }
}
