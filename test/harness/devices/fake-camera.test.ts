import t from 'tap';
import type { CameraFrame, CameraHandle, DeviceError } from '../../../harness/adapter/types.js';
import { cameraColour, PICTURE_COLOURS } from '../../../harness/devices/index.js';
import { cameraOptions, deviceWorld, settle } from './device-world.js';

t.test('frames arrive at exact virtual times at the requested fps', async (t) => {
  const w = deviceWorld();
  const { value: cam } = await settle(w.sim, w.devices.openCamera(cameraOptions({ fps: 30 })), 50_000);
  const frames: { at: number; frame: CameraFrame }[] = [];
  cam!.onFrame((frame) => frames.push({ at: w.sim.now, frame }));
  await w.sim.runUntil(50_000 + 10_000_000);
  t.equal(frames.length, 300, '300 frames in 10 s at 30 fps');
  const expected = Array.from({ length: 300 }, (_, k) => 50_000 + Math.round(((k + 1) * 1_000_000) / 30));
  t.same(
    frames.map((f) => f.at),
    expected,
    'frame k at open + round((k+1) * 1e6 / fps), no drift',
  );
  t.equal(frames[299].at, 10_050_000, 'frame 299 exactly 10 s after the open');
  t.same(
    frames.map((f) => f.frame.picture.frameIndex),
    Array.from({ length: 300 }, (_, k) => k),
  );
  t.same(frames[0].frame.t, 83.333, 't is ms on the virtual clock');
  t.equal(frames[0].frame.source, 'front');
  t.same(w.devices.control.stats().cameras.front, { opens: 1, framesDelivered: 300, open: true });
  t.same(w.records('device.camera.firstFrame')[0].data, {
    position: 'front',
    session: 1,
    fps: 30,
    colour: PICTURE_COLOURS.front,
  });
  t.equal(w.records('device.camera.firstFrame')[0].t, 83_333);
});

t.test('the delivered rate is the requested fps capped by maxFps', async (t) => {
  const w = deviceWorld({ cameras: { back: { maxFps: 15 } } });
  const { value: cam } = await settle(
    w.sim,
    w.devices.openCamera(cameraOptions({ position: 'back', fps: 30 })),
    50_000,
  );
  let n = 0;
  cam!.onFrame(() => n++);
  await w.sim.runFor(2_000_000);
  t.equal(n, 30, '15 fps for 2 s');
  t.equal(w.records('device.camera.firstFrame')[0].data.fps, 15);
  t.equal(w.records('device.camera.firstFrame')[0].t, 50_000 + 66_667);
});

t.test('each camera has its own colour and frame counter; filters shift the colour', async (t) => {
  const w = deviceWorld();
  const seen: CameraFrame[] = [];
  const front = (
    await settle(w.sim, w.devices.openCamera(cameraOptions({ beauty: 3, whiteness: 5 })), 50_000)
  ).value!;
  front.onFrame((f) => seen.push(f));
  const back = (
    await settle(w.sim, w.devices.openCamera(cameraOptions({ position: 'back', fps: 10 })), 50_000)
  ).value!;
  back.onFrame((f) => seen.push(f));
  await w.sim.runFor(200_000);
  const fronts = seen.filter((f) => f.source === 'front');
  const backs = seen.filter((f) => f.source === 'back');
  t.same(fronts[0].picture.colour, cameraColour('front', 3, 5));
  t.same(fronts[0].picture.colour, { y: 165, cb: 89, cr: 160 });
  t.same(backs[0].picture.colour, PICTURE_COLOURS.back);
  t.same(
    backs.map((f) => f.picture.frameIndex),
    [0, 1],
  );
  t.equal(fronts[0].picture.frameIndex, 0);
  front.setFilters(0, 9);
  await w.sim.runFor(40_000);
  t.same(seen.at(-1)?.picture.colour, { y: 177, cb: 80, cr: 160 }, 'filters apply from the next frame');
});

t.test('open faults reject with the scripted DeviceError code after the latency', async (t) => {
  const cases = [
    { open: 'denied', code: 'DENIED' },
    { open: 'occupied', code: 'OCCUPIED' },
    { open: 'not-found', code: 'NOT_FOUND' },
  ] as const;
  for (const c of cases) {
    const w = deviceWorld({ cameras: { back: { open: c.open, openLatencyMs: 120 } } });
    const p = w.devices.openCamera(cameraOptions({ position: 'back' }));
    const early = await settle(w.sim, Promise.race([p, Promise.resolve('pending')]), 119_000);
    t.equal(early.value, 'pending', `${c.open}: not settled before the latency`);
    const { error } = await settle(w.sim, p, 1_000);
    const e = error as DeviceError;
    t.equal(e.code, c.code, `${c.open} → ${c.code}`);
    t.equal(e.device, 'camera:back');
    t.match(e.message, /^Failed to open camera back: /);
    t.same(w.calls('openCamera'), [
      {
        device: 'camera',
        method: 'openCamera',
        position: 'back',
        args: cameraOptions({ position: 'back' }),
        result: 'error',
        error: c.code,
        message: e.message,
        calledAtMs: 0,
      },
    ]);
    t.equal(w.records('device.call')[0].t, 120_000, 'recorded when it settles');
  }
  const w = deviceWorld();
  const front = await settle(w.sim, w.devices.openCamera(cameraOptions()), 50_000);
  t.ok(front.value, 'the front camera still opens');
  const again = await settle(w.sim, w.devices.openCamera(cameraOptions()), 50_000);
  t.equal((again.error as DeviceError).code, 'OCCUPIED', 'a second open of an open camera is OCCUPIED');
  const bad = await settle(w.sim, w.devices.openCamera(cameraOptions({ position: 'back', fps: 0 })), 0);
  t.equal((bad.error as DeviceError).code, 'UNSUPPORTED', 'fps 0 is UNSUPPORTED at once');
  const side = await settle(w.sim, w.devices.openCamera(cameraOptions({ position: 'side' as never })), 0);
  t.equal((side.error as DeviceError).code, 'NOT_FOUND', 'an unknown position is NOT_FOUND');
});

