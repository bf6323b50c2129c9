import t, { type Test } from 'tap';
import {
  audioHasPriority,
  bitrateEvents,
  netStatusCadence,
  netStatusMatchesServer,
  netStatusTruthful,
  resolutionDoesNotFlap,
  resolutionEvents,
  resolutionFollowsLadder,
  seedResolutionExamples,
  steadyUtilisation,
  targetFollowsDrop,
  targetRecovers,
  targetStability,
} from '../../../harness/oracles/bitrate.js';
import type { Check, OutcomeStatus } from '../../../harness/oracles/types.js';
import type { TraceRecord } from '../../../harness/sim/trace.js';
import { FRONT, syntheticPush, type TraceBuilder } from './synthetic-push.js';

/** Evaluate `check` on `trace` and assert its status; the summary is the assertion's message. */
function expectStatus(t: Test, check: Check, trace: readonly TraceRecord[], status: OutcomeStatus): void {
  const o = check.evaluate(trace);
  t.equal(o.status, status, `${check.requirement} ${status}: ${o.summary}`);
}

/** An operation call settled at once (`pusher.op` call and result). */
const op = (b: TraceBuilder, atMs: number, name: string, id: number, errMsg = `${name}:ok`) =>
  b
    .add(atMs, 'pusher.op', { op: name, id, phase: 'call' })
    .add(atMs, 'pusher.op', { op: name, id, phase: 'result', ok: true, errMsg });

/** Everything the pusher wrote from `fromMs` on was lost with the connection (reset, kick, half-open). */
const lostFrom = (trace: readonly TraceRecord[], fromMs: number) =>
  trace.filter((r) => r.kind !== 'observer.tag' || r.t / 1000 < fromMs);

/** A push paused over [6000, 12000) that changes its size at 8000 while paused: no media while paused. */
const pausedResize = (netStatus = true) =>
  syntheticPush({
    sizes: [
      { atMs: 0, width: 544, height: 960 },
      { atMs: 8000, width: 368, height: 656 },
    ],
    picture: (t) => (t >= 6000 && t < 12000 ? undefined : { colour: FRONT }),
    audio: (t) => t < 6000 || t >= 12000,
    netStatus,
    extra: (b) => {
      op(b, 6000, 'pause', 2);
      op(b, 12000, 'resume', 3);
    },
  });

/** A 2000 → 400 kbit/s drop at 30 s with back-pressure 100 ms later; the target program decides the verdict. */
const dropTrace = (targets: { atMs: number; kbps: number }[]) =>
  syntheticPush({
    durationMs: 40000,
    uplink: [
      { atMs: 0, kbps: 2000 },
      { atMs: 30000, kbps: 400 },
    ],
    stallsAtMs: [30100],
    attributes: { minBitrate: 200, maxBitrate: 1500 },
    targets,
  });

t.test('bitrate/drop/1', async (t) => {
  const check = targetFollowsDrop;
  expectStatus(
    t,
    check,
    dropTrace([
      { atMs: 0, kbps: 1500 },
      { atMs: 31500, kbps: 350 },
    ]),
    'pass',
  );
  expectStatus(
    t,
    check,
    dropTrace([
      { atMs: 0, kbps: 1500 },
      { atMs: 36000, kbps: 350 },
    ]),
    'fail',
  );
  expectStatus(t, check, syntheticPush({ uplink: [{ atMs: 0, kbps: 2000 }] }), 'not-applicable');
  // Below min-bitrate: the floor is the goal.
  const floor = syntheticPush({
    durationMs: 20000,
    uplink: [
      { atMs: 0, kbps: 1000 },
      { atMs: 10000, kbps: 150 },
    ],
    stallsAtMs: [10100],
    targets: [
      { atMs: 0, kbps: 800 },
      { atMs: 11000, kbps: 200 },
    ],
  });
  expectStatus(t, check, floor, 'pass');
  // No back-pressure ever reached the pusher (a deep queue): the drop is not observable, not judged.
  const deep = syntheticPush({
    durationMs: 40000,
    uplink: [
      { atMs: 0, kbps: 2000 },
      { atMs: 30000, kbps: 400 },
    ],
    targets: [{ atMs: 0, kbps: 1500 }],
  });
  expectStatus(t, check, deep, 'indeterminate');
});

