import t from 'tap';
import {
  devicesReleased,
  encoderMatchesStream,
  frontCameraFirst,
  hardwareFirst,
  microphoneMatchesTrack,
  noHardwareRetry,
  oneCameraAtATime,
} from '../../../harness/oracles/devices.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { closeAll, Story, startedPush } from './push-story.js';
import { referenceVerdicts } from './reference-run.js';

function is(
  tt: { equal(a: unknown, b: unknown, m: string): unknown },
  check: Check,
  trace: TraceRecord[],
  status: string,
  name: string,
): void {
  const o = check.evaluate(trace);
  tt.equal(o.status, status, `${name}: ${o.summary}`);
}

const clean = () => {
  const s = new Story().begin();
  startedPush(s);
  return s.build();
};

t.test('devices/camera/1: front first, back after an odd number of switches', async (t) => {
  is(t, frontCameraFirst, clean(), 'pass', 'front');
  const back = new Story().begin();
  back.op(0, 'switchCamera');
  back.op(100, 'start');
  back.devices(100, { position: 'back' });
  is(t, frontCameraFirst, back.build(), 'pass', 'back after one switch');
  const wrong = new Story().begin();
  wrong.op(0, 'start');
  wrong.devices(0, { position: 'back' });
  is(t, frontCameraFirst, wrong.build(), 'fail', 'back without a switch');
  is(t, frontCameraFirst, new Story().begin().build(), 'not-applicable', 'no camera');
});

t.test('devices/camera/2: one camera at a time except during a switch', async (t) => {
  const build = (closeAfterMs: number, duringSwitch: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    const d = s.devices(0);
    s.attempt(70);
    if (duringSwitch) s.op(2000, 'switchCamera', true, 'switchCamera:ok', {}, 2050);
    s.open(2050, 'camera', {}, { position: 'back' }, 2000);
    s.close(2050 + closeAfterMs, 'camera', d.camera as number, { position: 'front' });
    s.end(5000);
    return s.build();
  };
  is(t, oneCameraAtATime, build(0, true), 'pass', 'switch closes the old camera at once');
  is(t, oneCameraAtATime, build(2000, true), 'fail', 'both open for 2 s');
  is(t, oneCameraAtATime, build(0, false), 'fail', 'second camera outside a switch');
  is(t, oneCameraAtATime, clean(), 'not-applicable', 'one camera');
});

t.test('devices/release/1: every handle closed within E of the end of its push', async (t) => {
  is(t, devicesReleased, clean(), 'pass', 'stop() closes everything');
  const leak = new Story().begin();
  leak.op(0, 'start');
  const d = leak.devices(0);
  leak.attempt(70);
  leak.op(3000, 'stop');
  closeAll(leak, 3000, { ...d, mic: undefined });
  leak.end(5000);
  is(t, devicesReleased, leak.build(), 'fail', 'microphone left open');
  is(t, devicesReleased, new Story().begin().build(), 'not-applicable', 'no device');
});

t.test('devices/encoder/1..2: hardware first, never again after 1103', async (t) => {
  is(t, hardwareFirst, clean(), 'pass', 'hardware');
  const software = new Story().begin();
  software.op(0, 'start');
  software.open(0, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
  is(t, hardwareFirst, software.build(), 'fail', 'software first');
  is(t, hardwareFirst, new Story().begin().build(), 'not-applicable', 'no encoder');

  const retry = (again: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.failOpen(0, 'videoEncoder', 'FAILED', { kind: 'hardware' });
    s.event(0, 1103);
    s.open(0, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
    if (again) s.open(3000, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
    return s.build();
  };
  is(t, noHardwareRetry, retry(false), 'pass', 'software for the rest of the push');
  is(t, noHardwareRetry, retry(true), 'fail', 'hardware again after 1103');
  is(t, noHardwareRetry, clean(), 'not-applicable', 'no 1103');
});

t.test('devices/encoder/3 and microphone/1: the stream matches the devices', async (t) => {
  is(t, encoderMatchesStream, clean(), 'pass', '544x960 from a 544x960 encoder');
  const mismatch = new Story().begin();
  mismatch.op(0, 'start');
  mismatch.devices(0, { width: 368, height: 656 });
  mismatch.attempt(70);
  mismatch.media(110, 3000);
  is(t, encoderMatchesStream, mismatch.build(), 'fail', 'a 544x960 SPS from a 368x656 encoder');
  is(t, encoderMatchesStream, new Story().begin().build(), 'not-applicable', 'no sequence header');

  is(t, microphoneMatchesTrack, clean(), 'pass', '16 kHz mono both');
  const relabelled = new Story().begin();
  relabelled.op(0, 'start');
  relabelled.devices(0);
  relabelled.attempt(70);
  relabelled.media(110, 3000, { sampleRate: 48_000, channels: 2 });
  is(t, microphoneMatchesTrack, relabelled.build(), 'fail', '16 kHz microphone, 48 kHz track');
  is(t, microphoneMatchesTrack, new Story().begin().build(), 'not-applicable', 'no microphone');
});

t.test('the reference pusher passes devices/stop-while-camera-opens', async (t) => {
  const { problems: p0 } = await referenceVerdicts('devices/stop-while-camera-opens.yaml');
  t.same(p0, [], 'devices/stop-while-camera-opens');
});
