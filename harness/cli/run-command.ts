import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import {
  applyBaseline,
  buildReport,
  type ComplianceReport,
  caseCharts,
  caseTimeline,
  type ExpectedFailure,
  loadExpectedFailures,
  type ReportCase,
  runFailures,
  unknownBaselineIds,
  writeFileAtomic,
  writeReports,
} from '../../reports/index.js';
import type { RequirementInfo } from '../oracles/index.js';
import type { CaseDefinition } from '../runner/case-schema.js';
import { PROFILES } from '../runner/profiles.js';
import type { CaseRun } from '../runner/run-case.js';
import { loadSpec, loadSuite, requirementIndex, runAndJudge } from '../runner/run-suite.js';
import { serializeTrace } from '../sim/index.js';
import { DEFAULT_SPEC_PATH } from '../spec/index.js';
import { environmentInfo, toolVersion } from './environment-info.js';
import { type LoadedPusher, loadPusher } from './load-pusher.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_SUITE = 'scenarios/suite';

/** `lpc run` options as commander gives them (resolved once, here). */
export interface RunCommandOptions {
  pusher: string;
  suite: string;
  case?: string[];
  seed: number;
  /** Repeat the suite with seeds seed .. seed + runs - 1 (one merged report). Default 1. */
  runs?: number;
  profile: string;
  strict: boolean;
  out: string;
  artifacts?: string;
  shard?: string;
  /** `--expected-failures FILE` (YAML or JSON). */
  expectedFailures?: string;
  /** The spec document (default docs/spec.md): a fork of the spec, or a small one for the harness's own tests. */
  spec?: string;
  quiet?: boolean;
  /** Replaces `environmentInfo()` (tests: reports that do not depend on the machine or the commit). */
  environment?: Record<string, string>;
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

/** A path as the report records it: relative to the working directory, `/`-separated. */
export const reportPath = (p: string) => (relative(process.cwd(), resolve(p)) || '.').split('\\').join('/');

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command that re-runs one case exactly (printed in every report format). */
export function replayCommandLine(o: {
  seed: number;
  caseId: string;
  pusher: string;
  profile: string;
  suite: string;
  spec: string;
}): string {
  const parts = ['lpc', 'replay', '--seed', String(o.seed), '--case', shellWord(o.caseId)];
  if (o.pusher !== 'reference') parts.push('--pusher', shellWord(o.pusher));
  if (o.profile !== 'seed') parts.push('--profile', shellWord(o.profile));
  if (o.suite !== DEFAULT_SUITE) parts.push('--suite', shellWord(o.suite));
  if (o.spec !== reportPath(DEFAULT_SPEC_PATH)) parts.push('--spec', shellWord(o.spec));
  return parts.join(' ');
}

/** Check the options that do not need the suite: seed, runs, profile, shard. Throws UsageError. */
export function checkRunOptions(o: { seed: number; runs?: number; profile: string; shard?: string }): void {
  if (!Number.isSafeInteger(o.seed)) throw new UsageError(`--seed "${o.seed}": expected an integer`);
  const runs = o.runs ?? 1;
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 1000)
    throw new UsageError(`--runs "${runs}": expected an integer from 1 to 1000`);
  if (!Object.hasOwn(PROFILES, o.profile))
    throw new UsageError(
      `--profile "${o.profile}": unknown profile (expected one of ${Object.keys(PROFILES).join(', ')})`,
    );
  parseShard(o.shard);
}

export function loadSuiteOrExplain(dir: string): CaseDefinition[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--suite "${reportPath(dir)}": no such folder`);
  return loadSuite(dir);
}

export function loadSpecOrExplain(path: string | undefined) {
  const file = path ?? DEFAULT_SPEC_PATH;
  if (!existsSync(file)) throw new UsageError(`--spec "${file}": no such file`);
  return { file, spec: loadSpec(file) };
}

/**
 * Run and judge one case and shape it for the report: verdicts, virtual duration, trace digest, timeline
 * and chart series (computed here from the run's records, so report.json carries them and the HTML needs
 * no trace). A harness crash becomes a harness error of the case, never a pusher verdict.
 */
export async function runReportCase(
  def: CaseDefinition,
  ctx: {
    pusher: LoadedPusher;
    seed: number;
    profile: string;
    requirements: ReadonlyMap<string, RequirementInfo>;
    replay: string;
  },
): Promise<{ reportCase: ReportCase; run?: CaseRun }> {
  const source = reportPath(def.source);
  try {
    const { result, run } = await runAndJudge(def, {
      pusher: ctx.pusher.factory,
      capabilities: ctx.pusher.capabilities,
      seed: ctx.seed,
      profile: ctx.profile,
      requirements: ctx.requirements,
    });
    const records = run?.records ?? [];
    const reportCase: ReportCase = {
      id: result.caseId,
      title: result.title,
      source,
      seed: result.seed,
      profile: result.profile,
      digest: result.digest,
      replay: ctx.replay,
      durationMs: records.length > 0 ? records[records.length - 1].t / 1000 : 0,
      traceRecords: records.length,
      ...(result.unsupported ? { unsupported: result.unsupported } : {}),
      harnessErrors: result.harnessErrors,
      verdicts: result.verdicts,
      ...(run ? { timeline: caseTimeline(records), charts: caseCharts(records) } : {}),
    };
    return { reportCase, run };
  } catch (e) {
    return {
      reportCase: {
        id: def.id,
        title: def.title,
        source,
        seed: ctx.seed,
        profile: def.profile ?? ctx.profile,
        digest: '',
        replay: ctx.replay,
        durationMs: 0,
        traceRecords: 0,
        harnessErrors: [`the case crashed the harness: ${(e as Error)?.stack ?? e}`],
        verdicts: [],
      },
    };
  }
}

function loadBaseline(
  file: string | undefined,
  known: { cases: ReadonlySet<string>; requirements: ReadonlySet<string> },
): ExpectedFailure[] | undefined {
  if (file === undefined) return undefined;
  const entries = loadExpectedFailures(file);
  const unknown = unknownBaselineIds(entries, known);
  if (unknown.length > 0)
    throw new UsageError(`--expected-failures ${file}: unknown ${unknown.join(', ')} (see \`lpc list\`)`);
  return entries;
}

