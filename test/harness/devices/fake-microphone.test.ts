import t from 'tap';
import type { DeviceError } from '../../../harness/adapter/types.js';
import { deviceWorld, settle } from './device-world.js';

t.test("blocks of 1024 samples arrive at the sample rate's exact interval", async (t) => {
  const w = deviceWorld();
  const { value: mic } = await settle(
    w.sim,
    w.devices.openMicrophone({ sampleRate: 48000, channels: 1 }),
    20_000,
  );
  const at: number[] = [];
  const samples = new Set<number>();
  mic!.onAudio((block) => {
    at.push(w.sim.now);
    samples.add(block.samples);
    if (block.t !== w.sim.now / 1000) t.fail(`block t ${block.t} is not now`);
  });
  await w.sim.runUntil(20_000 + 64_000_000);
  t.equal(at.length, 3000, '48000 / 1024 * 64 s = 3000 blocks');
  t.same(at.slice(0, 4), [41_333, 62_667, 84_000, 105_333]);
  t.equal(at[2999], 64_020_000, 'block 2999 exactly 64 s after the open: no drift');
  t.same([...samples], [1024]);
  t.same(
    w.records('device.microphone.firstBlock').map((r) => [r.t, r.data]),
    [[41_333, { session: 1, sampleRate: 48000, channels: 1 }]],
  );
  mic!.close();
  t.same(w.records('device.microphone.stopped').at(-1)?.data, {
    session: 1,
    blocksDelivered: 3000,
    reason: 'closed',
  });
  t.same(w.devices.control.stats().microphone, { opens: 1, blocksDelivered: 3000, open: false });
});

t.test('open faults: denied, occupied when already open, unsupported options', async (t) => {
  const denied = deviceWorld({ microphone: { open: 'denied' } });
  const r = await settle(
    denied.sim,
    denied.devices.openMicrophone({ sampleRate: 44100, channels: 2 }),
    20_000,
  );
  t.equal((r.error as DeviceError).code, 'DENIED');
  t.same(denied.calls('openMicrophone')[0], {
    device: 'microphone',
    method: 'openMicrophone',
    args: { sampleRate: 44100, channels: 2 },
    result: 'error',
    error: 'DENIED',
    message: 'Failed to open microphone: permission denied (scripted open: denied)',
    calledAtMs: 0,
  });
  const w = deviceWorld();
  t.ok((await settle(w.sim, w.devices.openMicrophone({ sampleRate: 44100, channels: 2 }), 20_000)).value);
  const again = await settle(w.sim, w.devices.openMicrophone({ sampleRate: 44100, channels: 2 }), 20_000);
  t.equal((again.error as DeviceError).code, 'OCCUPIED');
  const bad = await settle(w.sim, w.devices.openMicrophone({ sampleRate: 44100, channels: 3 as never }), 0);
  t.equal((bad.error as DeviceError).code, 'UNSUPPORTED');
  t.match((bad.error as Error).message, /channels is 3, expected 1 or 2/);
});

t.test('the microphone fails N ms after opening', async (t) => {
  const w = deviceWorld({ microphone: { failAfterMs: 1000, openLatencyMs: 0 } });
  const mic = (await settle(w.sim, w.devices.openMicrophone({ sampleRate: 16000, channels: 1 }), 0)).value!;
  const errors: number[] = [];
  let blocks = 0;
  mic.onAudio(() => blocks++);
  mic.onError((e) => {
    t.equal(e.code, 'FAILED');
    errors.push(w.sim.now);
  });
  await w.sim.runFor(5_000_000);
  t.same(errors, [1_000_000]);
  t.equal(blocks, 15, '16000 / 1024 = 15.6 blocks per second');
  t.same(w.records('device.fault')[0].data, { device: 'microphone', fault: 'failed', session: 1 });
  t.same(w.records('device.microphone.stopped')[0].data, {
    session: 1,
    blocksDelivered: 15,
    reason: 'failed',
  });
  t.equal(w.devices.control.failMicrophone(), false, 'already failed');
});
