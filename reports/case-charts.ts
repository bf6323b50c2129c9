import { capacitySeries } from '../harness/network/shaper-log.js';
import type { TraceRecord } from '../harness/sim/trace.js';
import type { CaseCharts } from './report-model.js';

/** Width of a chart window, ms: per-second samples keep report.json small (90 values for a 90 s case). */
export const CHART_STEP_MS = 1000;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** End of the case in µs: `case.end` when recorded (the teardown tail is not charted), else the last record. */
function caseEndUs(records: readonly TraceRecord[]): number {
  const end = records.find((r) => r.kind === 'case.end');
  if (end) return end.t;
  return records.length > 0 ? records[records.length - 1].t : 0;
}

/**
 * The chart of one case, from its trace alone (pure: same records, same series). Per window of
 * `CHART_STEP_MS`: the last `pusher.netstatus` targetBitrate and videoBitrate in the window, the video
 * bytes the server relayed (`observer.tag`, at arrival) as kbit/s, and the uplink capacity the shaper
 * offered (`capacitySeries`, harness/network/shaper-log.ts). See docs/reports.md "Charts".
 */
export function caseCharts(records: readonly TraceRecord[]): CaseCharts {
  const stepUs = CHART_STEP_MS * 1000;
  const endUs = caseEndUs(records);
  const n = Math.max(1, Math.ceil(endUs / stepUs));
  const t = Array.from({ length: n }, (_, i) => (i * CHART_STEP_MS) / 1000);
  const targetKbps: (number | null)[] = new Array(n).fill(null);
  const sentKbps: (number | null)[] = new Array(n).fill(null);
  const receivedBytes: number[] = new Array(n).fill(0);
  let observed = false;
  for (const r of records) {
    const i = Math.floor(r.t / stepUs);
    if (i < 0 || i >= n) continue;
    if (r.kind === 'pusher.netstatus') {
      const target = r.data.targetBitrate;
      const sent = r.data.videoBitrate;
      if (typeof target === 'number' && Number.isFinite(target)) targetKbps[i] = round1(target);
      if (typeof sent === 'number' && Number.isFinite(sent)) sentKbps[i] = round1(sent);
    } else if (r.kind === 'observer.tag') {
      observed = true;
      if (r.data.type === 'video' && typeof r.data.size === 'number') receivedBytes[i] += r.data.size;
    }
  }
  const receivedKbps = receivedBytes.map((b) => (observed ? round1((b * 8) / CHART_STEP_MS) : null));
  let capacityKbps: (number | null)[] = new Array(n).fill(null);
  if (records.some((r) => r.kind === 'net.link' && r.data.link === 'uplink')) {
    capacityKbps = capacitySeries(records, CHART_STEP_MS, { untilUs: n * stepUs }).map((p) =>
      p.kbps === null ? null : round1(p.kbps),
    );
  }
  return { stepMs: CHART_STEP_MS, t, targetKbps, sentKbps, receivedKbps, capacityKbps };
}
