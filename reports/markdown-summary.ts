import type { ComplianceReport } from './report-model.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** summary.md: a short table for a pull-request comment, failures first. */
export function renderMarkdownSummary(report: ComplianceReport): string {
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`# live-pusher conformance: ${esc(report.pusher.name)} ${esc(report.pusher.version)}`);
  lines.push('');
  lines.push(
    `Profile \`${report.run.profile}\`, seed ${report.run.seed}, ${s.cases} cases${report.partial ? ' (**partial run**)' : ''}.`,
  );
  lines.push('');
  lines.push('| level | PASS | NON-STRICT | FAIL | INFORMATIONAL | UNSUPPORTED | INDETERMINATE |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const level of ['MUST', 'SHOULD', 'INFORMATIONAL'] as const) {
    const c = s.byLevel[level];
    lines.push(
      `| ${level} | ${c.PASS} | ${c['NON-STRICT']} | ${c.FAIL} | ${c.INFORMATIONAL} | ${c.UNSUPPORTED} | ${c.INDETERMINATE} |`,
    );
  }
  const notable = report.requirements.filter((r) => r.verdict !== 'PASS' && r.verdict !== 'INFORMATIONAL');
  if (notable.length > 0) {
    lines.push('');
    lines.push('| requirement | level | verdict | cases |');
    lines.push('|---|---|---|---|');
    const order = { FAIL: 0, 'NON-STRICT': 1, INDETERMINATE: 2, UNSUPPORTED: 3, PASS: 4, INFORMATIONAL: 5 };
    for (const r of [...notable].sort(
      (a, b) => order[a.verdict] - order[b.verdict] || a.id.localeCompare(b.id),
    )) {
      lines.push(`| \`${r.id}\` | ${r.level} | ${r.verdict} | ${r.cases.map(esc).join(', ') || '—'} |`);
    }
  }
  if (s.harnessErrors > 0) {
    lines.push('');
    lines.push(`${s.harnessErrors} harness error(s): see report.json (they are not verdicts on the pusher).`);
  }
  lines.push('');
  return lines.join('\n');
}
