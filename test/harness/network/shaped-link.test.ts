import fc from 'fast-check';
import t from 'tap';
import {
  type CapacitySpec,
  generateMahimahi,
  ShapedChannel,
  ShapedLink,
  type ShapedLinkOptions,
} from '../../../harness/network/index.js';
import { type ChannelSink, createRng, Scheduler, TraceRecorder } from '../../../harness/sim/index.js';

/** A sink that records what arrives and when. */
function recorder(s: Scheduler) {
  const got: { at: number; bytes: Uint8Array }[] = [];
  let fin = -1;
  const sink: ChannelSink = {
    deliver: (c) => got.push({ at: s.now, bytes: c }),
    fin: () => {
      fin = s.now;
    },
  };
  return {
    sink,
    got,
    get fin() {
      return fin;
    },
    total: () => got.reduce((n, g) => n + g.bytes.byteLength, 0),
  };
}

/** A sender that keeps the link saturated: writes until back-pressure, resumes on drain. */
function saturate(s: Scheduler, ch: ShapedChannel, chunk: Uint8Array, untilUs: number) {
  const pump = () => {
    while (s.now < untilUs && ch.send(chunk)) {
      /* keep writing */
    }
  };
  ch.onDrain = pump;
  pump();
}

function goodputKbps(capacity: CapacitySpec, extra: Partial<ShapedLinkOptions> = {}, chunkSize = 1400) {
  const s = new Scheduler();
  const link = new ShapedLink(s, { name: 'uplink', capacity, queueLimitBytes: 64 * 1024, ...extra });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  saturate(s, ch, new Uint8Array(chunkSize), 10_000_000);
  s.runUntil(10_000_000);
  return (r.total() * 8) / 10_000;
}

t.test('goodput equals the scripted capacity within 1% over 10 s', async (t) => {
  for (const kbps of [150, 1000, 5000]) {
    const got = goodputKbps({ kind: 'steps', steps: [{ atUs: 0, kbps }] });
    t.ok(Math.abs(got - kbps) / kbps < 0.01, `${kbps} kbit/s scripted, ${got.toFixed(1)} kbit/s delivered`);
    const withDelay = goodputKbps({ kind: 'steps', steps: [{ atUs: 0, kbps }] }, { delayUs: 40_000 }, 4096);
    t.ok(
      Math.abs(withDelay - kbps) / kbps < 0.01,
      `${kbps} kbit/s with 40 ms delay and 4 KiB writes: ${withDelay.toFixed(1)} kbit/s`,
    );
  }
});

t.test('a generated Mahimahi trace of a known rate delivers that rate', async (t) => {
  for (const kbps of [1200, 3000]) {
    const trace = generateMahimahi(kbps, 1000);
    t.equal(trace.opportunitiesMs.length, kbps / 12, 'opportunities per period');
    const got = goodputKbps({ kind: 'trace', trace });
    t.ok(Math.abs(got - kbps) / kbps < 0.01, `${kbps} kbit/s trace, ${got.toFixed(1)} kbit/s delivered`);
  }
  // A trace whose rate changes every second averages to its mean over whole periods.
  const varying = generateMahimahi(
    [
      { atMs: 0, kbps: 600 },
      { atMs: 1000, kbps: 2400 },
    ],
    2000,
  );
  const got = goodputKbps({ kind: 'trace', trace: varying });
  t.ok(Math.abs(got - 1500) / 1500 < 0.01, `600/2400 kbit/s trace averages ${got.toFixed(1)} kbit/s`);
});

