import t from 'tap';
import {
  attemptEventOrder,
  audioEncoderFailed,
  cameraFailed,
  cameraOpened,
  connectFailed,
  connectSucceeded,
  criticalEndsPush,
  devicesBeforeNetwork,
  dnsFailed,
  encoderOverload,
  failureFollowedByRetry,
  handshakeFailed,
  hardwareEncoderFallback,
  microphoneFailed,
  netBusyPace,
  netBusyWarned,
  noFalseNetBusy,
  pushBegins,
  reconnectAnnounced,
  reconnectExhausted,
  serverClosed,
  socketFailed,
  softwareEncoderFailed,
  unsupportedResolution,
  unsupportedSampleRate,
} from '../../../harness/oracles/events.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { ADDRESS, cleanPush, closeAll, Story, startedPush } from './push-story.js';
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

/** A push whose attempts fail as `fail(s, atMs)` says, 3 s apart, with 1102 after each and -1307 last. */
function failingPush(
  failOne: (s: Story, at: number) => number,
  o: { attempts?: number; n1102?: boolean; end1307?: boolean } = {},
): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  const attempts = o.attempts ?? 4;
  let at = 70;
  for (let i = 0; i < attempts; i++) {
    const failedAt = failOne(s, at);
    if (i < attempts - 1) {
      if (o.n1102 !== false) s.event(failedAt, 1102);
    } else if (o.end1307 !== false) {
      s.event(failedAt, -1307);
      closeAll(s, failedAt, d);
    }
    at = failedAt + 3000;
  }
  s.end(20_000);
  return s.build();
}

const refusedAttempt =
  (code = 3002) =>
  (s: Story, at: number) => {
    s.dns(at, ADDRESS);
    const c = s.connect(at, 'refused');
    s.refused(at, c);
    s.event(at, code);
    return at;
  };

t.test('events/connect/1: one 1001 per established connection', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, connectSucceeded, good.build(), 'pass', 'clean push');
  const missing = new Story().begin();
  missing.op(0, 'start');
  missing.devices(0);
  missing.attempt(70, { events: false });
  is(t, connectSucceeded, missing.build(), 'fail', 'no 1001');
  const extra = new Story().begin();
  extra.event(100, 1001);
  is(t, connectSucceeded, extra.build(), 'fail', '1001 without a connection');
  is(t, connectSucceeded, new Story().begin().build(), 'not-applicable', 'no connection');
});

/** start() at 0, connected (and 1001) at 80 ms. */
function connectedAt80() {
  const s = new Story().begin();
  s.op(0, 'start');
  s.devices(0);
  s.dns(70, ADDRESS);
  const c = s.connect(70);
  s.connected(80, c);
  s.event(80, 1001);
  return { s, c };
}

t.test('events/push-begin/1: one 1002 per accepted publish, after 1001, before media', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, pushBegins, good.build(), 'pass', 'clean push');
  const { s: early, c } = connectedAt80();
  early.handshake(90, c);
  early.accepted(100, c);
  early.add(105, 'wire.firstMedia', { conn: c, type: 'video', ts: 0 });
  early.event(120, 1002);
  is(t, pushBegins, early.build(), 'fail', 'media before 1002');
  const noAccept = new Story().begin();
  noAccept.event(100, 1002);
  is(t, pushBegins, noAccept.build(), 'fail', '1002 without a Publish.Start');
  is(t, pushBegins, new Story().begin().build(), 'not-applicable', 'nothing published');
});

/** Connected and handshaken, every downlink byte delivered; the server writes its 156-byte answer at 100 ms. */
function answerAt100() {
  const { s, c } = connectedAt80();
  s.add(85, 'net.send', { link: 'downlink', conn: c, bytes: 3073 });
  s.add(90, 'net.deliver', { link: 'downlink', conn: c, bytes: 3073 });
  s.handshake(90, c);
  s.add(100, 'net.send', { link: 'downlink', conn: c, bytes: 156 });
  return { s, c };
}

