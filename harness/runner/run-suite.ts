import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Capability, PusherFactory } from '../adapter/types.js';
import {
  ALL_CHECKS,
  type Check,
  type CheckResult,
  judgeCase,
  type RequirementInfo,
  type Verdict,
} from '../oracles/index.js';
import { loadSpec, type Requirement } from '../spec/index.js';
import { type CaseDefinition, loadCaseFile } from './case-schema.js';
import { profileByName } from './profiles.js';
import { type CaseRun, runCase } from './run-case.js';

/** One case's outcome: its verdicts and how to replay it. */
export interface CaseResult {
  caseId: string;
  title: string;
  source: string;
  seed: number;
  profile: string;
  digest: string;
  verdicts: CheckResult[];
  /** Problems of the harness itself, reported apart from the pusher's. */
  harnessErrors: string[];
  unsupported?: string;
}

/** Severity order used to combine a requirement's verdicts across cases (worst wins). */
const SEVERITY: Record<Verdict, number> = {
  FAIL: 6,
  'NON-STRICT': 5,
  INDETERMINATE: 4,
  UNSUPPORTED: 3,
  PASS: 2,
  INFORMATIONAL: 1,
};

export function worstVerdict(verdicts: readonly Verdict[]): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const v of verdicts) if (!worst || SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}

/** Every `*.yaml` case under `dir`, sorted by path (a stable suite order). */
export function findCaseFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function loadSuite(dir: string): CaseDefinition[] {
  const cases = findCaseFiles(dir).map((f) => loadCaseFile(f));
  const seen = new Map<string, string>();
  for (const c of cases) {
    const other = seen.get(c.id);
    if (other)
      throw new Error(
        `Failed to load the suite: case id "${c.id}" is used by ${relative('.', other)} and ${relative('.', c.source)}`,
      );
    seen.set(c.id, c.source);
  }
  return cases;
}

export function requirementIndex(spec: readonly Requirement[]): Map<string, RequirementInfo> {
  return new Map(spec.map((r) => [r.id, { id: r.id, level: r.level }]));
}

export interface RunCaseAndJudgeOptions {
  pusher: PusherFactory;
  /** Capabilities the pusher declares (UNSUPPORTED for a case needing another). */
  capabilities: readonly Capability[];
  seed: number;
  profile?: string;
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks?: readonly Check[];
  validate?: boolean;
}

/** Run and judge one case. The run itself is returned too (trace, capture) for artifacts. */
export async function runAndJudge(
  def: CaseDefinition,
  options: RunCaseAndJudgeOptions,
): Promise<{ result: CaseResult; run?: CaseRun }> {
  const profileName = def.profile ?? options.profile ?? 'seed';
  const missing = def.needs.filter((n) => !options.capabilities.includes(n as Capability));
  const base = {
    caseId: def.id,
    title: def.title,
    source: def.source,
    seed: options.seed,
    profile: profileName,
  };
  if (missing.length > 0) {
    const unsupported = `the pusher does not declare ${missing.join(', ')}`;
    const verdicts = judgeCase([], {
      targeted: def.requirements,
      requirements: options.requirements,
      checks: [],
      unsupported,
    });
    return { result: { ...base, digest: '', verdicts, harnessErrors: [], unsupported } };
  }
  const run = await runCase(def, {
    pusher: options.pusher,
    seed: options.seed,
    profile: profileByName(profileName),
    validate: options.validate,
  });
  const verdicts = judgeCase(run.records, {
    targeted: def.requirements,
    requirements: options.requirements,
    checks: options.checks ?? ALL_CHECKS,
  });
  return { result: { ...base, digest: run.digest, verdicts, harnessErrors: run.harnessErrors }, run };
}

export { loadSpec };
