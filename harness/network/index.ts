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
export { DNS_ERROR_CODES, dnsError } from './dns-error.js';
export { DnsScript } from './dns-script.js';
export { HttpDnsResolver, type HttpDnsResolverOptions } from './http-dns-resolver.js';
export { httpError } from './http-error.js';
export { type HttpPlan, HttpScript, servedBody } from './http-script.js';
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
export {
  capacitySeries,
  deliveredSeries,
  linkCurve,
  type SeriesOptions,
  type SeriesPoint,
  stallIntervals,
} from './shaper-log.js';
export { SimClientSocket } from './sim-client-socket.js';
export { type HttpNetwork, SimHttpFetch } from './sim-http.js';
export {
  type ConnectionHandler,
  type SimConnection,
  type SimContext,
  SimNetwork,
  type SimNetworkOptions,
  type SimTransport,
} from './sim-network.js';
export { type ResolverNetwork, SimResolver } from './sim-resolver.js';
export type {
  DnsError,
  DnsErrorCode,
  HttpError,
  HttpErrorCode,
  HttpFetch,
  HttpResponse,
  NetQueueFields,
  NetTraceData,
  NetTraceKind,
  ResolvedAddress,
  Resolver,
} from './types.js';
