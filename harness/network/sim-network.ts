import { isIP } from 'node:net';
import {
  type Micros,
  type Rng,
  type Scheduler,
  SimSocket,
  type SocketErrorCode,
  socketError,
  type TraceRecorder,
} from '../sim/index.js';
import { HttpDnsResolver, type HttpDnsResolverOptions } from './http-dns-resolver.js';
import {
  armConnectionFault,
  armConnectionToxics,
  type FaultActions,
  pickConnectionFault,
} from './internal/connection-faults.js';
import { handshake, inWindows } from './internal/handshake.js';
import { NetworkError } from './network-error.js';
import { networkProfile } from './profiles.js';
import {
  type LinkName,
  parseNetworkScript,
  type ResolvedConnectionFault,
  type ResolvedLink,
  type ResolvedNetwork,
  resolveNetworkScript,
} from './script.js';
import type { NetworkScript } from './script-schema.js';
import { ShapedChannel } from './shaped-channel.js';
import { ShapedLink } from './shaped-link.js';
import { SimClientSocket } from './sim-client-socket.js';
import { SimHttpFetch } from './sim-http.js';
import { SimResolver } from './sim-resolver.js';
import type { Resolver } from './types.js';

/** What a SimNetwork needs from the simulation (a `Simulation` fits). */
export interface SimContext {
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly trace?: TraceRecorder;
}

export interface SimNetworkOptions {
  /** A script, a profile name, or a script text (YAML/JSON). Default: the `unlimited` profile. */
  script?: NetworkScript | string;
  /** The pusher's address. Default 10.0.0.2. */
  clientAddress?: string;
  /** Write the shaper log to the simulation's trace. Default true. */
  log?: boolean;
  /**
   * Window of the compact shaper log, ms: `net.send`/`net.deliver` are summed per connection and window
   * and written at its end (for long, high-rate runs). Default 0: one record per write and per delivery
   * batch, at the instant it happens.
   */
  logQuantumMs?: number;
}

export type ConnectionHandler = (socket: SimSocket) => void;

/** One TCP connection through the network (exposed for tests and oracles through `connections`). */
export interface SimConnection {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly attempt: number;
  /** The scripted fault that applied ("none" when no rule matched). */
  readonly fault: string;
  readonly client: SimClientSocket;
  /** The server's end; handed to the listener at accept time (undefined when none was created). */
  readonly server: SimSocket | undefined;
  readonly uplink: ShapedChannel;
  readonly downlink: ShapedChannel;
}

interface ConnState extends SimConnection {
  server: SimSocket | undefined;
  accepted: boolean;
  done: boolean;
  establishedAt: Micros;
}

/** A transport shaped like the adapter's `Transport`: `connect` returns a socket that connects later. */
export interface SimTransport {
  connect(options: { host: string; port: number }): SimClientSocket;
}

/**
 * The simulated network between a pusher and its servers (docs/network.md). One uplink and one downlink
 * `ShapedLink` carry every connection; listeners are registered per address and port; connection,
 * DNS and HTTP faults follow the script, per attempt. Build one per simulation:
 *
 * ```ts
 * const net = new SimNetwork(sim, { script: '3g-weak' });
 * net.listen('10.0.0.1', 1935, (socket) => nmsTcpServer.emit('connection', socket));
 * env = { transport: net.transport, resolver: net.resolver, http: net.http, ... };
 * ```
 */
export class SimNetwork {
  readonly resolved: ResolvedNetwork;
  readonly uplink: ShapedLink;
  readonly downlink: ShapedLink;
  readonly transport: SimTransport;
  /** Scripted DNS (`dns` section), over the links' RTT. */
  readonly resolver: SimResolver;
  /** Scripted HTTP (`http` and `httpDns` sections), through the shaped links. */
  readonly http: SimHttpFetch;
  readonly trace: TraceRecorder | undefined;
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  readonly #clientAddress: string;
  readonly #logQuantumUs: Micros;
  readonly #listeners = new Map<string, ConnectionHandler>();
  readonly #attempts = new Map<string, number>();
  readonly #connections: ConnState[] = [];
  #nextConn = 1;
  #nextPort = 50_000;

