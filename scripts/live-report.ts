/**
 * A live suite's compliance report (reports/report-model.ts, schema version 1): the same report.json and
 * summary.md as a simulated run. Here, not in harness/live, because reports sit above the runners. Live facts go where the schema has room for them: `environment` says the
 * mode, the server and the pusher process; each case's replay line is the live script's command.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { LiveSuiteResult } from '../harness/live/index.js';
import type { CaseDefinition } from '../harness/runner/case-schema.js';
import type { Requirement } from '../harness/spec/index.js';
import { renderJsonReport } from '../reports/json-report.js';
import { renderMarkdownSummary } from '../reports/markdown-summary.js';
import { buildReport, type ComplianceReport, type ReportCase } from '../reports/report-model.js';
import { writeFileAtomic } from '../reports/write-atomic.js';

const require = createRequire(import.meta.url);

function version(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export interface LiveReportOptions {
  spec: readonly Requirement[];
  seed: number;
  profile: string;
  /** The suite folder, relative to the project. */
  suite: string;
  /** How the pusher was named on the command line (goes into each replay line). */
  pusherSpec: string;
  /** More environment facts (e.g. the ffmpeg build). */
  environment?: Record<string, string>;
  /** Tool version. Default: package.json's. */
  toolVersion?: string;
}

/** Build the report of a live suite run. Deterministic given the results (no wall-clock values). */
export function liveReport(
  suite: LiveSuiteResult,
  cases: readonly CaseDefinition[],
  options: LiveReportOptions,
): ComplianceReport {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const reportCases: ReportCase[] = suite.results.map((r) => ({
    id: r.caseId,
    title: r.title,
    source: byId.get(r.caseId)?.source.replace(`${resolve('.')}/`, '') ?? r.source,
    seed: r.seed,
    profile: r.profile,
    digest: r.digest,
    replay: `node --import tsx scripts/live.ts --pusher ${options.pusherSpec} --case ${r.caseId} --seed ${r.seed}${r.profile === 'seed' ? '' : ` --profile ${r.profile}`}`,
    durationMs: r.coveredMs,
    traceRecords: r.traceRecords,
    ...(r.unsupported ? { unsupported: r.unsupported } : {}),
    harnessErrors: r.harnessErrors,
    verdicts: r.verdicts,
  }));
  return buildReport({
    tool: { name: 'live-pusher-conformance', version: options.toolVersion ?? toolVersion() },
    pusher: {
      name: suite.identity.name,
      version: suite.identity.version,
      capabilities: [...suite.capabilities],
    },
    environment: {
      mode: 'live',
      node: process.version,
      nodeMediaServer: version('node-media-server'),
      flvjs: version('flv.js'),
      liveServer: `node-media-server ${suite.serverVersion || version('node-media-server')} in a child process on 127.0.0.1`,
      ...(options.environment ?? {}),
    },
    run: {
      seed: options.seed,
      runs: 1,
      profile: options.profile,
      suite: options.suite,
      spec: 'docs/spec.md',
      pusherSpec: options.pusherSpec,
      strict: false,
    },
    partial: suite.partial,
    requirements: options.spec,
    cases: reportCases,
  });
}

/** Write report.json and summary.md into `dir` (atomically). */
export function writeLiveReport(report: ComplianceReport, dir: string): void {
  writeFileAtomic(resolve(dir, 'report.json'), renderJsonReport(report));
  writeFileAtomic(resolve(dir, 'summary.md'), renderMarkdownSummary(report));
}
