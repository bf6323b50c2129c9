/**
 * The oracle vocabulary (type-only). An oracle is a pure function from a recorded trace to outcomes;
 * it never imports the pusher (`src/`) and never reads anything but the trace.
 */
import type { TraceRecord } from '../sim/trace.js';

export type Verdict = 'PASS' | 'NON-STRICT' | 'FAIL' | 'INFORMATIONAL' | 'UNSUPPORTED' | 'INDETERMINATE';

export type Level = 'MUST' | 'SHOULD' | 'INFORMATIONAL';

/**
 * What a check found. `not-applicable`: the trace does not exercise the requirement (reported as
 * INDETERMINATE only in cases that target it); `indeterminate`: the case tried but could not establish
 * its precondition (e.g. the pusher never published, so bitrate cannot be judged).
 */
export type OutcomeStatus = 'pass' | 'fail' | 'not-applicable' | 'indeterminate';

export interface Outcome {
  status: OutcomeStatus;
  /** One sentence: what was expected and what happened, with the numbers that decided it. */
  summary: string;
  expected?: string;
  actual?: string;
  /** Virtual time (ms) the decision is about, when there is one. */
  atMs?: number;
  /** The decisive numbers (measured rates, delays, counts). */
  numbers?: Record<string, number>;
  /** The trace records that decided it (a short excerpt, at most ~20). */
  evidence?: TraceRecord[];
}

export interface Check {
  /** The requirement ID in docs/spec.md this check decides. */
  requirement: string;
  /** Evaluated in every case (wire and stream rules), reported where applicable. */
  always?: boolean;
  evaluate(trace: readonly TraceRecord[]): Outcome;
}

/** One requirement's verdict in one case. */
export interface CheckResult {
  requirement: string;
  level: Level;
  verdict: Verdict;
  summary: string;
  expected?: string;
  actual?: string;
  atMs?: number;
  numbers?: Record<string, number>;
  evidence?: TraceRecord[];
}
