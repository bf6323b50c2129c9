import t from 'tap';
import type { Check } from '../../../harness/oracles/types.js';
import {
  c1ZeroField,
  c2EchoesS1,
  chunkStreamWellFormed,
  fmlePublishCommands,
  handshakeStartsWithVersion3,
  metadataBeforeMedia,
  noC2BeforeS1,
  nothingBeforeS2,
  publishSequence,
  pushUrlParts,
  rtmpConnections,
  stopUnpublishes,
  urlPassesThrough,
  WIRE_CHECKS,
} from '../../../harness/oracles/wire.js';
import type { TraceRecord, TraceValue } from '../../../harness/sim/trace.js';

type Entry = [ms: number, kind: string, data: Record<string, TraceValue>];

function build(entries: readonly Entry[]): TraceRecord[] {
  return entries.map(([ms, kind, data], seq) => ({ t: Math.round(ms * 1000), seq, kind, data }));
}

const URL = 'rtmp://media.lpc.test/live/s1?txSecret=ab&txTime=67';
const NAME = 's1?txSecret=ab&txTime=67';
const LOCAL = '10.0.0.2:50000';
const cmd = (ms: number, name: string, txn: number, args: TraceValue[]): Entry => [
  ms,
  'wire.command',
  { conn: 1, name, txn, args },
];
const hs = (ms: number, event: string, extra: Record<string, TraceValue> = {}): Entry => [
  ms,
  'wire.handshake',
  { conn: 1, event, ...extra },
];

/** One clean publish over a 20 ms link (40 ms round trip), stopped at 5 s. */
function cleanPush(): Entry[] {
  return [
    [0, 'case.start', { id: 'x', attributes: { url: URL } }],
    [0, 'net.link', { link: 'uplink', segments: [], delayUs: 20000, jitterUs: 0 }],
    [0, 'net.link', { link: 'downlink', segments: [], delayUs: 20000, jitterUs: 0 }],
    [100, 'net.connect', { conn: 7, host: '10.0.0.1', port: 1935, attempt: 1, fault: 'none' }],
    [100, 'wire.connection', { conn: 1 }],
    [140, 'net.connected', { conn: 7, local: LOCAL }],
    hs(140, 'c0c1', { version: 3, zeroField: true }),
    hs(180, 's0s1-received', { sentUp: 1537 }),
    hs(180, 's2-received', { sentUp: 1537 }),
    hs(180, 'c2-sent', { receivedDown: 3073 }),
    [180, 'wire.chunkSize', { conn: 1, size: 4096 }],
    cmd(180, 'connect', 1, [{ app: 'live', tcUrl: 'rtmp://media.lpc.test/live?txSecret=ab&txTime=67' }]),
    cmd(220, 'releaseStream', 2, [null, NAME]),
    cmd(220, 'FCPublish', 3, [null, NAME]),
    cmd(220, 'createStream', 4, [null]),
    cmd(260, 'publish', 5, [null, NAME, 'live']),
    [280, 'server.postPublish', { session: 'a', ip: LOCAL, streamPath: '/live/s1' }],
    [300, 'wire.data', { conn: 1, name: '@setDataFrame', args: ['onMetaData', { width: 544 }] }],
    [320, 'wire.firstMedia', { conn: 1, type: 'video', ts: 320 }],
    [5000, 'pusher.op', { op: 'stop', id: 2, phase: 'call' }],
    cmd(5000, 'FCUnpublish', 6, [null, NAME]),
    cmd(5000, 'deleteStream', 7, [null, 1]),
    [5000, 'net.fin', { link: 'uplink', conn: 7 }],
    [5040, 'wire.close', { conn: 1, reason: 'closed', audio: 70, video: 90, commands: 7, data: 1 }],
  ];
}

const replace = (entries: Entry[], match: (e: Entry) => boolean, by: Entry[]): Entry[] =>
  entries.flatMap((e) => (match(e) ? by : [e]));
const isCmd = (name: string) => (e: Entry) => e[1] === 'wire.command' && e[2].name === name;
const status = (check: Check, entries: Entry[]) => check.evaluate(build(entries)).status;

