import type { TraceRecord } from '../../sim/trace.js';
import { ms, str } from '../trace-query.js';

/**
 * Back-pressure this long, without relief, before the pusher closes a publishing connection itself makes
 * that close a socket failure (a send timeout, 3005): the pusher gave up a connection the network no longer
 * drained (a half-open peer, an endless outage). The reference pusher's deadline is 20 s (docs/pusher.md
 * "Stall deadline"); any deadline of at least this long is accepted.
 */
export const STALLED_CLOSE_MIN_MS = 10_000;

export interface StalledClose {
  /** The pusher's close (its FIN or its socket's close), ms. */
  atMs: number;
  /** Start of the back-pressure that lasted until the close (`net.stall` with no `net.drain` after), ms. */
  stalledSinceMs: number;
  /** The `net.stall` record. */
  record: TraceRecord;
}

/**
 * Whether a connection was closed by the pusher while its uplink had been stalled for at least
 * `minStallMs`: `records` are the connection's own records in trace order (the push model's
 * `Connection.records`), `pusherCloseMs` its close by the pusher (undefined: it did not close it).
 * A close at the end of the push (stop(), url change) is the caller's to exempt.
 */
export function stalledClose(
  records: readonly TraceRecord[],
  pusherCloseMs: number | undefined,
  minStallMs = STALLED_CLOSE_MIN_MS,
): StalledClose | undefined {
  if (pusherCloseMs === undefined) return undefined;
  let open: TraceRecord | undefined;
  for (const r of records) {
    if (ms(r) > pusherCloseMs) break;
    if (str(r, 'link') !== 'uplink') continue;
    if (r.kind === 'net.stall') open ??= r;
    else if (r.kind === 'net.drain') open = undefined;
  }
  if (!open || pusherCloseMs - ms(open) < minStallMs) return undefined;
  return { atMs: pusherCloseMs, stalledSinceMs: ms(open), record: open };
}
