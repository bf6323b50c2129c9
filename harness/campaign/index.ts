/**
 * Property-based fault campaigns (docs/campaigns.md): fast-check arbitraries for faults and schedules,
 * a model-based schedule over the pusher's operations, the campaign runner with shrinking, replay,
 * sharding, workers and merging, and the `campaign` command. The public entry point of the area.
 */
export { appSwitchesArbitrary } from './arbitraries/app-switches.js';
export { attributePatchArbitrary } from './arbitraries/attribute-patch.js';
export { CAMPAIGN_URL, initialAttributesArbitrary } from './arbitraries/attributes.js';
export { attemptFaultArbitrary, connectionFaultsArbitrary } from './arbitraries/connection-faults.js';
export { deviceFaultArbitrary, deviceFaultsArbitrary } from './arbitraries/device-faults.js';
export { dnsFailureArbitrary, dnsFaultsArbitrary } from './arbitraries/dns-faults.js';
export { downlinkFor, linkArbitrary } from './arbitraries/link.js';
export { outagesArbitrary } from './arbitraries/outages.js';
export { serverKicksArbitrary } from './arbitraries/server-kicks.js';
export { socketResetsArbitrary } from './arbitraries/socket-resets.js';
export {
  type ActionDocument,
  USER_OPERATIONS,
  userOperationsArbitrary,
} from './arbitraries/user-operations.js';
export { campaignCommand, campaignMain, executeCampaignCommand } from './campaign-command.js';
export {
  CAMPAIGN_DEFAULTS,
  CampaignOptionError,
  type CampaignOptions,
  type CampaignPusher,
  FAULT_KINDS,
  parseShard,
  resolveCampaignOptions,
  type Shard,
  shardRuns,
} from './campaign-options.js';
export { type CampaignRequest, resolveRequest } from './campaign-request.js';
export {
  type CampaignFailure,
  CampaignMergeError,
  type CampaignResult,
  type CampaignRunDigest,
  mergeCampaignResults,
} from './campaign-result.js';
export {
  type CaseArbitraryOptions,
  caseArbitrary,
  type FaultSwitches,
  type GeneratedCase,
  generatedCaseArbitrary,
} from './case-arbitrary.js';
export { type CaseDocument, caseDocumentToYaml, caseSteps } from './case-document.js';
export { campaignChecks, evaluateCase } from './evaluate-case.js';
export { formatFailure, formatReplay, formatSummary } from './format-campaign.js';
export { pushCommandsArbitrary } from './model/push-commands-arbitrary.js';
export { type PushState, predictStart } from './model/push-state-model.js';
export { runSchedule } from './model/run-schedule.js';
export {
  type CampaignHooks,
  type ReplayResult,
  type RunOutcome,
  replayCampaignRun,
  runCampaign,
} from './run-campaign.js';
export { runCampaignWorkers } from './run-campaign-workers.js';
export { targetedRequirements } from './targeted-requirements.js';
