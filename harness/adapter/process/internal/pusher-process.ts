/**
 * One pusher process and the harness's side of the protocol (docs/adapter-protocol.md): spawn in its own
 * process group, frame JSON Lines, hello → ready, ids and results with timeouts, pings, and the evidence of
 * every fault (`pusher.crash`, `pusher.protocolError`, `pusher.unsupported`). Never throws for anything the
 * process does; its lifetime is bounded (dispose → SIGTERM → SIGKILL of the whole group).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { TraceValue } from '../../../sim/trace.js';
import type { Capability, PusherClock, PusherIdentity, TimerHandle } from '../../types.js';
import type { ResolvedProcessPusherOptions } from '../process-pusher-options.js';
import {
  EXIT_UNSUPPORTED,
  MAX_LINE_BYTES,
  PROCESS_CAPABILITIES,
  PROTOCOL_VERSION,
  type ProtocolFault,
  type ResultMessage,
} from '../protocol.js';
import { LineSplitter } from './line-splitter.js';

export type RecordSink = (kind: string, data: { [key: string]: TraceValue }) => void;

export interface ReadyInfo {
  identity: PusherIdentity;
  capabilities: Capability[];
  /** ms from spawn to `ready`. */
  afterMs: number;
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The harness ended it (dispose, kill) rather than the process exiting by itself. */
  expected: boolean;
}

/** Message handlers the owner installs (statechange, netstatus, log, device). */
export type PusherMessageHandler = (message: { [key: string]: unknown }) => void;

const STDERR_TAIL = 4096;
const MAX_FAULT_RECORDS = 20;
const KNOWN_TYPES = new Set([
  'ready',
  'result',
  'statechange',
  'netstatus',
  'log',
  'device',
  'protocolError',
  'fatal',
  'pong',
]);

