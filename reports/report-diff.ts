import type { Level, Verdict } from '../harness/oracles/types.js';
import type { ComplianceReport, ReportCase } from './report-model.js';

/** One (case, requirement) verdict that differs between two reports. */
export interface VerdictChange {
  case: string;
  seed: number;
  requirement: string;
  level: Level;
  from: Verdict;
  to: Verdict;
  /** The new report's summary (the old one's when the check disappeared). */
  summary: string;
}

export interface CheckPresence {
  case: string;
  seed: number;
  requirement: string;
  verdict: Verdict;
}

export interface ReportDiff {
  /** A verdict got worse: PASS/INDETERMINATE/... → NON-STRICT → FAIL. */
  regressions: VerdictChange[];
  /** A verdict got better: FAIL → NON-STRICT → anything else. */
  fixes: VerdictChange[];
  /** Other verdict changes (e.g. PASS ↔ INDETERMINATE, UNSUPPORTED ↔ PASS). */
  changed: VerdictChange[];
  newCases: string[];
  removedCases: string[];
  /** Requirements reported in a case present in both reports, only in the new / only in the old one. */
  newChecks: CheckPresence[];
  removedChecks: CheckPresence[];
  /** Requirements of the spec: added / removed between the two reports. */
  newRequirements: string[];
  removedRequirements: string[];
}

const badness = (v: Verdict) => (v === 'FAIL' ? 2 : v === 'NON-STRICT' ? 1 : 0);

/** Cases are matched by ID and seed offset (seed - run.seed), so `--runs` reports compare run by run. */
function caseKey(report: ComplianceReport, c: ReportCase): string {
  return `${c.id}#${c.seed - report.run.seed}`;
}

const label = (report: ComplianceReport, c: ReportCase) =>
  report.run.runs > 1 ? `${c.id} (seed ${c.seed})` : c.id;

/** Compare two reports (pure): what `lpc diff` prints. Order follows the new report, then the old one. */
export function diffReports(older: ComplianceReport, newer: ComplianceReport): ReportDiff {
  const oldCases = new Map(older.cases.map((c) => [caseKey(older, c), c]));
  const newCases = new Map(newer.cases.map((c) => [caseKey(newer, c), c]));
  const out: ReportDiff = {
    regressions: [],
    fixes: [],
    changed: [],
    newCases: [],
    removedCases: [],
    newChecks: [],
    removedChecks: [],
    newRequirements: [],
    removedRequirements: [],
  };
  for (const [key, nc] of newCases) {
    const oc = oldCases.get(key);
    if (!oc) {
      out.newCases.push(label(newer, nc));
      continue;
    }
    const oldVerdicts = new Map(oc.verdicts.map((v) => [v.requirement, v]));
    const seen = new Set<string>();
    for (const nv of nc.verdicts) {
      seen.add(nv.requirement);
      const ov = oldVerdicts.get(nv.requirement);
      if (!ov) {
        out.newChecks.push({ case: nc.id, seed: nc.seed, requirement: nv.requirement, verdict: nv.verdict });
        continue;
      }
      if (ov.verdict === nv.verdict) continue;
      const change: VerdictChange = {
        case: nc.id,
        seed: nc.seed,
        requirement: nv.requirement,
        level: nv.level,
        from: ov.verdict,
        to: nv.verdict,
        summary: nv.summary,
      };
      const d = badness(nv.verdict) - badness(ov.verdict);
      (d > 0 ? out.regressions : d < 0 ? out.fixes : out.changed).push(change);
    }
    for (const ov of oc.verdicts)
      if (!seen.has(ov.requirement))
        out.removedChecks.push({
          case: oc.id,
          seed: oc.seed,
          requirement: ov.requirement,
          verdict: ov.verdict,
        });
  }
  for (const [key, oc] of oldCases) if (!newCases.has(key)) out.removedCases.push(label(older, oc));
  const oldReqs = new Set(older.requirements.map((r) => r.id));
  const newReqs = new Set(newer.requirements.map((r) => r.id));
  out.newRequirements = [...newReqs].filter((id) => !oldReqs.has(id));
  out.removedRequirements = [...oldReqs].filter((id) => !newReqs.has(id));
  return out;
}

/** The diff as text for the console: a heading line, then only the non-empty sections. */
export function renderDiff(diff: ReportDiff, older: ComplianceReport, newer: ComplianceReport): string {
  const who = (r: ComplianceReport) =>
    `${r.pusher.name} ${r.pusher.version} (seed ${r.run.seed}${r.run.runs > 1 ? `+${r.run.runs - 1}` : ''}, profile ${r.run.profile})`;
  const lines = [
    `lpc diff: ${who(older)} → ${who(newer)}`,
    `${diff.regressions.length} regression(s), ${diff.fixes.length} fix(es), ${diff.changed.length} other change(s); ` +
      `cases +${diff.newCases.length} -${diff.removedCases.length}; ` +
      `requirements +${diff.newRequirements.length} -${diff.removedRequirements.length}`,
  ];
  const one = (line: string) => line.replace(/[\r\n]+/g, ' ');
  const changes = (title: string, list: VerdictChange[]) => {
    if (list.length === 0) return;
    lines.push(`${title}:`);
    for (const c of list)
      lines.push(one(`  ${c.requirement} in ${c.case} (seed ${c.seed}): ${c.from} → ${c.to}: ${c.summary}`));
  };
  const plain = (title: string, list: string[]) => {
    if (list.length > 0) lines.push(`${title}: ${list.join(', ')}`);
  };
  changes('regressions', diff.regressions);
  changes('fixes', diff.fixes);
  changes('other changes', diff.changed);
  plain('new cases', diff.newCases);
  plain('removed cases', diff.removedCases);
  plain(
    'new checks',
    diff.newChecks.map((c) => `${c.requirement} in ${c.case} (${c.verdict})`),
  );
  plain(
    'removed checks',
    diff.removedChecks.map((c) => `${c.requirement} in ${c.case} (${c.verdict})`),
  );
  plain('new requirements', diff.newRequirements);
  plain('removed requirements', diff.removedRequirements);
  return `${lines.join('\n')}\n`;
}