const riseTrace = (targets: { atMs: number; kbps: number }[]) =>
  syntheticPush({
    durationMs: 35000,
    uplink: [
      { atMs: 0, kbps: 400 },
      { atMs: 10000, kbps: 2000 },
    ],
    attributes: { maxBitrate: 1500 },
    targets,
  });

t.test('bitrate/recover/1', async (t) => {
  const check = targetRecovers;
  expectStatus(
    t,
    check,
    riseTrace([
      { atMs: 0, kbps: 350 },
      { atMs: 20000, kbps: 800 },
      { atMs: 25000, kbps: 1250 },
    ]),
    'pass',
  );
  expectStatus(
    t,
    check,
    riseTrace([
      { atMs: 0, kbps: 350 },
      { atMs: 20000, kbps: 800 },
    ]),
    'fail',
  );
  expectStatus(t, check, syntheticPush({ uplink: [{ atMs: 0, kbps: 400 }] }), 'not-applicable');
  // With enable-camera false the video track is a black picture at a fixed low target
  // (attributes/enable-camera/2): a rise is not judged.
  const cameraOff = syntheticPush({
    durationMs: 35000,
    uplink: [
      { atMs: 0, kbps: 400 },
      { atMs: 10000, kbps: 2000 },
    ],
    attributes: { maxBitrate: 1500, enableCamera: false },
    targets: [{ atMs: 0, kbps: 40 }],
  });
  expectStatus(t, check, cameraOff, 'indeterminate');
  // The case ends before the 20 s are over: nothing to judge.
  const short = syntheticPush({
    durationMs: 20000,
    uplink: [
      { atMs: 0, kbps: 400 },
      { atMs: 10000, kbps: 2000 },
    ],
  });
  expectStatus(t, check, short, 'indeterminate');
});

const steadyTrace = (kbps: number, factor = 1) =>
  syntheticPush({
    durationMs: 30000,
    uplink: [{ atMs: 0, kbps: 1000 }],
    targets: [{ atMs: 0, kbps }],
    videoFactor: factor,
  });

t.test('bitrate/utilisation/1', async (t) => {
  expectStatus(t, steadyUtilisation, steadyTrace(900), 'pass');
  expectStatus(t, steadyUtilisation, steadyTrace(900, 0.5), 'fail');
  expectStatus(t, steadyUtilisation, steadyTrace(1200), 'fail');
  expectStatus(
    t,
    steadyUtilisation,
    syntheticPush({ durationMs: 20000, uplink: [{ atMs: 0, kbps: 1000 }] }),
    'not-applicable',
  );
});

t.test('bitrate/stability/1', async (t) => {
  const o = targetStability.evaluate(steadyTrace(900));
  t.equal(o.status, 'pass', o.summary);
  t.equal(o.numbers?.w0EventsPerMin, 0, 'no 1006 in a steady window');
  t.equal(o.numbers?.w0CvTarget, 0, 'a constant target has no variation');
  expectStatus(t, targetStability, syntheticPush({ durationMs: 20000 }), 'not-applicable');
});