t.test('capacity steps change the rate at the scripted instants', async (t) => {
  const s = new Scheduler();
  const link = new ShapedLink(s, {
    name: 'uplink',
    capacity: {
      kind: 'steps',
      steps: [
        { atUs: 0, kbps: 1000 },
        { atUs: 5_000_000, kbps: 150 },
      ],
    },
    queueLimitBytes: 16 * 1024,
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  saturate(s, ch, new Uint8Array(1000), 10_000_000);
  s.runUntil(10_000_000);
  const inWindow = (a: number, b: number) =>
    r.got.filter((g) => g.at > a && g.at <= b).reduce((n, g) => n + g.bytes.byteLength, 0);
  const first = (inWindow(0, 5_000_000) * 8) / 5000;
  const second = (inWindow(5_000_000, 10_000_000) * 8) / 5000;
  t.ok(Math.abs(first - 1000) < 10, `first 5 s: ${first} kbit/s`);
  t.ok(Math.abs(second - 150) < 3, `last 5 s: ${second} kbit/s`);
});

t.test('delivery times match the script exactly (serialisation + delay)', async (t) => {
  const s = new Scheduler();
  const link = new ShapedLink(s, {
    name: 'uplink',
    capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 5000 }] },
    delayUs: 20_000,
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  const packet = new Uint8Array(1500);
  ch.send(packet);
  ch.send(packet);
  ch.send(packet);
  s.runUntil(100_000);
  ch.send(packet);
  ch.end();
  s.runUntilIdle();
  // 1500 bytes at 5 Mbit/s = 2400 µs each, back to back, then 20 ms of propagation.
  t.same(
    r.got.map((g) => g.at),
    [22_400, 24_800, 27_200, 122_400],
  );
  t.equal(r.fin, 122_400, 'FIN right behind the last byte');
  t.equal(r.got[0].bytes, packet, 'chunks are passed by reference');
});

t.test('jitter follows the seeded sub-stream exactly and never reorders', async (t) => {
  const s = new Scheduler();
  const seedRng = createRng(42).fork('network/uplink/jitter');
  const link = new ShapedLink(s, {
    name: 'uplink',
    capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 1200 }] },
    delayUs: 50_000,
    jitterUs: 30_000,
    rng: createRng(42).fork('network/uplink/jitter'),
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  const expected: number[] = [];
  let last = 0;
  for (let i = 0; i < 50; i++) {
    s.runUntil(i * 20_000);
    const chunk = new Uint8Array([i]);
    ch.send(chunk);
    // 1 byte at 1.2 Mbit/s = 6.67 µs, rounded up to 7; then 50 ms ± 30 ms, kept in order.
    const depart = i * 20_000 + 7;
    const a = Math.max(last, depart + Math.max(0, 50_000 + seedRng.int(-30_000, 30_000)));
    expected.push(a);
    last = a;
  }
  s.runUntilIdle();
  t.same(
    r.got.map((g) => g.at),
    expected,
  );
  t.same(
    r.got.map((g) => g.bytes[0]),
    [...Array(50).keys()],
    'in order',
  );
});

t.test('latency toxic windows add delay to bytes leaving during the window', async (t) => {
  const s = new Scheduler();
  const link = new ShapedLink(s, {
    name: 'downlink',
    capacity: { kind: 'unlimited' },
    delayUs: 10_000,
    latency: [{ fromUs: 1_000_000, untilUs: 2_000_000, latencyUs: 300_000, jitterUs: 0 }],
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  for (const at of [0, 1_000_000, 1_999_999, 2_000_000]) {
    s.runUntil(at);
    ch.send(new Uint8Array(10));
  }
  s.runUntilIdle();
  t.same(
    r.got.map((g) => g.at),
    [10_000, 1_310_000, 2_309_999, 2_309_999],
    'the last one waits behind the delayed one (no reordering)',
  );
});

t.test(
  'back-pressure: send returns false over the queue limit, drain follows at half of it, no byte lost',
  async (t) => {
    const s = new Scheduler();
    const trace = new TraceRecorder(() => s.now);
    const link = new ShapedLink(s, {
      name: 'uplink',
      capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 800 }] },
      queueLimitBytes: 10_000,
      trace,
    });
    const ch = new ShapedChannel(s, link, { conn: 7 });
    const r = recorder(s);
    ch.attach(r.sink);
    let accepted = 0;
    while (ch.send(new Uint8Array(1000))) accepted++;
    accepted++;
    t.equal(accepted, 11, 'the chunk that crosses the limit is still accepted');
    let drainedAt = -1;
    ch.onDrain = () => {
      drainedAt = s.now;
    };
    s.runUntilIdle();
    // 11,000 bytes queued; released at the low-water mark (half the limit, 5,000 bytes) once 6,000 bytes
    // (60 ms at 800 kbit/s) are out.
    t.equal(drainedAt, 60_000);
    t.equal(r.total(), 11_000);
    const kinds = trace.records.map((x) => x.kind);
    t.equal(kinds.filter((k) => k === 'net.stall').length, 1);
    t.equal(kinds.filter((k) => k === 'net.drain').length, 1);
    t.same(trace.records.find((x) => x.kind === 'net.drain')?.data, {
      link: 'uplink',
      conn: 7,
      stalledUs: 60_000,
    });
  },
);

