import type {
  NetStatus,
  OperationName,
  OperationResult,
  PusherAttributes,
  PusherUnderTest,
  StateChange,
} from '../adapter/types.js';
import type { TraceRecorder, TraceValue } from '../sim/index.js';

/** Every operation the harness can ask of a pusher, plus attribute updates. */
export type PusherAction =
  | { op: OperationName }
  | { op: 'setAttributes'; attributes: Partial<PusherAttributes> };

/**
 * Puts a pusher under observation: every event, net-status record, operation call and result goes into the
 * trace with its virtual time, and anything the pusher throws is caught and recorded as `pusher.crash`
 * instead of taking the harness down. The pusher is untrusted: its strings are recorded as data.
 *
 * Records: `pusher.event` {code, message}, `pusher.netstatus` {...}, `pusher.op` {op, id, phase:
 * 'call'|'result', ok?, errMsg?, extra?}, `pusher.attributes` {attributes}, `pusher.crash` {where, message}.
 */
export class RecordedPusher {
  readonly #pusher: PusherUnderTest;
  readonly #trace: TraceRecorder;
  #nextOp = 1;
  readonly #pending = new Map<number, string>();
  #crashed = false;

  constructor(pusher: PusherUnderTest, trace: TraceRecorder) {
    this.#pusher = pusher;
    this.#trace = trace;
    this.#guard('onStateChange', () =>
      pusher.onStateChange((e: StateChange) => {
        this.#trace.record('pusher.event', { code: toNumber(e?.code), message: String(e?.message ?? '') });
      }),
    );
    this.#guard('onNetStatus', () =>
      pusher.onNetStatus((s: NetStatus) => this.#trace.record('pusher.netstatus', plainNumbers(s))),
    );
  }

  get pusher(): PusherUnderTest {
    return this.#pusher;
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  /** Operations called but not answered yet (evidence for a hang). */
  get pendingOperations(): string[] {
    return [...this.#pending.values()];
  }

  /** Perform an action now. Never throws; the outcome is in the trace. */
  perform(action: PusherAction): void {
    const id = this.#nextOp++;
    if (action.op === 'setAttributes') {
      this.#trace.record('pusher.attributes', { id, attributes: plainJson(action.attributes) });
      this.#guard('setAttributes', () => this.#pusher.setAttributes(action.attributes));
      return;
    }
    const op = action.op;
    this.#trace.record('pusher.op', { op, id, phase: 'call' });
    this.#pending.set(id, op);
    let promise: Promise<OperationResult>;
    try {
      promise = Promise.resolve(this.#pusher[op]() as Promise<OperationResult>);
    } catch (e) {
      this.#pending.delete(id);
      this.#crash(op, e);
      return;
    }
    promise.then(
      (result) => {
        this.#pending.delete(id);
        const { ok, errMsg, ...extra } = (result ?? {}) as OperationResult & Record<string, unknown>;
        this.#trace.record('pusher.op', {
          op,
          id,
          phase: 'result',
          ok: ok === true,
          errMsg: String(errMsg ?? ''),
          extra: plainJson(extra),
        });
      },
      (e: unknown) => {
        this.#pending.delete(id);
        this.#crash(op, e);
      },
    );
  }

  /** End of case: release the pusher. */
  dispose(): void {
    for (const [id, op] of this.#pending) this.#trace.record('pusher.op', { op, id, phase: 'unanswered' });
    this.#guard('dispose', () => this.#pusher.dispose());
  }

  #guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#crash(where, e);
    }
  }

  #crash(where: string, e: unknown): void {
    this.#crashed = true;
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const stack = e instanceof Error && e.stack ? e.stack.split('\n').slice(0, 6).join('\n') : '';
    this.#trace.record('pusher.crash', { where, message, stack });
  }
}

function toNumber(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function plainNumbers(s: NetStatus): Record<string, TraceValue> {
  const out: Record<string, TraceValue> = {};
  for (const [k, v] of Object.entries(s ?? {}))
    out[k] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  return out;
}

/** Untrusted values to plain JSON (bounded depth, no functions, no non-finite numbers). */
export function plainJson(v: unknown, depth = 0): TraceValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.length > 2000 ? `${v.slice(0, 2000)}…` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (depth > 4) return '…';
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => plainJson(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, TraceValue> = {};
    for (const k of Object.keys(v as object).slice(0, 100))
      out[k] = plainJson((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return String(v);
}