t.test('bitrate/events/1', async (t) => {
  const targets = [
    { atMs: 0, kbps: 1000 },
    { atMs: 5000, kbps: 600 },
    { atMs: 9000, kbps: 700 },
  ];
  expectStatus(t, bitrateEvents, syntheticPush({ targets }), 'pass');
  expectStatus(t, bitrateEvents, syntheticPush({ targets, events1006: false }), 'fail');
  const spurious = syntheticPush({ extra: (b) => b.add(7000, 'pusher.event', { code: 1006, message: 'x' }) });
  expectStatus(t, bitrateEvents, spurious, 'fail');
  expectStatus(t, bitrateEvents, syntheticPush({ targets: [], publish: false }), 'not-applicable');
  // A start() answered "already pushing" starts no new target history, and each change takes its own
  // 1006 (the nearest), not the neighbour's one second earlier.
  const steps = [
    { atMs: 0, kbps: 1000 },
    { atMs: 6000, kbps: 900 },
    { atMs: 7000, kbps: 800 },
    { atMs: 8000, kbps: 700 },
    { atMs: 9000, kbps: 600 },
  ];
  const alreadyPushing = syntheticPush({
    targets: steps,
    extra: (b) => op(b, 6500, 'start', 2, 'start:ok (already pushing)'),
  });
  expectStatus(t, bitrateEvents, alreadyPushing, 'pass');
  const missing = syntheticPush({
    targets: steps,
    extra: (b) => op(b, 6500, 'start', 2, 'start:ok (already pushing)'),
  }).filter((r) => !(r.kind === 'pusher.event' && r.t === 7000_000));
  expectStatus(t, bitrateEvents, missing, 'fail');
});

const resized = (event: boolean) =>
  syntheticPush({
    sizes: [
      { atMs: 0, width: 544, height: 960 },
      { atMs: 8000, width: 368, height: 656, event },
    ],
  });

t.test('bitrate/events/2', async (t) => {
  expectStatus(t, resolutionEvents, resized(true), 'pass');
  expectStatus(t, resolutionEvents, resized(false), 'fail');
  const spurious = syntheticPush({ extra: (b) => b.add(5000, 'pusher.event', { code: 1005, message: 'x' }) });
  expectStatus(t, resolutionEvents, spurious, 'fail');
  expectStatus(t, resolutionEvents, syntheticPush({ publish: false }), 'not-applicable');
  // The connection was lost before the new header reached the server: the 1005 cannot be judged.
  expectStatus(t, resolutionEvents, lostFrom(resized(true), 7990), 'pass');
  // A spurious 1005 is still one when the server saw the next 2 s.
  const lateSpurious = lostFrom(
    syntheticPush({ extra: (b) => b.add(5000, 'pusher.event', { code: 1005, message: 'x' }) }),
    7990,
  );
  expectStatus(t, resolutionEvents, lateSpurious, 'fail');
  // Resized while paused: the header comes with the resume, the 1005 at the decision.
  expectStatus(t, resolutionEvents, pausedResize(false), 'pass');
  const pausedNoEvent = pausedResize(false).filter(
    (r) => !(r.kind === 'pusher.event' && r.data.code === 1005),
  );
  expectStatus(t, resolutionEvents, pausedNoEvent, 'fail');
  // A start() answered "already pushing" does not move the header's write time (its timestamps still
  // count from the push's start): the 1005 at the change matches a header delayed 2.5 s by a queue.
  const restart = syntheticPush({
    sizes: [
      { atMs: 0, width: 544, height: 960 },
      { atMs: 8000, width: 368, height: 656 },
    ],
    extra: (b) => op(b, 5000, 'start', 2, 'start:ok (already pushing)'),
  })
    .map((r) => (r.kind === 'observer.tag' && r.t >= 8000_000 ? { ...r, t: r.t + 2500_000 } : r))
    .sort((a, b) => a.t - b.t || a.seq - b.seq);
  expectStatus(t, resolutionEvents, restart, 'pass');
});

t.test('bitrate/resolution/1', async (t) => {
  const fhd = (width: number, height: number) =>
    syntheticPush({
      attributes: { mode: 'FHD', maxBitrate: 2000 },
      targets: [{ atMs: 0, kbps: 2000 }],
      sizes: [{ atMs: 0, width, height }],
    });
  expectStatus(t, seedResolutionExamples, fhd(720, 1280), 'pass');
  expectStatus(t, seedResolutionExamples, fhd(544, 960), 'fail');
  const low = (width: number, height: number) =>
    syntheticPush({ targets: [{ atMs: 0, kbps: 300 }], sizes: [{ atMs: 0, width, height }] });
  expectStatus(t, seedResolutionExamples, low(272, 480), 'pass');
  expectStatus(t, seedResolutionExamples, low(720, 1280), 'fail');
  // 2000 kbit/s outside FHD says nothing (the mode caps it), and 1000 kbit/s is neither example.
  expectStatus(
    t,
    seedResolutionExamples,
    syntheticPush({ targets: [{ atMs: 0, kbps: 1000 }] }),
    'not-applicable',
  );
});

