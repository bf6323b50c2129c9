/**
 * The reference pusher (src/) as a pusher PROCESS: the same LivePusher the simulation tests, given a
 * real-world environment (real clock, real sockets, the system resolver, real fetch; fake devices driven
 * locally on real time, their records sent to the harness) and served over the process protocol with this
 * directory's client library. Run it with `node --import tsx clients/node/reference-pusher-process.ts`.
 * It proves the protocol and live mode: through it the reference must pass every live-capable MUST.
 */
import type { Capability } from '../../harness/adapter/types.js';
import { LiveClock } from '../../harness/live/live-clock.js';
import { createRealTimeEnvironment } from '../../harness/live/real-time-environment.js';
import { LivePusher, REFERENCE_PUSHER_IDENTITY } from '../../src/index.js';
import { type OperationOutcome, type PusherHost, runPusherProcess } from './pusher-process-client.js';

/** Everything the in-process reference declares, except 'sim-time' (a process runs on real time). */
const CAPABILITIES: Capability[] = [
  'events',
  'netstatus',
  'attributes.live-update',
  'pause',
  'switchCamera',
  'snapshot',
  'waiting-image',
  'background',
  'bitrate-adaptation',
  'device-faults',
  'dns',
];

// One origin for the pusher's clock and the fake devices' scheduler.
const clock = new LiveClock();

void runPusherProcess({
  identity: { ...REFERENCE_PUSHER_IDENTITY, name: `${REFERENCE_PUSHER_IDENTITY.name} (process)` },
  capabilities: CAPABILITIES,
  create(params, host: PusherHost) {
    const files = new Map<string, Uint8Array>();
    let next = 1;
    const env = createRealTimeEnvironment({
      clock,
      profile: params.profile,
      viewSize: params.viewSize,
      // The app lifecycle is the harness's (it sends `app`): its scripted switches are not replayed here.
      devices: { ...(params.devices ?? {}), app: [] },
      trace: {
        record: (kind, data) => {
          // The harness records the app lifecycle itself (it sends `app`); the devices are ours to report.
          if (kind.startsWith('device.')) host.device(kind, data as { [key: string]: unknown });
          return undefined as never;
        },
      },
      log: (level, message) => host.log(level, message),
      files: {
        writeTemp(suffix, bytes) {
          const path = `${process.env.TMPDIR ?? '/tmp'}/lpc-reference-${process.pid}-${next++}${suffix}`;
          files.set(path, new Uint8Array(bytes));
          return path;
        },
      },
    });
    if (params.app === 'background') env.app.control.setState('background');
    const pusher = new LivePusher(params.attributes, env);
    pusher.onStateChange((e) => host.statechange(e.code, e.message));
    pusher.onNetStatus((s) => host.netstatus(s));
    const op = (fn: () => Promise<OperationOutcome>) => fn;
    return {
      start: op(() => pusher.start()),
      stop: op(() => pusher.stop()),
      pause: op(() => pusher.pause()),
      resume: op(() => pusher.resume()),
      switchCamera: op(() => pusher.switchCamera()),
      snapshot: op(async () => {
        const r = await pusher.snapshot();
        if (!r.ok) return r;
        // The file is ours; its bytes cross the protocol so the harness can check the picture.
        const png = files.get(r.tempImagePath);
        const out: OperationOutcome = { ...r };
        if (png) out.pngBase64 = Buffer.from(png).toString('base64');
        return out;
      }),
      setAttributes: (patch) => pusher.setAttributes(patch),
      app: (state) => {
        env.app.control.setState(state);
      },
      deviceFault: (f) => {
        const c = env.devices.control;
        if (f.device === 'camera') return c.failCamera(f.position ?? 'front');
        if (f.device === 'microphone') return c.failMicrophone();
        return c.overloadVideoEncoders(f.kind) > 0;
      },
      dispose: () => {
        pusher.dispose();
        env.close();
      },
    };
  },
});
