import type { CheckResult } from '../../../harness/oracles/types.js';
import { buildReport, type ComplianceReport, type ReportCase } from '../../../reports/index.js';

/** A fixed environment for reports that must not depend on the machine or the commit. */
export const FIXED_ENVIRONMENT = {
  node: 'v20.0.0',
  nodeMediaServer: '4.4.3',
  flvjs: '1.6.2',
  fastCheck: '4.10.0',
  gitCommit: '0000000000000000000000000000000000000000',
};

export const SAMPLE_REQUIREMENTS = [
  { id: 'events/connect/1', level: 'MUST', title: '1001 once per established TCP connection' },
  { id: 'events/net-busy/1', level: 'SHOULD', title: '1101 when the network is busy' },
  { id: 'bitrate/drop/1', level: 'MUST', title: 'The target follows a capacity drop' },
  { id: 'bitrate/stability/1', level: 'INFORMATIONAL', title: 'Target stability' },
] as const;

export function sampleCase(id: string, verdicts: CheckResult[], extra: Partial<ReportCase> = {}): ReportCase {
  return {
    id,
    title: `case ${id}`,
    source: `scenarios/suite/${id}.yaml`,
    seed: 1,
    profile: 'seed',
    digest: 'a'.repeat(64),
    replay: `lpc replay --seed 1 --case ${id}`,
    durationMs: 5000,
    traceRecords: 10,
    harnessErrors: [],
    verdicts,
    ...extra,
  };
}

export const verdict = (
  requirement: string,
  v: CheckResult['verdict'],
  summary = `${v} summary`,
): CheckResult => ({
  requirement,
  level: (SAMPLE_REQUIREMENTS.find((r) => r.id === requirement)?.level ?? 'MUST') as CheckResult['level'],
  verdict: v,
  summary,
});

/** A report built from cases by the real `buildReport`, with a fixed environment. */
export function sampleReport(
  cases: ReportCase[],
  options: { strict?: boolean; shard?: string; seed?: number; runs?: number; pusherName?: string } = {},
): ComplianceReport {
  return buildReport({
    tool: { name: 'live-pusher-conformance', version: '0.1.0' },
    pusher: { name: options.pusherName ?? 'sample-pusher', version: '1.0.0', capabilities: ['events'] },
    environment: FIXED_ENVIRONMENT,
    run: {
      seed: options.seed ?? 1,
      runs: options.runs ?? 1,
      profile: 'seed',
      suite: 'scenarios/suite',
      spec: 'docs/spec.md',
      pusherSpec: 'reference',
      shard: options.shard,
      strict: options.strict ?? false,
    },
    partial: false,
    requirements: SAMPLE_REQUIREMENTS,
    cases,
  });
}

/** A real run's report with the machine-dependent parts fixed (environment, tool version): for goldens. */
export function normalise(report: ComplianceReport): ComplianceReport {
  return { ...report, tool: { ...report.tool, version: '0.0.0' }, environment: FIXED_ENVIRONMENT };
}
