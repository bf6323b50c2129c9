import fc from 'fast-check';
import type { CheckResult } from '../oracles/index.js';
import { loadSpec, requirementIndex } from '../runner/run-suite.js';
import {
  CAMPAIGN_DEFAULTS,
  CampaignOptionError,
  type CampaignOptions,
  type ResolvedCampaignOptions,
  resolveCampaignOptions,
  shardRuns,
} from './campaign-options.js';
import {
  CAMPAIGN_RESULT_FORMAT,
  CAMPAIGN_RESULT_VERSION,
  type CampaignFailure,
  type CampaignResult,
  type CampaignRunDigest,
  campaignDigest,
  emptyVerdictCounts,
} from './campaign-result.js';
import { type GeneratedCase, generatedCaseArbitrary } from './case-arbitrary.js';
import { caseDocumentToYaml } from './case-document.js';
import {
  type CaseEvaluation,
  campaignChecks,
  type EvaluateOptions,
  evaluateCase,
  primaryFailure,
} from './evaluate-case.js';
import { wallClockMs } from './internal/wall-clock.js';
import { replayCommand } from './replay-command.js';

/** What a campaign tells its observer (progress display, worker protocol). */
export interface CampaignHooks {
  /** A run starts: `position` of `total` in this shard. */
  onRunStart?(info: { run: number; position: number; total: number }): void;
  /** A failing run is being shrunk: evaluations so far, steps of the smallest failing case. */
  onShrink?(info: { run: number; evaluations: number; steps: number }): void;
  onRunEnd?(outcome: RunOutcome, info: { position: number; total: number }): void;
  /** Checked before each run: a reason (true = `interrupt`) stops the campaign, which is then `truncated`. */
  shouldStop?(): boolean | 'interrupt' | 'failure';
  /** Wall clock (ms) for the budget; injectable for tests. */
  wallClock?(): number;
}

/** One run's outcome: its digest as generated, its verdicts, and its shrunk failure when it failed. */
export interface RunOutcome {
  run: number;
  digest: string;
  verdicts: CheckResult[];
  /** Requirements the run failed as generated (after the baseline's, in a differential campaign). */
  failed: string[];
  failure?: CampaignFailure;
  harnessErrors: string[];
}

/** Everything a run needs besides its index, built once per campaign. */
interface CampaignContext {
  o: ResolvedCampaignOptions;
  arbitrary: fc.Arbitrary<GeneratedCase>;
  evaluate: Omit<EvaluateOptions, 'seed'>;
}

function buildContext(o: ResolvedCampaignOptions): CampaignContext {
  const spec = loadSpec();
  const s = o.settings;
  const without = new Set(s.without);
  const generated = generatedCaseArbitrary({
    durationMs: s.durationMs,
    capabilities: o.pusher.capabilities,
    requirementIds: spec.map((r) => r.id),
    schedule: s.schedule,
    maxCommands: s.maxCommands,
    faults: Object.fromEntries([...without].map((k) => [k, false])),
  });
  return {
    o,
    arbitrary: s.maxShrinks > 0 ? fc.limitShrink(generated, s.maxShrinks) : generated,
    evaluate: {
      pusher: o.pusher,
      baseline: o.baseline,
      profile: s.profile,
      strict: s.strict,
      validate: s.validate,
      focus: s.focus,
      requirements: requirementIndex(spec),
      checks: campaignChecks(),
    },
  };
}

/** Generated cases carry the run's id (`regression/campaign-<seed>-<run>`) and a non-default profile. */
function forRun(g: GeneratedCase, o: ResolvedCampaignOptions, run: number): GeneratedCase {
  const id = `regression/campaign-${o.seed}-${run}`;
  const profile = o.settings.profile === CAMPAIGN_DEFAULTS.profile ? {} : { profile: o.settings.profile };
  return {
    ...g,
    document: { ...g.document, id, ...profile },
    definition: { ...g.definition, id, ...profile },
  };
}

interface Evaluated {
  g: GeneratedCase;
  e: CaseEvaluation;
}

/**
 * The property of one run: the case at this run index (and, while shrinking, each smaller candidate)
 * runs and is judged. The first failing evaluation fixes the requirement; a candidate counts as failing
 * only when it still fails that requirement, so shrinking keeps the bug it started from.
 */
