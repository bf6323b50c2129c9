import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { writeFileAtomic } from '../../reports/write-atomic.js';
import { CAMPAIGN_DEFAULTS, CampaignOptionError, FAULT_KINDS, parseShard } from './campaign-options.js';
import { type CampaignRequest, resolveRequest } from './campaign-request.js';
import { CampaignMergeError, type CampaignResult, mergeCampaignResults } from './campaign-result.js';
import type { FaultSwitches } from './case-arbitrary.js';
import { formatFailure, formatReplay, formatSummary } from './format-campaign.js';
import { wallClockMs } from './internal/wall-clock.js';
import { campaignProgress } from './progress.js';
import { CAMPAIGN_PATH, checkReplayCase } from './replay-command.js';
import { replayCampaignRun, runCampaign } from './run-campaign.js';
import { runCampaignWorkers } from './run-campaign-workers.js';

/** The command line's options, as commander parses them. */
export interface CampaignCommandOptions {
  pusher: string;
  baseline?: string;
  runs: number;
  seed: number;
  budgetSeconds?: number;
  durationSeconds: number;
  profile: string;
  strict: boolean;
  validate: boolean;
  stopOnFirst: boolean;
  maxShrinks: number;
  shard?: string;
  workers: number;
  schedule: 'model' | 'random';
  maxCommands: number;
  without?: string;
  focus?: string;
  out: string;
  merge?: string[];
  replay: boolean;
  path?: string;
  /** With `replay`: the id of the case at the path, checked (`regression/campaign-<seed>-<run>`). */
  case?: string;
  quiet: boolean;
}

/** Commander argument parser: an integer >= min (the error names the option). */
export const integer = (name: string, min: number) => (value: string) => {
  if (!/^-?\d+$/.test(value) || Number(value) < min)
    throw new InvalidArgumentError(`${name} must be an integer >= ${min} (got "${value}")`);
  return Number(value);
};
/** Commander argument parser: a number > 0 (the error names the option). */
export const positive = (name: string) => (value: string) => {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0)
    throw new InvalidArgumentError(`${name} must be a number > 0 (got "${value}")`);
  return v;
};

