import t from 'tap';
import type { TraceRecord } from '../../harness/sim/trace.js';
import { caseCharts, caseTimeline, TIMELINE_LIMIT } from '../../reports/index.js';

let seq = 0;
const rec = (tMs: number, kind: string, data: TraceRecord['data']): TraceRecord => ({
  t: tMs * 1000,
  seq: seq++,
  kind,
  data,
});

const link = rec(0, 'net.link', {
  link: 'uplink',
  delayUs: 0,
  jitterUs: 0,
  queueLimitBytes: null,
  queueLimitMs: 500,
  segments: [
    { atUs: 0, kbps: 2000 },
    { atUs: 1_500_000, kbps: 400 },
  ],
});

t.test('charts: per-second target, sent, server-received video and capacity from the trace', async (t) => {
  const records = [
    link,
    rec(0, 'case.start', { attributes: {}, profileValues: {} }),
    rec(300, 'observer.tag', { type: 'video', size: 1000 }),
    rec(400, 'observer.tag', { type: 'audio', size: 500 }),
    rec(900, 'observer.tag', { type: 'video', size: 250 }),
    rec(1000, 'pusher.netstatus', { targetBitrate: 1500, videoBitrate: 1200.04 }),
    rec(2500, 'pusher.netstatus', { targetBitrate: 400, videoBitrate: 390 }),
    rec(2600, 'observer.tag', { type: 'video', size: 5000 }),
    rec(3000, 'case.end', { pendingOperations: [] }),
    rec(4000, 'net.fin', { conn: 1 }),
  ];
  t.same(caseCharts(records), {
    stepMs: 1000,
    t: [0, 1, 2],
    targetKbps: [null, 1500, 400],
    sentKbps: [null, 1200, 390],
    receivedKbps: [10, 0, 40],
    capacityKbps: [2000, 1200, 400],
  });
});

t.test('charts: no observer tags and no uplink record give null series, not zeros', async (t) => {
  const c = caseCharts([rec(0, 'case.start', {}), rec(2000, 'case.end', {})]);
  t.same(c.receivedKbps, [null, null]);
  t.same(c.capacityKbps, [null, null]);
});

t.test(
  'timeline: events, operations and crashes in order; background and waiting-image windows',
  async (t) => {
    const records = [
      rec(0, 'case.start', {
        attributes: { waitingImage: 'http://cdn/x.png' },
        profileValues: { waitingImageKeepAliveMs: 1000 },
      }),
      rec(0, 'app.state', { state: 'foreground', initial: true }),
      rec(10, 'pusher.op', { op: 'start', id: 1, phase: 'call' }),
      rec(20, 'pusher.event', { code: 1001, message: '<b>connected</b>' }),
      rec(30, 'pusher.op', { op: 'start', id: 1, phase: 'result', ok: true, errMsg: 'start:ok' }),
      rec(2000, 'app.state', { state: 'background' }),
      rec(4500, 'app.state', { state: 'foreground' }),
      rec(5000, 'pusher.crash', { where: 'callback', message: 'boom' }),
      rec(6000, 'app.state', { state: 'background' }),
      rec(6500, 'case.end', {}),
    ];
    const tl = caseTimeline(records);
    t.same(
      tl.entries.map((e) => [e.atMs, e.kind, e.label]),
      [
        [10, 'operation', 'start() called'],
        [20, 'event', '1001 <b>connected</b>'],
        [30, 'operation', 'start() ok: start:ok'],
        [2000, 'app', 'app → background'],
        [4500, 'app', 'app → foreground'],
        [5000, 'crash', 'pusher threw (callback): boom'],
        [6000, 'app', 'app → background'],
        [6500, 'case', 'case ends (pusher disposed)'],
      ],
    );
    t.same(tl.windows, [
      { fromMs: 2000, toMs: 4500, kind: 'background' },
      { fromMs: 2000, toMs: 3000, kind: 'waiting-image' },
      { fromMs: 6000, toMs: 6500, kind: 'background' },
      { fromMs: 6000, toMs: 6500, kind: 'waiting-image' },
    ]);
  },
);

t.test('timeline: at most TIMELINE_LIMIT entries, the rest counted; long labels cut', async (t) => {
  const many = Array.from({ length: TIMELINE_LIMIT + 5 }, (_, i) =>
    rec(i, 'pusher.event', { code: 1006, message: 'x'.repeat(500) }),
  );
  const tl = caseTimeline(many);
  t.equal(tl.entries.length, TIMELINE_LIMIT);
  t.equal(tl.omitted, 5);
  t.equal(tl.entries[0].label.length, 200);
  t.same(tl.windows, [], 'no background, no window');
});
