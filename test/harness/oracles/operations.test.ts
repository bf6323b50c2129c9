import t from 'tap';
import {
  callbacksConvention,
  failedSwitchKeepsCamera,
  idleOperationsHarmless,
  pauseKeepsConnection,
  restartAfterFailure,
  resumeRestartsMedia,
  snapshotBeforePicture,
  snapshotShowsPicture,
  startAccepts,
  startIdempotent,
  stopCancelsReconnect,
  stopEndsCleanly,
  switchCameraSwaps,
} from '../../../harness/oracles/operations.js';
import type { Check } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { ADDRESS, cleanPush, closeAll, Story, startedPush, URL } from './push-story.js';
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

/** A push from start() at 0; `during` adds what happens while it publishes; stopped at 8 s. */
function pushWith(
  during: (s: Story, d: ReturnType<typeof cleanPush>) => void,
  o: { media?: boolean } = {},
): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  const conn = s.attempt(70);
  if (o.media !== false) s.media(110, 8000);
  during(s, { ...d, conn });
  s.end(8000);
  return s.build();
}

t.test('operations/start/1: start() with a valid url settles start:ok within E', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, startAccepts, good.build(), 'pass', 'start:ok');
  const slow = new Story().begin();
  slow.op(0, 'start', true, 'start:ok', {}, 1500);
  is(t, startAccepts, slow.build(), 'fail', 'settled after 1.5 s');
  const refused = new Story().begin();
  refused.op(0, 'start', false, 'start:fail busy');
  is(t, startAccepts, refused.build(), 'fail', 'refused a valid url');
  is(t, startAccepts, new Story().begin().build(), 'not-applicable', 'no start()');
});

t.test('operations/start/2: start() during a push changes nothing', async (t) => {
  is(
    t,
    startIdempotent,
    pushWith((s) => s.op(3000, 'start')),
    'pass',
    'second start() ignored',
  );
  const reconnects = pushWith((s) => {
    s.op(3000, 'start');
    s.dns(3010, ADDRESS);
  });
  is(t, startIdempotent, reconnects, 'fail', 'second start() resolves again');
  const kicked = pushWith((s, d) => {
    s.op(3000, 'start');
    s.serverClose(3100, d.conn);
    s.event(3100, 3004);
    s.event(3100, 1102);
    s.dns(3200, ADDRESS);
  });
  is(t, startIdempotent, kicked, 'pass', "a kick after the call: its reconnection is not the call's");
  const clean = new Story().begin();
  startedPush(clean);
  is(t, startIdempotent, clean.build(), 'not-applicable', 'one start()');
});

t.test('operations/start/3: start() after -1307 begins a fresh push', async (t) => {
  const build = (secondAttempts: number) => {
    const s = new Story().begin();
    let at = 0;
    for (const attempts of [4, secondAttempts]) {
      s.op(at, 'start');
      const d = s.devices(at);
      let a = at + 70;
      for (let i = 0; i < attempts; i++) {
        s.dns(a, ADDRESS);
        const c = s.connect(a, 'refused');
        s.refused(a, c);
        s.event(a, 3002);
        if (i < attempts - 1) s.event(a, 1102);
        else {
          s.event(a, -1307);
          closeAll(s, a, d);
        }
        a += 3000;
      }
      at = 11_000;
    }
    s.end(22_000);
    return s.build();
  };
  is(t, restartAfterFailure, build(4), 'pass', 'the restarted push makes 1 + N attempts');
  is(t, restartAfterFailure, build(2), 'fail', 'the restarted push gives up after one reconnection');
  const clean = new Story().begin();
  startedPush(clean);
  is(t, restartAfterFailure, clean.build(), 'not-applicable', 'no failure before start()');
});

