/** Public entry point of the RTMP publisher stack. Import from here, not from the individual files. */

export {
  AMF0_MAX_DEPTH,
  Amf0Date,
  Amf0EcmaArray,
  Amf0Marker,
  type Amf0Object,
  type Amf0Value,
  decodeAmf0,
  encodeAmf0,
} from './amf0.js';
export { ChunkReader, type ChunkReaderOptions, DEFAULT_MAX_MESSAGE_LENGTH } from './chunk-reader.js';
export {
  basicHeaderSize,
  type ChunkFormat,
  ChunkWriter,
  type ChunkWriterOptions,
  validateChunkSize,
} from './chunk-writer.js';
export type { RandomBytes, RtmpClock, RtmpSocket } from './environment.js';
export {
  ClientHandshake,
  type ClientHandshakeOptions,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  HANDSHAKE_PACKET_SIZE,
  type HandshakeResult,
  type HandshakeState,
  RTMP_VERSION,
} from './handshake.js';
export {
  abortMessage,
  acknowledgementMessage,
  type ControlMessage,
  decodeControlMessage,
  type PeerBandwidthLimit,
  ProtocolControl,
  type ProtocolControlOptions,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  type UserControlEvent,
  UserControlType,
  userControlMessage,
  windowAckSizeMessage,
} from './protocol-control.js';
export {
  PUBLISHER_DEFAULTS,
  PublisherChunkStream,
  type RtmpCloseReason,
  RtmpPublisher,
  type RtmpPublisherCounters,
  type RtmpPublisherEvents,
  type RtmpPublisherOptions,
  type RtmpPublisherState,
  type RtmpWireEvent,
} from './publisher.js';
export { isRtmpError, RtmpError, type RtmpErrorCode } from './rtmp-error.js';
export {
  DEFAULT_CHUNK_SIZE,
  EXTENDED_TIMESTAMP_MARKER,
  MAX_CHUNK_SIZE,
  MAX_CHUNK_STREAM_ID,
  MAX_MESSAGE_LENGTH_FIELD,
  MessageType,
  MIN_CHUNK_STREAM_ID,
  PROTOCOL_CONTROL_CHUNK_STREAM,
  type RtmpMessage,
} from './rtmp-message.js';
export { DEFAULT_RTMP_PORT, parseRtmpUrl, type RtmpUrl } from './rtmp-url.js';
