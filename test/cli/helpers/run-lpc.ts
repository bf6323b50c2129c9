import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root (tests run the CLI from there, as a user would). */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const LPC = join(ROOT, 'bin', 'lpc.mjs');
/** The small fixed suite and spec of the report tests (independent of scenarios/ and docs/spec.md). */
export const FIXTURE_SUITE = 'test/reports/fixtures/suite';
export const FIXTURE_SPEC = 'test/reports/fixtures/spec.md';
export const FIXTURE_ARGS = ['--suite', FIXTURE_SUITE, '--spec', FIXTURE_SPEC] as const;

export interface LpcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without tap's process hooks (NODE_OPTIONS, TAP_*): the child is a plain `lpc`. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^_?TAP/.test(k)),
  );
}

/** A fresh temporary folder for one test's outputs. */
export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `lpc-${name}-`));

/**
 * Run `bin/lpc.mjs` in a child process (a fresh process per run: the embedded media server keeps state
 * between cases of one process, so same-seed determinism is a property across processes).
 * `onStderr` sees stderr as it arrives (e.g. to send SIGINT after the first case).
 */
export function runLpc(
  args: readonly string[],
  options: { onStderr?: (text: string, child: ChildProcess) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<LpcResult> {
  return runNode([LPC, ...args], options);
}

/** Run `node <args>` from the repository root in a fresh process, like `runLpc`. */
export function runNode(
  args: readonly string[],
  options: { onStderr?: (text: string, child: ChildProcess) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<LpcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
