import { executeCampaignReplay, requestFrom } from '../campaign/campaign-command.js';
import { CAMPAIGN_DEFAULTS, FAULT_KINDS } from '../campaign/campaign-options.js';
import { CAMPAIGN_PATH, checkReplayCase } from '../campaign/replay-command.js';
import { checkRunOptions, loadSpecOrExplain } from './run-command.js';
import { UsageError } from './usage-error.js';

/** `lpc replay` options that only a campaign replay (`--path`) takes, with their flags. */
export const CAMPAIGN_REPLAY_FLAGS = {
  path: '--path',
  baseline: '--baseline',
  durationSeconds: '--duration-seconds',
  strict: '--strict',
  validate: '--validate',
  maxShrinks: '--max-shrinks',
  schedule: '--schedule',
  maxCommands: '--max-commands',
  without: '--without',
  focus: '--focus',
} as const;

export interface CampaignReplayFlags {
  path?: string;
  seed?: number;
  case?: string;
  pusher?: string;
  profile?: string;
  suite?: string;
  spec?: string;
  baseline?: string;
  durationSeconds?: number;
  strict?: boolean;
  validate?: boolean;
  maxShrinks?: number;
  schedule?: 'model' | 'random';
  maxCommands?: number;
  without?: string;
  focus?: string;
}

/** The first campaign-only option given, by its flag (for "only with --path" errors). */
export function campaignOnlyFlag(opts: CampaignReplayFlags): string | undefined {
  for (const [key, flag] of Object.entries(CAMPAIGN_REPLAY_FLAGS))
    if (opts[key as keyof CampaignReplayFlags] !== undefined) return flag;
  return undefined;
}

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * `lpc replay --seed N --path P [--case ID] [campaign options]`: replay one campaign run or shrunk failure
 * exactly, the same as `campaign --replay` (it runs that command's code and prints the same). `positional`
 * are the `<result.json> <caseId>` arguments, which a campaign replay does not take. Every bad combination
 * is a UsageError naming the option, raised before anything runs. Exit code 1 when the case fails.
 */
export async function campaignReplayCommand(
  opts: CampaignReplayFlags,
  positional: readonly (string | undefined)[],
  out: (line: string) => void,
): Promise<number> {
  const path = opts.path as string;
  const given = positional.filter((p): p is string => p !== undefined);
  if (given.length > 0)
    throw new UsageError(
      `replay: --path replays a campaign run and takes no report or positional case (got "${given.join(' ')}"); give the case as --case ID`,
    );
  if (opts.seed === undefined)
    throw new UsageError("replay: --path needs --seed (the campaign's seed, printed in its replay command)");
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0 || opts.seed > 0x7fffffff)
    throw new UsageError(`--seed "${opts.seed}": a campaign seed is an integer from 0 to 2147483647`);
  if (opts.suite !== undefined || opts.spec !== undefined)
    throw new UsageError(
      `${opts.suite !== undefined ? '--suite' : '--spec'} does not apply to a campaign replay (--path): its case is generated, and judged against docs/spec.md`,
    );
  if (!CAMPAIGN_PATH.test(path))
    throw new UsageError(`--path "${path}": expected fast-check's path "run:step:step..." (e.g. 22:0:1)`);
  try {
    checkReplayCase(opts.seed, path, opts.case);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^Failed to replay: /, ''));
  }
  const profile = opts.profile ?? CAMPAIGN_DEFAULTS.profile;
  checkRunOptions({ seed: opts.seed, profile });
  const durationSeconds = opts.durationSeconds ?? CAMPAIGN_DEFAULTS.durationMs / 1000;
  if (Math.round(durationSeconds * 1000) < 5000)
    throw new UsageError(`--duration-seconds "${durationSeconds}": a campaign case lasts at least 5 s`);
  for (const kind of list(opts.without))
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new UsageError(
        `--without "${kind}": unknown fault kind (expected one of ${FAULT_KINDS.join(', ')})`,
      );
  const focus = list(opts.focus);
  if (focus.length > 0) {
    const known = new Set(loadSpecOrExplain(undefined).spec.map((r) => r.id));
    const unknown = focus.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new UsageError(`--focus: unknown requirement(s) ${unknown.join(', ')} (see \`lpc list\`)`);
  }
  const request = requestFrom({
    pusher: opts.pusher ?? 'reference',
    ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
    runs: CAMPAIGN_DEFAULTS.runs,
    seed: opts.seed,
    durationSeconds,
    profile,
    strict: opts.strict ?? CAMPAIGN_DEFAULTS.strict,
    validate: opts.validate ?? CAMPAIGN_DEFAULTS.validate,
    stopOnFirst: false,
    maxShrinks: opts.maxShrinks ?? CAMPAIGN_DEFAULTS.maxShrinks,
    workers: 1,
    schedule: opts.schedule ?? CAMPAIGN_DEFAULTS.schedule,
    maxCommands: opts.maxCommands ?? CAMPAIGN_DEFAULTS.maxCommands,
    ...(opts.without !== undefined ? { without: opts.without } : {}),
    ...(opts.focus !== undefined ? { focus: opts.focus } : {}),
    out: '',
    replay: true,
    path,
    quiet: true,
  });
  return executeCampaignReplay(request, path, opts.case, out);
}
