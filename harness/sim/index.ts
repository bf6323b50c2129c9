/**
 * The simulation kernel: virtual clock and scheduler, seeded randomness, in-memory sockets, the bridge that
 * puts third-party globals on virtual time, and the trace. Depends on nothing else of ours.
 */
export { type Channel, type ChannelSink, DirectChannel, type DirectChannelOptions } from './channel.js';
export {
  DEFAULT_EPOCH_MS,
  FAKED_GLOBALS,
  GlobalClockBridge,
  type GlobalClockBridgeOptions,
} from './global-clock-bridge.js';
export { createRng, type Rng } from './prng.js';
export {
  type ExternalTimerSource,
  MICROS_PER_MS,
  MICROS_PER_SECOND,
  type Micros,
  type ScheduledEvent,
  Scheduler,
  type SchedulerOptions,
} from './scheduler.js';
export { assertMicros, SimError, type SimErrorCode } from './sim-error.js';
export { SimSocket, type SimSocketOptions, type SocketEndpoint } from './sim-socket.js';
export { Simulation, type SimulationOptions } from './simulation.js';
export { type SocketErrnoError, type SocketErrorCode, socketError } from './socket-error.js';
export { createSocketPair, type SocketPair, type SocketPairOptions } from './socket-pair.js';
export {
  canonicalJson,
  digestTrace,
  parseTrace,
  serializeRecord,
  serializeTrace,
  type TraceRecord,
  TraceRecorder,
  type TraceValue,
} from './trace.js';
