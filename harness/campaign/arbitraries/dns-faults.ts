import fc from 'fast-check';
import type { DnsAnswerScript } from '../../network/index.js';
import { rarely } from './internal/rarely.js';

export interface DnsFaultsArbitraryOptions {
  /** The name the pusher resolves (the case's server host). */
  host: string;
  /** Its good answer. */
  address: string;
  /** At most this many failing attempts before the good answer. Default 2. */
  maxFailures?: number;
  /** 1 in (1 + weight) cases fail every later query too. Default 10. */
  persistentWeight?: number;
}

/** A failing answer: NXDOMAIN, SERVFAIL or TIMEOUT, after a delay (ms). */
export function dnsFailureArbitrary(): fc.Arbitrary<DnsAnswerScript> {
  return fc
    .record({
      error: fc.constantFrom('NXDOMAIN' as const, 'SERVFAIL' as const, 'TIMEOUT' as const),
      delayMs: fc.constantFrom(0, 50, 500, 5000),
    })
    .map(({ error, delayMs }) => (delayMs === 0 ? { error } : { error, delayMs }));
}

/**
 * DNS answers per attempt for one host (the network script's `dns`, one answer per query, the last
 * repeating): some failures, then the good address (sometimes slow), or rarely failures for good.
 * `undefined` when every query succeeds at once (the harness's default answer). Shrinks to that.
 */
export function dnsFaultsArbitrary(
  options: DnsFaultsArbitraryOptions,
): fc.Arbitrary<Record<string, DnsAnswerScript[]> | undefined> {
  return fc
    .record({
      failures: fc.array(dnsFailureArbitrary(), { maxLength: options.maxFailures ?? 2 }),
      forever: rarely(dnsFailureArbitrary(), options.persistentWeight ?? 10),
      slowMs: fc.constantFrom(0, 0, 200, 3000),
    })
    .map(({ failures, forever, slowMs }) => {
      const last: DnsAnswerScript =
        forever ?? (slowMs > 0 ? { address: options.address, delayMs: slowMs } : options.address);
      if (failures.length === 0 && last === options.address) return undefined;
      return { [options.host]: [...failures, last] };
    });
}