  constructor(sim: SimContext, options: SimNetworkOptions = {}) {
    this.#scheduler = sim.scheduler;
    this.#rng = sim.rng.fork('network');
    this.trace = options.log === false ? undefined : sim.trace;
    this.#clientAddress = options.clientAddress ?? '10.0.0.2';
    this.#logQuantumUs = Math.round((options.logQuantumMs ?? 0) * 1000);
    const input = options.script ?? 'unlimited';
    let script: NetworkScript;
    if (typeof input === 'string') {
      script = /^[\w.-]+$/.test(input)
        ? parseNetworkScript(networkProfile(input), { source: `profile ${input}` })
        : parseNetworkScript(input);
    } else {
      script = parseNetworkScript(input);
    }
    this.resolved = resolveNetworkScript(script);
    this.uplink = this.#makeLink('uplink', this.resolved.uplink);
    this.downlink = this.#makeLink('downlink', this.resolved.downlink);
    this.transport = { connect: (o) => this.connect(o) };
    this.resolver = new SimResolver(this);
    this.http = new SimHttpFetch(this);
  }

  #makeLink(name: LinkName, r: ResolvedLink): ShapedLink {
    const link = new ShapedLink(this.#scheduler, {
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
    const trace = link.curve.trace;
    this.trace?.record('net.link', {
      link: name,
      segments: link.curve.segments() as never,
      trace: trace ? { periodMs: trace.periodMs, opportunitiesMs: [...trace.opportunitiesMs] } : undefined,
      delayUs: r.delayUs,
      jitterUs: r.jitterUs,
      queueLimitBytes: r.queueLimitBytes === Infinity ? null : r.queueLimitBytes,
      queueLimitMs: r.queueLimitUs === Infinity ? null : r.queueLimitUs / 1000,
    });
    return link;
  }

  get scheduler(): Scheduler {
    return this.#scheduler;
  }

  get rng(): Rng {
    return this.#rng;
  }

  /** Every connection attempted so far, in order. */
  get connections(): readonly SimConnection[] {
    return this.#connections;
  }

  /** A fresh id for a connection or an HTTP request (shaper log `conn`). */
  nextConnectionId(): number {
    return this.#nextConn++;
  }

  /** True when `link` is scripted down at `t`. */
  isDown(link: LinkName, t: Micros): boolean {
    return inWindows(this.resolved.downWindows[link], t);
  }

  /** Round-trip propagation delay starting at `t` (no queueing), µs. */
  rttAt(t: Micros): Micros {
    const there = t + this.uplink.baseDelayAt(t);
    return there - t + this.downlink.baseDelayAt(there);
  }