t.test('bitrate/resolution/2', async (t) => {
  const hd = (kbps: number, width: number, height: number) =>
    syntheticPush({
      attributes: { mode: 'HD' },
      targets: [{ atMs: 0, kbps }],
      sizes: [{ atMs: 0, width, height }],
    });
  expectStatus(t, resolutionFollowsLadder, hd(1000, 544, 960), 'pass');
  expectStatus(t, resolutionFollowsLadder, hd(1000, 368, 656), 'fail');
  expectStatus(t, resolutionFollowsLadder, hd(500, 368, 656), 'pass');
  // 720 kbit/s is within 10% of the 700 threshold: never judged.
  expectStatus(t, resolutionFollowsLadder, hd(720, 368, 656), 'not-applicable');
});

t.test('bitrate/resolution/3', async (t) => {
  const flaps = (gapMs: number) =>
    syntheticPush({
      sizes: [
        { atMs: 0, width: 544, height: 960 },
        { atMs: 6000, width: 368, height: 656 },
        { atMs: 6000 + gapMs, width: 544, height: 960 },
      ],
    });
  expectStatus(t, resolutionDoesNotFlap, flaps(4000), 'pass');
  expectStatus(t, resolutionDoesNotFlap, flaps(600), 'fail');
  expectStatus(t, resolutionDoesNotFlap, syntheticPush(), 'not-applicable');
});

t.test('bitrate/net-status/1', async (t) => {
  expectStatus(t, netStatusCadence, syntheticPush({ netStatus: true }), 'pass');
  const gap = syntheticPush({ netStatus: (tMs, s) => (Math.round(tMs) === 5100 ? undefined : s) });
  expectStatus(t, netStatusCadence, gap, 'fail');
  const negative = syntheticPush({
    netStatus: (tMs, s) => (Math.round(tMs) === 3100 ? { ...s, netSpeed: -1 } : s),
  });
  expectStatus(t, netStatusCadence, negative, 'fail');
  const afterClose = syntheticPush({
    netStatus: true,
    closeAtMs: 10000,
    extra: (b) =>
      b.add(12000, 'pusher.netstatus', {
        videoBitrate: 0,
        audioBitrate: 0,
        videoFps: 0,
        videoGop: 2,
        netSpeed: 0,
        netJitter: 0,
        videoCache: 0,
        audioCache: 0,
        videoWidth: 544,
        videoHeight: 960,
        targetBitrate: 1000,
      }),
  });
  expectStatus(t, netStatusCadence, afterClose, 'fail');
  // stop() at 10 s ends the push; its connection drains until 13 s: no record is due after the stop.
  const stopped = syntheticPush({
    closeAtMs: 13000,
    netStatus: (tMs, s) => (tMs > 10000 ? undefined : s),
    extra: (b) => op(b, 10000, 'stop', 2),
  });
  expectStatus(t, netStatusCadence, stopped, 'pass');
  const stoppedEarly = syntheticPush({
    closeAtMs: 13000,
    netStatus: (tMs, s) => (tMs > 7000 ? undefined : s),
    extra: (b) => op(b, 10000, 'stop', 2),
  });
  expectStatus(t, netStatusCadence, stoppedEarly, 'fail');
  expectStatus(t, netStatusCadence, syntheticPush({ publish: false }), 'indeterminate');
});

