import type { Check } from './types.js';

/** Checks of the `devices` area of docs/spec.md. */
export const DEVICES_CHECKS: readonly Check[] = [];
