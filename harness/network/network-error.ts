/**
 * The one error class of the network area. `code` is a literal union so callers can branch on it;
 * `context` carries the offending values so a message never has to be parsed.
 * Errors that a pusher observes (ECONNREFUSED, ENOTFOUND, ...) are NOT NetworkErrors: they are shaped
 * exactly like Node's (see `socketError` in the kernel and `dnsError` here).
 */
export type NetworkErrorCode =
  | 'INVALID_SCRIPT'
  | 'INVALID_TRACE'
  | 'UNKNOWN_PROFILE'
  | 'INVALID_ARGUMENT'
  | 'ADDRESS_IN_USE'
  | 'LINK_STATE';

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: NetworkErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'NetworkError';
    this.code = code;
    this.context = context;
  }
}
