import type { TraceRecord } from '../../sim/trace.js';
import { field, firstOf, ms, num, ofKind, str } from '../trace-query.js';
import {
  type AttributeTimeline,
  attributeTimeline,
  type PushUrl,
  parsePushUrl,
} from './attribute-timeline.js';
import { memoByTrace } from './memo-by-trace.js';
import { type Operation, operations } from './operations-log.js';

/**
 * The pushes, connection attempts and connections of a trace, reconstructed from what the harness saw
 * (operations, network, server, wire tap), never from what the pusher says about itself. docs/spec.md
 * "Conventions": a push runs from an accepted start() (or autopush) to stop(), -1307, a critical error or
 * the end of the case; a connection attempt is one DNS query (host names) and/or one TCP connect.
 */

/** Event codes of the connection life (events/order/2). */
export const FAILURE_CODES = [3001, 3002, 3003, 3004, 3005] as const;
export const CRITICAL_CODES = [-1301, -1302, -1303, -1304, -1305, -1306] as const;
export const LIFECYCLE_CODES = new Set<number>([1001, 1002, ...FAILURE_CODES, 1102, -1307]);
export const isFailureCode = (c: number) => c >= 3001 && c <= 3005;
export const isCritical = (c: number) => c <= -1301 && c >= -1306;

/** Connect timeout (events/network/2) and handshake timeout (events/network/3), ms. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What ended a connection attempt, as the network and server saw it. */
export type FailureKind =
  | 'dns' // 3001
  | 'connect' // 3002: refused, unreachable, timed out
  | 'connect-timeout' // 3002: never answered, the pusher must give up after 10 s
  | 'handshake' // 3003: reset or closed before S2
  | 'handshake-timeout' // 3003: S0+S1+S2 never came
  | 'server-close' // 3004: FIN, kick, rejection after the handshake
  | 'socket'; // 3005: reset after the handshake

export const EXPECTED_CODE: Record<FailureKind, number> = {
  dns: 3001,
  connect: 3002,
  'connect-timeout': 3002,
  handshake: 3003,
  'handshake-timeout': 3003,
  'server-close': 3004,
  socket: 3005,
};

/** One TCP connection of the pusher (`net.connect` id `conn`; the wire tap numbers connects 1, 2, ...). */
export interface Connection {
  conn: number;
  wireConn: number;
  connect: TraceRecord;
  connectMs: number;
  host: string;
  port: number;
  fault: string;
  connectedMs?: number;
  local?: string;
  connectErrorMs?: number;
  c0c1Ms?: number;
  s2Ms?: number;
  /** The server accepted the publish (server.postPublish for this client address). */
  publishStartMs?: number;
  rejectMs?: number;
  /** The pusher closed it (FIN from the pusher's side, or its socket closed first). */
  pusherCloseMs?: number;
  /** The server or the network ended it. */
  remoteEndMs?: number;
  remoteEnd?: TraceRecord;
  remoteEndKind?: 'reset' | 'fin';
  /** No longer open or connecting, as far as the trace tells. */
  endMs?: number;
  endSeq?: number;
  firstMediaMs?: number;
  records: TraceRecord[];
}

export interface Failure {
  kind: FailureKind;
  /** When the failure became observable to the pusher (ms). */
  atMs: number;
  record?: TraceRecord;
  expectedCode: number;
}

export interface PusherEvent {
  t: number;
  seq: number;
  code: number;
  record: TraceRecord;
}

export interface Attempt {
  push: number;
  /** 0-based within the push. */
  index: number;
  startMs: number;
  startSeq: number;
  dnsQuery?: TraceRecord;
  dnsAnswer?: TraceRecord;
  connection?: Connection;
  failure?: Failure;
  /** Lifecycle events (1001, 1002, 3001..3005, 1102, -1307) from this attempt's start to the next one's. */
  events: PusherEvent[];
  /** The previous attempt of the push failed: this one is a reconnection. */
  reconnection: boolean;
}

export type PushStart = 'start' | 'autopush' | 'url-change';
export type PushEnd = 'stop' | 'exhausted' | 'critical' | 'case-end' | 'url-change';

export interface Push {
  index: number;
  startMs: number;
  startSeq: number;
  startCause: PushStart;
  startRecord: TraceRecord;
  endMs: number;
  endSeq: number;
  endCause: PushEnd;
  endRecord: TraceRecord;
  url?: PushUrl;
  attempts: Attempt[];
  /** Every pusher event from the push's start to the next push's start. */
  events: PusherEvent[];
}

