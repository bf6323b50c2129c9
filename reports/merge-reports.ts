import { canonicalJson, type TraceValue } from '../harness/sim/trace.js';
import { ReportError } from './report-error.js';
import { buildReport, type ComplianceReport, type ReportCase } from './report-model.js';

export interface MergeInput {
  /** Where the report came from (for messages). */
  path: string;
  report: ComplianceReport;
}

export interface MergeResult {
  report: ComplianceReport;
  /** Non-fatal observations (missing shards, dropped baselines), one line each. */
  warnings: string[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a as TraceValue) === canonicalJson(b as TraceValue);

/** Suite order: by seed, then by source path compared segment by segment (the order `findCaseFiles` walks). */
export function compareCases(a: ReportCase, b: ReportCase): number {
  if (a.seed !== b.seed) return a.seed - b.seed;
  const sa = a.source.split(/[\\/]/);
  const sb = b.source.split(/[\\/]/);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) if (sa[i] !== sb[i]) return sa[i] < sb[i] ? -1 : 1;
  if (sa.length !== sb.length) return sa.length - sb.length;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One report from the shards of a run (`lpc merge`). Shards must come from the same run: same tool, pusher,
 * environment, seed(s), profile, suite, spec and strictness, same shard count, each index once; anything
 * else is refused (ReportError MIXED_SHARDS / BAD_SHARD / DUPLICATE_CASE) naming the two files and the
 * field. Missing shards make the merged report partial. Baselines are not merged: `lpc merge
 * --expected-failures` judges the merged cases again. Merging every shard of a run gives the report of the
 * unsharded run, byte for byte.
 */
export function mergeReports(inputs: readonly MergeInput[]): MergeResult {
  if (inputs.length === 0) throw new ReportError('BAD_SHARD', 'Failed to merge: no report given');
  const first = inputs[0];
  const warnings: string[] = [];
  const compared: [string, (r: ComplianceReport) => unknown][] = [
    ['tool', (r) => r.tool],
    ['pusher', (r) => r.pusher],
    ['run.pusherSpec', (r) => r.run.pusherSpec],
    ['run.seed', (r) => r.run.seed],
    ['run.runs', (r) => r.run.runs],
    ['run.profile', (r) => r.run.profile],
    ['run.suite', (r) => r.run.suite],
    ['run.spec', (r) => r.run.spec],
    ['run.strict', (r) => r.run.strict],
    ['environment', (r) => r.environment],
    ['requirements (spec)', (r) => r.requirements.map((q) => [q.id, q.level, q.title])],
  ];
  for (const other of inputs.slice(1)) {
    for (const [field, get] of compared) {
      if (!same(get(first.report), get(other.report)))
        throw new ReportError(
          'MIXED_SHARDS',
          `Failed to merge ${other.path} with ${first.path}: different ${field} (${JSON.stringify(get(other.report))} vs ${JSON.stringify(get(first.report))}); merge only shards of one run`,
          { field, files: [first.path, other.path] },
        );
    }
  }
  const shards = inputs.map(({ path, report }) => {
    const m = /^(\d+)\/(\d+)$/.exec(report.run.shard ?? '');
    if (!m)
      throw new ReportError(
        'BAD_SHARD',
        `Failed to merge ${path}: it is not a shard (run.shard is ${report.run.shard === undefined ? 'absent' : JSON.stringify(report.run.shard)}; run it with --shard i/n)`,
        { path },
      );
    return { path, index: Number(m[1]), count: Number(m[2]) };
  });
  const count = shards[0].count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    if (s.count !== count)
      throw new ReportError(
        'BAD_SHARD',
        `Failed to merge ${s.path}: shard ${s.index}/${s.count} does not belong with ${shards[0].path} (shard ${shards[0].index}/${count})`,
        { path: s.path },
      );
    const dup = byIndex.get(s.index);
    if (dup)
      throw new ReportError(
        'BAD_SHARD',
        `Failed to merge: ${dup} and ${s.path} are both shard ${s.index}/${count}`,
        {
          files: [dup, s.path],
        },
      );
    byIndex.set(s.index, s.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    warnings.push(
      `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the merged report is partial`,
    );
  const seen = new Map<string, string>();
  const cases: ReportCase[] = [];
  for (const { path, report } of inputs) {
    if (report.baseline)
      warnings.push(`${path}: its baseline outcome is dropped (pass --expected-failures to merge)`);
    for (const c of report.cases) {
      const key = `${c.id}#${c.seed}`;
      const other = seen.get(key);
      if (other)
        throw new ReportError(
          'DUPLICATE_CASE',
          `Failed to merge: case ${c.id} (seed ${c.seed}) is in both ${other} and ${path}`,
          { case: c.id, files: [other, path] },
        );
      seen.set(key, path);
      cases.push(c);
    }
  }
  cases.sort(compareCases);
  const { shard: _shard, ...run } = first.report.run;
  const report = buildReport({
    tool: first.report.tool,
    pusher: first.report.pusher,
    environment: first.report.environment,
    run,
    partial: missing.length > 0 || inputs.some((i) => i.report.partial),
    requirements: first.report.requirements,
    cases,
  });
  return { report, warnings };
}