t.test("events/push-begin/1: E runs from the answer's delivery to the pusher", async (t) => {
  /** Publish accepted at 100 ms; the answer (156 bytes) delivered at `deliveredAt` (null: never). */
  const build = (deliveredAt: number | null, beginAt: number | null, resetAt?: number) => {
    const { s, c } = answerAt100();
    s.accepted(100, c);
    if (deliveredAt !== null) s.add(deliveredAt, 'net.deliver', { link: 'downlink', conn: c, bytes: 156 });
    if (beginAt !== null) s.event(beginAt, 1002);
    if (resetAt !== undefined) {
      s.reset(resetAt, c);
      s.event(resetAt, 3005);
    }
    s.end(20_000);
    return s.build();
  };
  is(t, pushBegins, build(2600, 2650), 'pass', 'answer delayed 2.5 s by the downlink, 1002 at once');
  is(t, pushBegins, build(2600, 3700), 'fail', '1002 1.1 s after the answer arrived');
  is(t, pushBegins, build(null, null, 900), 'indeterminate', 'the answer was lost with the connection');
});

t.test(
  'events/push-begin/1: a server record stamped after its answer reached the pusher (live mode)',
  async (t) => {
    // The live server's records come over IPC and are stamped on arrival: here 25 ms after the proxy
    // delivered the server's answer, and 20 ms after the pusher's prompt 1002.
    const { s, c } = answerAt100();
    s.add(105, 'net.deliver', { link: 'downlink', conn: c, bytes: 156 });
    s.event(110, 1002);
    s.accepted(130, c);
    s.end(20_000);
    is(t, pushBegins, s.build(), 'pass', 'the 1002 follows the answer, not the late record');
  },
);

t.test('events/camera/1: one 1003 per camera open; a late open after stop is closed silently', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, cameraOpened, good.build(), 'pass', 'clean push');
  const missing = new Story().begin();
  missing.op(0, 'start');
  missing.open(50, 'camera', { autoFocus: true }, { position: 'front' }, 0);
  is(t, cameraOpened, missing.build(), 'fail', 'no 1003');
  const orphan = new Story().begin();
  orphan.op(0, 'start');
  orphan.op(300, 'stop');
  const cam = orphan.open(800, 'camera', {}, { position: 'front' }, 0);
  orphan.close(800, 'camera', cam, { position: 'front' });
  is(t, cameraOpened, orphan.build(), 'pass', 'open after stop closed without 1003');
  const orphan1003 = new Story().begin();
  orphan1003.op(0, 'start');
  orphan1003.op(300, 'stop');
  orphan1003.open(800, 'camera', {}, { position: 'front' }, 0);
  orphan1003.event(800, 1003);
  is(t, cameraOpened, orphan1003.build(), 'fail', 'open after stop announced and left open');
  // start, stop at once (the camera opens late and is closed silently), start again 300 ms later: the new
  // push's camera and its 1003 are not the late open's.
  const restart = new Story().begin();
  restart.op(0, 'start');
  restart.op(0, 'stop');
  const late = restart.open(50, 'camera', {}, { position: 'front' });
  restart.close(50, 'camera', late, { position: 'front' });
  restart.op(300, 'start');
  restart.open(350, 'camera', {}, { position: 'front' });
  restart.event(350, 1003);
  restart.end(2000);
  is(t, cameraOpened, restart.build(), 'pass', "the restarted push's 1003 is its own camera's");
  is(t, cameraOpened, new Story().begin().build(), 'not-applicable', 'no camera');
});

t.test('events/camera/2 and events/microphone/1: device failures are critical errors', async (t) => {
  const denied = new Story().begin();
  denied.op(0, 'start');
  denied.failOpen(50, 'camera', 'DENIED', { position: 'front' }, 0);
  denied.event(50, -1301);
  is(t, cameraFailed, denied.build(), 'pass', 'denied → -1301');
  const silent = new Story().begin();
  silent.op(0, 'start');
  silent.failOpen(50, 'camera', 'DENIED', { position: 'front' }, 0);
  is(t, cameraFailed, silent.build(), 'fail', 'denied without -1301');
  const midPush = new Story().begin();
  midPush.op(0, 'start');
  const d = cleanPush(midPush, 0, 1000);
  midPush.fault(1050, 'camera', 'failed', d.camera as number, { position: 'front' });
  midPush.event(1050, -1301);
  is(t, cameraFailed, midPush.build(), 'pass', 'open camera fails → -1301');
  const switchFails = new Story().begin();
  switchFails.op(0, 'start');
  cleanPush(switchFails, 0, 3000);
  switchFails.op(1000, 'switchCamera', false, 'switchCamera:fail denied', {}, 1050);
  switchFails.failOpen(1050, 'camera', 'DENIED', { position: 'back' }, 1000);
  is(t, cameraFailed, switchFails.build(), 'not-applicable', 'a failed switch is not a camera failure');

  const mic = new Story().begin();
  mic.op(0, 'start');
  mic.failOpen(70, 'microphone', 'DENIED', {}, 50);
  mic.event(70, -1302);
  is(t, microphoneFailed, mic.build(), 'pass', 'microphone denied → -1302');
  const micLate = new Story().begin();
  micLate.op(0, 'start');
  micLate.failOpen(70, 'microphone', 'DENIED', {}, 50);
  micLate.event(1500, -1302);
  is(t, microphoneFailed, micLate.build(), 'fail', '-1302 after E');
  is(t, microphoneFailed, new Story().begin().build(), 'not-applicable', 'no failure');
});

