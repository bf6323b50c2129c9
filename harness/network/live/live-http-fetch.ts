import { httpError } from '../http-error.js';
import type { HttpErrorCode, HttpFetch, HttpResponse } from '../types.js';

const CODES: readonly HttpErrorCode[] = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH'];

function codeOf(e: unknown): HttpErrorCode {
  for (let x: unknown = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && (CODES as readonly string[]).includes(code)) return code as HttpErrorCode;
    const name = (x as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError') return 'ETIMEDOUT';
  }
  return 'ECONNRESET';
}

/**
 * HttpFetch over the global `fetch` (live mode): what a pusher running on real time is given. The
 * timeout covers the whole exchange (headers and body); failures reject with an HttpError whose `code`
 * is ECONNRESET, ECONNREFUSED, EHOSTUNREACH or ETIMEDOUT (undici's "fetch failed" and "terminated"
 * are unwrapped through their `cause`).
 */
export class LiveHttpFetch implements HttpFetch {
  async fetch(url: string, options: { timeoutMs?: number } = {}): Promise<HttpResponse> {
    const abort = new AbortController();
    // A referenced timer (AbortSignal.timeout's is not): the process must stay up to report the timeout.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => abort.abort(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
            options.timeoutMs,
          );
    try {
      const res = await fetch(url, { signal: abort.signal });
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, body };
    } catch (e) {
      const code = codeOf(e);
      throw httpError(code, url, e instanceof Error ? e.message : String(e));
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
