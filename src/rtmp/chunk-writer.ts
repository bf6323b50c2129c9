/**
 * Splits RTMP messages into chunks (RTMP 1.0 spec 5.3), compressing headers per chunk stream:
 * type 0 for the first message on a chunk stream (or a new message stream / a timestamp going back),
 * type 1 when only the length or type changed, type 2 when only the timestamp delta changed, and
 * type 3 when the new message repeats the previous delta, length, type and stream (spec 5.3.1.2).
 * Continuation chunks are type 3 and repeat the extended timestamp when the header had one (5.3.1.3).
 */

import { ByteSlab } from '../bytes/byte-slab.js';
import { RtmpError } from './rtmp-error.js';
import {
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  MAX_CHUNK_SIZE,
  MAX_CHUNK_STREAM_ID,
  MAX_MESSAGE_LENGTH_FIELD,
  MIN_CHUNK_STREAM_ID,
  type RtmpMessage,
} from './rtmp-message.js';

/** Chunk header type (the 2-bit `fmt` of the basic header). */
export type ChunkFormat = 0 | 1 | 2 | 3;

/** Options for `ChunkWriter`. */
export interface ChunkWriterOptions {
  /** Outgoing chunk size in bytes; default 128 (spec 5.4.1). Change it with `setChunkSize`. */
  chunkSize?: number;
}

interface PreviousHeader {
  messageStreamId: number;
  typeId: number;
  length: number;
  timestamp: number;
  /** The delta a following type 3 header would imply; undefined after a type 0 header. */
  delta: number | undefined;
}

const MESSAGE_HEADER_SIZE = [11, 7, 3, 0] as const;

/** Bytes of the basic header for a chunk stream ID (spec 5.3.1.1). */
export function basicHeaderSize(chunkStreamId: number): 1 | 2 | 3 {
  if (chunkStreamId < 64) return 1;
  if (chunkStreamId < 320) return 2;
  return 3;
}

/** Checks a chunk size against spec 5.4.1 (1..2^31-1); throws 'CHUNK_SIZE' naming the value. */
export function validateChunkSize(size: number, verb: string, maximum = MAX_CHUNK_SIZE): void {
  if (!Number.isInteger(size) || size < 1 || size > maximum) {
    throw new RtmpError('CHUNK_SIZE', `Failed to ${verb}: chunk size ${size} is outside 1..${maximum}`, {
      chunkSize: size,
      minimum: 1,
      maximum,
    });
  }
}

/** Stateful chunk encoder for one direction of one connection. */
export class ChunkWriter {
  private size: number;
  private readonly previous = new Map<number, PreviousHeader>();
  /** Where the chunked messages are built: one writer per connection, so one slab per connection. */
  readonly #slab = new ByteSlab();

  constructor(options: ChunkWriterOptions = {}) {
    const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    validateChunkSize(size, 'create the chunk writer');
    this.size = size;
  }

  /** Current outgoing chunk size in bytes. */
  get chunkSize(): number {
    return this.size;
  }

  /**
   * Uses `size` for every message written from now on. The caller must have sent the Set Chunk Size
   * message (written with the old size) first.
   */
  setChunkSize(size: number): void {
    validateChunkSize(size, 'set the outgoing chunk size');
    this.size = size;
  }