/** A push whose hardware encoder fails to encode at `failAt` ms; `after` scripts the pusher's reaction. */
function hardwareFailure(after: (s: Story, failAt: number) => void): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  s.attempt(70);
  s.media(110, 1000);
  s.failEncode(1000, 'videoEncoder', d.video, 'hardware');
  after(s, 1000);
  s.end(4000);
  return s.build();
}

t.test('events/encoder/1: a hardware failure gives 1103, a software encoder and a keyframe', async (t) => {
  const good = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.open(
      at,
      'videoEncoder',
      { kind: 'software', width: 544, height: 960, targetBitrateKbps: 1000 },
      { kind: 'software' },
    );
    s.tag(at + 20, 'video', { keyframe: true });
    s.tag(at + 86, 'video');
  });
  is(t, hardwareEncoderFallback, good, 'pass', '1103, software, keyframe');
  const noKey = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.open(at, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
    s.tag(at + 20, 'video', { keyframe: false });
  });
  is(t, hardwareEncoderFallback, noKey, 'fail', 'next frame not a keyframe');
  const critical = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.event(at, -1303);
  });
  is(t, hardwareEncoderFallback, critical, 'fail', 'no software encoder');
  // The software encoder is tried but refuses to open: the fallback happened; the rest is -1303's.
  const swRefused = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.failOpen(at, 'videoEncoder', 'FAILED', { kind: 'software' });
    s.event(at, -1303);
  });
  is(t, hardwareEncoderFallback, swRefused, 'indeterminate', 'software encoder refused to open');
  // Another device refuses to open right after: its critical error is not this failure's.
  const camDenied = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.open(at, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
    s.failOpen(at + 50, 'camera', 'DENIED', { position: 'front' });
    s.event(at + 50, -1301);
    s.tag(at + 20, 'video', { keyframe: true });
  });
  is(t, hardwareEncoderFallback, camDenied, 'pass', 'the camera denied: its own -1301');
  // A P-frame captured before the failure arrives after it (it was queued): judged by capture time.
  const queued = hardwareFailure((s, at) => {
    s.event(at, 1103);
    s.open(at, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
    s.tag(at + 300, 'video', { keyframe: false, ts: at - 50 });
    s.tag(at + 350, 'video', { keyframe: true, ts: at + 20 });
  });
  is(t, hardwareEncoderFallback, queued, 'pass', 'a queued pre-failure P-frame, then the keyframe');
  // Paused at the failure: no video is due, whatever the next frame is.
  const paused = hardwareFailure((s, at) => {
    s.op(at - 100, 'pause');
    s.event(at, 1103);
    s.open(at, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
  });
  is(t, hardwareEncoderFallback, paused, 'indeterminate', 'paused: video cannot be judged');
  // The uplink down from the failure for 3 s: queued P-frames arrive first, after the outage.
  const outage = hardwareFailure((s, at) => {
    s.add(0, 'net.link', {
      link: 'uplink',
      segments: [
        { atUs: 0, kbps: 10_000 },
        { atUs: at * 1000, kbps: 0 },
        { atUs: (at + 3000) * 1000, kbps: 10_000 },
      ],
      delayUs: 0,
      jitterUs: 0,
    });
    s.event(at, 1103);
    s.open(at, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
    s.tag(at + 3000, 'video', { keyframe: false });
    s.tag(at + 3000, 'video', { keyframe: true });
  });
  is(t, hardwareEncoderFallback, outage, 'indeterminate', 'a link outage holds the frames back');
  is(t, hardwareEncoderFallback, new Story().begin().build(), 'not-applicable', 'no failure');
});

t.test('events/encoder/2..5: encoder failures map to -1303, -1304, -1305, -1306', async (t) => {
  const sw = new Story().begin();
  sw.op(0, 'start');
  sw.failOpen(0, 'videoEncoder', 'FAILED', { kind: 'hardware' });
  sw.event(0, 1103);
  const soft = sw.open(0, 'videoEncoder', { kind: 'software' }, { kind: 'software' });
  sw.failEncode(1500, 'videoEncoder', soft, 'software');
  const swOk = new Story();
  is(t, softwareEncoderFailed, [...sw.build()], 'fail', 'software fails without -1303');
  sw.event(1500, -1303);
  is(t, softwareEncoderFailed, sw.build(), 'pass', 'software fails → -1303');
  is(t, softwareEncoderFailed, swOk.begin().build(), 'not-applicable', 'no failure');

  const audio = new Story().begin();
  audio.op(0, 'start');
  const a = audio.open(0, 'audioEncoder', { sampleRate: 16000 });
  audio.failEncode(1500, 'audioEncoder', a);
  is(t, audioEncoderFailed, audio.build(), 'fail', 'audio encode fails without -1304');
  audio.event(1500, -1304);
  is(t, audioEncoderFailed, audio.build(), 'pass', 'audio encode fails → -1304');
  is(t, audioEncoderFailed, new Story().begin().build(), 'not-applicable', 'no failure');

  const res = new Story().begin();
  res.op(0, 'start');
  res.failOpen(0, 'videoEncoder', 'UNSUPPORTED', { kind: 'hardware' });
  res.event(0, -1305);
  is(t, unsupportedResolution, res.build(), 'pass', 'unsupported → -1305');
  res.event(0, 1103);
  is(t, unsupportedResolution, res.build(), 'fail', 'unsupported reported as 1103 too');
  is(t, unsupportedResolution, new Story().begin().build(), 'not-applicable', 'no refusal');

  const rate = new Story().begin();
  rate.op(0, 'start');
  rate.failOpen(0, 'audioEncoder', 'UNSUPPORTED');
  rate.event(0, -1304);
  is(t, unsupportedSampleRate, rate.build(), 'fail', 'unsupported rate reported as -1304');
  const rateOk = new Story().begin();
  rateOk.op(0, 'start');
  rateOk.failOpen(0, 'audioEncoder', 'UNSUPPORTED');
  rateOk.event(0, -1306);
  is(t, unsupportedSampleRate, rateOk.build(), 'pass', 'unsupported rate → -1306');
  is(t, unsupportedSampleRate, new Story().begin().build(), 'not-applicable', 'no refusal');
});

t.test('events/encoder/6: overload switches encoders with 1107 unless the other kind failed', async (t) => {
  const build = (react: boolean, otherFailed: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    if (otherFailed) {
      s.failOpen(0, 'videoEncoder', 'FAILED', { kind: 'hardware' });
      s.event(0, 1103);
    }
    const kind = otherFailed ? 'software' : 'hardware';
    const v = s.open(0, 'videoEncoder', { kind }, { kind });
    s.attempt(70);
    s.media(110, 3000, { headers: true });
    s.fault(2000, 'videoEncoder', 'overload', v, { kind });
    if (react) {
      const other = kind === 'hardware' ? 'software' : 'hardware';
      s.event(2000, 1107);
      s.close(2000, 'videoEncoder', v, { kind });
      s.open(2000, 'videoEncoder', { kind: other }, { kind: other });
      s.tag(2010, 'video', { keyframe: true });
    }
    s.end(3000);
    return s.build();
  };
  is(t, encoderOverload, build(true, false), 'pass', 'hardware overloaded → 1107, software');
  is(t, encoderOverload, build(false, false), 'fail', 'overload ignored');
  is(t, encoderOverload, build(false, true), 'pass', 'no usable other kind: no switch');
  is(t, encoderOverload, build(true, true), 'fail', 'switched to the failed kind');
  is(t, encoderOverload, new Story().begin().build(), 'not-applicable', 'no overload');
});

t.test('events/network/1..5: each failure has its code within E', async (t) => {
  const dns = failingPush((s, at) => {
    s.dns(at, { error: 'NXDOMAIN' });
    s.event(at, 3001);
    return at;
  });
  is(t, dnsFailed, dns, 'pass', 'NXDOMAIN → 3001');
  const dnsWrong = failingPush((s, at) => {
    s.dns(at, { error: 'NXDOMAIN' });
    s.event(at, 3002);
    return at;
  });
  is(t, dnsFailed, dnsWrong, 'fail', 'NXDOMAIN reported as 3002');
  is(t, dnsFailed, failingPush(refusedAttempt()), 'not-applicable', 'no DNS failure');

  is(t, connectFailed, failingPush(refusedAttempt()), 'pass', 'refused → 3002');
  is(t, connectFailed, failingPush(refusedAttempt(3005)), 'fail', 'refused reported as 3005');
  const blackHole = (code: number, after: number) =>
    failingPush(
      (s, at) => {
        s.dns(at, ADDRESS);
        const c = s.connect(at, 'timeout');
        s.add(at + after, 'net.fin', { link: 'uplink', conn: c });
        s.event(at + after, code);
        return at + after;
      },
      { attempts: 1 },
    );
  is(t, connectFailed, blackHole(3002, 10_000), 'pass', 'unanswered connect → 3002 at 10 s');
  is(t, connectFailed, blackHole(3003, 10_000), 'fail', 'unanswered connect reported as 3003');
  is(t, connectFailed, dns, 'not-applicable', 'no connect failure');

  const handshake = (code: number) =>
    failingPush((s, at) => {
      s.dns(at, ADDRESS);
      const c = s.connect(at);
      s.connected(at, c);
      s.event(at, 1001);
      s.add(at, 'wire.handshake', { conn: c, event: 'c0c1' });
      s.serverClose(at + 5, c);
      s.event(at + 5, code);
      return at + 5;
    });
  is(t, handshakeFailed, handshake(3003), 'pass', 'closed before S2 → 3003');
  is(t, handshakeFailed, handshake(3004), 'fail', 'closed before S2 reported as 3004');
  is(t, handshakeFailed, dns, 'not-applicable', 'no handshake failure');

  const after = (close: 'fin' | 'reset', code: number) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.devices(0);
    const c = s.attempt(70);
    s.media(110, 2000);
    if (close === 'fin') s.serverClose(2000, c);
    else s.reset(2000, c);
    s.event(2000, code);
    s.event(2000, 1102);
    s.end(4000);
    return s.build();
  };
  is(t, serverClosed, after('fin', 3004), 'pass', 'server FIN → 3004');
  is(t, serverClosed, after('fin', 3005), 'fail', 'server FIN reported as 3005');
  is(t, serverClosed, after('reset', 3005), 'not-applicable', 'no orderly close');
  is(t, socketFailed, after('reset', 3005), 'pass', 'RST → 3005');
  is(t, socketFailed, after('reset', 3004), 'fail', 'RST reported as 3004');
  is(t, socketFailed, after('fin', 3004), 'not-applicable', 'no reset');
});

