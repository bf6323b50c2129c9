import type { Check } from './types.js';

/** Checks of the `stream` area of docs/spec.md. */
export const STREAM_CHECKS: readonly Check[] = [];
