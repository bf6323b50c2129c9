import type { TraceRecorder, TraceValue } from '../sim/index.js';
import { type Amf0Value, decodeAmf0All } from './internal/amf0-decoder.js';

const HANDSHAKE_PACKET = 1536;
const C0C1 = 1 + HANDSHAKE_PACKET;
const HANDSHAKE_TOTAL = C0C1 + HANDSHAKE_PACKET;
const TYPE_SET_CHUNK_SIZE = 1;
const TYPE_AUDIO = 8;
const TYPE_VIDEO = 9;
const TYPE_DATA_AMF0 = 18;
const TYPE_COMMAND_AMF0 = 20;
const MAX_MESSAGE = 16 * 1024 * 1024;
const EMPTY = new Uint8Array(0);
const isMedia = (typeId: number) => typeId === TYPE_AUDIO || typeId === TYPE_VIDEO;

interface ChunkStreamState {
  timestamp: number;
  length: number;
  typeId: number;
  streamId: number;
  delta: number;
  extended: boolean;
  /** A message is being reassembled on this chunk stream. */
  inMessage: boolean;
  /** Its payload so far; media payloads are not kept (only their type and timestamp are recorded). */
  buffer: Uint8Array | undefined;
  received: number;
}

/**
 * Watches one pusher connection from the pusher's side of the link (every byte the pusher writes, every
 * byte it receives) with its own RTMP parser, independent of the pusher's code and of the server's, and
 * records what the `wire/*` oracles judge: handshake layout and ordering, commands in order, the first
 * media message, timestamp regressions, and a summary at close.
 *
 * Records: `wire.connection`, `wire.handshake` ({event: 'c0c1'|'c2-sent'|'s0s1-received'|'s2-received', ...}),
 * `wire.violation` ({rule, detail}), `wire.command` ({name, txn, args}), `wire.data` ({name}),
 * `wire.firstMedia` ({type, ts}), `wire.tsRegression` ({type, from, to}), `wire.close` ({counts...}).
 */
export class RtmpWireTap {
  readonly #trace: TraceRecorder;
  readonly #conn: number;
  #up = 0; // bytes written by the pusher
  #down = 0; // bytes received by the pusher
  #upBuffered: Uint8Array[] = [];
  // The handshake bytes of both directions (first 3073), to tell whether C2 echoes S1.
  #upHandshake: Uint8Array[] = [];
  #downHandshake: Uint8Array[] = [];
  #echoChecked = false;
  #upPending = new Uint8Array(0);
  #chunkSize = 128;
  #streams = new Map<number, ChunkStreamState>();
  #parseFailed = false;
  #firstMedia = false;
  #lastTs = { audio: -1, video: -1 };
  #counts = { audio: 0, video: 0, commands: 0, data: 0, bytesUp: 0, bytesDown: 0 };
  #closed = false;

  constructor(trace: TraceRecorder, connectionId: number) {
    this.#trace = trace;
    this.#conn = connectionId;
    trace.record('wire.connection', { conn: connectionId });
  }

