import {
  applyBaseline,
  type ComplianceReport,
  loadExpectedFailures,
  mergeReports,
  readReportFile,
  runFailures,
  unknownBaselineIds,
  writeReports,
} from '../../reports/index.js';
import { UsageError } from './usage-error.js';

export interface MergeOptions {
  out: string;
  expectedFailures?: string;
}

/**
 * `lpc merge <shard.json>...`: one report (all formats) from the shards of one run. Exit 0/1 like
 * `lpc run` on the merged report; mixed or duplicate shards are usage errors (exit 2).
 */
export function mergeCommand(
  files: string[],
  options: MergeOptions,
  err: (s: string) => void,
): { report: ComplianceReport; exitCode: number } {
  if (files.length === 0) throw new UsageError('merge: give the shard reports (lpc merge <shard.json>...)');
  const inputs = files.map((path) => ({ path, report: readReportFile(path) }));
  const { report, warnings } = mergeReports(inputs);
  for (const w of warnings) err(`lpc merge: ${w}\n`);
  if (options.expectedFailures !== undefined) {
    const entries = loadExpectedFailures(options.expectedFailures);
    const unknown = unknownBaselineIds(entries, {
      requirements: new Set(report.requirements.map((r) => r.id)),
    });
    if (unknown.length > 0)
      throw new UsageError(`--expected-failures ${options.expectedFailures}: unknown ${unknown.join(', ')}`);
    report.baseline = applyBaseline(entries, report.cases, {
      file: options.expectedFailures,
      strict: report.run.strict,
    });
  }
  writeReports(options.out, report);
  return { report, exitCode: runFailures(report).length > 0 ? 1 : 0 };
}
