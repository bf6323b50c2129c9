/**
 * Feeds hostile server input into the whole client stack (handshake, chunk reader, protocol control,
 * AMF0, publisher): garbage S0/S1/S2, random chunk bytes, malformed AMF, absurd chunk sizes, truncated
 * messages, then maybe a socket event or a long wait. Every case must end in an `RtmpError` or in a
 * clean wait for more data; nothing else may escape.
 */

import fc from 'fast-check';
import t from 'tap';
import { type Amf0Value, encodeAmf0 } from '../../../src/rtmp/amf0.js';
import { ChunkWriter } from '../../../src/rtmp/chunk-writer.js';
import { RtmpPublisher, type RtmpPublisherState } from '../../../src/rtmp/publisher.js';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { MessageType } from '../../../src/rtmp/rtmp-message.js';
import { FakeSocket, ManualClock, seededBytes, serverHandshake } from './fakes.js';

type Piece = (writer: ChunkWriter) => Uint8Array;

const command =
  (values: Amf0Value[], messageStreamId = 0): Piece =>
  (w) =>
    w.write({
      chunkStreamId: 3,
      typeId: MessageType.amf0Command,
      messageStreamId,
      timestamp: 0,
      payload: encodeAmf0(values),
    });

const raw =
  (typeId: number, payload: Uint8Array, chunkStreamId = 3, messageStreamId = 0): Piece =>
  (w) =>
    w.write({ chunkStreamId, typeId, messageStreamId, timestamp: 0, payload });

const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
};

const amfValue: fc.Arbitrary<Amf0Value> = fc.oneof(
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.dictionary(
    fc.constantFrom('level', 'code', 'description', 'x'),
    fc.oneof(fc.string({ maxLength: 30 }), fc.integer()),
  ),
);

const connectResult = fc.constant(
  command([
    '_result',
    1,
    { fmsVer: 'FMS/3,0,1,123' },
    { level: 'status', code: 'NetConnection.Connect.Success' },
  ]),
);
const createStreamResult = fc.oneof(
  fc.constant(command(['_result', 4, null, 1])),
  amfValue.map((v) => command(['_result', 4, null, v])),
);
const publishStatus = fc
  .record({
    level: fc.constantFrom('status', 'error', 'warning'),
    code: fc.constantFrom('NetStream.Publish.Start', 'NetStream.Publish.BadName', 'NetStream.Publish.Idle'),
    streamId: fc.constantFrom(0, 1, 2),
  })
  .map(({ level, code, streamId }) =>
    command(['onStatus', 0, null, { level, code, description: 'd' }], streamId),
  );

const piece: fc.Arbitrary<Piece> = fc.oneof(
  connectResult,
  createStreamResult,
  publishStatus,
  // Commands with arbitrary values (wrong types, unknown names, _error replies).
  fc
    .tuple(
      fc.constantFrom('_result', '_error', 'onStatus', 'onBWDone', 'close', ''),
      fc.integer({ min: -1, max: 6 }),
      fc.array(amfValue, { maxLength: 3 }),
    )
    .map(([name, txn, rest]) => command([name, txn, ...rest])),
  // Malformed AMF: random payloads, and valid encodings truncated or with a byte replaced.
  fc.uint8Array({ maxLength: 80 }).map((payload) => raw(MessageType.amf0Command, payload)),
  fc.uint8Array({ maxLength: 40 }).map((payload) => raw(MessageType.amf0Data, payload, 5, 1)),
  fc
    .tuple(fc.array(amfValue, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(255), fc.boolean())
    .map(([values, at, byte, truncate]) => {
      const bytes = new Uint8Array(encodeAmf0(values));
      const i = at % bytes.length;
      if (truncate) return raw(MessageType.amf0Command, bytes.subarray(0, i));
      bytes[i] = byte;
      return raw(MessageType.amf0Command, bytes);
    }),
  fc.uint8Array({ maxLength: 30 }).map((payload) => raw(MessageType.amf3Command, payload)),
  // Set Chunk Size: legal, zero, negative, absurd, short.
  fc
    .oneof(
      fc.constantFrom(0, 1, 128, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff),
      fc.nat(),
      fc.integer({ min: 0x80000000, max: 0xffffffff }),
    )
    .map((size) => raw(MessageType.setChunkSize, u32(size), 2)),
  fc.uint8Array({ maxLength: 3 }).map((payload) => raw(MessageType.setChunkSize, payload, 2)),
  // Other control messages with arbitrary payloads.
  fc
    .tuple(fc.constantFrom(2, 3, 4, 5, 6), fc.uint8Array({ maxLength: 10 }))
    .map(([typeId, payload]) => raw(typeId, payload, 2)),
  // Media and unknown types from the server.
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }))
    .map(([typeId, payload]) => raw(typeId, payload, 7, 1)),
  // Truncated messages: a valid encoding cut short.
  fc.tuple(fc.array(amfValue, { minLength: 1, maxLength: 3 }), fc.nat()).map(
    ([values, cut]): Piece =>
      (w) => {
        const bytes = command(['onStatus', 0, null, ...values])(w);
        return bytes.subarray(0, cut % bytes.length);
      },
  ),
  // Raw garbage inside the chunk stream.
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map(
    (bytes): Piece =>
      () =>
        bytes,
  ),
);

