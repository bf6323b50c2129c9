import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import t from 'tap';
import {
  ffmpegArgs,
  ffmpegPusherFactory,
  pictureSize,
  readFfmpegLine,
} from '../../../adapters/ffmpeg/index.js';
import { LiveMediaServer, runLiveSuite } from '../../../harness/live/index.js';
import { loadCaseFile } from '../../../harness/runner/case-schema.js';
import { loadSpec, requirementIndex } from '../../../harness/runner/run-suite.js';
import { validateReport } from '../../../reports/validate-report.js';
import { liveReport } from '../../../scripts/live-report.js';

const root = resolve(import.meta.dirname, '../../..');

t.test("ffmpeg's log is read into the seed's codes, stage by stage", async (t) => {
  const steps: [string, string, number | undefined, string][] = [
    ['connecting', 'Starting connection attempt to 127.0.0.1 port 1935', undefined, 'connecting'],
    ['connecting', '[tcp @ 0x1] Successfully connected to 127.0.0.1 port 1935', 1001, 'connected'],
    ['connected', 'Stream mapping:', 1002, 'publishing'],
    ['publishing', 'av_interleaved_write_frame(): Broken pipe', 3004, 'ended'],
    ['publishing', 'rtmp://x: Connection reset by peer', 3005, 'ended'],
    ['connecting', '[tcp @ 0x1] Connection to tcp://127.0.0.1:1 failed: Connection refused', 3002, 'ended'],
    [
      'connecting',
      '[tcp @ 0x1] Failed to resolve hostname media.lpc.test: Name or service not known',
      3001,
      'ended',
    ],
    ['ended', 'Error writing trailer of rtmp://x: Broken pipe', undefined, 'ended'],
  ];
  for (const [stage, line, code, next] of steps) {
    const step = readFfmpegLine(stage as never, line);
    t.same([step.event?.code, step.stage], [code, next], line);
  }
});

t.test('attributes ffmpeg can express become its options', async (t) => {
  t.same(pictureSize({}), { width: 360, height: 640 });
  t.same(pictureSize({ mode: 'HD', orientation: 'horizontal' }), { width: 960, height: 540 });
  t.same(pictureSize({ mode: 'SD', aspect: '3:4' }), { width: 360, height: 480 });
  const args = ffmpegArgs(
    { audioQuality: 'high', maxBitrate: 800, muted: true },
    'rtmp://127.0.0.1:1/live/s',
  );
  t.ok(args.includes('testsrc=size=360x640:rate=20'));
  t.ok(args.includes('anullsrc=channel_layout=stereo:sample_rate=48000'));
  t.same(args.slice(args.indexOf('-b:v'), args.indexOf('-b:v') + 2), ['-b:v', '800k']);
  t.equal(args[args.length - 1], 'rtmp://127.0.0.1:1/live/s');
});

t.test('ffmpeg measured live: a valid report with the verdicts docs/examples explains', async (t) => {
  const cases = ['bad-url', 'connect-and-publish'].map((n) =>
    loadCaseFile(resolve(root, `scenarios/suite/live/${n}.yaml`)),
  );
  const spec = loadSpec();
  const server = new LiveMediaServer();
  t.teardown(() => server.close());
  const suite = await runLiveSuite({
    pusher: ffmpegPusherFactory(),
    cases,
    requirements: requirementIndex(spec),
    server,
  });
  t.same(suite.capabilities, ['events']);
  t.match(suite.identity, { name: 'ffmpeg' });
  const verdicts = new Map(
    suite.results.flatMap((r) => r.verdicts.map((v) => [`${r.caseId} ${v.requirement}`, v.verdict])),
  );
  t.equal(verdicts.get('live/bad-url attributes/url/1'), 'FAIL', 'ffmpeg accepts a non-rtmp URL');
  for (const id of [
    'events/connect/1',
    'events/push-begin/1',
    'wire/publish/1',
    'wire/teardown/1',
    'stream/decodable/1',
  ])
    t.equal(verdicts.get(`live/connect-and-publish ${id}`), 'PASS', id);
  t.equal(verdicts.get('live/connect-and-publish events/order/1'), 'UNSUPPORTED', 'no fake devices');
  const report = liveReport(suite, cases, {
    spec,
    seed: 1,
    profile: 'seed',
    suite: 'scenarios/suite/live',
    pusherSpec: 'ffmpeg',
  });
  t.same(validateReport(JSON.parse(JSON.stringify(report))), [], 'the report is valid report.json');
});

t.test('the committed ffmpeg report is valid and each of its non-PASS verdicts is explained', async (t) => {
  const report = JSON.parse(readFileSync(resolve(root, 'docs/examples/ffmpeg/report.json'), 'utf8'));
  t.same(validateReport(report), []);
  const readme = readFileSync(resolve(root, 'docs/examples/README.md'), 'utf8');
  const judged = (report.requirements as { id: string; verdict: string; cases: string[] }[]).filter(
    (r) => r.cases.length > 0 && r.verdict !== 'PASS',
  );
  t.ok(judged.length > 0);
  for (const r of judged) t.ok(readme.includes(`\`${r.id}\``), `${r.id} (${r.verdict}) is explained`);
});
