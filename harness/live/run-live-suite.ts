/**
 * Live mode for a suite (docs/live-mode.md): `runLiveAndJudge` runs and judges one case, `runLiveSuite` a
 * list of cases against one pusher, sharing one live media server. Cases that cannot run live, or need a
 * capability the pusher does not declare, are UNSUPPORTED with the reason; nothing a pusher does makes
 * these functions throw. What the CLI calls (it owns the printing and the report files).
 */
import { isProcessPusherFactory, type ProcessProbe } from '../adapter/process/index.js';
import type { Capability, PusherFactory, PusherIdentity } from '../adapter/types.js';
import { ALL_CHECKS, type Check, judgeCase, type RequirementInfo } from '../oracles/index.js';
import type { CaseDefinition } from '../runner/case-schema.js';
import { profileByName } from '../runner/profiles.js';
import { type CaseResult, loadSpec, requirementIndex } from '../runner/run-suite.js';
import { judgeLiveRun, pusherFaults } from './judge-live-run.js';
import { LiveClock } from './live-clock.js';
import { LiveMediaServer } from './live-media-server.js';
import { liveSupport } from './live-support.js';
import { type LiveCaseRun, runLiveCase } from './run-live-case.js';

/** A case's live outcome: a CaseResult (as the simulation's) plus what live mode adds. */
export interface LiveCaseResult extends CaseResult {
  mode: 'live';
  /** How many crash/protocol-error records the pusher left (evidence in the trace). */
  pusherFaults: number;
  /** The harness's event-loop delay during the case (max), ms; absent when the case did not run. */
  eventLoopDelayMaxMs?: number;
  /** Trace records of the run (0 when it did not run). */
  traceRecords: number;
  /** Real time the trace covers, ms (its last record's time; 0 when it did not run). */
  coveredMs: number;
}

export interface RunLiveAndJudgeOptions {
  pusher: PusherFactory;
  capabilities: readonly Capability[];
  server: LiveMediaServer;
  seed: number;
  profile?: string;
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks?: readonly Check[];
  validate?: boolean;
  proxyQuantumMs?: number;
  jitterBudgetMs?: number;
}

export async function runLiveAndJudge(
  def: CaseDefinition,
  options: RunLiveAndJudgeOptions,
): Promise<{ result: LiveCaseResult; run?: LiveCaseRun }> {
  const profileName = def.profile ?? options.profile ?? 'seed';
  const base = {
    caseId: def.id,
    title: def.title,
    source: def.source,
    seed: options.seed,
    profile: profileName,
    mode: 'live' as const,
  };
  const unsupported = (reason: string) => ({
    result: {
      ...base,
      digest: '',
      verdicts: judgeCase([], {
        targeted: def.requirements,
        requirements: options.requirements,
        checks: [],
        unsupported: reason,
      }),
      harnessErrors: [],
      unsupported: reason,
      pusherFaults: 0,
      traceRecords: 0,
      coveredMs: 0,
    },
  });
  const support = liveSupport(def);
  if (!support.ok) return unsupported(support.reason);
  const missing = def.needs.filter((n) => !options.capabilities.includes(n as Capability));
  if (missing.length > 0) return unsupported(`the pusher does not declare ${missing.join(', ')}`);
  const run = await runLiveCase(def, {
    pusher: options.pusher,
    server: options.server,
    seed: options.seed,
    profile: profileByName(profileName),
    validate: options.validate,
    proxyQuantumMs: options.proxyQuantumMs,
    jitterBudgetMs: options.jitterBudgetMs,
  });
  const verdicts = judgeLiveRun(run.records, {
    targeted: def.requirements,
    requirements: options.requirements,
    checks: options.checks ?? ALL_CHECKS,
  });
  const stillUnsupported = run.records.find((r) => r.kind === 'pusher.unsupported');
  return {
    result: {
      ...base,
      digest: run.digest,
      verdicts,
      harnessErrors: run.harnessErrors,
      ...(stillUnsupported ? { unsupported: String(stillUnsupported.data.message ?? 'exit 127') } : {}),
      pusherFaults: pusherFaults(run.records).length,
      eventLoopDelayMaxMs: run.live.eventLoopDelayMaxMs,
      traceRecords: run.records.length,
      coveredMs: Math.round((run.records[run.records.length - 1]?.t ?? 0) / 1000),
    },
    run,
  };
}

