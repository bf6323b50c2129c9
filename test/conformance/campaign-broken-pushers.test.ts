import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { type CampaignPusher, runCampaign } from '../../harness/campaign/index.js';
import { loadPusher } from '../../harness/cli/load-pusher.js';
import { BROKEN_PUSHERS } from '../fixtures/broken-pushers/catalogue.js';

/**
 * Issue 7, "must show": against broken pushers, a campaign finds the violation without being told where
 * (generated cases, not the catalogue's case), shrinks it to a case of at most a few steps, and its printed
 * replay command reproduces the failure in a fresh process. Differential against the reference (a
 * failure counts only where the reference passes the same requirement on the same case), so defects the
 * oracles share with the reference (test/conformance/campaign-reference.test.ts) do not mask the pusher's.
 */
const root = join(import.meta.dirname, '..', '..');
const reference = { spec: 'reference', ...(await loadPusher('reference')) };
/** One per area: event order, retry count, retry events, RTMP handshake, background. */
const PICKED = [
  'wrong-event-order',
  'fourth-retry',
  'no-1102-before-retry',
  'c2-before-s1',
  'camera-in-background',
];
const MAX_STEPS = 4;

for (const name of PICKED) {
  const entry = BROKEN_PUSHERS.find((b) => b.pusher.name === name);
  if (!entry) throw new Error(`no broken pusher "${name}" in the catalogue`);
  t.test(`${name}: found, shrunk to at most ${MAX_STEPS} steps, replayed in a fresh process`, async (t) => {
    const spec = `test/fixtures/broken-pushers/${name}.ts`;
    const pusher: CampaignPusher = { spec, ...(await loadPusher(spec)) };
    const r = await runCampaign({
      pusher,
      baseline: reference,
      seed: 1,
      runs: 40,
      durationMs: 15_000,
      maxShrinks: 40,
      stopOnFirst: true,
    });
    const f = r.failures[0];
    if (!t.ok(f, `a failing run in ${r.executed} run(s)`)) return;
    const expected = new Set([entry.requirement, ...(entry.alsoFlags ?? [])]);
    const seen = new Set([f.requirement, ...f.originalRequirements, ...f.verdicts.map((v) => v.requirement)]);
    t.ok(
      [...seen].some((id) => expected.has(id)),
      `run ${f.run} failed ${[...seen].join(', ')}; the defect breaks ${[...expected].join(', ')}`,
    );
    t.ok(f.steps <= MAX_STEPS, `shrunk from ${f.originalSteps} to ${f.steps} steps`);
    t.match(f.caseYaml, new RegExp(`id: ${f.case.id}`), 'the shrunk case prints as a case file');

    // The printed command is `lpc replay --seed S --path P --case ID ...`; `lpc` is bin/lpc.mjs here.
    const [lpc, replayWord, ...args] = f.replay.split(' ');
    t.same([lpc, replayWord], ['lpc', 'replay']);
    t.match(f.replay, ` --case ${f.case.id}`, 'naming the case it regenerates');
    const replay = spawnSync(process.execPath, [join(root, 'bin', 'lpc.mjs'), 'replay', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    t.equal(replay.status, 1, 'the replay exits 1 (a failure)');
    t.match(replay.stdout, new RegExp(`^REPRODUCED: run ${f.run}, path ${f.path}: .*${f.requirement}`, 'm'));
    t.match(replay.stdout, f.digest.slice(0, 16), 'with the same trace digest');
  });
}
