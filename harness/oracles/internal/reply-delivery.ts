import type { TraceRecord } from '../../sim/trace.js';
import { ms, num, str } from '../trace-query.js';
import type { Connection } from './push-model.js';

/**
 * When the server's answer written at `atMs` on connection `c` (net numbering) reached the pusher: the
 * downlink delivery that completes every byte the server had written on it by then (the link delivers a
 * connection's bytes in order). `{ deliveredMs }` when it arrived, `{ lost: true }` when the connection ended
 * first (a reset, an outage, a half-open connection), undefined when the trace has no delivery records for the
 * connection (then the caller uses `atMs`). The spec measures the pusher's reactions from what it could
 * observe, and an answer stuck on a slow or dead downlink is not observable yet.
 */
export function replyDelivery(
  c: Connection,
  atMs: number,
): { deliveredMs: number; record: TraceRecord } | { lost: true } | undefined {
  let sent = 0;
  let hasDeliveries = false;
  for (const r of c.records) {
    if (str(r, 'link') !== 'downlink') continue;
    if (r.kind === 'net.send' && ms(r) <= atMs) sent += num(r, 'bytes') ?? 0;
    if (r.kind === 'net.deliver') hasDeliveries = true;
  }
  if (!hasDeliveries) return undefined;
  let delivered = 0;
  for (const r of c.records) {
    if (r.kind !== 'net.deliver' || str(r, 'link') !== 'downlink') continue;
    delivered += num(r, 'bytes') ?? 0;
    if (delivered >= sent) return { deliveredMs: ms(r), record: r };
  }
  return { lost: true };
}
