import type { Check } from './types.js';

/** Checks of the `operations` area of docs/spec.md. */
export const OPERATIONS_CHECKS: readonly Check[] = [];
