import t from 'tap';
import { applyBaseline, renderJunitReport } from '../../reports/index.js';
import { sampleCase, sampleReport, verdict } from './helpers/sample-report.js';

const cases = [
  sampleCase('events/connect', [
    verdict('events/connect/1', 'FAIL', 'no 1001 <within> 1000 ms & "more"'),
    verdict('events/net-busy/1', 'NON-STRICT'),
    verdict('bitrate/stability/1', 'INFORMATIONAL'),
  ]),
  sampleCase(
    'bitrate/step',
    [verdict('bitrate/drop/1', 'UNSUPPORTED'), verdict('events/connect/1', 'INDETERMINATE')],
    {
      harnessErrors: ['Error: the server crashed\n    at somewhere'],
    },
  ),
];

/** The element inside the testcase for a requirement of a case (failure / skipped / system-out). */
function outcomeOf(xml: string, caseId: string, requirement: string): string {
  const start = xml.indexOf(`<testcase classname="${caseId}" name="${requirement}">`);
  const end = xml.indexOf('</testcase>', start);
  const body = xml.slice(start, end);
  return (
    /<(failure|skipped|error|system-out)[^>]*>/.exec(body.replace(/<properties>.*<\/properties>/, ''))?.[0] ??
    ''
  );
}

t.test(
  'one testcase per requirement per case; FAIL is a failure, UNSUPPORTED and INDETERMINATE are skipped',
  async (t) => {
    const xml = renderJunitReport(sampleReport(cases));
    t.match(
      xml,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="[^"]+" tests="6" failures="1" errors="1" skipped="2">/,
    );
    t.equal(
      outcomeOf(xml, 'events/connect', 'events/connect/1'),
      '<failure type="FAIL" message="no 1001 &lt;within&gt; 1000 ms &amp; &quot;more&quot;">',
    );
    t.match(outcomeOf(xml, 'bitrate/step', 'bitrate/drop/1'), /^<skipped message="UNSUPPORTED: /);
    t.match(outcomeOf(xml, 'bitrate/step', 'events/connect/1'), /^<skipped message="INDETERMINATE: /);
    t.match(
      outcomeOf(xml, 'bitrate/step', 'harness'),
      /^<error type="harness" message="Error: the server crashed">/,
    );
    t.equal(outcomeOf(xml, 'events/connect', 'bitrate/stability/1'), '<system-out>');
  },
);

t.test(
  'NON-STRICT passes with a verdict property unless the run is strict, then it is a failure',
  async (t) => {
    const relaxed = renderJunitReport(sampleReport(cases));
    t.equal(outcomeOf(relaxed, 'events/connect', 'events/net-busy/1'), '<system-out>');
    t.match(
      relaxed,
      /<testcase classname="events\/connect" name="events\/net-busy\/1">\n\s*<properties><property name="verdict" value="NON-STRICT"\/>/,
    );
    const strict = renderJunitReport(sampleReport(cases, { strict: true }));
    t.match(outcomeOf(strict, 'events/connect', 'events/net-busy/1'), /^<failure type="NON-STRICT" /);
  },
);

t.test(
  'expected failures are skipped, stale baseline entries are failures of a baseline suite',
  async (t) => {
    const report = sampleReport(cases);
    report.baseline = applyBaseline(
      [
        { requirement: 'events/connect/1' },
        { case: 'bitrate/step', requirement: 'bitrate/stability/1' },
        { case: 'x/never-fails' },
      ],
      [...cases, sampleCase('x/never-fails', [verdict('events/connect/1', 'PASS')])],
      { file: 'expected.yaml', strict: false },
    );
    const xml = renderJunitReport(report);
    t.match(
      outcomeOf(xml, 'events/connect', 'events/connect/1'),
      /^<skipped message="expected failure \(baseline\): FAIL: /,
    );
    t.match(xml, /<testsuite name="baseline" tests="1" failures="1" errors="0" skipped="0">/);
    t.match(
      xml,
      /<failure type="STALE" message="expected failure x\/never-fails now passes: remove it from expected.yaml"\/>/,
    );
  },
);

t.test('text XML cannot hold is replaced, so a pusher cannot break the file', async (t) => {
  const xml = renderJunitReport(
    sampleReport([sampleCase('a', [verdict('events/connect/1', 'FAIL', 'bad\u0000\u001b[31m\ud800')])]),
  );
  t.match(xml, /message="bad\uFFFD\uFFFD\[31m\uFFFD"/);
  t.notOk(xml.includes('\u0000') || xml.includes('\u001b'), 'no raw control character');
});
