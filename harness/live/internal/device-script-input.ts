/**
 * The inverse of `resolveDeviceScript` (harness/devices/device-script.ts), so a resolved script can cross
 * the process protocol as input the pusher process resolves again. A resolved video encoder's overload
 * times merge the shared and per-kind values; when that merge cannot be split back (two own times for one
 * kind), the script is not expressible and the case is UNSUPPORTED for process pushers.
 */
import type { DeviceScript } from '../../devices/index.js';

export function deviceScriptInputOf(
  script: DeviceScript,
): { ok: true; input: { [key: string]: unknown } } | { ok: false; reason: string } {
  const hw = script.videoEncoders.hardware;
  const sw = script.videoEncoders.software;
  const shared = hw.overloadAtMs.filter((t) => sw.overloadAtMs.includes(t));
  if (shared.length > 1)
    return { ok: false, reason: 'the device script has more than one overload time shared by both encoders' };
  const own = (list: readonly number[]) => list.filter((t) => t !== shared[0]);
  if (own(hw.overloadAtMs).length > 1 || own(sw.overloadAtMs).length > 1)
    return { ok: false, reason: 'the device script has more than one overload time for one encoder kind' };
  const kind = (k: typeof hw) => ({
    open: k.open,
    failAtFrame: k.failAtFrame,
    overloadAtMs: own(k.overloadAtMs)[0] ?? null,
    maxPixels: k.maxPixels,
    unsupportedSizes: [...k.unsupportedSizes],
  });
  return {
    ok: true,
    input: JSON.parse(
      JSON.stringify({
        cameras: script.cameras,
        microphone: script.microphone,
        videoEncoders: { hardware: kind(hw), software: kind(sw), overloadAtMs: shared[0] ?? null },
        audioEncoder: script.audioEncoder,
        app: script.app,
      }),
    ) as { [key: string]: unknown },
  };
}
