/**
 * Checks of the `wire` area of docs/spec.md: the RTMP handshake, the chunk stream and the publish sequence
 * as the wire tap saw them on the pusher's side of each connection (`wire.*` records, see
 * harness/observer/rtmp-wire-tap.ts), related to the server's hooks (`server.postPublish`) and the link's
 * propagation delays (`net.link`).
 *
 * The tap parses only what the pusher writes. "After the server's reply" is therefore judged through time:
 * a reply cannot reach the pusher earlier than one round trip of the links' minimum delays after the request
 * left, and NetStream.Publish.Start cannot reach it earlier than the server's postPublish hook plus the
 * downlink's minimum delay. On a link without delay only the order is checked.
 */
import type { TraceRecord, TraceValue } from '../sim/trace.js';
import { memoByTrace } from './internal/memo-by-trace.js';
import { pushModel } from './internal/push-model.js';
import { replyDelivery } from './internal/reply-delivery.js';
import { pusherCloseBy } from './internal/uplink-handover.js';
import {
  caseStart,
  excerpt,
  fail,
  field,
  indeterminate,
  ms,
  notApplicable,
  num,
  ofKind,
  pass,
  str,
} from './trace-query.js';
import type { Check, Outcome } from './types.js';

/** E: the default deadline after a cause (docs/spec.md "Symbols and defaults"), ms. */
const E_MS = 1000;
/** Rounding slack between the pusher's clock (ms) and trace times (µs), ms. */
const SLACK_MS = 0.5;

// ---------------------------------------------------------------------------------------------------
// The connection model shared with stream.ts
// ---------------------------------------------------------------------------------------------------

/** One TCP connection of the pusher as the wire tap, the network and the server saw it. */
export interface RtmpConnection {
  /** The wire tap's number (per pusher connect call, from 1). */
  conn: number;
  openedMs: number;
  /** The network's connection id and the pusher's local address (`ip:port`), when established. */
  netConn?: number;
  local?: string;
  /** Every `wire.*` record of this connection, in order. */
  records: TraceRecord[];
  commands: TraceRecord[];
  data: TraceRecord[];
  c0c1?: TraceRecord;
  firstMedia?: TraceRecord;
  close?: TraceRecord;
  /** The server accepted the publish (`server.postPublish` of this connection's address). */
  publishStart?: TraceRecord;
  serverSession?: string;
}

/**
 * The pusher's connections in order, each joined to its network connection (the `net.connect` recorded
 * just before the tap's `wire.connection`), its local address (`net.connected`) and the server session
 * that publishes from that address.
 */
/** The pusher's RTMP connections as the wire tap saw them; memoised per trace (internal/memo-by-trace.ts). */
export const rtmpConnections = memoByTrace(buildRtmpConnections);

function buildRtmpConnections(trace: readonly TraceRecord[]): RtmpConnection[] {
  const out: RtmpConnection[] = [];
  const byWire = new Map<number, RtmpConnection>();
  const localByNet = new Map<number, string>();
  let lastNetConnect: TraceRecord | undefined;
  for (const r of trace) {
    if (r.kind === 'net.connect') lastNetConnect = r;
    else if (r.kind === 'net.connected') {
      const c = num(r, 'conn');
      const local = str(r, 'local');
      if (c !== undefined && local) localByNet.set(c, local);
    } else if (r.kind === 'wire.connection') {
      const conn = num(r, 'conn') ?? out.length + 1;
      const c: RtmpConnection = {
        conn,
        openedMs: ms(r),
        netConn: lastNetConnect && lastNetConnect.t === r.t ? num(lastNetConnect, 'conn') : undefined,
        records: [],
        commands: [],
        data: [],
      };
      out.push(c);
      byWire.set(conn, c);
    } else if (r.kind.startsWith('wire.')) {
      const c = byWire.get(num(r, 'conn') ?? -1);
      if (!c) continue;
      c.records.push(r);
      if (r.kind === 'wire.command') c.commands.push(r);
      else if (r.kind === 'wire.data') c.data.push(r);
      else if (r.kind === 'wire.firstMedia') c.firstMedia ??= r;
      else if (r.kind === 'wire.close') c.close ??= r;
      else if (r.kind === 'wire.handshake' && str(r, 'event') === 'c0c1') c.c0c1 ??= r;
    }
  }
  const byLocal = new Map<string, RtmpConnection>();
  for (const c of out) {
    if (c.netConn === undefined) continue;
    c.local = localByNet.get(c.netConn);
    if (c.local) byLocal.set(c.local, c);
  }
  for (const r of ofKind(trace, 'server.postPublish')) {
    const c = byLocal.get(str(r, 'ip') ?? '');
    if (c && !c.publishStart) {
      c.publishStart = r;
      c.serverSession = str(r, 'session');
    }
  }
  return out;
}

