import t from 'tap';
import type { VideoEncoderConfig, VideoPicture } from '../../../harness/adapter/types.js';
import { PICTURE_COLOURS } from '../../../harness/devices/index.js';
import { expectError } from '../../helpers/expect-error.js';
import { deviceWorld } from './device-world.js';

const config: VideoEncoderConfig = {
  width: 640,
  height: 360,
  fps: 30,
  gopFrames: 60,
  targetBitrateKbps: 800,
};
const picture = (frameIndex: number): VideoPicture => ({ colour: PICTURE_COLOURS.front, frameIndex });

t.test('an encoder wraps the synthetic H.264 encoder; opens and bitrate changes are recorded', async (t) => {
  const w = deviceWorld();
  const enc = w.devices.openVideoEncoder('hardware', config);
  t.equal(enc.kind, 'hardware');
  t.same(enc.config, config);
  const first = enc.encode(picture(0));
  t.equal(first.keyframe, true);
  t.equal(first.sps[0], 0x67);
  t.equal(enc.encode(picture(1)).keyframe, false);
  enc.setTargetBitrate(800);
  enc.setTargetBitrate(500);
  enc.setTargetBitrate(500);
  t.equal(enc.config.targetBitrateKbps, 500);
  expectError(t, () => enc.setTargetBitrate(Number.NaN), {
    code: 'UNSUPPORTED',
    message: /targetBitrateKbps is NaN/,
  });
  enc.close();
  t.same(w.calls(), [
    {
      device: 'videoEncoder',
      method: 'openVideoEncoder',
      kind: 'hardware',
      session: 1,
      args: { kind: 'hardware', ...config },
      result: 'ok',
    },
    {
      device: 'videoEncoder',
      method: 'setTargetBitrate',
      kind: 'hardware',
      session: 1,
      args: { kbps: 500 },
      result: 'ok',
    },
    {
      device: 'videoEncoder',
      method: 'setTargetBitrate',
      kind: 'hardware',
      session: 1,
      args: { kbps: 'NaN' },
      result: 'error',
      error: 'UNSUPPORTED',
      message:
        "Failed to set the hardware video encoder's bitrate: Failed to configure H.264 encoder: targetBitrateKbps is NaN, expected a finite number >= 0",
    },
    {
      device: 'videoEncoder',
      method: 'close',
      kind: 'hardware',
      session: 1,
      args: {},
      result: 'ok',
      framesEncoded: 2,
    },
  ]);
  t.same(w.devices.control.stats().videoEncoders.hardware, {
    opens: 1,
    framesEncoded: 2,
    open: 0,
    broken: false,
  });
});

t.test('hardware fails at open: FAILED every time; software still opens', async (t) => {
  const w = deviceWorld({ videoEncoders: { hardware: { open: 'failed' } } });
  expectError(t, () => w.devices.openVideoEncoder('hardware', config), {
    code: 'FAILED',
    message: /^Failed to open the hardware video encoder: it does not start/,
  });
  expectError(t, () => w.devices.openVideoEncoder('hardware', config), { code: 'FAILED' });
  t.equal(w.devices.openVideoEncoder('software', config).kind, 'software');
  t.same(
    w.calls('openVideoEncoder').map((d) => [d.kind, d.result, d.error ?? null]),
    [
      ['hardware', 'error', 'FAILED'],
      ['hardware', 'error', 'FAILED'],
      ['software', 'ok', null],
    ],
  );
});

t.test('an encoder fails at frame N (counted per kind over reopens) and stays broken', async (t) => {
  const w = deviceWorld({ videoEncoders: { hardware: { failAtFrame: 5 }, software: { failAtFrame: 3 } } });
  const a = w.devices.openVideoEncoder('hardware', config);
  for (let i = 0; i < 3; i++) a.encode(picture(i));
  a.close();
  const b = w.devices.openVideoEncoder('hardware', { ...config, width: 320, height: 180 });
  b.encode(picture(3));
  b.encode(picture(4));
  expectError(t, () => b.encode(picture(5)), {
    code: 'FAILED',
    message: /hardware video encoder: it fails at frame 5 \(scripted failAtFrame\)/,
  });
  expectError(t, () => b.encode(picture(6)), { code: 'FAILED', message: /stays broken/ });
  expectError(t, () => w.devices.openVideoEncoder('hardware', config), {
    code: 'FAILED',
    message: /stays broken/,
  });
  const s = w.devices.openVideoEncoder('software', config);
  for (let i = 0; i < 3; i++) s.encode(picture(i));
  expectError(t, () => s.encode(picture(3)), {
    code: 'FAILED',
    message: /software video encoder: it fails at frame 3/,
  });
  t.same(
    w.calls('encode').map((d) => [d.kind, d.args]),
    [
      ['hardware', { frame: 5, frameIndex: 5 }],
      ['hardware', { frame: 5, frameIndex: 6 }],
      ['software', { frame: 3, frameIndex: 3 }],
    ],
  );
  t.same(w.devices.control.stats().videoEncoders, {
    hardware: { opens: 2, framesEncoded: 5, open: 1, broken: true },
    software: { opens: 1, framesEncoded: 3, open: 1, broken: true },
  });
});

