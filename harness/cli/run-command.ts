import { relative, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { renderJsonReport } from '../../reports/json-report.js';
import { renderMarkdownSummary } from '../../reports/markdown-summary.js';
import { buildReport, type ComplianceReport, type ReportCase } from '../../reports/report-model.js';
import { writeFileAtomic } from '../../reports/write-atomic.js';
import type { CaseDefinition } from '../runner/case-schema.js';
import { loadSpec, loadSuite, requirementIndex, runAndJudge } from '../runner/run-suite.js';
import { environmentInfo, toolVersion } from './environment-info.js';
import { loadPusher } from './load-pusher.js';
import { UsageError } from './usage-error.js';

export interface RunCommandOptions {
  pusher: string;
  suite: string;
  case?: string[];
  seed: number;
  profile: string;
  strict: boolean;
  out: string;
  artifacts?: string;
  shard?: string;
  quiet?: boolean;
}

export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard "${text}": expected i/n with 1 <= i <= n (e.g. 2/4)`);
  }
  return { index, count };
}

export function selectCases(
  all: CaseDefinition[],
  ids: string[] | undefined,
  shard: { index: number; count: number } | undefined,
): CaseDefinition[] {
  let cases = all;
  if (ids && ids.length > 0) {
    const known = new Set(all.map((c) => c.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new UsageError(`--case: unknown case id(s) ${unknown.join(', ')} (see \`lpc list\`)`);
    cases = all.filter((c) => ids.includes(c.id));
  }
  if (shard) cases = cases.filter((_, i) => i % shard.count === shard.index - 1);
  return cases;
}

/** `lpc run`: run cases, judge them, write report.json and summary.md (atomically, partial on Ctrl-C). */
export async function runCommand(
  options: RunCommandOptions,
): Promise<{ report: ComplianceReport; exitCode: number }> {
  if (!Number.isSafeInteger(options.seed))
    throw new UsageError(`--seed "${options.seed}": expected an integer`);
  const shard = parseShard(options.shard);
  const suiteDir = resolve(options.suite);
  const spec = loadSpec();
  const requirements = requirementIndex(spec);
  const cases = selectCases(loadSuite(suiteDir), options.case, shard);
  const pusher = await loadPusher(options.pusher);
  const results: ReportCase[] = [];
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);

  const tty = process.stderr.isTTY && !options.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'lpc {bar} {value}/{total} {case}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(cases.length, 0, { case: '' });
  const build = (partial: boolean) =>
    buildReport({
      tool: { name: 'live-pusher-conformance', version: toolVersion() },
      pusher: {
        name: pusher.identity.name,
        version: pusher.identity.version,
        capabilities: [...pusher.capabilities],
      },
      environment: environmentInfo(),
      run: {
        seed: options.seed,
        profile: options.profile,
        suite: relative(process.cwd(), suiteDir) || '.',
        shard: options.shard,
        strict: options.strict,
      },
      partial,
      requirements: spec,
      cases: results,
    });
  const write = (report: ComplianceReport) => {
    writeFileAtomic(resolve(options.out, 'report.json'), renderJsonReport(report));
    writeFileAtomic(resolve(options.out, 'summary.md'), renderMarkdownSummary(report));
  };
  try {
    for (const [i, def] of cases.entries()) {
      if (interrupted) break;
      bar?.update(i, { case: def.id });
      const { result, run } = await runAndJudge(def, {
        pusher: pusher.factory,
        capabilities: pusher.capabilities,
        seed: options.seed,
        profile: options.profile,
        requirements,
      });
      const replay = `lpc replay --seed ${options.seed} --case ${def.id}${options.pusher === 'reference' ? '' : ` --pusher ${options.pusher}`}${options.profile === 'seed' ? '' : ` --profile ${options.profile}`}`;
      results.push({
        id: result.caseId,
        title: result.title,
        source: relative(process.cwd(), result.source),
        seed: result.seed,
        profile: result.profile,
        digest: result.digest,
        replay,
        ...(result.unsupported ? { unsupported: result.unsupported } : {}),
        harnessErrors: result.harnessErrors,
        verdicts: result.verdicts,
      });
      if (options.artifacts && run) {
        const base = resolve(options.artifacts, def.id.replace(/\//g, '__'));
        const { serializeTrace } = await import('../sim/index.js');
        writeFileAtomic(`${base}.trace.jsonl`, serializeTrace(run.records));
        writeFileAtomic(`${base}.flv`, run.flv);
      }
      if (!tty && !options.quiet) {
        const bad = result.verdicts.filter((v) => v.verdict === 'FAIL' || v.verdict === 'NON-STRICT');
        process.stderr.write(
          `[${i + 1}/${cases.length}] ${def.id}: ${bad.length === 0 ? 'ok' : bad.map((v) => `${v.verdict} ${v.requirement}`).join(', ')}\n`,
        );
      }
      // A partial report after every case: Ctrl-C or a crash of the harness still leaves a valid one.
      write(build(true));
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  const report = build(interrupted || results.length < cases.length);
  write(report);
  const failing =
    report.summary.mustFailures > 0 || (options.strict && report.summary.requirements['NON-STRICT'] > 0);
  return { report, exitCode: interrupted ? 130 : failing ? 1 : 0 };
}
