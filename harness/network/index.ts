/**
 * The network area: scripted links (capacity, delay, jitter, queue, outages), connection, DNS and HTTP
 * faults, the script format and its profiles, the shaper log helpers. See docs/network.md.
 */
export {
  CapacityCurve,
  type CapacityOverride,
  type CapacitySegment,
  type CapacitySpec,
} from './capacity-curve.js';
export {
  checkTrace,
  formatMahimahi,
  generateMahimahi,
  MAHIMAHI_PACKET_BYTES,
  type MahimahiTrace,
  parseMahimahi,
  type RandomWalkOptions,
  type RateStep,
  randomWalkSteps,
  traceMeanKbps,
} from './mahimahi.js';
export { NetworkError, type NetworkErrorCode } from './network-error.js';
export { networkProfile, PROFILE_NAMES, type ProfileName } from './profiles.js';
export {
  DEFAULT_CONNECT_TIMEOUT_US,
  DEFAULT_DNS_TIMEOUT_US,
  type DnsAnswer,
  type HttpAnswer,
  type LinkName,
  loadNetworkScript,
  type ParseScriptOptions,
  parseNetworkScript,
  type ResolvedConnectionFault,
  type ResolvedConnectionToxic,
  type ResolvedHttpRule,
  type ResolvedLink,
  type ResolvedNetwork,
  resolveNetworkScript,
  type ScriptIssue,
} from './script.js';
export {
  type BodyScript,
  type ConnectionFaultScript,
  type DnsAnswerScript,
  type HttpResponseScript,
  type HttpRuleScript,
  type LinkScript,
  type NetworkScript,
  NetworkScriptSchema,
  type ToxicScript,
} from './script-schema.js';
export { ShapedChannel, type ShapedChannelOptions, type SlicerSettings } from './shaped-channel.js';
export { type LatencyWindow, type LinkSender, ShapedLink, type ShapedLinkOptions } from './shaped-link.js';
