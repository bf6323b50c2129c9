/**
 * The one error type of the RTMP publisher stack. Every failure the stack reports, whether thrown,
 * rejected or emitted, is an `RtmpError` with a stable `code` and a `context` that names the values
 * involved. Messages read "Failed to <verb> <object>: <reason>".
 */

/** Stable failure codes; consumers branch on these, never on message text. */
export type RtmpErrorCode =
  /** S0 carried a version other than 3 (RTMP 1.0 spec 5.2.2). */
  | 'HANDSHAKE_VERSION'
  /** S0+S1+S2 did not all arrive within the handshake timeout. */
  | 'HANDSHAKE_TIMEOUT'
  /** The peer closed the connection during the handshake. */
  | 'HANDSHAKE_CLOSED'
  /** A Set Chunk Size value outside 1..0x7FFFFFFF (or our configured maximum). */
  | 'CHUNK_SIZE'
  /** A message longer than the configured maximum (reader) or than 24 bits can carry (writer). */
  | 'MESSAGE_TOO_LARGE'
  /** Malformed AMF0 bytes. */
  | 'AMF_DECODE'
  /** Any other violation of the chunk stream or message protocol, or an API misuse. */
  | 'PROTOCOL'
  /** The server answered a command with `_error`. */
  | 'COMMAND_ERROR'
  /** The server answered `publish` with an error-level `onStatus` (e.g. NetStream.Publish.BadName). */
  | 'PUBLISH_REJECTED'
  /** The connection closed or failed before or while publishing. */
  | 'CONNECTION_CLOSED'
  /** A command reply did not arrive in time. */
  | 'TIMEOUT'
  /** The publish URL is not a valid `rtmp://host[:port]/app/streamName[?query]`. */
  | 'URL';

/** Error with a literal `code` and structured `context` (values named in the message, too). */
export class RtmpError extends Error {
  override readonly name = 'RtmpError';
  readonly code: RtmpErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: RtmpErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.context = context;
  }
}

/** True when `value` is an `RtmpError`, optionally with the given code. */
export function isRtmpError(value: unknown, code?: RtmpErrorCode): value is RtmpError {
  return value instanceof RtmpError && (code === undefined || value.code === code);
}