t.test('a camera fails N ms after opening: onError FAILED, frames stop, recorded', async (t) => {
  const w = deviceWorld({ cameras: { front: { failAfterMs: 3000 } } });
  const cam = (await settle(w.sim, w.devices.openCamera(cameraOptions()), 50_000)).value!;
  const errors: { at: number; error: DeviceError }[] = [];
  let frames = 0;
  cam.onFrame(() => frames++);
  cam.onError((error) => errors.push({ at: w.sim.now, error }));
  await w.sim.runFor(10_000_000);
  t.equal(errors.length, 1);
  t.equal(errors[0].at, 3_050_000, 'fails 3000 ms after the open settled');
  t.equal(errors[0].error.code, 'FAILED');
  t.equal(frames, 89, 'frames until the failure, none after');
  t.same(
    w.records('device.fault').map((r) => [r.t, r.data]),
    [[3_050_000, { device: 'camera', fault: 'failed', position: 'front', session: 1 }]],
  );
  t.same(
    w.records('device.camera.stopped').map((r) => [r.t, r.data]),
    [[3_050_000, { position: 'front', session: 1, framesDelivered: 89, reason: 'failed' }]],
  );
  cam.close();
  t.same(w.calls('close').at(-1), {
    device: 'camera',
    method: 'close',
    position: 'front',
    session: 1,
    args: {},
    result: 'ok',
    state: 'failed',
    framesDelivered: 89,
  });
  t.equal(w.records('device.camera.stopped').length, 1, 'no second stopped record');
  const reopened = await settle(w.sim, w.devices.openCamera(cameraOptions()), 50_000);
  t.ok(reopened.value, 'the camera can be opened again');
});

t.test('a scripted fps drop at T slows delivery from the last frame before T', async (t) => {
  const w = deviceWorld({
    cameras: {
      front: {
        fpsChanges: [
          { atMs: 1000, maxFps: 10 },
          { atMs: 2000, maxFps: 60 },
        ],
      },
    },
  });
  const cam = (await settle(w.sim, w.devices.openCamera(cameraOptions({ fps: 25 })), 50_000)).value!;
  const at: number[] = [];
  cam.onFrame(() => at.push(w.sim.now));
  await w.sim.runUntil(3_000_000);
  const before = at.filter((x) => x < 1_000_000);
  t.equal(before.at(-1), 970_000, 'last 25 fps frame before the drop');
  const between = at.filter((x) => x >= 1_000_000 && x < 2_000_000);
  t.same(
    between,
    [
      1_070_000, 1_170_000, 1_270_000, 1_370_000, 1_470_000, 1_570_000, 1_670_000, 1_770_000, 1_870_000,
      1_970_000,
    ],
  );
  const after = at.filter((x) => x >= 2_000_000);
  t.equal(after[0], 2_010_000, 'back to min(requested 25, 60) = 25 fps: 40 ms after the last frame');
  t.same(
    w.records('device.camera.fps').map((r) => [r.t, r.data.fps]),
    [
      [1_000_000, 10],
      [2_000_000, 25],
    ],
  );
});

t.test('closing stops frames at once and records the frames delivered', async (t) => {
  const w = deviceWorld();
  const cam: CameraHandle = (await settle(w.sim, w.devices.openCamera(cameraOptions({ fps: 20 })), 50_000))
    .value!;
  let frames = 0;
  cam.onFrame(() => frames++);
  cam.setAutoFocus(false);
  cam.setFilters(2, 4);
  await w.sim.runUntil(1_050_000);
  cam.close();
  await w.sim.runFor(1_000_000);
  t.equal(frames, 20);
  cam.close();
  t.same(
    w.calls().map((d) => [d.method, d.args, d.state ?? 'open']),
    [
      ['openCamera', cameraOptions({ fps: 20 }), 'open'],
      ['setAutoFocus', { enabled: false }, 'open'],
      ['setFilters', { beauty: 2, whiteness: 4 }, 'open'],
      ['close', {}, 'open'],
      ['close', {}, 'closed'],
    ],
  );
  t.same(
    w.records('device.camera.stopped').map((r) => [r.t, r.data]),
    [[1_050_000, { position: 'front', session: 1, framesDelivered: 20, reason: 'closed' }]],
  );
  t.same(w.devices.control.stats().cameras.front, { opens: 1, framesDelivered: 20, open: false });
});

t.test('control.failCamera fails the open session now', async (t) => {
  const w = deviceWorld();
  const cam = (await settle(w.sim, w.devices.openCamera(cameraOptions()), 50_000)).value!;
  const codes: string[] = [];
  cam.onError((e) => codes.push(e.code));
  t.equal(w.devices.control.failCamera('front'), true);
  t.equal(w.devices.control.failCamera('front'), false, 'nothing open any more');
  t.equal(w.devices.control.failCamera('back'), false);
  t.same(codes, ['FAILED']);
});
