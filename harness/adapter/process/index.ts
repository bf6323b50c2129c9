/**
 * The process adapter: pushers in other processes (any language) speaking the process protocol
 * (docs/adapter-protocol.md) over stdin/stdout. For the live runner (harness/live).
 */
export {
  checkProtocolConformance,
  type ProtocolCheckId,
  type ProtocolCheckResult,
  type ProtocolConformanceOptions,
} from './check-protocol-conformance.js';
export {
  createProcessPusherFactory,
  isProcessPusherFactory,
  type ProcessProbe,
  type ProcessPusherFactory,
  resolveProcessPusherOptions,
} from './create-process-pusher-factory.js';
export type { ProcessExit, ReadyInfo, RecordSink } from './internal/pusher-process.js';
export { type ProcessCaseContext, ProcessPusher } from './process-pusher.js';
export { ProcessPusherError, type ProcessPusherErrorCode } from './process-pusher-error.js';
export {
  DEFAULT_PROCESS_TIMEOUTS,
  type ProcessPusherOptions,
  type ProcessTimeouts,
  type ResolvedProcessPusherOptions,
} from './process-pusher-options.js';
export * from './protocol.js';