t.test('events/reconnect/1..3: 1102 before each retry, then exactly one -1307 after N', async (t) => {
  const good = failingPush(refusedAttempt());
  is(t, reconnectAnnounced, good, 'pass', '1102 before each of 3 retries');
  is(t, failureFollowedByRetry, good, 'pass', 'every code followed by 1102 or -1307');
  is(t, reconnectExhausted, good, 'pass', '-1307 after the third failed reconnection');
  const silent = failingPush(refusedAttempt(), { n1102: false });
  is(t, reconnectAnnounced, silent, 'fail', 'retries without 1102');
  is(t, failureFollowedByRetry, silent, 'fail', 'codes followed by nothing');
  const early = failingPush(refusedAttempt(), { attempts: 3 });
  is(t, reconnectExhausted, early, 'fail', '-1307 after two reconnections');
  const never = failingPush(refusedAttempt(), { end1307: false });
  is(t, reconnectExhausted, never, 'fail', 'no -1307');
  // A DNS failure announced with 1102, then a critical error (the microphone) before the retry starts.
  const critical = new Story().begin();
  critical.op(0, 'start');
  const d = critical.devices(0);
  critical.dns(70, { error: 'SERVFAIL' });
  critical.event(70, 3001);
  critical.event(70, 1102);
  critical.fault(1000, 'microphone', 'failed', d.mic as number);
  critical.event(1000, -1302);
  closeAll(critical, 1000, d);
  critical.end(10_000);
  is(t, reconnectAnnounced, critical.build(), 'pass', 'a critical error ended the push before the retry');
  const clean = new Story().begin();
  startedPush(clean);
  is(t, reconnectAnnounced, clean.build(), 'not-applicable', 'no reconnection');
  is(t, failureFollowedByRetry, clean.build(), 'not-applicable', 'no failure code');
  is(t, reconnectExhausted, clean.build(), 'not-applicable', 'no exhaustion');
});

