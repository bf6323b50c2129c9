/**
 * Run cases in LIVE mode against a pusher (docs/live-mode.md), print one line per case and its verdicts,
 * and optionally write report.json + summary.md. Until the CLI grows a `--live` flag, this is the way in:
 *
 *   node --import tsx scripts/live.ts [--pusher reference-process|reference|ffmpeg|python-conformance]
 *        [--command "<cmd> <args…>"] [--suite scenarios/suite/live] [--case <id>]… [--seed 1]
 *        [--profile seed] [--out <dir>] [--all]
 *
 * `--command` runs any process pusher (docs/adapter-protocol.md); `--all` also lists cases that are not
 * live-capable (as UNSUPPORTED) instead of skipping them. Exit status: 1 when a MUST failed, 0 otherwise.
 */
import { mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ffmpegPusherFactory } from '../adapters/ffmpeg/index.js';
import { createProcessPusherFactory, isProcessPusherFactory } from '../harness/adapter/process/index.js';
import type { PusherFactory } from '../harness/adapter/types.js';
import { runLiveSuite } from '../harness/live/index.js';
import { loadSpec, loadSuite, requirementIndex } from '../harness/runner/run-suite.js';
import { referencePusherFactory } from '../src/index.js';
import { liveReport, writeLiveReport } from './live-report.js';

function args(argv: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    const value = next === undefined || next.startsWith('--') ? 'true' : next;
    if (value !== 'true') i++;
    out.set(a.slice(2), [...(out.get(a.slice(2)) ?? []), value]);
  }
  return out;
}

const root = resolve(import.meta.dirname, '..');
const opts = args(process.argv.slice(2));
const one = (k: string, d: string) => opts.get(k)?.[0] ?? d;
const tsx = (file: string) => ({
  command: process.execPath,
  args: ['--import', 'tsx', resolve(root, file)],
  cwd: root,
});

const pusherName = one('pusher', 'reference-process');
let pusher: PusherFactory;
let capabilities: string[] | undefined;
const command = opts.get('command')?.[0];
if (command) {
  const [cmd, ...rest] = command.split(/\s+/).filter(Boolean);
  pusher = createProcessPusherFactory({ command: cmd, args: rest });
} else if (pusherName === 'reference-process') {
  pusher = createProcessPusherFactory({
    ...tsx('clients/node/reference-pusher-process.ts'),
    name: 'reference (process)',
  });
} else if (pusherName === 'reference') {
  pusher = referencePusherFactory;
  capabilities = [
    'events',
    'netstatus',
    'attributes.live-update',
    'pause',
    'switchCamera',
    'snapshot',
    'waiting-image',
    'background',
    'bitrate-adaptation',
    'device-faults',
    'dns',
  ];
} else if (pusherName === 'ffmpeg') {
  pusher = ffmpegPusherFactory();
} else if (pusherName === 'python-conformance') {
  pusher = createProcessPusherFactory({
    command: 'python3',
    args: [resolve(root, 'clients/python/conformance_pusher.py')],
  });
} else {
  process.stderr.write(
    `unknown --pusher ${pusherName} (reference-process, reference, ffmpeg, python-conformance)\n`,
  );
  process.exit(2);
}

const suiteDir = resolve(one('suite', 'scenarios/suite/live'));
const ids = opts.get('case');
let cases = loadSuite(suiteDir);
if (ids) cases = cases.filter((c) => ids.includes(c.id));
if (opts.get('all') === undefined) cases = cases.filter((c) => c.live);
const spec = loadSpec();
const seed = Number(one('seed', '1'));
const profile = one('profile', 'seed');
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});

const suite = await runLiveSuite({
  pusher,
  cases,
  seed,
  profile,
  requirements: requirementIndex(spec),
  capabilities: capabilities as never,
  interrupted: () => interrupted,
  onCase: (r) => {
    const counts = new Map<string, number>();
    for (const v of r.verdicts) counts.set(v.verdict, (counts.get(v.verdict) ?? 0) + 1);
    process.stdout.write(
      `${r.caseId}: ${[...counts].map(([v, n]) => `${n} ${v}`).join(', ')}${r.unsupported ? ` (${r.unsupported})` : ''}${r.harnessErrors.length ? ` [harness: ${r.harnessErrors[0].split('\n')[0]}]` : ''}\n`,
    );
    for (const v of r.verdicts)
      if (v.verdict !== 'PASS' && v.verdict !== 'UNSUPPORTED')
        process.stdout.write(`  ${v.verdict} ${v.requirement}: ${v.summary}\n`);
  },
});

const out = opts.get('out')?.[0];
if (out) {
  const environment: Record<string, string> = {};
  if (isProcessPusherFactory(pusher)) {
    const { command: cmd, args: rest } = pusher.options;
    const rel = (a: string) => (a.startsWith(root) ? relative(root, a) : a);
    environment.pusherProcess = [cmd === process.execPath ? 'node' : rel(cmd), ...rest.map(rel)].join(' ');
  }
  if (pusherName === 'ffmpeg' && !command) {
    environment.ffmpeg = `@ffmpeg-installer/ffmpeg ${suite.identity.version}`;
    environment.ffmpegEvents = 'derived from ffmpeg -loglevel verbose by adapters/ffmpeg/ffmpeg-log.ts';
  }
  const report = liveReport(suite, cases, {
    spec,
    seed,
    profile,
    suite: relative(root, suiteDir) || '.',
    pusherSpec: command ?? pusherName,
    environment,
  });
  mkdirSync(resolve(out), { recursive: true });
  writeLiveReport(report, resolve(out));
  process.stdout.write(`report: ${resolve(out, 'report.json')}, ${resolve(out, 'summary.md')}\n`);
}
const mustFailed = suite.results.some((r) => r.verdicts.some((v) => v.verdict === 'FAIL'));
process.exit(mustFailed ? 1 : 0);
