/**
 * Reassembles RTMP messages from a chunk stream (RTMP 1.0 spec 5.3) that arrives in arbitrary slices.
 * Reads all four chunk header types, 1/2/3-byte basic headers, extended timestamps (also repeated on
 * type 3 continuation chunks, spec 5.3.1.3), interleaved chunk streams, and applies the two messages
 * that act on the chunk layer itself as soon as they complete: Set Chunk Size (5.4.1) and Abort (5.4.2).
 *
 * Guarantee: `push` throws nothing but `RtmpError`. After it throws, the reader is spent and every
 * later `push` throws the same error.
 */

import { validateChunkSize } from './chunk-writer.js';
import { concatBytes, readU24, readU32 } from './internal/byte-writer.js';
import { RtmpError } from './rtmp-error.js';
import {
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  MAX_CHUNK_SIZE,
  MessageType,
  type RtmpMessage,
} from './rtmp-message.js';

/** Default cap on one message's length: larger claims are refused before any byte is buffered. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;

/** Options for `ChunkReader`. */
export interface ChunkReaderOptions {
  /** Incoming chunk size until the peer sends Set Chunk Size; default 128. */
  chunkSize?: number;
  /** Messages longer than this fail with 'MESSAGE_TOO_LARGE'; default 16 MiB. */
  maxMessageLength?: number;
  /** Largest Set Chunk Size accepted from the peer; default 0x7FFFFFFF (spec 5.4.1). */
  maxChunkSize?: number;
}

interface StreamState {
  timestamp: number;
  /** Timestamp delta a following type 3 header for a new message applies. */
  delta: number;
  length: number;
  typeId: number;
  messageStreamId: number;
  /** The last type 0/1/2 header carried an extended timestamp, so type 3 chunks carry one too. */
  extended: boolean;
  /** Payload pieces of the message in progress, or null between messages. */
  parts: Uint8Array[] | null;
  received: number;
}

interface ParsedHeader {
  size: number;
  fmt: number;
  chunkStreamId: number;
  timestampField: number;
  length: number;
  typeId: number;
  messageStreamId: number;
  extendedValue: number | undefined;
}

/** Longest chunk header: 3-byte basic header + 11-byte type 0 header + 4-byte extended timestamp. */
const MAX_HEADER_SIZE = 18;
const MESSAGE_HEADER_SIZE = [11, 7, 3, 0] as const;

/** Incremental chunk stream decoder for one direction of one connection. */
export class ChunkReader {
  private size: number;
  private readonly maxMessageLength: number;
  private readonly maxChunkSize: number;
  private readonly streams = new Map<number, StreamState>();
  /** Header bytes of an incomplete chunk header, carried to the next `push`. */
  private leftover: Uint8Array = new Uint8Array(0);
  /** The chunk whose payload is being read, and how many payload bytes it still has. */
  private current: { chunkStreamId: number; state: StreamState; remaining: number } | null = null;
  private failure: RtmpError | null = null;

  constructor(
    private readonly onMessage: (message: RtmpMessage) => void,
    options: ChunkReaderOptions = {},
  ) {
    this.maxChunkSize = options.maxChunkSize ?? MAX_CHUNK_SIZE;
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    validateChunkSize(size, 'create the chunk reader', this.maxChunkSize);
    this.size = size;
  }

  /** Current incoming chunk size in bytes. */
  get chunkSize(): number {
    return this.size;
  }

  /** Consumes received bytes, calling `onMessage` for every message they complete, in order. */
  push(bytes: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    try {
      this.consume(bytes);
    } catch (error) {
      this.failure =
        error instanceof RtmpError
          ? error
          : new RtmpError(
              'PROTOCOL',
              `Failed to read the chunk stream: unexpected ${error instanceof Error ? error.name : typeof error}`,
              { detail: error instanceof Error ? error.message : String(error) },
              error,
            );
      throw this.failure;
    }
  }

