/**
 * The fake microphone: opens after a scripted latency with a scripted outcome, then delivers blocks of
 * 1024 samples per channel on the scheduler until it is closed or fails (docs/devices.md, "Microphone").
 *
 * Timing: a session opened at O with sample rate r hands over block k (0-based) at
 * O + round((k + 1) * 1024 * 1e6 / r) µs (computed from k: no drift; 21333 or 21334 µs apart at 48 kHz).
 */
import type { AudioBlock, DeviceError, MicrophoneHandle, MicrophoneOpenOptions } from '../adapter/types.js';
import type { Rng } from '../sim/prng.js';
import type { Micros, ScheduledEvent, Scheduler } from '../sim/scheduler.js';
import { FakeDeviceError } from './device-error.js';
import type { HandleState } from './device-records.js';
import type { MicrophoneScript } from './device-script.js';
import { type DeviceTrace, microsToMs, msToMicros, traceArgs } from './device-trace.js';
import { openDelayMicros, outcomeError } from './open-outcome.js';

/** Samples per channel in one `AudioBlock` (one AAC frame). */
export const SAMPLES_PER_BLOCK = 1024;

const DEVICE = 'microphone';

export interface FakeMicrophoneOptions {
  script: MicrophoneScript;
  scheduler: Scheduler;
  rng: Rng;
  trace: DeviceTrace;
}

export interface MicrophoneStats {
  opens: number;
  blocksDelivered: number;
  open: boolean;
}

export class FakeMicrophone {
  readonly #script: MicrophoneScript;
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  readonly #trace: DeviceTrace;
  #busy = false;
  #session: MicrophoneSession | undefined;
  #opens = 0;
  #blocksDelivered = 0;

  constructor(options: FakeMicrophoneOptions) {
    this.#script = options.script;
    this.#scheduler = options.scheduler;
    this.#rng = options.rng;
    this.#trace = options.trace;
  }

  /**
   * Settles after the scripted latency: a handle, or DENIED / OCCUPIED / NOT_FOUND as scripted, OCCUPIED
   * when already open or opening, and at once UNSUPPORTED for a sample rate or channel count it cannot do
   * (sample rate: an integer 8000..192000; channels: 1 or 2).
   */
  open(options: MicrophoneOpenOptions): Promise<MicrophoneHandle> {
    const calledAtMs = microsToMs(this.#scheduler.now);
    const record = (error?: DeviceError, session?: number) =>
      this.#trace.record('device.call', {
        device: 'microphone',
        method: 'openMicrophone',
        args: traceArgs({ ...options }),
        result: error ? 'error' : 'ok',
        error: error?.code,
        message: error?.message,
        session,
        calledAtMs,
      });
    const invalid = invalidOptions(options);
    if (invalid !== undefined) {
      const error = new FakeDeviceError('UNSUPPORTED', DEVICE, `Failed to open microphone: ${invalid}`);
      record(error);
      return Promise.reject(error);
    }
    const alreadyBusy = this.#busy;
    this.#busy = true;
    return new Promise((resolve, reject) => {
      this.#scheduler.after(
        openDelayMicros(this.#script, this.#rng),
        () => {
          const error = alreadyBusy
            ? new FakeDeviceError(
                'OCCUPIED',
                DEVICE,
                'Failed to open microphone: it is already open or opening (close it first)',
              )
            : outcomeError(this.#script.open, DEVICE, 'microphone');
          if (error) {
            if (!alreadyBusy) this.#busy = false;
            record(error);
            reject(error);
            return;
          }
          this.#opens += 1;
          record(undefined, this.#opens);
          const session = new MicrophoneSession(this.#sessionDeps(), options, this.#opens);
          this.#session = session;
          resolve(session);
        },
        `${DEVICE}:open`,
      );
    });
  }

  /** Fail the open session now (a control action). Returns false when no session was open. */
  fail(reason = 'failed (injected by the scenario)'): boolean {
    return this.#session?.fail(reason) ?? false;
  }

  stats(): MicrophoneStats {
    return {
      opens: this.#opens,
      blocksDelivered: this.#blocksDelivered,
      open: this.#session?.isOpen ?? false,
    };
  }

  #sessionDeps(): SessionDeps {
    return {
      script: this.#script,
      scheduler: this.#scheduler,
      trace: this.#trace,
      countBlock: () => {
        this.#blocksDelivered += 1;
      },
      release: (session) => {
        if (this.#session === session) {
          this.#session = undefined;
          this.#busy = false;
        }
      },
    };
  }
}

interface SessionDeps {
  script: MicrophoneScript;
  scheduler: Scheduler;
  trace: DeviceTrace;
  countBlock(): void;
  release(session: MicrophoneSession): void;
}

function invalidOptions(o: MicrophoneOpenOptions): string | undefined {
  if (o === null || typeof o !== 'object') return `options are ${String(o)}, expected an object`;
  const rate = o.sampleRate;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 8000 || rate > 192000) {
    return `sampleRate is ${String(rate)}, expected an integer in 8000..192000`;
  }
  if (o.channels !== 1 && o.channels !== 2) return `channels is ${String(o.channels)}, expected 1 or 2`;
  return undefined;
}

