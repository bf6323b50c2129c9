import type fc from 'fast-check';
import type { UserOperation } from '../arbitraries/user-operations.js';
import {
  applyAttributes,
  type PushState,
  type PushStateModel,
  predictStart,
  type ScheduleBuilder,
} from './push-state-model.js';

/**
 * The commands of the model-based schedule. Each waits `gapMs` after the previous command, then acts.
 * `check` asks the model whether the command applies in the state the spec predicts; `run` writes the
 * action into the case and moves the model. Nothing here touches a pusher: the case runs later, whole,
 * in simulation, and the oracles judge its trace.
 */
abstract class TimedCommand implements fc.Command<PushStateModel, ScheduleBuilder> {
  constructor(readonly gapMs: number) {}
  /** The instant the command acts at, ms. */
  protected at(m: Readonly<PushStateModel>): number {
    return m.clockMs + this.gapMs;
  }
  check(m: Readonly<PushStateModel>): boolean {
    return this.at(m) <= m.lastCommandMs && this.applies(m);
  }
  run(m: PushStateModel, r: ScheduleBuilder): void {
    m.clockMs = this.at(m);
    this.act(m, r);
    r.log.push(`${m.clockMs}ms ${this.label()}`);
  }
  toString(): string {
    return `+${this.gapMs}ms ${this.label()}`;
  }
  protected abstract applies(m: Readonly<PushStateModel>): boolean;
  protected abstract act(m: PushStateModel, r: ScheduleBuilder): void;
  protected abstract label(): string;
}

/** The states in which each operation does what its name says (docs/spec.md area `operations`). */
const EFFECTIVE: Record<UserOperation, readonly PushState[]> = {
  start: ['idle', 'failed'],
  stop: ['pushing', 'paused'],
  pause: ['pushing'],
  resume: ['paused'],
  switchCamera: ['pushing'],
  snapshot: ['pushing', 'paused'],
};

/** An operation where it is effective: start, stop, pause, resume, switchCamera, snapshot. */
export class OperationCommand extends TimedCommand {
  constructor(
    gapMs: number,
    readonly op: UserOperation,
  ) {
    super(gapMs);
  }
  protected applies(m: Readonly<PushStateModel>): boolean {
    if (!EFFECTIVE[this.op].includes(m.state)) return false;
    if (this.op === 'switchCamera') return m.attributes.enableCamera && m.app === 'foreground';
    return true;
  }
  protected act(m: PushStateModel, r: ScheduleBuilder): void {
    r.actions.push({ atMs: m.clockMs, op: this.op });
    switch (this.op) {
      case 'start':
      case 'resume':
        m.state = predictStart(m);
        break;
      case 'stop':
        m.state = 'idle';
        break;
      case 'pause':
        m.state = 'paused';
        break;
      default:
        break;
    }
  }
  protected label(): string {
    return this.op;
  }
}

/** The states in which an operation has nothing to act on (`operations/idle/1`, `operations/start/2`). */
const REDUNDANT: Partial<Record<UserOperation, readonly PushState[]>> = {
  start: ['pushing', 'paused'],
  stop: ['idle', 'failed'],
  pause: ['idle', 'failed', 'paused'],
  resume: ['idle', 'failed', 'pushing'],
};

/** An operation where the spec says it must be harmless: the model's state does not change. */
export class RedundantOperationCommand extends TimedCommand {
  constructor(
    gapMs: number,
    readonly op: 'start' | 'stop' | 'pause' | 'resume',
  ) {
    super(gapMs);
  }
  protected applies(m: Readonly<PushStateModel>): boolean {
    return REDUNDANT[this.op]?.includes(m.state) ?? false;
  }
  protected act(m: PushStateModel, r: ScheduleBuilder): void {
    r.actions.push({ atMs: m.clockMs, op: this.op });
  }
  protected label(): string {
    return `${this.op} (redundant)`;
  }
}

/** Attributes changed by the page, in any state. */
export class SetAttributesCommand extends TimedCommand {
  constructor(
    gapMs: number,
    readonly patch: Record<string, unknown>,
  ) {
    super(gapMs);
  }
  protected applies(): boolean {
    return true;
  }
  protected act(m: PushStateModel, r: ScheduleBuilder): void {
    r.actions.push({ atMs: m.clockMs, op: 'setAttributes', attributes: { ...this.patch } });
    m.attributes = applyAttributes(m.attributes, this.patch);
  }
  protected label(): string {
    return `setAttributes ${JSON.stringify(this.patch)}`;
  }
}

/** The app goes to the background, or back to the foreground. */
export class AppSwitchCommand extends TimedCommand {
  protected applies(m: Readonly<PushStateModel>): boolean {
    return this.at(m) > m.lastAppSwitchMs;
  }
  protected act(m: PushStateModel, r: ScheduleBuilder): void {
    m.app = m.app === 'foreground' ? 'background' : 'foreground';
    m.lastAppSwitchMs = m.clockMs;
    r.app.push({ atMs: m.clockMs, state: m.app });
  }
  protected label(): string {
    return 'app switch';
  }
}
