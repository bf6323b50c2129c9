/**
 * Live mode (docs/live-mode.md): cases on real time and real TCP, against node-media-server in a child
 * process, through the shaping proxy, judged by the same oracles. The entry points the CLI calls are
 * `runLiveSuite` and `runLiveAndJudge`; `runLiveCase` runs without judging.
 */
export { DEVICE_EVIDENCE, type JudgeLiveRunOptions, judgeLiveRun, pusherFaults } from './judge-live-run.js';
export { LiveClock } from './live-clock.js';
export { LiveMediaServer, type LiveMediaServerOptions } from './live-media-server.js';
export { LiveStreamObserver, type LiveStreamObserverOptions } from './live-stream-observer.js';
export { type LiveSupport, liveSupport } from './live-support.js';
export {
  createMappedResolver,
  createRealTimeEnvironment,
  type RealTimeEnvironment,
  type RealTimeEnvironmentOptions,
  realTransport,
} from './real-time-environment.js';
export { RealTimeScheduler, type RealTimeSchedulerOptions } from './real-time-scheduler.js';
export { type LiveCaseRun, mapServerHost, type RunLiveCaseOptions, runLiveCase } from './run-live-case.js';
export {
  type LiveCaseResult,
  type LiveSuiteResult,
  type RunLiveAndJudgeOptions,
  type RunLiveSuiteOptions,
  runLiveAndJudge,
  runLiveSuite,
} from './run-live-suite.js';
export { WireTapRelay, type WireTapRelayOptions } from './wire-tap-relay.js';
