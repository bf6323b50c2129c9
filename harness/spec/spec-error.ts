import type { SpecIssue } from './types.js';

export type SpecErrorCode = 'SPEC_UNREADABLE' | 'SPEC_INVALID';

/**
 * The one error class of the spec loader. `SPEC_UNREADABLE`: the document could not be read (context: path).
 * `SPEC_INVALID`: it does not follow the requirement format of docs/spec.md "How to read a requirement"
 * (context: source and every issue with its line).
 */
export class SpecError extends Error {
  readonly code: SpecErrorCode;
  readonly issues: readonly SpecIssue[];
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: SpecErrorCode,
    message: string,
    context: Record<string, unknown> = {},
    issues: SpecIssue[] = [],
  ) {
    super(message);
    this.name = 'SpecError';
    this.code = code;
    this.issues = issues;
    this.context = context;
  }
}
