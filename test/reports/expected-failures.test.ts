import t from 'tap';
import { applyBaseline, parseExpectedFailures, ReportError } from '../../reports/index.js';
import { sampleCase, verdict } from './helpers/sample-report.js';

t.test('a baseline is a YAML or JSON list of case / requirement entries', async (t) => {
  const yaml = `
- case: events/connect
  requirement: events/connect/1
  reason: known, issue 12
- requirement: bitrate/drop/1
- case: waiting-image/keep-alive
`;
  const expected = [
    { case: 'events/connect', requirement: 'events/connect/1', reason: 'known, issue 12' },
    { requirement: 'bitrate/drop/1' },
    { case: 'waiting-image/keep-alive' },
  ];
  t.same(parseExpectedFailures(yaml, 'b.yaml'), expected);
  t.same(parseExpectedFailures(JSON.stringify(expected), 'b.json'), expected);
  t.same(parseExpectedFailures('', 'empty.yaml'), [], 'an empty file expects nothing');
});

t.test('a malformed baseline is refused naming the file, the entry and the field', async (t) => {
  const error = (text: string) => {
    try {
      parseExpectedFailures(text, 'b.yaml');
    } catch (e) {
      t.type(e, ReportError);
      t.equal((e as ReportError).code, 'INVALID_BASELINE');
      return (e as Error).message;
    }
    return 'no error';
  };
  t.match(error('- case: a\n- requirment: b\n'), /b\.yaml: at entry 2: .*requirment/);
  t.match(error('- reason: only a reason\n'), /at entry 1: an entry names a case, a requirement, or both/);
  t.match(error('cases: [a]\n'), /at the top level/);
  t.match(error('- case: [unclosed\n'), /Failed to read the expected failures b\.yaml/);
});

const cases = [
  sampleCase('events/connect', [
    verdict('events/connect/1', 'FAIL'),
    verdict('events/net-busy/1', 'NON-STRICT'),
  ]),
  sampleCase('bitrate/step', [verdict('bitrate/drop/1', 'PASS'), verdict('events/connect/1', 'PASS')]),
];

t.test(
  'listed failures are expected, unlisted FAIL is unexpected, NON-STRICT only under strict',
  async (t) => {
    const outcome = applyBaseline([{ case: 'events/connect', requirement: 'events/connect/1' }], cases, {
      file: 'b.yaml',
      strict: false,
    });
    t.same(outcome.expected, [
      { case: 'events/connect', seed: 1, requirement: 'events/connect/1', verdict: 'FAIL' },
    ]);
    t.same(outcome.unexpected, [], 'NON-STRICT does not fail a non-strict run');
    t.same(outcome.stale, []);
    const strict = applyBaseline([{ requirement: 'events/connect/1' }], cases, {
      file: 'b.yaml',
      strict: true,
    });
    t.same(strict.unexpected, [
      { case: 'events/connect', seed: 1, requirement: 'events/net-busy/1', verdict: 'NON-STRICT' },
    ]);
    t.same(strict.stale, [], 'a requirement entry that still fails somewhere is not stale');
  },
);

t.test('an entry whose results now pass is stale; one that matches nothing run is not', async (t) => {
  const outcome = applyBaseline(
    [
      { case: 'bitrate/step', reason: 'was failing' },
      { requirement: 'bitrate/drop/1' },
      { case: 'not/run' },
      { case: 'events/connect' },
    ],
    cases,
    { file: 'b.yaml', strict: false },
  );
  t.same(outcome.stale, [{ case: 'bitrate/step', reason: 'was failing' }, { requirement: 'bitrate/drop/1' }]);
  t.same(
    outcome.expected.map((r) => r.requirement),
    ['events/connect/1', 'events/net-busy/1'],
    'a case entry expects every failure in the case',
  );
  t.equal(outcome.entries, 4);
});
