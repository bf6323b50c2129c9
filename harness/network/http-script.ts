import { DnsScript } from './dns-script.js';
import type { HttpAnswer, ResolvedNetwork } from './script.js';

/** What the scripted server does with one request, and which rule/attempt decided it. */
export interface HttpPlan {
  answer: HttpAnswer;
  attempt: number;
  /** Index of the matching rule in the script's `http` list; undefined for HTTP-DNS or the 404 default. */
  rule: number | undefined;
  /** Short description for the trace, e.g. "200", "404", "reset", "truncated@100", "httpdns". */
  scripted: string;
  /** For HTTP-DNS requests: the name asked and the DNS answer used. */
  dns?: { host: string; attempt: number; address?: string; error?: string };
}

const NOT_FOUND: HttpAnswer = {
  kind: 'response',
  status: 404,
  headers: {},
  body: new Uint8Array(0),
  delayUs: 0,
  bodyKbps: undefined,
  truncateAt: undefined,
  wrongBytes: false,
};

/**
 * The scripted HTTP server's decisions, counted per URL (attempt n gets the n-th scripted response, the
 * last repeats; the first matching rule wins; exact URLs or prefixes ending in "*"; no rule: 404).
 * HTTP-DNS requests (`GET http://<httpDns.host><path>?dn=<name>`) are answered from the `dns` table
 * with their own per-name attempt counters: an address → 200 "1.2.3.4", NXDOMAIN → 200 with an empty
 * body, SERVFAIL → 502, TIMEOUT → no answer. Pure bookkeeping: the simulated fetch and the live
 * interceptor both use it, so they serve the same faults.
 */
export class HttpScript {
  readonly #net: ResolvedNetwork;
  readonly #attempts = new Map<string, number>();
  readonly #dns: DnsScript;

  constructor(net: ResolvedNetwork) {
    this.#net = net;
    this.#dns = new DnsScript(net.dns);
  }

  plan(url: string): HttpPlan {
    const attempt = (this.#attempts.get(url) ?? 0) + 1;
    this.#attempts.set(url, attempt);
    const rules = this.#net.http;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.prefix ? url.startsWith(r.url) : url === r.url) {
        const answer = r.answers[Math.min(attempt, r.answers.length) - 1];
        return { answer, attempt, rule: i, scripted: describe(answer) };
      }
    }
    const httpDns = this.#net.httpDns;
    if (httpDns && URL.canParse(url)) {
      const u = new URL(url);
      const name = u.searchParams.get('dn');
      if (u.hostname.toLowerCase() === httpDns.host && u.pathname === httpDns.path && name) {
        return this.#httpDns(name, attempt);
      }
    }
    return { answer: NOT_FOUND, attempt, rule: undefined, scripted: '404 (no rule)' };
  }

  #httpDns(name: string, attempt: number): HttpPlan {
    const { attempt: dnsAttempt, answer } = this.#dns.next(name);
    const base = {
      bodyKbps: undefined,
      truncateAt: undefined,
      wrongBytes: false,
      headers: {},
      delayUs: answer.delayUs,
    };
    let http: HttpAnswer;
    if (answer.kind === 'address') {
      http = { kind: 'response', status: 200, body: new TextEncoder().encode(answer.address), ...base };
    } else if (answer.error === 'NXDOMAIN') {
      http = { kind: 'response', status: 200, body: new Uint8Array(0), ...base };
    } else if (answer.error === 'SERVFAIL') {
      http = { kind: 'response', status: 502, body: new Uint8Array(0), ...base };
    } else {
      http = { kind: 'fault', fault: 'timeout', delayUs: 0 };
    }
    return {
      answer: http,
      attempt,
      rule: undefined,
      scripted: `httpdns ${answer.kind === 'address' ? answer.address : answer.error}`,
      dns: {
        host: name,
        attempt: dnsAttempt,
        ...(answer.kind === 'address' ? { address: answer.address } : { error: answer.error }),
      },
    };
  }
}

function describe(a: HttpAnswer): string {
  if (a.kind === 'fault') return a.fault;
  const parts = [String(a.status)];
  if (a.truncateAt !== undefined) parts.push(`truncated@${a.truncateAt}`);
  if (a.wrongBytes) parts.push('wrong-bytes');
  if (a.bodyKbps !== undefined) parts.push(`slow@${a.bodyKbps}kbps`);
  if (a.delayUs > 0) parts.push(`delay@${a.delayUs / 1000}ms`);
  return parts.join(' ');
}

/** The body bytes a response actually carries: inverted for `wrongBytes`, cut for `truncateAt`. */
export function servedBody(a: Extract<HttpAnswer, { kind: 'response' }>): {
  bytes: Uint8Array;
  declaredLength: number;
} {
  let bytes = a.body;
  if (a.wrongBytes) bytes = bytes.map((b) => b ^ 0xff);
  const declaredLength = bytes.byteLength;
  if (a.truncateAt !== undefined && a.truncateAt < bytes.byteLength) bytes = bytes.subarray(0, a.truncateAt);
  return { bytes, declaredLength };
}