// Every live process group, killed if the harness itself exits first (no orphaned pushers or encoders).
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function excerptOf(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function plain(v: unknown, depth = 0): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return excerptOf(v, 2000);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (depth > 5) return '…';
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => plain(x, depth + 1));
  if (typeof v === 'object') {
    const out: { [key: string]: TraceValue } = {};
    for (const k of Object.keys(v as object).slice(0, 100))
      out[k] = plain((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return String(v);
}

interface Pending {
  label: string;
  resolve: (r: ResultMessage) => void;
  timer: TimerHandle | undefined;
  sentAt: number;
}

/**
 * The process, framed. Records go to `sink` (buffered until one is attached with `attach`), so a process
 * started before its case (a warm spare) keeps the evidence of its start.
 */
export class PusherProcess {
  readonly options: ResolvedProcessPusherOptions;
  readonly ready: Promise<ReadyInfo | undefined>;
  readonly exited: Promise<ProcessExit>;
  #clock: PusherClock;
  #child: ChildProcess | undefined;
  #splitter = new LineSplitter(MAX_LINE_BYTES);
  #stderr = '';
  #sink: RecordSink | undefined;
  #buffer: { kind: string; data: { [key: string]: TraceValue } }[] = [];
  #handlers = new Map<string, PusherMessageHandler>();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #helloId = 0;
  #disposeId = -1;
  #readyInfo: ReadyInfo | undefined;
  #resolveReady!: (r: ReadyInfo | undefined) => void;
  #resolveExit!: (e: ProcessExit) => void;
  #readyTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #ping: { id: number; sentAt: number } | undefined;
  #unresponsive = false;
  #spawnedAt: number;
  #exit: ProcessExit | undefined;
  #ending = false;
  #fatal: { message: string; stack: string } | undefined;
  #faults = 0;
  #suppressed = 0;
  #killTimers: TimerHandle[] = [];

  constructor(options: ResolvedProcessPusherOptions, clock: PusherClock) {
    this.options = options;
    this.#clock = clock;
    this.#spawnedAt = clock.now();
    this.ready = new Promise((r) => {
      this.#resolveReady = r;
    });
    this.exited = new Promise((r) => {
      this.#resolveExit = r;
    });
    this.#spawn();
  }

  /** Where records go from now on (buffered ones first). */
  attach(sink: RecordSink, clock?: PusherClock): void {
    this.#sink = sink;
    if (clock) this.#clock = clock;
    for (const r of this.#buffer.splice(0)) sink(r.kind, r.data);
  }

  on(type: 'statechange' | 'netstatus' | 'log' | 'device', handler: PusherMessageHandler): void {
    this.#handlers.set(type, handler);
  }

  get readyInfo(): ReadyInfo | undefined {
    return this.#readyInfo;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get alive(): boolean {
    return this.#child !== undefined && this.#exit === undefined;
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  /** Operations sent and not answered yet. */
  get pendingLabels(): string[] {
    return [...this.#pending.values()].map((p) => p.label);
  }

  record(kind: string, data: { [key: string]: TraceValue }): void {
    if (this.#sink) this.#sink(kind, data);
    else this.#buffer.push({ kind, data });
  }

  /**
   * Send a request and resolve with its result. After `timeoutMs` without one, `pusher.protocolError`
   * {reason: 'timeout'} is recorded and the request stays pending (a late result still resolves it);
   * if the process is gone the promise never settles (the crash is the evidence).
   */
  request(message: { type: string; [key: string]: unknown }, label: string): Promise<ResultMessage> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      if (!this.alive || this.#ending) return;
      const pending: Pending = { label, resolve, timer: undefined, sentAt: this.#clock.now() };
      pending.timer = this.#clock.setTimeout(() => {
        pending.timer = undefined;
        this.#fault('timeout', {
          op: label,
          id,
          afterMs: this.options.timeouts.operationMs,
          detail: `no result for ${label} (id ${id}) within ${this.options.timeouts.operationMs} ms`,
        });
      }, this.options.timeouts.operationMs);
      this.#pending.set(id, pending);
      this.#write({ ...message, id });
    });
  }

  /** Send a notification (no id, no answer). */
  notify(message: { type: string; [key: string]: unknown }): void {
    if (this.alive && !this.#ending) this.#write(message);
  }

  /** Write raw text (conformance checks send malformed lines on purpose). */
  writeRaw(text: string): void {
    if (!this.alive) return;
    try {
      this.#child?.stdin?.write(text);
    } catch {
      // the pipe is gone; the exit will be recorded
    }
  }

  /**
   * End the process: `dispose` (answered or not), then SIGTERM to its group after disposeMs, SIGKILL after
   * killMs more. Resolves when it has exited. Idempotent.
   */
  end(): Promise<ProcessExit> {
    if (this.#ending || !this.#child) return this.exited;
    this.#ending = true;
    this.#stopTimers();
    for (const p of this.#pending.values()) if (p.timer) this.#clock.clearTimeout(p.timer);
    if (this.#exit) return this.exited;
    this.#disposeId = this.#nextId++;
    this.#write({ type: 'dispose', id: this.#disposeId });
    try {
      this.#child.stdin?.end();
    } catch {
      // already closed
    }
    const { disposeMs, killMs } = this.options.timeouts;
    this.#killTimers.push(
      this.#clock.setTimeout(() => {
        this.#signal('SIGTERM');
        this.#killTimers.push(this.#clock.setTimeout(() => this.#signal('SIGKILL'), killMs));
      }, disposeMs),
    );
    return this.exited;
  }

  /** Kill the group now (SIGKILL). */
  kill(): Promise<ProcessExit> {
    this.#ending = true;
    this.#stopTimers();
    this.#signal('SIGKILL');
    return this.exited;
  }

  // ---- internals ------------------------------------------------------------------------------------
  #spawn(): void {
    const o = this.options;
    let child: ChildProcess;
    try {
      child = spawn(o.command, [...o.args], {
        cwd: o.cwd,
        env: { ...process.env, ...o.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group: whatever it starts (an encoder, a shell) is ended with it.
        detached: true,
      });
    } catch (e) {
      this.#onSpawnError(e as Error);
      return;
    }
    this.#child = child;
    child.on('error', (e) => this.#onSpawnError(e));
    if (child.pid === undefined) return; // 'error' follows (ENOENT, EACCES)
    trackGroup(child.pid);
    this.record('pusher.process', {
      event: 'spawn',
      pid: child.pid,
      command: o.command,
      args: [...o.args],
    });
    child.stdin?.on('error', () => {});
    child.stdout?.on('data', (chunk: Buffer) =>
      this.#splitter.push(
        chunk,
        (line) => this.#held(() => this.#onLine(line)),
        (head) => this.#fault('line-too-long', { detail: `a line over ${MAX_LINE_BYTES} bytes`, line: head }),
      ),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    // 'exit' comes before the last stdout bytes are read: end the group (so no grandchild keeps the pipes
    // open), then conclude on 'close', once everything the process wrote has been seen.
    let exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    child.on('exit', (code, signal) => {
      exitStatus = { code, signal };
      this.#signal('SIGKILL');
    });
    child.on('close', (code, signal) =>
      this.#held(() => this.#onExit(exitStatus?.code ?? code, exitStatus?.signal ?? signal)),
    );
    this.#helloId = this.#nextId++;
    this.#write({
      type: 'hello',
      id: this.#helloId,
      protocolVersion: PROTOCOL_VERSION,
      capabilitiesAsked: [...o.capabilitiesAsked],
      harness: { name: 'live-pusher-conformance', version: '0.1.0' },
    });
    this.#readyTimer = this.#clock.setTimeout(() => {
      this.#readyTimer = undefined;
      if (this.#readyInfo || this.#exit) return;
      this.#fault('ready-timeout', {
        afterMs: o.timeouts.readyMs,
        detail: `no ready within ${o.timeouts.readyMs} ms of spawning`,
        stderrTail: excerptOf(this.#stderr, 1000),
      });
      this.#resolveReady(undefined);
    }, o.timeouts.readyMs);
  }

  /** Handle a line after lineHoldMs (timers of one duration fire in order, so lines keep theirs). */
  #held(fn: () => void): void {
    const ms = this.options.timeouts.lineHoldMs;
    if (ms > 0) this.#clock.setTimeout(fn, ms);
    else fn();
  }

  #onSpawnError(e: Error & { code?: string }): void {
    if (this.#exit) return;
    this.record('pusher.crash', {
      where: 'spawn',
      message: `Failed to start ${this.options.command}: ${e.message}`,
      code: e.code ?? null,
    });
    this.#finish({ code: null, signal: null, expected: false });
  }

  #write(message: { [key: string]: unknown }): void {
    try {
      this.#child?.stdin?.write(`${JSON.stringify(message)}\n`);
    } catch {
      // EPIPE: the exit handler records what happened
    }
  }

  #signal(sig: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid === undefined || this.#exit) return;
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        this.#child?.kill(sig);
      } catch {
        // gone
      }
    }
  }

  #stopTimers(): void {
    if (this.#readyTimer !== undefined) this.#clock.clearTimeout(this.#readyTimer);
    if (this.#pingTimer !== undefined) this.#clock.clearInterval(this.#pingTimer);
    this.#readyTimer = undefined;
    this.#pingTimer = undefined;
  }

  #fault(reason: ProtocolFault, data: { [key: string]: TraceValue }): void {
    if (this.#faults >= MAX_FAULT_RECORDS) {
      this.#suppressed++;
      return;
    }
    this.#faults++;
    this.record('pusher.protocolError', { reason, ...data });
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.#fault('bad-json', { detail: 'a line that is not JSON', line: excerptOf(line) });
      return;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      this.#fault('not-an-object', { detail: 'a JSON value that is not an object', line: excerptOf(line) });
      return;
    }
    const m = msg as { [key: string]: unknown };
    const type = m.type;
    if (typeof type !== 'string') {
      this.#fault('bad-message', { detail: 'a message without a string type', line: excerptOf(line) });
      return;
    }
    if (!KNOWN_TYPES.has(type)) {
      this.#fault('unknown-type', {
        detail: `unknown message type ${JSON.stringify(type ?? null)}`,
        line: excerptOf(line),
      });
      return;
    }
    switch (type) {
      case 'ready':
        this.#onReady(m, line);
        return;
      case 'result':
        this.#onResult(m, line);
        return;
      case 'pong':
        this.#onPong(m);
        return;
      case 'fatal':
        this.#fatal = { message: String(m.message ?? ''), stack: String(m.stack ?? '') };
        return;
      case 'protocolError':
        this.#fault('reported', {
          detail: `the pusher reported ${String(m.reason ?? '?')}: ${excerptOf(String(m.detail ?? ''))}`,
        });
        return;
      default: {
        if (!this.#readyInfo) {
          this.#fault('bad-message', { detail: `${type} before ready`, line: excerptOf(line) });
          return;
        }
        const handler = this.#handlers.get(type);
        try {
          handler?.(m);
        } catch (e) {
          this.#fault('bad-message', { detail: `${type}: ${(e as Error).message}`, line: excerptOf(line) });
        }
      }
    }
  }

  #onReady(m: { [key: string]: unknown }, line: string): void {
    if (this.#readyInfo) {
      this.#fault('bad-message', { detail: 'a second ready', line: excerptOf(line) });
      return;
    }
    if (m.protocolVersion !== PROTOCOL_VERSION) {
      this.#fault('version', {
        detail: `protocolVersion ${JSON.stringify(m.protocolVersion ?? null)}, expected ${PROTOCOL_VERSION}`,
      });
    }
    const identity = m.identity as { name?: unknown; version?: unknown; profile?: unknown } | undefined;
    const name = typeof identity?.name === 'string' && identity.name ? identity.name : this.options.name;
    const version = typeof identity?.version === 'string' ? identity.version : '?';
    if (typeof identity?.name !== 'string' || typeof identity?.version !== 'string')
      this.#fault('bad-message', { detail: 'ready without identity {name, version}', line: excerptOf(line) });
    const declared = Array.isArray(m.capabilities) ? m.capabilities : [];
    const capabilities: Capability[] = [];
    for (const c of declared) {
      if ((PROCESS_CAPABILITIES as readonly unknown[]).includes(c)) capabilities.push(c as Capability);
      else
        this.#fault('capability', {
          detail:
            c === 'sim-time'
              ? "'sim-time' declared: a process pusher runs on real time (ignored)"
              : `unknown capability ${JSON.stringify(c)} (ignored)`,
        });
    }
    const profile =
      identity?.profile && typeof identity.profile === 'object'
        ? (plain(identity.profile) as PusherIdentity['profile'])
        : undefined;
    this.#readyInfo = {
      identity: profile ? { name, version, profile } : { name, version },
      capabilities,
      afterMs: Math.round(this.#clock.now() - this.#spawnedAt),
    };
    if (this.#readyTimer !== undefined) this.#clock.clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    this.record('pusher.process', {
      event: 'ready',
      pid: this.pid ?? null,
      name,
      version,
      capabilities: [...capabilities],
      afterMs: this.#readyInfo.afterMs,
    });
    this.#startPings();
    this.#resolveReady(this.#readyInfo);
  }

  #onResult(m: { [key: string]: unknown }, line: string): void {
    const id = m.id;
    if (id === this.#disposeId) return;
    const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (!pending) {
      this.#fault('unexpected-result', {
        detail: `a result for id ${JSON.stringify(id ?? null)}`,
        line: excerptOf(line),
      });
      return;
    }
    if (typeof m.ok !== 'boolean')
      this.#fault('bad-message', { detail: `result ${id} without a boolean ok`, line: excerptOf(line) });
    this.#pending.delete(id as number);
    if (pending.timer !== undefined) this.#clock.clearTimeout(pending.timer);
    pending.resolve({
      ...m,
      type: 'result',
      id: id as number,
      ok: m.ok === true,
      errMsg: String(m.errMsg ?? ''),
    });
  }

  #startPings(): void {
    const { pingIntervalMs, unresponsiveMs } = this.options.timeouts;
    this.#pingTimer = this.#clock.setInterval(() => {
      if (!this.alive || this.#ending) return;
      const now = this.#clock.now();
      if (this.#ping) {
        if (!this.#unresponsive && now - this.#ping.sentAt >= unresponsiveMs) {
          this.#unresponsive = true;
          this.#fault('unresponsive', {
            detail: `ping ${this.#ping.id} unanswered for ${Math.round(now - this.#ping.sentAt)} ms`,
            pending: this.pendingLabels,
          });
        }
        return;
      }
      const id = this.#nextId++;
      this.#ping = { id, sentAt: now };
      this.#write({ type: 'ping', id });
    }, pingIntervalMs);
  }

  #onPong(m: { [key: string]: unknown }): void {
    if (!this.#ping || m.id !== this.#ping.id) {
      this.#fault('bad-message', { detail: `pong for id ${JSON.stringify(m.id ?? null)}` });
      return;
    }
    if (this.#unresponsive) {
      this.record('pusher.process', {
        event: 'responsive-again',
        afterMs: Math.round(this.#clock.now() - this.#ping.sentAt),
      });
    }
    this.#unresponsive = false;
    this.#ping = undefined;
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exit) return;
    const expected = this.#ending;
    const rest = this.#splitter.rest();
    if (rest.trim() !== '') this.#onLine(rest);
    if (this.#suppressed > 0)
      this.record('pusher.protocolError', {
        reason: 'suppressed',
        count: this.#suppressed,
        detail: 'more faults not recorded',
      });
    if (!expected) {
      if (code === EXIT_UNSUPPORTED) {
        this.record('pusher.unsupported', {
          exitCode: code,
          message: excerptOf(this.#stderr.trim().split('\n').pop() ?? '', 500),
        });
      } else {
        this.record('pusher.crash', {
          where: 'process',
          message: this.#fatal
            ? `fatal: ${excerptOf(this.#fatal.message, 500)}`
            : `the pusher process exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
          exitCode: code,
          signal: signal ?? null,
          stack: this.#fatal ? excerptOf(this.#fatal.stack, 1500) : null,
          stderrTail: excerptOf(this.#stderr, 1500),
          pending: this.pendingLabels,
        });
      }
    } else {
      this.record('pusher.process', { event: 'exit', exitCode: code, signal: signal ?? null });
    }
    this.#finish({ code, signal: signal ?? null, expected });
  }

  #finish(exit: ProcessExit): void {
    if (this.#exit) return;
    this.#exit = exit;
    this.#stopTimers();
    for (const t of this.#killTimers) this.#clock.clearTimeout(t);
    for (const p of this.#pending.values()) if (p.timer !== undefined) this.#clock.clearTimeout(p.timer);
    if (this.#child?.pid !== undefined) liveGroups.delete(this.#child.pid);
    // Whatever the process started is ended with it.
    if (this.#child?.pid !== undefined) {
      try {
        process.kill(-this.#child.pid, 'SIGKILL');
      } catch {
        // the group is empty
      }
    }
    this.#resolveReady(this.#readyInfo);
    this.#resolveExit(exit);
  }
}
