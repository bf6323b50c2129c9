import type { Check } from './types.js';

/** Checks of the `background` area of docs/spec.md. */
export const BACKGROUND_CHECKS: readonly Check[] = [];
