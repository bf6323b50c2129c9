import type net from 'node:net';
import type { Duplex } from 'node:stream';
import t from 'tap';
import { Amf0EcmaArray, type Amf0Value, decodeAmf0, encodeAmf0 } from '../../../src/rtmp/amf0.js';
import type { RtmpSocket } from '../../../src/rtmp/environment.js';
import {
  acknowledgementMessage,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  UserControlType,
  userControlMessage,
  windowAckSizeMessage,
} from '../../../src/rtmp/protocol-control.js';
import { RtmpPublisher, type RtmpPublisherOptions, type RtmpWireEvent } from '../../../src/rtmp/publisher.js';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { MessageType, type RtmpMessage } from '../../../src/rtmp/rtmp-message.js';
import { FakeSocket, ManualClock, ScriptedServer, seededBytes, serverHandshake } from './fakes.js';

const URL = 'rtmp://push.example.com/live/room42?txSecret=abc&txTime=65F0A1B2';

function session(options: Partial<RtmpPublisherOptions> = {}) {
  const socket = new FakeSocket();
  const clock = new ManualClock(5_000);
  const wire: RtmpWireEvent[] = [];
  const events: string[] = [];
  const publisher = new RtmpPublisher({
    socket,
    url: URL,
    clock,
    randomBytes: seededBytes(11),
    onWireEvent: (e) => wire.push(e),
    ...options,
  });
  publisher.on('handshake-done', () => events.push('handshake-done'));
  publisher.on('connected', () => events.push('connected'));
  publisher.on('publishing', (p) => events.push(`publishing ${p.streamId} ${p.code}`));
  publisher.on('closed', (c) => events.push(`closed ${c.reason}${c.error ? ` ${c.error.code}` : ''}`));
  publisher.on('error', (e) => events.push(`error ${e.code}`));
  const server = new ScriptedServer(socket);
  let outcome: 'pending' | 'resolved' | RtmpError = 'pending';
  const started = publisher.start().then(
    () => {
      outcome = 'resolved';
    },
    (error: RtmpError) => {
      outcome = error;
    },
  );
  const settle = async () => {
    await Promise.race([started, new Promise((resolve) => setImmediate(resolve))]);
    return outcome;
  };
  const handshake = () => socket.receive(serverHandshake(socket.writes[0]!.subarray(1)));
  const commandsSent = () => server.commands().map((m) => decodeAmf0(m.payload));
  /** Answers connect and createStream and publish as NMS does. */
  const toPublishing = () => {
    handshake();
    socket.receive(server.message(windowAckSizeMessage(5_000_000)));
    socket.receive(server.message(setPeerBandwidthMessage(5_000_000, 2)));
    socket.receive(server.message(setChunkSizeMessage(60_000)));
    socket.receive(
      server.command([
        '_result',
        1,
        { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
        { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.' },
      ]),
    );
    socket.receive(server.command(['_result', 4, null, 1]));
    socket.receive(
      server.command(
        ['onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start', description: 'published' }],
        1,
      ),
    );
  };
  return { socket, clock, wire, events, publisher, server, settle, handshake, commandsSent, toPublishing };
}

t.test('publishes with the connect → createStream → publish sequence and records it', async (t) => {
  const s = session({ metadata: { width: 640, height: 360 } });
  s.toPublishing();
  t.equal(await s.settle(), 'resolved');
  t.equal(s.publisher.state, 'publishing');
  t.equal(s.publisher.streamId, 1);
  t.same(s.events, ['handshake-done', 'connected', 'publishing 1 NetStream.Publish.Start']);

  const received = s.server.readClient();
  t.same(
    [received[0]!.typeId, Buffer.from(received[0]!.payload).readUInt32BE(0)],
    [MessageType.setChunkSize, 4096],
    'Set Chunk Size 4096 comes first',
  );
  const commands = s.commandsSent();
  t.same(
    commands.map((c) => [c[0], c[1]]),
    [
      ['connect', 1],
      ['releaseStream', 2],
      ['FCPublish', 3],
      ['createStream', 4],
      ['publish', 5],
    ],
  );
  t.same(commands[0]![2], {
    app: 'live',
    type: 'nonprivate',
    flashVer: 'FMLE/3.0 (compatible; lpc)',
    tcUrl: 'rtmp://push.example.com/live?txSecret=abc&txTime=65F0A1B2',
  });
  t.same(commands[1]!.slice(2), [null, 'room42?txSecret=abc&txTime=65F0A1B2']);
  t.same(commands[4]!.slice(2), [null, 'room42?txSecret=abc&txTime=65F0A1B2', 'live']);
  const publish = s.server.commands()[4]!;
  t.equal(publish.messageStreamId, 1, 'publish goes on the created stream');
  const data = received.filter((m) => m.typeId === MessageType.amf0Data);
  t.equal(data.length, 1);
  t.same(decodeAmf0(data[0]!.payload), [
    '@setDataFrame',
    'onMetaData',
    new Amf0EcmaArray({ width: 640, height: 360 }),
  ]);
  t.equal(data[0]!.messageStreamId, 1);

  t.same(
    s.wire.map((e) => [
      e.direction,
      e.kind,
      e.name,
      e.transactionId,
      e.messageStreamId,
      e.respondsTo ?? '',
      e.status?.code ?? '',
    ]),
    [
      ['sent', 'command', 'connect', 1, 0, '', ''],
      ['received', 'command', '_result', 1, 0, 'connect', 'NetConnection.Connect.Success'],
      ['sent', 'command', 'releaseStream', 2, 0, '', ''],
      ['sent', 'command', 'FCPublish', 3, 0, '', ''],
      ['sent', 'command', 'createStream', 4, 0, '', ''],
      ['received', 'command', '_result', 4, 0, 'createStream', ''],
      ['sent', 'command', 'publish', 5, 1, '', ''],
      ['received', 'command', 'onStatus', 0, 1, '', 'NetStream.Publish.Start'],
      ['sent', 'data', '@setDataFrame', null, 1, '', ''],
    ],
  );
  t.ok(s.wire.every((e) => e.timeMs === 5_000));
  t.equal(s.clock.pendingTimers, 0, 'no timers left once publishing');
  t.same(
    received
      .filter((m) => m.typeId === MessageType.windowAckSize)
      .map((m) => Buffer.from(m.payload).readUInt32BE(0)),
    [],
    'dynamic peer bandwidth without an earlier hard limit needs no answer',
  );
});

t.test('sends audio and video on the created stream with compressed headers', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  const before = s.server.readClient().length;
  t.equal(s.publisher.sendVideo(0, Uint8Array.from([0x17, 0, 0, 0, 0, 1, 2, 3])), true);
  t.equal(s.publisher.sendAudio(0, Uint8Array.from([0xaf, 0, 0x12, 0x10])), true);
  for (let i = 1; i <= 3; i++) s.publisher.sendVideo(i * 33, new Uint8Array(5000).fill(i));
  s.publisher.sendAudio(0x1000000, Uint8Array.from([0xaf, 1, 0x21]));
  s.publisher.sendMetadata({ duration: 0 });
  const media = s.server.readClient().slice(before);
  t.same(
    media.map((m) => [m.typeId, m.timestamp, m.messageStreamId, m.payload.length]),
    [
      [9, 0, 1, 8],
      [8, 0, 1, 4],
      [9, 33, 1, 5000],
      [9, 66, 1, 5000],
      [9, 99, 1, 5000],
      [8, 0x1000000, 1, 3],
      [18, 0, 1, media[6]!.payload.length],
    ],
  );
  t.same(decodeAmf0(media[6]!.payload)[1], 'onMetaData');
});

