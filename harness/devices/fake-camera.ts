/**
 * One fake camera (front or back): opens after a scripted latency with a scripted outcome, then delivers
 * flat-colour frames on the scheduler at exact intervals until it is closed or fails (docs/devices.md,
 * "Cameras").
 *
 * Timing: a session opened (its promise settled) at O delivering f fps hands over frame k (0-based) at
 * O + round((k + 1) * 1e6 / f) µs, computed from k, so nothing drifts. Frame 0 comes one interval after O,
 * not at O: the pusher attaches `onFrame` after the open promise settles, in a later microtask.
 * After a frame-rate change the same formula restarts from the last frame delivered (or at once, if one
 * new interval since that frame has already passed).
 */
import type {
  CameraFrame,
  CameraHandle,
  CameraOpenOptions,
  CameraPosition,
  DeviceError,
} from '../adapter/types.js';
import type { Rng } from '../sim/prng.js';
import type { Micros, ScheduledEvent, Scheduler } from '../sim/scheduler.js';
import { FakeDeviceError } from './device-error.js';
import type { HandleState } from './device-records.js';
import type { CameraScript } from './device-script.js';
import { type DeviceTrace, microsToMs, msToMicros, traceArgs } from './device-trace.js';
import { openDelayMicros, outcomeError } from './open-outcome.js';
import { cameraColour } from './picture-colours.js';

export interface FakeCameraOptions {
  position: CameraPosition;
  script: CameraScript;
  scheduler: Scheduler;
  /** Draws the open jitter (only when `script.openJitterMs` > 0). */
  rng: Rng;
  trace: DeviceTrace;
}

export interface CameraStats {
  /** Successful opens so far. */
  opens: number;
  /** Frames delivered over all sessions. */
  framesDelivered: number;
  /** A session is open (not closed, not failed). */
  open: boolean;
}

export class FakeCamera {
  readonly position: CameraPosition;
  readonly #script: CameraScript;
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  readonly #trace: DeviceTrace;
  readonly #device: string;
  /** An open is pending or a session is open: a second open is OCCUPIED. */
  #busy = false;
  #session: CameraSession | undefined;
  #opens = 0;
  #framesDelivered = 0;

  constructor(options: FakeCameraOptions) {
    this.position = options.position;
    this.#script = options.script;
    this.#scheduler = options.scheduler;
    this.#rng = options.rng;
    this.#trace = options.trace;
    this.#device = `camera:${options.position}`;
  }

