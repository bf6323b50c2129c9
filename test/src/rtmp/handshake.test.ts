import t from 'tap';
import { ClientHandshake, type HandshakeResult } from '../../../src/rtmp/handshake.js';
import { RtmpPublisher } from '../../../src/rtmp/publisher.js';
import type { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { FakeSocket, ManualClock, seededBytes, serverHandshake } from './fakes.js';

function harness(timeoutMs?: number) {
  const clock = new ManualClock(0x0a0b0c0d);
  const sent: Uint8Array[] = [];
  const results: HandshakeResult[] = [];
  const errors: RtmpError[] = [];
  const handshake = new ClientHandshake({
    clock,
    randomBytes: seededBytes(7),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    send: (bytes) => sent.push(new Uint8Array(bytes)),
    onComplete: (result) => results.push(result),
    onError: (error) => errors.push(error),
  });
  return { clock, sent, results, errors, handshake };
}

t.test('C0+C1 is version 3, a 4-byte time, four zero bytes and 1528 random bytes', async (t) => {
  const { sent, handshake } = harness();
  handshake.start();
  t.equal(sent.length, 1);
  const c0c1 = sent[0]!;
  t.equal(c0c1.length, 1537);
  t.equal(c0c1[0], 3);
  t.equal(Buffer.from(c0c1).readUInt32BE(1), 0x0a0b0c0d, 'time field is clock.now()');
  t.same([...c0c1.subarray(5, 9)], [0, 0, 0, 0]);
  t.same([...c0c1.subarray(9)], [...seededBytes(7)(1528)], 'random field comes from randomBytes');
  t.equal(handshake.state, 'awaiting-s0-s1');
});

t.test('C2 goes out only once all of S1 has arrived, and echoes S1', async (t) => {
  const { clock, sent, results, handshake } = harness();
  handshake.start();
  const server = serverHandshake(sent[0]!.subarray(1), 0x11223344);
  const s0s1 = server.subarray(0, 1537);
  for (let i = 0; i < s0s1.length - 1; i += 97) {
    handshake.feed(s0s1.subarray(i, Math.min(i + 97, s0s1.length - 1)));
    t.equal(sent.length, 1, `no C2 after ${Math.min(i + 97, s0s1.length - 1)} of 1537 S0+S1 bytes`);
  }
  clock.advance(5);
  handshake.feed(s0s1.subarray(s0s1.length - 1));
  t.equal(sent.length, 2, 'C2 follows the last S1 byte');
  const c2 = Buffer.from(sent[1]!);
  t.equal(c2.length, 1536);
  t.equal(c2.readUInt32BE(0), 0x11223344, 'time echoes S1 time');
  t.equal(c2.readUInt32BE(4), 0x0a0b0c0d + 5, 'time2 is when S1 was read');
  t.same([...c2.subarray(8)], [...s0s1.subarray(9)], 'random echo of S1');
  t.equal(handshake.state, 'awaiting-s2');
  t.equal(results.length, 0);
});

t.test('completes on the last S2 byte and hands over the bytes after S2', async (t) => {
  const { sent, results, handshake, clock } = harness();
  handshake.start();
  const server = serverHandshake(sent[0]!.subarray(1));
  const trailing = Uint8Array.from([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x10, 0]);
  handshake.feed(server.subarray(0, 3000));
  t.equal(results.length, 0);
  handshake.feed(Buffer.concat([server.subarray(3000), trailing]));
  t.equal(results.length, 1);
  t.same([...results[0]!.rest], [...trailing]);
  t.equal(results[0]!.serverTime, 0x01020304);
  t.equal(results[0]!.s2EchoesC1, true);
  t.equal(handshake.state, 'done');
  t.equal(clock.pendingTimers, 0, 'timeout cleared');
  handshake.feed(Uint8Array.from([1, 2, 3]));
  t.equal(results.length, 1, 'input after completion is ignored');
});

t.test('reports an S2 that does not echo C1 without failing', async (t) => {
  const { sent, results, handshake } = harness();
  handshake.start();
  const server = serverHandshake(sent[0]!.subarray(1));
  server[2000] = (server[2000]! + 1) & 0xff;
  handshake.feed(server);
  t.equal(results[0]!.s2EchoesC1, false);
});

t.test('a version other than 3 in S0 fails with HANDSHAKE_VERSION', async (t) => {
  const { errors, handshake, sent } = harness();
  handshake.start();
  handshake.feed(Uint8Array.from([6]));
  t.equal(errors.length, 1);
  t.equal(errors[0]!.code, 'HANDSHAKE_VERSION');
  t.same(errors[0]!.context, { expected: 3, actual: 6 });
  t.match(
    errors[0]!.message,
    'Failed to complete the RTMP handshake: the server sent version 6 in S0, expected 3',
  );
  t.equal(sent.length, 1, 'no C2');
  handshake.feed(new Uint8Array(3000));
  t.equal(errors.length, 1, 'reported once');
});

t.test('no S0+S1 within the timeout fails with HANDSHAKE_TIMEOUT', async (t) => {
  const { errors, handshake, clock } = harness(3000);
  handshake.start();
  handshake.feed(Uint8Array.from([3, 0, 0]));
  clock.advance(2999);
  t.equal(errors.length, 0);
  clock.advance(1);
  t.equal(errors[0]!.code, 'HANDSHAKE_TIMEOUT');
  t.same(errors[0]!.context, { stage: 'awaiting-s0-s1', timeoutMs: 3000, bytesReceived: 3 });
  t.equal(handshake.state, 'failed');
});

t.test('a close during the handshake fails with HANDSHAKE_CLOSED', async (t) => {
  const { errors, handshake, sent } = harness();
  handshake.start();
  handshake.feed(serverHandshake(sent[0]!.subarray(1)).subarray(0, 1600));
  handshake.peerClosed();
  t.equal(errors[0]!.code, 'HANDSHAKE_CLOSED');
  t.same(errors[0]!.context, { stage: 'awaiting-s2', bytesReceived: 1600 });
});

t.test('a publisher sends nothing after C2 until S2 has arrived', async (t) => {
  const socket = new FakeSocket();
  const publisher = new RtmpPublisher({
    socket,
    url: 'rtmp://example.com/live/name',
    clock: new ManualClock(),
    randomBytes: seededBytes(3),
  });
  const started = publisher.start();
  started.catch(() => {});
  t.equal(socket.noDelay, true, 'setNoDelay(true) is called');
  t.equal(socket.writes.length, 1, 'C0+C1 only');
  const server = serverHandshake(socket.writes[0]!.subarray(1));
  for (let i = 0; i < 1537; i++) socket.receive(server.subarray(i, i + 1));
  t.equal(socket.writes.length, 2, 'C2 after S1');
  for (let i = 1537; i < server.length - 1; i += 50) {
    socket.receive(server.subarray(i, Math.min(i + 50, server.length - 1)));
  }
  t.equal(socket.writes.length, 2, 'nothing before the last S2 byte');
  socket.receive(server.subarray(server.length - 1));
  t.ok(socket.writes.length > 2, 'chunk traffic starts after S2');
  t.equal(publisher.state, 'connecting');
  publisher.close();
});
