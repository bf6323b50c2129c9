import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  type ComplianceReport,
  renderJsonReport,
  renderJunitReport,
  renderMarkdownSummary,
  validateReport,
} from '../../reports/index.js';
import { FIXTURE_ARGS, runLpc, tempDir } from '../cli/helpers/run-lpc.js';
import { normalise } from './helpers/sample-report.js';

/**
 * Golden reports of a small fixed run (the fixture suite and spec, reference pusher, seed 7), written by
 * the real CLI in fresh processes. The environment section (Node version, git commit) and the tool version
 * are replaced by fixed values before comparing with the goldens; everything else must match byte for byte.
 * When the simulation changes on purpose: LPC_UPDATE_GOLDEN=1 npx tap test/reports/golden.test.ts, then
 * review the diff of test/reports/golden/ (`.golden` files: formatters leave them alone).
 */
const GOLDEN = join(import.meta.dirname, 'golden');
const FILES = ['report.json', 'junit.xml', 'summary.md', 'report.html'] as const;

const outA = tempDir('golden-a');
const outB = tempDir('golden-b');
const args = (out: string) => ['run', ...FIXTURE_ARGS, '--seed', '7', '--out', out];

t.test('the same seed gives byte-identical reports in every format', async (t) => {
  const [a, b] = [await runLpc(args(outA)), await runLpc(args(outB))];
  t.equal(a.code, 0, a.stderr);
  t.equal(b.code, 0, b.stderr);
  for (const f of FILES)
    t.ok(readFileSync(join(outA, f)).equals(readFileSync(join(outB, f))), `${f} is byte-identical`);
  t.match(
    a.stderr,
    /^\[1\/2\] fixture\/connect: ok\n\[2\/2\] fixture\/step-and-background: ok\n$/,
    'plain progress lines when stderr is not a TTY',
  );
});

t.test('report.json is valid against the schema and the other formats render from it alone', async (t) => {
  const text = readFileSync(join(outA, 'report.json'), 'utf8');
  const report = JSON.parse(text) as ComplianceReport;
  t.same(validateReport(report), []);
  t.equal(renderJsonReport(report), text);
  t.equal(renderJunitReport(report), readFileSync(join(outA, 'junit.xml'), 'utf8'));
  t.equal(renderMarkdownSummary(report), readFileSync(join(outA, 'summary.md'), 'utf8'));
  t.notMatch(text, /"(wallMs|startedAt|date|time)"/, 'no wall-clock field');
  t.ok(existsSync(join(outA, 'timing.json')), 'wall time goes to timing.json');
});

t.test('the reports match the goldens (environment normalised)', async (t) => {
  const report = normalise(JSON.parse(readFileSync(join(outA, 'report.json'), 'utf8')));
  const rendered: Record<string, string> = {
    'report.json': renderJsonReport(report),
    'junit.xml': renderJunitReport(report),
    'summary.md': renderMarkdownSummary(report),
  };
  if (process.env.LPC_UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    for (const [f, s] of Object.entries(rendered)) writeFileSync(join(GOLDEN, `${f}.golden`), s);
    t.comment('goldens rewritten');
  }
  for (const [f, s] of Object.entries(rendered))
    t.equal(
      s,
      readFileSync(join(GOLDEN, `${f}.golden`), 'utf8'),
      `${f} matches test/reports/golden/${f}.golden (if the simulation changed on purpose: LPC_UPDATE_GOLDEN=1)`,
    );
});
