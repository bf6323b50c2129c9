import type { TraceRecord } from '../../sim/trace.js';
import { num, ofKind } from '../trace-query.js';
import { tagWrites } from './tag-write-times.js';

/** An AVC sequence header at the server with the size flv.js decoded from its SPS. */
export interface SequenceHeader {
  arrival: number;
  ts: number;
  index: number;
  width: number;
  height: number;
  /** Estimated pusher-side write time (internal/tag-write-times.ts): at most the arrival. */
  written: number;
  /** Index of the server publish it arrived in (0-based). */
  segment: number;
  record: TraceRecord;
}

export function sequenceHeaders(trace: readonly TraceRecord[]): SequenceHeader[] {
  const configs = new Map<number, TraceRecord>();
  for (const r of ofKind(trace, 'observer.videoConfig')) configs.set(num(r, 'atTag') ?? -1, r);
  const out: SequenceHeader[] = [];
  for (const w of tagWrites(trace)) {
    if (w.type !== 'video' || !w.header) continue;
    const index = num(w.record, 'index') ?? -1;
    const c = configs.get(index);
    const width = num(c, 'width');
    const height = num(c, 'height');
    if (width === undefined || height === undefined) continue;
    out.push({
      arrival: w.arrival,
      ts: w.ts,
      index,
      width,
      height,
      written: w.written,
      segment: w.segment,
      record: w.record,
    });
  }
  return out;
}
