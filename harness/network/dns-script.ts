import type { DnsAnswer } from './script.js';

/**
 * The scripted DNS answers of one resolver, counted per host name: attempt n gets the n-th scripted
 * answer, the last one repeats; a name with no script is NXDOMAIN. Pure bookkeeping, no clock: the
 * simulated resolver, the simulated HTTP-DNS server and the live interceptor all use it.
 */
export class DnsScript {
  readonly #answers: ReadonlyMap<string, DnsAnswer[]>;
  readonly #attempts = new Map<string, number>();

  constructor(answers: ReadonlyMap<string, DnsAnswer[]>) {
    this.#answers = answers;
  }

  /** The next answer for `host` and the attempt number (1-based) it answers. */
  next(host: string): { attempt: number; answer: DnsAnswer } {
    const key = host.toLowerCase();
    const attempt = (this.#attempts.get(key) ?? 0) + 1;
    this.#attempts.set(key, attempt);
    const list = this.#answers.get(key);
    if (!list) return { attempt, answer: { kind: 'error', error: 'NXDOMAIN', delayUs: 0 } };
    return { attempt, answer: list[Math.min(attempt, list.length) - 1] };
  }

  /** How many times `host` was asked. */
  attempts(host: string): number {
    return this.#attempts.get(host.toLowerCase()) ?? 0;
  }
}