t.test('one check per wire requirement, all evaluated in every case', async (t) => {
  const ids = WIRE_CHECKS.map((c) => c.requirement);
  t.same(ids, [
    'wire/handshake/1',
    'wire/handshake/2',
    'wire/handshake/3',
    'wire/handshake/4',
    'wire/handshake/5',
    'wire/chunk/1',
    'wire/publish/1',
    'wire/publish/2',
    'wire/publish/3',
    'wire/publish/4',
    'wire/teardown/1',
  ]);
  t.ok(WIRE_CHECKS.every((c) => c.always));
});

t.test('a clean publish passes every wire check (C2 echo undecidable without the tap flag)', async (t) => {
  const trace = build(cleanPush());
  for (const c of WIRE_CHECKS) {
    const o = c.evaluate(trace);
    t.equal(o.status, c === c2EchoesS1 ? 'indeterminate' : 'pass', `${c.requirement}: ${o.summary}`);
  }
});

t.test('connections join the network id, local address and server session', async (t) => {
  const [c] = rtmpConnections(build(cleanPush()));
  t.match(c, { conn: 1, netConn: 7, local: LOCAL, serverSession: 'a', openedMs: 100 });
  t.equal(c.commands.length, 7);
});

t.test('the push URL splits into app (all but the last segment), stream and query', async (t) => {
  t.same(pushUrlParts('rtmp://h:1935/a/b/c?x=1'), {
    authority: 'h:1935',
    app: 'a/b',
    stream: 'c',
    query: 'x=1',
    publishName: 'c?x=1',
  });
  t.equal(pushUrlParts('rtmp://h/onlyapp'), undefined);
  t.equal(pushUrlParts('http://h/a/b'), undefined);
});

t.test('handshake rules fail on the tap violations that break them', async (t) => {
  const base = cleanPush();
  const c0 = replace(base, (e) => e[2].event === 'c0c1', [
    [100, 'wire.violation', { conn: 1, rule: 'c0-version', detail: 'C0 is 6 (expected 3)' }],
    hs(140, 'c0c1', { version: 6, zeroField: true }),
  ]);
  t.equal(status(handshakeStartsWithVersion3, c0), 'fail');
  const zero = replace(base, (e) => e[2].event === 'c0c1', [
    hs(140, 'c0c1', { version: 3, zeroField: false }),
  ]);
  t.equal(status(c1ZeroField, zero), 'fail');
  const early = [...base, [141, 'wire.violation', { conn: 1, rule: 'c2-before-s1', detail: 'x' }] as Entry];
  t.equal(status(noC2BeforeS1, early), 'fail');
  t.equal(status(nothingBeforeS2, early), 'pass');
  const data = [...base, [141, 'wire.violation', { conn: 1, rule: 'data-before-s2', detail: 'x' }] as Entry];
  t.equal(status(nothingBeforeS2, data), 'fail');
  const echo = (v: boolean) =>
    replace(base, (e) => e[2].event === 'c2-sent', [hs(180, 'c2-sent', { receivedDown: 3073, echoesS1: v })]);
  t.equal(status(c2EchoesS1, echo(true)), 'pass');
  t.equal(status(c2EchoesS1, echo(false)), 'fail');
  t.equal(status(handshakeStartsWithVersion3, []), 'not-applicable');
});

t.test('a chunk that does not parse fails wire/chunk/1', async (t) => {
  const bad = [
    ...cleanPush(),
    [400, 'wire.violation', { conn: 1, rule: 'chunk-parse', detail: 'x' }] as Entry,
  ];
  t.equal(status(chunkStreamWellFormed, bad), 'fail');
});

t.test('wire/publish/1 judges order, reply timing, publishing type and early media', async (t) => {
  const base = cleanPush();
  const pipelined = replace(base, isCmd('createStream'), [cmd(180, 'createStream', 4, [null])]);
  t.match(publishSequence.evaluate(build(pipelined)), {
    status: 'fail',
    summary: /before connect's _result/,
  });
  const record = replace(base, isCmd('publish'), [cmd(260, 'publish', 5, [null, NAME, 'record'])]);
  t.match(publishSequence.evaluate(build(record)), { status: 'fail', summary: /"record"/ });
  const noStart = base.filter((e) => e[1] !== 'server.postPublish');
  t.match(publishSequence.evaluate(build(noStart)), { status: 'fail', summary: /never started the publish/ });
  const tooEarly = replace(base, (e) => e[1] === 'wire.data', [
    [285, 'wire.data', { conn: 1, name: '@setDataFrame', args: ['onMetaData', {}] }],
  ]);
  t.match(publishSequence.evaluate(build(tooEarly)), { status: 'fail', summary: /could have arrived/ });
  const firstNotConnect = base.filter((e) => !isCmd('connect')(e));
  t.equal(status(publishSequence, firstNotConnect), 'fail');
});