/**
 * The smallest one-way propagation delay a link can give, ms: its delay minus its jitter (never below 0),
 * over every `net.link` record of that link. Latency toxics only add to it.
 */
export function linkDelayFloorMs(trace: readonly TraceRecord[], link: 'uplink' | 'downlink'): number {
  let floor = Number.POSITIVE_INFINITY;
  for (const r of ofKind(trace, 'net.link')) {
    if (str(r, 'link') !== link) continue;
    const d = (num(r, 'delayUs') ?? 0) - (num(r, 'jitterUs') ?? 0);
    floor = Math.min(floor, Math.max(0, d) / 1000);
  }
  return Number.isFinite(floor) ? floor : 0;
}

/** The push URL in effect at `atMs`: the case's attribute, then every `pusher.attributes` patch before it. */
export function urlAt(trace: readonly TraceRecord[], atMs: number): string | undefined {
  const attrs = field(caseStart(trace), 'attributes');
  let url: TraceValue | undefined =
    attrs && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs.url : undefined;
  for (const r of ofKind(trace, 'pusher.attributes')) {
    if (ms(r) > atMs) break;
    const patch = field(r, 'attributes');
    if (patch && typeof patch === 'object' && !Array.isArray(patch) && 'url' in patch) url = patch.url;
  }
  return typeof url === 'string' ? url : undefined;
}

/** `rtmp://authority/app/stream[?query]`: app is every path segment but the last (docs/spec.md `wire/publish/3`). */
export interface PushUrlParts {
  authority: string;
  app: string;
  stream: string;
  query: string;
  /** `stream[?query]` exactly as written. */
  publishName: string;
}

