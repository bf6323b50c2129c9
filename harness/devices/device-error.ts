/**
 * The `DeviceError` our fake hardware throws and rejects with (adapter contract: harness/adapter/types.ts).
 */
import type { DeviceError, DeviceErrorCode } from '../adapter/types.js';

/**
 * A coded device failure. `device` names the device as `camera:front`, `camera:back`, `microphone`,
 * `videoEncoder:hardware`, `videoEncoder:software` or `audioEncoder`. Messages read
 * "Failed to <verb> <device>: <reason>".
 */
export class FakeDeviceError extends Error implements DeviceError {
  readonly code: DeviceErrorCode;
  readonly device: string;

  constructor(code: DeviceErrorCode, device: string, message: string) {
    super(message);
    this.name = 'DeviceError';
    this.code = code;
    this.device = device;
  }
}

/** True for anything shaped like a DeviceError (ours or another implementation's). */
export function isDeviceError(e: unknown): e is DeviceError {
  return (
    e instanceof Error &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { device?: unknown }).device === 'string'
  );
}
