import t, { type Test } from 'tap';
import {
  backgroundMute,
  cameraStopsInBackground,
  connectionKeptInBackground,
  lifecycleKeepsIdle,
  noCameraPictureInBackground,
  serverFrames,
} from '../../../harness/oracles/background.js';
import type { Check, OutcomeStatus } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { FRONT, type SyntheticPush, syntheticPush } from './synthetic-push.js';

/** Evaluate `check` on `trace` and assert its status; the summary is the assertion's message. */
function expectStatus(t: Test, check: Check, trace: readonly TraceRecord[], status: OutcomeStatus): void {
  const o = check.evaluate(trace);
  t.equal(o.status, status, `${check.requirement} ${status}: ${o.summary}`);
}

/** Background from 5 s to 12 s; the camera (20 fps) stops at `stopAtMs`; pictures follow `picture`. */
const backgrounded = (
  o: { stopAtMs?: number; picture?: (t: number) => { colour: typeof FRONT } | undefined } = {},
) =>
  syntheticPush({
    durationMs: 16000,
    app: [
      { atMs: 5000, state: 'background' },
      { atMs: 12000, state: 'foreground' },
    ],
    cameras: [{ openAtMs: 50, stopAtMs: o.stopAtMs ?? 5000 }, { openAtMs: 12050 }],
    picture: o.picture ?? ((tMs) => (tMs > 5000 && tMs < 12000 ? undefined : { colour: FRONT })),
  });

t.test('the frame view zips decoded colours with the server frames', async (t) => {
  const view = serverFrames(backgrounded());
  t.ok(view.decoded, view.reason);
  t.ok(view.frames.length > 100, `${view.frames.length} frames`);
  t.ok(
    view.frames.every((f) => f.source === 'front'),
    'every frame is the front camera',
  );
});

t.test('background/camera/1', async (t) => {
  expectStatus(t, cameraStopsInBackground, backgrounded(), 'pass');
  expectStatus(t, cameraStopsInBackground, backgrounded({ stopAtMs: 5100 }), 'fail');
  // A camera whose open settles after backgrounding must stop at once too.
  const late = syntheticPush({
    app: [
      { atMs: 100, state: 'background' },
      { atMs: 8000, state: 'foreground' },
    ],
    cameras: [{ calledAtMs: 0, openAtMs: 300 }],
  });
  expectStatus(t, cameraStopsInBackground, late, 'fail');
  expectStatus(t, cameraStopsInBackground, syntheticPush(), 'not-applicable');
  const noCamera = syntheticPush({ app: [{ atMs: 5000, state: 'background' }] });
  expectStatus(t, cameraStopsInBackground, noCamera, 'indeterminate');
});

t.test('background/camera/2', async (t) => {
  expectStatus(t, noCameraPictureInBackground, backgrounded(), 'pass');
  const leaks = backgrounded({ picture: () => ({ colour: FRONT }) });
  expectStatus(t, noCameraPictureInBackground, leaks, 'fail');
  expectStatus(t, noCameraPictureInBackground, syntheticPush(), 'not-applicable');
  const undecoded = backgrounded().filter((r) => r.kind !== 'validation.frames');
  expectStatus(t, noCameraPictureInBackground, undecoded, 'indeterminate');
});

const muted = (o: { micStopAtMs?: number; audio?: (t: number) => boolean; reopenAtMs?: number } = {}) =>
  syntheticPush({
    durationMs: 16000,
    attributes: { backgroundMute: true },
    app: [
      { atMs: 5000, state: 'background' },
      { atMs: 12000, state: 'foreground' },
    ],
    mics: [
      { openAtMs: 70, stopAtMs: o.micStopAtMs ?? 5000 },
      { openAtMs: (o.reopenAtMs ?? 12000) + 20, calledAtMs: o.reopenAtMs ?? 12000 },
    ],
    audio: o.audio,
  });

t.test('background/mute/1', async (t) => {
  expectStatus(t, backgroundMute, muted(), 'pass');
  expectStatus(t, backgroundMute, muted({ micStopAtMs: 7000 }), 'fail');
  expectStatus(t, backgroundMute, muted({ audio: (tMs) => tMs < 5000 || tMs > 6000 }), 'fail');
  expectStatus(t, backgroundMute, muted({ reopenAtMs: 14000 }), 'fail');
  // background-mute false: not this requirement's business.
  const unmuted = syntheticPush({ app: [{ atMs: 5000, state: 'background' }] });
  expectStatus(t, backgroundMute, unmuted, 'not-applicable');
});

t.test('background/connection/1', async (t) => {
  const kept = syntheticPush({ durationMs: 16000, app: [{ atMs: 5000, state: 'background' }] });
  expectStatus(t, connectionKeptInBackground, kept, 'pass');
  const closed = syntheticPush({
    durationMs: 16000,
    app: [{ atMs: 5000, state: 'background' }],
    closeAtMs: 9000,
    extra: (b) => b.add(9000, 'wire.command', { conn: 1, name: 'FCUnpublish' }),
  });
  expectStatus(t, connectionKeptInBackground, closed, 'fail');
  const reconnects = syntheticPush({
    durationMs: 16000,
    app: [{ atMs: 5000, state: 'background' }],
    extra: (b) => b.add(8000, 'pusher.event', { code: 1102, message: 'reconnect' }),
  });
  expectStatus(t, connectionKeptInBackground, reconnects, 'fail');
  expectStatus(t, connectionKeptInBackground, syntheticPush(), 'not-applicable');
});

t.test('background/idle/1', async (t) => {
  // Lifecycle changes before any start(): nothing may follow them.
  const idle = (extra?: SyntheticPush['extra']) =>
    syntheticPush({
      publish: false,
      targets: [],
      app: [
        { atMs: 1000, state: 'background' },
        { atMs: 2000, state: 'foreground' },
      ],
      extra,
    }).filter((r) => r.kind !== 'pusher.op');
  expectStatus(t, lifecycleKeepsIdle, idle(), 'pass');
  expectStatus(
    t,
    lifecycleKeepsIdle,
    idle((b) => b.add(2100, 'net.connect', { conn: 1 })),
    'fail',
  );
  expectStatus(
    t,
    lifecycleKeepsIdle,
    idle((b) => b.add(1000, 'net.http.request', { conn: 1, url: 'http://cdn/waiting.png' })).map((r) =>
      r.kind === 'case.start'
        ? { ...r, data: { ...r.data, attributes: { waitingImage: 'http://cdn/waiting.png' } } }
        : r,
    ),
    'pass',
  );
  // A push started in the background must not open the camera there.
  const startedInBackground = syntheticPush({
    app: [
      { atMs: 0, state: 'background' },
      { atMs: 8000, state: 'foreground' },
    ],
    cameras: [{ calledAtMs: 10, openAtMs: 60 }],
  });
  expectStatus(t, lifecycleKeepsIdle, startedInBackground, 'fail');
  expectStatus(t, lifecycleKeepsIdle, syntheticPush(), 'not-applicable');
});