t.test('counters: bytes written, received, acknowledged and the socket queue', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  s.publisher.sendVideo(0, new Uint8Array(10_000));
  s.socket.writableLength = 1234;
  s.socket.receive(s.server.message(acknowledgementMessage(4000)));
  const counters = s.publisher.counters;
  t.equal(counters.bytesWritten, s.socket.written().length);
  t.equal(counters.bytesAcknowledged, 4000);
  t.equal(counters.writeQueueBytes, 1234);
  t.ok(counters.bytesReceived > 3073);
});

t.test('acknowledges received bytes per the window and answers pings', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  s.socket.receive(s.server.message(windowAckSizeMessage(4000)));
  s.socket.receive(s.server.message(userControlMessage(UserControlType.pingRequest, 777)));
  t.ok(s.publisher.counters.bytesReceived < 4000);
  t.equal(s.server.readClient().filter((m) => m.typeId === MessageType.acknowledgement).length, 0);
  s.socket.receive(
    s.server.message({
      chunkStreamId: 5,
      typeId: MessageType.amf0Data,
      messageStreamId: 1,
      timestamp: 0,
      payload: encodeAmf0(['|RtmpSampleAccess', 'x'.repeat(1000)]),
    }),
  );
  const acks = s.server.readClient().filter((m) => m.typeId === MessageType.acknowledgement);
  t.equal(acks.length, 1, 'one acknowledgement once 4000 bytes have arrived');
  t.equal(Buffer.from(acks[0]!.payload).readUInt32BE(0), s.publisher.counters.bytesReceived);
  const pong = s.server.readClient().filter((m) => m.typeId === MessageType.userControl);
  t.same(
    pong.map((m) => Buffer.from(m.payload).toString('hex')),
    ['0007' + '00000309'],
  );
});

