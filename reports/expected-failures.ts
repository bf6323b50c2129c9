import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Verdict } from '../harness/oracles/types.js';
import { ReportError } from './report-error.js';
import type { BaselineOutcome, BaselineResult, ExpectedFailure, ReportCase } from './report-model.js';

const entrySchema = z
  .strictObject({
    case: z.string().min(1).optional(),
    requirement: z.string().min(1).optional(),
    reason: z.string().optional(),
  })
  .refine((e) => e.case !== undefined || e.requirement !== undefined, {
    message: 'an entry names a case, a requirement, or both',
  });

const fileSchema = z.array(entrySchema);

/**
 * Parse an `--expected-failures` file (YAML or JSON: JSON is YAML): a list of entries, each naming a case
 * (every failure in it is expected), a requirement (expected to fail wherever it is reported), or both (that
 * requirement in that case), with an optional reason. Throws ReportError INVALID_BASELINE naming the
 * file and the field. Format: docs/reports.md "Baselines".
 */
export function parseExpectedFailures(text: string, file: string): ExpectedFailure[] {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new ReportError(
      'INVALID_BASELINE',
      `Failed to read the expected failures ${file}: ${(e as Error).message.split('\n')[0]}`,
      { file },
    );
  }
  const parsed = fileSchema.safeParse(value ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at =
      issue.path.length === 0
        ? 'the top level'
        : `entry ${Number(issue.path[0]) + 1}${issue.path.length > 1 ? ` field "${issue.path.slice(1).join('.')}"` : ''}`;
    throw new ReportError(
      'INVALID_BASELINE',
      `Failed to read the expected failures ${file}: at ${at}: ${issue.message} (expected a list of {case?, requirement?, reason?})`,
      { file, issues: parsed.error.issues },
    );
  }
  return parsed.data.map((e) => ({
    ...(e.case !== undefined ? { case: e.case } : {}),
    ...(e.requirement !== undefined ? { requirement: e.requirement } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
  }));
}

export function loadExpectedFailures(file: string): ExpectedFailure[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(
      'UNREADABLE',
      `Failed to read the expected failures ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      { file },
    );
  }
  return parseExpectedFailures(text, file);
}

/** Entries naming a case or requirement that does not exist (a typo would otherwise never match). */
export function unknownBaselineIds(
  entries: readonly ExpectedFailure[],
  known: { cases?: ReadonlySet<string>; requirements: ReadonlySet<string> },
): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.case !== undefined && known.cases && !known.cases.has(e.case)) out.push(`case ${e.case}`);
    if (e.requirement !== undefined && !known.requirements.has(e.requirement))
      out.push(`requirement ${e.requirement}`);
  }
  return out;
}

const isBad = (v: Verdict) => v === 'FAIL' || v === 'NON-STRICT';

const matches = (e: ExpectedFailure, caseId: string, requirement: string) =>
  (e.case === undefined || e.case === caseId) &&
  (e.requirement === undefined || e.requirement === requirement);

/**
 * Judge a run against a baseline (pure). A result is a failure when FAIL, or NON-STRICT (which fails the
 * run only with `strict`). Listed failures are expected; failures that fail the run and are not listed are
 * unexpected; an entry whose results include a PASS and no failure is stale (the pusher got better: the
 * baseline must be updated, as in the MCP conformance suite). An entry that matches nothing that ran (another
 * shard, a `--case` selection, only UNSUPPORTED/INDETERMINATE results) is neither.
 */
export function applyBaseline(
  entries: readonly ExpectedFailure[],
  cases: readonly ReportCase[],
  options: { file: string; strict: boolean },
): BaselineOutcome {
  const expected: BaselineResult[] = [];
  const unexpected: BaselineResult[] = [];
  const hits = entries.map(() => ({ bad: false, pass: false }));
  for (const c of cases) {
    for (const v of c.verdicts) {
      let listed = false;
      entries.forEach((e, i) => {
        if (!matches(e, c.id, v.requirement)) return;
        if (isBad(v.verdict)) {
          hits[i].bad = true;
          listed = true;
        } else if (v.verdict === 'PASS') hits[i].pass = true;
      });
      const result = { case: c.id, seed: c.seed, requirement: v.requirement, verdict: v.verdict };
      if (!isBad(v.verdict)) continue;
      if (listed) expected.push(result);
      else if (v.verdict === 'FAIL' || options.strict) unexpected.push(result);
    }
  }
  const stale = entries.filter((_, i) => hits[i].pass && !hits[i].bad);
  return { file: options.file, entries: entries.length, expected, unexpected, stale };
}
