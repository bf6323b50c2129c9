import { createRequire } from 'node:module';
import fc from 'fast-check';
import t from 'tap';
import { ChunkReader } from '../../../src/rtmp/chunk-reader.js';
import { ChunkWriter } from '../../../src/rtmp/chunk-writer.js';
import { abortMessage, setChunkSizeMessage } from '../../../src/rtmp/protocol-control.js';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { MessageType, type RtmpMessage } from '../../../src/rtmp/rtmp-message.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function message(partial: Partial<RtmpMessage> & { length?: number }): RtmpMessage {
  const length = partial.length ?? partial.payload?.length ?? 10;
  const payload = partial.payload ?? Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 0xff);
  return {
    chunkStreamId: partial.chunkStreamId ?? 4,
    typeId: partial.typeId ?? MessageType.video,
    messageStreamId: partial.messageStreamId ?? 1,
    timestamp: partial.timestamp ?? 0,
    payload,
  };
}

function collect(options?: ConstructorParameters<typeof ChunkReader>[1]) {
  const messages: RtmpMessage[] = [];
  const reader = new ChunkReader((m) => messages.push({ ...m, payload: new Uint8Array(m.payload) }), options);
  return { reader, messages };
}

function errorOf(fn: () => void): RtmpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RtmpError) return error;
    throw error;
  }
  throw new Error('expected an RtmpError');
}

/** Splits one message's chunk bytes (as the writer produced them) into its chunks. */
function chunksOf(bytes: Uint8Array, chunkSize: number): Uint8Array[] {
  const first = bytes[0]!;
  const fmt = first >> 6;
  const basic = (first & 0x3f) === 0 ? 2 : (first & 0x3f) === 1 ? 3 : 1;
  const headerLength = [11, 7, 3, 0][fmt]!;
  const extended = fmt <= 2 && Buffer.from(bytes).readUIntBE(basic, 3) === 0xffffff;
  const length = fmt <= 1 ? Buffer.from(bytes).readUIntBE(basic + 3, 3) : Number.NaN;
  const out: Uint8Array[] = [];
  let at = basic + headerLength + (extended ? 4 : 0);
  let piece = Math.min(chunkSize, Number.isNaN(length) ? bytes.length - at : length);
  out.push(bytes.subarray(0, at + piece));
  at += piece;
  while (at < bytes.length) {
    const header = basic + (extended ? 4 : 0);
    piece = Math.min(chunkSize, bytes.length - at - header);
    out.push(bytes.subarray(at, at + header + piece));
    at += header + piece;
  }
  return out;
}

t.test('header types: 0 first, then 1, 2 and 3 as length, type and delta allow', async (t) => {
  const writer = new ChunkWriter();
  const fmts: number[] = [];
  const sequence = [
    message({ timestamp: 0, length: 10 }),
    message({ timestamp: 40, length: 12 }),
    message({ timestamp: 90, length: 12 }),
    message({ timestamp: 140, length: 12 }),
    message({ timestamp: 190, length: 12, typeId: MessageType.audio }),
    message({ timestamp: 100, length: 12, typeId: MessageType.audio }),
    message({ timestamp: 140, length: 12, typeId: MessageType.audio, messageStreamId: 2 }),
    message({ timestamp: 140, length: 12, typeId: MessageType.audio, messageStreamId: 2 }),
  ];
  const { reader, messages } = collect();
  for (const m of sequence) {
    const bytes = writer.write(m);
    fmts.push(bytes[0]! >> 6);
    reader.push(bytes);
  }
  t.same(
    fmts,
    [0, 1, 2, 3, 1, 0, 0, 2],
    'new stream 0; length 1; delta 2; same delta 3; type 1; back in time 0; new msid 0',
  );
  t.same(messages, sequence);
});

t.test('encodes a type 0 header byte for byte', async (t) => {
  const writer = new ChunkWriter();
  const bytes = writer.write(
    message({ chunkStreamId: 3, typeId: 20, messageStreamId: 0x01020304, timestamp: 0x0a0b0c, length: 2 }),
  );
  t.equal(hex(bytes), '03' + '0a0b0c' + '000002' + '14' + '04030201' + hex(bytes.subarray(12)));
});

