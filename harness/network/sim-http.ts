import type { ChannelSink, Micros } from '../sim/index.js';
import { httpError } from './http-error.js';
import { HttpScript, servedBody } from './http-script.js';
import { handshake } from './internal/handshake.js';
import { ShapedChannel } from './shaped-channel.js';
import type { ShapedLink } from './shaped-link.js';
import type { ResolverNetwork } from './sim-resolver.js';
import type { HttpError, HttpFetch, HttpResponse } from './types.js';

/** What the simulated HTTP client needs from its network. */
export interface HttpNetwork extends ResolverNetwork {
  readonly uplink: ShapedLink;
  readonly downlink: ShapedLink;
  nextConnectionId(): number;
}

const CRLF2 = [13, 10, 13, 10];

function indexOfHeadEnd(b: Uint8Array): number {
  outer: for (let i = 0; i + 3 < b.length; i++) {
    for (let j = 0; j < 4; j++) if (b[i + j] !== CRLF2[j]) continue outer;
    return i + 4;
  }
  return -1;
}

/**
 * Scripted HTTP on virtual time (the script's `http` and `httpDns` sections, per URL and per attempt).
 * Each fetch opens its own connection over the shaped links: handshake (outages delay or fail it),
 * the request up, the response down (sharing capacity with everything else), then the server closes.
 * What the client observes matches Node: a status and body; ECONNREFUSED; ECONNRESET for a reset or a
 * body shorter than its Content-Length; ETIMEDOUT when `timeoutMs` passes first (without `timeoutMs` a
 * server that never answers leaves the promise pending, as fetch does). Names are not looked up (HTTP
 * hosts need no `dns` entry); an HTTP fault is scripted on the URL instead.
 */
export class SimHttpFetch implements HttpFetch {
  readonly #net: HttpNetwork;
  readonly #script: HttpScript;

  constructor(net: HttpNetwork) {
    this.#net = net;
    this.#script = new HttpScript(net.resolved);
  }

