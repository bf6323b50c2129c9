/**
 * How to start a pusher process and how long to wait for it (docs/adapter-protocol.md, "Timeouts").
 * Options arrive partial and are resolved once by `resolveProcessPusherOptions`.
 */
import type { Capability } from '../types.js';

export interface ProcessTimeouts {
  /** Spawn → `ready`, ms. Default 20000 (a TypeScript pusher under tsx starts in 1–4 s on a loaded 2-core box). */
  readyMs: number;
  /** An operation, `create` or `setAttributes` → its `result`, ms. Default 10000. */
  operationMs: number;
  /** How often the harness pings a ready pusher, ms. Default 1000. */
  pingIntervalMs: number;
  /** A ping unanswered this long marks the pusher unresponsive, ms. Default 5000. */
  unresponsiveMs: number;
  /** `dispose` → exit before the harness sends SIGTERM to the process group, ms. Default 2000. */
  disposeMs: number;
  /** SIGTERM → SIGKILL, ms. Default 1000. */
  killMs: number;
  /**
   * How long each line from the pusher is held before it is handled, ms. Default 0. The harness sees a
   * pusher's stdout and its sockets on separate channels and records in arrival order, which is the
   * pusher's order when it writes each line unbuffered before acting (docs/adapter-protocol.md, "Framing");
   * a hold can compensate for a pusher that cannot (docs/live-mode.md, "Tolerances").
   */
  lineHoldMs: number;
}

export interface ProcessPusherOptions {
  /** The executable (e.g. `process.execPath`, `python3`, a binary). */
  command: string;
  args?: string[];
  cwd?: string;
  /** Added to the harness's environment. */
  env?: Record<string, string>;
  /** The factory's name in reports. Default: the command's and first argument's base names. */
  name?: string;
  /** Capabilities named in `hello` (informative). Default: every capability a process may declare. */
  capabilitiesAsked?: Capability[];
  timeouts?: Partial<ProcessTimeouts>;
}

export interface ResolvedProcessPusherOptions {
  command: string;
  args: readonly string[];
  cwd: string | undefined;
  env: Readonly<Record<string, string>>;
  name: string;
  capabilitiesAsked: readonly Capability[];
  timeouts: Readonly<ProcessTimeouts>;
}

export const DEFAULT_PROCESS_TIMEOUTS: Readonly<ProcessTimeouts> = {
  readyMs: 20_000,
  operationMs: 10_000,
  pingIntervalMs: 1000,
  unresponsiveMs: 5000,
  disposeMs: 2000,
  killMs: 1000,
  lineHoldMs: 0,
};
