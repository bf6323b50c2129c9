import type fc from 'fast-check';
import type { ToxicScript } from '../../network/index.js';
import { sortedTimes } from './internal/time-grid.js';

export interface SocketResetsArbitraryOptions {
  durationMs: number;
  /** Default 2. */
  maxResets?: number;
}

/**
 * Mid-stream socket resets: one-shot `reset_peer` toxics, each resetting (RST, ECONNRESET on both ends)
 * every connection open at `atMs` and none made later (the toxic lasts 1 ms). Shrinks to none.
 */
export function socketResetsArbitrary(options: SocketResetsArbitraryOptions): fc.Arbitrary<ToxicScript[]> {
  return sortedTimes(1000, options.durationMs - 1000, options.maxResets ?? 2).map((times) =>
    times.map((atMs): ToxicScript => ({ type: 'reset_peer', atMs, untilMs: atMs + 1 })),
  );
}
