/**
 * The RTMP message as the chunk layer carries it (RTMP 1.0 spec 6.1), and the message type IDs.
 * No runtime imports.
 */

/** A complete RTMP message on one chunk stream. */
export interface RtmpMessage {
  /** Chunk stream ID, 2..65599 (spec 5.3.1.1; 0 and 1 are basic-header escapes, 2 is protocol control). */
  chunkStreamId: number;
  /** Message type ID (spec 6.1.1), see `MessageType`. */
  typeId: number;
  /** Message stream ID (spec 6.1.1): 0 for NetConnection traffic, the createStream result for a stream. */
  messageStreamId: number;
  /** Absolute timestamp in milliseconds, modulo 2^32 (spec 6.1.1). */
  timestamp: number;
  payload: Uint8Array;
}

/** Message type IDs (spec 5.4 protocol control, 6.2 user control, 7.1 commands and media). */
export const MessageType = {
  setChunkSize: 1,
  abort: 2,
  acknowledgement: 3,
  userControl: 4,
  windowAckSize: 5,
  setPeerBandwidth: 6,
  audio: 8,
  video: 9,
  amf3Data: 15,
  amf3SharedObject: 16,
  amf3Command: 17,
  amf0Data: 18,
  amf0SharedObject: 19,
  amf0Command: 20,
  aggregate: 22,
} as const;

/** The chunk stream that protocol control messages use (spec 5.4: "chunk stream ID 2"). */
export const PROTOCOL_CONTROL_CHUNK_STREAM = 2;
/** Smallest and largest chunk stream IDs a basic header can carry (spec 5.3.1.1). */
export const MIN_CHUNK_STREAM_ID = 2;
export const MAX_CHUNK_STREAM_ID = 65599;
/** Chunk size both directions start with (spec 5.4.1: "default 128 bytes"). */
export const DEFAULT_CHUNK_SIZE = 128;
/** Largest chunk size the protocol allows (spec 5.4.1: 31 bits). */
export const MAX_CHUNK_SIZE = 0x7fffffff;
/** Timestamp fields at or above this value move into the 4-byte extended timestamp (spec 5.3.1.3). */
export const EXTENDED_TIMESTAMP_MARKER = 0xffffff;
/** Largest message length the 3-byte length field can carry (spec 5.3.1.2.1). */
export const MAX_MESSAGE_LENGTH_FIELD = 0xffffff;
