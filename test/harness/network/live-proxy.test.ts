import net from 'node:net';
import t from 'tap';
import { LiveProxy } from '../../../harness/network/live/index.js';

/** A sink server on loopback that timestamps what it receives. */
async function sink() {
  const arrivals: { at: number; bytes: number }[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => arrivals.push({ at: performance.now(), bytes: d.length }));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    arrivals,
    sockets,
    received: () => arrivals.reduce((n, a) => n + a.bytes, 0),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

t.test('live proxy goodput is within 5% of the scripted rate (1 Mbit/s, loopback)', async (t) => {
  const target = await sink();
  const proxy = await LiveProxy.start({
    target: { host: '127.0.0.1', port: target.port },
    script: { uplink: { kbps: 1000, queue: { ms: 200 } } },
  });
  t.ok(proxy.port > 0, `listening on 127.0.0.1:${proxy.port}`);
  const client = net.connect({ host: '127.0.0.1', port: proxy.port });
  const chunk = Buffer.alloc(16 * 1024, 1);
  let stop = false;
  const pump = () => {
    while (!stop && client.write(chunk)) {
      /* fill */
    }
  };
  client.on('connect', pump);
  client.on('drain', pump);
  await new Promise((r) => setTimeout(r, 6500));
  stop = true;
  const start = target.arrivals[0]?.at ?? 0;
  const from = start + 1000;
  const to = start + 6000;
  const bytes = target.arrivals.filter((a) => a.at > from && a.at <= to).reduce((n, a) => n + a.bytes, 0);
  const kbps = (bytes * 8) / 5000;
  t.ok(Math.abs(kbps - 1000) / 1000 < 0.05, `measured ${kbps.toFixed(1)} kbit/s over 5 s`);
  client.destroy();
  await proxy.close();
  await target.close();
});

t.test('live proxy faults: reset after N bytes, server close, refused (as RST)', async (t) => {
  const target = await sink();
  const proxy = await LiveProxy.start({
    target: { host: '127.0.0.1', port: target.port },
    script: {
      uplink: { kbps: 8000, delayMs: 10 },
      connections: [
        { attempt: 1, fault: 'reset', afterBytes: 3000 },
        { attempt: 2, fault: 'close', afterMs: 300 },
        { attempt: 3, fault: 'refused' },
      ],
    },
  });
  const attempt = (write: boolean) =>
    new Promise<string>((resolve) => {
      const c = net.connect({ host: '127.0.0.1', port: proxy.port });
      const t0 = performance.now();
      c.on('connect', () => write && c.write(Buffer.alloc(10_000)));
      c.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
      c.on('end', () => resolve(`end after ${Math.round(performance.now() - t0)} ms`));
      c.on('data', () => {});
    });
  t.equal(await attempt(true), 'error ECONNRESET', 'attempt 1: reset');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(target.received(), 3000, 'the server got exactly 3000 bytes before the reset');
  // The proxy's timers run on a 50 ms grid (timerQuantumMs), and the machine may be busy.
  const closed = await attempt(false);
  const ms = Number(/^end after (\d+) ms$/.exec(closed)?.[1] ?? Number.NaN);
  t.ok(ms >= 295 && ms < 500, `attempt 2: the server closes after 300 ms (${closed})`);
  t.equal(await attempt(false), 'error ECONNRESET', 'attempt 3: refused is an immediate RST in live mode');
  await proxy.close();
  await target.close();
});
