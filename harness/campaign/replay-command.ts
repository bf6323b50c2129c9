import { CAMPAIGN_DEFAULTS, type ResolvedCampaignOptions } from './campaign-options.js';

/** Quote a shell word when it needs it. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one command that replays a run (or a shrunk failure) exactly: seed, fast-check path, pusher, and
 * every setting that decides what a run does when it differs from the default. Runs in a fresh process.
 */
export function replayCommand(o: ResolvedCampaignOptions, path: string): string {
  const s = o.settings;
  const words = [o.commandPrefix, '--replay', '--seed', String(o.seed), '--path', path];
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
