import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import {
  AMF0_MAX_DEPTH,
  Amf0Date,
  Amf0EcmaArray,
  type Amf0Object,
  type Amf0Value,
  decodeAmf0,
  encodeAmf0,
} from '../../../src/rtmp/amf0.js';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Arbitrary AMF0 values, nested a few levels deep. */
const amf0Value: fc.Arbitrary<Amf0Value> = fc.letrec<{ value: Amf0Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double(),
    fc.boolean(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constant(null),
    fc.constant(undefined),
    fc
      .record({ ms: fc.double(), tz: fc.integer({ min: -32768, max: 32767 }) })
      .map(({ ms, tz }) => new Amf0Date(ms, tz)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 5 })
      .map((entries) => toObject(entries)),
    fc
      .dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 5 })
      .map((entries) => new Amf0EcmaArray(toObject(entries))),
  ),
})).value;

function toObject(entries: Record<string, Amf0Value>): Amf0Object {
  const out: Amf0Object = {};
  for (const key of Object.keys(entries)) {
    Object.defineProperty(out, key, {
      value: entries[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function decodeError(bytes: number[]): RtmpError {
  try {
    decodeAmf0(Uint8Array.from(bytes));
  } catch (error) {
    if (error instanceof RtmpError) return error;
    throw error;
  }
  throw new Error('decodeAmf0 accepted malformed input');
}

t.test('encodes each type with its AMF0 marker and layout', async (t) => {
  t.equal(hex(encodeAmf0([1])), '003ff0000000000000');
  t.equal(hex(encodeAmf0([true, false])), '01010100');
  t.equal(hex(encodeAmf0(['ab'])), '0200026162');
  t.equal(hex(encodeAmf0([null, undefined])), '0506');
  t.equal(hex(encodeAmf0([{ a: 1 }])), '03000161003ff0000000000000000009');
  t.equal(hex(encodeAmf0([new Amf0EcmaArray({ a: true })])), '080000000100016101010000' + '09');
  t.equal(hex(encodeAmf0([[1, 'x']])), '0a00000002003ff00000000000000200' + '0178');
  t.equal(hex(encodeAmf0([new Amf0Date(0, 0)])), '0b00000000000000000000');
  const long = 'x'.repeat(70_000);
  const encoded = encodeAmf0([long]);
  t.equal(encoded[0], 0x0c, 'strings over 65535 bytes use the long string marker');
  t.equal(Buffer.from(encoded).readUInt32BE(1), 70_000);
  t.same(decodeAmf0(encoded), [long]);
});

t.test('decodes what a real server sends: connect _result', async (t) => {
  const bytes = encodeAmf0([
    '_result',
    1,
    { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
    {
      level: 'status',
      code: 'NetConnection.Connect.Success',
      description: 'Connection succeeded.',
      objectEncoding: 0,
    },
  ]);
  const [name, txn, props, info] = decodeAmf0(bytes);
  t.equal(name, '_result');
  t.equal(txn, 1);
  t.same(props, { fmsVer: 'FMS/3,0,1,123', capabilities: 31 });
  t.same(info, {
    level: 'status',
    code: 'NetConnection.Connect.Success',
    description: 'Connection succeeded.',
    objectEncoding: 0,
  });
});

t.test('decode(encode(values)) gives the values back', async () => {
  fc.assert(
    fc.property(fc.array(amf0Value, { maxLength: 6 }), (values) => {
      const back = decodeAmf0(encodeAmf0(values));
      if (!isDeepStrictEqual(back, values)) {
        throw new Error(`round trip changed ${fc.stringify(values)} into ${fc.stringify(back)}`);
      }
    }),
    { seed: 42, numRuns: 500 },
  );
});

t.test('encode(decode(bytes)) gives canonical bytes back', async () => {
  fc.assert(
    fc.property(fc.array(amf0Value, { maxLength: 6 }), (values) => {
      const bytes = encodeAmf0(values);
      const again = encodeAmf0(decodeAmf0(bytes));
      if (hex(again) !== hex(bytes)) throw new Error(`re-encoding changed ${hex(bytes)} into ${hex(again)}`);
    }),
    { seed: 42, numRuns: 300 },
  );
});

t.test('a "__proto__" key decodes as an own property', async (t) => {
  const bytes = Uint8Array.from([
    0x03,
    0x00,
    0x09,
    ...Buffer.from('__proto__'),
    0x00,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    9,
  ]);
  const [object] = decodeAmf0(bytes) as [Amf0Object];
  t.ok(Object.hasOwn(object, '__proto__'));
  t.equal(Object.getPrototypeOf(object), Object.prototype);
});

t.test('malformed input fails with AMF_DECODE naming the offset', async (t) => {
  const truncatedNumber = decodeError([0x00, 0x3f, 0xf0]);
  t.equal(truncatedNumber.code, 'AMF_DECODE');
  t.equal(truncatedNumber.context.offset, 0);
  t.match(
    truncatedNumber.message,
    /^Failed to decode AMF0 value at offset 0: a number needs 9 bytes but only 3 remain/,
  );

  const badMarker = decodeError([0x05, 0x11]);
  t.equal(badMarker.context.offset, 1);
  t.equal(badMarker.context.marker, 0x11);
  t.match(badMarker.message, /marker 0x11 is not supported/);

  const strayEnd = decodeError([0x09]);
  t.match(strayEnd.message, /object-end marker/);

  const unterminated = decodeError([0x03, 0x00, 0x01, 0x61, 0x05]);
  t.equal(unterminated.code, 'AMF_DECODE');

  const hugeArray = decodeError([0x0a, 0xff, 0xff, 0xff, 0xff, 0x05]);
  t.equal(hugeArray.context.count, 0xffffffff);

  const shortString = decodeError([0x02, 0x00, 0x05, 0x61]);
  t.match(shortString.message, /a string body needs 5 bytes but only 1 remain/);

  const deep = decodeError(Array.from({ length: AMF0_MAX_DEPTH + 5 }, () => [0x0a, 0, 0, 0, 1]).flat());
  t.match(deep.message, /nesting deeper than 64 levels/);
});

t.test('arbitrary bytes either decode or fail with AMF_DECODE', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeAmf0(bytes);
      } catch (error) {
        if (!(error instanceof RtmpError) || error.code !== 'AMF_DECODE') throw error;
      }
    }),
    { seed: 42, numRuns: 1000 },
  );
});
