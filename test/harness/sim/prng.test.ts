import t from 'tap';
import { createRng } from '../../../harness/sim/index.js';
import { expectError } from '../../helpers/expect-error.js';

const draw = (seed: number, n = 8) => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.nextUint32());
};

t.test('the same seed gives the same sequence; another seed another', async (t) => {
  t.same(draw(1), draw(1));
  t.notSame(draw(1), draw(2));
  t.notSame(draw(0), draw(2 ** 32), 'high bits of the seed count');
});

t.test('named sub-streams are independent of draws elsewhere', async (t) => {
  const a = createRng(99);
  const b = createRng(99);
  for (let i = 0; i < 1000; i++) a.fork('network').nextUint32();
  a.nextUint32();
  const fromA = a.fork('devices');
  const fromB = b.fork('devices');
  t.same(
    Array.from({ length: 5 }, () => fromA.nextUint32()),
    Array.from({ length: 5 }, () => fromB.nextUint32()),
  );
  t.notSame(createRng(99).fork('x').nextUint32(), createRng(99).fork('y').nextUint32());
  t.equal(b.fork('devices').fork('camera').path, 'root/devices/camera');
});

t.test('values stay in range and look uniform', async (t) => {
  const r = createRng(3);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const v = r.next();
    if (v < 0 || v >= 1) t.fail(`out of range: ${v}`);
    buckets[Math.floor(v * 10)]++;
  }
  for (const b of buckets) t.ok(b > 9500 && b < 10500, `bucket ${b} near 10,000`);
  for (let i = 0; i < 1000; i++) {
    const v = r.int(-3, 3);
    if (v < -3 || v > 3 || !Number.isInteger(v)) t.fail(`int out of range: ${v}`);
  }
  t.equal(r.bytes(7).length, 7);
});

t.test('bad seeds and ranges name the value', async (t) => {
  expectError(t, () => createRng(1.5), { code: 'INVALID_ARGUMENT', message: /1\.5/ });
  expectError(t, () => createRng(2 ** 60), { code: 'INVALID_ARGUMENT', message: /seed/ });
  expectError(t, () => createRng(1).int(5, 1), { code: 'INVALID_ARGUMENT', message: /\[5, 1\]/ });
});
