/**
 * `createProcessPusherFactory`: a PusherFactory for a pusher in another process that speaks the process
 * protocol (docs/adapter-protocol.md). For the live runner only (real time, real sockets).
 */
import { basename } from 'node:path';
import type { TraceValue } from '../../sim/trace.js';
import type {
  Capability,
  PusherAttributes,
  PusherClock,
  PusherEnvironment,
  PusherFactory,
  PusherIdentity,
} from '../types.js';
import { PusherProcess } from './internal/pusher-process.js';
import { type ProcessCaseContext, ProcessPusher } from './process-pusher.js';
import { ProcessPusherError } from './process-pusher-error.js';
import {
  DEFAULT_PROCESS_TIMEOUTS,
  type ProcessPusherOptions,
  type ProcessTimeouts,
  type ResolvedProcessPusherOptions,
} from './process-pusher-options.js';
import { PROCESS_CAPABILITIES } from './protocol.js';

/** What one throw-away start of the process told us (`probe`). */
export interface ProcessProbe {
  /** It answered `ready`. */
  ok: boolean;
  identity: PusherIdentity;
  capabilities: Capability[];
  /** It exited with 127: it cannot run here at all (every case UNSUPPORTED). */
  unsupported?: string;
  /** Why it did not become ready (crash, timeout), with the evidence records. */
  failure?: string;
  records: { kind: string; data: { [key: string]: TraceValue } }[];
}

export interface ProcessPusherFactory extends PusherFactory {
  readonly kind: 'process';
  readonly options: ResolvedProcessPusherOptions;
  /** Start the process once, read its `ready`, end it. */
  probe(clock: PusherClock): Promise<ProcessProbe>;
  /**
   * Start the next case's process now and wait for its `ready` (so the case's clock starts with a pusher
   * that is already up). The next `create` uses it.
   */
  prepare(clock: PusherClock): Promise<void>;
  create(
    attributes: Partial<PusherAttributes>,
    env: PusherEnvironment,
    context?: ProcessCaseContext,
  ): ProcessPusher;
  /** End a prepared process that no case used. */
  close(): Promise<void>;
}

/** Resolve partial options once (defaults in docs/adapter-protocol.md). Throws INVALID_OPTIONS. */
export function resolveProcessPusherOptions(options: ProcessPusherOptions): ResolvedProcessPusherOptions {
  if (typeof options?.command !== 'string' || options.command === '')
    throw new ProcessPusherError('INVALID_OPTIONS', 'Failed to create a process pusher: command is empty', {
      command: options?.command,
    });
  const timeouts: ProcessTimeouts = { ...DEFAULT_PROCESS_TIMEOUTS };
  for (const [k, v] of Object.entries(options.timeouts ?? {})) {
    if (!(k in timeouts) || typeof v !== 'number' || !(v > 0))
      throw new ProcessPusherError(
        'INVALID_OPTIONS',
        `Failed to create a process pusher: timeouts.${k} is ${JSON.stringify(v)} (expected a known timeout > 0 ms)`,
        { key: k, value: v },
      );
    timeouts[k as keyof ProcessTimeouts] = v;
  }
  const args = [...(options.args ?? [])];
  const script = args.find((a) => !a.startsWith('-'));
  return {
    command: options.command,
    args,
    cwd: options.cwd,
    env: { ...(options.env ?? {}) },
    name:
      options.name ?? [basename(options.command), script ? basename(script) : ''].filter(Boolean).join(' '),
    capabilitiesAsked: [...(options.capabilitiesAsked ?? PROCESS_CAPABILITIES)],
    timeouts,
  };
}

export function createProcessPusherFactory(options: ProcessPusherOptions): ProcessPusherFactory {
  const resolved = resolveProcessPusherOptions(options);
  let spare: PusherProcess | undefined;
  let known: { identity: PusherIdentity; capabilities: readonly Capability[] } = {
    identity: { name: resolved.name, version: '?' },
    capabilities: [],
  };
  const factory: ProcessPusherFactory = {
    kind: 'process',
    name: resolved.name,
    options: resolved,
    async probe(clock) {
      const records: ProcessProbe['records'] = [];
      const p = new PusherProcess(resolved, clock);
      p.attach((kind, data) => records.push({ kind, data }));
      const ready = await p.ready;
      await p.end();
      if (ready) known = { identity: ready.identity, capabilities: ready.capabilities };
      const unsupported = records.find((r) => r.kind === 'pusher.unsupported');
      const fault = records.find((r) => r.kind === 'pusher.crash' || r.kind === 'pusher.protocolError');
      return {
        ok: ready !== undefined,
        identity: ready?.identity ?? known.identity,
        capabilities: ready?.capabilities ?? [],
        unsupported: unsupported ? String(unsupported.data.message ?? 'exit 127') : undefined,
        failure: ready ? undefined : String(fault?.data.message ?? fault?.data.detail ?? 'no ready'),
        records,
      };
    },
    async prepare(clock) {
      if (spare?.alive) return;
      spare = new PusherProcess(resolved, clock);
      const ready = await spare.ready;
      if (ready) known = { identity: ready.identity, capabilities: ready.capabilities };
    },
    create(attributes, env, context = {}) {
      const p = spare?.alive ? spare : new PusherProcess(resolved, env.clock);
      spare = undefined;
      return new ProcessPusher(p, attributes, env, context, known);
    },
    async close() {
      const s = spare;
      spare = undefined;
      if (s) await s.end();
    },
  };
  return factory;
}

/** Whether a factory is a process pusher factory (the live runner prepares and listens to these). */
export function isProcessPusherFactory(f: PusherFactory): f is ProcessPusherFactory {
  return (f as Partial<ProcessPusherFactory>).kind === 'process';
}
