import type { Check, CheckResult, RequirementInfo } from '../oracles/index.js';
import { ALL_CHECKS } from '../oracles/index.js';
import { runAndJudge } from '../runner/run-suite.js';
import type { CampaignPusher } from './campaign-options.js';
import type { GeneratedCase } from './case-arbitrary.js';
import { releaseServerState } from './internal/release-server-state.js';

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
  /** The verdicts that fail the run: FAIL, and NON-STRICT when strict. */
  failing: CheckResult[];
  digest: string;
  harnessErrors: string[];
}

export interface EvaluateOptions {
  pusher: CampaignPusher;
  seed: number;
  profile: string;
  strict: boolean;
  validate: boolean;
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks: readonly Check[];
}

/**
 * Run a generated case in simulation and judge its trace (the same path as `lpc run`: `runAndJudge`),
 * with the embedded server released before and after (`releaseServerState`).
 */
export async function evaluateCase(g: GeneratedCase, o: EvaluateOptions): Promise<CaseEvaluation> {
  // A case evaluated twice in one process (shrinking does that) must see the server as a fresh process does.
  releaseServerState();
  const { result } = await runAndJudge(g.definition, {
    pusher: o.pusher.factory,
    capabilities: o.pusher.capabilities,
    seed: o.seed,
    profile: o.profile,
    requirements: o.requirements,
    checks: o.checks,
    validate: o.validate,
  });
  releaseServerState();
  const failing = result.verdicts.filter(
    (v) => v.verdict === 'FAIL' || (o.strict && v.verdict === 'NON-STRICT'),
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
