import dgram from 'node:dgram';
import dns from 'node:dns';
import t from 'tap';
import { type NetworkScript, SimNetwork } from '../../../harness/network/index.js';
import { Simulation } from '../../../harness/sim/index.js';

function world(script: Partial<NetworkScript>) {
  const sim = new Simulation({ seed: 3 });
  const network = new SimNetwork(sim, {
    script: { uplink: { kbps: 1000, delayMs: 20 }, downlink: { kbps: 800, delayMs: 30 }, ...script },
  });
  return { sim, network };
}

type Outcome = string;
/** Run an async call on virtual time and describe what the client saw, with the virtual time. */
async function observe<T>(
  sim: Simulation,
  p: Promise<T>,
  describe: (v: T) => string,
  limitUs = 60_000_000,
): Promise<Outcome> {
  const t0 = sim.now;
  let out: string | undefined;
  p.then(
    (v) => {
      out = `${(sim.now - t0) / 1000} ok ${describe(v)}`;
    },
    (e: { code?: string; message?: string }) => {
      out = `${(sim.now - t0) / 1000} ${e.code}`;
    },
  );
  await sim.runUntilCondition(() => out !== undefined, sim.now + limitUs);
  return out ?? 'pending';
}

/** A DNS server on loopback answering every query with `rcode` (or never), to get real Node errors. */
async function realDnsError(
  rcode: number | 'silent',
  name: string,
): Promise<NodeJS.ErrnoException & { hostname?: string }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    if (rcode === 'silent') return;
    const reply = Buffer.from(msg);
    reply[2] = 0x81;
    reply[3] = 0x80 | rcode;
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const resolver = new dns.promises.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${sock.address().port}`]);
  try {
    await resolver.resolve4(name);
    throw new Error('resolved');
  } catch (e) {
    return e as NodeJS.ErrnoException;
  } finally {
    sock.close();
  }
}

t.test('DNS answers follow the script per attempt, one RTT plus the scripted delay', async (t) => {
  const { sim, network } = world({
    dns: {
      'live.test': [
        { error: 'SERVFAIL' },
        { error: 'TIMEOUT', delayMs: 2000 },
        { address: '10.0.0.1', delayMs: 300 },
        '10.0.0.9',
      ],
    },
  });
  const seen: string[] = [];
  for (let i = 0; i < 5; i++)
    seen.push(await observe(sim, network.resolver.resolve('live.test'), (a) => a.address));
  seen.push(await observe(sim, network.resolver.resolve('nowhere.test'), (a) => a.address));
  t.same(seen, [
    '50 ESERVFAIL',
    '2000 ETIMEOUT',
    '350 ok 10.0.0.1',
    '50 ok 10.0.0.9',
    '50 ok 10.0.0.9',
    '50 ENOTFOUND',
  ]);
  t.equal(network.resolver.attempts('live.test'), 5);
  const answers = sim.trace.records
    .filter((r) => r.kind === 'net.dns.answer')
    .map((r) => [r.data.attempt, r.data.address ?? r.data.error]);
  t.same(answers, [
    [1, 'SERVFAIL'],
    [2, 'TIMEOUT'],
    [3, '10.0.0.1'],
    [4, '10.0.0.9'],
    [5, '10.0.0.9'],
    [1, 'NXDOMAIN'],
  ]);
});

t.test('DNS errors are shaped like real Node resolver errors', async (t) => {
  const { sim, network } = world({
    dns: {
      'a.test': { error: 'NXDOMAIN' },
      'b.test': { error: 'SERVFAIL' },
      'c.test': { error: 'TIMEOUT', delayMs: 10 },
    },
  });
  for (const [name, rcode] of [
    ['a.test', 3],
    ['b.test', 2],
    ['c.test', 'silent'],
  ] as const) {
    let ours: (Error & { code?: string; syscall?: string; hostname?: string; errno?: unknown }) | undefined;
    network.resolver.resolve(name).catch((e) => {
      ours = e;
    });
    await sim.runFor(1_000_000);
    const real = await realDnsError(rcode, name);
    t.equal(ours?.code, real.code, `${name}: code ${real.code}`);
    t.equal(ours?.message, real.message, `${name}: message "${real.message}"`);
    t.equal(ours?.syscall, real.syscall);
    t.equal(ours?.hostname, real.hostname);
    t.equal(ours?.errno, real.errno);
  }
});

t.test('a wrong address resolves, then fails to connect', async (t) => {
  const { sim, network } = world({ dns: { 'live.test': '10.0.0.9' }, connectTimeoutMs: 10_000 });
  network.listen('10.0.0.1', 1935, () => {});
  const address =
    (await observe(sim, network.resolver.resolve('live.test'), (a) => a.address)).split(' ').pop() ?? '';
  const c = network.transport.connect({ host: address, port: 1935 });
  let seen = '';
  c.on('error', (e: NodeJS.ErrnoException) => {
    seen = e.code ?? '';
  });
  await sim.runFor(20_000_000);
  t.equal(seen, 'ETIMEDOUT');
});

t.test('a DNS query during an outage is lost: ETIMEOUT after 5 s', async (t) => {
  const { sim, network } = world({
    dns: { 'live.test': '10.0.0.1' },
    toxics: [{ type: 'down', atMs: 0, untilMs: 1000 }],
  });
  t.equal(await observe(sim, network.resolver.resolve('live.test'), (a) => a.address), '5000 ETIMEOUT');
  t.equal(await observe(sim, network.resolver.resolve('live.test'), (a) => a.address), '50 ok 10.0.0.1');
});

const image = new Uint8Array(4000).map((_, i) => (i * 7) & 0xff);
const imageB64 = Buffer.from(image).toString('base64');

t.test('HTTP faults observed by the client are exactly the scripted ones, per attempt', async (t) => {
  const url = 'http://img.test/wait.png';
  const { sim, network } = world({
    http: [
      {
        url,
        responses: [
          { status: 404 },
          { status: 500 },
          { fault: 'reset' },
          { status: 200, body: { base64: imageB64 }, truncateAt: 1000 },
          { status: 200, body: { base64: imageB64 }, wrongBytes: true },
          { fault: 'timeout' },
          { fault: 'refused' },
          { status: 200, body: { base64: imageB64 } },
        ],
      },
    ],
  });
  const seen: string[] = [];
  const describe = (r: { status: number; body: Uint8Array }) =>
    `${r.status} ${r.body.byteLength} ${Buffer.from(r.body).equals(Buffer.from(image)) ? 'same' : 'different'}`;
  for (let i = 0; i < 8; i++)
    seen.push(await observe(sim, network.http.fetch(url, { timeoutMs: 3000 }), describe));
  // Handshake 50 ms; the 61-byte request takes 0.488 ms at 1 Mbit/s + 20 ms; the response head (+ body)
  // goes down at 800 kbit/s + 30 ms. Resets hit at the server's instant; a refusal comes after one RTT.
  t.same(seen, [
    '100.928 ok 404 0 different',
    '100.928 ok 500 0 different',
    '70.488 ECONNRESET',
    '110.958 ECONNRESET',
    '140.958 ok 200 4000 different',
    '3000 ETIMEDOUT',
    '50 ECONNREFUSED',
    '140.958 ok 200 4000 same',
  ]);
  const scripted = sim.trace.records
    .filter((r) => r.kind === 'net.http.response')
    .map((r) => `${r.data.attempt} ${r.data.scripted} → ${r.data.status ?? r.data.error}`);
  t.same(scripted, [
    '1 404 → 404',
    '2 500 → 500',
    '3 reset → ECONNRESET',
    '4 200 truncated@1000 → ECONNRESET',
    '5 200 wrong-bytes → 200',
    '6 timeout → ETIMEDOUT',
    '7 refused → ECONNREFUSED',
    '8 200 → 200',
  ]);
});

t.test(
  'HTTP timing: handshake, request up, time to first byte, body through the downlink or at a slow rate',
  async (t) => {
    const url = 'http://img.test/slow.png';
    const { sim, network } = world({
      http: [
        {
          url,
          responses: [
            { status: 200, body: { size: 8000 }, delayMs: 500 },
            { status: 200, body: { size: 8000 }, bodyKbps: 16 },
          ],
        },
      ],
    });
    const a = await observe(sim, network.http.fetch(url), (r) => String(r.body.byteLength));
    const b = await observe(sim, network.http.fetch(url), (r) => String(r.body.byteLength));
    // RTT 50 ms; the request (~70 B) reaches the server ~70 ms in; 500 ms later the head and 8000 bytes go
    // down at 800 kbit/s (~81 ms) plus 30 ms of propagation.
    const [ta] = a.split(' ').map(Number);
    t.ok(ta > 640 && ta < 700, `first byte delayed by 500 ms: ${a}`);
    // 8000 bytes at 16 kbit/s: 6 pieces of 1500 released 750 ms apart (last at 3.75 s).
    const [tb] = b.split(' ').map(Number);
    t.ok(tb > 3800 && tb < 3900, `slow body: ${b}`);
  },
);

t.test('HTTP-DNS: the dns answers served over HTTP, with the same faults mapped to dns codes', async (t) => {
  const { sim, network } = world({
    httpDns: { host: 'httpdns.test' },
    dns: {
      'live.test': [
        '10.0.0.1',
        { error: 'NXDOMAIN' },
        { error: 'SERVFAIL' },
        { error: 'TIMEOUT' },
        { address: '10.0.0.2', delayMs: 400 },
      ],
    },
  });
  const resolver = network.httpDnsResolver({ timeoutMs: 2000 });
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) seen.push(await observe(sim, resolver.resolve('live.test'), (a) => a.address));
  t.same(
    seen.map((s) => s.replace(/^[\d.]+ /, '')),
    ['ok 10.0.0.1', 'ENOTFOUND', 'ESERVFAIL', 'ETIMEOUT', 'ok 10.0.0.2'],
  );
  t.equal(seen[3], '2000 ETIMEOUT');
  const q = sim.trace.records
    .filter((r) => r.kind === 'net.dns.answer')
    .map((r) => `${r.data.via} ${r.data.attempt} ${r.data.address ?? r.data.error}`);
  t.same(q, [
    'httpdns 1 10.0.0.1',
    'httpdns 2 NXDOMAIN',
    'httpdns 3 SERVFAIL',
    'httpdns 4 TIMEOUT',
    'httpdns 5 10.0.0.2',
  ]);
});
