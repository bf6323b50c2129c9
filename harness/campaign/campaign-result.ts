import { createHash } from 'node:crypto';
import type { CheckResult, Verdict } from '../oracles/index.js';
import type { CaseDocument } from './case-document.js';

/** Results JSON format tag and version (bump the version on any incompatible change). */
export const CAMPAIGN_RESULT_FORMAT = 'lpc-campaign-result';
export const CAMPAIGN_RESULT_VERSION = 1;

/** A failing run, shrunk: what failed, the smallest case that still fails, and how to replay it. */
export interface CampaignFailure {
  /** Index of the run in the seeded sequence (0-based). */
  run: number;
  /** The requirement the shrinking kept failing (docs/spec.md ID). */
  requirement: string;
  level: CheckResult['level'];
  verdict: Verdict;
  /** The check's summary on the shrunk case. */
  summary: string;
  /** fast-check's counterexample path: the run index, then the shrink steps. */
  path: string;
  /** One command that replays the shrunk case exactly, in a fresh process. */
  replay: string;
  /**
   * The shrunk case in the case format (YAML), ready for scenarios/suite/regression/; its requirements
   * include the failing one (campaigns judge every check, `lpc run` the targeted and always-on ones).
   */
  caseYaml: string;
  case: CaseDocument;
  /** Steps of the shrunk case and of the run as generated (`caseSteps`). */
  steps: number;
  originalSteps: number;
  /** Shrink candidates that still failed (fast-check's numShrinks). */
  shrinks: number;
  /** The shrunk case's schedule, as the model ran it. */
  schedule: string[];
  /** Every FAIL (and NON-STRICT with strict) of the shrunk case, evidence trimmed. */
  verdicts: CheckResult[];
  /** The requirements the run failed as generated, before shrinking. */
  originalRequirements: string[];
  /** Trace digest of the shrunk case's run. */
  digest: string;
}

/** One run as generated (never shrunk): its trace digest and verdicts. */
export interface CampaignRunDigest {
  run: number;
  digest: string;
  /** Requirements failed as generated (empty when the run passed). */
  failed: string[];
}

export interface CampaignResult {
  format: typeof CAMPAIGN_RESULT_FORMAT;
  version: typeof CAMPAIGN_RESULT_VERSION;
  seed: number;
  /** Runs in the campaign (all shards). */
  runs: number;
  /** The shards this result covers, as "i/n" (one, or several after a merge). */
  shards: string[];
  pusher: { spec: string; name: string; version: string };
  /** The options that decide what runs do; the replay command repeats those that differ from defaults. */
  settings: CampaignSettings;
  /** Runs executed (this shard or the merged shards). */
  executed: number;
  /**
   * Fewer runs than its shards hold were executed: the time budget ran out (`budget`), the campaign was
   * interrupted (`interrupt`) or it stopped on a failure (`failure`). Wall time only decides how many runs
   * happen, never what a run does.
   */
  truncated: boolean;
  truncatedBy: ('budget' | 'interrupt' | 'failure')[];
  /** Every run of the campaign (all shards) was executed: `executed === runs`. */
  complete: boolean;
  /** Verdicts of every run as generated, by kind. */
  verdicts: Record<Verdict, number>;
  failures: CampaignFailure[];
  harnessErrors: { run: number; message: string }[];
  digests: CampaignRunDigest[];
  /** SHA-256 over the runs' digests and failures: equal results have equal digests. */
  digest: string;
}

export interface CampaignSettings {
  durationMs: number;
  profile: string;
  strict: boolean;
  validate: boolean;
  maxShrinks: number;
  schedule: 'model' | 'random';
  maxCommands: number;
  /** Fault kinds switched off. */
  without: string[];
  /**
   * A differential campaign's baseline pusher (`reference` or a module), or null: a verdict fails a run
   * only when the baseline does not fail the same requirement on the same case.
   */
  baseline: string | null;
  /** Only these requirements fail a run (triage: shrink one known failure); empty: every requirement. */
  focus: string[];
}

export function emptyVerdictCounts(): Record<Verdict, number> {
  return { PASS: 0, FAIL: 0, 'NON-STRICT': 0, INDETERMINATE: 0, UNSUPPORTED: 0, INFORMATIONAL: 0 };
}

/** The result digest: runs in index order, each with its trace digest and its failure, if any. */
export function campaignDigest(
  digests: readonly CampaignRunDigest[],
  failures: readonly CampaignFailure[],
): string {
  const h = createHash('sha256');
  const byRun = new Map(failures.map((f) => [f.run, f]));
  for (const d of [...digests].sort((a, b) => a.run - b.run)) {
    const f = byRun.get(d.run);
    h.update(
      `${d.run} ${d.digest} ${d.failed.join(',')} ${f ? `${f.requirement} ${f.path} ${f.digest}` : '-'}\n`,
    );
  }
  return h.digest('hex');
}