export interface RunLiveSuiteOptions {
  pusher: PusherFactory;
  cases: readonly CaseDefinition[];
  /** Default 1. */
  seed?: number;
  /** Default 'seed'. */
  profile?: string;
  /** Default: docs/spec.md. */
  requirements?: ReadonlyMap<string, RequirementInfo>;
  checks?: readonly Check[];
  /** Declared capabilities. Default: a process pusher is probed; an in-process pusher declares none. */
  capabilities?: readonly Capability[];
  /** A server to share; default: one started here and closed at the end. */
  server?: LiveMediaServer;
  validate?: boolean;
  proxyQuantumMs?: number;
  jitterBudgetMs?: number;
  /** Called after each case (progress output, artefacts). */
  onCase?: (result: LiveCaseResult, run: LiveCaseRun | undefined) => void;
  /** Stop before the next case when it returns true (Ctrl-C). */
  interrupted?: () => boolean;
}

export interface LiveSuiteResult {
  identity: PusherIdentity;
  capabilities: readonly Capability[];
  /** The process pusher's probe (identity, capabilities, or why it did not start). */
  probe?: ProcessProbe;
  results: LiveCaseResult[];
  /** True when interrupted before the last case. */
  partial: boolean;
  serverVersion: string;
}

export async function runLiveSuite(options: RunLiveSuiteOptions): Promise<LiveSuiteResult> {
  const requirements = options.requirements ?? requirementIndex(loadSpec());
  const seed = options.seed ?? 1;
  const factory = options.pusher;
  let probe: ProcessProbe | undefined;
  let identity: PusherIdentity = { name: factory.name, version: '?' };
  let capabilities: readonly Capability[] = options.capabilities ?? [];
  if (isProcessPusherFactory(factory)) {
    probe = await factory.probe(new LiveClock().pusherClock());
    identity = probe.identity;
    capabilities = options.capabilities ?? probe.capabilities;
  }
  const server = options.server ?? new LiveMediaServer();
  const results: LiveCaseResult[] = [];
  let partial = false;
  try {
    for (const def of options.cases) {
      if (options.interrupted?.()) {
        partial = true;
        break;
      }
      if (probe?.unsupported) {
        const reason = `the pusher process exited with 127 (unsupported here): ${probe.unsupported}`;
        const r: LiveCaseResult = {
          caseId: def.id,
          title: def.title,
          source: def.source,
          seed,
          profile: def.profile ?? options.profile ?? 'seed',
          digest: '',
          verdicts: judgeCase([], {
            targeted: def.requirements,
            requirements,
            checks: [],
            unsupported: reason,
          }),
          harnessErrors: [],
          unsupported: reason,
          mode: 'live',
          pusherFaults: 0,
          traceRecords: 0,
          coveredMs: 0,
        };
        results.push(r);
        options.onCase?.(r, undefined);
        continue;
      }
      const { result, run } = await runLiveAndJudge(def, {
        pusher: factory,
        capabilities,
        server,
        seed,
        profile: options.profile,
        requirements,
        checks: options.checks,
        validate: options.validate,
        proxyQuantumMs: options.proxyQuantumMs,
        jitterBudgetMs: options.jitterBudgetMs,
      });
      if (run && isProcessPusherFactory(factory)) {
        const ready = run.records.find((r) => r.kind === 'pusher.process' && r.data.event === 'ready');
        if (ready && typeof ready.data.name === 'string') identity = { ...identity, name: ready.data.name };
      }
      results.push(result);
      options.onCase?.(result, run);
    }
  } finally {
    if (isProcessPusherFactory(factory)) await factory.close();
    if (!options.server) await server.close();
  }
  return { identity, capabilities, probe, results, partial, serverVersion: server.version };
}