t.test('close() sends FCUnpublish and deleteStream, then ends the socket', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  s.publisher.close();
  t.same(
    s
      .commandsSent()
      .slice(5)
      .map((c) => [c[0], c[1], c[3]]),
    [
      ['FCUnpublish', 6, 'room42?txSecret=abc&txTime=65F0A1B2'],
      ['deleteStream', 7, 1],
    ],
  );
  t.ok(s.socket.ended);
  t.equal(s.publisher.state, 'closed');
  t.same(s.events.slice(-1), ['closed local']);
  t.throws(() => s.publisher.sendVideo(0, new Uint8Array(1)), { code: 'CONNECTION_CLOSED' });
  s.publisher.close();
  t.same(s.events.slice(-1), ['closed local'], 'idempotent');
});

t.test('the server ending the connection while publishing closes with reason server-end', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  s.socket.emit('end');
  s.socket.emit('close');
  t.same(s.events.slice(-1), ['closed server-end']);
  t.equal(s.events.filter((e) => e.startsWith('closed')).length, 1);
});

t.test('an _error reply to connect fails with COMMAND_ERROR', async (t) => {
  const s = session();
  s.handshake();
  s.socket.receive(
    s.server.command([
      '_error',
      1,
      null,
      { level: 'error', code: 'NetConnection.Connect.Rejected', description: 'bad app' },
    ]),
  );
  const outcome = await s.settle();
  t.type(outcome, RtmpError);
  const error = outcome as RtmpError;
  t.equal(error.code, 'COMMAND_ERROR');
  t.equal(
    error.message,
    'Failed to connect: the server answered _error NetConnection.Connect.Rejected "bad app"',
  );
  t.same(error.context, {
    command: 'connect',
    transactionId: 1,
    level: 'error',
    code: 'NetConnection.Connect.Rejected',
    description: 'bad app',
  });
  t.same(s.events, ['handshake-done', 'error COMMAND_ERROR', 'closed error COMMAND_ERROR']);
  t.ok(s.socket.destroyed);
});

t.test('an _error reply to releaseStream does not fail the publish', async (t) => {
  const s = session();
  s.handshake();
  s.socket.receive(
    s.server.command(['_result', 1, null, { level: 'status', code: 'NetConnection.Connect.Success' }]),
  );
  s.socket.receive(
    s.server.command(['_error', 2, null, { level: 'error', code: 'NetConnection.Call.Failed' }]),
  );
  s.socket.receive(s.server.command(['onFCPublish', 0, null, { code: 'NetStream.Publish.Start' }]));
  t.equal(s.publisher.state, 'creating-stream');
});

t.test('an error-level onStatus for publish fails with PUBLISH_REJECTED', async (t) => {
  const s = session();
  s.handshake();
  s.socket.receive(s.server.command(['_result', 1, null, {}]));
  s.socket.receive(s.server.command(['_result', 4, null, 3]));
  s.socket.receive(
    s.server.command(
      [
        'onStatus',
        0,
        null,
        { level: 'error', code: 'NetStream.Publish.BadName', description: 'Stream already publishing' },
      ],
      3,
    ),
  );
  const error = (await s.settle()) as RtmpError;
  t.equal(error.code, 'PUBLISH_REJECTED');
  t.equal(
    error.message,
    'Failed to publish "room42?txSecret=abc&txTime=65F0A1B2": the server sent NetStream.Publish.BadName "Stream already publishing"',
  );
  t.equal(error.context.code, 'NetStream.Publish.BadName');
});

