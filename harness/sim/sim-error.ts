/**
 * The one error class of the simulation kernel. `code` is a literal union so callers can branch on it;
 * `context` carries the offending values so a message never has to be parsed.
 */
export type SimErrorCode =
  | 'INVALID_TIME'
  | 'TIME_IN_PAST'
  | 'RUNAWAY'
  | 'INVALID_ARGUMENT'
  | 'NOT_INSTALLED'
  | 'ALREADY_INSTALLED'
  | 'SOCKET_STATE';

export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: SimErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SimError';
    this.code = code;
    this.context = context;
  }
}

/** Throws INVALID_TIME unless `value` is a finite, non-negative integer number of microseconds. */
export function assertMicros(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    throw new SimError(
      'INVALID_TIME',
      `Invalid ${field}: ${String(value)} (expected a finite, non-negative integer number of microseconds)`,
      { field, value },
    );
  }
}
