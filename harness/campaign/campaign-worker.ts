/**
 * A campaign worker process (forked by `runCampaignWorkers`): runs one shard of a campaign and reports
 * over the IPC channel: `start`/`shrink`/`end` per run, then `result`. A `stop` message (or SIGINT) stops
 * it before its next run. One simulation at a time per process: node-media-server is a per-process
 * singleton.
 */
import { type CampaignRequest, resolveRequest } from './campaign-request.js';
import { runCampaign } from './run-campaign.js';
import type { WorkerMessage } from './run-campaign-workers.js';

const send = (m: WorkerMessage) => process.send?.(m);
/** Send and wait until the message left: disconnecting earlier can drop a large result. */
const sendAndFlush = (m: WorkerMessage) =>
  new Promise<void>((resolve) =>
    process.send ? process.send(m, undefined, {}, () => resolve()) : resolve(),
  );
let stop: false | 'interrupt' | 'failure' = false;
process.on('message', (m: { type?: string; reason?: 'interrupt' | 'failure' }) => {
  if (m?.type === 'stop') stop = m.reason ?? 'interrupt';
});
process.on('SIGINT', () => {
  stop = 'interrupt';
});
try {
  const request = JSON.parse(process.argv[2] ?? '') as CampaignRequest;
  const result = await runCampaign(await resolveRequest(request), {
    onRunStart: (info) => send({ type: 'start', ...info }),
    onShrink: (info) => send({ type: 'shrink', ...info }),
    onRunEnd: (outcome, info) => send({ type: 'end', outcome: { ...outcome, verdicts: [] }, ...info }),
    shouldStop: () => stop,
  });
  await sendAndFlush({ type: 'result', result });
} catch (e) {
  await sendAndFlush({
    type: 'error',
    message: (e as Error)?.message ?? String(e),
    code: (e as { code?: string })?.code,
  });
}
process.disconnect?.();