/** Publishing on an uplink of `kbps` from 0, then `later` from 2 s, with 1101 at the given times. */
function busyTrace(
  steps: { atUs: number; kbps: number }[],
  warnings: number[],
  until = 30_000,
  quiet: { pauseAt?: number; resumeAt?: number; backgroundAt?: number; cameraOffAt?: number } = {},
): TraceRecord[] {
  const s = new Story().begin({ url: 'rtmp://media.lpc.test/live/s1' });
  s.add(0, 'net.link', { link: 'uplink', segments: steps, delayUs: 0, jitterUs: 0 });
  s.op(0, 'start');
  s.devices(0);
  s.attempt(70);
  s.media(110, until);
  if (quiet.pauseAt !== undefined) s.op(quiet.pauseAt, 'pause');
  if (quiet.resumeAt !== undefined) s.op(quiet.resumeAt, 'resume');
  if (quiet.backgroundAt !== undefined) s.app(quiet.backgroundAt, 'background');
  if (quiet.cameraOffAt !== undefined) s.attributes(quiet.cameraOffAt, { enableCamera: false });
  for (const w of warnings) s.event(w, 1101);
  s.end(until);
  return s.build();
}

t.test(
  'events/net-busy/1..3: 1101 when min-bitrate does not fit, paced, none on a good network',
  async (t) => {
    const poor = [
      { atUs: 0, kbps: 2000 },
      { atUs: 2_000_000, kbps: 100 },
    ];
    is(t, netBusyWarned, busyTrace(poor, [5000, 15_000, 25_000]), 'pass', '1101 3 s into the drop');
    is(t, netBusyWarned, busyTrace(poor, [14_000]), 'fail', '1101 12 s into the drop');
    is(t, netBusyWarned, busyTrace([{ atUs: 0, kbps: 2000 }], []), 'not-applicable', 'good network');
    is(t, netBusyPace, busyTrace(poor, [5000, 15_000, 25_000]), 'pass', 'every 10 s');
    is(t, netBusyPace, busyTrace(poor, [5000, 8000]), 'fail', '3 s apart');
    is(t, netBusyPace, busyTrace(poor, [5000, 29_000]), 'fail', '24 s apart while poor');
    is(t, netBusyPace, busyTrace([{ atUs: 0, kbps: 2000 }], []), 'not-applicable', 'no 1101');
    is(t, noFalseNetBusy, busyTrace([{ atUs: 0, kbps: 2000 }], []), 'pass', 'good network, no 1101');
    is(t, noFalseNetBusy, busyTrace([{ atUs: 0, kbps: 2000 }], [15_000]), 'fail', '1101 on a good network');
    is(
      t,
      noFalseNetBusy,
      busyTrace([{ atUs: 0, kbps: 100 }], [5000]),
      'not-applicable',
      'never a good network',
    );
  },
);

