/**
 * The fake app lifecycle (adapter `AppLifecycle`): foreground/background switches at scripted times
 * (docs/devices.md, "App lifecycle"). The app starts in the foreground.
 */
import type { AppLifecycle, AppState } from '../adapter/types.js';
import type { Scheduler } from '../sim/scheduler.js';
import { type DeviceScript, type DeviceScriptInput, resolveDeviceScript } from './device-script.js';
import { DeviceTrace, type DeviceTraceSink, msToMicros } from './device-trace.js';

export interface AppLifecycleOptions {
  scheduler: Scheduler;
  trace: DeviceTraceSink;
  /** The device script (its `app` list is used); resolved here if it is not already. Default: no switches. */
  script?: DeviceScriptInput | DeviceScript;
}

export interface AppLifecycleControl {
  /** Switch now (a scenario step). Returns false when the app is already in `state`. */
  setState(state: AppState): boolean;
}

export type FakeAppLifecycle = AppLifecycle & { readonly control: AppLifecycleControl };

/**
 * Records `app.state {state, initial: true}` at creation, then `app.state {state}` at every change, before
 * the `onChange` listeners run. Switches scripted before the scheduler's current time are applied
 * silently to the initial state.
 */
export function createAppLifecycle(options: AppLifecycleOptions): FakeAppLifecycle {
  const { scheduler } = options;
  const trace = new DeviceTrace(options.trace);
  const script = resolveDeviceScript(options.script);
  const listeners: ((state: AppState) => void)[] = [];
  let state: AppState = 'foreground';

  const setState = (next: AppState): boolean => {
    if (next === state) return false;
    state = next;
    trace.record('app.state', { state });
    for (const listener of [...listeners]) listener(state);
    return true;
  };

  for (const change of script.app) {
    const at = msToMicros(change.atMs);
    if (at < scheduler.now) state = change.state;
    else scheduler.at(at, () => setState(change.state), `app:${change.state}`);
  }
  trace.record('app.state', { state, initial: true });

  return {
    get state() {
      return state;
    },
    onChange(listener: (s: AppState) => void): void {
      listeners.push(listener);
    },
    control: { setState },
  };
}
