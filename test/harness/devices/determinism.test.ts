import t from 'tap';
import type { CameraHandle } from '../../../harness/adapter/types.js';
import type { DeviceScriptInput } from '../../../harness/devices/index.js';
import {
  createAppLifecycle,
  createFakeDevices,
  resolveDeviceScript,
} from '../../../harness/devices/index.js';
import { Simulation } from '../../../harness/sim/index.js';

const script: DeviceScriptInput = {
  cameras: {
    front: { failAfterMs: 4000, openJitterMs: 30, fpsChanges: [{ atMs: 2000, maxFps: 12 }] },
    back: { openJitterMs: 30 },
  },
  microphone: { openJitterMs: 10 },
  videoEncoders: { hardware: { failAtFrame: 40 }, overloadAtMs: 3000 },
  audioEncoder: { failAtFrame: 200 },
  app: [
    { atMs: 5000, state: 'background' },
    { atMs: 6000, state: 'foreground' },
  ],
};

/** A small pusher-like driver: open everything, encode what arrives, fall back and switch cameras. */
async function run(seed: number) {
  const sim = new Simulation({ seed });
  const devices = createFakeDevices({
    scheduler: sim.scheduler,
    rng: sim.rng.fork('devices'),
    trace: sim.trace,
    script,
  });
  const app = createAppLifecycle({ scheduler: sim.scheduler, trace: sim.trace, script });
  const config = { width: 640, height: 360, fps: 30, gopFrames: 60, targetBitrateKbps: 600 };
  const openVideo = (kind: 'hardware' | 'software') => {
    const encoder = devices.openVideoEncoder(kind, config);
    encoder.onOverload(() => encoder.setTargetBitrate(300));
    return encoder;
  };
  let video = openVideo('hardware');
  const audio = devices.openAudioEncoder({ sampleRate: 44100, channels: 1, targetBitrateKbps: 48 });
  const useCamera = async (position: 'front' | 'back') => {
    const camera = await devices.openCamera({
      position,
      width: 640,
      height: 360,
      fps: 30,
      autoFocus: true,
      beauty: 0,
      whiteness: 0,
    });
    camera.onFrame((frame) => {
      try {
        video.encode(frame.picture);
      } catch {
        video.close();
        video = openVideo('software');
      }
    });
    return camera;
  };
  let camera: CameraHandle | undefined;
  const start = async () => {
    camera = await useCamera('front');
    const mic = await devices.openMicrophone({ sampleRate: 44100, channels: 1 });
    mic.onAudio((block) => {
      try {
        audio.encode(block);
      } catch {
        mic.close();
      }
    });
    camera.onError(() => {
      camera?.close();
      void useCamera('back').then((c) => {
        camera = c;
      });
    });
  };
  app.onChange((state) => camera?.setAutoFocus(state === 'foreground'));
  const started = start(); // settles on virtual time, while the simulation runs
  await sim.runUntil(8_000_000);
  await started;
  camera?.close();
  return { sim, devices };
}

t.test('the same seed gives the same trace; open jitter comes from the seed', async (t) => {
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  t.equal(a.sim.trace.digest(), b.sim.trace.digest(), 'same seed, same digest');
  t.equal(a.sim.trace.toJsonLines(), b.sim.trace.toJsonLines());
  t.not(a.sim.trace.digest(), c.sim.trace.digest(), 'another seed draws other open delays');
  t.same(a.devices.control.stats(), b.devices.control.stats());
});

t.test('a scripted run leaves the expected story in the trace', async (t) => {
  const { sim, devices } = await run(7);
  const kinds = sim.trace.records.map((r) => r.kind);
  t.equal(kinds[0], 'device.script');
  t.same(sim.trace.records[0].data.script, JSON.parse(JSON.stringify(resolveDeviceScript(script))));
  const story = sim.trace.records
    .filter((r) => r.kind !== 'device.call' || r.data.method !== 'setAutoFocus')
    .map(
      (r) => `${r.kind}${r.data.method ? `:${r.data.method}` : ''}${r.data.fault ? `:${r.data.fault}` : ''}`,
    );
  const order = [
    'app.state',
    'device.call:openVideoEncoder',
    'device.call:openAudioEncoder',
    'device.call:openCamera',
    'device.call:openMicrophone',
    'device.camera.firstFrame',
    'device.microphone.firstBlock',
    'device.call:encode', // hardware fails at frame 40
    'device.call:close',
    'device.call:openVideoEncoder', // software takes over
    'device.camera.fps', // front camera drops to 12 fps at 2 s
    'device.fault:overload', // hardware: nobody to tell (session null)
    'device.fault:overload', // software: told once, lowers its bitrate
    'device.call:setTargetBitrate',
    'device.fault:failed', // front camera fails 4 s after its open
    'device.camera.stopped',
    'device.call:close',
    'device.call:openCamera', // back camera
    'device.camera.firstFrame',
    'device.call:encode', // audio fails at frame 200
    'device.call:close',
    'device.microphone.stopped',
    'app.state',
    'app.state',
    'device.call:close',
    'device.camera.stopped',
  ];
  t.same(story.slice(1), order, 'the records, in order');
  const stats = devices.control.stats();
  t.equal(stats.videoEncoders.hardware.framesEncoded, 40, 'hardware encoded until its scripted failure');
  t.equal(stats.videoEncoders.hardware.broken, true);
  t.ok(stats.videoEncoders.software.framesEncoded > 0, 'software took over');
  t.equal(stats.cameras.front.open, false);
  t.equal(stats.cameras.back.opens, 1);
  t.equal(stats.audioEncoder.framesEncoded, 200);
});
