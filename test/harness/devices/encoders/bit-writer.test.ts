import fc from 'fast-check';
import t from 'tap';
import {
  addEmulationPrevention,
  BitWriter,
  removeEmulationPrevention,
} from '../../../../harness/devices/encoders/bit-writer.js';
import { BitReader } from './bit-reader.js';

type Op =
  | { kind: 'bits'; value: number; count: number }
  | { kind: 'ue'; value: number }
  | { kind: 'se'; value: number }
  | { kind: 'align' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc
    .integer({ min: 0, max: 32 })
    .chain((count) =>
      fc
        .integer({ min: 0, max: count === 32 ? 0xffffffff : 2 ** count - 1 })
        .map((value): Op => ({ kind: 'bits', value, count })),
    ),
  fc.integer({ min: 0, max: 0xfffffffe }).map((value): Op => ({ kind: 'ue', value })),
  fc.integer({ min: -0x7fffffff, max: 0x7fffffff }).map((value): Op => ({ kind: 'se', value })),
  fc.constant<Op>({ kind: 'align' }),
);

t.test('ue(v) matches the Exp-Golomb table of H.264 §9.1', async (t) => {
  const expected: Array<[number, string]> = [
    [0, '1'],
    [1, '010'],
    [2, '011'],
    [3, '00100'],
    [7, '0001000'],
    [30, '000011111'],
  ];
  for (const [value, bits] of expected) {
    const w = new BitWriter();
    w.writeUe(value);
    t.equal(w.bitLength, bits.length, `ue(${value}) length`);
    const r = new BitReader(w.toBytes());
    t.equal(Array.from({ length: bits.length }, () => r.readBit()).join(''), bits, `ue(${value}) is ${bits}`);
  }
});

t.test('se(v) maps k>0 to 2k-1 and k<=0 to -2k', async (t) => {
  for (const [value, codeNum] of [
    [0, 0],
    [1, 1],
    [-1, 2],
    [2, 3],
    [-2, 4],
  ]) {
    const w = new BitWriter().writeSe(value);
    t.equal(new BitReader(w.toBytes()).readUe(), codeNum, `se(${value})`);
  }
});

t.test('any sequence of u(n)/ue/se/align reads back identically', async () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      const w = new BitWriter(1);
      for (const op of ops) {
        if (op.kind === 'bits') w.writeBits(op.value, op.count);
        else if (op.kind === 'ue') w.writeUe(op.value);
        else if (op.kind === 'se') w.writeSe(op.value);
        else w.alignZero();
      }
      const length = w.bitLength;
      w.writeTrailingBits();
      const r = new BitReader(w.toBytes());
      for (const op of ops) {
        if (op.kind === 'bits') {
          if (r.readBits(op.count) !== op.value) throw new Error(`u(${op.count}) ${op.value} mismatch`);
        } else if (op.kind === 'ue') {
          if (r.readUe() !== op.value) throw new Error(`ue ${op.value} mismatch`);
        } else if (op.kind === 'se') {
          if (r.readSe() !== op.value) throw new Error(`se ${op.value} mismatch`);
        } else r.alignZero();
      }
      if (r.position !== length) throw new Error(`position ${r.position} != ${length}`);
      if (r.readBit() !== 1) throw new Error('missing rbsp_stop_one_bit');
      r.alignZero();
      if (r.bitsLeft !== 0) throw new Error(`${r.bitsLeft} bits after trailing bits`);
    }),
  );
});

t.test('rbsp trailing bits end on a byte boundary with a stop bit', async (t) => {
  t.same(Array.from(new BitWriter().writeBits(0b101, 3).writeTrailingBits().toBytes()), [0b1011_0000]);
  t.same(Array.from(new BitWriter().writeBits(0xab, 8).writeTrailingBits().toBytes()), [0xab, 0x80]);
});

t.test('emulation prevention escapes 00 00 0x (x<=3) and round-trips', async (t) => {
  const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
  t.equal(
    hex(addEmulationPrevention(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4]))),
    '0000030000030100000302000003030000' + '04',
  );
  const clean = Uint8Array.from([1, 2, 0, 5, 0, 0, 9]);
  t.equal(addEmulationPrevention(clean), clean, 'unchanged input is returned as is');
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }).map((a) => a.map((b) => b & 3)),
      (rbsp) => {
        const nal = addEmulationPrevention(rbsp);
        for (let i = 2; i < nal.length; i++) {
          if (nal[i - 2] === 0 && nal[i - 1] === 0 && nal[i] <= 2)
            throw new Error(`start-code prefix at ${i}`);
        }
        if (hex(removeEmulationPrevention(nal)) !== hex(rbsp)) throw new Error('round trip failed');
      },
    ),
  );
});

t.test('invalid arguments throw errors naming the value', async (t) => {
  t.throws(() => new BitWriter().writeBits(4, 2), /value 4 does not fit in 2/);
  t.throws(() => new BitWriter().writeUe(-1), /ue\(v\): value -1/);
  t.throws(() => new BitWriter().writeBit(1).writeBytes(new Uint8Array(1)), /not byte aligned/);
});