const handshakeInput = fc.oneof(
  { weight: 6, arbitrary: fc.constant<'valid'>('valid') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4000 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.nat(3500))
      .map(([version, length]) => ({ version, length })),
  },
);

const ending = fc.constantFrom('none', 'end', 'close', 'error', 'wait');

/** How far along the valid sequence the server goes before the hostile pieces: 0..3 steps. */
const VALID_STEPS: Piece[] = [
  command([
    '_result',
    1,
    { fmsVer: 'FMS/3,0,1,123' },
    { level: 'status', code: 'NetConnection.Connect.Success' },
  ]),
  command(['_result', 4, null, 1]),
  command(['onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start', description: 'ok' }], 1),
];

const scenario = fc.record({
  handshake: handshakeInput,
  validSteps: fc.integer({ min: 0, max: 3 }),
  pieces: fc.array(piece, { maxLength: 8 }),
  slices: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
  ending,
});

const WAITING: ReadonlySet<RtmpPublisherState> = new Set([
  'handshaking',
  'connecting',
  'creating-stream',
  'awaiting-publish-start',
  'publishing',
]);

t.test('hostile server input ends in an RtmpError or a clean wait, never anything else', async (t) => {
  const tally = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(scenario, async ({ handshake, validSteps, pieces, slices, ending }) => {
      const socket = new FakeSocket();
      const clock = new ManualClock();
      const publisher = new RtmpPublisher({
        socket,
        url: 'rtmp://fuzz.example/live/case',
        clock,
        randomBytes: seededBytes(5),
      });
      const errors: unknown[] = [];
      publisher.on('error', (error) => errors.push(error));
      let outcome: 'pending' | 'resolved' | unknown = 'pending';
      publisher.start().then(
        () => {
          outcome = 'resolved';
        },
        (error: unknown) => {
          outcome = error;
        },
      );

      let serverBytes: Uint8Array;
      if (handshake === 'valid') serverBytes = serverHandshake(socket.writes[0]!.subarray(1));
      else if (handshake instanceof Uint8Array) serverBytes = handshake;
      else {
        serverBytes = serverHandshake(socket.writes[0]!.subarray(1)).subarray(0, handshake.length);
        if (serverBytes.length > 0) serverBytes[0] = handshake.version;
      }
      const writer = new ChunkWriter();
      const steps = VALID_STEPS.slice(0, validSteps);
      const stream = Buffer.concat([serverBytes, ...[...steps, ...pieces].map((p) => p(writer))]);

      let at = 0;
      for (let i = 0; at < stream.length; i++) {
        const size = slices[i % slices.length]!;
        socket.receive(stream.subarray(at, at + size));
        at += size;
      }
      if (ending === 'end') socket.emit('end');
      else if (ending === 'close') socket.emit('close');
      else if (ending === 'error') socket.emit('error', new Error('ECONNRESET'));
      else if (ending === 'wait') clock.advance(60_000);
      await new Promise((resolve) => setImmediate(resolve));

      for (const error of errors) {
        if (!(error instanceof RtmpError)) throw new Error(`an 'error' event carried ${String(error)}`);
      }
      const state = publisher.state;
      if (outcome === 'pending') {
        if (!WAITING.has(state) || state === 'publishing')
          throw new Error(`start() pending in state ${state}`);
        if (errors.length > 0) throw new Error('an error was emitted but start() did not reject');
        if (ending !== 'none') throw new Error(`still ${state} after '${ending}'`);
      } else if (outcome === 'resolved') {
        if (state !== 'publishing' && state !== 'closed' && state !== 'failed')
          throw new Error(`resolved in ${state}`);
      } else {
        if (!(outcome instanceof RtmpError)) throw new Error(`start() rejected with ${String(outcome)}`);
        if (state !== 'failed') throw new Error(`rejected but state is ${state}`);
        if (!socket.destroyed) throw new Error('failed without destroying the socket');
      }
      if (state === 'failed' && clock.pendingTimers !== 0) throw new Error('timers left after failure');
      const key = outcome instanceof RtmpError ? outcome.code : `${String(outcome)} ${state}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }),
    { seed: 42, numRuns: 2000 },
  );
  // The generators must reach every layer, or the property proves little.
  const seen = [...tally.keys()].sort();
  t.comment(JSON.stringify(Object.fromEntries([...tally].sort())));
  for (const expected of [
    'AMF_DECODE',
    'CHUNK_SIZE',
    'COMMAND_ERROR',
    'CONNECTION_CLOSED',
    'HANDSHAKE_CLOSED',
    'HANDSHAKE_TIMEOUT',
    'HANDSHAKE_VERSION',
    'PROTOCOL',
    'PUBLISH_REJECTED',
    'TIMEOUT',
    'pending connecting',
    'pending handshaking',
    'resolved publishing',
  ]) {
    t.ok(seen.includes(expected), `some case ends in ${expected}`);
  }
});
