import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CampaignOptionError, type CampaignPusher, resolveCampaignOptions } from './campaign-options.js';
import type { CampaignRequest } from './campaign-request.js';
import { type CampaignResult, mergeCampaignResults } from './campaign-result.js';
import type { CampaignHooks, RunOutcome } from './run-campaign.js';

/** What a worker says over IPC. */
export type WorkerMessage =
  | { type: 'start'; run: number; position: number; total: number }
  | { type: 'shrink'; run: number; evaluations: number; steps: number }
  | { type: 'end'; outcome: RunOutcome; position: number; total: number }
  | { type: 'result'; result: CampaignResult }
  | { type: 'error'; message: string; code?: string };

const WORKER = fileURLToPath(new URL('./campaign-worker.ts', import.meta.url));

/**
 * Run a campaign (or one shard of it) in `workers` processes, one simulation each: worker k of W runs
 * shard `i + n*k` of `n*W` (together exactly the indices of shard i/n), and the results merge into the
 * result one process would have given. Runs are pure functions of their index, so the result is the same
 * for any W, except which runs execute under a budget or with stop-on-first.
 */
export async function runCampaignWorkers(
  request: CampaignRequest,
  workers: number,
  hooks: Pick<CampaignHooks, 'onRunStart' | 'onShrink' | 'onRunEnd' | 'shouldStop'> = {},
): Promise<CampaignResult> {
  if (!Number.isSafeInteger(workers) || workers < 1)
    throw new CampaignOptionError(
      `Failed to configure the campaign: workers ${workers} (expected an integer >= 1)`,
    );
  const shard = request.shard ?? { index: 1, count: 1 };
  // Validate once here, with the pusher left out (workers load it themselves).
  const { baseline, pusher, ...settings } = request;
  resolveCampaignOptions({
    ...settings,
    pusher: { spec: pusher } as CampaignPusher,
    baseline: baseline ? ({ spec: baseline } as CampaignPusher) : undefined,
  });
  const totals = new Array<number>(workers).fill(0);
  const starts = new Array<number>(workers).fill(0);
  let ended = 0;
  const total = () => totals.reduce((a, b) => a + b, 0);
  const children = Array.from({ length: workers }, (_, k) =>
    fork(
      WORKER,
      [
        JSON.stringify({
          ...request,
          shard: { index: shard.index + shard.count * k, count: shard.count * workers },
        }),
      ],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    ),
  );
  const stopAll = (reason: 'interrupt' | 'failure') => {
    for (const c of children) if (c.connected) c.send({ type: 'stop', reason });
  };
  const poll = hooks.shouldStop
    ? setInterval(() => hooks.shouldStop?.() && stopAll('interrupt'), 200) // determinism-ok: polls for Ctrl-C only
    : undefined;
  try {
    const results = await Promise.all(
      children.map(
        (child, k) =>
          new Promise<CampaignResult>((resolve, reject) => {
            let result: CampaignResult | undefined;
            child.on('message', (m: WorkerMessage) => {
              if (m.type === 'start') {
                totals[k] = m.total;
                starts[k]++;
                hooks.onRunStart?.({ run: m.run, position: ended, total: total() });
              } else if (m.type === 'shrink') hooks.onShrink?.(m);
              else if (m.type === 'end') {
                ended++;
                hooks.onRunEnd?.(m.outcome, { position: ended, total: total() });
                if (m.outcome.failure && request.stopOnFirst) stopAll('failure');
              } else if (m.type === 'result') result = m.result;
              else if (m.type === 'error')
                reject(new CampaignOptionError(`Failed to run campaign worker ${k + 1}: ${m.message}`));
            });
            // 'close' comes after the IPC channel and stdio are done: every message has been handled.
            child.on('close', (code) => {
              if (result) resolve(result);
              else
                reject(
                  new CampaignOptionError(
                    `Failed to run campaign worker ${k + 1}: it exited (code ${code}) without a result`,
                  ),
                );
            });
          }),
      ),
    );
    const merged = mergeCampaignResults(results);
    return { ...merged, shards: [`${shard.index}/${shard.count}`] };
  } finally {
    if (poll) clearInterval(poll);
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}
