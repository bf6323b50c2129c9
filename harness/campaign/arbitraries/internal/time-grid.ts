import fc from 'fast-check';

/** Generated times sit on a 100 ms grid: shrunk cases stay readable (12300, not 12347). */
export const GRID_MS = 100;

/**
 * A time in [minMs, maxMs] on the grid (ms). Times do not shrink: shrinking a case removes things (faults,
 * commands) and keeps the instants at which the remaining ones happen, which is both faster (no binary
 * search per instant, each candidate a simulation) and more readable.
 */
export function timeMs(minMs: number, maxMs: number): fc.Arbitrary<number> {
  const lo = Math.ceil(minMs / GRID_MS);
  const hi = Math.max(lo, Math.floor(maxMs / GRID_MS));
  return fc.noShrink(fc.integer({ min: lo, max: hi })).map((k) => k * GRID_MS);
}

/** Up to `maxLength` distinct times in [minMs, maxMs], sorted; shrinks by dropping times only. */
export function sortedTimes(minMs: number, maxMs: number, maxLength: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(timeMs(minMs, maxMs), { maxLength }).map((ts) => [...ts].sort((a, b) => a - b));
}

/** Drops `undefined` fields, so generated documents print without empty keys. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
