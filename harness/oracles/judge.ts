import type { TraceRecord } from '../sim/trace.js';
import type { Check, CheckResult, Level, Outcome, Verdict } from './types.js';

export interface RequirementInfo {
  id: string;
  level: Level;
}

export interface JudgeOptions {
  /** Requirements the case targets: each gets a verdict, INDETERMINATE when not exercised. */
  targeted: readonly string[];
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks: readonly Check[];
  /** The pusher lacks a capability the case needs: every targeted requirement is UNSUPPORTED. */
  unsupported?: string;
}

/** MUST → FAIL, SHOULD → NON-STRICT, INFORMATIONAL → INFORMATIONAL (the spec's keyword decides severity). */
export function verdictFor(level: Level, outcome: Outcome['status']): Verdict {
  switch (outcome) {
    case 'pass':
      return level === 'INFORMATIONAL' ? 'INFORMATIONAL' : 'PASS';
    case 'fail':
      return level === 'MUST' ? 'FAIL' : level === 'SHOULD' ? 'NON-STRICT' : 'INFORMATIONAL';
    default:
      return 'INDETERMINATE';
  }
}

/**
 * Judge one case's trace: every targeted requirement gets a verdict; checks marked `always` also report
 * where the trace exercises them. A check that throws is INDETERMINATE with the error (an oracle bug is
 * never a pusher failure).
 */
export function judgeCase(trace: readonly TraceRecord[], options: JudgeOptions): CheckResult[] {
  const results: CheckResult[] = [];
  const byRequirement = new Map<string, Check>();
  for (const c of options.checks) byRequirement.set(c.requirement, c);
  const targeted = new Set(options.targeted);
  const ids = [
    ...new Set([...options.targeted, ...options.checks.filter((c) => c.always).map((c) => c.requirement)]),
  ].sort();
  for (const id of ids) {
    const info = options.requirements.get(id);
    const level: Level = info?.level ?? 'MUST';
    const isTargeted = targeted.has(id);
    if (!info) {
      if (isTargeted)
        results.push({
          requirement: id,
          level,
          verdict: 'INDETERMINATE',
          summary: `no requirement ${id} in docs/spec.md`,
        });
      continue;
    }
    if (options.unsupported) {
      if (isTargeted)
        results.push({ requirement: id, level, verdict: 'UNSUPPORTED', summary: options.unsupported });
      continue;
    }
    const check = byRequirement.get(id);
    if (!check) {
      if (isTargeted)
        results.push({
          requirement: id,
          level,
          verdict: 'INDETERMINATE',
          summary: `no oracle implements ${id}`,
        });
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = check.evaluate(trace);
    } catch (e) {
      outcome = { status: 'indeterminate', summary: `the oracle for ${id} failed: ${(e as Error).message}` };
    }
    if (!isTargeted && (outcome.status === 'not-applicable' || outcome.status === 'indeterminate')) continue;
    const { status, ...rest } = outcome;
    results.push({ requirement: id, level, verdict: verdictFor(level, status), ...rest });
  }
  return results;
}
