import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../harness/cli/lpc.js';
import { type ComplianceReport, validateReport } from '../../reports/index.js';
import { captureOutput } from './helpers/capture-output.js';
import { FIXTURE_ARGS, tempDir } from './helpers/run-lpc.js';

// In one process: every run below uses its own seed, so its own stream name on the embedded server.
const dir = tempDir('runs');

t.test('--runs 2 repeats the selection with seeds seed and seed+1 in one report', async (t) => {
  const out = join(dir, 'out');
  const artifacts = join(dir, 'artifacts');
  const r = await captureOutput(() =>
    main([
      'run',
      ...FIXTURE_ARGS,
      '--case',
      'fixture/connect',
      '--seed',
      '11',
      '--runs',
      '2',
      '--out',
      out,
      '--artifacts',
      artifacts,
    ]),
  );
  t.equal(r.code, 0, r.stderr);
  t.match(
    r.stderr,
    /^\[1\/2\] fixture\/connect \(seed 11\): ok\n\[2\/2\] fixture\/connect \(seed 12\): ok\n$/,
  );
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ComplianceReport;
  t.same(validateReport(report), []);
  t.same([report.run.seed, report.run.runs], [11, 2]);
  t.same(
    report.cases.map((c) => [c.id, c.seed, c.replay]),
    [
      [
        'fixture/connect',
        11,
        'lpc replay --seed 11 --case fixture/connect --suite test/reports/fixtures/suite --spec test/reports/fixtures/spec.md',
      ],
      [
        'fixture/connect',
        12,
        'lpc replay --seed 12 --case fixture/connect --suite test/reports/fixtures/suite --spec test/reports/fixtures/spec.md',
      ],
    ],
  );
  t.not(report.cases[0].digest, report.cases[1].digest, 'different seeds, different traces');
  t.match(readFileSync(join(out, 'junit.xml'), 'utf8'), /<testsuite name="fixture\/connect \(seed 12\)"/);
  t.match(readFileSync(join(out, 'summary.md'), 'utf8'), /seeds 11\.\.12, 2 case runs/);
  t.ok(
    existsSync(join(artifacts, 'fixture__connect.seed-12.trace.jsonl')),
    'artefacts are named by case and seed',
  );
});

t.test('lpc replay --seed N --case ID runs one case and prints its timeline and verdicts', async (t) => {
  const r = await captureOutput(() =>
    main(['replay', '--seed', '13', '--case', 'fixture/connect', ...FIXTURE_ARGS]),
  );
  t.equal(r.code, 0, r.stderr);
  t.match(
    r.stdout,
    /^pusher lpc-reference-pusher \S+\ncase fixture\/connect \(seed 13, profile seed, \d+\.\d{3} s virtual, digest [0-9a-f]{64}\)\ntimeline:\n/,
  );
  t.match(r.stdout, /\n +\d+\.\d{3} s {2}event {5}1001 /);
  t.match(r.stdout, /\nverdicts:\n {2}PASS {10}MUST {10}events\/connect\/1 /);
});
