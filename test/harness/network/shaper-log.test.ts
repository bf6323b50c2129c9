import t from 'tap';
import {
  capacitySeries,
  deliveredSeries,
  generateMahimahi,
  type NetworkScript,
  SimNetwork,
  stallIntervals,
} from '../../../harness/network/index.js';
import { parseTrace, Simulation } from '../../../harness/sim/index.js';

/** A saturating sender: 1000-byte writes whenever the socket accepts them. */
async function run(script: NetworkScript, seconds: number, saturate = true) {
  const sim = new Simulation({ seed: 11 });
  const network = new SimNetwork(sim, { script });
  network.listen('10.0.0.1', 1935, (s) => s.on('data', () => {}));
  const c = network.transport.connect({ host: '10.0.0.1', port: 1935 });
  const pump = () => {
    while (saturate && !c.destroyed && c.write(Buffer.alloc(1000))) {
      /* fill */
    }
  };
  c.on('connect', pump);
  c.on('drain', pump);
  await sim.runFor(seconds * 1_000_000);
  return sim;
}

t.test('capacitySeries gives the scripted capacity per window, outages as 0', async (t) => {
  const sim = await run(
    {
      uplink: {
        steps: [
          { atMs: 0, kbps: 1000 },
          { atMs: 3000, kbps: 150 },
        ],
        queue: { ms: 300 },
      },
      toxics: [{ type: 'down', atMs: 5000, untilMs: 6000, direction: 'uplink' }],
    },
    8,
  );
  const cap = capacitySeries(sim.trace.records, 1000, { untilUs: 8_000_000 });
  t.same(
    cap.map((p) => p.kbps),
    [1000, 1000, 1000, 150, 150, 0, 150, 150],
  );
  const got = deliveredSeries(sim.trace.records, 1000, { untilUs: 8_000_000 });
  // A saturating sender gets what the link offers (the first window loses the 50 ms-free handshake).
  for (let i = 1; i < 8; i++) {
    const c = cap[i].kbps ?? 0;
    const d = got[i].kbps ?? 0;
    t.ok(Math.abs(d - c) <= Math.max(16, c * 0.12), `window ${i}: capacity ${c}, delivered ${d}`);
  }
  t.ok(stallIntervals(sim.trace.records).length > 0, 'the saturating sender saw back-pressure');
});

t.test('capacitySeries follows a Mahimahi trace, and survives a JSON-lines round trip', async (t) => {
  const trace = generateMahimahi(
    [
      { atMs: 0, kbps: 600 },
      { atMs: 1000, kbps: 2400 },
    ],
    2000,
  );
  const sim = await run({ uplink: { trace: { opportunitiesMs: [...trace.opportunitiesMs] } } }, 4);
  const records = parseTrace(sim.trace.toJsonLines());
  // Windows are [from, to). The generated opportunities sit at 20, 40, ..., 1000 ms, then every 5 ms to
  // 2000 (the period, where the trace wraps): the one at exactly 1000 ms belongs to the second window, so
  // the very first window is one opportunity short; from then on each window holds its scripted rate.
  t.same(
    capacitySeries(records, 1000, { untilUs: 4_000_000 }).map((p) => p.kbps),
    [588, 2400, 600, 2400],
  );
  t.same(
    capacitySeries(records, 2000, { untilUs: 4_000_000 }).map((p) => p.kbps),
    [1494, 1500],
  );
});

t.test('the log is compact: per write and delivery batch by default, or per 10 ms window', async (t) => {
  const run = async (logQuantumMs?: number) => {
    const sim = new Simulation({ seed: 1 });
    const network = new SimNetwork(sim, {
      script: { uplink: { kbps: 100_000, maxBurstMs: 0 } },
      logQuantumMs,
    });
    network.listen('10.0.0.1', 1935, (s) => s.on('data', () => {}));
    const c = network.transport.connect({ host: '10.0.0.1', port: 1935 });
    c.on('connect', () => {
      for (let i = 0; i < 10; i++) c.write(Buffer.alloc(64 * 1024));
    });
    await sim.runFor(1_000_000);
    const of = (kind: string) => sim.trace.records.filter((r) => r.kind === kind);
    return { sends: of('net.send'), delivers: of('net.deliver') };
  };
  const exact = await run(undefined);
  t.equal(exact.sends.length, 10, 'one net.send per write');
  t.equal(exact.delivers.length, 10, 'one net.deliver per delivery batch');
  t.same(Object.keys(exact.delivers[0].data).sort(), [
    'bytes',
    'conn',
    'kbps',
    'link',
    'queueBytes',
    'queueMs',
  ]);
  // 655,360 bytes take 52.4 ms at 100 Mbit/s: 6 windows of 10 ms hold deliveries.
  const compact = await run(10);
  t.equal(compact.sends.length, 1, 'the 10 writes of one instant make one record');
  t.equal(compact.sends[0].data.writes, 10);
  t.equal(compact.delivers.length, 6);
  t.equal(
    compact.delivers.reduce((n, r) => n + (r.data.bytes as number), 0),
    655_360,
  );
  t.same(Object.keys(compact.delivers[0].data).sort(), [
    'batches',
    'bytes',
    'conn',
    'fromUs',
    'kbps',
    'link',
    'queueBytes',
    'queueMs',
    'toUs',
  ]);
  t.ok(
    compact.delivers.every((r) => r.t % 10_000 === 0 && (r.data.fromUs as number) >= r.t - 10_000),
    'each written at the end of its window',
  );
});
