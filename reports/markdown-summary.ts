import type { ComplianceReport } from './report-model.js';

/** At most this many case IDs per requirement row (the report has them all). */
const CASES_SHOWN = 5;

const esc = (s: string) => s.replace(/[\\`*_|<>[\]]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

/** summary.md: a short table for a pull-request comment, failures first, with their replay commands. */
export function renderMarkdownSummary(report: ComplianceReport): string {
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`# live-pusher conformance: ${esc(report.pusher.name)} ${esc(report.pusher.version)}`);
  lines.push('');
  const seeds =
    report.run.runs > 1
      ? `seeds ${report.run.seed}..${report.run.seed + report.run.runs - 1}`
      : `seed ${report.run.seed}`;
  lines.push(
    `Profile \`${esc(report.run.profile)}\`, ${seeds}, ${s.cases} case runs${report.run.strict ? ', strict' : ''}${report.partial ? ' (**partial run**)' : ''}.`,
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
  const judged = report.requirements.filter(
    (r) => r.verdict !== 'PASS' && r.verdict !== 'INFORMATIONAL' && r.cases.length > 0,
  );
  const notRun = report.requirements.filter((r) => r.cases.length === 0).length;
  if (judged.length > 0) {
    lines.push('');
    lines.push('| requirement | level | verdict | in cases |');
    lines.push('|---|---|---|---|');
    const order = { FAIL: 0, 'NON-STRICT': 1, INDETERMINATE: 2, UNSUPPORTED: 3, PASS: 4, INFORMATIONAL: 5 };
    for (const r of [...judged].sort(
      (a, b) => order[a.verdict] - order[b.verdict] || (a.id < b.id ? -1 : 1),
    )) {
      // The cases that gave the requirement its verdict (not every case that reports it).
      const deciding = [
        ...new Set(
          report.cases
            .filter((c) => c.verdicts.some((v) => v.requirement === r.id && v.verdict === r.verdict))
            .map((c) => c.id),
        ),
      ];
      const shown = deciding.slice(0, CASES_SHOWN).map(esc).join(', ');
      const more = deciding.length > CASES_SHOWN ? ` and ${deciding.length - CASES_SHOWN} more` : '';
      lines.push(`| \`${r.id}\` | ${r.level} | ${r.verdict} | ${shown}${more} |`);
    }
  }
  if (notRun > 0) {
    lines.push('');
    lines.push(`${notRun} requirement(s) were not exercised by the cases run (INDETERMINATE).`);
  }
  const failing = report.cases.filter((c) =>
    c.verdicts.some((v) => v.verdict === 'FAIL' || (report.run.strict && v.verdict === 'NON-STRICT')),
  );
  if (failing.length > 0) {
    lines.push('');
    lines.push('Replay a failing case:');
    lines.push('');
    for (const c of failing) lines.push(`- \`${c.replay.replace(/`/g, "'")}\``);
  }
  const b = report.baseline;
  if (b) {
    lines.push('');
    lines.push(
      `Baseline \`${esc(b.file)}\` (${b.entries} entries): ${b.expected.length} expected failure(s), ${b.unexpected.length} unexpected, ${b.stale.length} stale.`,
    );
    for (const r of b.unexpected)
      lines.push(`- unexpected ${r.verdict}: \`${r.requirement}\` in ${esc(r.case)}`);
    for (const e of b.stale)
      lines.push(`- stale: ${esc([e.case, e.requirement].filter(Boolean).join(' / '))} now passes`);
  }
  if (s.harnessErrors > 0) {
    lines.push('');
    lines.push(`${s.harnessErrors} harness error(s): see report.json (they are not verdicts on the pusher).`);
  }
  lines.push('');
  return lines.join('\n');
}
