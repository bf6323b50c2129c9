/**
 * Publishes to a real, in-process node-media-server 4.4.3 over an in-memory Duplex pair. NMS is never
 * `run()`: its RTMP server object is built by the constructor (`nms.rtmpServer.tcpServer`, a
 * `net.Server` that never listens) and is handed our server-side Duplex with `emit('connection')`.
 * Real timers, bounded by a timeout; one server per process (NMS keeps module-level singletons).
 */

import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import t from 'tap';
import type { RtmpClock } from '../../../src/rtmp/environment.js';
import { RtmpPublisher, type RtmpWireEvent } from '../../../src/rtmp/publisher.js';
import { seededBytes } from './fakes.js';

const require = createRequire(import.meta.url);

interface NmsSession {
  id: string;
  streamPath: string;
  streamQuery: Record<string, string>;
  videoWidth: number;
  inBytes: number;
}
interface NmsBroadcast {
  rtmpMetaData: Buffer | null;
  rtmpVideoHeader: Buffer | null;
  rtmpAudioHeader: Buffer | null;
  rtmpGopCache: Set<Buffer> | null | undefined;
}
interface NodeMediaServer {
  rtmpServer: { tcpServer: { emit(event: 'connection', socket: Duplex): boolean } };
  on(event: string, listener: (session: NmsSession) => void): void;
  stop(): Promise<void>;
}

// Silence NMS before it is constructed (it logs at debug level from its constructor on).
(require('node-media-server/src/core/logger.js') as { log: (...args: unknown[]) => void }).log = () => {};
const NodeMediaServerClass = require('node-media-server') as new (config: object) => NodeMediaServer;
const Context = require('node-media-server/src/core/context.js') as {
  sessions: Map<string, NmsSession>;
  broadcasts: Map<string, NmsBroadcast>;
};

/** Two connected Duplex ends; each write reaches the peer on a later macrotask (setImmediate). */
function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peerIndex: number): Duplex =>
    new Duplex({
      // Like a server-side net.Socket: when the peer ends, end too, so NMS sees 'close'.
      allowHalfOpen: false,
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const peer = ends[peerIndex]!;
        setImmediate(() => {
          if (!peer.destroyed && !peer.readableEnded) peer.push(chunk);
        });
        callback();
      },
      final(callback) {
        const peer = ends[peerIndex]!;
        setImmediate(() => {
          if (!peer.destroyed && !peer.readableEnded) peer.push(null);
        });
        callback();
      },
    });
  ends.push(make(1), make(0));
  return [ends[0]!, ends[1]!];
}

const realClock: RtmpClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

t.setTimeout(20_000);

t.test('publishes to node-media-server 4.4.3 and NMS sees the publish, metadata and media', async (t) => {
  const nms = new NodeMediaServerClass({ rtmp: { port: 1935 }, record: { auto: false } });
  t.teardown(() => nms.stop());
  const postPublish = new Promise<NmsSession>((resolve) => nms.on('postPublish', resolve));

  const [client, server] = duplexPair();
  nms.rtmpServer.tcpServer.emit('connection', server);
  // Registered after NMS's own 'data' listener, so it runs once NMS has processed each slice.
  let serverReceived = 0;
  let onServerData = () => {};
  server.on('data', (chunk: Buffer) => {
    serverReceived += chunk.length;
    onServerData();
  });

  const wire: RtmpWireEvent[] = [];
  const events: string[] = [];
  const publisher = new RtmpPublisher({
    socket: client,
    url: 'rtmp://127.0.0.1/live/rtmp_publisher_it?txSecret=abc123&txTime=65F0A1B2',
    clock: realClock,
    randomBytes: seededBytes(2024),
    metadata: { width: 640, height: 360, framerate: 25, videocodecid: 7, audiocodecid: 10 },
    onWireEvent: (e) => wire.push(e),
  });
  publisher.on('handshake-done', (h) => events.push(`handshake-done s2EchoesC1=${h.s2EchoesC1}`));
  publisher.on('connected', () => events.push('connected'));
  publisher.on('publishing', (p) => events.push(`publishing ${p.streamId}`));
  publisher.on('closed', (c) => events.push(`closed ${c.reason}`));

  await within(publisher.start(), 5000, 'NetStream.Publish.Start');
  const session = await within(postPublish, 5000, 'postPublish');
  t.equal(session.streamPath, '/live/rtmp_publisher_it');
  t.same(session.streamQuery, { txSecret: 'abc123', txTime: '65F0A1B2' }, 'the query reaches the server');
  t.same(events, ['handshake-done s2EchoesC1=true', 'connected', 'publishing 1']);

  // A fake AVC sequence header, a key frame, an AAC sequence header and frames (NMS does not parse SPS).
  publisher.sendVideo(0, Uint8Array.from([0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, 0]));
  publisher.sendAudio(0, Uint8Array.from([0xaf, 0x00, 0x11, 0x90]));
  publisher.sendVideo(0, new Uint8Array(20_000).fill(0x17, 0, 1).fill(0x01, 1, 2));
  for (let i = 1; i <= 5; i++) {
    publisher.sendVideo(i * 40, Uint8Array.from([0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41]));
    publisher.sendAudio(i * 21, Uint8Array.from([0xaf, 0x01, 0x21, 0x00, 0x00, 0x00, 0x1c]));
  }
  const written = publisher.counters.bytesWritten;
  await within(
    new Promise<void>((resolve) => {
      onServerData = () => serverReceived === written && resolve();
      onServerData();
    }),
    5000,
    'NMS to process every byte written',
  );
  const broadcast = Context.broadcasts.get('/live/rtmp_publisher_it')!;
  t.equal(broadcast.rtmpGopCache?.size, 11, 'GOP cache: the key frame, five P frames and five audio frames');
  t.ok(broadcast.rtmpMetaData, 'metadata cached');
  t.ok(broadcast.rtmpVideoHeader, 'AVC sequence header cached');
  t.ok(broadcast.rtmpAudioHeader, 'AAC sequence header cached');
  t.equal(session.videoWidth, 640, 'NMS read @setDataFrame onMetaData');
  t.equal(session.inBytes, publisher.counters.bytesWritten, 'every byte written arrived');

  const closed = new Promise<void>((resolve) => server.on('close', () => resolve()));
  publisher.close();
  await within(closed, 5000, 'the server side to close');
  t.notOk(Context.sessions.has(session.id), 'NMS dropped the session');
  t.same(events.slice(-1), ['closed local']);

  t.same(
    wire.map(
      (e) =>
        `${e.direction} ${e.name}${e.transactionId === null ? '' : `#${e.transactionId}`}${e.status ? ` ${e.status.code}` : ''}`,
    ),
    [
      'sent connect#1',
      'received _result#1 NetConnection.Connect.Success',
      'sent releaseStream#2',
      'sent FCPublish#3',
      'sent createStream#4',
      'received _result#4',
      'sent publish#5',
      'received onStatus#0 NetStream.Publish.Start',
      'sent @setDataFrame',
      'sent FCUnpublish#6',
      'sent deleteStream#7',
    ],
  );
});
