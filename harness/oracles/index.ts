/**
 * The oracles: pure functions from a recorded trace to verdicts with evidence. They import trace types
 * and each other only; never the pusher (`src/`). One file per area of docs/spec.md.
 */
import { EVENT_CHECKS } from './events.js';
import type { Check } from './types.js';
import { WIRE_CHECKS } from './wire.js';

export { type JudgeOptions, judgeCase, type RequirementInfo, verdictFor } from './judge.js';
export type { Check, CheckResult, Level, Outcome, OutcomeStatus, Verdict } from './types.js';

/** Every check, one per requirement. */
export const ALL_CHECKS: readonly Check[] = [...EVENT_CHECKS, ...WIRE_CHECKS];
