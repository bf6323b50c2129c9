import { isIP } from 'node:net';
import { dnsError } from './dns-error.js';
import type { HttpFetch, ResolvedAddress, Resolver } from './types.js';

export interface HttpDnsResolverOptions {
  /** Host of the HTTP-DNS service, e.g. "httpdns.test". */
  host: string;
  /** Path of the query, e.g. "/d" (the name goes in `?dn=`). */
  path: string;
  /** Give up (ETIMEOUT) after this long. Default 5000. */
  timeoutMs: number;
}

/**
 * HTTP-DNS resolution (Tencent/Aliyun style): `GET http://<host><path>?dn=<name>` answers "1.2.3.4"
 * (or a ";"-separated list, the first is used). Works over any HttpFetch: the simulated one, or real
 * fetch in live mode. Maps outcomes to Node's dns codes: empty body → ENOTFOUND, non-200 or garbage →
 * ESERVFAIL, timeout → ETIMEOUT (syscall "httpdns").
 */
export class HttpDnsResolver implements Resolver {
  readonly #http: HttpFetch;
  readonly #options: HttpDnsResolverOptions;

  constructor(http: HttpFetch, options: Partial<HttpDnsResolverOptions> & { host: string }) {
    this.#http = http;
    this.#options = { path: '/d', timeoutMs: 5000, ...options };
  }

  async resolve(name: string): Promise<ResolvedAddress> {
    const literal = isIP(name);
    if (literal !== 0) return { address: name, family: literal as 4 | 6 };
    const { host, path, timeoutMs } = this.#options;
    const url = `http://${host}${path}?dn=${encodeURIComponent(name)}`;
    let res: { status: number; body: Uint8Array };
    try {
      res = await this.#http.fetch(url, { timeoutMs });
    } catch (e) {
      throw dnsError(
        (e as { code?: string }).code === 'ETIMEDOUT' ? 'ETIMEOUT' : 'ESERVFAIL',
        name,
        'httpdns',
      );
    }
    if (res.status !== 200) throw dnsError('ESERVFAIL', name, 'httpdns');
    const first =
      new TextDecoder()
        .decode(res.body)
        .trim()
        .split(/[;,\s]+/)[0] ?? '';
    if (first === '') throw dnsError('ENOTFOUND', name, 'httpdns');
    const family = isIP(first);
    if (family === 0) throw dnsError('ESERVFAIL', name, 'httpdns');
    return { address: first, family: family as 4 | 6 };
  }
}
