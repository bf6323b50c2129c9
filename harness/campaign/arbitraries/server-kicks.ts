import type fc from 'fast-check';
import { sortedTimes } from './internal/time-grid.js';

export interface ServerKicksArbitraryOptions {
  durationMs: number;
  /** Default 2. */
  maxKicks?: number;
}

/**
 * Mid-stream server kicks (`server.kickAtMs` of the case format): the embedded server closes every
 * publisher at these times (an orderly close, 3004 territory). Shrinks to none.
 */
export function serverKicksArbitrary(options: ServerKicksArbitraryOptions): fc.Arbitrary<number[]> {
  return sortedTimes(1000, options.durationMs - 1000, options.maxKicks ?? 2);
}
