import t from 'tap';
import {
  canonicalJson,
  createSocketPair,
  parseTrace,
  Simulation,
  serializeTrace,
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
