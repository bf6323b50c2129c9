import t from 'tap';
import { diffReports, mergeReports, ReportError, renderDiff, renderJsonReport } from '../../reports/index.js';
import { sampleCase, sampleReport, verdict } from './helpers/sample-report.js';

const before = sampleReport([
  sampleCase('events/connect', [
    verdict('events/connect/1', 'PASS'),
    verdict('events/net-busy/1', 'NON-STRICT'),
  ]),
  sampleCase('bitrate/step', [
    verdict('bitrate/drop/1', 'FAIL'),
    verdict('bitrate/stability/1', 'INFORMATIONAL'),
  ]),
  sampleCase('old/case', [verdict('events/connect/1', 'PASS')]),
]);
const after = sampleReport([
  sampleCase('events/connect', [verdict('events/connect/1', 'FAIL'), verdict('events/net-busy/1', 'PASS')]),
  sampleCase('bitrate/step', [
    verdict('bitrate/drop/1', 'FAIL'),
    verdict('events/connect/1', 'INDETERMINATE'),
  ]),
  sampleCase('new/case', [verdict('events/connect/1', 'PASS')]),
]);

t.test('diff: regressions, fixes, other changes, new and removed cases and checks', async (t) => {
  const d = diffReports(before, after);
  t.same(
    d.regressions.map((c) => [c.case, c.requirement, c.from, c.to]),
    [['events/connect', 'events/connect/1', 'PASS', 'FAIL']],
  );
  t.same(
    d.fixes.map((c) => [c.case, c.requirement, c.from, c.to]),
    [['events/connect', 'events/net-busy/1', 'NON-STRICT', 'PASS']],
  );
  t.same(d.changed, []);
  t.same(d.newCases, ['new/case']);
  t.same(d.removedCases, ['old/case']);
  t.same(d.newChecks, [
    { case: 'bitrate/step', seed: 1, requirement: 'events/connect/1', verdict: 'INDETERMINATE' },
  ]);
  t.same(d.removedChecks, [
    { case: 'bitrate/step', seed: 1, requirement: 'bitrate/stability/1', verdict: 'INFORMATIONAL' },
  ]);
  t.same([d.newRequirements, d.removedRequirements], [[], []]);
  const text = renderDiff(d, before, after);
  t.match(text, /^lpc diff: sample-pusher 1\.0\.0 \(seed 1, profile seed\) → sample-pusher 1\.0\.0/);
  t.match(text, /1 regression\(s\), 1 fix\(es\), 0 other change\(s\); cases \+1 -1; requirements \+0 -0/);
  t.match(text, /\n {2}events\/connect\/1 in events\/connect \(seed 1\): PASS → FAIL: FAIL summary\n/);
});

t.test('diff: a report against itself is empty', async (t) => {
  const d = diffReports(after, after);
  t.same(Object.values(d).flat(), []);
});

const shard = (i: number, ids: string[], options: { seed?: number; pusherName?: string; n?: number } = {}) =>
  sampleReport(
    ids.map((id) => sampleCase(id, [verdict('events/connect/1', 'PASS')], { seed: options.seed ?? 1 })),
    { shard: `${i}/${options.n ?? 2}`, seed: options.seed, pusherName: options.pusherName },
  );

t.test('merge: the shards of a run give the unsharded report, byte for byte, in suite order', async (t) => {
  const ids = ['a/x', 'a-b/y', 'b/z'];
  const whole = sampleReport(ids.map((id) => sampleCase(id, [verdict('events/connect/1', 'PASS')])));
  const { report, warnings } = mergeReports([
    { path: 's2.json', report: shard(2, ['a-b/y']) },
    { path: 's1.json', report: shard(1, ['a/x', 'b/z']) },
  ]);
  t.same(warnings, []);
  t.equal(renderJsonReport(report), renderJsonReport(whole));
});

t.test('merge: shards of different runs or a repeated shard are refused, naming both files', async (t) => {
  const refuse = (inputs: Parameters<typeof mergeReports>[0], code: string, message: RegExp) => {
    try {
      mergeReports(inputs);
      t.fail('merged');
    } catch (e) {
      t.type(e, ReportError);
      t.equal((e as ReportError).code, code);
      t.match((e as Error).message, message);
    }
  };
  refuse(
    [
      { path: 's1.json', report: shard(1, ['a']) },
      { path: 's2.json', report: shard(2, ['b'], { seed: 2 }) },
    ],
    'MIXED_SHARDS',
    /^Failed to merge s2\.json with s1\.json: different run\.seed \(2 vs 1\)/,
  );
  refuse(
    [
      { path: 's1.json', report: shard(1, ['a']) },
      { path: 's2.json', report: shard(2, ['b'], { pusherName: 'other' }) },
    ],
    'MIXED_SHARDS',
    /different pusher/,
  );
  refuse(
    [
      { path: 's1.json', report: shard(1, ['a']) },
      { path: 'again.json', report: shard(1, ['b']) },
    ],
    'BAD_SHARD',
    /s1\.json and again\.json are both shard 1\/2/,
  );
  refuse(
    [
      { path: 's1.json', report: shard(1, ['a']) },
      { path: 's2.json', report: shard(2, ['b'], { n: 3 }) },
    ],
    'BAD_SHARD',
    /shard 2\/3 does not belong with s1\.json \(shard 1\/2\)/,
  );
  refuse(
    [
      { path: 's1.json', report: shard(1, ['a']) },
      { path: 's2.json', report: shard(2, ['a']) },
    ],
    'DUPLICATE_CASE',
    /case a \(seed 1\) is in both s1\.json and s2\.json/,
  );
  refuse([{ path: 'whole.json', report: sampleReport([]) }], 'BAD_SHARD', /whole\.json: it is not a shard/);
});

t.test('merge: a missing shard makes the merged report partial, with a warning', async (t) => {
  const { report, warnings } = mergeReports([{ path: 's1.json', report: shard(1, ['a'], { n: 3 }) }]);
  t.equal(report.partial, true);
  t.same(warnings, ['shard(s) 2/3, 3/3 missing: the merged report is partial']);
  t.equal(report.run.shard, undefined);
});