function runProperty(ctx: CampaignContext, run: number, hooks: CampaignHooks) {
  const state: {
    first?: Evaluated;
    locked?: string;
    lastFailing?: Evaluated;
    evaluations: number;
    harnessErrors: string[];
  } = { evaluations: 0, harnessErrors: [] };
  const property = fc.asyncProperty(ctx.arbitrary, async (generated) => {
    const g = forRun(generated, ctx.o, run);
    let e: CaseEvaluation;
    try {
      e = await evaluateCase(g, { ...ctx.evaluate, seed: ctx.o.seed }, state.locked);
    } catch (err) {
      // A harness fault is never a pusher failure: report it apart and let the candidate pass.
      state.harnessErrors.push(`${(err as Error)?.message ?? err}`);
      return true;
    }
    state.evaluations++;
    if (state.evaluations === 1) state.first = { g, e };
    state.harnessErrors.push(...e.harnessErrors);
    if (state.locked === undefined) state.locked = primaryFailure(e.failing)?.requirement;
    const fails = state.locked !== undefined && e.failing.some((v) => v.requirement === state.locked);
    if (fails) {
      state.lastFailing = { g, e };
      if (state.evaluations > 1) hooks.onShrink?.({ run, evaluations: state.evaluations, steps: g.steps });
    }
    return !fails;
  });
  return { property, state };
}

/**
 * The shrunk case as a regression file: it targets the failing requirement too (campaigns judge every
 * check, `lpc run` only targeted and always-on ones), so saved under scenarios/suite/ it fails the same way.
 */
function asRegression(doc: GeneratedCase['document'], requirement: string): GeneratedCase['document'] {
  return doc.requirements.includes(requirement)
    ? doc
    : { ...doc, requirements: [...doc.requirements, requirement].sort() };
}

function trimEvidence(v: CheckResult): CheckResult {
  return v.evidence && v.evidence.length > 5 ? { ...v, evidence: v.evidence.slice(0, 5) } : v;
}

function failureReport(
  ctx: CampaignContext,
  run: number,
  path: string,
  shrinks: number,
  requirement: string,
  first: Evaluated,
  last: Evaluated,
): CampaignFailure {
  const o = ctx.o;
  const v = last.e.failing.find((x) => x.requirement === requirement) ?? last.e.failing[0];
  const replay = replayCommand(o, path);
  const comment = [
    `Found by a property-based campaign (docs/campaigns.md): seed ${o.seed}, run ${run}, path ${path}.`,
    `Shrunk from ${first.g.steps} to ${last.g.steps} steps. ${v.verdict} ${requirement} (${v.level}): ${v.summary}`,
    `Replay exactly: ${replay}`,
    `As a regression case: save as scenarios/suite/${last.g.document.id}.yaml, run \`lpc run --seed ${o.seed} --case ${last.g.document.id}\`.`,
  ].join('\n');
  return {
    run,
    requirement,
    level: v.level,
    verdict: v.verdict,
    summary: v.summary,
    path,
    replay,
    caseYaml: caseDocumentToYaml(asRegression(last.g.document, requirement), comment),
    case: asRegression(last.g.document, requirement),
    steps: last.g.steps,
    originalSteps: first.g.steps,
    shrinks,
    schedule: last.g.schedule,
    verdicts: last.e.failing.map(trimEvidence),
    originalRequirements: [...new Set(first.e.failing.map((x) => x.requirement))].sort(),
    digest: last.e.digest,
  };
}

async function runOne(ctx: CampaignContext, run: number, hooks: CampaignHooks): Promise<RunOutcome> {
  const { property, state } = runProperty(ctx, run, hooks);
  const details = await fc.check(property, {
    seed: ctx.o.seed,
    path: String(run),
    numRuns: 1,
    endOnFailure: ctx.o.settings.maxShrinks === 0,
  });
  const first = state.first;
  if (!first) {
    return {
      run,
      digest: '',
      verdicts: [],
      failed: [],
      harnessErrors: state.harnessErrors.length ? state.harnessErrors : ['the run was not evaluated'],
    };
  }
  const outcome: RunOutcome = {
    run,
    digest: first.e.digest,
    verdicts: first.e.verdicts,
    failed: [...new Set(first.e.failing.map((v) => v.requirement))].sort(),
    harnessErrors: [...new Set(state.harnessErrors)],
  };
  if (details.failed && state.lastFailing && state.locked && details.counterexamplePath) {
    outcome.failure = failureReport(
      ctx,
      run,
      details.counterexamplePath,
      details.numShrinks,
      state.locked,
      first,
      state.lastFailing,
    );
  }
  return outcome;
}

/**
 * Run a campaign: the shard's runs of the seeded sequence, each generated, run in simulation, judged
 * by every applicable oracle and, when it fails, shrunk to the smallest case that still fails the same
 * requirement. Collects all failures unless `stopOnFirst`. The result is a pure function of the options
 * (seed, runs, shard, pusher, settings), except how many runs a time budget lets start.
 */
