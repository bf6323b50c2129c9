import type { CampaignFailure, CampaignResult } from './campaign-result.js';
import type { ReplayResult } from './run-campaign.js';

const indent = (text: string, by = '  ') => text.replace(/^(?=.)/gm, by);

/**
 * A failure as a block that explains itself (STYLE.md, "Failures that explain themselves"): the
 * requirement and its verdict, how far it shrank, the shrunk case in the case format, and the one
 * command that replays it.
 */
export function formatFailure(f: CampaignFailure): string {
  const others = f.verdicts.filter((v) => v.requirement !== f.requirement);
  return [
    `${f.verdict} ${f.requirement} (${f.level}) in run ${f.run}: ${f.summary}`,
    `  shrunk from ${f.originalSteps} to ${f.steps} steps (${f.shrinks} smaller failing cases on the way)` +
      (f.originalRequirements.length > 1
        ? `; the run as generated failed ${f.originalRequirements.join(', ')}`
        : ''),
    ...(others.length
      ? [`  the shrunk case also fails: ${others.map((v) => `${v.verdict} ${v.requirement}`).join(', ')}`]
      : []),
    ...(f.schedule.length ? [`  schedule: ${f.schedule.join('; ')}`] : []),
    '  --- shrunk case (the case format; save under scenarios/suite/regression/) ---',
    indent(f.caseYaml.trimEnd(), '  | '),
    '  --- replay it exactly ---',
    `  ${f.replay}`,
  ].join('\n');
}

/** One summary line per result (printed after the failures). */
export function formatSummary(r: CampaignResult, wallMs?: number): string {
  const v = r.verdicts;
  const runs = `${r.executed} of ${r.runs} runs${r.shards.length === 1 && r.shards[0] === '1/1' ? '' : ` (shards ${r.shards.join(', ')})`}`;
  const truncated = r.truncated ? `; TRUNCATED by ${r.truncatedBy.join(', ')}` : '';
  const wall = wallMs === undefined ? '' : ` in ${(wallMs / 1000).toFixed(1)} s wall`;
  return (
    `campaign seed ${r.seed} against ${r.pusher.name} (${r.pusher.spec}): ${runs}${wall}${truncated}; ` +
    `${r.failures.length} failing run(s)${r.failures.length ? ` [${[...new Set(r.failures.map((f) => f.requirement))].join(', ')}]` : ''}; ` +
    `verdicts PASS ${v.PASS}, FAIL ${v.FAIL}, NON-STRICT ${v['NON-STRICT']}, INDETERMINATE ${v.INDETERMINATE}, ` +
    `INFORMATIONAL ${v.INFORMATIONAL}; harness errors ${r.harnessErrors.length}; digest ${r.digest.slice(0, 16)}`
  );
}

/** A replay: the case, whether it failed, and each failing verdict. */
export function formatReplay(r: ReplayResult): string {
  return [
    r.reproduced
      ? `REPRODUCED: run ${r.run}, path ${r.path}: ${r.failing.map((v) => `${v.verdict} ${v.requirement}`).join(', ')}`
      : `NOT REPRODUCED: run ${r.run}, path ${r.path}: no failing verdict`,
    ...r.failing.map((v) => `  ${v.verdict} ${v.requirement} (${v.level}): ${v.summary}`),
    ...(r.schedule.length ? [`  schedule: ${r.schedule.join('; ')}`] : []),
    `  steps ${r.steps}, trace digest ${r.digest.slice(0, 16)}${r.harnessErrors.length ? `, harness errors: ${r.harnessErrors.join('; ')}` : ''}`,
    '  --- case ---',
    indent(r.caseYaml.trimEnd(), '  | '),
  ].join('\n');
}
