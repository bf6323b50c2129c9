/**
 * The pusher's side of the live link (docs/live-mode.md, "Network"): a pass-through TCP relay on loopback
 * that the pusher dials (the case URL's host is mapped to it). It records what the simulation's network
 * records at the pusher's end (`net.connect`, `net.connected`) and feeds the independent RTMP wire tap with
 * every byte the pusher writes and receives, then forwards to the shaping proxy (LiveProxy) in front of the
 * real server. Ends propagate: a FIN from upstream is a FIN to the pusher, a reset is a reset.
 *
 * What the pusher writes can be held `holdMs` (default 0) before it is recorded and forwarded: a pusher
 * process reports events on stdout and writes media on its socket, and the trace is in arrival order. A
 * pusher that writes each line unbuffered before acting needs no hold (docs/live-mode.md, "Tolerances").
 */
import net from 'node:net';
import { RtmpWireTap } from '../observer/rtmp-wire-tap.js';
import type { TraceRecorder } from '../sim/index.js';

export interface WireTapRelayOptions {
  /** Where to forward (the proxy). */
  target: { host: string; port: number };
  trace: TraceRecorder;
  /** Runs around every recording callback (e.g. to record at one instant). Default: call it. */
  run?: <T>(fn: () => T) => T;
  /** How long the pusher's bytes (and its FIN) are held before they are recorded and forwarded, ms. Default 0. */
  holdMs?: number;
}

export class WireTapRelay {
  readonly #server: net.Server;
  readonly #options: WireTapRelayOptions;
  readonly #sockets = new Set<net.Socket>();
  #next = 1;

  private constructor(options: WireTapRelayOptions) {
    this.#options = options;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  static async start(options: WireTapRelayOptions): Promise<WireTapRelay> {
    const relay = new WireTapRelay(options);
    await new Promise<void>((resolve, reject) => {
      relay.#server.once('error', reject);
      relay.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  /** The port the pusher dials. */
  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.#next - 1;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    const run = this.#options.run ?? (<T>(fn: () => T) => fn());
    const trace = this.#options.trace;
    const conn = this.#next++;
    const upstream = net.connect(this.#options.target);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const tap = run(() => {
      // The pusher's connect has completed when we accept: to the pusher the connection is established.
      trace.record('net.connect', {
        conn,
        host: client.localAddress ?? '127.0.0.1',
        port: this.port,
        attempt: conn,
        fault: 'none',
      });
      trace.record('net.connected', { conn, local: `${client.remoteAddress}:${client.remotePort}` });
      return new RtmpWireTap(trace, conn);
    });
    let closed = false;
    const close = (reason: string) => {
      if (closed) return;
      closed = true;
      run(() => tap.close(reason));
    };
    const holdMs = this.#options.holdMs ?? 0;
    // Timers of one duration fire in creation order: held bytes, ends and errors keep their order.
    const held = (fn: () => void) => (holdMs > 0 ? void setTimeout(fn, holdMs) : fn());
    client.on('data', (b: Buffer) =>
      held(() => {
        if (upstream.destroyed) return;
        run(() => tap.onPusherWrite(b));
        if (!upstream.write(b)) client.pause();
      }),
    );
    upstream.on('drain', () => client.resume());
    upstream.on('data', (b: Buffer) => {
      run(() => tap.onPusherReceive(b));
      if (!client.write(b)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('end', () =>
      held(() => {
        if (!upstream.destroyed) upstream.end();
      }),
    );
    upstream.on('end', () => {
      if (!client.destroyed) client.end();
    });
    client.on('error', () =>
      held(() => {
        close('pusher error');
        if (!upstream.destroyed) upstream.resetAndDestroy();
      }),
    );
    upstream.on('error', () => {
      close('reset');
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on('close', () =>
      held(() => {
        this.#sockets.delete(client);
        close('closed');
        if (!upstream.destroyed) upstream.destroySoon();
      }),
    );
    upstream.on('close', () => {
      this.#sockets.delete(upstream);
      if (!client.destroyed) client.destroySoon();
    });
  }
}
