/** Codes of ProcessPusherError: problems of the harness's side of the process protocol (never verdicts). */
export type ProcessPusherErrorCode = 'INVALID_OPTIONS' | 'SPAWN_FAILED' | 'NOT_READY';

/**
 * A misuse or an environment problem on the harness's side (bad options, a command that cannot be
 * started). What the pusher process does wrong is never thrown: it is recorded in the trace
 * (`pusher.crash`, `pusher.protocolError`) and judged.
 */
export class ProcessPusherError extends Error {
  readonly code: ProcessPusherErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ProcessPusherErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ProcessPusherError';
    this.code = code;
    this.context = context;
  }
}