export interface PushModel {
  pushes: Push[];
  connections: Connection[];
  attributes: AttributeTimeline;
  ops: Operation[];
  events: PusherEvent[];
  /** When the pusher was created (the app lifecycle's initial record), ms. */
  createdMs: number;
  /** The case's end (`case.end`), ms; the trace's last time when missing. */
  caseEndMs: number;
  /** The push active at `t` (start <= t < end), if any. */
  pushAt(t: number): Push | undefined;
  /** The push a record belongs to by trace order (after its start record, before its end record). */
  pushOfSeq(seq: number): Push | undefined;
}

function buildPusherEvents(trace: readonly TraceRecord[]): PusherEvent[] {
  return ofKind(trace, 'pusher.event').map((r) => ({
    t: ms(r),
    seq: r.seq,
    code: num(r, 'code') ?? 0,
    record: r,
  }));
}

function ended(c: Connection, r: TraceRecord): void {
  if (c.endMs !== undefined) return;
  c.endMs = ms(r);
  c.endSeq = r.seq;
}

function connectionsOf(trace: readonly TraceRecord[]): Connection[] {
  const byConn = new Map<number, Connection>();
  const byWire = new Map<number, Connection>();
  const byLocal = new Map<string, Connection>();
  const list: Connection[] = [];
  for (const r of trace) {
    const k = r.kind;
    if (k === 'net.connect') {
      const c: Connection = {
        conn: num(r, 'conn') ?? -1,
        wireConn: list.length + 1,
        connect: r,
        connectMs: ms(r),
        host: str(r, 'host') ?? '',
        port: num(r, 'port') ?? 0,
        fault: str(r, 'fault') ?? 'none',
        records: [r],
      };
      list.push(c);
      byConn.set(c.conn, c);
      byWire.set(c.wireConn, c);
      continue;
    }
    if (k.startsWith('net.')) {
      const c = byConn.get(num(r, 'conn') ?? -1);
      if (!c) continue;
      c.records.push(r);
      const t = ms(r);
      if (k === 'net.connected') {
        c.connectedMs ??= t;
        c.local = str(r, 'local');
        if (c.local) byLocal.set(c.local, c);
      } else if (k === 'net.connect_error') {
        c.connectErrorMs ??= t;
        ended(c, r);
      } else if (k === 'net.reset') {
        if (c.pusherCloseMs === undefined && c.remoteEndMs === undefined) {
          c.remoteEndMs = t;
          c.remoteEnd = r;
          c.remoteEndKind = 'reset';
        }
        ended(c, r);
      } else if (k === 'net.close' && str(r, 'cause') === 'server close') {
        if (c.pusherCloseMs === undefined && c.remoteEndMs === undefined) {
          c.remoteEndMs = t;
          c.remoteEnd = r;
          c.remoteEndKind = 'fin';
        }
      } else if (k === 'net.fin') {
        if (str(r, 'link') === 'uplink') {
          if (c.remoteEndMs === undefined) c.pusherCloseMs ??= t;
          ended(c, r);
        } else if (c.pusherCloseMs === undefined && c.remoteEndMs === undefined) {
          c.remoteEndMs = t;
          c.remoteEnd = r;
          c.remoteEndKind = 'fin';
        }
      }
      continue;
    }
    if (k.startsWith('wire.')) {
      const c = byWire.get(num(r, 'conn') ?? -1);
      if (!c) continue;
      c.records.push(r);
      const t = ms(r);
      if (k === 'wire.handshake') {
        const ev = str(r, 'event');
        if (ev === 'c0c1') c.c0c1Ms ??= t;
        else if (ev === 's2-received') c.s2Ms ??= t;
      } else if (k === 'wire.close') {
        if (c.remoteEndMs === undefined) c.pusherCloseMs ??= t;
        ended(c, r);
      } else if (k === 'wire.firstMedia') {
        c.firstMediaMs ??= t;
      }
      continue;
    }
    if (k === 'server.postPublish' || k === 'server.reject' || k === 'server.kick') {
      const c = byLocal.get(str(r, 'ip') ?? '');
      if (!c) continue;
      c.records.push(r);
      if (k === 'server.postPublish') c.publishStartMs ??= ms(r);
      else if (k === 'server.reject') c.rejectMs ??= ms(r);
    }
  }
  return list;
}

/**
 * How a connection failed (undefined: it did not, or not yet by `untilMs`). A silent connect or handshake
 * fails at the 10 s deadline, or earlier when the pusher gave up first (its close). Callers ignore
 * failures at or after the end of the push (a stop() while connecting is not a failure).
 */
