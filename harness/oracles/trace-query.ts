import type { TraceRecord, TraceValue } from '../sim/trace.js';
import { memoByTrace } from './internal/memo-by-trace.js';
import type { Outcome } from './types.js';

/**
 * Small, pure helpers over a trace, shared by every oracle so each check reads like its requirement.
 * Times are virtual milliseconds (records carry µs).
 */
export const ms = (r: TraceRecord): number => r.t / 1000;

/** Records by kind, built once per trace: every check filters the same trace many times. */
const byKind = memoByTrace((trace) => {
  const index = new Map<string, TraceRecord[]>();
  for (const r of trace) {
    const list = index.get(r.kind);
    if (list === undefined) index.set(r.kind, [r]);
    else list.push(r);
  }
  return index;
});

/** Records of a kind (a name or a pattern), in trace order. A fresh array: the caller may change it. */
export function ofKind(trace: readonly TraceRecord[], kind: string | RegExp): TraceRecord[] {
  const index = byKind(trace);
  if (typeof kind === 'string') return index.get(kind)?.slice() ?? [];
  const kinds = [...index.keys()].filter((k) => kind.test(k));
  if (kinds.length === 0) return [];
  if (kinds.length === 1) return index.get(kinds[0])!.slice();
  return trace.filter((r) => kind.test(r.kind));
}

export function firstOf(
  trace: readonly TraceRecord[],
  kind: string,
  where?: (r: TraceRecord) => boolean,
): TraceRecord | undefined {
  return trace.find((r) => r.kind === kind && (!where || where(r)));
}

/** Data field as a number (undefined when absent or not a number). */
export function num(r: TraceRecord | undefined, field: string): number | undefined {
  const v = r?.data[field];
  return typeof v === 'number' ? v : undefined;
}

export function str(r: TraceRecord | undefined, field: string): string | undefined {
  const v = r?.data[field];
  return typeof v === 'string' ? v : undefined;
}

export function field(r: TraceRecord | undefined, field: string): TraceValue | undefined {
  return r?.data[field];
}

/** Pusher events in order: `{t (ms), code, record}`. */
export function events(trace: readonly TraceRecord[]): { t: number; code: number; record: TraceRecord }[] {
  return ofKind(trace, 'pusher.event').map((r) => ({ t: ms(r), code: num(r, 'code') ?? 0, record: r }));
}

export function eventsWithCode(
  trace: readonly TraceRecord[],
  code: number,
): { t: number; code: number; record: TraceRecord }[] {
  return events(trace).filter((e) => e.code === code);
}

/** The case.start record: attributes, profile values, duration, targeted requirements. */
export function caseStart(trace: readonly TraceRecord[]): TraceRecord | undefined {
  return firstOf(trace, 'case.start');
}

/** An attribute of the case at start (raw, as the case gave it). */
export function caseAttribute(trace: readonly TraceRecord[], name: string): TraceValue | undefined {
  const attrs = field(caseStart(trace), 'attributes');
  return attrs && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs[name] : undefined;
}

export function profileValue(trace: readonly TraceRecord[], name: string): number | undefined {
  const p = field(caseStart(trace), 'profileValues');
  const v = p && typeof p === 'object' && !Array.isArray(p) ? p[name] : undefined;
  return typeof v === 'number' ? v : undefined;
}

/** Media tags the server relayed (observer), with arrival time. */
export function serverTags(
  trace: readonly TraceRecord[],
  type?: 'video' | 'audio' | 'script',
): TraceRecord[] {
  return ofKind(trace, 'observer.tag').filter((r) => !type || str(r, 'type') === type);
}

/** Network activity by the pusher: DNS queries, connects, HTTP requests. */
export function networkActivity(trace: readonly TraceRecord[]): TraceRecord[] {
  return trace.filter(
    (r) => r.kind === 'net.dns.query' || r.kind === 'net.connect' || r.kind === 'net.http.request',
  );
}

/** Keep an evidence excerpt short. */
export function excerpt(records: readonly (TraceRecord | undefined)[], max = 20): TraceRecord[] {
  const out = records.filter((r): r is TraceRecord => r !== undefined);
  return out.length <= max ? out : [...out.slice(0, max - 1), out[out.length - 1]];
}

export const pass = (summary: string, extra: Omit<Outcome, 'status' | 'summary'> = {}): Outcome => ({
  status: 'pass',
  summary,
  ...extra,
});
export const fail = (summary: string, extra: Omit<Outcome, 'status' | 'summary'> = {}): Outcome => ({
  status: 'fail',
  summary,
  ...extra,
});
export const notApplicable = (summary: string): Outcome => ({ status: 'not-applicable', summary });
export const indeterminate = (summary: string, extra: Omit<Outcome, 'status' | 'summary'> = {}): Outcome => ({
  status: 'indeterminate',
  summary,
  ...extra,
});
