/**
 * Dating a connection's establishment in a live trace (docs/live-mode.md, "Tolerances").
 *
 * The harness learns that a pusher's TCP connection is established when it handles the relay's accept;
 * a pusher process learns it from its own kernel at the same instant and reports 1001 on its stdout. The
 * two channels reach the harness in either order: a 1001 written a fraction of a millisecond after the
 * kernel completed the handshake can be read (in one batch with an earlier stdout line) before the accept
 * is handled. A 1001 cannot precede the establishment it reports, so when one arrives within `windowUs`
 * before an establishment and no establishment is waiting for it, the establishment's records (net.connect,
 * net.connected, wire.connection) are moved to just before that 1001 and dated at its time; they keep the
 * time the harness handled the accept in `handledAtUs`. Everything else keeps its order. Sequence numbers
 * are renumbered.
 */
import type { TraceRecord } from '../../sim/index.js';

const isEstablishment = (r: TraceRecord | undefined) =>
  r !== undefined && (r.kind === 'net.connect' || r.kind === 'net.connected' || r.kind === 'wire.connection');

export function dateEstablishmentsByReports(
  records: readonly TraceRecord[],
  windowUs = 50_000,
): TraceRecord[] {
  const out: TraceRecord[] = [...records];
  let waiting = false; // an establishment whose 1001 has not come yet
  let orphan = -1; // index (in `out`) of a 1001 that no establishment was waiting for
  for (let i = 0; i < out.length; i++) {
    const r = out[i];
    if (r.kind === 'pusher.event' && r.data.code === 1001) {
      if (waiting) waiting = false;
      else if (orphan < 0) orphan = i;
      continue;
    }
    if (r.kind !== 'net.connect') continue;
    let end = i + 1;
    while (end < out.length && end - i < 3 && isEstablishment(out[end]) && out[end].kind !== 'net.connect')
      end++;
    if (orphan >= 0 && r.t - out[orphan].t <= windowUs) {
      const at = out[orphan].t;
      const trio = out.slice(i, end).map((x) => ({
        ...x,
        t: at,
        data: x.kind === 'net.connected' ? { ...x.data, handledAtUs: x.t } : x.data,
      }));
      out.splice(i, end - i);
      out.splice(orphan, 0, ...trio);
      // The moved 1001 now follows its establishment.
      i = end - 1;
      waiting = false;
    } else {
      i = end - 1;
      waiting = true;
    }
    orphan = -1;
  }
  return out.map((r, seq) => (r.seq === seq ? r : { ...r, seq }));
}
