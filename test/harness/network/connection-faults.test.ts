import net from 'node:net';
import t from 'tap';
import { type NetworkScript, SimNetwork } from '../../../harness/network/index.js';
import { type SimSocket, Simulation } from '../../../harness/sim/index.js';

const SERVER = { host: '10.0.0.1', port: 1935 };

/** A world with 20 ms up, 30 ms down (RTT 50 ms) and a server that records what it gets. */
function world(script: Partial<NetworkScript> = {}) {
  const sim = new Simulation({ seed: 7 });
  const network = new SimNetwork(sim, {
    script: {
      uplink: { kbps: 1000, delayMs: 20 },
      downlink: { kbps: 5000, delayMs: 30 },
      ...script,
    },
  });
  const events: string[] = [];
  const servers: SimSocket[] = [];
  const serverBytes: number[] = [];
  network.listen(SERVER.host, SERVER.port, (socket) => {
    const i = servers.length;
    servers.push(socket);
    serverBytes.push(0);
    events.push(`${sim.now / 1000} server accept ${i}`);
    socket.on('data', (d: Buffer) => {
      serverBytes[i] += d.length;
    });
    socket.on('end', () => events.push(`${sim.now / 1000} server end ${i}`));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      events.push(`${sim.now / 1000} server error ${i} ${e.code}`),
    );
    socket.on('close', () => events.push(`${sim.now / 1000} server close ${i}`));
  });
  const connect = (label = 'client') => {
    const c = network.transport.connect(SERVER);
    c.on('connect', () => events.push(`${sim.now / 1000} ${label} connect`));
    c.on('end', () => events.push(`${sim.now / 1000} ${label} end`));
    c.on('error', (e: NodeJS.ErrnoException) => events.push(`${sim.now / 1000} ${label} error ${e.code}`));
    c.on('close', () => events.push(`${sim.now / 1000} ${label} close`));
    c.on('data', () => {});
    return c;
  };
  return { sim, network, events, servers, serverBytes, connect };
}

/** The errors a real Node socket gives, for shape comparison (loopback only). */
async function realRefused(): Promise<NodeJS.ErrnoException> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return new Promise((resolve) => net.connect({ host: '127.0.0.1', port }).on('error', resolve));
}

async function realReset(): Promise<NodeJS.ErrnoException> {
  // Reset after the handshake, once data arrived: the case a pusher meets mid-stream.
  const server = net.createServer((s) => s.on('data', () => s.resetAndDestroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.on('connect', () => c.write('hello'));
    c.on('error', resolve);
  });
  server.close();
  return err;
}

t.test('a healthy connection: connect after one RTT, accept after the ACK, bytes flow', async (t) => {
  const w = world();
  const c = w.connect();
  c.write(Buffer.alloc(1500));
  await w.sim.runFor(1_000_000);
  // connect at RTT (50 ms); the ACK and the first 1500 bytes (12 ms at 1 Mbit/s) reach the server later.
  t.same(w.events.slice(0, 2), ['50 client connect', '70 server accept 0']);
  t.equal(w.serverBytes[0], 1500);
  t.equal(w.network.connections[0].fault, 'none');
  c.end();
  await w.sim.runFor(1_000_000);
  // FIN up (20 ms); the server ends its side too (allowHalfOpen false); FIN down (30 ms).
  t.same(w.events.slice(2), [
    '1020 server end 0',
    '1020 server close 0',
    '1050 client end',
    '1050 client close',
  ]);
});

