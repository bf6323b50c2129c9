import fc from 'fast-check';
import type { ToxicScript } from '../../network/index.js';
import { timeMs } from './internal/time-grid.js';

export interface OutagesArbitraryOptions {
  durationMs: number;
  /** Default 2. */
  maxOutages?: number;
}

/** Outage lengths, ms: short ones first. */
export const OUTAGE_LENGTHS_MS = [1000, 3000, 8000, 15_000, 500] as const;

/**
 * Link outages (`down` toxics in both directions, docs/network.md "Toxics"): nothing crosses the link
 * during [atMs, untilMs); TCP connections stall, they are not reset. Shrinks to no outage.
 */
export function outagesArbitrary(options: OutagesArbitraryOptions): fc.Arbitrary<ToxicScript[]> {
  return fc
    .array(
      fc.record({
        atMs: timeMs(1000, options.durationMs - 1000),
        lengthMs: fc.constantFrom(...OUTAGE_LENGTHS_MS),
      }),
      { maxLength: options.maxOutages ?? 2 },
    )
    .map((list) =>
      [...list]
        .sort((a, b) => a.atMs - b.atMs)
        .map((o): ToxicScript => ({ type: 'down', atMs: o.atMs, untilMs: o.atMs + o.lengthMs })),
    );
}