t.test(
  'basic headers take 1, 2 and 3 bytes for chunk stream IDs 2..63, 64..319 and 320..65599',
  async (t) => {
    const writer = new ChunkWriter();
    const cases: Array<[number, string]> = [
      [2, '02'],
      [63, '3f'],
      [64, '0000'],
      [319, '00ff'],
      [320, '010001'],
      [65599, '01ffff'],
    ];
    const { reader, messages } = collect();
    for (const [csid, basic] of cases) {
      const bytes = writer.write(message({ chunkStreamId: csid, length: 300 }));
      t.equal(hex(bytes.subarray(0, basic.length / 2)), basic, `chunk stream ${csid}`);
      reader.push(bytes);
    }
    t.same(
      messages.map((m) => m.chunkStreamId),
      cases.map(([csid]) => csid),
    );
    t.equal(errorOf(() => writer.write(message({ chunkStreamId: 1 }))).code, 'PROTOCOL');
    t.equal(errorOf(() => writer.write(message({ chunkStreamId: 65600 }))).code, 'PROTOCOL');
  },
);

t.test('extended timestamps: absolute and delta, repeated on every continuation chunk', async (t) => {
  const writer = new ChunkWriter({ chunkSize: 128 });
  const { reader, messages } = collect();
  const sequence = [
    message({ timestamp: 0xfffff0, length: 300 }),
    message({ timestamp: 0xfffffe, length: 300 }),
    message({ timestamp: 0xffffff, length: 300 }),
    message({ timestamp: 0x1000020, length: 300 }),
    message({ timestamp: 0x2000030, length: 300 }),
    message({ chunkStreamId: 6, timestamp: 0x12345678, length: 300 }),
  ];
  const encoded = sequence.map((m) => writer.write(m));
  // 0xfffffe: type 2 with a 3-byte delta of 14, no extended field.
  t.equal(hex(encoded[1]!.subarray(0, 4)), '84' + '00000e');
  // 0xffffff: a delta of 1.
  t.equal(encoded[2]![0]! >> 6, 2);
  // 0x1000020: delta 0x21 fits; 0x2000030: delta 0x1000010 needs the extended field.
  const big = chunksOf(encoded[4]!, 128);
  t.equal(hex(big[0]!.subarray(0, 8)), '84' + 'ffffff' + '01000010');
  t.equal(big.length, 3);
  for (const chunk of big.slice(1))
    t.equal(hex(chunk.subarray(0, 5)), 'c4' + '01000010', 'type 3 repeats it');
  // Absolute timestamp above 0xFFFFFF on a fresh chunk stream.
  const absolute = chunksOf(encoded[5]!, 128);
  t.equal(hex(absolute[0]!.subarray(0, 4)), '06' + 'ffffff');
  t.equal(hex(absolute[0]!.subarray(12, 16)), '12345678');
  for (const chunk of absolute.slice(1)) t.equal(hex(chunk.subarray(0, 5)), 'c6' + '12345678');
  for (const bytes of encoded) reader.push(bytes);
  t.same(
    messages.map((m) => m.timestamp),
    sequence.map((m) => m.timestamp),
  );
  t.same(messages, sequence);
});

t.test('timestamps wrap at 2^32', async (t) => {
  const writer = new ChunkWriter();
  const { reader, messages } = collect();
  reader.push(writer.write(message({ timestamp: 2 ** 32 - 10 })));
  reader.push(writer.write(message({ timestamp: 2 ** 32 + 5 })));
  t.same(
    messages.map((m) => m.timestamp),
    [2 ** 32 - 10, 5],
  );
});

t.test(
  'a type 3 header for a new message after type 0 reuses the type 0 timestamp as the delta',
  async (t) => {
    const { reader, messages } = collect();
    // Spec 5.3.1.2.4 example: type 0 at 1000, then type 3 headers add 1000 each.
    reader.push(Uint8Array.from([0x04, 0x00, 0x03, 0xe8, 0, 0, 1, 8, 1, 0, 0, 0, 0xaa]));
    reader.push(Uint8Array.from([0xc4, 0xbb, 0xc4, 0xcc]));
    t.same(
      messages.map((m) => [m.timestamp, m.payload[0]]),
      [
        [1000, 0xaa],
        [2000, 0xbb],
        [3000, 0xcc],
      ],
    );
  },
);

t.test('reads interleaved chunk streams', async (t) => {
  const writer = new ChunkWriter({ chunkSize: 128 });
  const audio = message({ chunkStreamId: 4, typeId: 8, timestamp: 0xfffff0 + 23, length: 400 });
  const video = message({ chunkStreamId: 6, typeId: 9, timestamp: 0xffffff + 100, length: 700 });
  const data = message({ chunkStreamId: 400, typeId: 18, timestamp: 5, length: 260 });
  const lists = [audio, video, data].map((m) => chunksOf(writer.write(m), 128));
  const interleaved: Uint8Array[] = [];
  for (let i = 0; i < 6; i++) for (const list of lists) if (list[i]) interleaved.push(list[i]!);
  const { reader, messages } = collect();
  reader.push(Buffer.concat(interleaved));
  t.same(messages, [data, audio, video], 'each completes when its last chunk arrives (3, 4 and 6 chunks)');
});

