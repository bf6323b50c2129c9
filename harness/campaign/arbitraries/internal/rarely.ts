import fc from 'fast-check';

/**
 * `arb` once in `1 + weight` draws, `undefined` otherwise; shrinks to `undefined` (cross-shrinking), so a
 * minimal case drops every fault that is not needed for the failure.
 */
export function rarely<T>(arb: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { withCrossShrink: true, depthSize: 'small' },
    { arbitrary: fc.constant(undefined), weight },
    { arbitrary: arb, weight: 1 },
  );
}
