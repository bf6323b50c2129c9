/**
 * Typed writing of this area's trace records, and the conversions every fake device shares.
 */
import type { Micros } from '../sim/scheduler.js';
import type { TraceRecorder, TraceValue } from '../sim/trace.js';
import type { DeviceRecordData, DeviceRecordKind } from './device-records.js';

/** Where records go: a `TraceRecorder`, or anything with its `record` method. */
export type DeviceTraceSink = Pick<TraceRecorder, 'record'>;

/** Writes the records declared in device-records.ts, with their exact data types. */
export class DeviceTrace {
  readonly #sink: DeviceTraceSink;

  constructor(sink: DeviceTraceSink) {
    this.#sink = sink;
  }

  record<K extends DeviceRecordKind>(kind: K, data: DeviceRecordData[K]): void {
    this.#sink.record(kind, data as unknown as { [key: string]: TraceValue | undefined });
  }
}

/**
 * Anything a pusher passes, as plain JSON for the trace: non-finite numbers and bigints become strings,
 * functions and symbols a placeholder, undefined fields vanish, cycles and deep nesting are cut.
 */
export function toTraceValue(value: unknown, depth = 0): TraceValue {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return null;
    case 'function':
      return '[function]';
    case 'symbol':
      return String(value);
    default:
      break;
  }
  if (value === null) return null;
  if (depth >= 8) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 32).map((v) => toTraceValue(v, depth + 1));
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  const out: { [key: string]: TraceValue } = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined) out[k] = toTraceValue(v, depth + 1);
  }
  return out;
}

/** `toTraceValue` for an arguments object. */
export function traceArgs(args: Record<string, unknown>): { [key: string]: TraceValue } {
  return toTraceValue(args) as { [key: string]: TraceValue };
}

/** Script milliseconds → scheduler microseconds (rounded to the µs). */
export function msToMicros(ms: number): Micros {
  return Math.round(ms * 1000);
}

/** Scheduler microseconds → milliseconds on the pusher's clock. */
export function microsToMs(us: Micros): number {
  return us / 1000;
}
