import t from 'tap';
import { campaignDigest, emptyVerdictCounts } from '../../../harness/campaign/campaign-result.js';
import {
  CampaignMergeError,
  CampaignOptionError,
  type CampaignResult,
  mergeCampaignResults,
  parseShard,
  resolveCampaignOptions,
  shardRuns,
} from '../../../harness/campaign/index.js';
import { campaignCaseId, checkReplayCase, replayCommand } from '../../../harness/campaign/replay-command.js';
import { referencePusherFactory } from '../../../src/index.js';

/** Sharding, merging and replay commands (issue 7, item 4): pure functions, no simulation. */
const pusher = {
  spec: 'reference',
  factory: referencePusherFactory,
  capabilities: [],
  identity: { name: 'lpc-reference-pusher', version: '0.1.0' },
};

t.test('shards partition the seeded sequence', async (t) => {
  for (const n of [1, 2, 3, 7]) {
    const all = Array.from({ length: n }, (_, i) => shardRuns(23, { index: i + 1, count: n })).flat();
    t.same(
      [...all].sort((a, b) => a - b),
      Array.from({ length: 23 }, (_, i) => i),
      `${n} shard(s) cover every run once`,
    );
  }
  t.same(shardRuns(10, { index: 2, count: 4 }), [1, 5, 9]);
  t.same(parseShard('3/4'), { index: 3, count: 4 });
  for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0'])
    t.throws(() => parseShard(bad), CampaignOptionError, `rejects "${bad}"`);
});

t.test('options are resolved once and named when wrong', async (t) => {
  const o = resolveCampaignOptions({ pusher });
  t.same(o.settings, {
    durationMs: 60000,
    profile: 'seed',
    strict: false,
    validate: false,
    maxShrinks: 100,
    schedule: 'model',
    maxCommands: 8,
    without: [],
    baseline: null,
    focus: [],
  });
  t.throws(() => resolveCampaignOptions({ pusher, runs: 0 }), /runs 0/);
  t.throws(() => resolveCampaignOptions({ pusher, durationMs: 1000 }), /durationMs 1000/);
  t.throws(() => resolveCampaignOptions({ pusher, without: ['wifi' as never] }), /unknown fault kind "wifi"/);
  t.throws(() => resolveCampaignOptions({ pusher, seed: -1 }), /seed -1/);
});

t.test('the replay command repeats what decides a run, and nothing else', async (t) => {
  const base = resolveCampaignOptions({ pusher, seed: 42 });
  t.equal(replayCommand(base, '3:1:0'), 'lpc replay --seed 42 --path 3:1:0 --case regression/campaign-42-3');
  const other = resolveCampaignOptions({
    pusher: { ...pusher, spec: 'test/fixtures/broken-pushers/no-1307.ts' },
    baseline: pusher,
    seed: 7,
    durationMs: 20_000,
    strict: true,
    maxShrinks: 40,
    without: ['dns', 'app'],
    runs: 500,
    stopOnFirst: true,
  });
  t.equal(
    replayCommand(other, '9:0'),
    'lpc replay --seed 7 --path 9:0 --case regression/campaign-7-9 --pusher test/fixtures/broken-pushers/no-1307.ts --baseline reference --duration-seconds 20 --strict --max-shrinks 40 --without app,dns',
  );
  // A campaign started another way (its own commandPrefix) replays through that command's --replay.
  const script = resolveCampaignOptions({ pusher, seed: 3, commandPrefix: 'npx tsx scripts/campaign.ts' });
  t.equal(
    replayCommand(script, '12'),
    'npx tsx scripts/campaign.ts --replay --seed 3 --path 12 --case regression/campaign-3-12',
  );
});

t.test('a replay --case must be the case the campaign generated at that path', async (t) => {
  t.equal(campaignCaseId(5, 22), 'regression/campaign-5-22');
  t.doesNotThrow(() => checkReplayCase(5, '22:0:1', 'regression/campaign-5-22'));
  t.doesNotThrow(() => checkReplayCase(5, '22:0:1', undefined), 'optional');
  t.throws(
    () => checkReplayCase(5, '22:0:1', 'regression/campaign-5-21'),
    /--case "regression\/campaign-5-21" is not the case of seed 5, path 22:0:1 \(that is regression\/campaign-5-22\)/,
  );
  t.throws(() => checkReplayCase(5, '22', 'events/connect-basic'), /drop --path/);
});

function result(shard: string, runs: number[], failing: number[] = []): CampaignResult {
  const digests = runs.map((run) => ({
    run,
    digest: `d${run}`,
    failed: failing.includes(run) ? ['x/y/1'] : [],
  }));
  const failures = failing.map((run) => ({
    run,
    requirement: 'x/y/1',
    level: 'MUST' as const,
    verdict: 'FAIL' as const,
    summary: 's',
    path: `${run}:0`,
    replay: 'r',
    caseYaml: '',
    case: {} as never,
    steps: 1,
    originalSteps: 3,
    shrinks: 2,
    schedule: [],
    verdicts: [],
    originalRequirements: ['x/y/1'],
    digest: `s${run}`,
  }));
  const verdicts = emptyVerdictCounts();
  verdicts.PASS = runs.length;
  return {
    format: 'lpc-campaign-result',
    version: 1,
    seed: 1,
    runs: 6,
    shards: [shard],
    pusher: { spec: 'reference', name: 'r', version: '1' },
    settings: resolveCampaignOptions({ pusher }).settings,
    executed: runs.length,
    truncated: false,
    truncatedBy: [],
    complete: runs.length === 6,
    verdicts,
    failures,
    harnessErrors: [],
    digests,
    digest: campaignDigest(digests, failures),
  };
}

t.test('shard results merge into the unsharded result', async (t) => {
  const whole = result('1/1', [0, 1, 2, 3, 4, 5], [4]);
  const merged = mergeCampaignResults([result('2/2', [1, 3, 5]), result('1/2', [0, 2, 4], [4])]);
  t.equal(merged.digest, whole.digest, 'same digest');
  t.same(merged.digests, whole.digests);
  t.same(merged.failures, whole.failures);
  t.equal(merged.verdicts.PASS, 6);
  t.same(merged.shards, ['1/2', '2/2']);
  t.ok(merged.complete);
  const partial = mergeCampaignResults([result('1/2', [0, 2, 4])]);
  t.notOk(partial.complete, 'a missing shard leaves the merge incomplete');
});

t.test('merging refuses results of different campaigns', async (t) => {
  const a = result('1/2', [0, 2, 4]);
  t.throws(() => mergeCampaignResults([a, { ...result('2/2', [1, 3, 5]), seed: 2 }], ['a.json', 'b.json']), {
    message: /b\.json: seed 2 differs from a\.json's 1/,
  });
  const conflicting = { ...a, digests: a.digests.map((d) => ({ ...d, digest: 'other' })) };
  t.throws(() => mergeCampaignResults([a, conflicting]), CampaignMergeError, 'same run, two digests');
  t.throws(() => mergeCampaignResults([]), /no result/);
});
