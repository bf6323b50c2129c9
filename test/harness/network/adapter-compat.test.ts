import t from 'tap';
import type { HttpFetch, Resolver, Transport } from '../../../harness/adapter/types.js';
import { HttpDnsResolver, SimNetwork } from '../../../harness/network/index.js';
import { Simulation } from '../../../harness/sim/index.js';

t.test("the network's transport, resolvers and fetch are the adapter's interfaces", async (t) => {
  const sim = new Simulation({ seed: 1 });
  const network = new SimNetwork(sim, { script: 'wifi-good' });
  // Compile-time checks: these assignments are the test.
  const transport: Transport = network.transport;
  const resolver: Resolver = network.resolver;
  const httpDns: Resolver = network.httpDnsResolver();
  const http: HttpFetch = network.http;
  const overAnyFetch: Resolver = new HttpDnsResolver(http, { host: 'httpdns.test' });
  t.ok(transport && resolver && httpDns && http && overAnyFetch);
});
