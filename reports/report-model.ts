/**
 * The compliance report, version 1: what report.json holds (its JSON Schema: reports/report.schema.json).
 * Deterministic by construction: no wall-clock values; the same seed gives byte-identical JSON.
 */
import type { CheckResult, Level, Verdict } from '../harness/oracles/types.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface ReportRequirement {
  id: string;
  level: Level;
  title: string;
  /** Worst verdict over the cases that report it; INDETERMINATE when no case ran it. */
  verdict: Verdict;
  cases: string[];
}

export interface ReportCase {
  id: string;
  title: string;
  source: string;
  seed: number;
  profile: string;
  digest: string;
  replay: string;
  unsupported?: string;
  harnessErrors: string[];
  verdicts: CheckResult[];
}

export interface ComplianceReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  pusher: { name: string; version: string; capabilities: string[] };
  environment: Record<string, string>;
  run: { seed: number; profile: string; suite: string; shard?: string; strict: boolean };
  /** True when the run was interrupted (Ctrl-C, a crash of the harness): the report holds what finished. */
  partial: boolean;
  summary: {
    cases: number;
    requirements: Record<Verdict, number>;
    byLevel: Record<Level, Record<Verdict, number>>;
    mustFailures: number;
    harnessErrors: number;
  };
  requirements: ReportRequirement[];
  cases: ReportCase[];
}

const VERDICTS: Verdict[] = ['PASS', 'NON-STRICT', 'FAIL', 'INFORMATIONAL', 'UNSUPPORTED', 'INDETERMINATE'];
const SEVERITY: Record<Verdict, number> = {
  FAIL: 6,
  'NON-STRICT': 5,
  INDETERMINATE: 4,
  UNSUPPORTED: 3,
  PASS: 2,
  INFORMATIONAL: 1,
};

export function emptyCounts(): Record<Verdict, number> {
  return Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
}

/** Combine per-case verdicts into per-requirement verdicts and the summary. */
export function buildReport(input: {
  tool: ComplianceReport['tool'];
  pusher: ComplianceReport['pusher'];
  environment: Record<string, string>;
  run: ComplianceReport['run'];
  partial: boolean;
  requirements: readonly { id: string; level: Level; title: string }[];
  cases: ReportCase[];
}): ComplianceReport {
  const byReq = new Map<string, { verdict: Verdict | undefined; cases: string[] }>();
  for (const c of input.cases) {
    for (const v of c.verdicts) {
      const entry = byReq.get(v.requirement) ?? { verdict: undefined, cases: [] };
      if (!entry.verdict || SEVERITY[v.verdict] > SEVERITY[entry.verdict]) entry.verdict = v.verdict;
      entry.cases.push(c.id);
      byReq.set(v.requirement, entry);
    }
  }
  const requirements: ReportRequirement[] = input.requirements.map((r) => {
    const e = byReq.get(r.id);
    return {
      id: r.id,
      level: r.level,
      title: r.title,
      verdict: e?.verdict ?? 'INDETERMINATE',
      cases: [...new Set(e?.cases ?? [])],
    };
  });
  const counts = emptyCounts();
  const byLevel = { MUST: emptyCounts(), SHOULD: emptyCounts(), INFORMATIONAL: emptyCounts() };
  for (const r of requirements) {
    counts[r.verdict]++;
    byLevel[r.level][r.verdict]++;
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: input.tool,
    pusher: input.pusher,
    environment: input.environment,
    run: input.run,
    partial: input.partial,
    summary: {
      cases: input.cases.length,
      requirements: counts,
      byLevel,
      mustFailures: requirements.filter((r) => r.level === 'MUST' && r.verdict === 'FAIL').length,
      harnessErrors: input.cases.reduce((a, c) => a + c.harnessErrors.length, 0),
    },
    requirements,
    cases: input.cases,
  };
}
