import net from 'node:net';
import { createRng, type Rng, TraceRecorder } from '../../sim/index.js';
import {
  armConnectionFault,
  armConnectionToxics,
  type FaultActions,
  type FaultTarget,
  pickConnectionFault,
} from '../internal/connection-faults.js';
import { networkProfile } from '../profiles.js';
import {
  type LinkName,
  parseNetworkScript,
  type ResolvedLink,
  type ResolvedNetwork,
  resolveNetworkScript,
} from '../script.js';
import type { NetworkScript } from '../script-schema.js';
import { ShapedChannel } from '../shaped-channel.js';
import { ShapedLink } from '../shaped-link.js';
import { RealTimeDriver } from './real-time-driver.js';

export interface LiveProxyOptions {
  /** The real server the proxy forwards to. */
  target: { host: string; port: number };
  /** A script, a profile name or script text. Default: the `unlimited` profile. */
  script?: NetworkScript | string;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Listen port. Default 0 (an ephemeral port, reported in `port`). */
  port?: number;
  /** Seed of jitter and slicer draws. Default 1. */
  seed?: number;
  /** Keep the shaper log (times are real µs since start) in `trace`. Default false. */
  log?: boolean;
  /** Window of the compact shaper log, ms (see SimNetworkOptions). Default 0 (per write and batch). */
  logQuantumMs?: number;
  /**
   * Timer grid of the real-time driver, ms (see RealTimeDriverOptions): deliveries are batched into
   * wake-ups at most this far apart, which bounds CPU (measured: ~3.6% of a core per Mbit/s at 1 Mbit/s
   * with 5 ms, ~1.5% with 50 ms) at the cost of up to this much extra delivery jitter. The shaped rate
   * is unaffected. Default 50.
   */
  timerQuantumMs?: number;
}

interface LiveConn extends FaultTarget {
  establishedAt: number;
  done: boolean;
  client: net.Socket;
  upstream: net.Socket | undefined;
}

/**
 * A TCP proxy on loopback that applies a network script on real time, for pushers running in other
 * processes (ffmpeg, a device bridge). It uses the simulation's own link model (ShapedLink /
 * ShapedChannel, i.e. the same service curve: a token bucket with no burst allowance) driven by a
 * real-time scheduler, and the same connection faults and toxics. What cannot be reproduced after the
 * kernel has accepted a connection is approximated and documented in docs/network.md ("Live mode"):
 * `refused`/`unreachable` become an immediate RST (the client sees ECONNRESET), `timeout` is silence
 * then an RST.
 */
export class LiveProxy {
  readonly resolved: ResolvedNetwork;
  readonly driver: RealTimeDriver;
  readonly uplink: ShapedLink;
  readonly downlink: ShapedLink;
  readonly trace: TraceRecorder | undefined;
  readonly #server: net.Server;
  readonly #target: { host: string; port: number };
  readonly #rng: Rng;
  readonly #logQuantumUs: number;
  readonly #conns = new Set<LiveConn>();
  #attempts = 0;
  #nextId = 1;

  private constructor(options: LiveProxyOptions) {
    const input = options.script ?? 'unlimited';
    const script =
      typeof input === 'string' && /^[\w.-]+$/.test(input)
        ? parseNetworkScript(networkProfile(input), { source: `profile ${input}` })
        : parseNetworkScript(input);
    this.resolved = resolveNetworkScript(script);
    this.#target = options.target;
    this.driver = new RealTimeDriver({ quantumMs: options.timerQuantumMs ?? 50 });
    this.#rng = createRng(options.seed ?? 1).fork('network');
    this.#logQuantumUs = Math.round((options.logQuantumMs ?? 0) * 1000);
    this.trace = options.log ? new TraceRecorder(() => this.driver.scheduler.now) : undefined;
    this.uplink = this.#link('uplink', this.resolved.uplink);
    this.downlink = this.#link('downlink', this.resolved.downlink);
    this.#server = net.createServer((socket) => this.driver.run(() => this.#accept(socket)));
  }