export async function runCampaign(
  options: CampaignOptions,
  hooks: CampaignHooks = {},
): Promise<CampaignResult> {
  const o = resolveCampaignOptions(options);
  const ctx = buildContext(o);
  const indices = shardRuns(o.runs, o.shard);
  const clock = hooks.wallClock ?? wallClockMs;
  const started = clock();
  const digests: CampaignRunDigest[] = [];
  const failures: CampaignFailure[] = [];
  const harnessErrors: CampaignResult['harnessErrors'] = [];
  const verdicts = emptyVerdictCounts();
  const truncatedBy = new Set<CampaignResult['truncatedBy'][number]>();
  for (const [position, run] of indices.entries()) {
    const stop = hooks.shouldStop?.();
    if (stop) {
      truncatedBy.add(stop === true ? 'interrupt' : stop);
      break;
    }
    if (o.budgetMs !== undefined && clock() - started >= o.budgetMs) {
      truncatedBy.add('budget');
      break;
    }
    hooks.onRunStart?.({ run, position, total: indices.length });
    const outcome = await runOne(ctx, run, hooks);
    digests.push({ run, digest: outcome.digest, failed: outcome.failed });
    for (const v of outcome.verdicts) verdicts[v.verdict]++;
    for (const message of outcome.harnessErrors) harnessErrors.push({ run, message: message.split('\n')[0] });
    if (outcome.failure) failures.push(outcome.failure);
    hooks.onRunEnd?.(outcome, { position: position + 1, total: indices.length });
    if (outcome.failure && o.stopOnFirst) {
      if (position < indices.length - 1) truncatedBy.add('failure');
      break;
    }
  }
  return {
    format: CAMPAIGN_RESULT_FORMAT,
    version: CAMPAIGN_RESULT_VERSION,
    seed: o.seed,
    runs: o.runs,
    shards: [`${o.shard.index}/${o.shard.count}`],
    pusher: { spec: o.pusher.spec, name: o.pusher.identity.name, version: o.pusher.identity.version },
    settings: o.settings,
    executed: digests.length,
    truncated: truncatedBy.size > 0,
    truncatedBy: [...truncatedBy].sort(),
    complete: digests.length === o.runs,
    verdicts,
    failures,
    harnessErrors,
    digests,
    digest: campaignDigest(digests, failures),
  };
}

/** What a replay found: the case at the path, run once, judged. */
export interface ReplayResult {
  run: number;
  path: string;
  /** The case failed (FAIL, or NON-STRICT with strict). */
  reproduced: boolean;
  failing: CheckResult[];
  verdicts: CheckResult[];
  case: GeneratedCase['document'];
  caseYaml: string;
  steps: number;
  schedule: string[];
  digest: string;
  harnessErrors: string[];
}

/**
 * Replay one run or one shrunk failure exactly: the case at `path` (fast-check's path: run index, then
 * shrink steps) of the seeded sequence, generated with the same settings, run once, judged. No shrinking.
 */
export async function replayCampaignRun(options: CampaignOptions, path: string): Promise<ReplayResult> {
  const o = resolveCampaignOptions(options);
  if (!/^\d+(:\d+)*$/.test(path))
    throw new CampaignOptionError(
      `Failed to replay: path "${path}" (expected fast-check's "run:step:step...")`,
    );
  const ctx = buildContext(o);
  const run = Number(path.split(':')[0]);
  let seen: Evaluated | undefined;
  const property = fc.asyncProperty(ctx.arbitrary, async (generated) => {
    const g = forRun(generated, o, run);
    const e = await evaluateCase(g, { ...ctx.evaluate, seed: o.seed });
    seen = { g, e };
    return e.failing.length === 0;
  });
  try {
    await fc.check(property, { seed: o.seed, path, numRuns: 1, endOnFailure: true });
  } catch (err) {
    throw new CampaignOptionError(`Failed to replay path "${path}": ${(err as Error).message}`);
  }
  if (!seen) throw new CampaignOptionError(`Failed to replay path "${path}": no case at this path`);
  const { g, e } = seen;
  const primary = primaryFailure(e.failing);
  const comment = primary
    ? `Replayed: seed ${o.seed}, path ${path}. ${primary.verdict} ${primary.requirement} (${primary.level}): ${primary.summary}`
    : `Replayed: seed ${o.seed}, path ${path}. No failure.`;
  return {
    run,
    path,
    reproduced: e.failing.length > 0,
    failing: e.failing.map(trimEvidence),
    verdicts: e.verdicts,
    case: g.document,
    caseYaml: caseDocumentToYaml(g.document, comment),
    steps: g.steps,
    schedule: g.schedule,
    digest: e.digest,
    harnessErrors: e.harnessErrors,
  };
}
