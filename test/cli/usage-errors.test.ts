import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { main } from '../../harness/cli/lpc.js';
import { captureOutput } from './helpers/capture-output.js';
import { FIXTURE_ARGS, FIXTURE_SUITE, runLpc, tempDir } from './helpers/run-lpc.js';

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
  // Campaign replay (`lpc replay --seed N --path P [--case ID]`): every bad combination names the option.
  [
    'campaign replay without a seed',
    ['replay', '--path', '3'],
    /^lpc: replay: --path needs --seed \(the campaign's seed/,
  ],
  [
    'campaign replay of the wrong case',
    ['replay', '--seed', '1', '--path', '3:0:1', '--case', 'regression/campaign-1-4'],
    /^lpc: --case "regression\/campaign-1-4" is not the case of seed 1, path 3:0:1 \(that is regression\/campaign-1-3\)/,
  ],
  [
    'campaign replay of a suite case',
    ['replay', '--seed', '1', '--path', '3', '--case', 'events/connect-basic'],
    /^lpc: --case "events\/connect-basic" is not the case of seed 1, path 3 .*drop --path/,
  ],
  [
    'campaign replay of a bad path',
    ['replay', '--seed', '1', '--path', '3:x'],
    /^lpc: --path "3:x": expected fast-check's path "run:step:step\.\.\."/,
  ],
  [
    'campaign replay with a negative seed',
    ['replay', '--seed', '-1', '--path', '3'],
    /^lpc: --seed "-1": a campaign seed is an integer from 0 to 2147483647$/,
  ],
  [
    'campaign replay with a report',
    ['replay', 'some/result.json', 'fixture/connect', '--seed', '1', '--path', '3'],
    /^lpc: replay: --path replays a campaign run and takes no report or positional case/,
  ],
  [
    'campaign option without --path',
    ['replay', '--seed', '1', '--case', 'fixture/connect', '--duration-seconds', '20', ...FIXTURE_ARGS],
    /^lpc: replay: --duration-seconds applies to a campaign replay only \(with --path P\)$/,
  ],
  [
    'campaign flag with a report',
    ['replay', 'some/result.json', 'fixture/connect', '--strict'],
    /^lpc: replay: --strict applies to a campaign replay only \(with --path P\)$/,
  ],
  [
    'suite with a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--suite', FIXTURE_SUITE],
    /^lpc: --suite does not apply to a campaign replay \(--path\)/,
  ],
  [
    'unknown fault kind in a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--without', 'dns,wifi'],
    /^lpc: --without "wifi": unknown fault kind \(expected one of link, /,
  ],
  [
    'unknown focus requirement in a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--focus', 'events/nope/9'],
    /^lpc: --focus: unknown requirement\(s\) events\/nope\/9 \(see `lpc list`\)$/,
  ],
  [
    'too short a campaign case',
    ['replay', '--seed', '1', '--path', '3', '--duration-seconds', '2'],
    /^lpc: --duration-seconds "2": a campaign case lasts at least 5 s$/,
  ],
  [
    'unknown schedule in a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--schedule', 'chaos'],
    /^error: option '--schedule <kind>' argument 'chaos' is invalid\. Allowed choices are model, random\.$/,
  ],
  [
    'unknown profile in a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--profile', 'nope'],
    /^lpc: --profile "nope": unknown profile \(expected one of seed, sdk\)$/,
  ],
  [
    'missing pusher in a campaign replay',
    ['replay', '--seed', '1', '--path', '3', '--pusher', 'no/such/pusher.ts'],
    /^lpc: --pusher "no\/such\/pusher\.ts": cannot load the module/,
  ],
  [
    'lpc campaign with a bad shard',
    ['campaign', '--shard', '3/2'],
    /^lpc: Failed to read --shard "3\/2": expected i\/n with 1 <= i <= n/,
  ],
  ['lpc campaign --path without --replay', ['campaign', '--path', '3'], /^lpc: .*--path needs --replay$/],
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

t.test('the real binary exits 2 on a campaign replay of the wrong case, before running it', async (t) => {
  const r = await runLpc(['replay', '--seed', '1', '--path', '7', '--case', 'regression/campaign-2-7']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^lpc: --case "regression\/campaign-2-7" is not the case of seed 1, path 7 .*\n$/);
  t.equal(r.stdout, '');
});

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