t.test('events/net-busy/1, /2: not judged while no camera video is pushed', async (t) => {
  const poor = [
    { atUs: 0, kbps: 2000 },
    { atUs: 2_000_000, kbps: 100 },
  ];
  // Paused at 1 s for the rest of the case: the pusher sends nothing, so it cannot see the poor link.
  is(t, netBusyWarned, busyTrace(poor, [], 30_000, { pauseAt: 1000 }), 'indeterminate', 'paused');
  is(t, netBusyWarned, busyTrace(poor, [], 30_000, { backgroundAt: 1000 }), 'indeterminate', 'background');
  is(
    t,
    netBusyWarned,
    busyTrace(poor, [], 30_000, { cameraOffAt: 1000 }),
    'indeterminate',
    'camera disabled',
  );
  is(
    t,
    netBusyPace,
    busyTrace(poor, [5000, 29_000], 30_000, { pauseAt: 5500 }),
    'pass',
    'paused: 24 s apart is no gap',
  );
  // Resumed at 8 s: the 10 s run from the resume, 1101 due by 18 s.
  is(
    t,
    netBusyWarned,
    busyTrace(poor, [15_000], 30_000, { pauseAt: 1000, resumeAt: 8000 }),
    'pass',
    'warned 7 s after the resume',
  );
  is(
    t,
    netBusyWarned,
    busyTrace(poor, [], 30_000, { pauseAt: 1000, resumeAt: 8000 }),
    'fail',
    'no warning after the resume',
  );
});

