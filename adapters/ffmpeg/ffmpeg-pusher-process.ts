/**
 * ffmpeg as a pusher process (docs/examples/README.md): speaks the process protocol with the Node client
 * library and drives the ffmpeg binary of `@ffmpeg-installer/ffmpeg`. `start()` launches ffmpeg (ok once it
 * runs; "start:fail" when it cannot be started); `stop()` asks it to finish (`q`, then SIGINT, SIGKILL);
 * events are derived from its log (ffmpeg-log.ts). It declares only 'events': pause, resume, switchCamera,
 * snapshot, live attribute updates, net status and device faults have no ffmpeg equivalent and answer
 * "<op>:fail unsupported". Run: `node --import tsx adapters/ffmpeg/ffmpeg-pusher-process.ts`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  EXIT_UNSUPPORTED,
  type PusherHost,
  runPusherProcess,
} from '../../clients/node/pusher-process-client.js';
import type { PusherAttributes } from '../../harness/adapter/types.js';
import { ffmpegArgs } from './ffmpeg-args.js';
import { type FfmpegStage, readFfmpegLine } from './ffmpeg-log.js';

const require = createRequire(import.meta.url);

function ffmpegPath(): string | undefined {
  try {
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
}

const FFMPEG = process.env.LPC_FFMPEG ?? ffmpegPath();
let ffmpegVersion = 'unknown';
try {
  if (!FFMPEG) throw new Error('no ffmpeg binary (install @ffmpeg-installer/ffmpeg or set LPC_FFMPEG)');
  const first = execFileSync(FFMPEG, ['-hide_banner', '-version'], { encoding: 'utf8' }).split('\n')[0];
  ffmpegVersion = /ffmpeg version (\S+)/.exec(first)?.[1] ?? first;
} catch (e) {
  // Without an ffmpeg this pusher cannot run at all here: every case is UNSUPPORTED (exit 127).
  process.stderr.write(`ffmpeg unavailable: ${(e as Error).message}\n`);
  process.exit(EXIT_UNSUPPORTED);
}

class FfmpegPush {
  #child: ChildProcess | undefined;
  #stage: FfmpegStage = 'idle';
  #exited: Promise<void> = Promise.resolve();
  readonly #attributes: Partial<PusherAttributes>;
  readonly #host: PusherHost;

  constructor(attributes: Partial<PusherAttributes>, host: PusherHost) {
    this.#attributes = attributes;
    this.#host = host;
  }

  start(): { ok: boolean; errMsg?: string } {
    if (this.#child) return { ok: true };
    const url = String(this.#attributes.url ?? '');
    const args = ffmpegArgs(this.#attributes, url);
    let child: ChildProcess;
    try {
      child = spawn(FFMPEG as string, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e) {
      return { ok: false, errMsg: `start:fail ffmpeg could not be started: ${(e as Error).message}` };
    }
    this.#child = child;
    this.#stage = 'connecting';
    this.#host.log('info', `ffmpeg ${args.join(' ')}`);
    let rest = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      const lines = rest.split(/\r?\n|\r/);
      rest = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    });
    child.stdin?.on('error', () => {});
    this.#exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.#host.log('error', `ffmpeg: ${e.message}`);
        resolve();
      });
      child.on('exit', (code, signal) => {
        if (rest) this.#line(rest);
        this.#host.log(code === 0 ? 'info' : 'warn', `ffmpeg exited (code ${code}, signal ${signal})`);
        this.#child = undefined;
        this.#stage = 'ended';
        resolve();
      });
    });
    return { ok: true };
  }

  async stop(): Promise<{ ok: boolean }> {
    const child = this.#child;
    if (!child) return { ok: true };
    // The push ends by the user's choice: what ffmpeg prints while closing is not a failure.
    this.#stage = 'ended';
    child.stdin?.write('q');
    const timers = [
      setTimeout(() => child.kill('SIGINT'), 2000),
      setTimeout(() => child.kill('SIGKILL'), 4000),
    ];
    await this.#exited;
    for (const t of timers) clearTimeout(t);
    return { ok: true };
  }

  dispose(): void {
    this.#stage = 'ended';
    this.#child?.kill('SIGKILL');
  }

  #line(line: string): void {
    if (/error|fail|refused|reset|broken|end of file|connected to/i.test(line))
      this.#host.log('debug', `ffmpeg: ${line}`);
    const step = readFfmpegLine(this.#stage, line);
    this.#stage = step.stage;
    if (step.event) this.#host.statechange(step.event.code, step.event.message);
  }
}

void runPusherProcess({
  identity: { name: 'ffmpeg', version: ffmpegVersion },
  capabilities: ['events'],
  create(params, host) {
    const push = new FfmpegPush(params.attributes, host);
    return {
      start: () => push.start(),
      stop: () => push.stop(),
      dispose: () => push.dispose(),
    };
  },
});