/** Failed to merge campaign results: the message names the file and the field that disagrees. */
export class CampaignMergeError extends Error {
  readonly code = 'CAMPAIGN_MERGE';
  constructor(message: string) {
    super(message);
    this.name = 'CampaignMergeError';
  }
}

/**
 * Merge shard results of one campaign (same seed, runs, pusher and settings) into one result, as if one
 * process had run every shard: runs in index order, failures by run, verdicts summed. A run present in two
 * inputs must have the same digest. `truncated` when any input was; `complete` when every run is there.
 */
export function mergeCampaignResults(
  results: readonly CampaignResult[],
  names?: readonly string[],
): CampaignResult {
  if (results.length === 0) throw new CampaignMergeError('Failed to merge campaign results: no result given');
  const name = (i: number) => names?.[i] ?? `result #${i + 1}`;
  const first = results[0];
  for (const [i, r] of results.entries()) {
    if (r.format !== CAMPAIGN_RESULT_FORMAT || r.version !== CAMPAIGN_RESULT_VERSION)
      throw new CampaignMergeError(
        `Failed to merge ${name(i)}: format ${r.format} v${r.version} (expected ${CAMPAIGN_RESULT_FORMAT} v${CAMPAIGN_RESULT_VERSION})`,
      );
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new CampaignMergeError(
          `Failed to merge ${name(i)}: ${what} ${JSON.stringify(b)} differs from ${name(0)}'s ${JSON.stringify(a)}`,
        );
    };
    same('seed', first.seed, r.seed);
    same('runs', first.runs, r.runs);
    same('pusher', first.pusher, r.pusher);
    same('settings', first.settings, r.settings);
  }
  const digests = new Map<number, CampaignRunDigest>();
  const failures = new Map<number, CampaignFailure>();
  const verdicts = emptyVerdictCounts();
  const harnessErrors: CampaignResult['harnessErrors'] = [];
  const truncatedBy = new Set<CampaignResult['truncatedBy'][number]>();
  for (const [i, r] of results.entries()) {
    for (const d of r.digests) {
      const prev = digests.get(d.run);
      if (prev && prev.digest !== d.digest)
        throw new CampaignMergeError(
          `Failed to merge ${name(i)}: run ${d.run} has digest ${d.digest.slice(0, 16)}, another input ${prev.digest.slice(0, 16)} (not the same campaign, or not deterministic)`,
        );
      if (!prev) digests.set(d.run, d);
    }
    for (const f of r.failures) if (!failures.has(f.run)) failures.set(f.run, f);
    for (const e of r.harnessErrors) harnessErrors.push(e);
    for (const t of r.truncatedBy) truncatedBy.add(t);
  }
  // Verdict totals: sum over inputs, counting each run once (inputs are normally disjoint shards).
  const seenRuns = new Set<number>();
  for (const r of results) {
    const fresh = r.digests.filter((d) => !seenRuns.has(d.run));
    if (fresh.length === r.digests.length) {
      for (const [k, v] of Object.entries(r.verdicts)) verdicts[k as Verdict] += v;
    } else if (fresh.length > 0) {
      throw new CampaignMergeError(
        'Failed to merge campaign results: inputs overlap partly (give each shard once, or results of the same shard only)',
      );
    }
    for (const d of r.digests) seenRuns.add(d.run);
  }
  const allDigests = [...digests.values()].sort((a, b) => a.run - b.run);
  const allFailures = [...failures.values()].sort((a, b) => a.run - b.run);
  const uniqueErrors = new Map(harnessErrors.map((e) => [`${e.run} ${e.message}`, e]));
  return {
    format: CAMPAIGN_RESULT_FORMAT,
    version: CAMPAIGN_RESULT_VERSION,
    seed: first.seed,
    runs: first.runs,
    shards: [...new Set(results.flatMap((r) => r.shards))].sort(compareShards),
    pusher: first.pusher,
    settings: first.settings,
    executed: allDigests.length,
    truncated: truncatedBy.size > 0,
    truncatedBy: [...truncatedBy].sort(),
    complete: allDigests.length === first.runs,
    verdicts,
    failures: allFailures,
    harnessErrors: [...uniqueErrors.values()].sort((a, b) => a.run - b.run),
    digests: allDigests,
    digest: campaignDigest(allDigests, allFailures),
  };
}

function compareShards(a: string, b: string): number {
  const [ai, an] = a.split('/').map(Number);
  const [bi, bn] = b.split('/').map(Number);
  return an - bn || ai - bi;
}