  /** Start listening; resolves once the port is known. */
  static async start(options: LiveProxyOptions): Promise<LiveProxy> {
    const proxy = new LiveProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get address(): string {
    return (this.#server.address() as net.AddressInfo).address;
  }

  /** The port clients connect to (ephemeral unless one was given). */
  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  /** Stop accepting, destroy every proxied connection, stop the timer. */
  async close(): Promise<void> {
    for (const c of this.#conns) {
      c.client.destroy();
      c.upstream?.destroy();
    }
    this.#conns.clear();
    this.driver.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #link(name: LinkName, r: ResolvedLink): ShapedLink {
    return new ShapedLink(this.driver.scheduler, {
      name,
      capacity: r.capacity,
      overrides: r.overrides,
      delayUs: r.delayUs,
      jitterUs: r.jitterUs,
      latency: r.latency,
      queueLimitBytes: r.queueLimitBytes,
      queueLimitUs: r.queueLimitUs,
      drainFraction: r.drainFraction,
      maxBurstUs: r.maxBurstUs,
      rng: this.#rng.fork(`${name}/jitter`),
      trace: this.trace,
      logQuantumUs: this.#logQuantumUs,
    });
  }

  #accept(client: net.Socket): void {
    const s = this.driver.scheduler;
    const id = this.#nextId++;
    const attempt = ++this.#attempts;
    const rule = pickConnectionFault(
      this.resolved.connections,
      attempt,
      this.#target.host,
      this.#target.port,
      s.now,
    );
    const fault = rule?.fault ?? 'none';
    this.trace?.record('net.connect', {
      conn: id,
      host: this.#target.host,
      port: this.#target.port,
      attempt,
      fault,
    });
    client.on('error', () => {});
    if (fault === 'refused' || fault === 'unreachable') {
      client.resetAndDestroy();
      return;
    }
    if (fault === 'timeout' || (fault === 'half-open' && !rule?.afterUs)) {
      // Silence: read nothing (the client's buffers fill), answer nothing.
      client.pause();
      const conn = { client, upstream: undefined } as unknown as LiveConn;
      this.#conns.add(conn);
      if (fault === 'timeout') {
        s.at(s.now + (rule?.afterUs ?? this.resolved.connectTimeoutUs), () => {
          this.#conns.delete(conn);
          client.resetAndDestroy();
        });
      }
      return;
    }
    const upstream = net.connect(this.#target);
    const up = new ShapedChannel(s, this.uplink, { conn: id });
    const down = new ShapedChannel(s, this.downlink, { conn: id });
    const conn: LiveConn = {
      id,
      uplink: up,
      downlink: down,
      establishedAt: s.now,
      done: false,
      client,
      upstream,
    };
    this.#conns.add(conn);
    const writeTo = (sock: net.Socket) => ({
      deliver: (b: Uint8Array) => {
        if (sock.destroyed || !sock.writable) return;
        // Pieces delivered in one wake-up leave in one writev.
        if (sock.writableCorked === 0) {
          sock.cork();
          process.nextTick(() => sock.uncork());
        }
        sock.write(b);
      },
      fin: () => {
        if (!sock.destroyed && sock.writable) sock.end();
      },
    });
    up.attach(writeTo(upstream));
    down.attach(writeTo(client));
    const pipe = (from: net.Socket, ch: ShapedChannel) => {
      from.on('data', (b: Buffer) =>
        this.driver.run(() => {
          if (!ch.send(b)) from.pause();
        }),
      );
      ch.onDrain = () => from.resume();
      from.on('end', () => this.driver.run(() => ch.end()));
    };
    pipe(client, up);
    pipe(upstream, down);
    const actions: FaultActions = {
      isDone: () => conn.done,
      reset: () => {
        if (conn.done) return;
        conn.done = true;
        up.abort();
        down.abort();
        // What was delivered before the reset leaves first (writes of this wake-up are corked).
        for (const sock of [client, upstream]) while (sock.writableCorked > 0) sock.uncork();
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        this.trace?.record('net.reset', { conn: id, cause: 'scripted' });
      },
      closeBoth: (cause) => {
        if (conn.done) return;
        conn.done = true;
        this.trace?.record('net.close', { conn: id, cause });
        up.closeByNetwork('drop', cause);
        down.closeByNetwork('drop', cause);
        upstream.destroySoon();
      },
      serverClose: () => {
        if (conn.done) return;
        conn.done = true;
        this.trace?.record('net.close', { conn: id, cause: 'server close' });
        up.closeByNetwork('drop', 'server close');
        down.closeByNetwork('flush', 'server close');
        upstream.destroy();
      },
      halfOpen: () => {
        if (conn.done) return;
        conn.done = true;
        up.freeze();
        down.freeze();
      },
    };
    upstream.on('error', () => this.driver.run(() => actions.reset('upstream error')));
    client.on('error', () => this.driver.run(() => actions.reset('client error')));
    client.on('close', () => {
      this.#conns.delete(conn);
      if (!upstream.destroyed && conn.done) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!client.destroyed && conn.done) client.destroySoon();
    });
    armConnectionFault(s, conn, rule, actions);
    armConnectionToxics(
      { scheduler: s, rng: this.#rng, trace: this.trace },
      this.resolved.connectionToxics,
      conn,
      actions,
    );
  }
}
