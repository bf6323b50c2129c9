import type { Check } from './types.js';

/** Checks of the `attributes` area of docs/spec.md. */
export const ATTRIBUTES_CHECKS: readonly Check[] = [];
