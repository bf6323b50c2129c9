/**
 * A simulated world with the fake hardware in it, for the device tests.
 */
import type { CameraOpenOptions } from '../../../harness/adapter/types.js';
import {
  createFakeDevices,
  type DeviceScript,
  type DeviceScriptInput,
  type FakeDevices,
} from '../../../harness/devices/index.js';
import { Simulation, type TraceRecord } from '../../../harness/sim/index.js';

export interface DeviceWorld {
  sim: Simulation;
  devices: FakeDevices;
  /** Records of one kind, in order. */
  records(kind: string): TraceRecord[];
  /** `device.call` data, optionally of one method only. */
  calls(method?: string): TraceRecord['data'][];
}

export function deviceWorld(script?: DeviceScriptInput | DeviceScript, seed = 1): DeviceWorld {
  const sim = new Simulation({ seed });
  const devices = createFakeDevices({
    scheduler: sim.scheduler,
    rng: sim.rng.fork('devices'),
    trace: sim.trace,
    script,
  });
  const records = (kind: string) => sim.trace.records.filter((r) => r.kind === kind);
  return {
    sim,
    devices,
    records,
    calls: (method) =>
      records('device.call')
        .map((r) => r.data)
        .filter((d) => method === undefined || d.method === method),
  };
}

export function cameraOptions(overrides: Partial<CameraOpenOptions> = {}): CameraOpenOptions {
  return {
    position: 'front',
    width: 640,
    height: 360,
    fps: 30,
    autoFocus: true,
    beauty: 0,
    whiteness: 0,
    ...overrides,
  };
}

/** Settle a promise that the simulation resolves, running virtual time for `runUs` µs first. */
export async function settle<T>(
  sim: Simulation,
  promise: Promise<T>,
  runUs: number,
): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  await sim.runFor(runUs);
  if (!outcome) throw new Error(`the promise did not settle within ${runUs} µs`);
  return outcome;
}