  /**
   * Settles after the scripted latency: resolves with a handle, or rejects with DENIED / OCCUPIED /
   * NOT_FOUND as scripted, OCCUPIED when this camera is already open or opening, and at once with
   * UNSUPPORTED for a size or frame rate no camera could deliver.
   */
  open(options: CameraOpenOptions): Promise<CameraHandle> {
    const calledAtMs = microsToMs(this.#scheduler.now);
    const record = (error?: DeviceError, session?: number) =>
      this.#trace.record('device.call', {
        device: 'camera',
        method: 'openCamera',
        position: this.position,
        args: traceArgs({ ...options }),
        result: error ? 'error' : 'ok',
        error: error?.code,
        message: error?.message,
        session,
        calledAtMs,
      });
    const invalid = invalidOptions(options);
    if (invalid !== undefined) {
      const error = new FakeDeviceError(
        'UNSUPPORTED',
        this.#device,
        `Failed to open camera ${this.position}: ${invalid}`,
      );
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
                this.#device,
                `Failed to open camera ${this.position}: it is already open or opening (close it first)`,
              )
            : outcomeError(this.#script.open, this.#device, `camera ${this.position}`);
          if (error) {
            if (!alreadyBusy) this.#busy = false;
            record(error);
            reject(error);
            return;
          }
          this.#opens += 1;
          record(undefined, this.#opens);
          const session = new CameraSession(this.#sessionDeps(), options, this.#opens);
          this.#session = session;
          resolve(session);
        },
        `${this.#device}:open`,
      );
    });
  }

  /** Fail the open session now (a control action). Returns false when no session was open. */
  fail(reason = 'failed (injected by the scenario)'): boolean {
    return this.#session?.fail(reason) ?? false;
  }

  stats(): CameraStats {
    return {
      opens: this.#opens,
      framesDelivered: this.#framesDelivered,
      open: this.#session?.isOpen ?? false,
    };
  }

  #sessionDeps(): SessionDeps {
    return {
      position: this.position,
      script: this.#script,
      scheduler: this.#scheduler,
      trace: this.#trace,
      device: this.#device,
      countFrame: () => {
        this.#framesDelivered += 1;
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

/** What a session needs from its camera. */
interface SessionDeps {
  position: CameraPosition;
  script: CameraScript;
  scheduler: Scheduler;
  trace: DeviceTrace;
  device: string;
  countFrame(): void;
  /** The session ended (closed or failed): the camera can be opened again. */
  release(session: CameraSession): void;
}

function invalidOptions(o: CameraOpenOptions): string | undefined {
  if (o === null || typeof o !== 'object') return `options are ${String(o)}, expected an object`;
  for (const field of ['width', 'height'] as const) {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      return `${field} is ${String(v)}, expected an integer > 0`;
  }
  if (typeof o.fps !== 'number' || !Number.isFinite(o.fps) || o.fps <= 0) {
    return `fps is ${String(o.fps)}, expected a number > 0`;
  }
  return undefined;
}

/** The highest frame rate the script allows at time `t`. */
function maxFpsAt(script: CameraScript, t: Micros): number {
  let max = script.maxFps;
  for (const change of script.fpsChanges) if (msToMicros(change.atMs) <= t) max = change.maxFps;
  return max;
}

/** One open of a camera: the handle the pusher holds. */
class CameraSession implements CameraHandle {
  readonly #deps: SessionDeps;
  readonly #position: CameraPosition;
  readonly #scheduler: Scheduler;
  readonly #trace: DeviceTrace;
  readonly #device: string;
  readonly #session: number;
  readonly #requestedFps: number;
  readonly #openedAt: Micros;
  readonly #frameListeners: ((frame: CameraFrame) => void)[] = [];
  readonly #errorListeners: ((error: DeviceError) => void)[] = [];
  /** Failure and frame-rate changes: cancelled when the session ends. */
  readonly #timers: ScheduledEvent[] = [];
  #state: HandleState = 'open';
  #fps: number;
  #delivered = 0;
  #lastFrameAt: Micros | undefined;
  #anchorAt: Micros;
  #anchorCount = 0;
  #next: ScheduledEvent | undefined;
  #beauty: number;
  #whiteness: number;

  constructor(deps: SessionDeps, options: CameraOpenOptions, session: number) {
    const { script, scheduler, trace, device } = deps;
    this.#deps = deps;
    this.#position = deps.position;
    this.#scheduler = scheduler;
    this.#trace = trace;
    this.#device = device;
    this.#session = session;
    this.#requestedFps = options.fps;
    this.#beauty = options.beauty;
    this.#whiteness = options.whiteness;
    this.#openedAt = scheduler.now;
    this.#anchorAt = this.#openedAt;
    this.#fps = Math.min(this.#requestedFps, maxFpsAt(script, this.#openedAt));
    this.#scheduleNext();
    if (script.failAfterMs !== null) {
      const after = script.failAfterMs;
      this.#timers.push(
        scheduler.after(
          msToMicros(after),
          () => this.fail(`failed ${after} ms after opening (scripted failAfterMs)`),
          `${device}:fail`,
        ),
      );
    }
    for (const change of script.fpsChanges) {
      const at = msToMicros(change.atMs);
      if (at <= this.#openedAt) continue;
      this.#timers.push(
        scheduler.at(at, () => this.#changeFps(Math.min(this.#requestedFps, change.maxFps)), `${device}:fps`),
      );
    }
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  onFrame(listener: (frame: CameraFrame) => void): void {
    this.#frameListeners.push(listener);
  }

  onError(listener: (error: DeviceError) => void): void {
    this.#errorListeners.push(listener);
  }

  setAutoFocus(enabled: boolean): void {
    this.#recordCall('setAutoFocus', { enabled });
  }

  /** Takes effect from the next frame (see picture-colours.ts for the colour formula). */
  setFilters(beauty: number, whiteness: number): void {
    this.#recordCall('setFilters', { beauty, whiteness });
    if (this.#state !== 'open') return;
    this.#beauty = beauty;
    this.#whiteness = whiteness;
  }

  close(): void {
    this.#recordCall('close', {}, { framesDelivered: this.#delivered });
    if (this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    if (!wasOpen) return;
    this.#stop();
    this.#trace.record('device.camera.stopped', {
      position: this.#position,
      session: this.#session,
      framesDelivered: this.#delivered,
      reason: 'closed',
    });
  }

  /** The device fails: frames stop, `onError` listeners get FAILED. Returns false when not open. */
  fail(reason: string): boolean {
    if (this.#state !== 'open') return false;
    this.#state = 'failed';
    this.#stop();
    this.#trace.record('device.fault', {
      device: 'camera',
      fault: 'failed',
      position: this.#position,
      session: this.#session,
    });
    this.#trace.record('device.camera.stopped', {
      position: this.#position,
      session: this.#session,
      framesDelivered: this.#delivered,
      reason: 'failed',
    });
    const error = new FakeDeviceError(
      'FAILED',
      this.#device,
      `Failed to capture from camera ${this.#position}: ${reason}`,
    );
    for (const listener of [...this.#errorListeners]) listener(error);
    return true;
  }

  #stop(): void {
    this.#scheduler.cancel(this.#next);
    this.#next = undefined;
    for (const timer of this.#timers) this.#scheduler.cancel(timer);
    this.#deps.release(this);
  }

  #scheduleNext(): void {
    const k = this.#delivered - this.#anchorCount + 1;
    const at = this.#anchorAt + Math.round((k * 1_000_000) / this.#fps);
    this.#next = this.#scheduler.at(at, () => this.#deliver(), `${this.#device}:frame`);
  }

  #deliver(): void {
    const frameIndex = this.#delivered;
    this.#delivered += 1;
    this.#lastFrameAt = this.#scheduler.now;
    this.#deps.countFrame();
    this.#scheduleNext();
    const colour = cameraColour(this.#position, this.#beauty, this.#whiteness);
    if (frameIndex === 0) {
      this.#trace.record('device.camera.firstFrame', {
        position: this.#position,
        session: this.#session,
        fps: this.#fps,
        colour: { ...colour },
      });
    }
    const frame: CameraFrame = {
      picture: { colour: { ...colour }, frameIndex },
      source: this.#position,
      t: microsToMs(this.#scheduler.now),
    };
    for (const listener of [...this.#frameListeners]) {
      if (this.#state !== 'open') break;
      listener(frame);
    }
  }

  #changeFps(fps: number): void {
    if (fps === this.#fps || this.#state !== 'open') return;
    this.#scheduler.cancel(this.#next);
    const interval = Math.round(1_000_000 / fps);
    const now = this.#scheduler.now;
    const last = this.#lastFrameAt ?? this.#openedAt;
    this.#anchorAt = last + interval < now ? now - interval : last;
    this.#anchorCount = this.#delivered;
    this.#fps = fps;
    this.#scheduleNext();
    this.#trace.record('device.camera.fps', { position: this.#position, session: this.#session, fps });
  }

  #recordCall(method: string, args: Record<string, unknown>, extra: { framesDelivered?: number } = {}): void {
    this.#trace.record('device.call', {
      device: 'camera',
      method,
      position: this.#position,
      session: this.#session,
      args: traceArgs(args),
      result: 'ok',
      state: this.#state === 'open' ? undefined : this.#state,
      ...extra,
    });
  }
}
