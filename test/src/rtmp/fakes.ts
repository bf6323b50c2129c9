/**
 * Test-local fakes for the RTMP stack: a manual clock, seeded bytes, a synchronous fake socket and a
 * scripted server side. Used only by tests in this folder.
 */

import { EventEmitter } from 'node:events';
import { type Amf0Value, encodeAmf0 } from '../../../src/rtmp/amf0.js';
import { ChunkReader } from '../../../src/rtmp/chunk-reader.js';
import { ChunkWriter } from '../../../src/rtmp/chunk-writer.js';
import type { RtmpClock, RtmpSocket } from '../../../src/rtmp/environment.js';
import { MessageType, type RtmpMessage } from '../../../src/rtmp/rtmp-message.js';

/** A clock that only moves when told to. */
export class ManualClock implements RtmpClock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function seededBytes(seed = 1): (n: number) => Uint8Array {
  let state = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

/** A socket that records writes and lets the test emit server events synchronously. */
export class FakeSocket extends EventEmitter implements RtmpSocket {
  readonly writes: Uint8Array[] = [];
  ended = false;
  destroyed = false;
  noDelay: boolean | undefined;
  writableLength = 0;

  write(chunk: Uint8Array): boolean {
    this.writes.push(new Uint8Array(chunk));
    return true;
  }

  end(): this {
    this.ended = true;
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.noDelay = noDelay;
    return this;
  }

  /** All bytes written so far, concatenated. */
  written(): Uint8Array {
    return Buffer.concat(this.writes);
  }

  /** Delivers bytes from the server. */
  receive(bytes: Uint8Array): void {
    this.emit('data', Buffer.from(bytes));
  }
}

/** S0+S1+S2 of a simple-handshake server that echoes C1 as S2. */
export function serverHandshake(c1: Uint8Array, serverTime = 0x01020304): Uint8Array {
  const out = new Uint8Array(1 + 1536 * 2);
  out[0] = 3;
  const view = new DataView(out.buffer);
  view.setUint32(1, serverTime);
  out.set(seededBytes(99)(1528), 9);
  out.set(c1, 1537);
  return out;
}

/**
 * The server half of a scripted session: decodes what the client sends after the handshake and encodes
 * what the server answers.
 */
export class ScriptedServer {
  readonly writer = new ChunkWriter();
  readonly received: RtmpMessage[] = [];
  private readonly reader = new ChunkReader((message) => this.received.push(message), { chunkSize: 128 });
  private consumed = 0;

  constructor(private readonly socket: FakeSocket) {}

  /** Feeds the client's bytes written since the last call (after the 3073 handshake bytes) to the reader. */
  readClient(): RtmpMessage[] {
    const all = this.socket.written();
    const start = Math.max(this.consumed, 1 + 1536 * 2);
    if (all.length > start) this.reader.push(all.subarray(start));
    this.consumed = Math.max(all.length, start);
    return this.received;
  }

  /** Commands (type 20) the client sent, decoded lazily by the caller. */
  commands(): RtmpMessage[] {
    return this.readClient().filter((m) => m.typeId === MessageType.amf0Command);
  }

  /** Encodes a message; a Set Chunk Size also switches the server's writer, as a real server does. */
  message(message: RtmpMessage): Uint8Array {
    const bytes = this.writer.write(message);
    if (message.typeId === MessageType.setChunkSize) {
      this.writer.setChunkSize(Buffer.from(message.payload).readUInt32BE(0));
    }
    return bytes;
  }

  command(values: Amf0Value[], messageStreamId = 0): Uint8Array {
    return this.writer.write({
      chunkStreamId: 3,
      typeId: MessageType.amf0Command,
      messageStreamId,
      timestamp: 0,
      payload: encodeAmf0(values),
    });
  }
}