/**
 * `lpc run`: run the selected cases (for each seed of `--runs`), judge them, write report.json,
 * summary.md, junit.xml and report.html atomically into `--out` (a partial report after every case, so
 * Ctrl-C or a crash leaves a valid one marked `partial`), and timing.json (wall time, kept out of the
 * deterministic report). Exit code: 0, 1 (failures, or baseline mismatches), 130 (interrupted).
 */
export async function runCommand(
  options: RunCommandOptions,
): Promise<{ report: ComplianceReport; exitCode: number }> {
  checkRunOptions(options);
  const runs = options.runs ?? 1;
  const shard = parseShard(options.shard);
  const suiteDir = resolve(options.suite);
  const { file: specFile, spec } = loadSpecOrExplain(options.spec);
  const requirements = requirementIndex(spec);
  const all = loadSuiteOrExplain(suiteDir);
  const cases = selectCases(all, options.case, shard);
  const baseline = loadBaseline(options.expectedFailures, {
    cases: new Set(all.map((c) => c.id)),
    requirements: new Set(spec.map((r) => r.id)),
  });
  const pusher = await loadPusher(options.pusher);
  const environment = options.environment ?? environmentInfo();
  const suite = reportPath(suiteDir);
  const specPath = reportPath(specFile);
  const seeds = Array.from({ length: runs }, (_, i) => options.seed + i);
  const total = cases.length * seeds.length;
  const results: ReportCase[] = [];
  const timing: { case: string; seed: number; wallMs: number }[] = [];

  const build = (partial: boolean) => {
    const report = buildReport({
      tool: { name: 'live-pusher-conformance', version: toolVersion() },
      pusher: {
        name: pusher.identity.name,
        version: pusher.identity.version,
        capabilities: [...pusher.capabilities],
      },
      environment,
      run: {
        seed: options.seed,
        runs,
        profile: options.profile,
        suite,
        spec: specPath,
        pusherSpec: options.pusher,
        shard: options.shard,
        strict: options.strict,
      },
      partial,
      requirements: spec,
      cases: results,
    });
    if (baseline)
      report.baseline = applyBaseline(baseline, results, {
        file: options.expectedFailures ?? '',
        strict: options.strict,
      });
    return report;
  };
  const write = (report: ComplianceReport, html: boolean) => {
    writeReports(options.out, report, { html });
    writeFileAtomic(
      resolve(options.out, 'timing.json'),
      `${JSON.stringify({ note: 'wall-clock time per case (not part of report.json)', cases: timing }, null, 2)}\n`,
    );
  };

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      // Second Ctrl-C: the current case may hang; leave what finished and stop now.
      write(build(true), true);
      process.exit(130);
    }
    interrupted = true;
    if (!options.quiet)
      process.stderr.write('lpc: interrupted: finishing the current case, then writing a partial report\n');
  };
  process.on('SIGINT', onSigint);

  const tty = Boolean(process.stderr.isTTY) && !options.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'lpc {bar} {value}/{total} {case}', hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { case: '' });
  let done = 0;
  try {
    for (const seed of seeds) {
      for (const def of cases) {
        if (interrupted) break;
        bar?.update(done, { case: def.id });
        const replay = replayCommandLine({
          seed,
          caseId: def.id,
          pusher: options.pusher,
          profile: options.profile,
          suite,
          spec: specPath,
        });
        const started = performance.now(); // determinism-ok: wall time goes to timing.json only
        const { reportCase, run } = await runReportCase(def, {
          pusher,
          seed,
          profile: options.profile,
          requirements,
          replay,
        });
        timing.push({
          case: def.id,
          seed,
          wallMs: Math.round(performance.now() - started), // determinism-ok: timing.json only
        });
        results.push(reportCase);
        done++;
        if (options.artifacts && run) {
          const name = def.id.replace(/\//g, '__') + (runs > 1 ? `.seed-${seed}` : '');
          writeFileAtomic(resolve(options.artifacts, `${name}.trace.jsonl`), serializeTrace(run.records));
          writeFileAtomic(resolve(options.artifacts, `${name}.flv`), run.flv);
        }
        if (!tty && !options.quiet) {
          const bad = reportCase.verdicts.filter((v) => v.verdict === 'FAIL' || v.verdict === 'NON-STRICT');
          const notes = [
            ...bad.map((v) => `${v.verdict} ${v.requirement}`),
            ...(reportCase.unsupported ? ['UNSUPPORTED'] : []),
            ...(reportCase.harnessErrors.length > 0
              ? [`${reportCase.harnessErrors.length} harness error(s)`]
              : []),
          ];
          process.stderr.write(
            `[${done}/${total}] ${def.id}${runs > 1 ? ` (seed ${seed})` : ''}: ${notes.length === 0 ? 'ok' : notes.join(', ')}\n`,
          );
        }
        // A partial report after every case: Ctrl-C or a crash of the harness still leaves a valid one.
        write(build(true), false);
      }
    }
  } catch (e) {
    write(build(true), true);
    throw e;
  } finally {
    bar?.update(done);
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  const report = build(interrupted || results.length < total);
  write(report, true);
  const failures = runFailures(report);
  return { report, exitCode: interrupted ? 130 : failures.length > 0 ? 1 : 0 };
}
