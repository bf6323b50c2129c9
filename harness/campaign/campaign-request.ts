import { loadPusher } from '../cli/load-pusher.js';
import type { CampaignOptions } from './campaign-options.js';

/** Campaign options as plain data (the pusher by its spec): what a worker process receives. */
export interface CampaignRequest extends Omit<CampaignOptions, 'pusher'> {
  /** `reference` or a module path (harness/cli/load-pusher.ts). */
  pusher: string;
}

/** Load the request's pusher and return runnable options. */
export async function resolveRequest(request: CampaignRequest): Promise<CampaignOptions> {
  const loaded = await loadPusher(request.pusher);
  return { ...request, pusher: { spec: request.pusher, ...loaded } };
}
