/**
 * The one error class of the observer. `code` is a literal union so callers can branch on it; `context`
 * carries the offending values. Problems found in the observed *stream* are never thrown: they are
 * recorded in the timeline (`FlvTimeline.errors`). This class is for harness faults only.
 */
export type ObserverErrorCode = 'VENDOR_BUNDLE_MISSING' | 'VENDOR_BUNDLE_INVALID' | 'BUILDER_FINISHED';

export class ObserverError extends Error {
  readonly code: ObserverErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ObserverErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ObserverError';
    this.code = code;
    this.context = context;
  }
}