  fetch(url: string, options: { timeoutMs?: number } = {}): Promise<HttpResponse> {
    const net = this.#net;
    const s = net.scheduler;
    const id = net.nextConnectionId();
    const plan = this.#script.plan(url);
    const trace = net.trace;
    trace?.record('net.http.request', { conn: id, url, attempt: plan.attempt, rule: plan.rule });
    if (plan.dns)
      trace?.record('net.dns.query', { host: plan.dns.host, attempt: plan.dns.attempt, via: 'httpdns' });
    const t0 = s.now;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let up: ShapedChannel | undefined;
      let down: ShapedChannel | undefined;
      const finish = (result: HttpResponse | HttpError) => {
        if (settled) return;
        settled = true;
        s.cancel(timer);
        const failed = result instanceof Error;
        if (failed) {
          up?.abort();
          down?.abort();
        }
        trace?.record('net.http.response', {
          conn: id,
          url,
          attempt: plan.attempt,
          status: failed ? undefined : result.status,
          bytes: failed ? undefined : result.body.byteLength,
          error: failed ? result.code : undefined,
          scripted: plan.scripted,
        });
        if (plan.dns) {
          trace?.record('net.dns.answer', {
            host: plan.dns.host,
            attempt: plan.dns.attempt,
            address: plan.dns.address,
            error: plan.dns.error,
            via: 'httpdns',
          });
        }
        if (failed) reject(result);
        else resolve(result);
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : s.at(
              t0 + Math.round(options.timeoutMs * 1000),
              () =>
                finish(httpError('ETIMEDOUT', url, `no complete response within ${options.timeoutMs} ms`)),
              `http${id}:timeout`,
            );
      const hs = handshake(
        t0,
        net.resolved.connectTimeoutUs,
        { link: net.uplink, down: net.resolved.downWindows.uplink },
        { link: net.downlink, down: net.resolved.downWindows.downlink },
      );
      const answer = plan.answer;
      if (!hs) {
        s.at(
          t0 + net.resolved.connectTimeoutUs,
          () => finish(httpError('ETIMEDOUT', url, 'connect timed out')),
          `http${id}`,
        );
        return;
      }
      if (answer.kind === 'fault' && answer.fault === 'refused') {
        s.at(
          hs.answerAtClient + answer.delayUs,
          () => finish(httpError('ECONNREFUSED', url, 'connection refused')),
          `http${id}`,
        );
        return;
      }
      s.at(
        hs.answerAtClient,
        () => {
          if (settled) return;
          const u = new URL(url);
          const request = new TextEncoder().encode(
            `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`,
          );
          const received: Uint8Array[] = [];
          let requestArrived = 0;
          const upCh = new ShapedChannel(s, net.uplink, { conn: id, label: `http${id}:up` });
          const downCh = new ShapedChannel(s, net.downlink, { conn: id, label: `http${id}:down` });
          up = upCh;
          down = downCh;
          const serverSink: ChannelSink = {
            deliver: (c) => {
              requestArrived += c.byteLength;
              if (requestArrived === request.byteLength) respond(s.now);
            },
            fin: () => {},
          };
          const clientSink: ChannelSink = {
            deliver: (c) => received.push(c),
            fin: () => complete(),
          };
          upCh.attach(serverSink);
          downCh.attach(clientSink);
          upCh.send(request);
          upCh.end();
          const respond = (tReq: Micros) => {
            if (answer.kind === 'fault') {
              if (answer.fault === 'reset') {
                s.at(
                  tReq + answer.delayUs,
                  () => finish(httpError('ECONNRESET', url, 'connection reset by peer')),
                  `http${id}`,
                );
              }
              return; // 'timeout': the server never answers
            }
            const { bytes, declaredLength } = servedBody(answer);
            const head = [`HTTP/1.1 ${answer.status} Scripted`, `content-length: ${declaredLength}`];
            for (const [k, v] of Object.entries(answer.headers)) head.push(`${k}: ${v}`);
            const headBytes = new TextEncoder().encode(`${head.join('\r\n')}\r\n\r\n`);
            const start = tReq + answer.delayUs;
            s.at(
              start,
              () => {
                if (settled) return;
                downCh.send(headBytes);
                if (answer.bodyKbps === undefined) {
                  if (bytes.byteLength > 0) downCh.send(bytes);
                  downCh.end();
                  return;
                }
                // Slow body: 1500-byte pieces released at the scripted rate, on top of the link.
                const piece = 1500;
                const intervalUs = (piece * 8000) / answer.bodyKbps;
                const pieces = Math.ceil(bytes.byteLength / piece);
                for (let i = 0; i < pieces; i++) {
                  s.at(
                    start + Math.round(i * intervalUs),
                    () => {
                      if (settled) return;
                      downCh.send(bytes.subarray(i * piece, Math.min(bytes.byteLength, (i + 1) * piece)));
                      if (i === pieces - 1) downCh.end();
                    },
                    `http${id}:body`,
                  );
                }
                if (pieces === 0) downCh.end();
              },
              `http${id}:respond`,
            );
          };
          const complete = () => {
            const all = Buffer.concat(received);
            const headEnd = indexOfHeadEnd(all);
            if (headEnd < 0) {
              finish(httpError('ECONNRESET', url, 'connection closed before the response head'));
              return;
            }
            const headText = all.subarray(0, headEnd).toString('latin1');
            const status = Number(headText.slice(9, 12));
            const length = Number(/content-length: (\d+)/i.exec(headText)?.[1] ?? '0');
            const body = all.subarray(headEnd);
            if (body.byteLength < length) {
              finish(
                httpError(
                  'ECONNRESET',
                  url,
                  `aborted: body truncated at ${body.byteLength} of ${length} bytes`,
                ),
              );
              return;
            }
            finish({ status, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
          };
        },
        `http${id}:connect`,
      );
    });
  }
}
