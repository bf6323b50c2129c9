import type { TraceRecord, TraceValue } from '../../sim/trace.js';
import { field, ms, num, ofKind, str } from '../trace-query.js';
import { memoByTrace } from './memo-by-trace.js';

/** One operation call and its settlement (`pusher.op` records). Times in ms. */
export interface Operation {
  op: string;
  id: number;
  callMs: number;
  call: TraceRecord;
  result?: TraceRecord;
  resultMs?: number;
  ok?: boolean;
  errMsg?: string;
  extra?: Record<string, TraceValue>;
  /** Still pending when the pusher was disposed. */
  unanswered: boolean;
  /** Every result record with this id (more than one is a double settlement). */
  results: TraceRecord[];
}

function buildOperations(trace: readonly TraceRecord[]): Operation[] {
  const byId = new Map<number, Operation>();
  const out: Operation[] = [];
  for (const r of ofKind(trace, 'pusher.op')) {
    const id = num(r, 'id') ?? -1;
    const phase = str(r, 'phase');
    if (phase === 'call') {
      const o: Operation = {
        op: str(r, 'op') ?? '',
        id,
        callMs: ms(r),
        call: r,
        unanswered: false,
        results: [],
      };
      byId.set(id, o);
      out.push(o);
      continue;
    }
    const o = byId.get(id);
    if (!o) continue;
    if (phase === 'unanswered') {
      o.unanswered = true;
      continue;
    }
    o.results.push(r);
    if (o.result) continue;
    o.result = r;
    o.resultMs = ms(r);
    o.ok = field(r, 'ok') === true;
    o.errMsg = str(r, 'errMsg') ?? '';
    const extra = field(r, 'extra');
    o.extra = extra && typeof extra === 'object' && !Array.isArray(extra) ? extra : {};
  }
  return out;
}

/** Memoised per trace (see memo-by-trace.ts): every check of a case shares one. */
export const operations = memoByTrace(buildOperations);
