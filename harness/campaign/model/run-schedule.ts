import fc from 'fast-check';
import type { DeviceScriptInput } from '../../devices/index.js';
import type { PushCommand } from './push-commands-arbitrary.js';
import {
  initialModelAttributes,
  type PushStateModel,
  predictStart,
  type ScheduleBuilder,
} from './push-state-model.js';

export interface ScheduleSetup {
  durationMs: number;
  /** The case's initial attributes (seed names). */
  attributes: Record<string, unknown>;
  devices: DeviceScriptInput;
  /** A start() at 0 ms before the commands (the usual opening of a case). */
  startAtZero: boolean;
  /** Commands act no later than durationMs minus this, ms. Default 2000. */
  tailMs?: number;
}

export interface Schedule extends ScheduleBuilder {
  /** The model's state after the last command. */
  finalState: PushStateModel['state'];
}

/**
 * Run the commands against the model (`fc.modelRun`): the commands that apply write the case's actions
 * and app switches. Deterministic; fast-check records which commands ran, so shrinking drops the others.
 */
export function runSchedule(commands: Iterable<PushCommand>, setup: ScheduleSetup): Schedule {
  const attributes = initialModelAttributes(setup.attributes);
  const autopush = setup.attributes.autopush === true || setup.attributes.autopush === 'true';
  const model: PushStateModel = {
    durationMs: setup.durationMs,
    lastCommandMs: setup.durationMs - (setup.tailMs ?? 2000),
    devices: setup.devices,
    clockMs: 0,
    state: 'idle',
    app: 'foreground',
    lastAppSwitchMs: -1,
    attributes,
  };
  const real: ScheduleBuilder = { actions: [], app: [], log: [] };
  if (autopush) model.state = predictStart(model);
  if (setup.startAtZero && !autopush) {
    real.actions.push({ atMs: 0, op: 'start' });
    real.log.push('0ms start');
    model.state = predictStart(model);
  }
  fc.modelRun(() => ({ model, real }), commands);
  return { ...real, finalState: model.state };
}
