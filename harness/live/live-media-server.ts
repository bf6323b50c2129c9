/**
 * node-media-server as a real server for live mode (docs/live-mode.md, "Server"): a CHILD process
 * (harness/live/internal/media-server-child.ts) running our EmbeddedMediaServer on loopback, on ephemeral
 * ports the kernel picks. Its hooks (`server.*`) are forwarded to the bound case's trace; kicks and the
 * auth policy are sent over IPC. If it dies it is restarted on the next `ensureRunning` (same ports when
 * they are still free) and the death is reported as a harness fault, never a pusher verdict.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TraceValue } from '../sim/index.js';

const CHILD = fileURLToPath(new URL('./internal/media-server-child.ts', import.meta.url));

export interface LiveMediaServerOptions {
  /** Spawn → listening, ms. Default 30000 (loading NMS under tsx takes 1–3 s on a loaded machine). */
  startTimeoutMs?: number;
}

export interface LiveServerBinding {
  record(kind: string, data: { [key: string]: TraceValue }): void;
  /** The server accepted an RTMP connection from `ip` ("address:port" as its hooks will name it). */
  accepted?(ip: string): void;
  /** The child died while this case was bound. */
  onDeath(message: string): void;
}

type ChildMessage =
  | { type: 'listening'; rtmpPort: number; httpPort: number; version: string }
  | { type: 'record'; kind: string; data: { [key: string]: TraceValue } }
  | { type: 'accepted'; ip: string }
  | { type: 'bound' }
  | { type: 'kicked'; count: number }
  | { type: 'answer'; id: number; value: unknown };

export class LiveMediaServer {
  readonly #startTimeoutMs: number;
  #child: ChildProcess | undefined;
  #ports: { rtmp: number; http: number } | undefined;
  #version = '';
  #binding: LiveServerBinding | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  #nextQuery = 1;
  #answers = new Map<number, (v: unknown) => void>();
  #stderr = '';
  /** How many times the child died and was restarted. */
  restarts = 0;

  constructor(options: LiveMediaServerOptions = {}) {
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
  }

  get rtmpPort(): number {
    if (!this.#ports) throw new Error('Failed to read the live server port: the server is not running');
    return this.#ports.rtmp;
  }

  get httpPort(): number {
    if (!this.#ports) throw new Error('Failed to read the live server port: the server is not running');
    return this.#ports.http;
  }

  get version(): string {
    return this.#version;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Start the child if it is not running (again after a death). */
  ensureRunning(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('Failed to start the live server: it was closed'));
    if (this.running && this.#ports) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  /**
   * Bind a case: its trace receives the hooks, and the auth policy applies to its publishes. Resolves once
   * the server has applied it (binding drops the previous case's sessions, so connect only after this).
   */
  async bind(binding: LiveServerBinding, policy: { auth?: { key: string } }): Promise<() => void> {
    this.#binding = binding;
    const child = this.#child;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 5000);
      function done() {
        clearTimeout(timer);
        child?.off('message', onMessage);
        resolve();
      }
      const onMessage = (m: ChildMessage) => {
        if (m?.type === 'bound') done();
      };
      child?.on('message', onMessage);
      if (!child?.connected) done();
      else child.send({ type: 'bind', policy: { auth: policy.auth } });
    });
    return () => {
      if (this.#binding === binding) this.#binding = undefined;
      this.#send({ type: 'bind', policy: {} });
    };
  }

  /** Close every publisher's connection now (the case's `server.kickAtMs`). */
  kick(reason: string): void {
    this.#send({ type: 'kick', reason });
  }

  hasPublisher(streamPath: string, timeoutMs = 2000): Promise<boolean> {
    const id = this.#nextQuery++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#answers.delete(id);
        resolve(false);
      }, timeoutMs);
      this.#answers.set(id, (v) => {
        clearTimeout(timer);
        resolve(v === true);
      });
      this.#send({ type: 'hasPublisher', id, streamPath });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async #start(): Promise<void> {
    if (this.#child) this.restarts++;
    const args = this.#ports
      ? ['--rtmp-port', String(this.#ports.rtmp), '--http-port', String(this.#ports.http)]
      : [];
    const child = fork(CHILD, args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child = child;
    child.on('error', (e) => {
      this.#stderr = `${this.#stderr}\n${e.message}`.slice(-2000);
    });
    child.stderr?.on('data', (c: Buffer) => {
      this.#stderr = (this.#stderr + c.toString('utf8')).slice(-2000);
    });
    child.on('message', (m: ChildMessage) => this.#onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.#child !== child || this.#closed) return;
      this.#binding?.onDeath(
        `the media server process exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${this.#stderr.slice(-500)}`,
      );
    });
    let listening = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `Failed to start the live media server: not listening after ${this.#startTimeoutMs} ms (${this.#stderr.slice(-300)})`,
          ),
        );
      }, this.#startTimeoutMs);
      const onListening = (m: ChildMessage) => {
        if (m?.type !== 'listening') return;
        clearTimeout(timer);
        listening = true;
        child.off('message', onListening);
        this.#ports = { rtmp: m.rtmpPort, http: m.httpPort };
        this.#version = m.version;
        resolve();
      };
      child.on('message', onListening);
      child.once('exit', (code) => {
        if (listening) return;
        clearTimeout(timer);
        // A port of the previous run may have been taken meanwhile: the next start picks new ones.
        this.#ports = undefined;
        reject(
          new Error(
            `Failed to start the live media server: exited with ${code} (${this.#stderr.slice(-300)})`,
          ),
        );
      });
    });
  }

  #send(message: { type: string; [key: string]: unknown }): void {
    if (this.#child?.connected) this.#child.send(message);
  }

  #onMessage(m: ChildMessage): void {
    if (m?.type === 'record') this.#binding?.record(m.kind, m.data);
    else if (m?.type === 'accepted') this.#binding?.accepted?.(m.ip);
    else if (m?.type === 'answer') this.#answers.get(m.id)?.(m.value);
  }
}
