import type { Capability, PusherFactory } from '../adapter/types.js';
import type { CampaignSettings } from './campaign-result.js';
import type { FaultSwitches } from './case-arbitrary.js';

/** The pusher under test, as the CLI loads it (harness/cli/load-pusher.ts `LoadedPusher` + its spec). */
export interface CampaignPusher {
  /** `reference` or a module path, as given on the command line (repeated in replay commands). */
  spec: string;
  factory: PusherFactory;
  capabilities: readonly Capability[];
  identity: { name: string; version: string };
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface CampaignOptions {
  pusher: CampaignPusher;
  /** Seed of the whole sequence of generated cases (and of every simulation), 0..2^31-1. Default 1. */
  seed?: number;
  /** Runs in the campaign (over all shards). Default 100. */
  runs?: number;
  /** Virtual length of each case, ms. Default 60000. */
  durationMs?: number;
  /** Behaviour profile (harness/runner/profiles.ts). Default `seed`. */
  profile?: string;
  /** NON-STRICT (a SHOULD missed) fails a run too. Default false. */
  strict?: boolean;
  /** Run ffprobe on every capture (slow: ~1 s a run). Default false. */
  validate?: boolean;
  /** Stop starting runs after the first failing one. Default false (collect all). */
  stopOnFirst?: boolean;
  /** Shrink candidates tried per failure; 0 = report failures unshrunk. Default 100. */
  maxShrinks?: number;
  /** Run only indices i with i % count == index - 1. Default 1/1. */
  shard?: Shard;
  /** Wall-time budget, ms: no run starts after it (the result is then `truncated`). Default none. */
  budgetMs?: number;
  /** `model` (fc.commands, default) or `random` schedules. */
  schedule?: 'model' | 'random';
  /** Commands per case. Default 8. */
  maxCommands?: number;
  /** Fault kinds to leave out. Default none. */
  without?: readonly (keyof FaultSwitches)[];
  /** How replay commands start. Default `node --import tsx scripts/campaign.ts`. */
  commandPrefix?: string;
  /**
   * Differential campaign: a failing verdict counts only when this pusher (usually the reference) does
   * not fail the same requirement on the same case. Filters what both share (e.g. an oracle's false
   * positive) and keeps what sets the pusher under test apart. Default none.
   */
  baseline?: CampaignPusher;
  /** Only these requirements fail a run (to shrink one known failure). Default: every requirement. */
  focus?: readonly string[];
}

export interface ResolvedCampaignOptions {
  pusher: CampaignPusher;
  baseline: CampaignPusher | undefined;
  seed: number;
  runs: number;
  stopOnFirst: boolean;
  shard: Shard;
  budgetMs: number | undefined;
  commandPrefix: string;
  settings: CampaignSettings;
}

export const CAMPAIGN_DEFAULTS = {
  seed: 1,
  runs: 100,
  durationMs: 60_000,
  profile: 'seed',
  strict: false,
  validate: false,
  maxShrinks: 100,
  schedule: 'model' as const,
  maxCommands: 8,
  commandPrefix: 'node --import tsx scripts/campaign.ts',
};

export const FAULT_KINDS: readonly (keyof FaultSwitches)[] = [
  'link',
  'outages',
  'dns',
  'connections',
  'kicks',
  'resets',
  'devices',
  'app',
  'waitingImage',
];

/** Failed to configure a campaign: the message names the option and the value. */
export class CampaignOptionError extends Error {
  readonly code = 'CAMPAIGN_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'CampaignOptionError';
  }
}

/** Resolve the options once; every value checked and named in the error when wrong. */
export function resolveCampaignOptions(o: CampaignOptions): ResolvedCampaignOptions {
  const int = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new CampaignOptionError(
        `Failed to configure the campaign: ${name} ${v} (expected an integer in ${min}..${max})`,
      );
    return v;
  };
  const shard = o.shard ?? { index: 1, count: 1 };
  if (!Number.isSafeInteger(shard.count) || shard.count < 1 || shard.index < 1 || shard.index > shard.count)
    throw new CampaignOptionError(
      `Failed to configure the campaign: shard ${shard.index}/${shard.count} (expected i/n with 1 <= i <= n)`,
    );
  const without = [...new Set(o.without ?? [])].sort();
  for (const w of without)
    if (!FAULT_KINDS.includes(w))
      throw new CampaignOptionError(
        `Failed to configure the campaign: unknown fault kind "${w}" (expected one of ${FAULT_KINDS.join(', ')})`,
      );
  if (o.budgetMs !== undefined && !(o.budgetMs > 0))
    throw new CampaignOptionError(`Failed to configure the campaign: budget ${o.budgetMs} ms (expected > 0)`);
  return {
    pusher: o.pusher,
    baseline: o.baseline,
    seed: int('seed', o.seed ?? CAMPAIGN_DEFAULTS.seed, 0, 0x7fffffff),
    runs: int('runs', o.runs ?? CAMPAIGN_DEFAULTS.runs, 1),
    stopOnFirst: o.stopOnFirst ?? false,
    shard,
    budgetMs: o.budgetMs,
    commandPrefix: o.commandPrefix ?? CAMPAIGN_DEFAULTS.commandPrefix,
    settings: {
      durationMs: int('durationMs', o.durationMs ?? CAMPAIGN_DEFAULTS.durationMs, 5000),
      profile: o.profile ?? CAMPAIGN_DEFAULTS.profile,
      strict: o.strict ?? CAMPAIGN_DEFAULTS.strict,
      validate: o.validate ?? CAMPAIGN_DEFAULTS.validate,
      maxShrinks: int('maxShrinks', o.maxShrinks ?? CAMPAIGN_DEFAULTS.maxShrinks, 0),
      schedule: o.schedule ?? CAMPAIGN_DEFAULTS.schedule,
      maxCommands: int('maxCommands', o.maxCommands ?? CAMPAIGN_DEFAULTS.maxCommands, 0),
      without,
      baseline: o.baseline?.spec ?? null,
      focus: [...new Set(o.focus ?? [])].sort(),
    },
  };
}

/** The shard's run indices, in order: i with i % count == index - 1 (shards partition the sequence). */
export function shardRuns(runs: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < runs; i += shard.count) out.push(i);
  return out;
}

/** Parse "i/n" (1 <= i <= n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new CampaignOptionError(
      `Failed to read --shard "${text}": expected i/n with 1 <= i <= n (e.g. 2/4)`,
    );
  return { index, count };
}
