import type { CheckResult } from '../harness/oracles/types.js';
import type { ComplianceReport, ReportCase } from './report-model.js';

/** XML 1.0 text: escaped, with characters XML cannot hold (controls, lone surrogates) replaced by U+FFFD. */
/** Whether XML 1.0 can hold this code point (controls other than tab, LF, CR cannot; nor lone surrogates). */
function xmlAllowed(c: number): boolean {
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return c !== 0xfffe && c !== 0xffff;
}

/** XML 1.0 text: escaped, with characters XML cannot hold (controls, lone surrogates) replaced by U+FFFD. */
export function xmlText(s: string): string {
  let clean = '';
  for (const ch of s) clean += xmlAllowed(ch.codePointAt(0) ?? 0) ? ch : '\uFFFD';
  return clean
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlText(String(value))}"`;
const prop = (name: string, value: string | number) =>
  `<property${attr('name', name)}${attr('value', value)}/>`;

function details(c: ReportCase, v: CheckResult): string {
  const lines = [v.summary];
  if (v.expected !== undefined) lines.push(`expected: ${v.expected}`);
  if (v.actual !== undefined) lines.push(`actual: ${v.actual}`);
  if (v.atMs !== undefined) lines.push(`at: ${v.atMs} ms (virtual)`);
  if (v.numbers) lines.push(`numbers: ${JSON.stringify(v.numbers)}`);
  for (const r of v.evidence ?? []) lines.push(`trace: ${JSON.stringify(r)}`);
  lines.push(`replay: ${c.replay}`);
  return lines.join('\n');
}

/**
 * junit.xml: one <testsuite> per case run, one <testcase> per requirement verdict (classname = case ID,
 * name = requirement ID). FAIL → <failure type="FAIL">; NON-STRICT → <failure type="NON-STRICT"> under
 * --strict, otherwise a passing testcase with the property verdict=NON-STRICT (so JUnit agrees with the exit
 * code); UNSUPPORTED / INDETERMINATE → <skipped>; a failure the baseline expects → <skipped
 * message="expected failure ...">; harness errors → an <error> testcase "harness"; stale baseline entries
 * → failures in a "baseline" suite. No times: the report holds no wall-clock values (virtual duration is a
 * property). docs/reports.md "junit.xml".
 */
export function renderJunitReport(report: ComplianceReport): string {
  const expected = new Set(
    (report.baseline?.expected ?? []).map((r) => `${r.case}#${r.seed}#${r.requirement}`),
  );
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const c of report.cases) {
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const body: string[] = [];
    for (const v of c.verdicts) {
      counts.tests++;
      const open = `    <testcase${attr('classname', c.id)}${attr('name', v.requirement)}>`;
      const props = `      <properties>${prop('verdict', v.verdict)}${prop('level', v.level)}</properties>`;
      const inner: string[] = [props];
      const isExpected = expected.has(`${c.id}#${c.seed}#${v.requirement}`);
      if (isExpected) {
        counts.skipped++;
        inner.push(
          `      <skipped${attr('message', `expected failure (baseline): ${v.verdict}: ${v.summary}`)}/>`,
        );
      } else if (v.verdict === 'FAIL' || (v.verdict === 'NON-STRICT' && report.run.strict)) {
        counts.failures++;
        inner.push(
          `      <failure${attr('type', v.verdict)}${attr('message', v.summary)}>${xmlText(details(c, v))}</failure>`,
        );
      } else if (v.verdict === 'UNSUPPORTED' || v.verdict === 'INDETERMINATE') {
        counts.skipped++;
        inner.push(`      <skipped${attr('message', `${v.verdict}: ${v.summary}`)}/>`);
      } else {
        inner.push(`      <system-out>${xmlText(`${v.verdict}: ${details(c, v)}`)}</system-out>`);
      }
      body.push(open, ...inner, '    </testcase>');
    }
    if (c.harnessErrors.length > 0) {
      counts.tests++;
      counts.errors++;
      body.push(
        `    <testcase${attr('classname', c.id)}${attr('name', 'harness')}>`,
        `      <error${attr('type', 'harness')}${attr('message', c.harnessErrors[0].split('\n')[0])}>${xmlText(c.harnessErrors.join('\n\n'))}</error>`,
        '    </testcase>',
      );
    }
    const name = report.run.runs > 1 ? `${c.id} (seed ${c.seed})` : c.id;
    suites.push(
      `  <testsuite${attr('name', name)}${attr('tests', counts.tests)}${attr('failures', counts.failures)}${attr('errors', counts.errors)}${attr('skipped', counts.skipped)}>`,
      `    <properties>${prop('seed', c.seed)}${prop('profile', c.profile)}${prop('pusher', `${report.pusher.name} ${report.pusher.version}`)}${prop('virtualDurationMs', c.durationMs)}${prop('traceDigest', c.digest)}${prop('replay', c.replay)}</properties>`,
      ...body,
      '  </testsuite>',
    );
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
  }
  const stale = report.baseline?.stale ?? [];
  if (stale.length > 0) {
    suites.push(
      `  <testsuite${attr('name', 'baseline')}${attr('tests', stale.length)}${attr('failures', stale.length)}${attr('errors', 0)}${attr('skipped', 0)}>`,
    );
    for (const e of stale) {
      const what = [e.case, e.requirement].filter(Boolean).join(' / ');
      suites.push(
        `    <testcase${attr('classname', 'baseline')}${attr('name', what)}>`,
        `      <failure${attr('type', 'STALE')}${attr('message', `expected failure ${what} now passes: remove it from ${report.baseline?.file}`)}/>`,
        '    </testcase>',
      );
    }
    suites.push('  </testsuite>');
    totals.tests += stale.length;
    totals.failures += stale.length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', `live-pusher-conformance: ${report.pusher.name} ${report.pusher.version}`)}${attr('tests', totals.tests)}${attr('failures', totals.failures)}${attr('errors', totals.errors)}${attr('skipped', totals.skipped)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