t.test('refused: ECONNREFUSED after one RTT, shaped like a real Node socket error', async (t) => {
  const w = world({ connections: [{ fault: 'refused' }] });
  let err: NodeJS.ErrnoException | undefined;
  const c = w.connect();
  c.on('error', (e) => {
    err = e;
  });
  await w.sim.runFor(1_000_000);
  t.same(w.events, ['50 client error ECONNREFUSED', '50 client close']);
  const real = await realRefused();
  t.equal(err?.code, real.code);
  t.equal(err?.errno, real.errno);
  t.equal(err?.syscall, real.syscall);
  t.equal(err?.message, 'connect ECONNREFUSED 10.0.0.1:1935');
  t.match(real.message, /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  t.equal((err as { address?: string })?.address, '10.0.0.1');
  t.equal((err as { port?: number })?.port, 1935);
});

t.test('timeout: a black-holed SYN gives ETIMEDOUT at the scripted time', async (t) => {
  const w = world({ connections: [{ fault: 'timeout', afterMs: 20_000 }] });
  let err: NodeJS.ErrnoException | undefined;
  w.connect().on('error', (e) => {
    err = e;
  });
  await w.sim.runFor(60_000_000);
  t.same(w.events, ['20000 client error ETIMEDOUT', '20000 client close']);
  t.equal(err?.message, 'connect ETIMEDOUT 10.0.0.1:1935');
  t.equal(err?.errno, -110);
  t.equal(err?.syscall, 'connect');
});

t.test('an address nobody listens on times out after the default 127 s (SYN retries)', async (t) => {
  const w = world();
  const c = w.network.transport.connect({ host: '10.9.9.9', port: 1935 });
  let at = -1;
  c.on('error', (e: NodeJS.ErrnoException) => {
    at = w.sim.now;
    t.equal(e.code, 'ETIMEDOUT');
  });
  await w.sim.runFor(200_000_000);
  t.equal(at, 127_000_000);
});

t.test(
  'reset during the handshake after N bytes: both ends get ECONNRESET when byte N arrives',
  async (t) => {
    const w = world({ connections: [{ fault: 'reset', afterBytes: 1000 }] });
    let err: NodeJS.ErrnoException | undefined;
    const c = w.connect();
    c.on('error', (e) => {
      err = e;
    });
    c.on('connect', () => c.write(Buffer.alloc(1537, 3))); // C0 + C1
    await w.sim.runFor(1_000_000);
    // 1500-byte piece: sent at 50 ms, transmitted by 62 ms, arrives at 82 ms; cut at 1000 bytes.
    t.same(w.events, [
      '50 client connect',
      '70 server accept 0',
      '82 client error ECONNRESET',
      '82 client close',
      '82 server error 0 ECONNRESET',
      '82 server close 0',
    ]);
    t.equal(w.serverBytes[0], 1000, 'the server got exactly the scripted bytes');
    const real = await realReset();
    t.equal(err?.code, real.code);
    t.equal(err?.errno, real.errno);
    t.equal(err?.syscall, real.syscall);
    t.equal(err?.message, real.message);
  },
);

t.test('reset after N ms of an established connection', async (t) => {
  const w = world({ connections: [{ fault: 'reset', afterMs: 5000 }] });
  w.connect();
  await w.sim.runFor(10_000_000);
  t.same(
    w.events.filter((e) => e.includes('error')),
    ['5050 client error ECONNRESET', '5050 server error 0 ECONNRESET'],
  );
});

t.test('server closes after N ms: the client reads end of stream one downlink delay later', async (t) => {
  const w = world({ connections: [{ fault: 'close', afterMs: 3000 }] });
  const c = w.connect();
  await w.sim.runFor(10_000_000);
  t.same(w.events, [
    '50 client connect',
    '70 server accept 0',
    '3050 server close 0',
    '3080 client end',
    '3080 client close',
  ]);
  t.equal(c.destroyed, true);
});

t.test('half-open: the connection opens, then the peer stays silent forever', async (t) => {
  const w = world({
    uplink: { kbps: 1000, delayMs: 20, queue: { bytes: 20_000 } },
    connections: [{ fault: 'half-open' }],
  });
  const c = w.connect();
  let drained = false;
  c.on('drain', () => {
    drained = true;
  });
  let writes = 0;
  c.on('connect', () => {
    while (c.write(Buffer.alloc(1000))) writes++;
  });
  await w.sim.runFor(600_000_000);
  t.same(w.events, ['50 client connect'], 'no accept, no data, no error, no end in 10 minutes');
  t.ok(writes > 10, `accepted ${writes} writes before back-pressure`);
  t.equal(drained, false, 'never drains');
  t.equal(w.servers.length, 0);
});

t.test('half-open after N ms: data stops in both directions, no FIN, no error', async (t) => {
  const w = world({ connections: [{ fault: 'half-open', afterMs: 1000 }] });
  const c = w.connect();
  w.sim.scheduler.every(100_000, () => c.write(Buffer.alloc(100)));
  await w.sim.runFor(5_000_000);
  const before = w.serverBytes[0];
  await w.sim.runFor(60_000_000);
  t.equal(w.serverBytes[0], before, 'nothing more arrives');
  t.ok(before > 0 && before <= 1100, `${before} bytes arrived before the peer went silent`);
  t.same(w.events, ['50 client connect', '70 server accept 0']);
});

t.test('faults per attempt: refused, then timeout, then a working connection', async (t) => {
  const w = world({
    connections: [
      { attempt: 1, fault: 'refused' },
      { attempt: 2, fault: 'timeout', afterMs: 2000 },
    ],
  });
  w.connect('a1');
  await w.sim.runFor(1_000_000);
  w.connect('a2');
  await w.sim.runFor(5_000_000);
  w.connect('a3');
  await w.sim.runFor(1_000_000);
  t.same(w.events, [
    '50 a1 error ECONNREFUSED',
    '50 a1 close',
    '3000 a2 error ETIMEDOUT',
    '3000 a2 close',
    '6050 a3 connect',
    '6070 server accept 0',
  ]);
  t.same(
    w.network.connections.map((c) => [c.attempt, c.fault]),
    [
      [1, 'refused'],
      [2, 'timeout'],
      [3, 'none'],
    ],
  );
  const kinds = w.sim.trace.records.filter((r) => r.kind === 'net.connect' || r.kind === 'net.connect_error');
  t.same(
    kinds.map((r) => [r.t, r.kind, r.data.attempt ?? r.data.code]),
    [
      [0, 'net.connect', 1],
      [50_000, 'net.connect_error', 'ECONNREFUSED'],
      [1_000_000, 'net.connect', 2],
      [3_000_000, 'net.connect_error', 'ETIMEDOUT'],
      [6_000_000, 'net.connect', 3],
    ],
  );
});

t.test('connecting during an outage: the SYN retransmission after the outage gets through', async (t) => {
  const w = world({ toxics: [{ type: 'down', atMs: 0, untilMs: 2500 }] });
  w.connect();
  await w.sim.runFor(10_000_000);
  // SYN tries at 0, 1 s, 3 s: the one at 3 s is the first after the outage.
  t.same(w.events.slice(0, 1), ['3050 client connect']);
});

t.test('no listener on the port of a known host: refused', async (t) => {
  const w = world();
  const c = w.network.transport.connect({ host: '10.0.0.1', port: 80 });
  let code = '';
  c.on('error', (e: NodeJS.ErrnoException) => {
    code = `${w.sim.now / 1000} ${e.code}`;
  });
  await w.sim.runFor(1_000_000);
  t.equal(code, '50 ECONNREFUSED');
});

t.test('a host name is resolved through the scripted DNS first', async (t) => {
  const w = world({ dns: { 'live.test': ['10.0.0.1'], 'gone.test': { error: 'NXDOMAIN' } } });
  const ok = w.network.transport.connect({ host: 'live.test', port: 1935 });
  const events: string[] = [];
  ok.on('connect', () => events.push(`${w.sim.now / 1000} connect ${ok.remoteAddress}`));
  const bad = w.network.transport.connect({ host: 'gone.test', port: 1935 });
  bad.on('error', (e: NodeJS.ErrnoException) => events.push(`${w.sim.now / 1000} ${e.code} ${e.message}`));
  await w.sim.runFor(1_000_000);
  t.same(events, ['50 ENOTFOUND queryA ENOTFOUND gone.test', '100 connect live.test']);
});

t.test('toxics on open connections: reset_peer, limit_data, timeout, slow_close', async (t) => {
  {
    const w = world({ toxics: [{ type: 'reset_peer', atMs: 1000, timeoutMs: 500 }] });
    w.connect();
    await w.sim.runFor(5_000_000);
    t.same(
      w.events.filter((e) => e.includes('error')),
      ['1500 client error ECONNRESET', '1500 server error 0 ECONNRESET'],
      'reset_peer',
    );
  }
  {
    const w = world({ toxics: [{ type: 'limit_data', bytes: 2500, direction: 'uplink' }] });
    const c = w.connect();
    w.sim.scheduler.every(100_000, () => !c.destroyed && c.write(Buffer.alloc(1000)));
    await w.sim.runFor(2_000_000);
    t.equal(w.serverBytes[0], 2500, 'limit_data: exactly the limit arrives');
    // 1000-byte writes every 100 ms, 8 ms to transmit, 20 ms to propagate: the third arrives at 328 ms, cut at 2500.
    t.same(
      w.events.filter((e) => e.includes(' end')),
      ['328 server end 0', '328 client end'],
      'then both ends read EOF at the instant of the cut',
    );
  }
  {
    const w = world({
      toxics: [{ type: 'timeout', atMs: 1000, untilMs: 3000, timeoutMs: 0, direction: 'uplink' }],
    });
    const c = w.connect();
    const arrivals: number[] = [];
    w.network.listen('10.0.0.1', 1936, () => {});
    c.on('connect', () => {
      w.sim.scheduler.at(1_500_000, () => c.write(Buffer.alloc(100)));
    });
    await w.sim.runFor(100_000);
    w.servers[0].on('data', () => arrivals.push(w.sim.now));
    await w.sim.runFor(5_000_000);
    // Held from 1.5 s until the toxic ends at 3 s; then 0.8 ms to transmit, 20 ms to propagate.
    t.same(arrivals, [3_020_800], 'timeout with timeoutMs 0 holds data until the toxic ends');
  }
  {
    const w = world({ toxics: [{ type: 'timeout', atMs: 1000, timeoutMs: 2000 }] });
    w.connect();
    await w.sim.runFor(5_000_000);
    t.ok(
      w.events.includes('3000 client end') && w.events.includes('3000 server end 0'),
      'timeout closes after timeoutMs',
    );
  }
  {
    const w = world({ toxics: [{ type: 'slow_close', delayMs: 700, direction: 'downlink' }] });
    w.connect();
    await w.sim.runFor(1_000_000);
    w.servers[0].end();
    await w.sim.runFor(2_000_000);
    t.ok(w.events.includes('1730 client end'), `slow_close delays the FIN by 700 ms: ${w.events.join(', ')}`);
  }
});

t.test('the same seed and script give the same trace', async (t) => {
  const run = async () => {
    const w = world({
      uplink: { kbps: 800, delayMs: 20, jitterMs: 15 },
      connections: [{ attempt: 2, fault: 'reset', afterMs: 300 }],
    });
    for (let i = 0; i < 3; i++) {
      const c = w.connect();
      c.on('connect', () => {
        for (let k = 0; k < 20; k++) c.write(Buffer.alloc(700 + k));
      });
      await w.sim.runFor(2_000_000);
    }
    return w.sim.trace.digest();
  };
  t.equal(await run(), await run());
});