t.test('honours Set Chunk Size from 128 to 65536 in any slicing', async () => {
  await fc.assert(
    fc.property(
      fc.integer({ min: 128, max: 65536 }),
      fc.array(
        fc.record({
          csid: fc.constantFrom(3, 4, 6, 70, 500),
          length: fc.integer({ min: 0, max: 70_000 }),
          step: fc.nat(0x2000000),
        }),
        {
          minLength: 1,
          maxLength: 6,
        },
      ),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }),
      (chunkSize, specs, slices) => {
        const writer = new ChunkWriter();
        let timestamp = 0;
        const sequence = specs.map((spec) => {
          timestamp += spec.step;
          return message({ chunkStreamId: spec.csid, length: spec.length, timestamp });
        });
        const parts = [writer.write(setChunkSizeMessage(chunkSize))];
        writer.setChunkSize(chunkSize);
        for (const m of sequence) parts.push(writer.write(m));
        const all = Buffer.concat(parts);
        const { reader, messages } = collect();
        let at = 0;
        for (let i = 0; at < all.length; i++) {
          const size = slices[i % slices.length]!;
          reader.push(all.subarray(at, at + size));
          at += size;
        }
        if (reader.chunkSize !== chunkSize)
          throw new Error(`chunk size ${reader.chunkSize}, expected ${chunkSize}`);
        const got = messages.slice(1);
        if (got.length !== sequence.length)
          throw new Error(`got ${got.length} messages, expected ${sequence.length}`);
        got.forEach((m, i) => {
          const want = sequence[i]!;
          if (
            m.chunkStreamId !== want.chunkStreamId ||
            m.timestamp !== want.timestamp % 2 ** 32 ||
            m.typeId !== want.typeId ||
            m.messageStreamId !== want.messageStreamId ||
            hex(m.payload) !== hex(want.payload)
          ) {
            throw new Error(`message ${i} differs`);
          }
        });
      },
    ),
    { seed: 42, numRuns: 150 },
  );
});

t.test('Abort discards the partial message on its chunk stream', async (t) => {
  const writer = new ChunkWriter({ chunkSize: 128 });
  const { reader, messages } = collect();
  const first = chunksOf(writer.write(message({ chunkStreamId: 6, length: 500, timestamp: 10 })), 128);
  reader.push(first[0]!);
  reader.push(writer.write(abortMessage(6)));
  const next = message({ chunkStreamId: 6, length: 20, timestamp: 50, messageStreamId: 9 });
  writer.forget(6);
  reader.push(writer.write(next));
  t.same(
    messages.map((m) => m.typeId),
    [MessageType.abort, MessageType.video],
  );
  t.same(messages[1], next);
});

t.test('Set Chunk Size of 0, negative or short fails with CHUNK_SIZE', async (t) => {
  for (const [label, payload] of [
    ['zero', [0, 0, 0, 0]],
    ['negative (top bit set)', [0x80, 0, 0, 1]],
    ['maximum unsigned', [0xff, 0xff, 0xff, 0xff]],
    ['short payload', [0, 1]],
  ] as const) {
    const { reader } = collect();
    const bytes = new ChunkWriter().write({
      chunkStreamId: 2,
      typeId: MessageType.setChunkSize,
      messageStreamId: 0,
      timestamp: 0,
      payload: Uint8Array.from(payload),
    });
    const error = errorOf(() => reader.push(bytes));
    t.equal(error.code, 'CHUNK_SIZE', label);
    t.equal(
      errorOf(() => reader.push(Uint8Array.from([1]))),
      error,
      `${label}: the reader stays failed`,
    );
  }
  const { reader } = collect();
  reader.push(new ChunkWriter().write(setChunkSizeMessage(0x7fffffff)));
  t.equal(reader.chunkSize, 0x7fffffff, 'the largest legal value is honoured');
  const capped = collect({ maxChunkSize: 1 << 20 });
  const error = errorOf(() => capped.reader.push(new ChunkWriter().write(setChunkSizeMessage(1 << 21))));
  t.match(error.message, /chunk size 2097152 is outside 1\.\.1048576/);
  t.equal(errorOf(() => new ChunkWriter().setChunkSize(0)).code, 'CHUNK_SIZE');
});

