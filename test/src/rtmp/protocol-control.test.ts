import t from 'tap';
import {
  acknowledgementMessage,
  decodeControlMessage,
  ProtocolControl,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  UserControlType,
  userControlMessage,
  windowAckSizeMessage,
} from '../../../src/rtmp/protocol-control.js';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { MessageType, type RtmpMessage } from '../../../src/rtmp/rtmp-message.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function control() {
  const sent: RtmpMessage[] = [];
  const seen: string[] = [];
  const pc = new ProtocolControl({ send: (m) => sent.push(m), onControl: (c) => seen.push(c.kind) });
  return { pc, sent, seen };
}

t.test('encoders use chunk stream 2, message stream 0 and the spec payloads', async (t) => {
  const scs = setChunkSizeMessage(4096);
  t.same(
    { chunkStreamId: scs.chunkStreamId, messageStreamId: scs.messageStreamId, typeId: scs.typeId },
    { chunkStreamId: 2, messageStreamId: 0, typeId: MessageType.setChunkSize },
  );
  t.equal(hex(scs.payload), '00001000');
  t.equal(hex(acknowledgementMessage(2 ** 32 + 5).payload), '00000005', 'sequence numbers wrap');
  t.equal(hex(windowAckSizeMessage(2_500_000).payload), '002625a0');
  t.equal(hex(setPeerBandwidthMessage(2_500_000, 2).payload), '002625a002');
  t.equal(hex(userControlMessage(UserControlType.pingResponse, 0x01020304).payload), '000701020304');
});

t.test('sends an Acknowledgement each time received bytes cross the window', async (t) => {
  const { pc, sent } = control();
  pc.noteBytesReceived(10_000);
  t.equal(sent.length, 0, 'no window, no acknowledgements');
  t.ok(pc.handle(windowAckSizeMessage(1000)));
  t.equal(pc.acknowledgementWindow, 1000);
  pc.noteBytesReceived(10_999);
  t.same(
    sent.map((m) => [m.typeId, hex(m.payload)]),
    [[MessageType.acknowledgement, hex(Uint8Array.of(0, 0, 0x2a, 0xf7))]],
  );
  pc.noteBytesReceived(11_500);
  t.equal(sent.length, 1);
  pc.noteBytesReceived(12_000);
  t.equal(sent.length, 2);
  t.equal(hex(sent[1]!.payload), hex(Uint8Array.of(0, 0, 0x2e, 0xe0)));
});

t.test('counts acknowledged bytes across the 2^32 wrap', async (t) => {
  const { pc } = control();
  pc.handle(acknowledgementMessage(1000));
  t.equal(pc.bytesAcknowledged, 1000);
  pc.handle(acknowledgementMessage(0xffffff00));
  pc.handle(acknowledgementMessage(0x100));
  t.equal(pc.bytesAcknowledged, 2 ** 32 + 0x100);
});

t.test('answers PingRequest with PingResponse and records StreamBegin', async (t) => {
  const { pc, sent, seen } = control();
  pc.handle(userControlMessage(UserControlType.pingRequest, 123_456));
  t.same(
    sent.map((m) => hex(m.payload)),
    [hex(userControlMessage(UserControlType.pingResponse, 123_456).payload)],
  );
  t.notOk(pc.hasStreamBegun(1));
  pc.handle(userControlMessage(UserControlType.streamBegin, 1));
  t.ok(pc.hasStreamBegun(1));
  t.same(decodeControlMessage(userControlMessage(UserControlType.setBufferLength, 1, 3000)), {
    kind: 'user-control',
    event: { type: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 },
  });
  t.same(seen, ['user-control', 'user-control']);
  t.equal(sent.length, 1);
});

t.test('answers Set Peer Bandwidth with a Window Acknowledgement Size when the window changes', async (t) => {
  const { pc, sent } = control();
  pc.handle(setPeerBandwidthMessage(5_000_000, 2));
  t.equal(sent.length, 0, 'dynamic before any hard limit is ignored');
  pc.handle(setPeerBandwidthMessage(5_000_000, 0));
  pc.handle(setPeerBandwidthMessage(5_000_000, 0));
  t.equal(sent.length, 1, 'same window is not repeated');
  pc.handle(setPeerBandwidthMessage(7_000_000, 2));
  t.equal(sent.length, 2, 'dynamic after hard counts as hard');
  pc.handle(setPeerBandwidthMessage(8_000_000, 1));
  t.equal(sent.length, 2, 'soft keeps the smaller limit');
  pc.handle(setPeerBandwidthMessage(4_000_000, 1));
  pc.handle(setPeerBandwidthMessage(9_000_000, 2));
  t.same(
    sent.map((m) => [m.typeId, new DataView(m.payload.buffer).getUint32(0)]),
    [
      [MessageType.windowAckSize, 5_000_000],
      [MessageType.windowAckSize, 7_000_000],
      [MessageType.windowAckSize, 4_000_000],
    ],
    'dynamic after soft is ignored',
  );
  t.same(pc.peerBandwidth, { windowSize: 4_000_000, limitType: 1 });
});

t.test('short payloads and bad limit types fail with PROTOCOL; other types are not control', async (t) => {
  const msg = (typeId: number, payload: number[]): RtmpMessage => ({
    chunkStreamId: 2,
    typeId,
    messageStreamId: 0,
    timestamp: 0,
    payload: Uint8Array.from(payload),
  });
  for (const [typeId, payload] of [
    [MessageType.acknowledgement, [0, 0]],
    [MessageType.windowAckSize, []],
    [MessageType.setPeerBandwidth, [0, 0, 0, 1]],
    [MessageType.setPeerBandwidth, [0, 0, 0, 1, 3]],
    [MessageType.userControl, [0]],
    [MessageType.userControl, [0, 6, 1]],
  ] as Array<[number, number[]]>) {
    t.throws(() => control().pc.handle(msg(typeId, payload)), RtmpError, `type ${typeId} payload ${payload}`);
  }
  t.notOk(control().pc.handle(msg(MessageType.amf0Command, [2, 0, 0])));
  t.same(decodeControlMessage(msg(MessageType.userControl, [0, 0x20, 1])), {
    kind: 'user-control',
    event: { type: 'unknown', eventType: 0x20, data: Uint8Array.from([1]) },
  });
});