  /** Encodes one message as its chunks, all in one byte array. Throws 'PROTOCOL' / 'MESSAGE_TOO_LARGE'. */
  write(message: RtmpMessage): Uint8Array {
    const { chunkStreamId, messageStreamId, typeId, payload } = message;
    if (
      !Number.isInteger(chunkStreamId) ||
      chunkStreamId < MIN_CHUNK_STREAM_ID ||
      chunkStreamId > MAX_CHUNK_STREAM_ID
    ) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to write a chunk: chunk stream ID ${chunkStreamId} is outside ${MIN_CHUNK_STREAM_ID}..${MAX_CHUNK_STREAM_ID}`,
        { chunkStreamId },
      );
    }
    if (!Number.isInteger(typeId) || typeId < 0 || typeId > 0xff) {
      throw new RtmpError('PROTOCOL', `Failed to write a chunk: message type ${typeId} is outside 0..255`, {
        typeId,
      });
    }
    if (!Number.isInteger(messageStreamId) || messageStreamId < 0 || messageStreamId > 0xffffffff) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to write a chunk: message stream ID ${messageStreamId} is outside 0..4294967295`,
        { messageStreamId },
      );
    }
    if (!Number.isInteger(message.timestamp) || message.timestamp < 0) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to write a chunk: timestamp ${message.timestamp} is not a non-negative integer of milliseconds`,
        { timestamp: message.timestamp },
      );
    }
    if (payload.length > MAX_MESSAGE_LENGTH_FIELD) {
      throw new RtmpError(
        'MESSAGE_TOO_LARGE',
        `Failed to write a message: ${payload.length} bytes exceed the ${MAX_MESSAGE_LENGTH_FIELD}-byte limit of the length field`,
        { length: payload.length, maximum: MAX_MESSAGE_LENGTH_FIELD },
      );
    }
    // Spec 6.1.1: timestamps are 32 bits and wrap.
    const timestamp = message.timestamp % 2 ** 32;
    const length = payload.length;
    const { fmt, field } = this.choose(chunkStreamId, messageStreamId, typeId, length, timestamp);
    const extended = field >= EXTENDED_TIMESTAMP_MARKER;

    const basic = basicHeaderSize(chunkStreamId);
    const extraChunks = length === 0 ? 0 : Math.ceil(length / this.size) - 1;
    const firstHeader = basic + MESSAGE_HEADER_SIZE[fmt] + (extended ? 4 : 0);
    const continuationHeader = basic + (extended ? 4 : 0);
    const out = this.#slab.allocate(firstHeader + extraChunks * continuationHeader + length);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);

    let at = writeBasicHeader(out, 0, fmt, chunkStreamId);
    if (fmt <= 2) {
      const shown = extended ? EXTENDED_TIMESTAMP_MARKER : field;
      out[at] = (shown >>> 16) & 0xff;
      out[at + 1] = (shown >>> 8) & 0xff;
      out[at + 2] = shown & 0xff;
      at += 3;
    }
    if (fmt <= 1) {
      out[at] = (length >>> 16) & 0xff;
      out[at + 1] = (length >>> 8) & 0xff;
      out[at + 2] = length & 0xff;
      out[at + 3] = typeId;
      at += 4;
    }
    if (fmt === 0) {
      // Spec 5.3.1.2.1: the message stream ID is stored little-endian.
      view.setUint32(at, messageStreamId, true);
      at += 4;
    }
    if (extended) {
      view.setUint32(at, field);
      at += 4;
    }
    let sent = Math.min(this.size, length);
    out.set(payload.subarray(0, sent), at);
    at += sent;
    while (sent < length) {
      at = writeBasicHeader(out, at, 3, chunkStreamId);
      if (extended) {
        view.setUint32(at, field);
        at += 4;
      }
      const piece = Math.min(this.size, length - sent);
      out.set(payload.subarray(sent, sent + piece), at);
      at += piece;
      sent += piece;
    }

    this.previous.set(chunkStreamId, {
      messageStreamId,
      typeId,
      length,
      timestamp,
      delta: fmt === 0 ? undefined : field,
    });
    return out;
  }

  /** Forgets the header state of a chunk stream, so its next message uses a type 0 header. */
  forget(chunkStreamId: number): void {
    this.previous.delete(chunkStreamId);
  }

  private choose(
    chunkStreamId: number,
    messageStreamId: number,
    typeId: number,
    length: number,
    timestamp: number,
  ): { fmt: ChunkFormat; field: number } {
    const prev = this.previous.get(chunkStreamId);
    if (prev === undefined || prev.messageStreamId !== messageStreamId || timestamp < prev.timestamp) {
      return { fmt: 0, field: timestamp };
    }
    const delta = timestamp - prev.timestamp;
    if (prev.length !== length || prev.typeId !== typeId) return { fmt: 1, field: delta };
    // After a type 0 header readers disagree on what a type 3 delta means, so type 3 only follows 1 or 2.
    if (prev.delta === delta && delta < EXTENDED_TIMESTAMP_MARKER) return { fmt: 3, field: delta };
    return { fmt: 2, field: delta };
  }
}

function writeBasicHeader(out: Uint8Array, at: number, fmt: ChunkFormat, chunkStreamId: number): number {
  if (chunkStreamId < 64) {
    out[at] = (fmt << 6) | chunkStreamId;
    return at + 1;
  }
  if (chunkStreamId < 320) {
    out[at] = fmt << 6;
    out[at + 1] = chunkStreamId - 64;
    return at + 2;
  }
  // Spec 5.3.1.1: 3-byte form, ID = third byte * 256 + second byte + 64.
  out[at] = (fmt << 6) | 1;
  out[at + 1] = (chunkStreamId - 64) & 0xff;
  out[at + 2] = ((chunkStreamId - 64) >>> 8) & 0xff;
  return at + 3;
}
