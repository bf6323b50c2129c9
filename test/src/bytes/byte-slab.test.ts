import t from 'tap';
import { ByteSlab } from '../../../src/bytes/byte-slab.js';

t.test('views are zeroed, never overlap, and move to a new slab when one is full', async (t) => {
  const slab = new ByteSlab(1024);
  const views: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const v = slab.allocate(1 + ((i * 37) % 200));
    t.ok(
      v.every((b) => b === 0),
      `view ${i} zeroed`,
    );
    v.fill(i + 1);
    views.push(v);
  }
  // Every view still holds what was written into it: no later view shared its bytes.
  views.forEach((v, i) => {
    t.ok(
      v.every((b) => b === i + 1),
      `view ${i} intact`,
    );
  });
  t.ok(new Set(views.map((v) => v.buffer)).size > 1, 'more than one slab used');
  views.forEach((v) => {
    t.equal(v.byteOffset % 8, 0, 'aligned start');
  });
});

t.test('a request over a quarter of a slab gets its own buffer', async (t) => {
  const slab = new ByteSlab(1024);
  const big = slab.allocate(300);
  t.equal(big.byteOffset, 0);
  t.equal(big.buffer.byteLength, 300);
  const small = slab.allocate(10);
  t.equal(small.buffer.byteLength, 1024);
});