export function pushUrlParts(url: string): PushUrlParts | undefined {
  const m = /^rtmp:\/\/([^/?#]+)\/([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (!m) return undefined;
  const path = m[2];
  const slash = path.lastIndexOf('/');
  if (slash <= 0 || slash === path.length - 1) return undefined;
  const query = m[3] ?? '';
  const stream = path.slice(slash + 1);
  return {
    authority: m[1],
    app: path.slice(0, slash),
    stream,
    query,
    publishName: query === '' ? stream : `${stream}?${query}`,
  };
}

function args(r: TraceRecord | undefined): TraceValue[] {
  const a = field(r, 'args');
  return Array.isArray(a) ? a : [];
}

const named = (cmds: readonly TraceRecord[], name: string) => cmds.filter((c) => str(c, 'name') === name);
const show = (r: TraceRecord) => `${str(r, 'name')}@${ms(r)}ms`;

/** Per-connection verdicts folded into one outcome: the first failing connection decides. */
function overConnections(
  trace: readonly TraceRecord[],
  applicable: (c: RtmpConnection) => boolean,
  judge: (c: RtmpConnection) => Outcome,
  none: string,
  passed: (n: number) => string,
): Outcome {
  const conns = rtmpConnections(trace).filter(applicable);
  if (conns.length === 0) return notApplicable(none);
  let indeterminateOutcome: Outcome | undefined;
  for (const c of conns) {
    const o = judge(c);
    if (o.status === 'fail') return o;
    if (o.status === 'indeterminate') indeterminateOutcome ??= o;
  }
  return indeterminateOutcome ?? pass(passed(conns.length), { numbers: { connections: conns.length } });
}

/**
 * The earliest the server's NetStream.Publish.Start could have reached the pusher: its acceptance plus the
 * downlink's delay floor, or, when that is earlier, the downlink delivery that completed the server's bytes
 * up to it. In simulation the delivery is never earlier. In live mode the server's records come over IPC
 * from its process and are stamped on arrival, later than the server acted (seen 20 ms late on a loaded
 * machine), while the proxy's delivery records are stamped where they happen: the answer reaching the
 * pusher bounds when the server answered.
 */
function publishStartReachableMs(trace: readonly TraceRecord[], c: RtmpConnection, downMs: number): number {
  const start = c.publishStart as TraceRecord;
  const byDelay = ms(start) + downMs;
  const net =
    c.netConn === undefined ? undefined : pushModel(trace).connections.find((x) => x.conn === c.netConn);
  const reply = net ? replyDelivery(net, ms(start)) : undefined;
  return reply && 'deliveredMs' in reply ? Math.min(byDelay, reply.deliveredMs) : byDelay;
}

function violations(c: RtmpConnection, rule: string): TraceRecord[] {
  return c.records.filter((r) => r.kind === 'wire.violation' && str(r, 'rule') === rule);
}

const wroteBytes = (c: RtmpConnection) =>
  c.c0c1 !== undefined ||
  c.records.some((r) => r.kind === 'wire.violation') ||
  (num(c.close, 'bytesUp') ?? 0) > 0;

// ---------------------------------------------------------------------------------------------------
// Handshake (RTMP §5.2)
// ---------------------------------------------------------------------------------------------------

/** wire/handshake/1: the first byte on each connection is 0x03 (C0), then a 1536-byte C1. */
export const handshakeStartsWithVersion3: Check = {
  requirement: 'wire/handshake/1',
  always: true,
  evaluate(trace) {
    return overConnections(
      trace,
      wroteBytes,
      (c) => {
        const bad = violations(c, 'c0-version')[0];
        const version = num(c.c0c1, 'version');
        if (bad || (version !== undefined && version !== 3)) {
          return fail(
            `connection ${c.conn}: C0 is ${version ?? '?'} (expected 3): ${str(bad, 'detail') ?? ''}`.trim(),
            {
              expected: 'C0 = 3',
              actual: `C0 = ${version ?? '?'}`,
              atMs: ms(bad ?? c.c0c1!),
              evidence: excerpt([bad, c.c0c1]),
            },
          );
        }
        return pass('');
      },
      'the pusher wrote nothing on any connection',
      (n) => `${n} connection(s) opened with C0 = 3 and a 1536-byte C1`,
    );
  },
};

/** wire/handshake/2 (SHOULD): C1 bytes 4..7 are zero. */
export const c1ZeroField: Check = {
  requirement: 'wire/handshake/2',
  always: true,
  evaluate(trace) {
    return overConnections(
      trace,
      (c) => c.c0c1 !== undefined,
      (c) =>
        field(c.c0c1, 'zeroField') === false
          ? fail(`connection ${c.conn}: C1 bytes 4..7 are not zero`, {
              expected: 'C1 zero field 00 00 00 00',
              actual: 'non-zero',
              atMs: ms(c.c0c1!),
              evidence: excerpt([c.c0c1, ...violations(c, 'c1-zero')]),
            })
          : pass(''),
      'no connection sent a complete C0+C1',
      (n) => `${n} C1 packet(s), zero field 0 in each`,
    );
  },
};

/** wire/handshake/3: no byte beyond C0+C1 before S0+S1 arrived (the wire tap flags `c2-before-s1`). */
export const noC2BeforeS1: Check = {
  requirement: 'wire/handshake/3',
  always: true,
  evaluate(trace) {
    const handshakes = ofKind(trace, 'wire.handshake').filter((r) => str(r, 'event') === 'c0c1');
    if (handshakes.length === 0) return notApplicable('no RTMP handshake was attempted');
    const found = ofKind(trace, 'wire.violation').filter((r) => str(r, 'rule') === 'c2-before-s1');
    if (found.length > 0) {
      return fail(`C2 sent before S1 was received: ${str(found[0], 'detail')}`, {
        expected: 'C2 after 1537 bytes of S0+S1 were received',
        actual: str(found[0], 'detail'),
        atMs: ms(found[0]),
        evidence: excerpt([...found, ...ofKind(trace, 'wire.handshake')]),
      });
    }
    return pass(`${handshakes.length} handshake(s), C2 always after S0+S1`, {
      numbers: { handshakes: handshakes.length },
    });
  },
};

/** wire/handshake/4: nothing beyond C0+C1+C2 before S0+S1+S2 arrived (`data-before-s2`). */
export const nothingBeforeS2: Check = {
  requirement: 'wire/handshake/4',
  always: true,
  evaluate(trace) {
    return overConnections(
      trace,
      (c) => c.c0c1 !== undefined,
      (c) => {
        const bad = violations(c, 'data-before-s2')[0];
        return bad
          ? fail(`connection ${c.conn}: ${str(bad, 'detail')}`, {
              expected: 'no chunk before 3073 bytes of S0+S1+S2 were received',
              actual: str(bad, 'detail'),
              atMs: ms(bad),
              evidence: excerpt([bad, ...c.records.filter((r) => r.kind === 'wire.handshake')]),
            })
          : pass('');
      },
      'no RTMP handshake was attempted',
      (n) => `${n} connection(s), no chunk before S2`,
    );
  },
};

/**
 * wire/handshake/5 (SHOULD): C2 echoes S1. Needs the tap's `echoesS1` flag on a `wire.handshake` record;
 * without it the check is INDETERMINATE (the trace does not carry the handshake bytes).
 */
export const c2EchoesS1: Check = {
  requirement: 'wire/handshake/5',
  always: true,
  evaluate(trace) {
    const sent = ofKind(trace, 'wire.handshake').filter((r) => str(r, 'event') === 'c2-sent');
    if (sent.length === 0) return notApplicable('no C2 was sent');
    // The flag may sit on c2-sent or on a later handshake record (C2 is complete only 1536 bytes later).
    const known = ofKind(trace, 'wire.handshake').filter((r) => typeof field(r, 'echoesS1') === 'boolean');
    if (known.length === 0) {
      return indeterminate(
        'the wire tap does not record whether C2 echoes S1 (no echoesS1 on its wire.handshake records)',
      );
    }
    const bad = known.find((r) => field(r, 'echoesS1') === false);
    if (bad) {
      return fail(`connection ${num(bad, 'conn')}: C2 does not echo S1's time and random bytes`, {
        atMs: ms(bad),
        evidence: excerpt([bad]),
      });
    }
    return pass(`${known.length} C2 packet(s) echo S1`);
  },
};

// ---------------------------------------------------------------------------------------------------
// Chunk stream (RTMP §5.3, §5.4.1)
// ---------------------------------------------------------------------------------------------------

/** wire/chunk/1: everything after the handshake parses as chunks under the announced sizes. */
export const chunkStreamWellFormed: Check = {
  requirement: 'wire/chunk/1',
  always: true,
  evaluate(trace) {
    const conns = rtmpConnections(trace).filter(
      (c) => c.commands.length + c.data.length > 0 || c.records.some((r) => r.kind === 'wire.violation'),
    );
    if (conns.length === 0) return notApplicable('no chunk stream was written');
    for (const c of conns) {
      const bad = [...violations(c, 'chunk-parse'), ...violations(c, 'amf0')][0];
      if (bad) {
        return fail(`connection ${c.conn}: ${str(bad, 'rule')}: ${str(bad, 'detail')}`, {
          expected: 'RTMP chunks under the announced chunk size, decodable AMF0 messages',
          actual: str(bad, 'detail'),
          atMs: ms(bad),
          evidence: excerpt([
            ...c.records.filter((r) => r.kind === 'wire.chunkSize'),
            bad,
            ...c.commands.slice(-3),
          ]),
        });
      }
    }
    const messages = conns.reduce(
      (n, c) =>
        n + (num(c.close, 'audio') ?? 0) + (num(c.close, 'video') ?? 0) + c.commands.length + c.data.length,
      0,
    );
    return pass(`${conns.length} connection(s), ${messages} message(s) parsed without error`, {
      numbers: { connections: conns.length, messages },
    });
  },
};

// ---------------------------------------------------------------------------------------------------
// Publish sequence (RTMP §7.2)
// ---------------------------------------------------------------------------------------------------

/** wire/publish/1: connect → createStream → publish(live), each after the previous reply; no media early. */
export const publishSequence: Check = {
  requirement: 'wire/publish/1',
  always: true,
  evaluate(trace) {
    const rtt = linkDelayFloorMs(trace, 'uplink') + linkDelayFloorMs(trace, 'downlink');
    const down = linkDelayFloorMs(trace, 'downlink');
    return overConnections(
      trace,
      (c) => c.commands.length > 0 || c.data.length > 0 || c.firstMedia !== undefined,
      (c) => {
        const cmds = c.commands;
        const ev = (...more: (TraceRecord | undefined)[]) =>
          excerpt([...cmds.slice(0, 8), ...more, c.publishStart]);
        const first = cmds[0];
        if (!first || str(first, 'name') !== 'connect' || num(first, 'txn') !== 1) {
          return fail(
            `connection ${c.conn}: the first command is ${first ? `${str(first, 'name')} (transaction ${num(first, 'txn')})` : 'missing'}, expected connect (transaction 1)`,
            { expected: 'connect, transaction 1', actual: first ? show(first) : 'none', evidence: ev() },
          );
        }
        const create = named(cmds, 'createStream')[0];
        const publish = named(cmds, 'publish')[0];
        if (publish && (!create || cmds.indexOf(create) > cmds.indexOf(publish))) {
          return fail(`connection ${c.conn}: publish was sent before createStream`, {
            expected: 'connect → createStream → publish',
            actual: cmds.map((r) => str(r, 'name')).join(' → '),
            atMs: ms(publish),
            evidence: ev(),
          });
        }
        if (create && ms(create) - ms(first) < rtt - SLACK_MS) {
          return fail(
            `connection ${c.conn}: createStream left ${round(ms(create) - ms(first))} ms after connect, before connect's _result could have arrived (round trip >= ${rtt} ms)`,
            {
              expected: `createStream >= ${rtt} ms after connect`,
              actual: `${round(ms(create) - ms(first))} ms`,
              atMs: ms(create),
              evidence: ev(),
            },
          );
        }
        if (publish && create && ms(publish) - ms(create) < rtt - SLACK_MS) {
          return fail(
            `connection ${c.conn}: publish left ${round(ms(publish) - ms(create))} ms after createStream, before its _result (the stream ID) could have arrived (round trip >= ${rtt} ms)`,
            {
              expected: `publish >= ${rtt} ms after createStream`,
              actual: `${round(ms(publish) - ms(create))} ms`,
              atMs: ms(publish),
              evidence: ev(),
            },
          );
        }
        if (publish && args(publish)[2] !== 'live') {
          return fail(
            `connection ${c.conn}: publish's publishing type is ${JSON.stringify(args(publish)[2] ?? null)}, expected "live"`,
            {
              expected: 'live',
              actual: JSON.stringify(args(publish)[2] ?? null),
              atMs: ms(publish),
              evidence: ev(),
            },
          );
        }
        // Nothing but commands until NetStream.Publish.Start can have arrived.
        const metadata = c.data[0];
        const early = [metadata, c.firstMedia]
          .filter((r): r is TraceRecord => r !== undefined)
          .sort((a, b) => a.seq - b.seq)[0];
        if (early) {
          const what = early.kind === 'wire.data' ? `data message ${str(early, 'name')}` : 'a media message';
          if (!c.publishStart) {
            return fail(`connection ${c.conn}: ${what} was sent but the server never started the publish`, {
              expected: 'no media or @setDataFrame before NetStream.Publish.Start',
              actual: `${what} at ${ms(early)} ms`,
              atMs: ms(early),
              evidence: ev(early),
            });
          }
          const earliest = publishStartReachableMs(trace, c, down);
          if (ms(early) < earliest - SLACK_MS || (publish && early.seq < publish.seq)) {
            return fail(
              `connection ${c.conn}: ${what} at ${ms(early)} ms, before NetStream.Publish.Start could have arrived (${round(earliest)} ms)`,
              {
                expected: `>= ${round(earliest)} ms`,
                actual: `${ms(early)} ms`,
                atMs: ms(early),
                evidence: ev(early),
              },
            );
          }
        }
        return pass('');
      },
      'no RTMP command was sent',
      (n) =>
        `${n} connection(s): connect → createStream → publish(live), each after its reply (round trip >= ${rtt} ms), no media before Publish.Start (media types and stream IDs are not recorded by the tap)`,
    );
  },
};

/** wire/publish/2 (SHOULD): releaseStream then FCPublish with the publishing name, between connect's reply and createStream. */
export const fmlePublishCommands: Check = {
  requirement: 'wire/publish/2',
  always: true,
  evaluate(trace) {
    const rtt = linkDelayFloorMs(trace, 'uplink') + linkDelayFloorMs(trace, 'downlink');
    return overConnections(
      trace,
      (c) => named(c.commands, 'createStream').length > 0,
      (c) => {
        const cmds = c.commands;
        const connect = named(cmds, 'connect')[0];
        const create = named(cmds, 'createStream')[0];
        const publish = named(cmds, 'publish')[0];
        const expectedName =
          (publish ? args(publish)[1] : undefined) ??
          pushUrlParts(urlAt(trace, c.openedMs) ?? '')?.publishName;
        const between = cmds.slice(connect ? cmds.indexOf(connect) + 1 : 0, cmds.indexOf(create));
        const release = named(between, 'releaseStream')[0];
        const fc = named(between, 'FCPublish')[0];
        const order = cmds.map((r) => str(r, 'name')).join(' → ');
        if (!release || !fc || between.indexOf(release) > between.indexOf(fc)) {
          return fail(`connection ${c.conn}: no releaseStream → FCPublish before createStream (${order})`, {
            expected: 'connect → releaseStream → FCPublish → createStream',
            actual: order,
            atMs: ms(create),
            evidence: excerpt(cmds.slice(0, 8)),
          });
        }
        for (const r of [release, fc]) {
          if (args(r)[1] !== expectedName) {
            return fail(
              `connection ${c.conn}: ${str(r, 'name')} names ${JSON.stringify(args(r)[1] ?? null)}, expected ${JSON.stringify(expectedName ?? null)}`,
              {
                expected: String(expectedName),
                actual: String(args(r)[1]),
                atMs: ms(r),
                evidence: excerpt(cmds.slice(0, 8)),
              },
            );
          }
        }
        if (connect && ms(release) - ms(connect) < rtt - SLACK_MS) {
          return fail(
            `connection ${c.conn}: releaseStream left ${round(ms(release) - ms(connect))} ms after connect, before connect's _result could have arrived`,
            { atMs: ms(release), evidence: excerpt(cmds.slice(0, 8)) },
          );
        }
        return pass('');
      },
      'no connection reached createStream',
      (n) =>
        `${n} connection(s) sent releaseStream and FCPublish with the publishing name before createStream`,
    );
  },
};

/** wire/publish/3: connect's app and tcUrl, and the publishing name, are the URL's, query included. */
export const urlPassesThrough: Check = {
  requirement: 'wire/publish/3',
  always: true,
  evaluate(trace) {
    return overConnections(
      trace,
      (c) => c.commands.length > 0 && pushUrlParts(urlAt(trace, c.openedMs) ?? '') !== undefined,
      (c) => {
        const url = urlAt(trace, c.openedMs) ?? '';
        const p = pushUrlParts(url)!;
        const cmds = c.commands;
        const ev = () => excerpt(cmds.slice(0, 8));
        const connect = named(cmds, 'connect')[0];
        if (connect) {
          const obj = args(connect)[0];
          const o = obj && typeof obj === 'object' && !Array.isArray(obj) ? obj : {};
          if (o.app !== p.app) {
            return fail(
              `connection ${c.conn}: connect's app is ${JSON.stringify(o.app ?? null)}, expected "${p.app}" (${url})`,
              {
                expected: p.app,
                actual: String(o.app),
                atMs: ms(connect),
                evidence: ev(),
              },
            );
          }
          const accepted = tcUrlsFor(p);
          if (typeof o.tcUrl !== 'string' || !accepted.includes(o.tcUrl)) {
            return fail(
              `connection ${c.conn}: connect's tcUrl is ${JSON.stringify(o.tcUrl ?? null)}, expected ${accepted.map((u) => `"${u}"`).join(' or ')}`,
              { expected: accepted[0], actual: String(o.tcUrl), atMs: ms(connect), evidence: ev() },
            );
          }
        }
        for (const name of ['releaseStream', 'FCPublish', 'publish']) {
          for (const r of named(cmds, name)) {
            if (args(r)[1] !== p.publishName) {
              return fail(
                `connection ${c.conn}: ${name} names ${JSON.stringify(args(r)[1] ?? null)}, expected "${p.publishName}" exactly as written in ${url}`,
                { expected: p.publishName, actual: String(args(r)[1]), atMs: ms(r), evidence: ev() },
              );
            }
          }
        }
        return pass('');
      },
      'no command was sent for a well-formed push URL',
      (n) => `${n} connection(s): app, tcUrl and publishing name (with its query) as written in the URL`,
    );
  },
};

/**
 * The tcUrls we accept for a URL: `rtmp://authority/app`, with or without `?query` (the criterion's
 * "with ?query when present" is read as allowed, not required), and with the default port 1935 written
 * or left out.
 */
function tcUrlsFor(p: PushUrlParts): string[] {
  const authorities = new Set([p.authority]);
  if (/:1935$/.test(p.authority)) authorities.add(p.authority.slice(0, -5));
  else if (!/:\d+$/.test(p.authority)) authorities.add(`${p.authority}:1935`);
  const out: string[] = [];
  for (const a of authorities) {
    out.push(`rtmp://${a}/${p.app}`);
    if (p.query !== '') out.push(`rtmp://${a}/${p.app}?${p.query}`);
  }
  return out;
}

/** wire/publish/4: one `@setDataFrame onMetaData` after Publish.Start and before the first media message. */
export const metadataBeforeMedia: Check = {
  requirement: 'wire/publish/4',
  always: true,
  evaluate(trace) {
    const down = linkDelayFloorMs(trace, 'downlink');
    return overConnections(
      trace,
      (c) => c.publishStart !== undefined && (c.firstMedia !== undefined || c.data.length > 0),
      (c) => {
        const before = c.data.filter((r) => !c.firstMedia || r.seq < c.firstMedia.seq);
        const meta = before.filter((r) => {
          const a = args(r);
          return (
            str(r, 'name') === '@setDataFrame' &&
            a[0] === 'onMetaData' &&
            a[1] !== null &&
            typeof a[1] === 'object'
          );
        });
        const ev = excerpt([c.publishStart, ...c.data.slice(0, 3), c.firstMedia]);
        if (meta.length === 0) {
          return fail(
            `connection ${c.conn}: no @setDataFrame onMetaData before the first media message${c.firstMedia ? ` (${ms(c.firstMedia)} ms)` : ''}`,
            {
              expected: '@setDataFrame("onMetaData", {...}) after Publish.Start, before media',
              actual: before.length > 0 ? before.map((r) => str(r, 'name')).join(', ') : 'none',
              atMs: c.firstMedia ? ms(c.firstMedia) : ms(c.publishStart!),
              evidence: ev,
            },
          );
        }
        const earliest = publishStartReachableMs(trace, c, down);
        if (ms(meta[0]) < earliest - SLACK_MS) {
          return fail(
            `connection ${c.conn}: onMetaData at ${ms(meta[0])} ms, before NetStream.Publish.Start could have arrived (${round(earliest)} ms)`,
            { atMs: ms(meta[0]), evidence: ev },
          );
        }
        return pass('');
      },
      'no connection published',
      (n) =>
        `${n} connection(s): @setDataFrame onMetaData after Publish.Start, before the first media message`,
    );
  },
};

// ---------------------------------------------------------------------------------------------------
// Teardown
// ---------------------------------------------------------------------------------------------------

/** wire/teardown/1: stop() while publishing → FCUnpublish, deleteStream, then FIN, all within E. */
export const stopUnpublishes: Check = {
  requirement: 'wire/teardown/1',
  always: true,
  evaluate(trace) {
    const stops = ofKind(trace, 'pusher.op').filter(
      (r) => str(r, 'op') === 'stop' && str(r, 'phase') === 'call',
    );
    const conns = rtmpConnections(trace);
    const judged: string[] = [];
    const unjudged: string[] = [];
    for (const stop of stops) {
      const t = ms(stop);
      const c = conns.find(
        (x) => x.publishStart !== undefined && ms(x.publishStart) <= t && (!x.close || ms(x.close) >= t),
      );
      if (!c) continue;
      // A second stop() while the first one's teardown is still under way has nothing to unpublish.
      if (stops.some((x) => x.seq < stop.seq && x.seq > (c.publishStart?.seq ?? 0))) continue;
      const after = c.commands.filter((r) => ms(r) >= t - SLACK_MS);
      const unpublish = named(after, 'FCUnpublish')[0];
      const del = named(after, 'deleteStream')[0];
      const name = args(named(c.commands, 'publish')[0])[1];
      const fin = ofKind(trace, 'net.fin').find(
        (r) => str(r, 'link') === 'uplink' && num(r, 'conn') === c.netConn && ms(r) >= t - SLACK_MS,
      );
      const reset = ofKind(trace, 'net.reset').find(
        (r) => num(r, 'conn') === c.netConn && ms(r) >= t - SLACK_MS,
      );
      const ev = excerpt([stop, ...after, fin, reset, c.close]);
      const base = { atMs: t, evidence: ev };
      if (!unpublish || !del || unpublish.seq > del.seq) {
        return fail(
          `stop() at ${t} ms: connection ${c.conn} got ${after.map((r) => str(r, 'name')).join(' → ') || 'no command'}, expected FCUnpublish → deleteStream`,
          {
            ...base,
            expected: 'FCUnpublish → deleteStream',
            actual: after.map((r) => str(r, 'name')).join(' → '),
          },
        );
      }
      if (args(unpublish)[1] !== name) {
        return fail(
          `stop() at ${t} ms: FCUnpublish names ${JSON.stringify(args(unpublish)[1] ?? null)}, expected the publishing name ${JSON.stringify(name ?? null)}`,
          base,
        );
      }
      if (typeof args(del)[1] !== 'number') {
        return fail(
          `stop() at ${t} ms: deleteStream carries ${JSON.stringify(args(del)[1] ?? null)}, expected the stream ID`,
          base,
        );
      }
      const late = [unpublish, del].find((r) => ms(r) > t + E_MS);
      if (late) {
        return fail(
          `stop() at ${t} ms: ${str(late, 'name')} only at ${ms(late)} ms (deadline ${t + E_MS} ms)`,
          base,
        );
      }
      // The close is judged at the pusher (its FIN as it left, its socket closing), not at the FIN's
      // arrival through a congested link; a reset is always the network's (the simulated and the live
      // networks record only injected resets), after which the pusher's close cannot be seen.
      const closed =
        c.netConn === undefined
          ? ({ status: 'unknown', why: 'the network connection is unknown', evidence: [] } as const)
          : pusherCloseBy(trace, c.netConn, stop.seq, t + E_MS, c.close);
      if (closed.status === 'late' || closed.status === 'open') {
        return fail(
          `stop() at ${t} ms: connection ${c.conn} ${closed.status === 'late' ? `closed only at ${round(closed.fromMs)} ms at the earliest: ${closed.how}` : 'was not closed by the pusher'} (deadline ${t + E_MS} ms)`,
          { ...base, evidence: excerpt([stop, ...after, fin, reset, c.close, ...closed.evidence]) },
        );
      }
      if (fin && fin.seq < del.seq) {
        return fail(`stop() at ${t} ms: the connection was closed before deleteStream was written`, base);
      }
      if (closed.status === 'unknown') {
        unjudged.push(`stop() at ${t} ms: ${closed.why}`);
        continue;
      }
      judged.push(`${t} ms`);
    }
    if (unjudged.length > 0)
      return indeterminate(
        `FCUnpublish → deleteStream written in time${judged.length ? `, closed at ${judged.join(', ')}` : ''}; the close not judged: ${unjudged.join('; ')}`,
      );
    if (judged.length === 0) return notApplicable('no stop() while publishing');
    return pass(
      `stop() at ${judged.join(', ')}: FCUnpublish → deleteStream → FIN within ${E_MS} ms (media after FCUnpublish is not recorded by the tap)`,
      { numbers: { stops: judged.length } },
    );
  },
};

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

export const WIRE_CHECKS: readonly Check[] = [
  handshakeStartsWithVersion3,
  c1ZeroField,
  noC2BeforeS1,
  nothingBeforeS2,
  c2EchoesS1,
  chunkStreamWellFormed,
  publishSequence,
  fmlePublishCommands,
  urlPassesThrough,
  metadataBeforeMedia,
  stopUnpublishes,
];
