import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../harness/cli/lpc.js';
import { type ComplianceReport, renderJsonReport, validateReport } from '../../reports/index.js';
import { normalise } from '../reports/helpers/sample-report.js';
import { captureOutput } from './helpers/capture-output.js';
import { FIXTURE_ARGS, ROOT, runLpc, tempDir } from './helpers/run-lpc.js';

/**
 * `lpc run --shard i/n` then `lpc merge`: the merged report is the unsharded run's (the golden of
 * test/reports/golden.test.ts, same suite, spec and seed), and shards of different runs are refused.
 */
const dir = tempDir('merge');
const shard = (i: number) =>
  runLpc(['run', ...FIXTURE_ARGS, '--seed', '7', '--shard', `${i}/2`, '--out', join(dir, `s${i}`)]);
const [s1, s2] = [await shard(1), await shard(2)];

t.test('each shard runs every other case and writes a shard report', async (t) => {
  t.equal(s1.code, 0, s1.stderr);
  t.equal(s2.code, 0, s2.stderr);
  const r1 = JSON.parse(readFileSync(join(dir, 's1', 'report.json'), 'utf8')) as ComplianceReport;
  t.equal(r1.run.shard, '1/2');
  t.same(
    r1.cases.map((c) => c.id),
    ['fixture/connect'],
  );
});

t.test('lpc merge gives the report of the unsharded run, byte for byte', async (t) => {
  const merged = join(dir, 'merged');
  const r = await captureOutput(() =>
    main(['merge', join(dir, 's2', 'report.json'), join(dir, 's1', 'report.json'), '--out', merged]),
  );
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^merged 2 shard\(s\): 2 case runs, MUST failures: 0\. Reports in /);
  const report = JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8')) as ComplianceReport;
  t.same(validateReport(report), []);
  t.equal(
    renderJsonReport(normalise(report)),
    readFileSync(join(ROOT, 'test/reports/golden/report.json.golden'), 'utf8'),
  );
});

t.test('lpc merge refuses shards of different runs with a one-line reason (exit 2)', async (t) => {
  const other = JSON.parse(readFileSync(join(dir, 's2', 'report.json'), 'utf8')) as ComplianceReport;
  other.run.seed = 8;
  const file = join(dir, 'other-seed.json');
  writeFileSync(file, JSON.stringify(other));
  const r = await captureOutput(() =>
    main(['merge', join(dir, 's1', 'report.json'), file, '--out', join(dir, 'x')]),
  );
  t.equal(r.code, 2);
  t.match(
    r.stderr,
    /^lpc: Failed to merge .*other-seed\.json with .*s1\/report\.json: different run\.seed \(8 vs 7\); merge only shards of one run\n$/,
  );
});
