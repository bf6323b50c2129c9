import t from 'tap';
import { type QueuedMessage, SendQueue } from '../../../src/pusher/send-queue.js';

function msg(
  kind: QueuedMessage['kind'],
  at: number,
  size: number,
  extra: Partial<QueuedMessage> = {},
): QueuedMessage {
  return {
    kind,
    timestampMs: at,
    body: new Uint8Array(size),
    essential: false,
    keyframe: false,
    queuedAtMs: at,
    ...extra,
  };
}

t.test('FIFO across tracks, byte count follows pushes and shifts', (t) => {
  const q = new SendQueue();
  q.push(msg('video', 0, 100, { keyframe: true }));
  q.push(msg('audio', 10, 20));
  q.push(msg('video', 50, 30));
  t.equal(q.bytes, 150);
  t.equal(q.length, 3);
  t.equal(q.oldestQueuedAtMs(), 0);
  t.equal(q.shift()?.kind, 'video');
  t.equal(q.shift()?.kind, 'audio');
  t.equal(q.bytes, 30);
  t.equal(q.shift()?.timestampMs, 50);
  t.equal(q.shift(), undefined);
  t.equal(q.bytes, 0);
  t.equal(q.oldestQueuedAtMs(), undefined);
  t.end();
});

t.test('dropVideo drops every queued video frame but keeps sequence headers, audio and metadata', (t) => {
  const q = new SendQueue();
  q.push(msg('video', 0, 50, { essential: true }));
  q.push(msg('video', 0, 1000, { keyframe: true }));
  q.push(msg('audio', 5, 20));
  q.push(msg('data', 6, 40, { essential: true }));
  q.push(msg('video', 50, 300));
  const dropped = q.dropVideo();
  t.same(dropped, { messages: 2, bytes: 1300 });
  t.equal(q.bytes, 110);
  t.same(
    [q.shift(), q.shift(), q.shift()].map((m) => `${m?.kind}:${m?.essential}`),
    ['video:true', 'audio:false', 'data:true'],
  );
  t.equal(q.length, 0);
  t.end();
});

t.test('dropAudioQueuedBefore drops stale audio frames only, never the AAC configuration', (t) => {
  const q = new SendQueue();
  q.push(msg('audio', 0, 4, { essential: true }));
  q.push(msg('audio', 10, 20));
  q.push(msg('video', 20, 100));
  q.push(msg('audio', 30, 20));
  q.push(msg('audio', 5000, 20));
  t.same(q.dropAudioQueuedBefore(1000), { messages: 2, bytes: 40 });
  t.same(
    [q.shift(), q.shift(), q.shift()].map((m) => `${m?.kind}@${m?.queuedAtMs}`),
    ['audio@0', 'video@20', 'audio@5000'],
  );
  t.same(q.dropAudioQueuedBefore(10_000), { messages: 0, bytes: 0 }, 'nothing older than the head');
  t.end();
});

t.test('clear empties the queue; a long run of shifts compacts without losing order', (t) => {
  const q = new SendQueue();
  for (let i = 0; i < 1000; i++) q.push(msg(i % 2 ? 'audio' : 'video', i, 1));
  for (let i = 0; i < 600; i++) t.equal(q.shift()?.timestampMs, i);
  t.equal(q.length, 400);
  t.equal(q.peek()?.timestampMs, 600);
  t.same(q.clear(), { messages: 400, bytes: 400 });
  t.equal(q.bytes, 0);
  t.equal(q.shift(), undefined);
  t.end();
});

t.test('dropMedia drops audio and video frames, keeps sequence headers and metadata', (t) => {
  const q = new SendQueue();
  q.push(msg('video', 0, 50, { essential: true }));
  q.push(msg('video', 0, 1000, { keyframe: true }));
  q.push(msg('audio', 5, 4, { essential: true }));
  q.push(msg('audio', 6, 20));
  q.push(msg('data', 7, 40, { essential: true }));
  t.same(q.dropMedia(), { messages: 2, bytes: 1020 });
  t.same(
    [q.shift(), q.shift(), q.shift()].map((m) => m?.kind),
    ['video', 'audio', 'data'],
  );
  t.end();
});
