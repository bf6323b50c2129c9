/**
 * What the camera and the microphone share about opening: the scripted latency and the scripted outcome.
 */
import type { DeviceErrorCode } from '../adapter/types.js';
import type { Rng } from '../sim/prng.js';
import type { Micros } from '../sim/scheduler.js';
import { FakeDeviceError } from './device-error.js';
import type { OpenOutcome } from './device-script.js';
import { msToMicros } from './device-trace.js';

/** The delay before an open settles: latency plus a uniform draw in [0, jitter] (no draw when jitter is 0). */
export function openDelayMicros(script: { openLatencyMs: number; openJitterMs: number }, rng: Rng): Micros {
  const jitter = msToMicros(script.openJitterMs);
  return msToMicros(script.openLatencyMs) + (jitter > 0 ? rng.int(0, jitter) : 0);
}

const OUTCOME_ERRORS: Record<Exclude<OpenOutcome, 'ok'>, { code: DeviceErrorCode; reason: string }> = {
  denied: { code: 'DENIED', reason: 'permission denied' },
  occupied: { code: 'OCCUPIED', reason: 'the device is in use by another app' },
  'not-found': { code: 'NOT_FOUND', reason: 'no such device' },
};

/** The error a scripted outcome rejects with, or undefined for `ok`. `name` reads e.g. "camera front". */
export function outcomeError(
  outcome: OpenOutcome,
  device: string,
  name: string,
): FakeDeviceError | undefined {
  if (outcome === 'ok') return undefined;
  const { code, reason } = OUTCOME_ERRORS[outcome];
  return new FakeDeviceError(code, device, `Failed to open ${name}: ${reason} (scripted open: ${outcome})`);
}