class MicrophoneSession implements MicrophoneHandle {
  readonly #deps: SessionDeps;
  readonly #scheduler: Scheduler;
  readonly #trace: DeviceTrace;
  readonly #session: number;
  readonly #options: MicrophoneOpenOptions;
  readonly #openedAt: Micros;
  readonly #audioListeners: ((block: AudioBlock) => void)[] = [];
  readonly #errorListeners: ((error: DeviceError) => void)[] = [];
  #state: HandleState = 'open';
  #delivered = 0;
  #next: ScheduledEvent | undefined;
  #failTimer: ScheduledEvent | undefined;

  constructor(deps: SessionDeps, options: MicrophoneOpenOptions, session: number) {
    this.#deps = deps;
    this.#scheduler = deps.scheduler;
    this.#trace = deps.trace;
    this.#session = session;
    this.#options = { sampleRate: options.sampleRate, channels: options.channels };
    this.#openedAt = deps.scheduler.now;
    this.#scheduleNext();
    const failAfter = deps.script.failAfterMs;
    if (failAfter !== null) {
      this.#failTimer = deps.scheduler.after(
        msToMicros(failAfter),
        () => this.fail(`failed ${failAfter} ms after opening (scripted failAfterMs)`),
        `${DEVICE}:fail`,
      );
    }
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  onAudio(listener: (block: AudioBlock) => void): void {
    this.#audioListeners.push(listener);
  }

  onError(listener: (error: DeviceError) => void): void {
    this.#errorListeners.push(listener);
  }

  close(): void {
    this.#trace.record('device.call', {
      device: 'microphone',
      method: 'close',
      session: this.#session,
      args: {},
      result: 'ok',
      state: this.#state === 'open' ? undefined : this.#state,
      blocksDelivered: this.#delivered,
    });
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    if (!wasOpen) return;
    this.#stop();
    this.#trace.record('device.microphone.stopped', {
      session: this.#session,
      blocksDelivered: this.#delivered,
      reason: 'closed',
    });
  }

  fail(reason: string): boolean {
    if (this.#state !== 'open') return false;
    this.#state = 'failed';
    this.#stop();
    this.#trace.record('device.fault', { device: 'microphone', fault: 'failed', session: this.#session });
    this.#trace.record('device.microphone.stopped', {
      session: this.#session,
      blocksDelivered: this.#delivered,
      reason: 'failed',
    });
    const error = new FakeDeviceError('FAILED', DEVICE, `Failed to capture from microphone: ${reason}`);
    for (const listener of [...this.#errorListeners]) listener(error);
    return true;
  }

  #stop(): void {
    this.#scheduler.cancel(this.#next);
    this.#scheduler.cancel(this.#failTimer);
    this.#deps.release(this);
  }

  #scheduleNext(): void {
    const k = this.#delivered + 1;
    const at = this.#openedAt + Math.round((k * SAMPLES_PER_BLOCK * 1_000_000) / this.#options.sampleRate);
    this.#next = this.#scheduler.at(at, () => this.#deliver(), `${DEVICE}:block`);
  }

  #deliver(): void {
    const index = this.#delivered;
    this.#delivered += 1;
    this.#deps.countBlock();
    this.#scheduleNext();
    if (index === 0) {
      this.#trace.record('device.microphone.firstBlock', {
        session: this.#session,
        sampleRate: this.#options.sampleRate,
        channels: this.#options.channels,
      });
    }
    const block: AudioBlock = { samples: SAMPLES_PER_BLOCK, t: microsToMs(this.#scheduler.now) };
    for (const listener of [...this.#audioListeners]) {
      if (this.#state !== 'open') break;
      listener(block);
    }
  }
}
