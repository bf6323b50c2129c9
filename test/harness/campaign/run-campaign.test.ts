import t from 'tap';
import {
  type CampaignPusher,
  mergeCampaignResults,
  replayCampaignRun,
  runCampaign,
} from '../../../harness/campaign/index.js';
import { parseCase } from '../../../harness/runner/case-schema.js';
import { loadSpec, requirementIndex, runAndJudge } from '../../../harness/runner/run-suite.js';
import { referencePusherFactory } from '../../../src/index.js';
import wrongEventOrder from '../../fixtures/broken-pushers/wrong-event-order.js';

/**
 * The campaign runner on tiny cases (issue 7, items 3 and 4): shards merge into the unsharded result,
 * the time budget truncates, stop-on-first stops, a failure shrinks to a case that fails again when
 * replayed and when saved as a case file.
 */
const capabilities = [
  'events',
  'netstatus',
  'attributes.live-update',
  'pause',
  'switchCamera',
  'snapshot',
  'waiting-image',
  'background',
  'bitrate-adaptation',
  'device-faults',
  'dns',
  'sim-time',
] as const;
const reference: CampaignPusher = {
  spec: 'reference',
  factory: referencePusherFactory,
  capabilities,
  identity: { name: 'lpc-reference-pusher', version: '0.1.0' },
};
const broken: CampaignPusher = {
  spec: 'test/fixtures/broken-pushers/wrong-event-order.ts',
  factory: wrongEventOrder,
  capabilities,
  identity: { name: 'wrong-event-order', version: '0' },
};
const tiny = { durationMs: 6000, maxShrinks: 0, seed: 5 };

t.test('two shards merge into the result of one process', async (t) => {
  const whole = await runCampaign({ pusher: reference, runs: 4, ...tiny });
  const a = await runCampaign({ pusher: reference, runs: 4, ...tiny, shard: { index: 1, count: 2 } });
  const b = await runCampaign({ pusher: reference, runs: 4, ...tiny, shard: { index: 2, count: 2 } });
  t.same(
    a.digests.map((d) => d.run),
    [0, 2],
  );
  const merged = mergeCampaignResults([b, a]);
  t.equal(merged.digest, whole.digest, 'same digest');
  t.same(merged.digests, whole.digests);
  t.same(merged.verdicts, whole.verdicts);
  t.ok(merged.complete && whole.complete);
});

t.test('the time budget stops starting runs and marks the result truncated', async (t) => {
  let now = 0;
  const r = await runCampaign(
    { pusher: reference, runs: 10, ...tiny, budgetMs: 2500 },
    { wallClock: () => (now += 1000) },
  );
  t.equal(r.executed, 2);
  t.ok(r.truncated);
  t.same(r.truncatedBy, ['budget']);
  t.notOk(r.complete);
});

t.test(
  'stop-on-first stops after a failing run (differential), shrunk to a case that fails again',
  async (t) => {
    const r = await runCampaign({
      pusher: broken,
      baseline: reference,
      runs: 5,
      seed: 5,
      durationMs: 6000,
      maxShrinks: 30,
      stopOnFirst: true,
    });
    t.equal(r.executed, 1);
    t.same(r.truncatedBy, ['failure']);
    const f = r.failures[0];
    t.ok(f, 'a failure');
    // 1002 before 1001: the 1001 comes late (events/connect/1) and out of order (events/order/2).
    t.match(f.requirement, /^events\/(connect\/1|order\/2|push-begin\/1)$/, `named ${f.requirement}`);
    t.ok(f.steps <= 2, `shrunk from ${f.originalSteps} to ${f.steps} steps`);
    t.match(
      f.replay,
      /^lpc replay --seed 5 --path 0(:\d+)* --case regression\/campaign-5-0 --pusher test\/fixtures\/broken-pushers\/wrong-event-order\.ts --baseline reference/,
    );

    const replayed = await replayCampaignRun(
      { pusher: broken, baseline: reference, seed: 5, durationMs: 6000, maxShrinks: 30 },
      f.path,
    );
    t.ok(replayed.reproduced, 'the replay fails');
    t.equal(replayed.digest, f.digest, 'with the same trace digest');

    // Saved as a file, the shrunk case fails the same requirement under the suite runner.
    const def = parseCase(f.caseYaml, 'shrunk.yaml');
    t.ok(def.requirements.includes(f.requirement), 'the file targets the requirement');
    const { result } = await runAndJudge(def, {
      pusher: wrongEventOrder,
      capabilities,
      seed: 5,
      requirements: requirementIndex(loadSpec()),
      validate: false,
    });
    t.equal(
      result.verdicts.find((v) => v.requirement === f.requirement)?.verdict,
      'FAIL',
      'lpc run flags it',
    );
  },
);
