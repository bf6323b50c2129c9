import { resolve } from 'node:path';
import { type ComplianceReport, type ReportCase, readReportFile } from '../../reports/index.js';
import type { CheckResult } from '../oracles/types.js';
import { requirementIndex } from '../runner/run-suite.js';
import { loadPusher } from './load-pusher.js';
import {
  checkRunOptions,
  DEFAULT_SUITE,
  loadSpecOrExplain,
  loadSuiteOrExplain,
  replayCommandLine,
  reportPath,
  runReportCase,
} from './run-command.js';
import { terminalText } from './terminal-text.js';
import { UsageError } from './usage-error.js';

export interface ReplayOptions {
  /** `lpc replay <result.json> <caseId>`: the stored run to compare with. */
  report?: string;
  caseId?: string;
  seed?: number;
  pusher?: string;
  profile?: string;
  suite?: string;
  spec?: string;
}

/** Verdict differences, one line each: "<requirement>: stored X, replayed Y". */
export function compareVerdicts(stored: readonly CheckResult[], replayed: readonly CheckResult[]): string[] {
  const a = new Map(stored.map((v) => [v.requirement, v.verdict]));
  const b = new Map(replayed.map((v) => [v.requirement, v.verdict]));
  const out: string[] = [];
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort())
    if (a.get(id) !== b.get(id))
      out.push(`${id}: stored ${a.get(id) ?? '(none)'}, replayed ${b.get(id) ?? '(none)'}`);
  return out;
}

function pickStoredCase(
  report: ComplianceReport,
  file: string,
  caseId: string,
  seed: number | undefined,
): ReportCase {
  const matching = report.cases.filter((c) => c.id === caseId);
  if (matching.length === 0)
    throw new UsageError(
      `replay: case "${caseId}" is not in ${file} (it has ${report.cases.map((c) => c.id).join(', ') || 'no cases'})`,
    );
  if (seed !== undefined) {
    const c = matching.find((m) => m.seed === seed);
    if (!c)
      throw new UsageError(
        `replay: case "${caseId}" ran with seed(s) ${matching.map((m) => m.seed).join(', ')} in ${file}, not ${seed}`,
      );
    return c;
  }
  if (matching.length > 1)
    throw new UsageError(
      `replay: case "${caseId}" ran with seeds ${matching.map((m) => m.seed).join(', ')} in ${file}: choose one with --seed`,
    );
  return matching[0];
}

function print(out: (s: string) => void, c: ReportCase): void {
  out(
    `case ${c.id} (seed ${c.seed}, profile ${c.profile}, ${(c.durationMs / 1000).toFixed(3)} s virtual, digest ${c.digest || '—'})\n`,
  );
  if (c.unsupported) out(`UNSUPPORTED: ${terminalText(c.unsupported)}\n`);
  if (c.timeline) {
    out('timeline:\n');
    for (const w of c.timeline.windows)
      out(`  ${(w.fromMs / 1000).toFixed(3).padStart(9)} s → ${(w.toMs / 1000).toFixed(3)} s  ${w.kind}\n`);
    for (const e of c.timeline.entries)
      out(`  ${(e.atMs / 1000).toFixed(3).padStart(9)} s  ${e.kind.padEnd(9)} ${terminalText(e.label)}\n`);
    if (c.timeline.omitted > 0)
      out(`  (${c.timeline.omitted} more entries: run with --artifacts for the trace)\n`);
  }
  out('verdicts:\n');
  for (const v of c.verdicts)
    out(`  ${v.verdict.padEnd(13)} ${v.level.padEnd(13)} ${v.requirement}  ${terminalText(v.summary)}\n`);
  for (const h of c.harnessErrors) out(`harness error: ${terminalText(h.split('\n')[0])}\n`);
}

/**
 * `lpc replay`: re-run one case and print its timeline and verdicts. From a report (`<result.json>
 * <caseId>`), the pusher, seed, profile, suite and spec come from the report and the exit code is 1 when
 * the verdicts differ from the stored ones; from flags (`--seed N --case ID`), 1 on a FAIL.
 */
export async function replayCommand(options: ReplayOptions, out: (s: string) => void): Promise<number> {
  let stored: ReportCase | undefined;
  let report: ComplianceReport | undefined;
  const caseId = options.caseId;
  if (options.report !== undefined) {
    report = readReportFile(options.report);
    if (!caseId) throw new UsageError('replay: name the case: lpc replay <result.json> <caseId>');
    stored = pickStoredCase(report, options.report, caseId, options.seed);
  } else if (caseId === undefined || options.seed === undefined) {
    throw new UsageError(
      'replay: give a report and a case (lpc replay <result.json> <caseId>) or --seed N --case ID',
    );
  }
  const seed = stored?.seed ?? (options.seed as number);
  const pusherSpec = options.pusher ?? report?.run.pusherSpec ?? 'reference';
  const profile = options.profile ?? report?.run.profile ?? 'seed';
  const suite = options.suite ?? report?.run.suite ?? DEFAULT_SUITE;
  const specOption = options.spec ?? report?.run.spec;
  checkRunOptions({ seed, profile });
  const { file: specFile, spec } = loadSpecOrExplain(specOption);
  const def = loadSuiteOrExplain(resolve(suite)).find((c) => c.id === caseId);
  if (!def) throw new UsageError(`--case: unknown case id ${caseId} in ${suite} (see \`lpc list\`)`);
  const pusher = await loadPusher(pusherSpec);
  const replay = replayCommandLine({
    seed,
    caseId: def.id,
    pusher: pusherSpec,
    profile,
    suite,
    spec: reportPath(specFile),
  });
  const { reportCase } = await runReportCase(def, {
    pusher,
    seed,
    profile,
    requirements: requirementIndex(spec),
    replay,
  });
  out(`pusher ${terminalText(pusher.identity.name)} ${terminalText(pusher.identity.version)}\n`);
  print(out, reportCase);
  if (!stored) return reportCase.verdicts.some((v) => v.verdict === 'FAIL') ? 1 : 0;
  const differences = compareVerdicts(stored.verdicts, reportCase.verdicts);
  out(
    `trace digest ${stored.digest === reportCase.digest ? 'matches' : `differs (stored ${stored.digest || '—'})`}\n`,
  );
  if (differences.length === 0) {
    out(`verdicts match ${options.report}\n`);
    return 0;
  }
  out(`verdicts differ from ${options.report}:\n${differences.map((d) => `  ${d}\n`).join('')}`);
  return 1;
}
