import fc from 'fast-check';
import t from 'tap';
import {
  type GeneratedCase,
  generatedCaseArbitrary,
  predictStart,
  pushCommandsArbitrary,
  runSchedule,
} from '../../../harness/campaign/index.js';
import { loadSpec } from '../../../harness/spec/index.js';

/**
 * The model-based schedule (issue 7, item 2): `fc.commands` over the pusher's operations, each applied
 * only where the spec model says it applies; and the replay law: seed + path give back exactly the
 * generated case, shrinking included, in any process (fast-check records which commands ran while the
 * case is generated, so the path alone is enough).
 */
const requirementIds = loadSpec().map((r) => r.id);
const D = 30_000;
const URL = { url: 'rtmp://{host}/live/{stream}' };

/** The model's state before each command, replayed from the printed log. */
function statesOf(log: readonly string[]): { op: string; before: string }[] {
  let state = 'idle';
  const out: { op: string; before: string }[] = [];
  for (const line of log) {
    const op = line.replace(/^\d+ms /, '');
    out.push({ op, before: state });
    if (op === 'start' || op === 'resume') state = 'pushing';
    else if (op === 'stop') state = 'idle';
    else if (op === 'pause') state = 'paused';
  }
  return out;
}

t.test('operations are scheduled only where the model says they act', async (t) => {
  const arb = pushCommandsArbitrary({ durationMs: D });
  const bad: string[] = [];
  fc.assert(
    fc.property(arb, fc.boolean(), (commands, startAtZero) => {
      const s = runSchedule(commands, { durationMs: D, attributes: URL, devices: {}, startAtZero });
      for (const { op, before } of statesOf(s.log)) {
        if (op === 'pause' && before !== 'pushing') bad.push(`pause while ${before}`);
        if (op === 'resume' && before !== 'paused') bad.push(`resume while ${before}`);
        if (op === 'stop' && before === 'idle') bad.push('stop while idle (not marked redundant)');
        if (op === 'start' && before !== 'idle') bad.push(`start while ${before} (not marked redundant)`);
        if (op === 'switchCamera' && before !== 'pushing') bad.push(`switchCamera while ${before}`);
      }
      const times = s.actions.map((a) => a.atMs);
      if (times.some((x, i) => i > 0 && x < times[i - 1])) bad.push('actions out of order');
      if (times.some((x) => x > D - 2000)) bad.push('an action inside the tail');
    }),
    { seed: 9, numRuns: 300 },
  );
  t.same([...new Set(bad)], []);
});

t.test('redundant operations appear where the spec says they must be harmless', async (t) => {
  const logs = fc
    .sample(pushCommandsArbitrary({ durationMs: D }), { seed: 4, numRuns: 300 })
    .map((c) => runSchedule(c, { durationMs: D, attributes: URL, devices: {}, startAtZero: true }).log);
  const redundant = logs.flat().filter((l) => l.endsWith('(redundant)'));
  t.ok(
    redundant.some((l) => l.includes('start')),
    'start while pushing',
  );
  t.ok(
    redundant.some((l) => l.includes('stop')),
    'stop while idle',
  );
  t.ok(
    redundant.some((l) => l.includes('resume')),
    'resume while not paused',
  );
});

t.test('the model predicts the critical errors a case makes certain at start', async (t) => {
  const attrs = { validUrl: true, enableCamera: true, muted: false, audioQuality: 'low' as 'low' | 'high' };
  const p = (devices: object, a: Partial<typeof attrs> = {}) =>
    predictStart({ devices, attributes: { ...attrs, ...a } });
  t.equal(p({}), 'pushing');
  t.equal(p({ cameras: { front: { open: 'denied' } } }), 'failed', '-1301');
  t.equal(
    p({ cameras: { front: { open: 'denied' } } }, { enableCamera: false }),
    'pushing',
    'camera disabled',
  );
  t.equal(p({ microphone: { open: 'occupied' } }), 'failed', '-1302');
  t.equal(p({ microphone: { open: 'occupied' } }, { muted: true }), 'pushing', 'muted');
  t.equal(p({ videoEncoders: { hardware: { open: 'failed' } } }), 'pushing', 'software fallback');
  t.equal(
    p({ videoEncoders: { hardware: { open: 'failed' }, software: { open: 'failed' } } }),
    'failed',
    '-1303',
  );
  t.equal(
    p({ audioEncoder: { supportedSampleRates: [16000, 44100] } }, { audioQuality: 'high' }),
    'failed',
    '-1306',
  );
  t.equal(p({}, { validUrl: false }), 'idle', 'start() refused');
  const failedThenStart = runSchedule([], {
    durationMs: D,
    attributes: URL,
    devices: { cameras: { front: { open: 'denied' } } },
    startAtZero: true,
  });
  t.equal(failedThenStart.finalState, 'failed');
});

t.test('seed and path replay the failing case exactly, shrinking included', async (t) => {
  const arb = generatedCaseArbitrary({ durationMs: D, requirementIds });
  // A stand-in for a pusher bug: fails when a connection fault meets at least two actions.
  const buggy = (g: GeneratedCase) =>
    !((g.document.network?.connections?.length ?? 0) > 0 && g.document.actions.length >= 2);
  let checked = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    for (let run = 0; run < 40; run++) {
      const found = fc.check(fc.property(arb, buggy), { seed, path: String(run), numRuns: 1 });
      if (!found.failed) continue;
      const shrunk = found.counterexample![0] as GeneratedCase;
      const replay = fc.check(fc.property(arb, buggy), {
        seed,
        path: found.counterexamplePath!,
        numRuns: 1,
        endOnFailure: true,
      });
      t.ok(replay.failed, `seed ${seed} path ${found.counterexamplePath} fails again`);
      t.same((replay.counterexample![0] as GeneratedCase).document, shrunk.document, 'the same case');
      t.ok(shrunk.steps <= 4, `shrunk to ${shrunk.steps} steps`);
      checked++;
      break;
    }
  }
  t.ok(checked >= 3, `${checked} failures replayed`);
});