t.test('the socket closing before publish start fails with CONNECTION_CLOSED', async (t) => {
  const s = session();
  s.handshake();
  s.socket.receive(s.server.command(['_result', 1, null, {}]));
  s.socket.emit('end');
  const error = (await s.settle()) as RtmpError;
  t.equal(error.code, 'CONNECTION_CLOSED');
  t.equal(error.message, 'Failed to publish: the server ended the connection while creating-stream');
  t.same(s.events.slice(-1), ['closed error CONNECTION_CLOSED']);
});

t.test('the socket closing during the handshake fails with HANDSHAKE_CLOSED', async (t) => {
  const s = session();
  s.socket.emit('close');
  t.equal(((await s.settle()) as RtmpError).code, 'HANDSHAKE_CLOSED');
});

t.test('a socket error fails with CONNECTION_CLOSED carrying the cause', async (t) => {
  const s = session();
  s.toPublishing();
  await s.settle();
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  let seen: RtmpError | undefined;
  s.publisher.on('error', (e) => {
    seen = e;
  });
  s.socket.emit('error', cause);
  t.equal(seen?.code, 'CONNECTION_CLOSED');
  t.equal(seen?.message, 'Failed to keep the RTMP connection: socket error ECONNRESET: read ECONNRESET');
  t.equal(seen?.cause, cause);
  t.same(s.events.slice(-1), ['closed error CONNECTION_CLOSED']);
});

t.test('timeouts: handshake, connect reply and publish status', async (t) => {
  const handshake = session({ handshakeTimeoutMs: 2000 });
  handshake.clock.advance(2000);
  t.equal(((await handshake.settle()) as RtmpError).code, 'HANDSHAKE_TIMEOUT');

  const connect = session({ commandTimeoutMs: 3000 });
  connect.handshake();
  connect.clock.advance(2999);
  t.equal(await connect.settle(), 'pending');
  connect.clock.advance(1);
  const error = (await connect.settle()) as RtmpError;
  t.equal(error.code, 'TIMEOUT');
  t.equal(error.message, 'Failed to connect: no _result for transaction 1 within 3000 ms');

  const publish = session({ commandTimeoutMs: 3000 });
  publish.handshake();
  publish.socket.receive(publish.server.command(['_result', 1, null, {}]));
  publish.socket.receive(publish.server.command(['_result', 4, null, 1]));
  publish.clock.advance(3000);
  const late = (await publish.settle()) as RtmpError;
  t.equal(late.code, 'TIMEOUT');
  t.match(late.message, 'no NetStream.Publish.Start within 3000 ms');
  t.equal(publish.clock.pendingTimers, 0);
});

t.test('a createStream _result without a numeric stream ID fails with PROTOCOL', async (t) => {
  const s = session();
  s.handshake();
  s.socket.receive(s.server.command(['_result', 1, null, {}]));
  s.socket.receive(s.server.command(['_result', 4, null, 'one'] as Amf0Value[]));
  const error = (await s.settle()) as RtmpError;
  t.equal(error.code, 'PROTOCOL');
  t.match(error.message, 'stream ID "one"');
});

t.test(
  'media before publishing is a PROTOCOL error; a bad URL throws URL from the constructor',
  async (t) => {
    const s = session();
    t.throws(() => s.publisher.sendVideo(0, new Uint8Array(1)), { code: 'PROTOCOL' });
    t.throws(() => s.publisher.sendMetadata({}), { code: 'PROTOCOL' });
    s.publisher.close();
    t.equal(((await s.settle()) as RtmpError).code, 'CONNECTION_CLOSED');
    t.throws(
      () =>
        new RtmpPublisher({
          socket: new FakeSocket(),
          url: 'http://x/y/z',
          clock: new ManualClock(),
          randomBytes: seededBytes(),
        }),
      { code: 'URL' },
    );
  },
);

t.test('a Node net.Socket and stream.Duplex satisfy RtmpSocket', async (t) => {
  const socketFits: net.Socket extends RtmpSocket ? true : false = true;
  const duplexFits: Duplex extends RtmpSocket ? true : false = true;
  t.ok(socketFits && duplexFits);
});

t.test('a listener may send media from the publishing event', async (t) => {
  const s = session();
  s.publisher.on('publishing', () => s.publisher.sendVideo(0, Uint8Array.from([0x17, 0])));
  s.toPublishing();
  await s.settle();
  const last: RtmpMessage = s.server.readClient().at(-1)!;
  t.equal(last.typeId, MessageType.video);
});