t.test(
  'wire/publish/1 and /4: a server record stamped after its answer reached the pusher (live mode)',
  async (t) => {
    // The live server's records come over IPC and are stamped on arrival: Publish.Start is recorded at
    // 330 ms although the proxy delivered the server's answer at 282 ms, and the pusher sent its metadata
    // (300 ms) and first media (320 ms) in between.
    const late = [
      ...replace(cleanPush(), (e) => e[1] === 'server.postPublish', [
        [262, 'net.send', { link: 'downlink', conn: 7, bytes: 156 }],
        [282, 'net.deliver', { link: 'downlink', conn: 7, bytes: 156 }],
      ]),
    ];
    late.splice(
      late.findIndex((e) => e[0] > 320),
      0,
      [330, 'server.postPublish', { session: 'a', ip: LOCAL, streamPath: '/live/s1' }],
    );
    t.equal(status(publishSequence, late), 'pass', 'publish/1');
    t.equal(status(metadataBeforeMedia, late), 'pass', 'publish/4');
    // Without the delivery record the recorded acceptance is all there is: still too early.
    const noDelivery = late.filter((e) => e[1] !== 'net.deliver');
    t.match(publishSequence.evaluate(build(noDelivery)), { status: 'fail', summary: /could have arrived/ });
  },
);

t.test('wire/publish/2 wants releaseStream then FCPublish with the name before createStream', async (t) => {
  const base = cleanPush();
  t.equal(
    status(
      fmlePublishCommands,
      base.filter((e) => !isCmd('releaseStream')(e)),
    ),
    'fail',
  );
  const wrongName = replace(base, isCmd('FCPublish'), [cmd(220, 'FCPublish', 3, [null, 's1'])]);
  t.equal(status(fmlePublishCommands, wrongName), 'fail');
});

t.test('wire/publish/3 wants the app, tcUrl and name (with query) as written', async (t) => {
  const base = cleanPush();
  const plainTcUrl = replace(base, isCmd('connect'), [
    cmd(180, 'connect', 1, [{ app: 'live', tcUrl: 'rtmp://media.lpc.test:1935/live' }]),
  ]);
  t.equal(status(urlPassesThrough, plainTcUrl), 'pass', 'tcUrl without the query and with the default port');
  const otherApp = replace(base, isCmd('connect'), [
    cmd(180, 'connect', 1, [{ app: 'live2', tcUrl: 'rtmp://media.lpc.test/live' }]),
  ]);
  t.equal(status(urlPassesThrough, otherApp), 'fail');
  const dropped = replace(base, isCmd('publish'), [cmd(260, 'publish', 5, [null, 's1', 'live'])]);
  t.match(urlPassesThrough.evaluate(build(dropped)), { status: 'fail', summary: /publish names "s1"/ });
  const changedUrl = [
    ...base.slice(0, 3),
    [50, 'pusher.attributes', { id: 1, attributes: { url: 'rtmp://media.lpc.test/live/s2' } }] as Entry,
    ...base.slice(3),
  ];
  t.equal(status(urlPassesThrough, changedUrl), 'fail', 'judged against the URL in effect at connect time');
});

t.test(
  'wire/publish/4 wants onMetaData after Publish.Start and before the first media message',
  async (t) => {
    const base = cleanPush();
    const late = replace(base, (e) => e[1] === 'wire.data', []).concat([
      [330, 'wire.data', { conn: 1, name: '@setDataFrame', args: ['onMetaData', {}] }],
    ]);
    t.equal(status(metadataBeforeMedia, late), 'fail');
    const bare = replace(base, (e) => e[1] === 'wire.data', [
      [300, 'wire.data', { conn: 1, name: '@setDataFrame', args: ['onTextData', 'x'] }],
    ]);
    t.equal(status(metadataBeforeMedia, bare), 'fail');
  },
);