t.test('bitrate/net-status/2', async (t) => {
  const program = {
    targets: [
      { atMs: 0, kbps: 1000 },
      { atMs: 6000, kbps: 500 },
    ],
    sizes: [
      { atMs: 0, width: 544, height: 960 },
      { atMs: 8000, width: 368, height: 656 },
    ],
  };
  expectStatus(t, netStatusTruthful, syntheticPush({ ...program, netStatus: true }), 'pass');
  const wrongTarget = syntheticPush({ ...program, netStatus: (_t, s) => ({ ...s, targetBitrate: 1000 }) });
  expectStatus(t, netStatusTruthful, wrongTarget, 'fail');
  const wrongSize = syntheticPush({
    ...program,
    netStatus: (_t, s) => ({ ...s, videoWidth: 720, videoHeight: 1280 }),
  });
  expectStatus(t, netStatusTruthful, wrongSize, 'fail');
  expectStatus(t, netStatusTruthful, syntheticPush(), 'not-applicable');
  // The new header never reached the server (the connection was lost first): the records after the
  // change cannot be judged, the ones before still are.
  expectStatus(t, netStatusTruthful, lostFrom(syntheticPush({ ...program, netStatus: true }), 7990), 'pass');
  const lostWrong = lostFrom(
    syntheticPush({
      ...program,
      netStatus: (tMs, s) => (tMs < 7000 ? { ...s, videoWidth: 368, videoHeight: 656 } : s),
    }),
    7990,
  );
  expectStatus(t, netStatusTruthful, lostWrong, 'fail');
  // Just after a new publish, before its first header is written, a record may report the size it starts with.
  const status = {
    videoBitrate: 0,
    audioBitrate: 0,
    videoFps: 0,
    videoGop: 2,
    netSpeed: 0,
    netJitter: 0,
    videoCache: 0,
    audioCache: 0,
    targetBitrate: 1000,
  };
  const republished = (width: number, height: number) =>
    syntheticPush({
      sizes: [
        { atMs: 0, width: 544, height: 960 },
        { atMs: 9500, width: 368, height: 656, event: false },
      ],
      closeAtMs: 9000,
      reconnections: [{ connectAtMs: 9900, publishAtMs: 10000 }],
      extra: (b) => b.add(10010, 'pusher.netstatus', { ...status, videoWidth: width, videoHeight: height }),
    });
  expectStatus(t, netStatusTruthful, republished(368, 656), 'pass');
  expectStatus(t, netStatusTruthful, republished(720, 1280), 'fail');
  // Resized while paused: the records of the pause may report the size the push resumes with.
  expectStatus(t, netStatusTruthful, pausedResize(), 'pass');
  const pausedWrong = pausedResize().map((r) =>
    r.kind === 'pusher.netstatus' && r.t === 9100_000
      ? { ...r, data: { ...r.data, videoWidth: 720, videoHeight: 1280 } }
      : r,
  );
  expectStatus(t, netStatusTruthful, pausedWrong, 'fail');
});

t.test('bitrate/net-status/3', async (t) => {
  const steady = (report: (kbps: number) => number) =>
    syntheticPush({
      durationMs: 30000,
      uplink: [{ atMs: 0, kbps: 1000 }],
      targets: [{ atMs: 0, kbps: 800 }],
      netStatus: (_t, s) => ({ ...s, videoBitrate: report(s.videoBitrate as number) }),
    });
  expectStatus(
    t,
    netStatusMatchesServer,
    steady((v) => v),
    'pass',
  );
  expectStatus(
    t,
    netStatusMatchesServer,
    steady((v) => v * 1.5),
    'fail',
  );
  expectStatus(
    t,
    netStatusMatchesServer,
    steady((v) => v).filter((r) => r.kind !== 'pusher.netstatus'),
    'not-applicable',
  );
});

t.test('bitrate/audio/1', async (t) => {
  const link = { uplink: [{ atMs: 0, kbps: 1000 }] };
  expectStatus(t, audioHasPriority, syntheticPush(link), 'pass');
  const gap = syntheticPush({ ...link, audio: (tMs) => tMs < 5000 || tMs > 5800 });
  expectStatus(t, audioHasPriority, gap, 'fail');
  // 200 kbit/s cannot carry 2 x 25 + 200: not judged.
  expectStatus(t, audioHasPriority, syntheticPush({ uplink: [{ atMs: 0, kbps: 200 }] }), 'not-applicable');
});
