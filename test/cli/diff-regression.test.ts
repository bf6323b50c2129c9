import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../harness/cli/lpc.js';
import type { ComplianceReport, ReportDiff } from '../../reports/index.js';
import { captureOutput } from './helpers/capture-output.js';
import { FIXTURE_ARGS, runLpc, tempDir } from './helpers/run-lpc.js';

/**
 * `lpc diff` on two runs of one case, the reference pusher and a broken one that never emits 1001
 * (test/cli/fixtures/drops-1001-pusher.ts): exactly that regression. Both runs carry a baseline that
 * expects it: the broken run passes (expected failure), the reference run fails (stale entry).
 */
const dir = tempDir('diff');
const baseline = join(dir, 'expected-failures.yaml');
writeFileSync(
  baseline,
  '# the broken pusher is known not to emit 1001\n- case: fixture/connect\n  requirement: events/connect/1\n  reason: drops 1001\n',
);
const common = [
  'run',
  ...FIXTURE_ARGS,
  '--case',
  'fixture/connect',
  '--seed',
  '3',
  '--expected-failures',
  baseline,
];
const good = join(dir, 'good');
const bad = join(dir, 'bad');
const artifacts = join(dir, 'artifacts');
const goodRun = await runLpc([...common, '--out', good, '--artifacts', artifacts]);
const badRun = await runLpc([...common, '--pusher', 'test/cli/fixtures/drops-1001-pusher.ts', '--out', bad]);
const read = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ComplianceReport;

t.test('the broken run fails only where the baseline expects it: exit 0', async (t) => {
  t.equal(badRun.code, 0, badRun.stderr);
  const report = read(bad);
  t.equal(report.pusher.name, 'drops-1001');
  t.same(report.baseline?.expected, [
    { case: 'fixture/connect', seed: 3, requirement: 'events/connect/1', verdict: 'FAIL' },
  ]);
  t.same([report.baseline?.unexpected, report.baseline?.stale], [[], []]);
});

t.test('the reference run passes, so the same baseline entry is stale: exit 1', async (t) => {
  t.equal(goodRun.code, 1);
  t.same(read(good).baseline?.stale, [
    { case: 'fixture/connect', requirement: 'events/connect/1', reason: 'drops 1001' },
  ]);
  t.match(goodRun.stderr, /stale expected failure: fixture\/connect \/ events\/connect\/1 now passes/);
});

t.test('lpc diff reports exactly the one regression and exits 1', async (t) => {
  const out = await captureOutput(() =>
    main(['diff', join(good, 'report.json'), join(bad, 'report.json'), '--json']),
  );
  t.equal(out.code, 1);
  const diff = JSON.parse(out.stdout) as ReportDiff;
  t.same(diff.regressions, [
    {
      case: 'fixture/connect',
      seed: 3,
      requirement: 'events/connect/1',
      level: 'MUST',
      from: 'PASS',
      to: 'FAIL',
      summary: diff.regressions[0]?.summary,
    },
  ]);
  t.match(diff.regressions[0]?.summary, /had no 1001/);
  t.same(
    [diff.fixes, diff.changed, diff.newCases, diff.removedCases, diff.newChecks, diff.removedChecks],
    [[], [], [], [], [], []],
  );
  const text = await captureOutput(() => main(['diff', join(good, 'report.json'), join(bad, 'report.json')]));
  t.match(text.stdout, /^lpc diff: lpc-reference-pusher .* → drops-1001 .*\n1 regression\(s\), 0 fix\(es\)/);
  const reverse = await captureOutput(() =>
    main(['diff', join(bad, 'report.json'), join(good, 'report.json')]),
  );
  t.equal(reverse.code, 0, 'the other way round it is a fix');
  t.match(reverse.stdout, /fixes:\n {2}events\/connect\/1 in fixture\/connect \(seed 3\): FAIL → PASS/);
});

t.test(
  '--artifacts keeps the trace (JSON Lines, matching the digest) and the FLV, named by case',
  async (t) => {
    const report = read(good);
    const trace = readFileSync(join(artifacts, 'fixture__connect.trace.jsonl'));
    t.equal(createHash('sha256').update(trace).digest('hex'), report.cases[0].digest);
    const flv = readFileSync(join(artifacts, 'fixture__connect.flv'));
    t.equal(flv.subarray(0, 3).toString('latin1'), 'FLV');
    t.ok(flv.length > 10_000, `the FLV holds the stream (${flv.length} bytes)`);
  },
);

t.test('lpc replay <result.json> <caseId> re-runs the case and finds the same verdicts', async (t) => {
  const r = await runLpc(['replay', join(bad, 'report.json'), 'fixture/connect']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^pusher drops-1001 /);
  t.match(r.stdout, /\ntimeline:\n/);
  t.match(r.stdout, /\n {2}FAIL {10}MUST {10}events\/connect\/1 /);
  t.match(r.stdout, /trace digest matches\nverdicts match /);
});

t.test('lpc replay exits 1 when the replayed verdicts differ from the stored ones', async (t) => {
  const tampered = join(dir, 'tampered.json');
  const report = read(good);
  report.cases[0].verdicts = report.cases[0].verdicts.map((v) =>
    v.requirement === 'events/connect/1' ? { ...v, verdict: 'FAIL' } : v,
  );
  writeFileSync(tampered, JSON.stringify(report));
  const out = await captureOutput(() => main(['replay', tampered, 'fixture/connect']));
  t.equal(out.code, 1);
  t.match(
    out.stdout,
    /verdicts differ from .*tampered\.json:\n {2}events\/connect\/1: stored FAIL, replayed PASS\n$/,
  );
});
