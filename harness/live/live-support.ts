/**
 * Which cases can run live (docs/live-mode.md, "What runs live"). A case runs live when it says
 * `live: true` and uses only what real time and real sockets can reproduce; anything else is sim-only and
 * UNSUPPORTED in live mode, with the reason, never a FAIL.
 */
import type { CaseDefinition } from '../runner/case-schema.js';
import { SERVER_HOST } from '../runner/run-case.js';

/** Connection faults that act before the connection is established: a real kernel has accepted by then. */
const PRE_ESTABLISHMENT_FAULTS = new Set(['refused', 'unreachable', 'timeout']);

export type LiveSupport = { ok: true } | { ok: false; reason: string };

export function liveSupport(def: CaseDefinition): LiveSupport {
  const no = (reason: string): LiveSupport => ({ ok: false, reason: `sim-only: ${reason}` });
  if (!def.live) return no('the case is not marked `live: true`');
  const n = def.network;
  const dnsHosts = Object.keys(n.dns ?? {}).filter((h) => h.toLowerCase() !== SERVER_HOST);
  if (dnsHosts.length > 0)
    return no(`scripted DNS answers (${dnsHosts.join(', ')}) need the simulated resolver`);
  if (n.httpDns) return no('HTTP-DNS answers need the simulated network');
  if ((n.http ?? []).length > 0) return no('scripted HTTP answers need the simulated network');
  if (def.waitingImage) return no('the waiting image is served by the simulated HTTP server');
  if (def.server.squatter) return no('the busy-URL squatter runs inside the simulation');
  for (const [i, c] of (n.connections ?? []).entries()) {
    if (PRE_ESTABLISHMENT_FAULTS.has(c.fault))
      return no(
        `connections[${i}] fault "${c.fault}" acts before a real kernel has already accepted the connection`,
      );
  }
  return { ok: true };
}
