import t from 'tap';
import { EmbeddedMediaServer } from '../../../harness/server/embedded-media-server.js';
import { createSocketPair, Simulation } from '../../../harness/sim/index.js';

/**
 * A finished case must leave nothing reachable from the process's roots: node:http's parser of an HTTP
 * connection is held by a global handle until freed, and it kept every case alive (a campaign worker's
 * heap grew ~1.3 MB per case). Unbinding the case frees it, without closing the socket.
 */
t.test('unbinding a case frees the HTTP parser of each of its HTTP connections', async (t) => {
  const sim = new Simulation({ seed: 1 });
  sim.installGlobals();
  const server = EmbeddedMediaServer.get();
  const unbind = server.bind({ trace: sim.trace, scheduler: sim.scheduler, policy: {} });
  const pair = createSocketPair(sim.scheduler, { label: 'http', direct: { delayUs: 1_000 } });
  server.acceptHttp(pair.server);
  pair.client.write('GET /live/parser-release.flv HTTP/1.1\r\nHost: media.lpc.test\r\n\r\n');
  await sim.runFor(100_000);
  const socket = pair.server as unknown as { parser?: unknown; destroyed: boolean };
  t.ok(socket.parser, 'node:http attached a parser to the connection');
  unbind();
  t.equal(socket.parser ?? null, null, 'the parser is released with the case');
  t.notOk(socket.destroyed, 'the socket itself is left alone (its close would run after the case)');
  sim.dispose();
});
