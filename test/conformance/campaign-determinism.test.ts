import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { type CampaignResult, runCampaign } from '../../harness/campaign/index.js';
import { loadPusher } from '../../harness/cli/load-pusher.js';

/**
 * Issue 7, item 5, the determinism guard: 200 random seeds, each run twice (tiny cases: 5 s virtual, no
 * ffprobe, no shrinking), give identical results and trace digests, the second pass after the 199 other
 * cases of the first (state leaking from one case into the next would show); and a small campaign with
 * shrinking gives the same result in this process and in a fresh one with two workers.
 */
const root = join(import.meta.dirname, '..', '..');
const reference = { spec: 'reference', ...(await loadPusher('reference')) };

t.test('200 random seeds, each run twice, give identical results and trace digests', async (t) => {
  const [seeds] = fc.sample(
    fc.uniqueArray(fc.noBias(fc.integer({ min: 0, max: 0x7fffffff })), { minLength: 200, maxLength: 200 }),
    { seed: 2026, numRuns: 1 },
  );
  const once = async (seed: number) =>
    runCampaign({ pusher: reference, seed, runs: 1, durationMs: 5000, maxShrinks: 0 });
  const first: CampaignResult[] = [];
  for (const seed of seeds) first.push(await once(seed));
  const differ: string[] = [];
  for (const [i, seed] of seeds.entries()) {
    const again = await once(seed);
    if (again.digest !== first[i].digest || JSON.stringify(again) !== JSON.stringify(first[i]))
      differ.push(
        `seed ${seed}: ${first[i].digests[0]?.digest.slice(0, 16)} then ${again.digests[0]?.digest.slice(0, 16)}`,
      );
  }
  t.same(differ, [], `${seeds.length} seeds x 2 runs`);
  t.equal(
    new Set(first.map((r) => r.digests[0]?.digest)).size,
    seeds.length,
    'every seed gives its own trace',
  );
});

t.test(
  'a campaign with shrinking gives the same result here and in a fresh process with two workers',
  async (t) => {
    const options = { seed: 77, runs: 8, durationMs: 8000, maxShrinks: 15 };
    const here = await runCampaign({ pusher: reference, ...options });
    const out = join(mkdtempSync(join(tmpdir(), 'lpc-campaign-')), 'result.json');
    try {
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/campaign.ts',
          ...['--seed', '77', '--runs', '8', '--duration-seconds', '8', '--max-shrinks', '15'],
          ...['--workers', '2', '--quiet', '--out', out],
        ],
        { cwd: root, stdio: 'pipe' },
      );
    } catch (e) {
      // Exit code 1 means failing runs: the result file is what we compare.
      if ((e as { status?: number }).status !== 1) throw e;
    }
    const there = JSON.parse(readFileSync(out, 'utf8')) as CampaignResult;
    t.equal(there.digest, here.digest, 'same result digest');
    t.same(there.digests, here.digests, 'same trace digest per run');
    t.same(
      there.failures.map((f) => [f.run, f.requirement, f.path, f.digest]),
      here.failures.map((f) => [f.run, f.requirement, f.path, f.digest]),
      'same failures, shrunk along the same path',
    );
    t.same(there.verdicts, here.verdicts);
  },
);
