import type { Check } from './types.js';

/** Checks of the `waiting-image` area of docs/spec.md. */
export const WAITING_IMAGE_CHECKS: readonly Check[] = [];
