/**
 * FLV file framing (FLV spec v10.1 E.2 header, E.3 body, E.4.1 tags): used to save captures and to build
 * test streams. Also the framing an HTTP-FLV server sends.
 */
import { RtmpError } from '../rtmp/rtmp-error.js';
import type { FlvTagType } from './flv-tag-type.js';

/** Bytes of the FLV header plus PreviousTagSize0. */
export const FLV_HEADER_BYTES = 9 + 4;
/** Bytes a tag adds around its body: the 11-byte tag header and the 4-byte PreviousTagSize after it. */
export const FLV_TAG_OVERHEAD_BYTES = 11 + 4;

/** Which streams the header announces (TypeFlagsAudio, TypeFlagsVideo). */
export interface FlvHeaderFlags {
  hasAudio: boolean;
  hasVideo: boolean;
}

/** 'FLV', version 1, type flags, DataOffset 9, then PreviousTagSize0 = 0. */
export function encodeFlvHeader(flags: FlvHeaderFlags): Uint8Array {
  const out = new Uint8Array(FLV_HEADER_BYTES);
  out.set([0x46, 0x4c, 0x56, 1, (flags.hasAudio ? 4 : 0) | (flags.hasVideo ? 1 : 0), 0, 0, 0, 9]);
  return out;
}

/**
 * One tag and the PreviousTagSize that follows it: TagType, DataSize (UI24), Timestamp (lower 24 bits),
 * TimestampExtended (upper 8 bits), StreamID 0, the body, then UI32 11 + DataSize.
 * `timestampMs` is an integer in 0..2^32−1 (relative to the first tag).
 */
export function encodeFlvTag(type: FlvTagType, timestampMs: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > 0xffffffff) {
    throw new RtmpError(
      'PROTOCOL',
      `Failed to encode FLV tag: timestampMs is ${timestampMs}, expected an integer in 0..4294967295`,
      { timestampMs },
    );
  }
  if (body.length > 0xffffff) {
    throw new RtmpError(
      'MESSAGE_TOO_LARGE',
      `Failed to encode FLV tag: body is ${body.length} bytes, expected at most 16777215`,
      { bodyLength: body.length },
    );
  }
  const out = new Uint8Array(FLV_TAG_OVERHEAD_BYTES + body.length);
  const view = new DataView(out.buffer);
  out[0] = type;
  out[1] = body.length >>> 16;
  out[2] = (body.length >>> 8) & 0xff;
  out[3] = body.length & 0xff;
  out[4] = (timestampMs >>> 16) & 0xff;
  out[5] = (timestampMs >>> 8) & 0xff;
  out[6] = timestampMs & 0xff;
  out[7] = (timestampMs >>> 24) & 0xff; // TimestampExtended
  // StreamID (bytes 8..10) is always 0.
  out.set(body, 11);
  view.setUint32(11 + body.length, 11 + body.length);
  return out;
}

/** Accumulates an FLV file in memory: header first, then tags in the order written. */
export class FlvFileWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  constructor(flags: FlvHeaderFlags) {
    this.push(encodeFlvHeader(flags));
  }

  /** Appends one tag (see {@link encodeFlvTag}). */
  writeTag(type: FlvTagType, timestampMs: number, body: Uint8Array): this {
    this.push(encodeFlvTag(type, timestampMs, body));
    return this;
  }

  /** Bytes written so far, header included. */
  get byteLength(): number {
    return this.length;
  }

  /** The whole file so far, as one new buffer. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}
