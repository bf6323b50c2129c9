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
export { ShapedChannel, type ShapedChannelOptions, type SlicerSettings } from './shaped-channel.js';
export { type LatencyWindow, type LinkSender, ShapedLink, type ShapedLinkOptions } from './shaped-link.js';
