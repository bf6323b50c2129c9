import type { Check } from './types.js';

/** Checks of the `reconnect` area of docs/spec.md. */
export const RECONNECT_CHECKS: readonly Check[] = [];
