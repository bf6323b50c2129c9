/**
 * The one error class of the reports area: bad input files (a report that is not one, a baseline with a
 * typo, shards that do not belong together). The CLI turns it into exit code 2 with the message.
 * Messages read "Failed to <verb> <object>: <reason>" and name the offending value.
 */
export type ReportErrorCode =
  | 'UNREADABLE'
  | 'INVALID_REPORT'
  | 'INVALID_BASELINE'
  | 'MIXED_SHARDS'
  | 'DUPLICATE_CASE'
  | 'BAD_SHARD';

export class ReportError extends Error {
  readonly code: ReportErrorCode;
  readonly context: Record<string, unknown>;
  constructor(code: ReportErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ReportError';
    this.code = code;
    this.context = context;
  }
}
