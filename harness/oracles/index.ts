/**
 * The oracles: pure functions from a recorded trace to verdicts with evidence. They import trace types
 * and each other only; never the pusher (`src/`). One file per area of docs/spec.md.
 */
import { ATTRIBUTES_CHECKS } from './attributes.js';
import { BACKGROUND_CHECKS } from './background.js';
import { BITRATE_CHECKS } from './bitrate.js';
import { DEVICES_CHECKS } from './devices.js';
import { EVENT_CHECKS } from './events.js';
import { OPERATIONS_CHECKS } from './operations.js';
import { RECONNECT_CHECKS } from './reconnect.js';
import { STREAM_CHECKS } from './stream.js';
import type { Check } from './types.js';
import { WAITING_IMAGE_CHECKS } from './waiting-image.js';
import { WIRE_CHECKS } from './wire.js';

export { type JudgeOptions, judgeCase, type RequirementInfo, verdictFor } from './judge.js';
export type { Check, CheckResult, Level, Outcome, OutcomeStatus, Verdict } from './types.js';

/** Every check, one per requirement. */
export const ALL_CHECKS: readonly Check[] = [
  ...ATTRIBUTES_CHECKS,
  ...OPERATIONS_CHECKS,
  ...EVENT_CHECKS,
  ...RECONNECT_CHECKS,
  ...BITRATE_CHECKS,
  ...BACKGROUND_CHECKS,
  ...WAITING_IMAGE_CHECKS,
  ...DEVICES_CHECKS,
  ...WIRE_CHECKS,
  ...STREAM_CHECKS,
];
