/**
 * Protocol control (RTMP 1.0 spec 5.4) and user control (spec 6.2, 7.1.7) messages: their encoders and
 * decoder, and `ProtocolControl`, which answers the peer's control traffic for one connection:
 * acknowledgements when received bytes cross the peer's window (5.4.3, 5.4.4), a Window
 * Acknowledgement Size after Set Peer Bandwidth (5.4.5), PingResponse to PingRequest (7.1.7).
 *
 * Set Chunk Size and Abort act on the chunk layer and are applied by `ChunkReader`; here they are only
 * decoded and reported.
 */

import { readU32 } from './internal/byte-writer.js';
import { RtmpError } from './rtmp-error.js';
import { MessageType, PROTOCOL_CONTROL_CHUNK_STREAM, type RtmpMessage } from './rtmp-message.js';

/** User control event types (spec 7.1.7). */
export const UserControlType = {
  streamBegin: 0,
  streamEof: 1,
  streamDry: 2,
  setBufferLength: 3,
  streamIsRecorded: 4,
  pingRequest: 6,
  pingResponse: 7,
} as const;

/** A decoded user control event. */
export type UserControlEvent =
  | { type: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded'; streamId: number }
  | { type: 'set-buffer-length'; streamId: number; bufferLengthMs: number }
  | { type: 'ping-request' | 'ping-response'; timestamp: number }
  | { type: 'unknown'; eventType: number; data: Uint8Array };

/** Set Peer Bandwidth limit types (spec 5.4.5). */
export type PeerBandwidthLimit = 0 | 1 | 2;

/** A decoded protocol control or user control message. */
export type ControlMessage =
  | { kind: 'set-chunk-size'; chunkSize: number }
  | { kind: 'abort'; chunkStreamId: number }
  | { kind: 'acknowledgement'; sequenceNumber: number }
  | { kind: 'window-ack-size'; windowSize: number }
  | { kind: 'set-peer-bandwidth'; windowSize: number; limitType: PeerBandwidthLimit }
  | { kind: 'user-control'; event: UserControlEvent };

function controlMessage(typeId: number, payload: Uint8Array): RtmpMessage {
  // Spec 5.4: protocol control messages use message stream ID 0 and chunk stream ID 2.
  return { chunkStreamId: PROTOCOL_CONTROL_CHUNK_STREAM, typeId, messageStreamId: 0, timestamp: 0, payload };
}

function u32Payload(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (const [i, value] of values.entries()) view.setUint32(i * 4, value >>> 0);
  return out;
}

/** Set Chunk Size (spec 5.4.1); `chunkSize` 1..0x7FFFFFFF. */
export function setChunkSizeMessage(chunkSize: number): RtmpMessage {
  return controlMessage(MessageType.setChunkSize, u32Payload(chunkSize & 0x7fffffff));
}

/** Abort Message (spec 5.4.2) for the message in progress on `chunkStreamId`. */
export function abortMessage(chunkStreamId: number): RtmpMessage {
  return controlMessage(MessageType.abort, u32Payload(chunkStreamId));
}

/** Acknowledgement (spec 5.4.3): `sequenceNumber` = bytes received so far, modulo 2^32. */
export function acknowledgementMessage(sequenceNumber: number): RtmpMessage {
  return controlMessage(MessageType.acknowledgement, u32Payload(sequenceNumber % 2 ** 32));
}

/** Window Acknowledgement Size (spec 5.4.4) in bytes. */
export function windowAckSizeMessage(windowSize: number): RtmpMessage {
  return controlMessage(MessageType.windowAckSize, u32Payload(windowSize));
}

/** Set Peer Bandwidth (spec 5.4.5): window in bytes and limit type (0 hard, 1 soft, 2 dynamic). */
export function setPeerBandwidthMessage(windowSize: number, limitType: PeerBandwidthLimit): RtmpMessage {
  const payload = new Uint8Array(5);
  new DataView(payload.buffer).setUint32(0, windowSize >>> 0);
  payload[4] = limitType;
  return controlMessage(MessageType.setPeerBandwidth, payload);
}

/** User Control Message (spec 6.2, 7.1.7): 2-byte event type, then event data. */
export function userControlMessage(eventType: number, ...data: number[]): RtmpMessage {
  const payload = new Uint8Array(2 + data.length * 4);
  const view = new DataView(payload.buffer);
  view.setUint16(0, eventType);
  for (const [i, value] of data.entries()) view.setUint32(2 + i * 4, value >>> 0);
  return controlMessage(MessageType.userControl, payload);
}

function short(what: string, payload: Uint8Array, expected: number): never {
  throw new RtmpError(
    'PROTOCOL',
    `Failed to decode ${what}: the payload has ${payload.length} bytes, expected at least ${expected}`,
    { message: what, payloadLength: payload.length, expected },
  );
}

/**
 * Decodes a protocol control (types 1, 2, 3, 5, 6) or user control (type 4) message; returns null for
 * any other type. Throws 'PROTOCOL' when the payload is too short for its type.
 */
export function decodeControlMessage(message: RtmpMessage): ControlMessage | null {
  const { payload } = message;
  switch (message.typeId) {
    case MessageType.setChunkSize:
      if (payload.length < 4) short('Set Chunk Size', payload, 4);
      return { kind: 'set-chunk-size', chunkSize: readU32(payload, 0) };
    case MessageType.abort:
      if (payload.length < 4) short('Abort', payload, 4);
      return { kind: 'abort', chunkStreamId: readU32(payload, 0) };
    case MessageType.acknowledgement:
      if (payload.length < 4) short('Acknowledgement', payload, 4);
      return { kind: 'acknowledgement', sequenceNumber: readU32(payload, 0) };
    case MessageType.windowAckSize:
      if (payload.length < 4) short('Window Acknowledgement Size', payload, 4);
      return { kind: 'window-ack-size', windowSize: readU32(payload, 0) };
    case MessageType.setPeerBandwidth: {
      if (payload.length < 5) short('Set Peer Bandwidth', payload, 5);
      const limit = payload[4]!;
      if (limit > 2) {
        throw new RtmpError(
          'PROTOCOL',
          `Failed to decode Set Peer Bandwidth: limit type ${limit} is not 0 (hard), 1 (soft) or 2 (dynamic)`,
          { limitType: limit },
        );
      }
      return {
        kind: 'set-peer-bandwidth',
        windowSize: readU32(payload, 0),
        limitType: limit as PeerBandwidthLimit,
      };
    }
    case MessageType.userControl:
      return { kind: 'user-control', event: decodeUserControl(payload) };
    default:
      return null;
  }
}

const STREAM_EVENT_NAMES: Record<
  number,
  'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded'
> = {
  [UserControlType.streamBegin]: 'stream-begin',
  [UserControlType.streamEof]: 'stream-eof',
  [UserControlType.streamDry]: 'stream-dry',
  [UserControlType.streamIsRecorded]: 'stream-is-recorded',
};

function decodeUserControl(payload: Uint8Array): UserControlEvent {
  if (payload.length < 2) short('User Control', payload, 2);
  const eventType = (payload[0]! << 8) | payload[1]!;
  const data = payload.subarray(2);
  const needs = (count: number, name: string): void => {
    if (data.length < count) short(`User Control ${name}`, payload, 2 + count);
  };
  switch (eventType) {
    case UserControlType.streamBegin:
    case UserControlType.streamEof:
    case UserControlType.streamDry:
    case UserControlType.streamIsRecorded: {
      const type = STREAM_EVENT_NAMES[eventType]!;
      needs(4, type);
      return { type, streamId: readU32(data, 0) };
    }
    case UserControlType.setBufferLength:
      needs(8, 'SetBufferLength');
      return { type: 'set-buffer-length', streamId: readU32(data, 0), bufferLengthMs: readU32(data, 4) };
    case UserControlType.pingRequest:
    case UserControlType.pingResponse:
      needs(4, eventType === UserControlType.pingRequest ? 'PingRequest' : 'PingResponse');
      return {
        type: eventType === UserControlType.pingRequest ? 'ping-request' : 'ping-response',
        timestamp: readU32(data, 0),
      };
    default:
      return { type: 'unknown', eventType, data: new Uint8Array(data) };
  }
}

/** Options for `ProtocolControl`. */
export interface ProtocolControlOptions {
  /** Sends a control message to the peer. */
  send(message: RtmpMessage): void;
  /** Observes every decoded control message after it has been handled. */
  onControl?(message: ControlMessage): void;
}

/** Answers one connection's incoming control traffic and keeps its acknowledgement counters. */
export class ProtocolControl {
  private inboundWindow = 0;
  private lastAckSentAt = 0;
  private acknowledged = 0;
  private lastSequence = 0;
  private windowSent: number | undefined;
  private peerLimit: { windowSize: number; limitType: PeerBandwidthLimit } | undefined;
  private readonly begun = new Set<number>();

  constructor(private readonly options: ProtocolControlOptions) {}

  /** Bytes the peer has acknowledged (unwrapped from the 32-bit sequence numbers it sends). */
  get bytesAcknowledged(): number {
    return this.acknowledged;
  }

  /** Window the peer asked for (Window Acknowledgement Size), in bytes; 0 until it sends one. */
  get acknowledgementWindow(): number {
    return this.inboundWindow;
  }

  /** The output limit the peer set (Set Peer Bandwidth), if any. */
  get peerBandwidth(): { windowSize: number; limitType: PeerBandwidthLimit } | undefined {
    return this.peerLimit;
  }

  /** Whether a StreamBegin for `streamId` has arrived (spec 7.1.7). */
  hasStreamBegun(streamId: number): boolean {
    return this.begun.has(streamId);
  }

  /** Handles `message` if it is a control message; returns whether it was one. Throws 'PROTOCOL'. */
  handle(message: RtmpMessage): boolean {
    const control = decodeControlMessage(message);
    if (control === null) return false;
    switch (control.kind) {
      case 'acknowledgement': {
        // Sequence numbers wrap at 2^32 (spec 5.4.3); acknowledgements only ever move forward.
        const advance = (control.sequenceNumber - this.lastSequence + 2 ** 32) % 2 ** 32;
        this.lastSequence = control.sequenceNumber;
        this.acknowledged += advance;
        break;
      }
      case 'window-ack-size':
        this.inboundWindow = control.windowSize;
        break;
      case 'set-peer-bandwidth':
        this.onSetPeerBandwidth(control.windowSize, control.limitType);
        break;
      case 'user-control':
        if (control.event.type === 'ping-request') {
          this.options.send(userControlMessage(UserControlType.pingResponse, control.event.timestamp));
        } else if (control.event.type === 'stream-begin') {
          this.begun.add(control.event.streamId);
        }
        break;
      default:
        break;
    }
    this.options.onControl?.(control);
    return true;
  }

  /**
   * Reports the total bytes received on the connection so far; sends an Acknowledgement each time the
   * count crosses the peer's window since the previous one (spec 5.4.4).
   */
  noteBytesReceived(totalBytes: number): void {
    if (this.inboundWindow > 0 && totalBytes - this.lastAckSentAt >= this.inboundWindow) {
      this.lastAckSentAt = totalBytes;
      this.options.send(acknowledgementMessage(totalBytes));
    }
  }

  private onSetPeerBandwidth(windowSize: number, limitType: PeerBandwidthLimit): void {
    // Spec 5.4.5: soft takes the smaller of old and new; dynamic counts only after a hard limit.
    const previous = this.peerLimit;
    let effective: { windowSize: number; limitType: PeerBandwidthLimit } | undefined;
    if (limitType === 0) effective = { windowSize, limitType };
    else if (limitType === 1) {
      effective = {
        windowSize: previous ? Math.min(previous.windowSize, windowSize) : windowSize,
        limitType,
      };
    } else if (previous?.limitType === 0) effective = { windowSize, limitType: 0 };
    if (effective === undefined) return;
    this.peerLimit = effective;
    // "The receiver of this message SHOULD respond with a Window Acknowledgement Size message if the
    // window size is different from the last one sent to the sender of this message."
    if (this.windowSent !== effective.windowSize) {
      this.windowSent = effective.windowSize;
      this.options.send(windowAckSizeMessage(effective.windowSize));
    }
  }
}
