import type { TraceRecord } from '../../sim/trace.js';
import { linkOutages, outageDuring } from './link-outages.js';
import {
  type Attempt,
  type Connection,
  type Failure,
  type Push,
  type PushModel,
  pushModel,
} from './push-model.js';

/** How long before the pusher's close a link outage counts as the cause of the silence, ms. */
const SILENCE_WINDOW_MS = 10_000;

/**
 * The pusher gave up on a connection that went silent after the RTMP handshake: the network delivers nothing
 * any more (a scripted `half-open` connection, or a link outage in the 10 s before the close), there is no
 * FIN, no reset and no error, and the pusher closes it on its own timeout while the push goes on. That is a
 * failure of the connection (a socket failure after the handshake, 3005) which push-model, reading
 * remote ends and connect/handshake timeouts only, does not see. Undefined otherwise.
 */
export function silentGiveUp(trace: readonly TraceRecord[], c: Connection, p: Push): Failure | undefined {
  if (c.s2Ms === undefined || c.remoteEndMs !== undefined || c.pusherCloseMs === undefined) return undefined;
  if (c.s2Ms > c.pusherCloseMs || c.pusherCloseMs >= p.endMs) return undefined;
  const close = c.pusherCloseMs;
  const silent =
    c.fault === 'half-open' ||
    outageDuring(linkOutages(trace), Math.max(c.s2Ms, close - SILENCE_WINDOW_MS), close) !== undefined;
  if (!silent) return undefined;
  const record = c.records.find(
    (r) =>
      (r.kind === 'wire.close' || (r.kind === 'net.fin' && r.data.link === 'uplink')) && r.t / 1000 >= close,
  );
  return { kind: 'socket', atMs: close, record: record ?? c.connect, expectedCode: 3005 };
}

const cache = new WeakMap<readonly TraceRecord[], PushModel>();

/**
 * The push model with silent give-ups (`silentGiveUp`) counted as failures of their attempts, and the
 * attempts after them as reconnections. A copy: the shared, memoised model is left as it is.
 */
export function pushModelWithGiveUps(trace: readonly TraceRecord[]): PushModel {
  const cached = cache.get(trace);
  if (cached) return cached;
  const m = pushModel(trace);
  let changed = false;
  const pushes = m.pushes.map((p) => {
    const attempts: Attempt[] = [];
    for (const a of p.attempts) {
      const failure = a.failure ?? (a.connection ? silentGiveUp(trace, a.connection, p) : undefined);
      const prev = attempts[attempts.length - 1];
      const reconnection = prev !== undefined && prev.failure !== undefined;
      if (failure !== a.failure || reconnection !== a.reconnection) changed = true;
      attempts.push({ ...a, failure, reconnection });
    }
    return { ...p, attempts };
  });
  const out: PushModel = changed
    ? {
        ...m,
        pushes,
        pushAt: (t) => pushes.find((p) => p.startMs <= t && t < p.endMs),
        pushOfSeq: (seq) => pushes.find((p) => p.startSeq < seq && seq < p.endSeq),
      }
    : m;
  cache.set(trace, out);
  return out;
}
