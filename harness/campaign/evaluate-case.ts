import type { Check, CheckResult, RequirementInfo } from '../oracles/index.js';
import { ALL_CHECKS } from '../oracles/index.js';
import { runAndJudge } from '../runner/run-suite.js';
import type { CampaignPusher } from './campaign-options.js';
import type { GeneratedCase } from './case-arbitrary.js';
import { releaseServerState, settleBetweenCases } from './internal/release-server-state.js';

/**
 * Every check of the oracles, each evaluated wherever the trace exercises it (`always`): a generated case
 * is judged by all applicable oracles, not only by the requirements it targets. A check that finds its
 * requirement not exercised stays silent unless the case targets it (then INDETERMINATE).
 */
export function campaignChecks(checks: readonly Check[] = ALL_CHECKS): Check[] {
  return checks.map((c) => ({ ...c, always: true }));
}

export interface CaseEvaluation {
  verdicts: CheckResult[];
  /** The verdicts that fail the run: FAIL, and NON-STRICT when strict (minus the baseline's, if any). */
  failing: CheckResult[];
  /** Requirements the baseline pusher failed too on this case (differential campaigns). */
  sharedWithBaseline: string[];
  digest: string;
  harnessErrors: string[];
}

export interface EvaluateOptions {
  pusher: CampaignPusher;
  /** Differential baseline: its failures on the same case are not the pusher's. */
  baseline?: CampaignPusher;
  seed: number;
  profile: string;
  strict: boolean;
  validate: boolean;
  /** Only these requirements can fail (empty: all). */
  focus: readonly string[];
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks: readonly Check[];
}

/**
 * Run a generated case in simulation and judge its trace (the same path as `lpc run`: `runAndJudge`),
 * with the embedded server released before and after (`releaseServerState`). With a baseline, the
 * baseline runs the same case when the pusher fails, and the requirements it fails too are set aside.
 */
export async function evaluateCase(
  g: GeneratedCase,
  o: EvaluateOptions,
  /** While shrinking: only this requirement matters; the baseline runs only when the pusher fails it. */
  focus?: string,
): Promise<CaseEvaluation> {
  const own = await judged(g, o.pusher, o);
  let failing = own.failing;
  const sharedWithBaseline: string[] = [];
  const relevant = focus === undefined ? failing.length > 0 : failing.some((v) => v.requirement === focus);
  if (o.baseline && relevant) {
    // Only when the pusher fails: the baseline's run costs a second simulation.
    const base = new Set((await judged(g, o.baseline, o)).failing.map((v) => v.requirement));
    sharedWithBaseline.push(
      ...[...new Set(failing.map((v) => v.requirement))].filter((r) => base.has(r)).sort(),
    );
    failing = failing.filter((v) => !base.has(v.requirement));
  }
  return { ...own, failing, sharedWithBaseline };
}

async function judged(g: GeneratedCase, pusher: CampaignPusher, o: EvaluateOptions) {
  // A case evaluated twice in one process (shrinking does that) must see the server as a fresh process does.
  releaseServerState();
  const { result } = await runAndJudge(g.definition, {
    pusher: pusher.factory,
    capabilities: pusher.capabilities,
    seed: o.seed,
    profile: o.profile,
    requirements: o.requirements,
    checks: o.checks,
    validate: o.validate,
  });
  await settleBetweenCases();
  releaseServerState();
  const failing = result.verdicts.filter(
    (v) =>
      (v.verdict === 'FAIL' || (o.strict && v.verdict === 'NON-STRICT')) &&
      (o.focus.length === 0 || o.focus.includes(v.requirement)),
  );
  return { verdicts: result.verdicts, failing, digest: result.digest, harnessErrors: result.harnessErrors };
}

/** The requirement a failing run is named after: FAIL before NON-STRICT, then by ID. */
export function primaryFailure(failing: readonly CheckResult[]): CheckResult | undefined {
  return [...failing].sort(
    (a, b) =>
      Number(b.verdict === 'FAIL') - Number(a.verdict === 'FAIL') ||
      a.requirement.localeCompare(b.requirement),
  )[0];
}
