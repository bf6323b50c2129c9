import fc from 'fast-check';
import type { Capability } from '../../adapter/types.js';
import { attributePatchArbitrary } from '../arbitraries/attribute-patch.js';
import { timeMs } from '../arbitraries/internal/time-grid.js';
import {
  AppSwitchCommand,
  OperationCommand,
  RedundantOperationCommand,
  SetAttributesCommand,
} from './push-commands.js';
import type { PushStateModel, ScheduleBuilder } from './push-state-model.js';

export interface PushCommandsArbitraryOptions {
  durationMs: number;
  /** Default 8. */
  maxCommands?: number;
  /** Commands needing a capability the pusher lacks are not generated. Default: all. */
  capabilities?: readonly Capability[];
}

export type PushCommand = fc.Command<PushStateModel, ScheduleBuilder>;

/**
 * `fc.commands` over the pusher's operations: start, stop, pause, resume, switchCamera, snapshot, the
 * same operations where they are redundant, attribute changes and app switches, each after a gap of
 * 0..duration/4 ms. Shrinking drops commands (and those the model no longer finds applicable) and
 * shortens gaps.
 */
export function pushCommandsArbitrary(
  options: PushCommandsArbitraryOptions,
): fc.Arbitrary<Iterable<PushCommand>> {
  const has = (c: Capability) => !options.capabilities || options.capabilities.includes(c);
  const gap = timeMs(0, Math.round(options.durationMs / 4));
  const op = (name: ConstructorParameters<typeof OperationCommand>[1]) =>
    gap.map((g): PushCommand => new OperationCommand(g, name));
  const arbs: fc.Arbitrary<PushCommand>[] = [op('start'), op('start'), op('stop')];
  if (has('pause')) arbs.push(op('pause'), op('resume'));
  if (has('switchCamera')) arbs.push(op('switchCamera'));
  if (has('snapshot')) arbs.push(op('snapshot'));
  arbs.push(
    fc
      .tuple(
        gap,
        fc.constantFrom(
          'start' as const,
          'stop' as const,
          ...(has('pause') ? (['pause', 'resume'] as const) : []),
        ),
      )
      .map(([g, o]): PushCommand => new RedundantOperationCommand(g, o)),
  );
  if (has('attributes.live-update'))
    arbs.push(
      fc.tuple(gap, attributePatchArbitrary()).map(([g, p]): PushCommand => new SetAttributesCommand(g, p)),
    );
  if (has('background')) arbs.push(gap.map((g): PushCommand => new AppSwitchCommand(g)));
  return fc.commands(arbs, { maxCommands: options.maxCommands ?? 8 });
}