  /**
   * Accept connections to `address:port`: `onConnection` gets the server's end of each (a SimSocket,
   * e.g. for `nmsTcpServer.emit('connection', socket)`) when the client's handshake ACK arrives.
   */
  listen(address: string, port: number, onConnection: ConnectionHandler): { close(): void } {
    const key = `${address}:${port}`;
    if (this.#listeners.has(key)) {
      throw new NetworkError('ADDRESS_IN_USE', `Failed to listen on ${key}: already listening`, {
        address,
        port,
      });
    }
    this.#listeners.set(key, onConnection);
    return { close: () => this.#listeners.delete(key) };
  }

  /** A resolver that asks the scripted HTTP-DNS service (over `http`) instead of DNS. */
  httpDnsResolver(options: Partial<HttpDnsResolverOptions> = {}): Resolver {
    const httpDns = this.resolved.httpDns;
    return new HttpDnsResolver(this.http, {
      host: options.host ?? httpDns?.host ?? 'httpdns.test',
      path: options.path ?? httpDns?.path ?? '/d',
      timeoutMs: options.timeoutMs ?? 5000,
    });
  }

  /**
   * Like `net.connect`: returns a socket at once; it emits 'connect' after the handshake or 'error'
   * (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, or the DNS error for a name that does not resolve).
   */
  connect(options: { host: string; port: number }): SimClientSocket {
    const { host, port } = options;
    // A name is resolved first (through `resolver`), as net.connect does with dns.lookup.
    return this.#connectTo(host, isIP(host) !== 0 ? host : undefined, port);
  }

  #connectTo(host: string, address: string | undefined, port: number): SimClientSocket {
    const s = this.#scheduler;
    const id = this.nextConnectionId();
    const local = { address: this.#clientAddress, port: this.#nextPort++ };
    const remote = { address: address ?? host, port };
    const up = new ShapedChannel(s, this.uplink, { conn: id });
    const down = new ShapedChannel(s, this.downlink, { conn: id });
    const client = new SimClientSocket({
      scheduler: s,
      outgoing: up,
      local,
      remote,
      label: `conn${id}:client`,
    });
    down.attach(client);
    if (address === undefined) {
      this.resolver.resolve(host).then(
        (r) => this.#start(id, host, r.address, port, client, up, down),
        (e: Error) => {
          up.abort();
          down.abort();
          this.trace?.record('net.connect_error', { conn: id, code: String((e as { code?: string }).code) });
          client.failConnect(e);
        },
      );
    } else {
      this.#start(id, host, address, port, client, up, down);
    }
    return client;
  }

  #start(
    id: number,
    host: string,
    address: string,
    port: number,
    client: SimClientSocket,
    up: ShapedChannel,
    down: ShapedChannel,
  ): void {
    const s = this.#scheduler;
    const target = `${address}:${port}`;
    const attempt = (this.#attempts.get(target) ?? 0) + 1;
    this.#attempts.set(target, attempt);
    const rule = this.#pickFault(attempt, address, port);
    const listener = this.#listeners.get(target);
    let fault: string = rule?.fault ?? 'none';
    if ((fault === 'none' || fault === 'ok') && !listener) {
      const hostKnown = [...this.#listeners.keys()].some((k) => k.startsWith(`${address}:`));
      fault = hostKnown ? 'refused' : `${this.resolved.unknownAddress}`;
    }
    const conn: ConnState = {
      id,
      host,
      port,
      attempt,
      fault,
      client,
      server: undefined,
      uplink: up,
      downlink: down,
      accepted: false,
      done: false,
      establishedAt: -1,
    };
    this.#connections.push(conn);
    this.trace?.record('net.connect', { conn: id, host, port, attempt, fault, rule: rule?.index });
    const t0 = s.now;
    const giveUp =
      fault === 'timeout' && rule?.afterUs !== undefined ? rule.afterUs : this.resolved.connectTimeoutUs;
    const fail = (code: SocketErrorCode) => {
      if (conn.done) return;
      conn.done = true;
      up.abort();
      down.abort();
      this.trace?.record('net.connect_error', { conn: id, code });
      client.failConnect(socketError(code, 'connect', { address, port }));
    };
    const hs =
      fault === 'timeout'
        ? undefined
        : handshake(
            t0,
            giveUp,
            { link: this.uplink, down: this.resolved.downWindows.uplink },
            { link: this.downlink, down: this.resolved.downWindows.downlink },
          );
    if (!hs) {
      s.at(t0 + giveUp, () => fail('ETIMEDOUT'), `conn${id}:syn-timeout`);
      return;
    }
    if (fault === 'refused' || fault === 'unreachable') {
      s.at(
        hs.answerAtClient,
        () => fail(fault === 'refused' ? 'ECONNREFUSED' : 'EHOSTUNREACH'),
        `conn${id}:refused`,
      );
      return;
    }
    const server = new SimSocket({
      scheduler: s,
      outgoing: down,
      local: { address, port },
      remote: { address: this.#clientAddress, port: client.localPort },
      label: `conn${id}:server`,
    });
    conn.server = server;
    up.attach(server);
    const silentFromStart = fault === 'half-open' && !rule?.afterUs;
    s.at(
      hs.answerAtClient,
      () => {
        if (conn.done || client.destroyed) return;
        conn.establishedAt = s.now;
        this.trace?.record('net.connected', {
          conn: id,
          local: `${client.localAddress}:${client.localPort}`,
        });
        if (silentFromStart) this.#halfOpen(conn);
        client.establish();
        if (!silentFromStart) {
          const ackAt = s.now + this.uplink.baseDelayAt(s.now);
          s.at(ackAt, () => this.#accept(conn, listener), `conn${id}:accept`);
        }
        this.#armFaults(conn, rule);
        this.#armToxics(conn);
      },
      `conn${id}:connect`,
    );
  }

  #accept(conn: ConnState, listener: ConnectionHandler | undefined): void {
    if (conn.done || !conn.server || !listener) return;
    conn.accepted = true;
    this.trace?.record('net.accept', { conn: conn.id });
    listener(conn.server);
  }

  #pickFault(attempt: number, address: string, port: number): ResolvedConnectionFault | undefined {
    return pickConnectionFault(this.resolved.connections, attempt, address, port, this.#scheduler.now);
  }

  #actions(conn: ConnState): FaultActions {
    return {
      isDone: () => conn.done,
      reset: (cause) => this.reset(conn, cause),
      closeBoth: (cause) => this.#closeBoth(conn, cause),
      serverClose: () => this.#serverClose(conn),
      halfOpen: () => this.#halfOpen(conn),
    };
  }

  #armFaults(conn: ConnState, rule: ResolvedConnectionFault | undefined): void {
    armConnectionFault(this.#scheduler, conn, rule, this.#actions(conn));
  }

  #armToxics(conn: ConnState): void {
    armConnectionToxics(
      { scheduler: this.#scheduler, rng: this.#rng, trace: this.trace },
      this.resolved.connectionToxics,
      conn,
      this.#actions(conn),
    );
  }

  /**
   * Reset the connection as a middlebox would: both ends fail with ECONNRESET at this instant and the
   * bytes in flight are dropped.
   */
  reset(connection: SimConnection, cause = 'reset'): void {
    const conn = connection as ConnState;
    if (conn.done) return;
    conn.done = true;
    this.trace?.record('net.reset', { conn: conn.id, cause });
    conn.uplink.abort();
    conn.downlink.abort();
    conn.client.failWith('ECONNRESET');
    if (conn.server) {
      if (conn.accepted) conn.server.failWith('ECONNRESET');
      else conn.server.destroy();
    }
  }

  /** toxiproxy closing a connection: both ends read end-of-stream now, undelivered bytes are dropped. */
  #closeBoth(conn: ConnState, cause: string): void {
    if (conn.done) return;
    conn.done = true;
    this.trace?.record('net.close', { conn: conn.id, cause });
    conn.uplink.closeByNetwork('drop', cause);
    conn.downlink.closeByNetwork('drop', cause);
  }

  /** The server closes its end: what it sent still arrives, then the client reads end-of-stream. */
  #serverClose(conn: ConnState): void {
    if (conn.done) return;
    conn.done = true;
    this.trace?.record('net.close', { conn: conn.id, cause: 'server close' });
    if (conn.server && conn.accepted) conn.server.destroy();
    else conn.downlink.closeByNetwork('flush', 'server close');
  }

  /** The peer goes silent for good: nothing more is delivered either way, no FIN, no error. */
  #halfOpen(conn: ConnState): void {
    if (conn.done) return;
    conn.done = true;
    this.trace?.record('net.half_open', { conn: conn.id });
    conn.uplink.freeze();
    conn.downlink.freeze();
  }
}
