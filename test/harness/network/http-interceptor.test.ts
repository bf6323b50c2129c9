import http from 'node:http';
import t from 'tap';
import { HttpDnsResolver, type NetworkScript, SimNetwork } from '../../../harness/network/index.js';
import { HttpFaultInterceptor, LiveHttpFetch } from '../../../harness/network/live/index.js';
import { Simulation } from '../../../harness/sim/index.js';

const URL_ = 'http://img.test/wait.png';
const image = new Uint8Array(4000).map((_, i) => (i * 7) & 0xff);
const script: NetworkScript = {
  http: [
    {
      url: URL_,
      responses: [
        { status: 404 },
        { status: 500 },
        { fault: 'reset' },
        { status: 200, body: { bytes: image }, truncateAt: 1000 },
        { status: 200, body: { bytes: image }, wrongBytes: true },
        { fault: 'timeout' },
        { fault: 'refused' },
        { status: 200, body: { bytes: image }, bodyKbps: 400, delayMs: 50 },
      ],
    },
  ],
  httpDns: { host: 'httpdns.test' },
  dns: { 'live.test': ['10.0.0.1', { error: 'NXDOMAIN' }, { error: 'SERVFAIL' }, { error: 'TIMEOUT' }] },
};

const describe = (r: { status: number; body: Uint8Array }) =>
  `${r.status} ${r.body.byteLength} ${Buffer.from(r.body).equals(Buffer.from(image)) ? 'same' : 'different'}`;

async function outcome<T>(p: Promise<T>, show: (v: T) => string): Promise<string> {
  try {
    return `ok ${show(await p)}`;
  } catch (e) {
    return String((e as { code?: string }).code);
  }
}

async function simulated(): Promise<string[]> {
  const sim = new Simulation({ seed: 1 });
  const network = new SimNetwork(sim, { script });
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    let done: string | undefined;
    outcome(network.http.fetch(URL_, { timeoutMs: 300 }), describe).then((o) => {
      done = o;
    });
    await sim.runUntilCondition(() => done !== undefined, sim.now + 10_000_000);
    out.push(done ?? 'pending');
  }
  return out;
}

t.test('real fetch through the interceptor sees the same scripted faults as the simulation', async (t) => {
  const expected = await simulated();
  t.same(expected, [
    'ok 404 0 different',
    'ok 500 0 different',
    'ECONNRESET',
    'ECONNRESET',
    'ok 200 4000 different',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'ok 200 4000 same',
  ]);
  const interceptor = new HttpFaultInterceptor(script).apply();
  t.teardown(() => interceptor.dispose());
  const live = new LiveHttpFetch();
  const seen: string[] = [];
  const started = performance.now();
  for (let i = 0; i < 8; i++) seen.push(await outcome(live.fetch(URL_, { timeoutMs: 300 }), describe));
  t.same(seen, expected, 'fetch');
  // The slow body (4000 bytes at 400 kbit/s, 1500-byte pieces) and the 300 ms timeout took real time.
  t.ok(performance.now() - started > 300 + 50 + 40, 'delays are real');
  t.same(
    interceptor.exchanges.map((e) => `${e.attempt} ${e.scripted} ${e.via}`),
    [
      '1 404 fetch',
      '2 500 fetch',
      '3 reset fetch',
      '4 200 truncated@1000 fetch',
      '5 200 wrong-bytes fetch',
      '6 timeout fetch',
      '7 refused fetch',
      '8 200 slow@400kbps delay@50ms fetch',
    ],
  );
});

t.test('node:http requests are served the same way', async (t) => {
  const interceptor = new HttpFaultInterceptor({
    http: [
      {
        url: 'http://img.test/*',
        responses: [
          { status: 404 },
          { fault: 'reset' },
          { status: 200, body: { text: 'abcdef' }, truncateAt: 3 },
          { status: 200, body: { text: 'abcdef' } },
        ],
      },
    ],
  }).apply();
  t.teardown(() => interceptor.dispose());
  const get = (url: string) =>
    new Promise<string>((resolve) => {
      const req = http.get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(parts).toString()}`));
        res.on('error', (e: NodeJS.ErrnoException) => resolve(`body ${e.code}`));
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(`${e.code} ${e.message}`));
    });
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await get('http://img.test/a.png'));
  t.same(seen, ['404 ', 'ECONNRESET read ECONNRESET', 'body ECONNRESET', '200 abcdef']);
});

t.test('HTTP-DNS over real fetch through the interceptor', async (t) => {
  const interceptor = new HttpFaultInterceptor(script).apply();
  t.teardown(() => interceptor.dispose());
  const resolver = new HttpDnsResolver(new LiveHttpFetch(), { host: 'httpdns.test', timeoutMs: 200 });
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await outcome(resolver.resolve('live.test'), (a) => a.address));
  t.same(seen, ['ok 10.0.0.1', 'ENOTFOUND', 'ESERVFAIL', 'ETIMEOUT']);
});