t.test('refuses message lengths above the limit before buffering them', async (t) => {
  const { reader, messages } = collect({ maxMessageLength: 1000 });
  const header = Uint8Array.from([0x04, 0, 0, 0, 0x00, 0x03, 0xe9, 9, 1, 0, 0, 0]);
  const error = errorOf(() => reader.push(header));
  t.equal(error.code, 'MESSAGE_TOO_LARGE');
  t.same(error.context, { chunkStreamId: 4, length: 1001, maximum: 1000, typeId: 9 });
  t.equal(messages.length, 0);
  t.equal(
    errorOf(() => new ChunkWriter().write(message({ payload: new Uint8Array(0x1000000) }))).code,
    'MESSAGE_TOO_LARGE',
  );
});

t.test('protocol violations fail with PROTOCOL', async (t) => {
  const noPrevious = errorOf(() => collect().reader.push(Uint8Array.from([0x44, 0, 0, 1, 0, 0, 1, 9])));
  t.equal(noPrevious.code, 'PROTOCOL');
  t.match(noPrevious.message, 'a type 1 header needs an earlier type 0 header');
  t.equal(errorOf(() => collect().reader.push(Uint8Array.from([0xc5]))).code, 'PROTOCOL');

  const { reader } = collect();
  reader.push(Uint8Array.from([0x04, 0, 0, 0, 0, 0x01, 0x00, 9, 1, 0, 0, 0, ...new Uint8Array(128)]));
  const overlap = errorOf(() => reader.push(Uint8Array.from([0x04, 0, 0, 0, 0, 0, 1, 9, 1, 0, 0, 0, 7])));
  t.match(overlap.message, 'a type 0 header arrived while a 256-byte message had 128 bytes left');
});

t.test(
  'cross-check: node-media-server 4.4.3 reads what the writer writes, and the reader reads what NMS writes',
  async (t) => {
    const require = createRequire(import.meta.url);
    const logger = require('node-media-server/src/core/logger.js') as { log: (...args: unknown[]) => void };
    logger.log = () => {};
    type NmsPacket = {
      header: {
        fmt: number;
        cid: number;
        timestamp: number;
        length: number;
        type: number;
        stream_id: number;
      };
      clock: number;
      payload: Buffer;
    };
    const Rtmp = require('node-media-server/src/protocol/rtmp.js') as {
      new (): {
        handshakeState: number;
        parserData(buffer: Buffer): string | null;
        onPacketCallback: (packet: { codec_type: number; dts: number; size: number; data: Buffer }) => void;
      };
      chunksCreate(packet: NmsPacket): Buffer;
    };

    const sequence = [
      message({ chunkStreamId: 6, typeId: 9, timestamp: 0, length: 5000 }),
      message({ chunkStreamId: 4, typeId: 8, timestamp: 0, length: 10 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 33, length: 700 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 66, length: 700 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 99, length: 700 }),
      message({ chunkStreamId: 4, typeId: 8, timestamp: 21, length: 10 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 0xfffff0, length: 9000 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 0x1000100, length: 9000 }),
      message({ chunkStreamId: 6, typeId: 9, timestamp: 0x2000200, length: 9000 }),
    ];
    const nms = new Rtmp();
    nms.handshakeState = 3;
    const seen: Array<[number, number, string]> = [];
    nms.onPacketCallback = (p) => seen.push([p.codec_type, p.dts, hex(p.data.subarray(0, p.size))]);
    const writer = new ChunkWriter();
    nms.parserData(Buffer.from(writer.write(setChunkSizeMessage(4096))));
    writer.setChunkSize(4096);
    for (const m of sequence) nms.parserData(Buffer.from(writer.write(m)));
    t.same(
      seen,
      sequence.map((m) => [m.typeId, m.timestamp, hex(m.payload)]),
    );

    // NMS writes type 0 headers with chunk size 65535 and repeats extended timestamps on type 3 chunks.
    const { reader, messages } = collect();
    reader.push(new ChunkWriter().write(setChunkSizeMessage(0xffff)));
    const fromNms = [
      message({ chunkStreamId: 5, typeId: 9, messageStreamId: 1, timestamp: 0x1234567, length: 200_000 }),
      message({ chunkStreamId: 4, typeId: 8, messageStreamId: 1, timestamp: 7, length: 65535 }),
    ];
    for (const m of fromNms) {
      reader.push(
        Rtmp.chunksCreate({
          header: {
            fmt: 0,
            cid: m.chunkStreamId,
            timestamp: m.timestamp,
            length: m.payload.length,
            type: m.typeId,
            stream_id: 1,
          },
          clock: m.timestamp,
          payload: Buffer.from(m.payload),
        }),
      );
    }
    t.same(messages.slice(1), fromNms);
  },
);
