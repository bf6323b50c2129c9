import fc from 'fast-check';
import type { DeviceScriptInput } from '../../devices/index.js';
import { rarely } from './internal/rarely.js';
import { timeMs } from './internal/time-grid.js';

export interface DeviceFaultsArbitraryOptions {
  durationMs: number;
  /** At most this many faults in one case. Default 2. */
  maxFaults?: number;
  /** A case has device faults once in (1 + weight). Default 2. */
  weight?: number;
}

/** One device fault as a partial device script (merged with the others by `mergeDeviceScripts`). */
export function deviceFaultArbitrary(durationMs: number): fc.Arbitrary<DeviceScriptInput> {
  const later = timeMs(500, durationMs - 500);
  const frame = fc.integer({ min: 0, max: 600 });
  const openFailure = fc.constantFrom('denied' as const, 'occupied' as const, 'not-found' as const);
  return fc.oneof(
    { withCrossShrink: true },
    later.map((t): DeviceScriptInput => ({ cameras: { front: { failAfterMs: t } } })),
    openFailure.map((o): DeviceScriptInput => ({ cameras: { back: { open: o } } })),
    openFailure.map((o): DeviceScriptInput => ({ cameras: { front: { open: o } } })),
    later.map((t): DeviceScriptInput => ({ microphone: { failAfterMs: t } })),
    openFailure.map((o): DeviceScriptInput => ({ microphone: { open: o } })),
    fc.constant<DeviceScriptInput>({ videoEncoders: { hardware: { open: 'failed' } } }),
    frame.map((n): DeviceScriptInput => ({ videoEncoders: { hardware: { failAtFrame: n } } })),
    later.map((t): DeviceScriptInput => ({ videoEncoders: { hardware: { overloadAtMs: t } } })),
    fc.constant<DeviceScriptInput>({ videoEncoders: { software: { open: 'failed' } } }),
    frame.map((n): DeviceScriptInput => ({ videoEncoders: { software: { failAtFrame: n } } })),
    fc.constant<DeviceScriptInput>({ videoEncoders: { maxPixels: 100_000 } }),
    fc.constant<DeviceScriptInput>({ audioEncoder: { open: 'failed' } }),
    frame.map((n): DeviceScriptInput => ({ audioEncoder: { failAtFrame: n } })),
    fc.constant<DeviceScriptInput>({ audioEncoder: { supportedSampleRates: [16000, 44100] } }),
  );
}

/** Deep-merge partial device scripts (later wins on the same field). */
export function mergeDeviceScripts(parts: readonly DeviceScriptInput[]): DeviceScriptInput {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] =
        prev &&
        typeof prev === 'object' &&
        !Array.isArray(prev) &&
        v &&
        typeof v === 'object' &&
        !Array.isArray(v)
          ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    }
    return out;
  };
  return parts.reduce<Record<string, unknown>>(
    (acc, p) => merge(acc, p as Record<string, unknown>),
    {},
  ) as DeviceScriptInput;
}

/**
 * Device faults (docs/devices.md "The device script", without `app`): cameras and microphone that fail to
 * open or fail later, hardware/software video encoders that fail to open, fail at a frame or report
 * overload, a resolution limit below every rung (-1305 territory), an audio encoder that fails or lacks
 * 48 kHz (-1306 with audio-quality high). Most cases have none; shrinks to `{}` (fault-free).
 */
export function deviceFaultsArbitrary(
  options: DeviceFaultsArbitraryOptions,
): fc.Arbitrary<DeviceScriptInput> {
  return rarely(
    fc.array(deviceFaultArbitrary(options.durationMs), { minLength: 1, maxLength: options.maxFaults ?? 2 }),
    options.weight ?? 2,
  ).map((faults) => mergeDeviceScripts(faults ?? []));
}
