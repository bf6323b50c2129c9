import { ClientRequestInterceptor } from '@mswjs/interceptors/ClientRequest';
import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { HttpScript, servedBody } from '../http-script.js';
import { networkProfile } from '../profiles.js';
import { parseNetworkScript, type ResolvedNetwork, resolveNetworkScript } from '../script.js';
import type { NetworkScript } from '../script-schema.js';

/** One request the interceptor answered. */
export interface InterceptedExchange {
  url: string;
  attempt: number;
  /** What the script said, e.g. "404", "reset", "200 truncated@100", "httpdns 10.0.0.1". */
  scripted: string;
  via: 'http' | 'fetch';
}

interface RequestEvent {
  request: Request;
  controller: { respondWith(response: Response): void; errorWith(reason?: unknown): void };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function systemError(code: string, url: string): Error & { code: string } {
  const u = new URL(url);
  const syscall = code === 'ECONNRESET' ? 'read' : 'connect';
  const where =
    syscall === 'connect' ? ` ${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}` : '';
  return Object.assign(new Error(`${syscall} ${code}${where}`), { code, syscall });
}

/**
 * Serves a network script's `http` and `httpDns` sections to real `http`/`https` requests and global
 * `fetch` in this process, through @mswjs/interceptors (0.41.x), on real time: the same per-URL,
 * per-attempt answers as the simulated SimHttpFetch (both use HttpScript). Faults look as they do to
 * a real client: a reset or refusal errors the request (fetch: TypeError "fetch failed" with the errno
 * error as `cause`; http: the errno error), a truncated body errors the body stream with ECONNRESET
 * "aborted", `timeout` never answers (the client's own timeout decides), delays and slow bodies use
 * real timers. Unmatched URLs get 404, as in simulation.
 */
export class HttpFaultInterceptor {
  readonly resolved: ResolvedNetwork;
  readonly exchanges: InterceptedExchange[] = [];
  readonly #script: HttpScript;
  readonly #http = new ClientRequestInterceptor();
  readonly #fetch = new FetchInterceptor();
  readonly #hanging = new Set<() => void>();

  constructor(script: NetworkScript | string) {
    const parsed =
      typeof script === 'string' && /^[\w.-]+$/.test(script)
        ? parseNetworkScript(networkProfile(script))
        : parseNetworkScript(script);
    this.resolved = resolveNetworkScript(parsed);
    this.#script = new HttpScript(this.resolved);
  }

  /** Start intercepting (patches http, https and fetch in this process). */
  apply(): this {
    this.#http.apply();
    this.#fetch.apply();
    this.#http.on('request', (e: RequestEvent) => this.#handle(e, 'http'));
    this.#fetch.on('request', (e: RequestEvent) => this.#handle(e, 'fetch'));
    return this;
  }

  /** Restore the real http and fetch; requests left hanging are released (they error). */
  dispose(): void {
    for (const release of this.#hanging) release();
    this.#hanging.clear();
    this.#http.dispose();
    this.#fetch.dispose();
  }

  async #handle({ request, controller }: RequestEvent, via: 'http' | 'fetch'): Promise<void> {
    const url = request.url;
    const plan = this.#script.plan(url);
    this.exchanges.push({ url, attempt: plan.attempt, scripted: plan.scripted, via });
    const answer = plan.answer;
    const fail = (code: string) => {
      const err = systemError(code, url);
      controller.errorWith(via === 'fetch' ? new TypeError('fetch failed', { cause: err }) : err);
    };
    if (answer.delayUs > 0) await sleep(answer.delayUs / 1000);
    if (answer.kind === 'fault') {
      if (answer.fault === 'timeout') {
        // Never answer: the client's timeout decides. Released on dispose so nothing dangles.
        await new Promise<void>((resolve) => {
          const release = () => {
            this.#hanging.delete(release);
            resolve();
          };
          this.#hanging.add(release);
        });
        try {
          fail('ECONNRESET');
        } catch {
          // the client gave up long ago
        }
        return;
      }
      fail(answer.fault === 'refused' ? 'ECONNREFUSED' : 'ECONNRESET');
      return;
    }
    const { bytes, declaredLength } = servedBody(answer);
    const truncated = bytes.byteLength < declaredLength;
    const piece = 1500;
    const intervalMs = answer.bodyKbps === undefined ? 0 : (piece * 8) / answer.bodyKbps;
    let offset = 0;
    const body =
      declaredLength === 0
        ? null
        : new ReadableStream<Uint8Array>({
            async pull(c) {
              if (offset >= bytes.byteLength) {
                if (truncated) c.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
                else c.close();
                return;
              }
              if (intervalMs > 0 && offset > 0) await sleep(intervalMs);
              const end = intervalMs > 0 ? Math.min(bytes.byteLength, offset + piece) : bytes.byteLength;
              c.enqueue(bytes.slice(offset, end));
              offset = end;
            },
          });
    controller.respondWith(
      new Response(body, {
        status: answer.status,
        headers: { 'content-length': String(declaredLength), ...answer.headers },
      }),
    );
  }
}
