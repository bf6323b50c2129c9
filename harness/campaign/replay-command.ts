import { CAMPAIGN_DEFAULTS, CampaignOptionError, type ResolvedCampaignOptions } from './campaign-options.js';

/** Quote a shell word when it needs it. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** fast-check's path of one run or shrunk failure: the run index, then shrink steps. */
export const CAMPAIGN_PATH = /^\d+(:\d+)*$/;

/** The id a campaign gives the case of run `run` (harness/campaign/run-campaign.ts `forRun`). */
export function campaignCaseId(seed: number, run: number): string {
  return `regression/campaign-${seed}-${run}`;
}

/** The run index of a path ("22:0:1" → 22); the path must match `CAMPAIGN_PATH`. */
export function pathRun(path: string): number {
  return Number(path.split(':')[0]);
}

/**
 * A replay's `--case`, checked before anything runs: it must be the id of the case the campaign generated
 * at that path (`regression/campaign-<seed>-<run>`). Throws CampaignOptionError naming `--case`.
 */
export function checkReplayCase(seed: number, path: string, caseId: string | undefined): void {
  if (caseId === undefined) return;
  const expected = campaignCaseId(seed, pathRun(path));
  if (caseId !== expected)
    throw new CampaignOptionError(
      `Failed to replay: --case "${caseId}" is not the case of seed ${seed}, path ${path} (that is ${expected}); ` +
        'a campaign replay regenerates its case (to replay a suite case, drop --path: lpc replay --seed N --case ID)',
    );
}

/**
 * The one command that replays a run (or a shrunk failure) exactly: seed, fast-check path, the case id it
 * regenerates (checked), pusher, and every setting that decides what a run does when it differs from the
 * default. Runs in a fresh process: `lpc replay --seed S --path P --case ID ...` (docs/campaigns.md,
 * "Replay and determinism"). A campaign given its own `commandPrefix` (how it is started, e.g.
 * `npx tsx scripts/campaign.ts`) gets `<prefix> --replay --seed S --path P --case ID ...` instead: the
 * campaign command's `--replay` takes the same options and prints the same thing.
 */
export function replayCommand(o: ResolvedCampaignOptions, path: string): string {
  const s = o.settings;
  const head =
    o.commandPrefix === CAMPAIGN_DEFAULTS.commandPrefix ? ['lpc', 'replay'] : [o.commandPrefix, '--replay'];
  const words = [...head, '--seed', String(o.seed), '--path', path];
  if (CAMPAIGN_PATH.test(path)) words.push('--case', campaignCaseId(o.seed, pathRun(path)));
  if (o.pusher.spec !== 'reference') words.push('--pusher', shellWord(o.pusher.spec));
  if (o.baseline) words.push('--baseline', shellWord(o.baseline.spec));
  if (s.durationMs !== CAMPAIGN_DEFAULTS.durationMs)
    words.push('--duration-seconds', String(s.durationMs / 1000));
  if (s.profile !== CAMPAIGN_DEFAULTS.profile) words.push('--profile', shellWord(s.profile));
  if (s.strict) words.push('--strict');
  if (s.validate) words.push('--validate');
  if (s.maxShrinks !== CAMPAIGN_DEFAULTS.maxShrinks) words.push('--max-shrinks', String(s.maxShrinks));
  if (s.schedule !== CAMPAIGN_DEFAULTS.schedule) words.push('--schedule', s.schedule);
  if (s.maxCommands !== CAMPAIGN_DEFAULTS.maxCommands) words.push('--max-commands', String(s.maxCommands));
  if (s.without.length > 0) words.push('--without', s.without.join(','));
  if (s.focus.length > 0) words.push('--focus', s.focus.join(','));
  return words.join(' ');
}