t.test("overload at T calls the open encoder's listeners once, then it keeps working", async (t) => {
  const w = deviceWorld({ videoEncoders: { overloadAtMs: 2000, software: { overloadAtMs: 5000 } } });
  const enc = w.devices.openVideoEncoder('hardware', config);
  const calls: number[] = [];
  enc.onOverload(() => calls.push(w.sim.now));
  await w.sim.runFor(10_000_000);
  t.same(calls, [2_000_000], 'once, at 2 s');
  t.equal(enc.encode(picture(0)).keyframe, true, 'still encodes');
  t.same(
    w.records('device.fault').map((r) => [r.t, r.data]),
    [
      [2_000_000, { device: 'videoEncoder', fault: 'overload', kind: 'hardware', session: 1, listeners: 1 }],
      [
        2_000_000,
        { device: 'videoEncoder', fault: 'overload', kind: 'software', session: null, listeners: 0 },
      ],
      [
        5_000_000,
        { device: 'videoEncoder', fault: 'overload', kind: 'software', session: null, listeners: 0 },
      ],
    ],
  );
  t.equal(w.devices.control.overloadVideoEncoders('hardware'), 1, 'control: an overload now');
  t.same(calls, [2_000_000, 10_000_000]);
});

t.test('unsupported resolutions throw UNSUPPORTED at open', async (t) => {
  const w = deviceWorld({
    videoEncoders: {
      maxPixels: 1280 * 720,
      unsupportedSizes: ['960x540'],
      software: { maxPixels: 1920 * 1080 },
    },
  });
  const fhd = { ...config, width: 1920, height: 1080 };
  expectError(t, () => w.devices.openVideoEncoder('hardware', fhd), {
    code: 'UNSUPPORTED',
    message: /1920x1080 has 2073600 pixels, more than its 921600/,
  });
  t.equal(w.devices.openVideoEncoder('software', fhd).config.width, 1920, 'a per-kind maxPixels wins');
  for (const kind of ['hardware', 'software'] as const) {
    expectError(t, () => w.devices.openVideoEncoder(kind, { ...config, width: 960, height: 540 }), {
      code: 'UNSUPPORTED',
      message: /960x540 is not supported \(scripted unsupportedSizes\)/,
    });
  }
  expectError(t, () => w.devices.openVideoEncoder('hardware', { ...config, width: 641 }), {
    code: 'UNSUPPORTED',
    message: /width is 641, expected an even number/,
  });
  expectError(t, () => w.devices.openVideoEncoder('quantum' as never, config), { code: 'NOT_FOUND' });
  t.same(
    w.calls('openVideoEncoder').map((d) => d.error ?? 'ok'),
    ['UNSUPPORTED', 'ok', 'UNSUPPORTED', 'UNSUPPORTED', 'UNSUPPORTED', 'NOT_FOUND'],
  );
});

t.test('calls on a closed encoder: encode throws FAILED, all are recorded with state closed', async (t) => {
  const w = deviceWorld();
  const enc = w.devices.openVideoEncoder('software', config);
  enc.close();
  expectError(t, () => enc.encode(picture(0)), { code: 'FAILED', message: /the handle is closed/ });
  enc.setTargetBitrate(100);
  t.same(
    w
      .calls()
      .slice(1)
      .map((d) => [d.method, d.state, d.result]),
    [
      ['close', undefined, 'ok'],
      ['encode', 'closed', 'error'],
      ['setTargetBitrate', 'closed', 'ok'],
    ],
  );
  expectError(
    t,
    () =>
      w.devices
        .openVideoEncoder('software', config)
        .encode({ colour: { y: 300, cb: 0, cr: 0 }, frameIndex: 0 }),
    {
      code: 'FAILED',
      message: /colour.y is 300/,
    },
  );
});
