import { loadPusher } from '../cli/load-pusher.js';
import type { CampaignOptions } from './campaign-options.js';

/** Campaign options as plain data (the pusher by its spec): what a worker process receives. */
export interface CampaignRequest extends Omit<CampaignOptions, 'pusher' | 'baseline'> {
  /** `reference` or a module path (harness/cli/load-pusher.ts). */
  pusher: string;
  /** The differential baseline, the same way. */
  baseline?: string;
}

/** Load the request's pushers and return runnable options. */
export async function resolveRequest(request: CampaignRequest): Promise<CampaignOptions> {
  const { baseline, ...rest } = request;
  const loaded = await loadPusher(request.pusher);
  return {
    ...rest,
    pusher: { spec: request.pusher, ...loaded },
    ...(baseline ? { baseline: { spec: baseline, ...(await loadPusher(baseline)) } } : {}),
  };
}