export function connectionFailure(c: Connection, untilMs: number): Failure | undefined {
  if (c.connectErrorMs !== undefined) {
    const record = c.records.find((r) => r.kind === 'net.connect_error');
    return { kind: 'connect', atMs: c.connectErrorMs, record, expectedCode: 3002 };
  }
  const silent = (from: number, timeoutMs: number, kind: FailureKind): Failure | undefined => {
    const deadline = from + timeoutMs;
    const gaveUp = c.pusherCloseMs;
    if (gaveUp !== undefined && gaveUp < deadline)
      return { kind, atMs: gaveUp, record: c.connect, expectedCode: EXPECTED_CODE[kind] };
    if (deadline <= untilMs)
      return { kind, atMs: deadline, record: c.connect, expectedCode: EXPECTED_CODE[kind] };
    return undefined;
  };
  if (c.connectedMs === undefined) {
    if (c.remoteEndMs !== undefined && c.remoteEnd)
      return { kind: 'connect', atMs: c.remoteEndMs, record: c.remoteEnd, expectedCode: 3002 };
    return silent(c.connectMs, CONNECT_TIMEOUT_MS, 'connect-timeout');
  }
  const remote = c.remoteEndMs;
  const handshakeDone = c.s2Ms !== undefined && (remote === undefined || c.s2Ms <= remote);
  if (remote !== undefined && c.remoteEnd) {
    if (!handshakeDone) return { kind: 'handshake', atMs: remote, record: c.remoteEnd, expectedCode: 3003 };
    if (c.remoteEndKind === 'reset')
      return { kind: 'socket', atMs: remote, record: c.remoteEnd, expectedCode: 3005 };
    return { kind: 'server-close', atMs: remote, record: c.remoteEnd, expectedCode: 3004 };
  }
  if (!handshakeDone) return silent(c.c0c1Ms ?? c.connectedMs, HANDSHAKE_TIMEOUT_MS, 'handshake-timeout');
  return undefined;
}

function boolOf(v: unknown): boolean {
  return v === true || v === 'true';
}

/** Build the push model of a trace (pure; cheap enough to rebuild per check). */
function buildPushModel(trace: readonly TraceRecord[]): PushModel {
  const attributes = attributeTimeline(trace);
  const ops = operations(trace);
  const opByCallSeq = new Map(ops.map((o) => [o.call.seq, o]));
  const events = pusherEvents(trace);
  const connections = connectionsOf(trace);
  const connByRecord = new Map(connections.map((c) => [c.connect.seq, c]));
  const end = firstOf(trace, 'case.end');
  const last = trace[trace.length - 1];
  const caseEndMs = end ? ms(end) : last ? ms(last) : 0;
  const appInitial = firstOf(trace, 'app.state', (r) => field(r, 'initial') === true);
  const createdMs = appInitial ? ms(appInitial) : 0;

  const pushes: Push[] = [];
  let active: Push | undefined;
  const begin = (r: TraceRecord, cause: PushStart, url: string) => {
    active = {
      index: pushes.length,
      startMs: ms(r),
      startSeq: r.seq,
      startCause: cause,
      startRecord: r,
      endMs: Number.POSITIVE_INFINITY,
      endSeq: Number.POSITIVE_INFINITY,
      endCause: 'case-end',
      endRecord: r,
      url: parsePushUrl(url),
      attempts: [],
      events: [],
    };
    pushes.push(active);
  };
  const finish = (r: TraceRecord, cause: PushEnd) => {
    if (!active) return;
    active.endMs = ms(r);
    active.endSeq = r.seq;
    active.endCause = cause;
    active.endRecord = r;
    active = undefined;
  };

  const startAttrs = attributes.initial.after;
  let autopushPending = boolOf(startAttrs.autopush) && parsePushUrl(startAttrs.url) !== undefined;
  let currentAttempt: Attempt | undefined;
  const host = () => active?.url?.host;
  const newAttempt = (r: TraceRecord): Attempt => {
    const p = active ?? pushes[pushes.length - 1];
    const a: Attempt = {
      push: p ? p.index : -1,
      index: p ? p.attempts.length : 0,
      startMs: ms(r),
      startSeq: r.seq,
      events: [],
      reconnection: false,
    };
    p?.attempts.push(a);
    currentAttempt = a;
    return a;
  };
  for (const r of trace) {
    if (autopushPending && r.kind === 'app.state' && field(r, 'initial') === true) {
      autopushPending = false;
      begin(r, 'autopush', startAttrs.url);
      continue;
    }
    switch (r.kind) {
      case 'pusher.attributes': {
        const change = attributes.changes.find((c) => c.record === r);
        if (!change) break;
        if (active && change.changed.includes('url')) {
          finish(r, 'url-change');
          if (parsePushUrl(change.after.url)) begin(r, 'url-change', change.after.url);
        } else if (!active && change.changed.includes('autopush') && change.after.autopush) {
          if (parsePushUrl(change.after.url)) begin(r, 'autopush', change.after.url);
        }
        break;
      }
      case 'pusher.op': {
        const o = opByCallSeq.get(r.seq);
        if (!o) break;
        if (o.op === 'start' && o.ok && !active) begin(r, 'start', attributes.at(o.callMs).url);
        else if (o.op === 'stop' && active) finish(r, 'stop');
        break;
      }
      case 'pusher.event': {
        const code = num(r, 'code') ?? 0;
        if (code === -1307) finish(r, 'exhausted');
        else if (isCritical(code)) finish(r, 'critical');
        break;
      }
      case 'case.end':
        finish(r, 'case-end');
        break;
      case 'net.dns.query': {
        if (str(r, 'via') === 'httpdns') break;
        const h = host();
        if (h !== undefined && str(r, 'host') !== h && active) break;
        const a = newAttempt(r);
        a.dnsQuery = r;
        break;
      }
      case 'net.dns.answer': {
        const a = currentAttempt;
        if (
          a?.dnsQuery &&
          !a.dnsAnswer &&
          str(r, 'host') === str(a.dnsQuery, 'host') &&
          str(r, 'via') !== 'httpdns'
        )
          a.dnsAnswer = r;
        break;
      }
      case 'net.connect': {
        const c = connByRecord.get(r.seq);
        if (!c) break;
        const a = currentAttempt?.dnsQuery && !currentAttempt.connection ? currentAttempt : newAttempt(r);
        a.connection = c;
        break;
      }
      default:
        break;
    }
  }

  // Failures, lifecycle events per attempt, events per push.
  for (const [i, p] of pushes.entries()) {
    const nextStartSeq = pushes[i + 1]?.startSeq ?? Number.POSITIVE_INFINITY;
    p.events = events.filter((e) => e.seq >= p.startSeq && e.seq < nextStartSeq);
    for (const [j, a] of p.attempts.entries()) {
      const nextSeq = p.attempts[j + 1]?.startSeq ?? nextStartSeq;
      a.events = p.events.filter(
        (e) => e.seq >= a.startSeq && e.seq < nextSeq && LIFECYCLE_CODES.has(e.code),
      );
      const dnsError = a.dnsAnswer ? str(a.dnsAnswer, 'error') : undefined;
      if (dnsError)
        a.failure = { kind: 'dns', atMs: ms(a.dnsAnswer!), record: a.dnsAnswer, expectedCode: 3001 };
      else if (a.connection) a.failure = connectionFailure(a.connection, caseEndMs);
      const prev = p.attempts[j - 1];
      a.reconnection = prev !== undefined && prev.failure !== undefined;
    }
  }
  return {
    pushes,
    connections,
    attributes,
    ops,
    events,
    createdMs,
    caseEndMs,
    pushAt(t) {
      return pushes.find((p) => p.startMs <= t && t < p.endMs);
    },
    pushOfSeq(seq) {
      return pushes.find((p) => p.startSeq < seq && seq < p.endSeq);
    },
  };
}