t.test('events/critical/1: a critical error closes everything and nothing follows', async (t) => {
  const build = (o: { leak?: boolean; later?: boolean }) => {
    const s = new Story().begin();
    s.op(0, 'start');
    const d = cleanPush(s, 0, 1000);
    s.fault(1000, 'microphone', 'failed', d.mic as number);
    s.event(1000, -1302);
    if (o.leak) closeAll(s, 1000, { ...d, camera: undefined });
    else closeAll(s, 1000, d);
    s.pusherClose(1000, d.conn);
    if (o.later) s.event(1500, 1102);
    s.end(3000);
    return s.build();
  };
  is(t, criticalEndsPush, build({}), 'pass', 'all closed');
  is(t, criticalEndsPush, build({ leak: true }), 'fail', 'camera left open');
  is(t, criticalEndsPush, build({ later: true }), 'fail', 'an event after the error');
  is(t, criticalEndsPush, failingPush(refusedAttempt()), 'not-applicable', 'no critical error');
});

t.test('events/order/1: devices settle before the first network activity', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, devicesBeforeNetwork, good.build(), 'pass', 'devices first');
  const racing = new Story().begin();
  racing.op(0, 'start');
  racing.open(0, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
  racing.dns(10, ADDRESS);
  racing.open(50, 'camera', {}, { position: 'front' }, 0);
  racing.event(50, 1003);
  is(t, devicesBeforeNetwork, racing.build(), 'fail', 'network before the camera settled');
  const deniedButConnects = new Story().begin();
  deniedButConnects.op(0, 'start');
  deniedButConnects.failOpen(50, 'camera', 'DENIED', { position: 'front' }, 0);
  deniedButConnects.dns(60, ADDRESS);
  is(t, devicesBeforeNetwork, deniedButConnects.build(), 'fail', 'network after a failed camera');
  is(t, devicesBeforeNetwork, new Story().begin().build(), 'not-applicable', 'no push');
});

t.test('events/order/2: per attempt, events follow the connection life', async (t) => {
  is(
    t,
    attemptEventOrder,
    failingPush(refusedAttempt()),
    'pass',
    'refused attempts: 3002 1102 ... 3002 -1307',
  );
  const swapped = new Story().begin();
  swapped.op(0, 'start');
  swapped.devices(0);
  swapped.dns(70, ADDRESS);
  const c = swapped.connect(70);
  swapped.connected(80, c);
  swapped.event(80, 1002);
  swapped.event(80, 1001);
  swapped.end(2000);
  is(t, attemptEventOrder, swapped.build(), 'fail', '1002 before 1001');
  const double = failingPush((s, at) => {
    refusedAttempt()(s, at);
    s.event(at, 3002);
    return at;
  });
  is(t, attemptEventOrder, double, 'fail', 'two codes for one failure');
  // A half-open connection after the handshake: the pusher gives up on its own timeout with 3005.
  const silent = (fault: string) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.devices(0);
    s.dns(70, ADDRESS);
    const c = s.connect(70, fault);
    s.connected(80, c);
    s.event(80, 1001);
    s.handshake(90, c);
    s.command(100, c, 'publish', [null, 's1', 'live']);
    s.pusherClose(10_100, c);
    s.event(10_100, 3005);
    s.event(10_100, 1102);
    s.attempt(13_100);
    s.end(20_000);
    return s.build();
  };
  is(t, attemptEventOrder, silent('half-open'), 'pass', 'gave up on a half-open connection: 3005');
  is(t, reconnectAnnounced, silent('half-open'), 'pass', 'the next attempt is a reconnection');
  is(t, attemptEventOrder, silent('none'), 'fail', 'closed a healthy connection and reported 3005');
  is(t, attemptEventOrder, new Story().begin().build(), 'not-applicable', 'no attempt');
});

t.test('the reference pusher passes events/camera-denied, events/auth-rejected', async (t) => {
  const { problems: p0 } = await referenceVerdicts('events/camera-denied.yaml');
  t.same(p0, [], 'events/camera-denied');
  const { problems: p1 } = await referenceVerdicts('events/auth-rejected.yaml');
  t.same(p1, [], 'events/auth-rejected');
});
