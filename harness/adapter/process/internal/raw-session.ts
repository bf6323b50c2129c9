/**
 * A bare protocol session for the conformance checks: spawn, write lines (malformed ones too), collect
 * what comes back, wait for a message with a deadline, end the process group. No interpretation: the
 * checks decide what is right.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { PusherClock } from '../../types.js';
import type { ResolvedProcessPusherOptions } from '../process-pusher-options.js';
import { MAX_LINE_BYTES } from '../protocol.js';
import { LineSplitter } from './line-splitter.js';

export type RawMessage = { [key: string]: unknown };

export class RawSession {
  readonly messages: RawMessage[] = [];
  readonly garbage: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  #child: ChildProcess;
  #clock: PusherClock;
  #waiters = new Set<() => void>();
  #stderr = '';
  #exit: { code: number | null; signal: string | null } | undefined;

  constructor(options: ResolvedProcessPusherOptions, clock: PusherClock) {
    this.#clock = clock;
    this.#child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('error', (e) => {
        this.#stderr += `spawn: ${e.message}\n`;
        this.#exit ??= { code: null, signal: null };
        resolve(this.#exit);
        this.#wake();
      });
      this.#child.on('exit', (code, signal) => {
        this.#exit ??= { code, signal };
        resolve(this.#exit);
        this.#wake();
      });
    });
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    this.#child.stdin?.on('error', () => {});
    this.#child.stdout?.on('data', (chunk: Buffer) =>
      splitter.push(
        chunk,
        (line) => {
          try {
            const m = JSON.parse(line) as unknown;
            if (m && typeof m === 'object' && !Array.isArray(m)) this.messages.push(m as RawMessage);
            else this.garbage.push(line);
          } catch {
            if (line.trim() !== '') this.garbage.push(line);
          }
          this.#wake();
        },
        (head) => this.garbage.push(head),
      ),
    );
    this.#child.stderr?.on('data', (c: Buffer) => {
      this.#stderr = (this.#stderr + c.toString('utf8')).slice(-2000);
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  get exitStatus(): { code: number | null; signal: string | null } | undefined {
    return this.#exit;
  }

  send(message: RawMessage): void {
    this.writeRaw(`${JSON.stringify(message)}\n`);
  }

  writeRaw(text: string): void {
    try {
      this.#child.stdin?.write(text);
    } catch {
      // gone
    }
  }

  closeInput(): void {
    try {
      this.#child.stdin?.end();
    } catch {
      // gone
    }
  }

  /** The first message (received from index `from` on) that matches, or undefined after `timeoutMs`. */
  waitFor(match: (m: RawMessage) => boolean, timeoutMs: number, from = 0): Promise<RawMessage | undefined> {
    return new Promise((resolve) => {
      let timer: unknown;
      const check = () => {
        const found = this.messages.slice(from).find(match);
        if (found !== undefined || this.#exit) {
          this.#waiters.delete(check);
          this.#clock.clearTimeout(timer);
          resolve(found);
        }
      };
      timer = this.#clock.setTimeout(() => {
        this.#waiters.delete(check);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Resolves with the exit status, or undefined if the process is still running after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined> {
    if (this.#exit) return Promise.resolve(this.#exit);
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => resolve(undefined), timeoutMs);
      void this.exited.then((e) => {
        this.#clock.clearTimeout(timer);
        resolve(e);
      });
    });
  }

  /** SIGKILL the group and wait for the exit. */
  async kill(): Promise<void> {
    if (!this.#exit && this.#child.pid !== undefined) {
      try {
        process.kill(-this.#child.pid, 'SIGKILL');
      } catch {
        this.#child.kill('SIGKILL');
      }
    }
    await this.exited;
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