/** The first event with `code` in `[from, from + within]` (ms), optionally after record `afterSeq`. */
export function eventWithin(
  events: readonly PusherEvent[],
  code: number | ((c: number) => boolean),
  from: number,
  within: number,
  afterSeq = -1,
): PusherEvent | undefined {
  const match = typeof code === 'number' ? (c: number) => c === code : code;
  return events.find((e) => match(e.code) && e.t >= from && e.t <= from + within && e.seq > afterSeq);
}

/** The app's state at `t` (ms): the last `app.state` at or before it (foreground before any record). */
export function appStateAt(trace: readonly TraceRecord[]): (t: number) => string {
  const changes = ofKind(trace, 'app.state').map((r) => ({
    t: ms(r),
    state: str(r, 'state') ?? 'foreground',
  }));
  return (t) => {
    let s = 'foreground';
    for (const c of changes) if (c.t <= t) s = c.state;
    return s;
  };
}

/**
 * Greedy matching of causes to effects: each cause takes the first unused effect in
 * `[cause.t, cause.t + withinMs]` that comes after it in the trace. Returns the effect per cause.
 */
export function matchInOrder<C extends { t: number; seq: number }, F extends { t: number; seq: number }>(
  causes: readonly C[],
  effects: readonly F[],
  withinMs: number,
): { matched: (F | undefined)[]; unused: F[] } {
  const used = new Set<F>();
  const matched = causes.map((c) => {
    const f = effects.find((e) => !used.has(e) && e.seq > c.seq && e.t >= c.t && e.t <= c.t + withinMs);
    if (f) used.add(f);
    return f;
  });
  return { matched, unused: effects.filter((e) => !used.has(e)) };
}

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const pushModel = memoByTrace(buildPushModel);

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const pusherEvents = memoByTrace(buildPusherEvents);
