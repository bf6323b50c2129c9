import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCommand } from '../../harness/cli/run-command.js';
import { type ComplianceReport, validateReport } from '../../reports/index.js';
import { FIXTURE_SPEC, FIXTURE_SUITE, runLpc, tempDir } from './helpers/run-lpc.js';

const read = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ComplianceReport;

t.test('Ctrl-C leaves a valid partial report (every format) and exits 130', async (t) => {
  const out = tempDir('sigint');
  let sent = false;
  const r = await runLpc(
    ['run', '--suite', FIXTURE_SUITE, '--spec', FIXTURE_SPEC, '--runs', '2', '--out', out],
    {
      onStderr: (text, child) => {
        if (!sent && text.includes('[1/4]')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    },
  );
  t.ok(sent, 'SIGINT sent after the first case');
  t.equal(r.code, 130, r.stderr);
  t.match(r.stderr, /lpc: interrupted: finishing the current case, then writing a partial report/);
  const report = read(out);
  t.same(validateReport(report), []);
  t.equal(report.partial, true);
  t.ok(report.cases.length >= 1 && report.cases.length < 4, `${report.cases.length} of 4 case runs kept`);
  for (const f of ['summary.md', 'junit.xml', 'report.html']) t.ok(existsSync(join(out, f)), `${f} written`);
  t.match(readFileSync(join(out, 'summary.md'), 'utf8'), /\(\*\*partial run\*\*\)/);
  t.same(
    readdirSync(out).filter((f) => f.includes('.tmp-')),
    [],
    'no temporary file left behind (writes are write-then-rename)',
  );
});

t.test('a pusher that throws everywhere still gives a valid report', async (t) => {
  const out = tempDir('throwing');
  const { report, exitCode } = await runCommand({
    pusher: 'test/cli/fixtures/throwing-pusher.ts',
    suite: FIXTURE_SUITE,
    spec: FIXTURE_SPEC,
    seed: 1,
    profile: 'seed',
    strict: false,
    out,
    quiet: true,
  });
  t.same(validateReport(read(out)), []);
  t.equal(report.partial, false);
  t.equal(report.pusher.name, 'throwing-pusher', 'identity falls back to the factory name');
  t.same(report.pusher.capabilities, []);
  const [connect, step] = report.cases;
  t.ok(
    connect.timeline?.entries.some((e) => e.kind === 'crash'),
    'the crash is on the timeline',
  );
  t.same(connect.harnessErrors, [], 'a pusher crash is not a harness error');
  t.match(step.unsupported, /does not declare netstatus/);
  t.ok([0, 1].includes(exitCode));
});
