import type { Check } from './types.js';

/** Checks of the `bitrate` area of docs/spec.md. */
export const BITRATE_CHECKS: readonly Check[] = [];