/** Commander's options → the campaign request (plain data; the pusher by its spec). */
export function requestFrom(opts: CampaignCommandOptions): CampaignRequest {
  const without = (opts.without ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as (keyof FaultSwitches)[];
  return {
    pusher: opts.pusher,
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    seed: opts.seed,
    runs: opts.runs,
    durationMs: Math.round(opts.durationSeconds * 1000),
    profile: opts.profile,
    strict: opts.strict,
    validate: opts.validate,
    stopOnFirst: opts.stopOnFirst,
    maxShrinks: opts.maxShrinks,
    shard: opts.shard ? parseShard(opts.shard) : undefined,
    budgetMs: opts.budgetSeconds === undefined ? undefined : opts.budgetSeconds * 1000,
    schedule: opts.schedule,
    maxCommands: opts.maxCommands,
    without,
    ...(opts.focus
      ? {
          focus: opts.focus
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
  };
}

/**
 * `campaign`: property-based fault campaigns (docs/campaigns.md). Exit codes: 0 no failing run (or a
 * replay that does not fail), 1 failing runs (or a replay that reproduces its failure), 2 usage errors.
 * Built as a commander Command so `lpc` mounts it (`program.addCommand(campaignCommand('campaign', set))`);
 * `setExitCode` receives the action's exit code (default: `process.exitCode`).
 */
export function campaignCommand(
  name = 'campaign',
  setExitCode: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): Command {
  return new Command(name)
    .description('generate fault scenarios with fast-check, run and judge each, shrink failures, replay them')
    .option('--pusher <reference|module>', 'the pusher under test', 'reference')
    .option(
      '--baseline <reference|module>',
      'differential: count a failure only when this pusher passes the same requirement on the same case',
    )
    .option('--runs <n>', 'runs in the campaign (all shards)', integer('--runs', 1), CAMPAIGN_DEFAULTS.runs)
    .option(
      '--seed <n>',
      'seed of the generated sequence and every simulation',
      integer('--seed', 0),
      CAMPAIGN_DEFAULTS.seed,
    )
    .option(
      '--budget-seconds <t>',
      'wall-time budget: no run starts after it (result marked truncated)',
      positive('--budget-seconds'),
    )
    .option(
      '--duration-seconds <s>',
      'virtual length of each case',
      positive('--duration-seconds'),
      CAMPAIGN_DEFAULTS.durationMs / 1000,
    )
    .option('--profile <name>', 'behaviour profile (seed, sdk)', CAMPAIGN_DEFAULTS.profile)
    .option('--strict', 'NON-STRICT (a SHOULD missed) fails a run too', false)
    .option('--validate', 'run ffprobe on every capture (about 1 s a run)', false)
    .option('--stop-on-first', 'stop after the first failing run (default: collect all)', false)
    .option(
      '--max-shrinks <n>',
      'shrink candidates tried per failure (0: no shrinking)',
      integer('--max-shrinks', 0),
      CAMPAIGN_DEFAULTS.maxShrinks,
    )
    .option('--shard <i/n>', 'run indices i-1, i-1+n, ... of the sequence')
    .option('--workers <n>', 'worker processes (one simulation each)', integer('--workers', 1), 1)
    .addOption(
      new Option('--schedule <kind>', 'model (fc.commands) or random operations')
        .choices(['model', 'random'])
        .default('model'),
    )
    .option(
      '--max-commands <n>',
      'commands per case',
      integer('--max-commands', 0),
      CAMPAIGN_DEFAULTS.maxCommands,
    )
    .option('--without <kinds>', `fault kinds to leave out, comma-separated (${FAULT_KINDS.join(', ')})`)
    .option('--focus <requirements>', 'only these requirements (comma-separated) fail a run: to shrink one')
    .option('--out <file>', 'results JSON', 'reports/out/campaign.json')
    .option('--merge <results...>', 'merge shard results (JSON files) into --out instead of running')
    .option('--replay', 'replay one run or shrunk failure (with --seed and --path)', false)
    .option('--path <path>', 'fast-check path to replay (run:step:...)')
    .option('--case <id>', 'with --replay: the id of the case at the path (checked)')
    .option('--quiet', 'no progress output', false)
    .action(async (opts: CampaignCommandOptions) => {
      setExitCode(await executeCampaignCommand(opts));
    });
}

/** Run the command: merge, replay or campaign. Returns the exit code; prints results on stdout. */
export async function executeCampaignCommand(opts: CampaignCommandOptions): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (opts.merge) {
    const results = opts.merge.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CampaignResult);
    const merged = mergeCampaignResults(results, opts.merge);
    writeFileAtomic(resolve(opts.out), `${JSON.stringify(merged, null, 2)}\n`);
    for (const f of merged.failures) out(`${formatFailure(f)}\n`);
    out(
      `${formatSummary(merged)}${merged.complete ? '' : '; INCOMPLETE (runs missing)'}. Result in ${opts.out}`,
    );
    return merged.failures.length > 0 ? 1 : 0;
  }
  const request = requestFrom(opts);
  if (opts.replay) return executeCampaignReplay(request, opts.path, opts.case, out);
  if (opts.path !== undefined || opts.case !== undefined)
    throw new CampaignOptionError(
      `Failed to run the campaign: ${opts.path !== undefined ? '--path' : '--case'} needs --replay`,
    );
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const progress = campaignProgress({ stream: process.stderr, quiet: opts.quiet });
  const started = wallClockMs();
  let result: CampaignResult;
  try {
    const hooks = { ...progress, shouldStop: () => interrupted };
    result =
      opts.workers > 1
        ? await runCampaignWorkers(request, opts.workers, hooks)
        : await runCampaign(await resolveRequest(request), hooks);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  writeFileAtomic(resolve(opts.out), `${JSON.stringify(result, null, 2)}\n`);
  for (const f of result.failures) out(`${formatFailure(f)}\n`);
  out(`${formatSummary(result, wallClockMs() - started)}. Result in ${opts.out}`);
  return interrupted ? 130 : result.failures.length > 0 ? 1 : 0;
}

/**
 * Replay one run or shrunk failure (`campaign --replay`, `lpc replay --path`): the case at `path`,
 * regenerated with the request's settings, run once, judged, printed. 1 when it fails, else 0.
 */
export async function executeCampaignReplay(
  request: CampaignRequest,
  path: string | undefined,
  caseId: string | undefined,
  out: (line: string) => void,
): Promise<number> {
  if (!path) throw new CampaignOptionError('Failed to replay: --path is required with --replay');
  if (!CAMPAIGN_PATH.test(path))
    throw new CampaignOptionError(
      `Failed to replay: --path "${path}" (expected fast-check's "run:step:step...", e.g. 22:0:1)`,
    );
  const seed = request.seed ?? CAMPAIGN_DEFAULTS.seed;
  checkReplayCase(seed, path, caseId);
  const r = await replayCampaignRun(await resolveRequest(request), path);
  if (caseId !== undefined && r.case.id !== caseId)
    throw new CampaignOptionError(
      `Failed to replay: --case "${caseId}" is not the regenerated case (${r.case.id})`,
    );
  out(formatReplay(r));
  return r.reproduced ? 1 : 0;
}

/** Standalone entry (scripts/campaign.ts): parse argv, run, return the exit code (2 for usage errors). */
export async function campaignMain(argv: string[]): Promise<number> {
  const command = campaignCommand('campaign')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await command.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 0 : 2;
    const err = e as Error & { code?: string; exitCode?: number };
    if (
      e instanceof CampaignOptionError ||
      e instanceof CampaignMergeError ||
      err.exitCode === 2 ||
      err.code === 'INVALID_CASE'
    ) {
      process.stderr.write(`campaign: ${err.message}\n`);
      return 2;
    }
    throw e;
  }
}