t.test(
  'queue limit in ms: back-pressure once the backlog takes longer than the limit to drain',
  async (t) => {
    const s = new Scheduler();
    const link = new ShapedLink(s, {
      name: 'uplink',
      capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 1200 }] },
      queueLimitBytes: Infinity,
      queueLimitUs: 100_000,
    });
    const ch = new ShapedChannel(s, link);
    ch.attach(recorder(s).sink);
    let accepted = 0;
    while (ch.send(new Uint8Array(1500))) accepted++;
    // 1500 bytes = 10 ms at 1.2 Mbit/s: 11 chunks make 110 ms > 100 ms.
    t.equal(accepted + 1, 11);
    t.equal(link.backlogUs(), 110_000);
  },
);

t.test('outage: nothing is delivered while down, everything follows on up', async (t) => {
  const s = new Scheduler();
  const link = new ShapedLink(s, {
    name: 'uplink',
    capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 1200 }] },
    overrides: [{ kind: 'down', fromUs: 1_000_000, untilUs: 3_000_000 }],
    queueLimitBytes: Infinity,
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  s.runUntil(995_000);
  ch.send(new Uint8Array(1500)); // 10 ms: 5 ms before the outage, 5 ms after
  s.runUntil(1_500_000);
  ch.send(new Uint8Array(150));
  s.runUntilIdle();
  t.same(
    r.got.map((g) => g.at),
    [3_005_000, 3_006_000],
  );
});

t.test('large writes arrive progressively in whole packets (maxBurstUs), by reference', async (t) => {
  const s = new Scheduler();
  const link = new ShapedLink(s, {
    name: 'uplink',
    capacity: { kind: 'steps', steps: [{ atUs: 0, kbps: 1200 }] },
    maxBurstUs: 20_000,
  });
  const ch = new ShapedChannel(s, link);
  const r = recorder(s);
  ch.attach(r.sink);
  const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
  ch.send(big);
  s.runUntilIdle();
  // 20 ms at 1.2 Mbit/s = 3000 bytes = 2 packets per piece.
  t.same(
    r.got.map((g) => g.bytes.byteLength),
    [3000, 3000, 3000, 1000],
  );
  t.same(
    r.got.map((g) => g.at),
    [20_000, 40_000, 60_000, 66_667],
  );
  t.equal(r.got[0].bytes.buffer, big.buffer, 'pieces are views of the written chunk');
});

t.test('byte order is always preserved (random chunks, capacity, jitter, slicer)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ size: fc.integer({ min: 1, max: 20_000 }), gapUs: fc.integer({ min: 0, max: 50_000 }) }),
        {
          minLength: 1,
          maxLength: 40,
        },
      ),
      fc.integer({ min: 50, max: 20_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.boolean(),
      fc.integer(),
      (writes, kbps, delayUs, jitterUs, slicer, seed) => {
        const s = new Scheduler();
        const rng = createRng(seed);
        const link = new ShapedLink(s, {
          name: 'uplink',
          capacity: { kind: 'steps', steps: [{ atUs: 0, kbps }] },
          delayUs,
          jitterUs,
          rng: rng.fork('jitter'),
          queueLimitBytes: 8192,
        });
        const ch = new ShapedChannel(s, link);
        if (slicer)
          ch.setSlicer({ averageSize: 100, sizeVariation: 90, delayUs: 10, rng: rng.fork('slicer') });
        const r = recorder(s);
        ch.attach(r.sink);
        let counter = 0;
        const sent: number[] = [];
        for (const w of writes) {
          s.runFor(w.gapUs);
          const chunk = new Uint8Array(w.size);
          for (let i = 0; i < w.size; i++) chunk[i] = counter++ & 0xff;
          sent.push(w.size);
          ch.send(chunk);
        }
        ch.end();
        s.runUntilIdle();
        let expect = 0;
        let prevAt = 0;
        for (const g of r.got) {
          if (g.at < prevAt) throw new Error(`arrival went back in time: ${g.at} < ${prevAt}`);
          prevAt = g.at;
          for (const b of g.bytes) {
            if (b !== (expect++ & 0xff)) throw new Error(`byte ${expect - 1} out of order`);
          }
        }
        if (expect !== counter) throw new Error(`delivered ${expect} of ${counter} bytes`);
        if (r.fin < prevAt) throw new Error('FIN overtook data');
      },
    ),
    { numRuns: 200 },
  );
  t.pass('200 random runs kept every byte in order');
});