t.test('operations/start/3: a restart that a critical device error ends at once is not judged', async (t) => {
  // A push ended by -1301 (camera denied), then start() again: the camera is refused again (-1301).
  const build = (o: { deniedAgain: boolean; micFails?: boolean; attempt?: boolean }) => {
    const s = new Story().begin();
    s.op(0, 'start');
    s.open(0, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
    s.open(0, 'audioEncoder', {});
    s.failOpen(50, 'camera', 'DENIED', { position: 'front' }, 0);
    s.event(50, -1301);
    s.op(5000, 'start');
    s.open(5000, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
    s.open(5000, 'audioEncoder', {});
    if (o.deniedAgain) {
      s.failOpen(5050, 'camera', 'DENIED', { position: 'front' }, 5000);
      s.event(5050, -1301);
    } else {
      s.open(5050, 'camera', { position: 'front' }, { position: 'front' }, 5000);
      s.event(5050, 1003);
      if (o.micFails) {
        s.failOpen(5070, 'microphone', 'NOT_FOUND', {}, 5050);
        s.event(5070, -1302);
      } else s.open(5070, 'microphone', {}, {}, 5050);
    }
    if (o.attempt) s.attempt(5100);
    s.end(20_000);
    return s.build();
  };
  is(t, restartAfterFailure, build({ deniedAgain: true }), 'indeterminate', 'the camera is refused again');
  // The restart comes in the background: no camera (background/camera/1), no microphone, then an attempt.
  const bg = new Story().begin();
  bg.op(0, 'start');
  bg.open(0, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
  bg.failOpen(50, 'camera', 'DENIED', { position: 'front' }, 0);
  bg.event(50, -1301);
  bg.app(3000, 'background');
  bg.op(5000, 'start');
  bg.open(5000, 'videoEncoder', { kind: 'hardware' }, { kind: 'hardware' });
  bg.attempt(5100);
  bg.end(20_000);
  is(t, restartAfterFailure, bg.build(), 'pass', 'a restart in the background opens no device');
  is(
    t,
    restartAfterFailure,
    build({ deniedAgain: false, micFails: true }),
    'indeterminate',
    'the microphone fails before the first attempt',
  );
  is(
    t,
    restartAfterFailure,
    build({ deniedAgain: false, attempt: true }),
    'pass',
    'devices, then an attempt',
  );
  is(
    t,
    restartAfterFailure,
    build({ deniedAgain: false }),
    'fail',
    'devices open, the push goes on, but no attempt is made',
  );
});

t.test('operations/stop/1: stop() unpublishes, closes, releases, and nothing follows', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  good.end(8000);
  is(t, stopEndsCleanly, good.build(), 'pass', 'clean stop');
  const noUnpublish = new Story().begin();
  noUnpublish.op(0, 'start');
  const d = cleanPush(noUnpublish, 0, 5000);
  noUnpublish.op(5000, 'stop');
  closeAll(noUnpublish, 5000, d);
  noUnpublish.pusherClose(5000, d.conn);
  is(t, stopEndsCleanly, noUnpublish.build(), 'fail', 'no FCUnpublish');
  const retries = new Story().begin();
  startedPush(retries);
  retries.event(5100, 1102);
  is(t, stopEndsCleanly, retries.build(), 'fail', '1102 after stop()');
  is(t, stopEndsCleanly, new Story().begin().build(), 'not-applicable', 'no stop()');
});

t.test('operations/stop/2: stop() cancels a pending reconnection', async (t) => {
  const build = (reconnect: boolean) => {
    const s = new Story().begin();
    s.op(0, 'start');
    const d = s.devices(0);
    const c = s.attempt(70);
    s.media(110, 1000);
    s.serverClose(1000, c);
    s.event(1000, 3004);
    s.event(1000, 1102);
    s.op(2000, 'stop');
    closeAll(s, 2000, d);
    if (reconnect) s.dns(4000, ADDRESS);
    s.end(6000);
    return s.build();
  };
  is(t, stopCancelsReconnect, build(false), 'pass', 'no attempt after stop()');
  is(t, stopCancelsReconnect, build(true), 'fail', 'reconnected after stop()');
  const clean = new Story().begin();
  startedPush(clean);
  is(t, stopCancelsReconnect, clean.build(), 'not-applicable', 'nothing pending');
});

t.test('operations/idle/1: stop, pause and resume with nothing to act on do nothing', async (t) => {
  const idle = new Story().begin();
  idle.op(100, 'stop', true, 'stop:ok');
  idle.op(200, 'pause', false, 'pause:fail not pushing');
  is(t, idleOperationsHarmless, idle.build(), 'pass', 'harmless');
  const opens = new Story().begin();
  opens.op(100, 'stop');
  opens.open(200, 'camera', {}, { position: 'front' });
  is(t, idleOperationsHarmless, opens.build(), 'fail', 'stop() on an idle pusher opens the camera');
  is(
    t,
    idleOperationsHarmless,
    pushWith((s) => s.op(3000, 'resume')),
    'pass',
    'resume() while not paused',
  );
  is(t, idleOperationsHarmless, new Story().begin().build(), 'not-applicable', 'no such call');
});

t.test(
  'operations/idle/1: activity with a cause of its own is not blamed on the redundant call',
  async (t) => {
    // resume() while publishing, then stop() 200 ms later closes everything.
    const thenStop = pushWith((s, d) => {
      s.op(3000, 'resume', true, 'resume:ok (not paused)');
      s.op(3200, 'stop');
      closeAll(s, 3200, d);
      s.pusherClose(3300, d.conn);
    });
    is(t, idleOperationsHarmless, thenStop, 'pass', 'the stop() that follows closes the devices');
    // resume() while the push is still connecting: the publish completes (1002) after it.
    const connecting = new Story().begin();
    connecting.op(0, 'start');
    connecting.devices(0);
    connecting.op(60, 'resume', true, 'resume:ok (not paused)');
    connecting.attempt(70);
    connecting.end(5000);
    is(t, idleOperationsHarmless, connecting.build(), 'pass', '1001/1002 of the attempt in progress');
    // resume() while publishing; the network resets the connection: 3005, 1102, a new connect.
    const reset = pushWith((s, d) => {
      s.op(3000, 'resume', true, 'resume:ok (not paused)');
      s.reset(3100, d.conn);
      s.event(3100, 3005);
      s.event(3100, 1102);
    });
    is(t, idleOperationsHarmless, reset, 'pass', 'a reset after the call');
    // stop() on an idle pusher while the previous push's connection is still closing.
    const closing = new Story().begin();
    closing.op(0, 'start');
    const d = cleanPush(closing, 0, 5000);
    closing.op(5000, 'stop');
    closeAll(closing, 5000, d);
    closing.op(5100, 'stop', true, 'stop:ok (not pushing)');
    closing.pusherClose(5250, d.conn);
    is(t, idleOperationsHarmless, closing.build(), 'pass', "the FIN of the previous push's teardown");
    // Without a cause: resume() while publishing is followed by 3004 and a reconnection.
    const unprompted = pushWith((s) => {
      s.op(3000, 'resume', true, 'resume:ok (not paused)');
      s.event(3100, 3004);
    });
    is(t, idleOperationsHarmless, unprompted, 'fail', 'an event with no other cause');
  },
);

/** pause() at 2 s, resume() at 4 s; `o` breaks one rule. */
function pauseResume(
  o: { keepMic?: boolean; mediaWhilePaused?: boolean; reconnect?: boolean; pFrameFirst?: boolean } = {},
): TraceRecord[] {
  const s = new Story().begin();
  s.op(0, 'start');
  const d = s.devices(0);
  const conn = s.attempt(70);
  s.media(110, 2000);
  s.op(2000, 'pause');
  s.close(2000, 'camera', d.camera as number, { position: 'front' });
  if (!o.keepMic) s.close(2000, 'microphone', d.mic as number);
  if (o.mediaWhilePaused) s.tag(3500, 'audio');
  s.op(4000, 'resume');
  if (o.reconnect) s.attempt(4010);
  s.open(4050, 'camera', {}, { position: 'front' }, 4000);
  s.event(4050, 1003);
  s.open(4070, 'microphone', {}, {}, 4050);
  s.tag(4120, 'video', { keyframe: !o.pFrameFirst });
  s.media(4200, 8000, { headers: false });
  void conn;
  s.end(8000);
  return s.build();
}

t.test(
  'operations/pause/1 and /resume/1: pause keeps the connection, resume restarts with a keyframe',
  async (t) => {
    is(t, pauseKeepsConnection, pauseResume(), 'pass', 'clean pause');
    is(t, pauseKeepsConnection, pauseResume({ keepMic: true }), 'fail', 'microphone kept open');
    is(t, pauseKeepsConnection, pauseResume({ mediaWhilePaused: true }), 'fail', 'media while paused');
    is(t, resumeRestartsMedia, pauseResume(), 'pass', 'clean resume');
    is(
      t,
      resumeRestartsMedia,
      pauseResume({ pFrameFirst: true }),
      'fail',
      'first frame after resume not a keyframe',
    );
    is(t, resumeRestartsMedia, pauseResume({ reconnect: true }), 'fail', 'resumed on a new connection');
    const clean = new Story().begin();
    startedPush(clean);
    is(t, pauseKeepsConnection, clean.build(), 'not-applicable', 'no pause()');
    is(t, resumeRestartsMedia, clean.build(), 'not-applicable', 'no resume()');
  },
);

t.test(
  'operations/pause/1: what follows a fault on the kept connection is not blamed on the pause',
  async (t) => {
    // Paused at 2 s; at 3 s the server kicks (FIN) or the network resets the connection, or nothing
    // happens; the pusher closes its side and reconnects.
    const build = (fault: 'kick' | 'reset' | 'none') => {
      const s = new Story().begin();
      s.op(0, 'start');
      const d = s.devices(0);
      const conn = s.attempt(70);
      s.media(110, 2000);
      s.op(2000, 'pause');
      s.close(2000, 'camera', d.camera as number, { position: 'front' });
      s.close(2000, 'microphone', d.mic as number);
      if (fault === 'kick') s.serverClose(3000, conn);
      if (fault === 'reset') s.reset(3000, conn);
      else s.pusherClose(3050, conn);
      s.event(3050, fault === 'reset' ? 3005 : 3004);
      s.event(3050, 1102);
      s.attempt(6050);
      s.end(8000);
      return s.build();
    };
    is(t, pauseKeepsConnection, build('kick'), 'pass', 'the server kicked the paused push');
    is(t, pauseKeepsConnection, build('reset'), 'pass', 'the network reset the paused connection');
    is(t, pauseKeepsConnection, build('none'), 'fail', 'the pusher closed the paused connection itself');
  },
);

t.test(
  'operations/resume/1: a connection lost during the pause, or a new pause, leaves media unjudged',
  async (t) => {
    const build = (o: { reset?: boolean; pauseAgain?: boolean }) => {
      const s = new Story().begin();
      s.op(0, 'start');
      const d = s.devices(0);
      const conn = s.attempt(70);
      s.media(110, 2000);
      s.op(2000, 'pause');
      s.close(2000, 'camera', d.camera as number, { position: 'front' });
      s.close(2000, 'microphone', d.mic as number);
      if (o.reset) {
        s.reset(3000, conn);
        s.event(3000, 3005);
        s.event(3000, 1102);
      }
      s.op(4000, 'resume');
      s.open(4050, 'camera', {}, { position: 'front' }, 4000);
      s.event(4050, 1003);
      s.open(4070, 'microphone', {}, {}, 4050);
      if (o.pauseAgain) {
        s.op(5000, 'pause');
        s.close(5000, 'camera', 2, { position: 'front' });
        s.close(5000, 'microphone', 2);
      }
      if (o.reset) {
        s.attempt(7000);
        s.media(7100, 9000);
      }
      s.end(10_000);
      return s.build();
    };
    is(
      t,
      resumeRestartsMedia,
      build({ reset: true }),
      'indeterminate',
      'resumed while reconnecting after a reset',
    );
    is(
      t,
      resumeRestartsMedia,
      build({ pauseAgain: true }),
      'indeterminate',
      'paused again 1 s after resume()',
    );
    is(t, resumeRestartsMedia, build({}), 'fail', 'no media at all after resume()');
  },
);

t.test('operations/switch-camera/1: the first frame of the new camera is timed at its write', async (t) => {
  // switchCamera() at 3 s; the back camera's first keyframe reaches the server at 5.5 s (due 5 s).
  const build = (o: { handedOverAt?: number; kickAt?: number }) =>
    pushWith(
      (s, d) => {
        s.add(0, 'net.link', { link: 'uplink', delayUs: 100_000, jitterUs: 0 });
        s.op(3000, 'switchCamera', true, 'switchCamera:ok', {}, 3050);
        s.open(3050, 'camera', {}, { position: 'back' }, 3000);
        s.close(3050, 'camera', d.camera as number, { position: 'front' });
        s.event(3050, 1003);
        if (o.kickAt !== undefined) {
          s.serverClose(o.kickAt, d.conn);
          s.pusherClose(o.kickAt, d.conn);
          s.attempt(7000);
          s.tag(7100, 'video', { keyframe: true });
          return;
        }
        s.add(o.handedOverAt ?? 3200, 'net.send', { link: 'uplink', conn: d.conn, bytes: 4100 });
        s.add(5500, 'net.deliver', { link: 'uplink', conn: d.conn, bytes: 4100 });
        s.tag(5500, 'video', { keyframe: true, size: 4000 });
      },
      { media: false },
    );
  is(t, switchCameraSwaps, build({}), 'pass', 'written at 3.2 s, delayed by the link');
  is(t, switchCameraSwaps, build({ handedOverAt: 5400 }), 'fail', 'written at 5.4 s');
  is(t, switchCameraSwaps, build({ kickAt: 4000 }), 'indeterminate', 'the connection was kicked at 4 s');
});

/** The network's uplink records of connection `conn`: hand-overs to the link and deliveries. */
function uplink(s: Story, conn: number, sends: number[], delivers: number[], bytes = 1000): void {
  for (const t of sends) s.add(t, 'net.send', { link: 'uplink', conn, bytes });
  for (const t of delivers) s.add(t, 'net.deliver', { link: 'uplink', conn, bytes });
}

t.test(
  'operations/stop/1: the close and late media are judged at the pusher, not at their arrival',
  async (t) => {
    // stop() at 5 s on a congested link: the server receives what was queued until 7 s.
    const build = (o: { backlog?: boolean; destroy?: boolean; newMedia?: boolean } = {}) => {
      const s = new Story().begin();
      s.add(0, 'net.link', { link: 'uplink', delayUs: 100_000, jitterUs: 0 });
      s.op(0, 'start');
      const d = cleanPush(s, 0, 5000);
      s.op(5000, 'stop');
      s.command(5000, d.conn, 'FCUnpublish');
      s.command(5000, d.conn, 'deleteStream');
      closeAll(s, 5000, d);
      const sends = [4000, 4500, 5000];
      if (o.backlog) sends.push(6500, 6900);
      if (o.newMedia) sends.push(6500, 6600, 6700);
      uplink(s, d.conn, sends, [6000, 6500, 6990, ...(o.backlog || o.newMedia ? [6995, 6996] : [])]);
      for (const at of [5500, 6200, 6800, 6950, 6990]) s.tag(at, 'audio');
      if (o.newMedia) for (const at of [6997, 6998]) s.tag(at, 'audio');
      if (o.destroy) s.add(5200, 'wire.close', { conn: d.conn, reason: 'closed' });
      s.add(6990, 'net.fin', { link: 'uplink', conn: d.conn });
      if (!o.destroy) s.add(7100, 'wire.close', { conn: d.conn, reason: 'closed' });
      s.end(10_000);
      return s.build();
    };
    is(t, stopEndsCleanly, build({ destroy: true }), 'pass', 'socket closed at once, queued bytes drain');
    is(
      t,
      stopEndsCleanly,
      build(),
      'indeterminate',
      'FIN right behind the link queue: when it left is unknown',
    );
    is(t, stopEndsCleanly, build({ backlog: true }), 'fail', 'bytes handed to the link 1.5 s after stop()');
    is(
      t,
      stopEndsCleanly,
      build({ destroy: true, newMedia: true }),
      'fail',
      'media written after stop() + E',
    );
  },
);

t.test('operations/pause/1: media in flight at pause() is not media written while paused', async (t) => {
  const build = (written: boolean) => {
    const s = new Story().begin();
    s.add(0, 'net.link', { link: 'uplink', delayUs: 100_000, jitterUs: 0 });
    s.op(0, 'start');
    const d = s.devices(0);
    const conn = s.attempt(70);
    s.media(110, 2000);
    s.op(2000, 'pause');
    s.close(2000, 'camera', d.camera as number, { position: 'front' });
    s.close(2000, 'microphone', d.mic as number);
    uplink(
      s,
      conn,
      [1000, 1500, 2000, ...(written ? [3300] : [])],
      [2500, 3000, 3200, ...(written ? [3400] : [])],
    );
    for (const at of [3100, 3200, 3450, 3500]) s.tag(at, 'audio');
    s.end(8000);
    return s.build();
  };
  is(t, pauseKeepsConnection, build(false), 'pass', 'frames queued before pause() arrive 1.2 s later');
  is(t, pauseKeepsConnection, build(true), 'fail', 'bytes handed to the link 1.3 s after pause()');
});

t.test(
  'operations/switch-camera/1 and /2: switches open the other camera; a failed one keeps the current',
  async (t) => {
    const build = (o: { closeOld?: boolean; announce?: boolean } = {}) =>
      pushWith((s, d) => {
        s.op(3000, 'switchCamera', true, 'switchCamera:ok', {}, 3050);
        s.open(3050, 'camera', {}, { position: 'back' }, 3000);
        if (o.closeOld !== false) s.close(3050, 'camera', d.camera as number, { position: 'front' });
        if (o.announce !== false) s.event(3050, 1003);
        s.tag(3100, 'video', { keyframe: true });
      });
    is(t, switchCameraSwaps, build(), 'pass', 'front → back');
    is(t, switchCameraSwaps, build({ closeOld: false }), 'fail', 'front camera never closed');
    is(t, switchCameraSwaps, build({ announce: false }), 'fail', 'no 1003');
    const clean = new Story().begin();
    startedPush(clean);
    is(t, switchCameraSwaps, clean.build(), 'not-applicable', 'no switch');

    const failed = (o: { ok?: boolean; critical?: boolean }) =>
      pushWith((s) => {
        s.op(
          3000,
          'switchCamera',
          o.ok ?? false,
          o.ok ? 'switchCamera:ok' : 'switchCamera:fail denied',
          {},
          3050,
        );
        s.failOpen(3050, 'camera', 'DENIED', { position: 'back' }, 3000);
        if (o.critical) s.event(3050, -1301);
      });
    is(t, failedSwitchKeepsCamera, failed({}), 'pass', 'switchCamera:fail, front kept');
    is(t, failedSwitchKeepsCamera, failed({ ok: true }), 'fail', 'reported ok');
    is(t, failedSwitchKeepsCamera, failed({ critical: true }), 'fail', '-1301 for a failed switch');
    is(t, failedSwitchKeepsCamera, clean.build(), 'not-applicable', 'no failed switch');
  },
);

t.test(
  'operations/snapshot/1 and /2: a PNG of the view size after the first picture, a failure before',
  async (t) => {
    const shot = (o: { width?: number; mean?: { y: number; cb: number; cr: number } } = {}) =>
      pushWith((s) => {
        s.add(200, 'device.camera.firstFrame', {
          position: 'front',
          session: 1,
          fps: 15,
          colour: { y: 150, cb: 80, cr: 160 },
        });
        const width = o.width ?? 360;
        s.op(3000, 'snapshot', true, 'snapshot:ok', {
          tempImagePath: 'lpc-temp://1.png',
          width,
          height: 640,
        });
        s.add(3000, 'pusher.file', {
          path: 'lpc-temp://1.png',
          bytes: 100,
          md5: 'x',
          image: { format: 'png', width, height: 640, mean: o.mean ?? { y: 150, cb: 80, cr: 160 } },
        });
      });
    is(t, snapshotShowsPicture, shot(), 'pass', 'front camera picture');
    is(t, snapshotShowsPicture, shot({ width: 100 }), 'fail', 'wrong size');
    is(
      t,
      snapshotShowsPicture,
      shot({ mean: { y: 16, cb: 128, cr: 128 } }),
      'fail',
      'black instead of the camera',
    );
    const early = new Story().begin();
    early.op(0, 'snapshot', false, 'snapshot:fail no picture yet');
    is(t, snapshotBeforePicture, early.build(), 'pass', 'fails before any picture');
    is(t, snapshotShowsPicture, early.build(), 'not-applicable', 'no snapshot after a picture');
    const fake = new Story().begin();
    fake.op(0, 'snapshot', true, 'snapshot:ok', { tempImagePath: 'lpc-temp://1.png' });
    is(t, snapshotBeforePicture, fake.build(), 'fail', 'succeeds before any picture');
    is(t, snapshotBeforePicture, shot(), 'not-applicable', 'no early snapshot');
  },
);

t.test('operations/snapshot/2: with enable-camera false the black picture is a picture', async (t) => {
  // A push with the camera disabled, still connecting at the snapshot (no frame at the server yet).
  const build = (mean: { y: number; cb: number; cr: number }) => {
    const s = new Story().begin({ url: URL, enableCamera: false });
    s.op(0, 'start');
    s.devices(0, { camera: false });
    s.op(3000, 'snapshot', true, 'snapshot:ok', {
      tempImagePath: 'lpc-temp://1.png',
      width: 360,
      height: 640,
    });
    s.add(3000, 'pusher.file', {
      path: 'lpc-temp://1.png',
      bytes: 100,
      md5: 'x',
      image: { format: 'png', width: 360, height: 640, mean },
    });
    s.end(8000);
    return s.build();
  };
  const black = build({ y: 16, cb: 128, cr: 128 });
  is(t, snapshotBeforePicture, black, 'not-applicable', 'the snapshot comes after the black picture began');
  is(t, snapshotShowsPicture, black, 'pass', 'the snapshot shows the black picture');
  is(
    t,
    snapshotShowsPicture,
    build({ y: 150, cb: 80, cr: 160 }),
    'fail',
    'a camera colour with the camera off',
  );
});

t.test('operations/callbacks/1: one settlement within 10 s with the errMsg convention', async (t) => {
  const good = new Story().begin();
  startedPush(good);
  is(t, callbacksConvention, good.build(), 'pass', 'start:ok, stop:ok');
  const badMsg = new Story().begin();
  badMsg.op(0, 'pause', false, 'not pushing');
  is(t, callbacksConvention, badMsg.build(), 'fail', 'errMsg without the pause:fail prefix');
  const hung = new Story().begin();
  hung.op(0, 'start', true, undefined, {}, null);
  hung.end(20_000);
  is(t, callbacksConvention, hung.build(), 'fail', 'never settled');
  is(t, callbacksConvention, new Story().begin().build(), 'not-applicable', 'no operation');
});

t.test('the reference pusher passes operations/stop-during-reconnect', async (t) => {
  const { problems: p0 } = await referenceVerdicts('operations/stop-during-reconnect.yaml');
  t.same(p0, [], 'operations/stop-during-reconnect');
});
