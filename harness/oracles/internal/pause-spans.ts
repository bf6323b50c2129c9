import type { TraceRecord } from '../../sim/trace.js';
import { pushModel } from './push-model.js';

/** A span of the trace during which the app had paused the push (ms, and trace order). */
export interface PauseSpan {
  fromMs: number;
  fromSeq: number;
  /** The resume() call or the end of the push that ended it (Infinity: the end of the case). */
  toMs: number;
  toSeq: number;
  call: TraceRecord;
}

/**
 * The pauses of a trace: from a pause() call during a push (not refused) to the next resume() call (not
 * refused) or the end of that push. A start() on a paused push ("already pushing") does not end the pause.
 * A paused push writes no media (operations/pause/1), so requirements about media flowing after a publish
 * cannot be judged inside these spans.
 */
export function pauseSpans(trace: readonly TraceRecord[]): PauseSpan[] {
  const m = pushModel(trace);
  const out: PauseSpan[] = [];
  let current: PauseSpan | undefined;
  let endSeq = Number.POSITIVE_INFINITY;
  for (const o of m.ops) {
    if (current && o.call.seq > endSeq) current = undefined;
    if (o.op === 'pause' && o.ok !== false && !current) {
      const p = m.pushOfSeq(o.call.seq);
      if (!p) continue;
      current = {
        fromMs: o.callMs,
        fromSeq: o.call.seq,
        toMs: p.endMs,
        toSeq: p.endSeq,
        call: o.call,
      };
      endSeq = p.endSeq;
      out.push(current);
    } else if (o.op === 'resume' && o.ok !== false && current) {
      current.toMs = o.callMs;
      current.toSeq = o.call.seq;
      current = undefined;
    }
  }
  return out;
}

/** The pause span overlapping `[from, to]` (ms), if any. */
export function pausedDuring(spans: readonly PauseSpan[], from: number, to: number): PauseSpan | undefined {
  return spans.find((s) => s.fromMs <= to && s.toMs > from);
}
