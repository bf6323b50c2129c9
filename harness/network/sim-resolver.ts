import { isIP } from 'node:net';
import type { Micros, Scheduler, TraceRecorder } from '../sim/index.js';
import { DNS_ERROR_CODES, dnsError } from './dns-error.js';
import { DnsScript } from './dns-script.js';
import { DEFAULT_DNS_TIMEOUT_US, type LinkName, type ResolvedNetwork } from './script.js';
import type { ResolvedAddress, Resolver } from './types.js';

/** What the resolver needs from its network. */
export interface ResolverNetwork {
  readonly scheduler: Scheduler;
  readonly trace: TraceRecorder | undefined;
  readonly resolved: ResolvedNetwork;
  isDown(link: LinkName, t: Micros): boolean;
  rttAt(t: Micros): Micros;
}

/**
 * Scripted DNS on virtual time (the script's `dns` section, per name and per attempt). An answer arrives
 * one round trip plus its `delayMs` after the query; a query or answer that meets an outage is lost
 * (ETIMEOUT after the default 5 s); TIMEOUT answers reject after their `delayMs` (default 5 s).
 * Errors are shaped like `dns.promises.resolve4`'s: ENOTFOUND, ESERVFAIL, ETIMEOUT. An IP literal
 * resolves to itself.
 */
export class SimResolver implements Resolver {
  readonly #net: ResolverNetwork;
  readonly #script: DnsScript;

  constructor(net: ResolverNetwork) {
    this.#net = net;
    this.#script = new DnsScript(net.resolved.dns);
  }

  /** How many times `host` was asked. */
  attempts(host: string): number {
    return this.#script.attempts(host);
  }

  resolve(host: string): Promise<ResolvedAddress> {
    const net = this.#net;
    const s = net.scheduler;
    const family = isIP(host);
    if (family !== 0) {
      return new Promise((resolve) =>
        s.after(0, () => resolve({ address: host, family: family as 4 | 6 }), 'dns'),
      );
    }
    const { attempt, answer } = this.#script.next(host);
    const t0 = s.now;
    net.trace?.record('net.dns.query', { host, attempt, via: 'dns' });
    const lost = net.isDown('uplink', t0) || net.isDown('downlink', t0 + net.rttAt(t0));
    return new Promise((resolve, reject) => {
      const settle = (
        at: Micros,
        address: string | undefined,
        error: 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT' | undefined,
      ) => {
        s.at(
          at,
          () => {
            net.trace?.record('net.dns.answer', { host, attempt, address, error, via: 'dns' });
            if (address !== undefined && answer.kind === 'address')
              resolve({ address, family: answer.family });
            else reject(dnsError(DNS_ERROR_CODES[error ?? 'SERVFAIL'], host));
          },
          `dns:${host}`,
        );
      };
      if (answer.kind === 'error' && answer.error === 'TIMEOUT')
        settle(t0 + answer.delayUs, undefined, 'TIMEOUT');
      else if (lost) settle(t0 + DEFAULT_DNS_TIMEOUT_US, undefined, 'TIMEOUT');
      else if (answer.kind === 'address')
        settle(t0 + net.rttAt(t0) + answer.delayUs, answer.address, undefined);
      else settle(t0 + net.rttAt(t0) + answer.delayUs, undefined, answer.error);
    });
  }
}
