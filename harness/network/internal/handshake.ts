import type { Micros } from '../../sim/index.js';
import type { ShapedLink } from '../shaped-link.js';

/** When Linux retransmits an unanswered SYN, µs after the first (initial RTO 1 s, doubling). */
export const SYN_RETRY_OFFSETS_US: readonly Micros[] = [0, 1e6, 3e6, 7e6, 15e6, 31e6, 63e6];

export type Window = { fromUs: Micros; untilUs: Micros };

export function inWindows(windows: readonly Window[], t: Micros): boolean {
  for (const w of windows) if (w.fromUs <= t && t < w.untilUs) return true;
  return false;
}

/**
 * The TCP handshake over the scripted links: the first SYN try (SYN_RETRY_OFFSETS_US, before
 * `giveUpUs`) that finds the uplink up and whose answer finds the downlink up. Returns when the SYN
 * reaches the server and when the answer (SYN-ACK, or RST/ICMP for a refusal) reaches the client, or
 * undefined when every try is lost. Handshake packets take propagation delay only (no queueing).
 */
export function handshake(
  t0: Micros,
  giveUpUs: Micros,
  up: { link: ShapedLink; down: readonly Window[] },
  down: { link: ShapedLink; down: readonly Window[] },
): { synAtServer: Micros; answerAtClient: Micros } | undefined {
  for (const offset of SYN_RETRY_OFFSETS_US) {
    if (offset >= giveUpUs) break;
    const ts = t0 + offset;
    if (inWindows(up.down, ts)) continue;
    const synAtServer = ts + up.link.baseDelayAt(ts);
    if (inWindows(down.down, synAtServer)) continue;
    return { synAtServer, answerAtClient: synAtServer + down.link.baseDelayAt(synAtServer) };
  }
  return undefined;
}
