import fc from 'fast-check';
import { attributePatchArbitrary } from './attribute-patch.js';
import { timeMs } from './internal/time-grid.js';

/** The context operations of the seed (docs/spec.md area `operations`). */
export const USER_OPERATIONS = ['start', 'stop', 'pause', 'resume', 'switchCamera', 'snapshot'] as const;
export type UserOperation = (typeof USER_OPERATIONS)[number];

/** One action of the case format: an operation, or attributes changed, at `atMs`. */
export type ActionDocument =
  | { atMs: number; op: UserOperation }
  | { atMs: number; op: 'setAttributes'; attributes: Record<string, unknown> };

export interface UserOperationsArbitraryOptions {
  durationMs: number;
  /** Default 8. */
  maxActions?: number;
  /** Operations to draw from. Default all six. */
  operations?: readonly UserOperation[];
  /** Include attribute changes. Default true. */
  attributeChanges?: boolean;
}

/**
 * User operations at random times, with no model of the pusher: any operation in any state (the spec
 * says each is harmless where it has nothing to act on, `operations/idle/1`). Sorted by time; shrinks by
 * dropping actions. The model-based schedule (`pushCommandsArbitrary`) is the default of campaigns; this
 * one is for properties that want raw interleavings.
 */
export function userOperationsArbitrary(
  options: UserOperationsArbitraryOptions,
): fc.Arbitrary<ActionDocument[]> {
  const ops = options.operations ?? USER_OPERATIONS;
  const at = timeMs(0, options.durationMs - 500);
  const action: fc.Arbitrary<ActionDocument> =
    options.attributeChanges === false
      ? fc.record({ atMs: at, op: fc.constantFrom(...ops) })
      : fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.record({ atMs: at, op: fc.constantFrom(...ops) }), weight: 4 },
          {
            arbitrary: fc.record({
              atMs: at,
              op: fc.constant('setAttributes' as const),
              attributes: attributePatchArbitrary(),
            }),
            weight: 1,
          },
        );
  return fc
    .array(action, { maxLength: options.maxActions ?? 8 })
    .map((list) => [...list].sort((a, b) => a.atMs - b.atMs));
}
