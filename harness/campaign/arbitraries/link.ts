import fc from 'fast-check';
import type { LinkScript } from '../../network/index.js';
import { sortedTimes } from './internal/time-grid.js';

export interface LinkArbitraryOptions {
  /** The case's length, ms: capacity steps fall inside it. */
  durationMs: number;
  /** At most this many capacity changes after the initial rate. Default 3. */
  maxSteps?: number;
}

/** Capacities, kbit/s: a good rate first (what shrinking returns to), then poorer ones. */
export const LINK_KBPS = [4000, 2500, 1500, 1000, 600, 400, 250, 150] as const;
/** One-way delays, ms: 20 first. */
export const LINK_DELAY_MS = [20, 0, 50, 100, 200, 400] as const;
export const LINK_JITTER_MS = [0, 5, 20, 50] as const;
export const LINK_QUEUE_MS = [1000, 500, 200, 3000] as const;

/**
 * An uplink (docs/network.md "Links"): a capacity, optional capacity steps at random times, a one-way
 * delay with jitter (never above the delay) and a queue limit in ms. Shrinks to a constant 4 Mbit/s link
 * with 20 ms delay, no jitter and 1 s of queue.
 */
export function linkArbitrary(options: LinkArbitraryOptions): fc.Arbitrary<LinkScript> {
  const maxSteps = options.maxSteps ?? 3;
  const kbps = fc.constantFrom(...LINK_KBPS);
  return fc
    .record({
      kbps,
      changes: fc.tuple(
        sortedTimes(1000, options.durationMs - 1000, maxSteps),
        fc.array(kbps, { minLength: maxSteps, maxLength: maxSteps }),
      ),
      delayMs: fc.constantFrom(...LINK_DELAY_MS),
      jitterMs: fc.constantFrom(...LINK_JITTER_MS),
      queueMs: fc.constantFrom(...LINK_QUEUE_MS),
    })
    .map(({ kbps, changes: [times, rates], delayMs, jitterMs, queueMs }) => {
      const link: LinkScript = {};
      if (times.length === 0) link.kbps = kbps;
      else link.steps = [{ atMs: 0, kbps }, ...times.map((atMs, i) => ({ atMs, kbps: rates[i] }))];
      link.delayMs = delayMs;
      const jitter = Math.min(jitterMs, delayMs);
      if (jitter > 0) link.jitterMs = jitter;
      link.queue = { ms: queueMs };
      return link;
    });
}

/** The downlink that goes with an uplink: 10 Mbit/s, the same delay (the server's replies, the observer). */
export function downlinkFor(uplink: LinkScript): LinkScript {
  return { kbps: 10_000, delayMs: uplink.delayMs ?? 0 };
}
