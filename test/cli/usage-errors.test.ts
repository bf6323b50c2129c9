import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../harness/cli/lpc.js';
import { captureOutput } from './helpers/capture-output.js';
import { FIXTURE_ARGS, runLpc, tempDir } from './helpers/run-lpc.js';

/** Usage errors exit 2 with a one-line reason on stderr, before anything runs. */
const dir = tempDir('usage');
const out = join(dir, 'out');
const typo = join(dir, 'typo.yaml');
writeFileSync(typo, '- case: fixture/connect\n  requirment: events/connect/1\n');
const unknownInBaseline = join(dir, 'unknown.yaml');
writeFileSync(unknownInBaseline, '- requirement: events/nope/9\n');
const notAReport = join(dir, 'not-a-report.json');
writeFileSync(notAReport, '{"hello": "world"}');

const cases: [string, string[], RegExp][] = [
  [
    'unknown case',
    ['run', ...FIXTURE_ARGS, '--case', 'no/such-case', '--out', out],
    /^lpc: --case: unknown case id\(s\) no\/such-case \(see `lpc list`\)$/,
  ],
  [
    'bad seed',
    ['run', '--seed', 'abc', '--out', out],
    /^error: option '--seed <n>' argument 'abc' is invalid\. --seed must be an integer \(got "abc"\)$/,
  ],
  ['fractional seed', ['run', '--seed', '1.5', '--out', out], /--seed must be an integer \(got "1\.5"\)$/],
  [
    'bad runs',
    ['run', ...FIXTURE_ARGS, '--runs', '0', '--out', out],
    /^lpc: --runs "0": expected an integer from 1 to 1000$/,
  ],
  [
    'bad shard',
    ['run', ...FIXTURE_ARGS, '--shard', '3/2', '--out', out],
    /^lpc: --shard "3\/2": expected i\/n with 1 <= i <= n \(e\.g\. 2\/4\)$/,
  ],
  [
    'unknown profile',
    ['run', ...FIXTURE_ARGS, '--profile', 'nope', '--out', out],
    /^lpc: --profile "nope": unknown profile \(expected one of seed, sdk\)$/,
  ],
  [
    'missing suite',
    ['run', '--suite', 'no/such/dir', '--out', out],
    /^lpc: --suite "no\/such\/dir": no such folder$/,
  ],
  [
    'missing pusher module',
    ['run', ...FIXTURE_ARGS, '--pusher', 'no/such/pusher.ts', '--out', out],
    /^lpc: --pusher "no\/such\/pusher\.ts": cannot load the module/,
  ],
  [
    'missing baseline file',
    ['run', ...FIXTURE_ARGS, '--expected-failures', 'no/such.yaml', '--out', out],
    /^lpc: Failed to read the expected failures no\/such\.yaml: no such file$/,
  ],
  [
    'baseline with a typo',
    ['run', ...FIXTURE_ARGS, '--expected-failures', typo, '--out', out],
    /^lpc: Failed to read the expected failures .*typo\.yaml: at entry 1: .*requirment/,
  ],
  [
    'baseline naming an unknown requirement',
    ['run', ...FIXTURE_ARGS, '--expected-failures', unknownInBaseline, '--out', out],
    /^lpc: --expected-failures .*unknown\.yaml: unknown requirement events\/nope\/9 \(see `lpc list`\)$/,
  ],
  [
    'missing report for diff',
    ['diff', 'no/old.json', notAReport],
    /^lpc: Failed to read the report no\/old\.json: no such file$/,
  ],
  [
    'not a report',
    ['diff', notAReport, notAReport],
    /^lpc: Failed to read the report .*not-a-report\.json: not a schema-version-1 report\.json \(\/: missing required property "schemaVersion", and \d+ more\)$/,
  ],
  [
    'missing report for replay',
    ['replay', 'no/result.json', 'fixture/connect'],
    /^lpc: Failed to read the report no\/result\.json: no such file$/,
  ],
  ['replay without a case', ['replay', '--seed', '1'], /^lpc: replay: give a report and a case/],
  [
    'replay of an unknown case',
    ['replay', '--seed', '1', '--case', 'no/such', ...FIXTURE_ARGS],
    /^lpc: --case: unknown case id no\/such in test\/reports\/fixtures\/suite/,
  ],
  [
    'merge of a missing shard',
    ['merge', 'no/shard.json', '--out', out],
    /^lpc: Failed to read the report no\/shard\.json: no such file$/,
  ],
  ['unknown command', ['frobnicate'], /^error: unknown command 'frobnicate'$/],
];

for (const [name, argv, reason] of cases) {
  t.test(`${name}: exit 2 with a one-line reason`, async (t) => {
    const r = await captureOutput(() => main(argv));
    t.equal(r.code, 2);
    t.equal(r.stderr.split('\n').filter(Boolean).length, 1, `one line: ${JSON.stringify(r.stderr)}`);
    t.match(r.stderr.trimEnd(), reason);
    t.equal(r.stdout, '');
  });
}

t.test('the real binary exits 2 on an unknown case and on a bad seed', async (t) => {
  const unknown = await runLpc(['run', ...FIXTURE_ARGS, '--case', 'no/such-case', '--out', out]);
  t.equal(unknown.code, 2);
  t.equal(unknown.stderr, 'lpc: --case: unknown case id(s) no/such-case (see `lpc list`)\n');
  const seed = await runLpc(['run', '--seed', 'x1', '--out', out]);
  t.equal(seed.code, 2);
  t.match(
    seed.stderr,
    /^error: option '--seed <n>' argument 'x1' is invalid\. --seed must be an integer \(got "x1"\)\n$/,
  );
});