  private consume(bytes: Uint8Array): void {
    let pos = 0;
    if (this.leftover.length > 0) {
      const head = concatBytes([this.leftover, bytes.subarray(0, MAX_HEADER_SIZE)]);
      const header = this.parseHeader(head, 0);
      if (header === null) {
        this.leftover = head;
        return;
      }
      pos = header.size - this.leftover.length;
      this.leftover = new Uint8Array(0);
      this.applyHeader(header);
    }
    for (;;) {
      if (this.current !== null) {
        const take = Math.min(this.current.remaining, bytes.length - pos);
        if (take === 0 && this.current.remaining > 0) return;
        const { state } = this.current;
        if (take > 0) {
          state.parts!.push(bytes.slice(pos, pos + take));
          state.received += take;
          this.current.remaining -= take;
          pos += take;
        }
        if (this.current.remaining > 0) return;
        const chunkStreamId = this.current.chunkStreamId;
        this.current = null;
        if (state.received === state.length) this.complete(chunkStreamId, state);
        continue;
      }
      if (pos >= bytes.length) return;
      const header = this.parseHeader(bytes, pos);
      if (header === null) {
        this.leftover = bytes.slice(pos);
        return;
      }
      pos += header.size;
      this.applyHeader(header);
    }
  }

  /** Parses one chunk header at `at`, or returns null when more bytes are needed. */
  private parseHeader(bytes: Uint8Array, at: number): ParsedHeader | null {
    const available = bytes.length - at;
    if (available < 1) return null;
    const first = bytes[at]!;
    const fmt = first >>> 6;
    const low = first & 0x3f;
    // Spec 5.3.1.1: 0 escapes to a 2-byte form, 1 to a 3-byte form.
    const basic = low === 0 ? 2 : low === 1 ? 3 : 1;
    const messageHeader = MESSAGE_HEADER_SIZE[fmt as 0 | 1 | 2 | 3];
    if (available < basic + messageHeader) return null;
    let chunkStreamId = low;
    if (low === 0) chunkStreamId = 64 + bytes[at + 1]!;
    else if (low === 1) chunkStreamId = 64 + bytes[at + 1]! + bytes[at + 2]! * 256;

    let p = at + basic;
    let timestampField = 0;
    let length = 0;
    let typeId = 0;
    let messageStreamId = 0;
    if (fmt <= 2) {
      timestampField = readU24(bytes, p);
      p += 3;
    }
    if (fmt <= 1) {
      length = readU24(bytes, p);
      typeId = bytes[p + 3]!;
      p += 4;
    }
    if (fmt === 0) {
      // Little-endian, spec 5.3.1.2.1.
      messageStreamId =
        (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> 0;
      p += 4;
    }
    let hasExtended: boolean;
    if (fmt <= 2) {
      hasExtended = timestampField === EXTENDED_TIMESTAMP_MARKER;
    } else {
      const state = this.streams.get(chunkStreamId);
      if (state === undefined) this.noPreviousHeader(fmt, chunkStreamId);
      hasExtended = state.extended;
    }
    let extendedValue: number | undefined;
    if (hasExtended) {
      if (bytes.length - p < 4) return null;
      extendedValue = readU32(bytes, p);
      p += 4;
    }
    return {
      size: p - at,
      fmt,
      chunkStreamId,
      timestampField,
      length,
      typeId,
      messageStreamId,
      extendedValue,
    };
  }

  private noPreviousHeader(fmt: number, chunkStreamId: number): never {
    throw new RtmpError(
      'PROTOCOL',
      `Failed to read a chunk on chunk stream ${chunkStreamId}: a type ${fmt} header needs an earlier type 0 header on that chunk stream`,
      { chunkStreamId, fmt },
    );
  }

  private applyHeader(header: ParsedHeader): void {
    const { fmt, chunkStreamId } = header;
    let state = this.streams.get(chunkStreamId);
    if (fmt !== 0 && state === undefined) this.noPreviousHeader(fmt, chunkStreamId);

    if (fmt === 3 && state!.parts !== null) {
      // Continuation chunk of the message in progress (its repeated extended timestamp is ignored).
      this.beginChunk(chunkStreamId, state!);
      return;
    }
    if (state?.parts != null) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to read a chunk on chunk stream ${chunkStreamId}: a type ${fmt} header arrived while a ${state.length}-byte message had ${state.length - state.received} bytes left`,
        { chunkStreamId, fmt, length: state.length, received: state.received },
      );
    }
    const field = header.extendedValue ?? header.timestampField;
    if (fmt === 0) {
      state = {
        timestamp: field,
        // Spec 5.3.1.2.4: a type 3 header after a type 0 one reuses its timestamp field as the delta.
        delta: field,
        length: header.length,
        typeId: header.typeId,
        messageStreamId: header.messageStreamId,
        extended: header.extendedValue !== undefined,
        parts: null,
        received: 0,
      };
      this.streams.set(chunkStreamId, state);
    } else {
      const s = state!;
      if (fmt === 3) {
        if (header.extendedValue !== undefined) s.delta = header.extendedValue;
      } else {
        s.delta = field;
        s.extended = header.extendedValue !== undefined;
      }
      if (fmt === 1) {
        s.length = header.length;
        s.typeId = header.typeId;
      }
      s.timestamp = (s.timestamp + s.delta) % 2 ** 32;
      state = s;
    }
    if (state.length > this.maxMessageLength) {
      throw new RtmpError(
        'MESSAGE_TOO_LARGE',
        `Failed to read a message on chunk stream ${chunkStreamId}: its length ${state.length} exceeds the ${this.maxMessageLength}-byte limit`,
        { chunkStreamId, length: state.length, maximum: this.maxMessageLength, typeId: state.typeId },
      );
    }
    state.parts = [];
    state.received = 0;
    if (state.length === 0) {
      this.complete(chunkStreamId, state);
      return;
    }
    this.beginChunk(chunkStreamId, state);
  }

  private beginChunk(chunkStreamId: number, state: StreamState): void {
    this.current = { chunkStreamId, state, remaining: Math.min(this.size, state.length - state.received) };
  }

  private complete(chunkStreamId: number, state: StreamState): void {
    const payload = state.parts!.length === 1 ? state.parts![0]! : concatBytes(state.parts!);
    state.parts = null;
    state.received = 0;
    const message: RtmpMessage = {
      chunkStreamId,
      typeId: state.typeId,
      messageStreamId: state.messageStreamId,
      timestamp: state.timestamp,
      payload,
    };
    if (message.typeId === MessageType.setChunkSize) this.applySetChunkSize(payload);
    else if (message.typeId === MessageType.abort) this.applyAbort(payload);
    this.onMessage(message);
  }

  private applySetChunkSize(payload: Uint8Array): void {
    if (payload.length < 4) {
      throw new RtmpError(
        'CHUNK_SIZE',
        `Failed to apply Set Chunk Size: the payload has ${payload.length} bytes, expected 4`,
        { payloadLength: payload.length },
      );
    }
    // Spec 5.4.1: the top bit must be zero, so a set top bit reads as a negative size and is refused.
    const size = readU32(payload, 0);
    validateChunkSize(size, 'apply the Set Chunk Size from the server', this.maxChunkSize);
    this.size = size;
  }

  private applyAbort(payload: Uint8Array): void {
    if (payload.length < 4) {
      throw new RtmpError(
        'PROTOCOL',
        `Failed to apply Abort: the payload has ${payload.length} bytes, expected 4`,
        {
          payloadLength: payload.length,
        },
      );
    }
    const target = this.streams.get(readU32(payload, 0));
    if (target !== undefined) {
      target.parts = null;
      target.received = 0;
    }
  }
}
