import { createHash } from 'node:crypto';
import t from 'tap';
import {
  canonicalJson,
  createSocketPair,
  digestTrace,
  parseTrace,
  Simulation,
  serializeRecord,
  serializeTrace,
  type TraceRecord,
} from '../../../harness/sim/index.js';
import { expectError } from '../../helpers/expect-error.js';

/** A small world: two sockets exchanging random-sized messages at random times, every step traced. */
async function runWorld(seed: number): Promise<{ digest: string; lines: string }> {
  const sim = new Simulation({ seed });
  const rng = sim.rng.fork('traffic');
  const pair = createSocketPair(sim.scheduler, { direct: { delayUs: 1500 } });
  pair.server.on('data', (d: Buffer) => sim.trace.record('net.recv', { bytes: d.length, first: d[0] }));
  for (let i = 0; i < 200; i++) {
    sim.scheduler.at(rng.int(0, 1_000_000), () => {
      const n = rng.int(1, 3000);
      pair.client.write(Buffer.from(rng.bytes(n)));
      sim.trace.record('net.send', { bytes: n });
    });
  }
  await sim.runUntil(2_000_000);
  sim.dispose();
  return { digest: sim.trace.digest(), lines: sim.trace.toJsonLines() };
}

t.test('same seed twice gives an identical trace digest; another seed a different one', async (t) => {
  const a = await runWorld(11);
  const b = await runWorld(11);
  const c = await runWorld(12);
  t.equal(a.digest, b.digest);
  t.equal(a.lines, b.lines);
  t.not(a.digest, c.digest);
  t.match(a.digest, /^[0-9a-f]{64}$/);
});

t.test('canonical JSON sorts keys and round-trips through JSON Lines', async (t) => {
  t.equal(
    canonicalJson({ b: 1, a: [true, null, 's'], c: { z: -0, y: 2.5 } }),
    '{"a":[true,null,"s"],"b":1,"c":{"y":2.5,"z":0}}',
  );
  expectError(t, () => canonicalJson(Number.NaN), { message: /NaN/ });
  const { lines } = await runWorld(5);
  const back = parseTrace(lines);
  t.ok(back.length > 200);
  t.equal(serializeTrace(back), lines, 'parse then serialise gives the same bytes');
  expectError(t, () => parseTrace('{"t":1}\n'), { message: /line 1/ });
});

t.test('serializeRecord writes the canonical JSON of the record, whatever shapes a kind takes', async (t) => {
  const records: TraceRecord[] = [
    { t: 1, seq: 0, kind: 'k.same', data: { z: 1, a: 'x', m: [1, { b: 2, a: 1 }] } },
    { t: 2, seq: 1, kind: 'k.same', data: { z: 2, a: 'y', m: [] } },
    // Same kind, another key order, a missing key, an extra key, an undefined value, -0, escapes.
    { t: 3, seq: 2, kind: 'k.same', data: { a: 'q"\n\u2028', z: -0 } },
    { t: 4, seq: 3, kind: 'k.same', data: { z: 3, a: 'w', m: null, extra: true } },
    { t: 5, seq: 4, kind: 'k.same', data: { z: undefined as unknown as number, a: 'u', m: 1e21 } },
    { t: 6, seq: 5, kind: 'k.same', data: { z: 1, a: 'x', m: 0.1 } },
    { t: 7, seq: 6, kind: 'k.empty', data: {} },
    { t: 8, seq: 7, kind: 'k.nullproto', data: Object.assign(Object.create(null), { b: 1, a: 2 }) },
  ];
  for (const r of records) {
    const expected = canonicalJson({ data: r.data, kind: r.kind, seq: r.seq, t: r.t });
    t.equal(serializeRecord(r), expected, `record ${r.seq}`);
    t.same(JSON.parse(serializeRecord(r)), JSON.parse(expected));
  }
  // The digest is SHA-256 of the JSON Lines, also across its buffer boundary (a 300 kB record, many small).
  const many = [
    ...records,
    { t: 9, seq: 8, kind: 'k.big', data: { s: 'é'.repeat(150_000) } },
    ...Array.from({ length: 5000 }, (_, i) => ({ t: 10 + i, seq: 9 + i, kind: 'k.small', data: { i } })),
  ];
  t.equal(digestTrace(many), createHash('sha256').update(serializeTrace(many)).digest('hex'), 'digest');
});
