import t from 'tap';
import { type CampaignPusher, formatFailure, runCampaign } from '../../harness/campaign/index.js';
import { loadPusher } from '../../harness/cli/load-pusher.js';
import { runLpc, runNode } from './helpers/run-lpc.js';

/**
 * Issue 8, `lpc replay --seed N --path P --case ID`: the replay command a campaign prints (in the failure
 * block, the results JSON and the shrunk case's YAML header) is the `lpc replay` form, and run in a fresh
 * process it reproduces the failure with the same trace digest, printing exactly what the campaign
 * script's `--replay` prints for the same options.
 */
const spec = 'test/fixtures/broken-pushers/wrong-event-order.ts';
const broken: CampaignPusher = { spec, ...(await loadPusher(spec)) };
const reference: CampaignPusher = { spec: 'reference', ...(await loadPusher('reference')) };

t.test('the printed lpc replay command reproduces the failure in a fresh process', async (t) => {
  const r = await runCampaign({
    pusher: broken,
    baseline: reference,
    runs: 1,
    seed: 5,
    durationMs: 6000,
    maxShrinks: 30,
    stopOnFirst: true,
  });
  const f = r.failures[0];
  if (!t.ok(f, 'the campaign finds the failure')) return;
  t.match(
    f.replay,
    new RegExp(
      `^lpc replay --seed 5 --path ${f.path} --case regression/campaign-5-0 --pusher ${spec} --baseline reference --duration-seconds 6 --max-shrinks 30$`,
    ),
  );
  t.equal(f.case.id, 'regression/campaign-5-0', '--case is the id of the generated case');
  t.match(f.caseYaml, `# Replay exactly: ${f.replay}\n`, 'in the case YAML header');
  t.match(formatFailure(f), `  --- replay it exactly ---\n  ${f.replay}`, 'in the failure block');

  const [lpc, replay, ...args] = f.replay.split(' ');
  t.same([lpc, replay], ['lpc', 'replay']);
  const viaLpc = await runLpc(['replay', ...args]);
  t.equal(viaLpc.code, 1, `exit 1: the failure reproduces (stderr: ${viaLpc.stderr})`);
  t.match(viaLpc.stdout, new RegExp(`^REPRODUCED: run 0, path ${f.path}: .*${f.requirement}`, 'm'));
  t.match(viaLpc.stdout, `trace digest ${f.digest.slice(0, 16)}`, 'with the same trace digest');
  t.match(viaLpc.stdout, 'id: regression/campaign-5-0', 'printing the regenerated case');

  // The campaign script takes the same options after --replay and prints the same.
  const viaScript = await runNode(['--import', 'tsx', 'scripts/campaign.ts', '--replay', ...args]);
  t.equal(viaScript.code, 1);
  t.equal(viaScript.stdout, viaLpc.stdout, 'scripts/campaign.ts --replay prints the same');
});