t.test('wire/teardown/1: a second stop() during the first teardown has nothing to unpublish', async (t) => {
  const twice: Entry[] = [...cleanPush(), [5001, 'pusher.op', { op: 'stop', id: 3, phase: 'call' }]];
  t.equal(
    status(
      stopUnpublishes,
      twice.sort((a, b) => a[0] - b[0]),
    ),
    'pass',
  );
});

t.test(
  'wire/teardown/1 judges the close at the pusher, not at the FIN behind a congested link',
  async (t) => {
    // stop() at 5 s; the link's queue delivers until 6.5 s, the FIN right behind it, the socket closes after.
    const congested = (handedOverLate: boolean): Entry[] => [
      ...replace(
        replace(cleanPush(), (e) => e[1] === 'net.fin', []),
        (e) => e[1] === 'wire.close',
        [],
      ),
      [5000, 'net.send', { link: 'uplink', conn: 7, bytes: 1000 }],
      ...(handedOverLate ? [[6300, 'net.send', { link: 'uplink', conn: 7, bytes: 1000 }] as Entry] : []),
      ...(handedOverLate ? [[6000, 'net.deliver', { link: 'uplink', conn: 7, bytes: 1000 }] as Entry] : []),
      [6500, 'net.deliver', { link: 'uplink', conn: 7, bytes: 1000 }],
      [6500, 'net.fin', { link: 'uplink', conn: 7 }],
      [6540, 'wire.close', { conn: 1, reason: 'closed' }],
    ];
    const sorted = (e: Entry[]) => [...e].sort((a, b) => a[0] - b[0]);
    t.match(stopUnpublishes.evaluate(build(sorted(congested(false)))), {
      status: 'indeterminate',
      summary: /right behind the link's queue/,
    });
    t.match(stopUnpublishes.evaluate(build(sorted(congested(true)))), {
      status: 'fail',
      summary: /handing bytes to the link at 6300 ms/,
    });
  },
);

t.test('wire/teardown/1 wants FCUnpublish, deleteStream, then FIN within E of stop()', async (t) => {
  const base = cleanPush();
  t.equal(
    status(
      stopUnpublishes,
      base.filter((e) => !isCmd('FCUnpublish')(e)),
    ),
    'fail',
  );
  // The FIN and the socket's close 1.5 s late on an idle link: the pusher closed late.
  const slow = replace(
    replace(base, (e) => e[1] === 'net.fin', [[6500, 'net.fin', { link: 'uplink', conn: 7 }]]),
    (e) => e[1] === 'wire.close',
    [[6540, 'wire.close', { conn: 1, reason: 'closed' }]],
  );
  t.match(stopUnpublishes.evaluate(build(slow)), { status: 'fail', summary: /closed only at 6480 ms/ });
  // The socket closed at once; the FIN arrived late (through a slow link): closed in time.
  const finLate = replace(base, (e) => e[1] === 'net.fin', [[6500, 'net.fin', { link: 'uplink', conn: 7 }]]);
  t.equal(status(stopUnpublishes, finLate), 'pass');
  // A reset at stop() is the network's: the pusher's close cannot be seen.
  const reset = replace(base, (e) => e[1] === 'net.fin', [
    [5000, 'net.reset', { conn: 7, cause: 'scripted reset' }],
  ]);
  t.match(stopUnpublishes.evaluate(build(reset)), {
    status: 'indeterminate',
    summary: /network or the server ended/,
  });
  // No FIN by the time the network reset the connection 3 s after stop() over an idle link: not closed.
  const neverClosed = replace(base, (e) => e[1] === 'net.fin' || e[1] === 'wire.close', []);
  neverClosed.push([8000, 'net.reset', { conn: 7, cause: 'scripted reset' }]);
  t.match(stopUnpublishes.evaluate(build(neverClosed)), { status: 'fail', summary: /closed only at 7980/ });
  t.equal(
    status(
      stopUnpublishes,
      base.filter((e) => e[1] !== 'pusher.op'),
    ),
    'not-applicable',
  );
});
