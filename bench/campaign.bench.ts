/**
 * Issue 7's number: generated scenarios of 60 simulated seconds per minute of wall time, full stack
 * (generation, pusher, shaper, node-media-server, observer, wire tap, every oracle), ffprobe off, no
 * shrinking (shrinking is the cost of a failure, not of a scenario). Measured three ways:
 *  1. phases, in this process: generation, simulation (runCase), judging (every check), release/settle;
 *  2. the campaign runner in this process (what `--workers 1` does);
 *  3. the documented 500-run campaign with two worker processes (`--workers 2`), wall time including
 *     their startup.
 * The result lines also say where the time goes (per-scenario ms by phase, trace records, virtual/wall).
 */
import { loadavg } from 'node:os';
import fc from 'fast-check';
import { generatedCaseArbitrary } from '../harness/campaign/case-arbitrary.js';
import { campaignChecks } from '../harness/campaign/evaluate-case.js';
import { runCampaign, runCampaignWorkers } from '../harness/campaign/index.js';
import { releaseServerState, settleBetweenCases } from '../harness/campaign/internal/release-server-state.js';
import { loadPusher } from '../harness/cli/load-pusher.js';
import { judgeCase } from '../harness/oracles/index.js';
import { profileByName } from '../harness/runner/profiles.js';
import { runCase } from '../harness/runner/run-case.js';
import { loadSpec, requirementIndex } from '../harness/runner/run-suite.js';
import { report, wallMs } from './report.js';

const N = Number(process.env.CAMPAIGN_BENCH_RUNS ?? 40);
const DURATION_MS = 60_000;
const SEED = 1;
const TARGET = 1000;
const perMinute = (n: number, ms: number) => Math.round((n * 60_000) / ms);

const pusher = { spec: 'reference', ...(await loadPusher('reference')) };
const spec = loadSpec();
const requirements = requirementIndex(spec);
const checks = campaignChecks();

// 1. Phases.
let t = wallMs();
const cases = fc.sample(
  generatedCaseArbitrary({ durationMs: DURATION_MS, requirementIds: spec.map((r) => r.id) }),
  {
    seed: SEED,
    numRuns: N,
  },
);
const genMs = wallMs() - t;
let simMs = 0;
let judgeMs = 0;
let settleMs = 0;
let records = 0;
let tags = 0;
for (const [i, g] of cases.entries()) {
  const def = { ...g.definition, id: `bench/campaign-${i}` };
  t = wallMs();
  const run = await runCase(def, {
    pusher: pusher.factory,
    seed: SEED,
    profile: profileByName('seed'),
    validate: false,
  });
  simMs += wallMs() - t;
  t = wallMs();
  judgeCase(run.records, { targeted: def.requirements, requirements, checks });
  judgeMs += wallMs() - t;
  t = wallMs();
  await settleBetweenCases();
  releaseServerState();
  settleMs += wallMs() - t;
  records += run.records.length;
  tags += run.timeline.tags.length;
}
const phaseTotal = genMs + simMs + judgeMs + settleMs;
const per = (ms: number) => Math.round((ms / N) * 10) / 10;

// 2. The runner in this process, runs 0..2N-1 (later runs of a fast-check sequence are bigger than the
// first ones). 3. The documented campaign (docs/campaigns.md: 500 runs) in two worker processes, wall time
// including their start; the rate after the first run started is reported beside it.
const RUNS = N * 2;
const WORKER_RUNS = Number(process.env.CAMPAIGN_BENCH_WORKER_RUNS ?? 500);
t = wallMs();
const one = await runCampaign({ pusher, seed: SEED, runs: RUNS, durationMs: DURATION_MS, maxShrinks: 0 });
const oneMs = wallMs() - t;
t = wallMs();
let firstRunAt: number | undefined;
const two = await runCampaignWorkers(
  { pusher: 'reference', seed: SEED, runs: WORKER_RUNS, durationMs: DURATION_MS, maxShrinks: 0 },
  2,
  {
    onRunStart: () => {
      firstRunAt ??= wallMs();
    },
  },
);
const twoMs = wallMs() - t;
const startMs = (firstRunAt ?? t) - t;

report({
  name: 'campaign: generated 60 s scenarios per wall minute, 2 worker processes (full stack, ffprobe off)',
  value: perMinute(two.executed, twoMs),
  unit: 'scenarios/min',
  target: `>= ${TARGET}/min`,
  pass: perMinute(two.executed, twoMs) >= TARGET,
  detail: {
    runs: two.executed,
    wallMs: Math.round(twoMs),
    workerStartMs: Math.round(startMs),
    perMinuteAfterStart: perMinute(two.executed, twoMs - startMs),
    virtualOverWall: Math.round((two.executed * DURATION_MS) / twoMs),
    failingRuns: two.failures.length,
    loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
  },
});
report({
  name: 'campaign: generated 60 s scenarios per wall minute, 1 process (the runner)',
  value: perMinute(one.executed, oneMs),
  unit: 'scenarios/min',
  target: `>= ${TARGET / 2}/min per process`,
  pass: perMinute(one.executed, oneMs) >= TARGET / 2,
  detail: {
    runs: one.executed,
    wallMs: Math.round(oneMs),
    virtualOverWall: Math.round((N * DURATION_MS) / oneMs),
  },
});
report({
  name: 'campaign: where the time of one 60 s scenario goes (ms, one process)',
  value: per(phaseTotal),
  unit: 'ms/scenario',
  target: `<= ${Math.round(60_000 / (TARGET / 2))} ms (the per-process share of the target)`,
  pass: per(phaseTotal) <= 60_000 / (TARGET / 2),
  detail: {
    generateMs: per(genMs),
    simulateMs: per(simMs),
    judgeMs: per(judgeMs),
    settleMs: per(settleMs),
    traceRecords: Math.round(records / N),
    flvTags: Math.round(tags / N),
  },
});