  /** Bytes the pusher wrote, in order. */
  onPusherWrite(chunk: Uint8Array): void {
    if (this.#closed || chunk.byteLength === 0) return;
    const before = this.#up;
    this.#up += chunk.byteLength;
    if (before < HANDSHAKE_TOTAL) this.#upHandshake.push(chunk.subarray(0, HANDSHAKE_TOTAL - before));
    if (before < C0C1) {
      if (before === 0) this.#checkC0C1Start(chunk);
      this.#upBuffered.push(chunk);
      if (this.#up >= C0C1 && before < C0C1) this.#checkC0C1(Buffer.concat(this.#upBuffered));
    }
    if (this.#up > C0C1 && before < C0C1 + HANDSHAKE_PACKET) {
      // Bytes past C0+C1 are C2 (and then chunks): the pusher must have received S0+S1 first.
      if (this.#down < C0C1)
        this.#violation('c2-before-s1', `sent byte ${C0C1 + 1} with only ${this.#down} of S0+S1 received`);
      if (before <= C0C1) this.#hs('c2-sent', { receivedDown: this.#down });
    }
    if (!this.#echoChecked && this.#up >= HANDSHAKE_TOTAL && this.#down >= C0C1) this.#checkEcho();
    if (this.#up > C0C1 + HANDSHAKE_PACKET) {
      if (this.#down < C0C1 + HANDSHAKE_PACKET) {
        this.#violation('data-before-s2', `sent chunk data with only ${this.#down} of S0+S1+S2 received`);
      }
      const start = Math.max(0, C0C1 + HANDSHAKE_PACKET - before);
      this.#parse(chunk.subarray(start));
    }
  }

  /** Bytes the pusher received, in order. */
  onPusherReceive(chunk: Uint8Array): void {
    if (this.#closed) return;
    const before = this.#down;
    this.#down += chunk.byteLength;
    if (before < HANDSHAKE_TOTAL) this.#downHandshake.push(chunk.subarray(0, HANDSHAKE_TOTAL - before));
    if (before < C0C1 && this.#down >= C0C1) this.#hs('s0s1-received', { sentUp: this.#up });
    if (before < C0C1 + HANDSHAKE_PACKET && this.#down >= C0C1 + HANDSHAKE_PACKET)
      this.#hs('s2-received', { sentUp: this.#up });
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#counts.bytesUp = this.#up;
    this.#counts.bytesDown = this.#down;
    this.#trace.record('wire.close', { conn: this.#conn, reason, ...this.#counts });
  }

  /** C2 echoes S1 (RTMP 1.0 §5.2.4): its time (bytes 0..3) and random field (8..1535); 4..7 is time2. */
  #checkEcho(): void {
    this.#echoChecked = true;
    const up = Buffer.concat(this.#upHandshake);
    const down = Buffer.concat(this.#downHandshake);
    const c2 = up.subarray(C0C1, HANDSHAKE_TOTAL);
    const s1 = down.subarray(1, C0C1);
    const echoes = c2.subarray(0, 4).equals(s1.subarray(0, 4)) && c2.subarray(8).equals(s1.subarray(8));
    this.#hs('c2-echo', { echoesS1: echoes });
    this.#upHandshake = [];
    this.#downHandshake = [];
  }

  #checkC0C1Start(chunk: Uint8Array): void {
    if (chunk[0] !== 3) this.#violation('c0-version', `C0 is ${chunk[0]} (expected 3)`);
  }

  #checkC0C1(bytes: Uint8Array): void {
    const zero = bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0 && bytes[8] === 0;
    this.#hs('c0c1', { version: bytes[0], zeroField: zero });
    if (!zero) this.#violation('c1-zero', 'C1 bytes 4..7 are not zero');
  }

  #hs(event: string, data: Record<string, TraceValue>): void {
    this.#trace.record('wire.handshake', { conn: this.#conn, event, ...data });
  }

  #violation(rule: string, detail: string): void {
    this.#trace.record('wire.violation', { conn: this.#conn, rule, detail });
  }

  // ---- chunk stream parsing (RTMP 1.0 §5.3) -------------------------------------------------------
  #parse(bytes: Uint8Array): void {
    if (this.#parseFailed) return;
    const data = this.#upPending.byteLength === 0 ? bytes : Buffer.concat([this.#upPending, bytes]);
    let p = 0;
    while (p < data.byteLength) {
      const consumed = this.#chunk(data, p);
      if (consumed === 0) break;
      if (consumed < 0) {
        this.#parseFailed = true;
        this.#violation('chunk-parse', `unparseable chunk at byte ${this.#up - data.byteLength + p}`);
        return;
      }
      p += consumed;
    }
    this.#upPending = p < data.byteLength ? data.slice(p) : new Uint8Array(0);
  }

  /** Parses one chunk at `p`; returns bytes consumed, 0 when more bytes are needed, -1 on garbage. */
  #chunk(d: Uint8Array, start: number): number {
    let p = start;
    const avail = d.byteLength - start;
    if (avail < 1) return 0;
    const fmt = d[p] >> 6;
    let csid = d[p] & 0x3f;
    p++;
    if (csid === 0) {
      if (avail < 2) return 0;
      csid = 64 + d[p++];
    } else if (csid === 1) {
      if (avail < 3) return 0;
      csid = 64 + d[p] + d[p + 1] * 256;
      p += 2;
    }
    const headerLen = [11, 7, 3, 0][fmt];
    if (d.byteLength - p < headerLen) return 0;
    let st = this.#streams.get(csid);
    if (!st) {
      if (fmt !== 0) return -1;
      st = {
        timestamp: 0,
        length: 0,
        typeId: 0,
        streamId: 0,
        delta: 0,
        extended: false,
        inMessage: false,
        buffer: undefined,
        received: 0,
      };
    }
    const next = { ...st };
    let tsField = 0;
    if (fmt <= 2) tsField = (d[p] << 16) | (d[p + 1] << 8) | d[p + 2];
    if (fmt <= 1) {
      next.length = (d[p + 3] << 16) | (d[p + 4] << 8) | d[p + 5];
      next.typeId = d[p + 6];
    }
    if (fmt === 0) next.streamId = d[p + 7] | (d[p + 8] << 8) | (d[p + 9] << 16) | (d[p + 10] * 16777216);
    p += headerLen;
    const extended = fmt <= 2 ? tsField === 0xffffff : st.extended;
    if (extended) {
      if (d.byteLength - p < 4) return 0;
      const ext = ((d[p] << 24) >>> 0) + (d[p + 1] << 16) + (d[p + 2] << 8) + d[p + 3];
      p += 4;
      tsField = ext;
    }
    next.extended = extended;
    const newMessage = !st.inMessage;
    if (fmt === 0) {
      next.timestamp = tsField;
      next.delta = 0;
    } else if (fmt === 1 || fmt === 2) {
      next.delta = tsField;
      next.timestamp = st.timestamp + tsField;
    } else if (newMessage) {
      next.timestamp = st.timestamp + st.delta;
    }
    if (next.length > MAX_MESSAGE) return -1;
    const need = Math.min(this.#chunkSize, next.length - (newMessage ? 0 : st.received));
    if (d.byteLength - p < need) return 0;
    if (newMessage) {
      next.inMessage = true;
      next.buffer = isMedia(next.typeId) ? undefined : new Uint8Array(next.length);
      next.received = 0;
    }
    next.buffer?.set(d.subarray(p, p + need), next.received);
    next.received += need;
    p += need;
    if (next.received >= next.length) {
      this.#message(next.typeId, next.timestamp, next.buffer ?? EMPTY);
      next.inMessage = false;
      next.buffer = undefined;
      next.received = 0;
    }
    this.#streams.set(csid, next);
    return p - start;
  }

  #message(typeId: number, timestamp: number, payload: Uint8Array): void {
    switch (typeId) {
      case TYPE_SET_CHUNK_SIZE: {
        const size = ((payload[0] & 0x7f) << 24) | (payload[1] << 16) | (payload[2] << 8) | payload[3];
        if (size >= 1) this.#chunkSize = size;
        this.#trace.record('wire.chunkSize', { conn: this.#conn, size });
        return;
      }
      case TYPE_AUDIO:
      case TYPE_VIDEO: {
        const type = typeId === TYPE_AUDIO ? 'audio' : 'video';
        this.#counts[type]++;
        if (!this.#firstMedia) {
          this.#firstMedia = true;
          this.#trace.record('wire.firstMedia', { conn: this.#conn, type, ts: timestamp });
        }
        const last = this.#lastTs[type];
        if (timestamp < last)
          this.#trace.record('wire.tsRegression', { conn: this.#conn, type, from: last, to: timestamp });
        this.#lastTs[type] = timestamp;
        return;
      }
      case TYPE_COMMAND_AMF0:
      case TYPE_DATA_AMF0: {
        let values: Amf0Value[];
        try {
          values = decodeAmf0All(payload);
        } catch (e) {
          this.#violation(
            'amf0',
            `undecodable ${typeId === TYPE_COMMAND_AMF0 ? 'command' : 'data'} message: ${(e as Error).message}`,
          );
          return;
        }
        const name = typeof values[0] === 'string' ? values[0] : '';
        if (typeId === TYPE_COMMAND_AMF0) {
          this.#counts.commands++;
          const txn = typeof values[1] === 'number' ? values[1] : -1;
          this.#trace.record('wire.command', {
            conn: this.#conn,
            name,
            txn,
            args: summarise(values.slice(2)),
          });
        } else {
          this.#counts.data++;
          this.#trace.record('wire.data', {
            conn: this.#conn,
            name,
            args: summarise(values.slice(1)),
          });
        }
        return;
      }
      default:
        return;
    }
  }
}

/** Plain-JSON, bounded summary of AMF0 arguments (strings cut at 200 chars, depth 3). */
function summarise(values: Amf0Value[], depth = 0): TraceValue {
  return values.map((v) => summariseOne(v, depth));
}

function summariseOne(v: unknown, depth: number): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (depth >= 3) return '…';
  if (Array.isArray(v)) return v.slice(0, 32).map((x) => summariseOne(x, depth + 1));
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'object') {
    const source = v as Record<string, unknown>;
    const out: Record<string, TraceValue> = {};
    for (const k of Object.keys(source).slice(0, 32)) out[k] = summariseOne(source[k], depth + 1);
    return out;
  }
  return String(v);
}
