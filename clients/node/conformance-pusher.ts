/**
 * A pusher for the protocol's own conformance checks and for the harness's fault tests
 * (docs/adapter-protocol.md, "Conformance"). It pushes nothing; `start()` behaves as the last path segment
 * of its `url` says:
 * - `ok`: answers ok (after a 1001 statechange);
 * - `throw`: the handler throws synchronously; `reject`: it returns a rejected promise;
 * - `hang`: never settles; `freeze`: blocks its event loop for good (nothing is answered any more);
 * - `fatal`: an uncaught error shortly after (the library reports `fatal` and exits 70);
 * - `exit`: the process exits with status 3 mid-operation;
 * - `garbage`: writes non-protocol lines to stdout, then answers ok.
 * Run: `node --import tsx clients/node/conformance-pusher.ts`.
 */
import { runPusherProcess } from './pusher-process-client.js';

void runPusherProcess({
  identity: { name: 'lpc-conformance-pusher (node)', version: '1.0.0' },
  capabilities: ['events'],
  create(params, host) {
    const behaviour =
      String(params.attributes.url ?? '')
        .split('/')
        .pop() ?? 'ok';
    return {
      start() {
        switch (behaviour) {
          case 'throw':
            throw new Error('start exploded (conformance: throw)');
          case 'reject':
            return Promise.reject(new Error('start rejected (conformance: reject)'));
          case 'hang':
            return new Promise(() => {});
          case 'freeze':
            for (;;) {
              // a pusher stuck in a busy loop: no pong, no result, ever
            }
          case 'fatal':
            setTimeout(() => {
              throw new Error('uncaught (conformance: fatal)');
            }, 10);
            return new Promise(() => {});
          case 'exit':
            setTimeout(() => process.exit(3), 10);
            return new Promise(() => {});
          case 'garbage':
            process.stdout.write(
              'this is not JSON\n{"json": "but no type"}\n[1, 2, 3]\n{"type": "frobnicate"}\n',
            );
            return { ok: true };
          default:
            host.statechange(1001, 'Connected to the server (conformance: ok)');
            return { ok: true };
        }
      },
      stop: () => ({ ok: true }),
      dispose: () => undefined,
    };
  },
});
