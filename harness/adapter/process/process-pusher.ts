/**
 * A pusher running in another process, seen through the process protocol (docs/adapter-protocol.md) as
 * an ordinary `PusherUnderTest`. It runs on real time: the process connects to the server itself (in live
 * mode, through the harness's proxy), so it is only usable by the live runner (harness/live).
 *
 * What the process does wrong is recorded, never thrown: `pusher.crash` (it exited or could not start),
 * `pusher.protocolError` (garbage, unknown messages, timeouts, unresponsiveness), `pusher.unsupported`
 * (exit 127). An operation the process never answers stays pending (the runner records it as
 * `unanswered`); a late answer still settles it.
 */
import type { TraceValue } from '../../sim/trace.js';
import type {
  AppState,
  Capability,
  NetStatus,
  OperationName,
  OperationResult,
  PusherAttributes,
  PusherEnvironment,
  PusherIdentity,
  PusherUnderTest,
  SnapshotResult,
  StateChange,
} from '../types.js';
import type { ProcessExit, PusherProcess, ReadyInfo, RecordSink } from './internal/pusher-process.js';
import type { DeviceScriptJson, ResultMessage } from './protocol.js';

/** What the live runner passes besides attributes and environment. */
export interface ProcessCaseContext {
  /** The case's resolved device script, sent in `create`. */
  devices?: DeviceScriptJson;
}

const NET_STATUS_FIELDS: readonly (keyof NetStatus)[] = [
  'videoBitrate',
  'audioBitrate',
  'videoFps',
  'videoGop',
  'netSpeed',
  'netJitter',
  'videoCache',
  'audioCache',
  'videoWidth',
  'videoHeight',
  'targetBitrate',
];

export class ProcessPusher implements PusherUnderTest {
  readonly #process: PusherProcess;
  readonly #env: PusherEnvironment;
  readonly #stateListeners: ((e: StateChange) => void)[] = [];
  readonly #netListeners: ((s: NetStatus) => void)[] = [];
  readonly #created: Promise<boolean>;
  #identity: PusherIdentity;
  #capabilities: readonly Capability[];
  #disposed = false;

  constructor(
    process: PusherProcess,
    attributes: Partial<PusherAttributes>,
    env: PusherEnvironment,
    context: ProcessCaseContext,
    declared: { identity: PusherIdentity; capabilities: readonly Capability[] },
  ) {
    this.#process = process;
    this.#env = env;
    this.#identity = declared.identity;
    this.#capabilities = declared.capabilities;
    process.on('statechange', (m) => {
      const code = typeof m.code === 'number' ? m.code : Number(m.code);
      if (!Number.isFinite(code)) throw new Error(`code ${JSON.stringify(m.code ?? null)} is not a number`);
      const event: StateChange = { code, message: String(m.message ?? '') };
      for (const l of this.#stateListeners) l(event);
    });
    process.on('netstatus', (m) => {
      const status = {} as NetStatus;
      for (const k of NET_STATUS_FIELDS) status[k] = typeof m[k] === 'number' ? (m[k] as number) : Number.NaN;
      for (const l of this.#netListeners) l(status);
    });
    process.on('log', (m) => {
      const level = ['debug', 'info', 'warn', 'error'].includes(String(m.level))
        ? (m.level as 'debug' | 'info' | 'warn' | 'error')
        : 'info';
      env.log(level, String(m.message ?? ''));
    });
    process.on('device', (m) => {
      const kind = String(m.kind ?? '');
      if (!/^device\.[A-Za-z.]+$/.test(kind) || !m.data || typeof m.data !== 'object')
        throw new Error(
          `a device record needs kind "device.*" and a data object (got ${JSON.stringify(kind)})`,
        );
      process.record(kind, toTrace(m.data) as { [key: string]: TraceValue });
    });
    env.app.onChange((state: AppState) => process.notify({ type: 'app', state }));
    this.#created = process.ready.then(async (ready) => {
      if (!ready) return false;
      this.#identity = ready.identity;
      this.#capabilities = ready.capabilities;
      const result = await process.request(
        {
          type: 'create',
          attributes,
          profile: env.profile,
          viewSize: env.viewSize,
          devices: context.devices,
          app: env.app.state,
        },
        'create',
      );
      if (!result.ok) {
        process.record('pusher.crash', { where: 'create', message: `create refused: ${result.errMsg}` });
        return false;
      }
      return true;
    });
  }

  get identity(): PusherIdentity {
    return this.#identity;
  }

  get capabilities(): readonly Capability[] {
    return this.#capabilities;
  }

  /** Resolves once the process answered `ready` and `create` (false: it never will). */
  whenCreated(): Promise<boolean> {
    return this.#created;
  }

  /** The process's ready answer, once known. */
  get readyInfo(): ReadyInfo | undefined {
    return this.#process.readyInfo;
  }

  /** Where protocol evidence goes (`pusher.crash`, `pusher.protocolError`, `pusher.process`, `device.*`). */
  attachRecords(sink: RecordSink): void {
    this.#process.attach(sink, this.#env.clock);
  }

  /** Resolves when the process has exited (after `dispose`, or by itself). */
  terminated(): Promise<ProcessExit> {
    return this.#process.exited;
  }

  onStateChange(listener: (event: StateChange) => void): void {
    this.#stateListeners.push(listener);
  }

  onNetStatus(listener: (status: NetStatus) => void): void {
    this.#netListeners.push(listener);
  }

  setAttributes(patch: Partial<PusherAttributes>): void {
    void this.#created.then((ok) => {
      if (ok) void this.#process.request({ type: 'setAttributes', attributes: patch }, 'setAttributes');
    });
  }

  start(): Promise<OperationResult> {
    return this.#operation('start');
  }

  stop(): Promise<OperationResult> {
    return this.#operation('stop');
  }

  pause(): Promise<OperationResult> {
    return this.#operation('pause');
  }

  resume(): Promise<OperationResult> {
    return this.#operation('resume');
  }

  switchCamera(): Promise<OperationResult> {
    return this.#operation('switchCamera');
  }

  snapshot(): Promise<OperationResult<SnapshotResult>> {
    return this.#operation('snapshot') as Promise<OperationResult<SnapshotResult>>;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    void this.#process.end();
  }

  async #operation(op: OperationName): Promise<OperationResult> {
    // Never settles when the process is gone or never became ready: the crash is the evidence.
    if (!(await this.#created)) return new Promise<never>(() => {});
    const result = await this.#process.request({ type: op }, op);
    return this.#toOperationResult(result);
  }

  #toOperationResult(result: ResultMessage): OperationResult {
    const { type: _type, id: _id, ok, errMsg, pngBase64, ...extra } = result;
    if (!ok) return { ok: false, errMsg };
    if (typeof pngBase64 === 'string') {
      // The picture itself crosses the protocol; the harness stores it like an in-process pusher's file.
      const bytes = new Uint8Array(Buffer.from(pngBase64, 'base64'));
      extra.pusherPath = extra.tempImagePath ?? null;
      extra.tempImagePath = this.#env.files.writeTemp('.png', bytes);
    }
    return { ok: true, errMsg, ...extra };
  }
}

function toTrace(v: unknown, depth = 0): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.length > 2000 ? `${v.slice(0, 2000)}…` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v;
  if (depth > 8) return '[nested]';
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => toTrace(x, depth + 1));
  if (typeof v === 'object') {
    const out: { [key: string]: TraceValue } = {};
    for (const [k, x] of Object.entries(v as object).slice(0, 100)) out[k] = toTrace(x, depth + 1);
    return out;
  }
  return String(v);
}
