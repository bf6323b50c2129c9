/**
 * The compliance report, version 1: what report.json holds (its JSON Schema: reports/report.schema.json,
 * documented in docs/reports.md). Type-only vocabulary plus the pure function that combines per-case
 * verdicts. Deterministic by construction: no wall-clock values; the same seed gives byte-identical JSON.
 */
import type { CheckResult, Level, Verdict } from '../harness/oracles/types.js';

export const REPORT_SCHEMA_VERSION = 1;

export const VERDICTS: readonly Verdict[] = [
  'PASS',
  'NON-STRICT',
  'FAIL',
  'INFORMATIONAL',
  'UNSUPPORTED',
  'INDETERMINATE',
];
export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'INFORMATIONAL'];

export interface ReportRequirement {
  id: string;
  /** First segment of the ID (docs/spec.md area). */
  area: string;
  level: Level;
  title: string;
  /** Worst verdict over the cases that report it; INDETERMINATE when no case ran it. */
  verdict: Verdict;
  /** IDs of the cases that report it (each once, in report order). */
  cases: string[];
}

/**
 * Per-second series of one case for the HTML chart, from its trace (reports/case-charts.ts). Index i covers
 * virtual time [t[i], t[i] + stepMs). kbit/s, one decimal; null where there is no sample (no net status in
 * that second, unlimited link capacity).
 */
export interface CaseCharts {
  stepMs: number;
  /** Window starts, seconds of virtual time. */
  t: number[];
  /** `pusher.netstatus` targetBitrate: the encoder target the pusher reports. */
  targetKbps: (number | null)[];
  /** `pusher.netstatus` videoBitrate: what the pusher says it sent. */
  sentKbps: (number | null)[];
  /** Sum of the video `observer.tag` sizes the server relayed in the window. */
  receivedKbps: (number | null)[];
  /** Uplink capacity offered by the shaper (`capacitySeries`); null = unlimited. */
  capacityKbps: (number | null)[];
}

export type TimelineKind = 'event' | 'operation' | 'crash' | 'app' | 'network' | 'server' | 'case';

/** One point of a case's event timeline. `label` may hold pusher-supplied text: escape it when rendering. */
export interface TimelineEntry {
  /** Virtual time, ms. */
  atMs: number;
  kind: TimelineKind;
  label: string;
}

/** A span drawn behind the timeline and chart: the app in the background, the waiting image on air. */
export interface TimelineWindow {
  fromMs: number;
  toMs: number;
  kind: 'background' | 'waiting-image';
}

export interface CaseTimeline {
  entries: TimelineEntry[];
  /** Entries left out to keep the report small (the trace artefact has them all). */
  omitted: number;
  windows: TimelineWindow[];
}

export interface ReportCase {
  id: string;
  title: string;
  source: string;
  seed: number;
  profile: string;
  /** SHA-256 of the case's trace (JSON Lines); empty when the case did not run (UNSUPPORTED). */
  digest: string;
  replay: string;
  /** Virtual time the case covered, ms (the last trace record's time); 0 when it did not run. */
  durationMs: number;
  /** Number of trace records. */
  traceRecords: number;
  unsupported?: string;
  harnessErrors: string[];
  verdicts: CheckResult[];
  timeline?: CaseTimeline;
  charts?: CaseCharts;
}

/** One (case, requirement) verdict that a baseline speaks about. */
export interface BaselineResult {
  case: string;
  seed: number;
  requirement: string;
  verdict: Verdict;
}

/** An entry of an `--expected-failures` file: a case, a requirement, or one requirement in one case. */
export interface ExpectedFailure {
  case?: string;
  requirement?: string;
  reason?: string;
}

/** What the baseline made of the run (reports/expected-failures.ts). */
export interface BaselineOutcome {
  /** The file as given on the command line. */
  file: string;
  entries: number;
  /** Failures the baseline lists: they do not fail the run. */
  expected: BaselineResult[];
  /** Failures the baseline does not list: they fail the run. */
  unexpected: BaselineResult[];
  /** Entries whose results now pass: the baseline is out of date, which fails the run. */
  stale: ExpectedFailure[];
}

export interface ComplianceReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  pusher: { name: string; version: string; capabilities: string[] };
  environment: Record<string, string>;
  run: {
    seed: number;
    /** Seeds seed .. seed + runs - 1 were run (`--runs`). */
    runs: number;
    profile: string;
    suite: string;
    /** The spec document the requirements come from. */
    spec: string;
    /** `--pusher` as given: `reference` or a module path (what `lpc replay` loads). */
    pusherSpec: string;
    shard?: string;
    strict: boolean;
  };
  /** True when the run was interrupted (Ctrl-C, a crash of the harness): the report holds what finished. */
  partial: boolean;
  summary: {
    cases: number;
    requirements: Record<Verdict, number>;
    byLevel: Record<Level, Record<Verdict, number>>;
    /** Requirement verdict counts per spec area. */
    byArea: Record<string, Record<Verdict, number>>;
    mustFailures: number;
    harnessErrors: number;
  };
  requirements: ReportRequirement[];
  cases: ReportCase[];
  baseline?: BaselineOutcome;
}

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

export const areaOf = (requirementId: string): string => requirementId.split('/')[0];

/** Combine per-case verdicts into per-requirement verdicts and the summary. Pure. */
export function buildReport(input: {
  tool: ComplianceReport['tool'];
  pusher: ComplianceReport['pusher'];
  environment: Record<string, string>;
  run: ComplianceReport['run'];
  partial: boolean;
  requirements: readonly { id: string; level: Level; title: string }[];
  cases: ReportCase[];
  baseline?: BaselineOutcome;
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
      area: areaOf(r.id),
      level: r.level,
      title: r.title,
      verdict: e?.verdict ?? 'INDETERMINATE',
      cases: [...new Set(e?.cases ?? [])],
    };
  });
  const counts = emptyCounts();
  const byLevel = { MUST: emptyCounts(), SHOULD: emptyCounts(), INFORMATIONAL: emptyCounts() };
  const byArea: Record<string, Record<Verdict, number>> = {};
  for (const r of requirements) {
    counts[r.verdict]++;
    byLevel[r.level][r.verdict]++;
    byArea[r.area] ??= emptyCounts();
    byArea[r.area][r.verdict]++;
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
      byArea,
      mustFailures: requirements.filter((r) => r.level === 'MUST' && r.verdict === 'FAIL').length,
      harnessErrors: input.cases.reduce((a, c) => a + c.harnessErrors.length, 0),
    },
    requirements,
    cases: input.cases,
    ...(input.baseline ? { baseline: input.baseline } : {}),
  };
}

/**
 * Does this report fail the run? Without a baseline: any FAIL (and, with `strict`, any NON-STRICT).
 * With one: any unexpected failure or stale entry. Reasons are one line each, for the console.
 */
export function runFailures(report: ComplianceReport): string[] {
  if (report.baseline) {
    return [
      ...report.baseline.unexpected.map(
        (r) => `unexpected ${r.verdict}: ${r.requirement} in ${r.case} (seed ${r.seed})`,
      ),
      ...report.baseline.stale.map(
        (e) =>
          `stale expected failure: ${[e.case, e.requirement].filter(Boolean).join(' / ')} now passes (remove it from ${report.baseline?.file})`,
      ),
    ];
  }
  const out: string[] = [];
  for (const c of report.cases)
    for (const v of c.verdicts)
      if (v.verdict === 'FAIL' || (report.run.strict && v.verdict === 'NON-STRICT'))
        out.push(`${v.verdict}: ${v.requirement} in ${c.id} (seed ${c.seed})`);
  return out;
}
