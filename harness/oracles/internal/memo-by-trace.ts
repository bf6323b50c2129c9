import type { TraceRecord } from '../../sim/trace.js';

/**
 * One derived view per trace: every check of a case gets the same trace array (judge.ts), and most of
 * them rebuild the same views (the push model, the media timeline, ...). Views are derived purely from
 * the trace, so building one once per trace gives the same verdicts; a campaign spent a third of its
 * time rebuilding them. Keyed by the array's identity and guarded by its length, so a trace still being
 * appended to (a test building one record by record) is never served a stale view.
 * Callers must treat the view as read-only (it is shared by every check of the case).
 */
export function memoByTrace<T>(
  build: (trace: readonly TraceRecord[]) => T,
): (trace: readonly TraceRecord[]) => T {
  const cache = new WeakMap<readonly TraceRecord[], { length: number; value: T }>();
  return (trace) => {
    const hit = cache.get(trace);
    if (hit !== undefined && hit.length === trace.length) return hit.value;
    const value = build(trace);
    if (freezeViews) deepFreeze(value);
    cache.set(trace, { length: trace.length, value });
    return value;
  };
}

/**
 * `LPC_FREEZE_VIEWS=1` freezes every view, so a check that changes a shared view throws instead of
 * silently changing the verdicts of the checks after it (run the oracle tests with it after adding one).
 */
const freezeViews = process.env.LPC_FREEZE_VIEWS === '1';

function deepFreeze(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return;
  seen.add(value);
  Object.freeze(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v, seen);
  } else {
    for (const v of Object.values(value)) deepFreeze(v, seen);
  }
}
