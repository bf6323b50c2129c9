import t from 'tap';
import { parseCase } from '../../harness/runner/case-schema.js';
import { profileByName } from '../../harness/runner/profiles.js';
import { runCase } from '../../harness/runner/run-case.js';
import type { TraceRecord } from '../../harness/sim/index.js';
import { referencePusherFactory } from '../../src/index.js';

const run = (yaml: string) =>
  runCase(parseCase(yaml, 'inline'), {
    pusher: referencePusherFactory,
    seed: 7,
    profile: profileByName('seed'),
    validate: false,
  });

const codes = (records: readonly TraceRecord[]) =>
  records.filter((r) => r.kind === 'pusher.event').map((r) => r.data.code as number);
const kinds = (records: readonly TraceRecord[], kind: string) => records.filter((r) => r.kind === kind);

const base = (id: string, extra: string) => `
id: ${id}
title: ${id}
requirements: [events/network/4]
durationMs: 6000
${extra}
`;

t.test('a correct Tencent txSecret is accepted by the server', async (t) => {
  const r = await run(
    base(
      'auth-ok',
      `server: { auth: { key: s3cret } }\nattributes: { url: "rtmp://{host}/live/{stream}?txSecret={txSecret}&txTime={txTime}" }`,
    ),
  );
  t.equal(kinds(r.records, 'server.reject').length, 0, 'no rejection');
  t.ok(kinds(r.records, 'server.postPublish').length >= 1, 'published');
  t.ok(codes(r.records).includes(1002), 'the pusher saw 1002');
  t.match(
    String(kinds(r.records, 'server.prePublish')[0].data.query),
    /txSecret=[0-9a-f]{32}/,
    'the query string reached the server',
  );
});

t.test('a wrong txSecret is rejected by the server and seen by the pusher as a server close', async (t) => {
  const r = await run(
    base(
      'auth-wrong',
      `server: { auth: { key: s3cret } }\nattributes: { url: "rtmp://{host}/live/{stream}?txSecret=00000000000000000000000000000000&txTime={txTime}" }`,
    ),
  );
  const rejects = kinds(r.records, 'server.reject');
  t.ok(rejects.length >= 1, 'the server rejected the publish');
  t.equal(rejects[0].data.reason, 'auth');
  const c = codes(r.records);
  t.notOk(c.includes(1002), 'no 1002: the publish never started');
  t.ok(c.includes(3004), `3004 (server disconnect) was reported: ${c.join(',')}`);
  t.notOk(c.includes(3005), 'not a socket error');
});

t.test('a busy URL (another publisher first) is rejected and seen as a server close', async (t) => {
  const r = await run(
    base('busy-url', `server: { squatter: true }\nattributes: { url: "rtmp://{host}/live/{stream}" }`),
  );
  t.same(
    kinds(r.records, 'server.squatter').map((x) => x.data.publishing),
    [true],
    'the squatter holds the stream',
  );
  const rejects = kinds(r.records, 'server.reject');
  t.ok(
    rejects.length >= 1 && rejects.every((x) => x.data.reason === 'busy'),
    'the server refused the second publisher',
  );
  const c = codes(r.records);
  t.notOk(c.includes(1002), 'no 1002');
  t.ok(c.includes(3004), `3004 reported: ${c.join(',')}`);
});
