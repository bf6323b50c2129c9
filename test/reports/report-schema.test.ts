import t from 'tap';
import { reportSchema, validateAgainstSchema, validateReport } from '../../reports/index.js';
import { sampleCase, sampleReport, verdict } from './helpers/sample-report.js';

t.test('a report built by buildReport is valid against reports/report.schema.json', async (t) => {
  const report = sampleReport([
    sampleCase('events/connect', [verdict('events/connect/1', 'PASS')], {
      timeline: { entries: [{ atMs: 1.5, kind: 'event', label: '1001 ok' }], omitted: 0, windows: [] },
      charts: {
        stepMs: 1000,
        t: [0, 1],
        targetKbps: [null, 800],
        sentKbps: [null, 790.5],
        receivedKbps: [0, 780],
        capacityKbps: [null, null],
      },
    }),
  ]);
  t.same(validateReport(JSON.parse(JSON.stringify(report))), []);
});

t.test('violations name the JSON pointer and what is wrong', async (t) => {
  const report = JSON.parse(
    JSON.stringify(sampleReport([sampleCase('a', [verdict('events/connect/1', 'PASS')])])),
  );
  report.schemaVersion = 2;
  report.cases[0].verdicts[0].verdict = 'OK';
  delete report.run.seed;
  report.extra = true;
  report.cases[0].charts = {
    stepMs: 1000,
    t: [0],
    targetKbps: ['x'],
    sentKbps: [],
    receivedKbps: [],
    capacityKbps: [],
  };
  t.same(validateReport(report).sort(), [
    '/: unexpected property "extra"',
    '/cases/0/charts/targetKbps/0: expected number or null, got string',
    '/cases/0/verdicts/0/verdict: "OK" is not one of "PASS", "NON-STRICT", "FAIL", "INFORMATIONAL", "UNSUPPORTED", "INDETERMINATE"',
    '/run: missing required property "seed"',
    '/schemaVersion: expected 1, got 2',
  ]);
});

t.test('the checker refuses a schema keyword it does not implement', async (t) => {
  t.throws(() => validateAgainstSchema({ type: 'string', maxLength: 3 }, 'abcd'), /keyword "maxLength"/);
  t.throws(() => validateAgainstSchema({ $ref: '#/$defs/missing' }, 1), /unresolvable \$ref/);
});

t.test('the schema declares every top-level field of the report model', async (t) => {
  const props = Object.keys((reportSchema().properties ?? {}) as object);
  t.same(props, [
    'schemaVersion',
    'tool',
    'pusher',
    'environment',
    'run',
    'partial',
    'summary',
    'requirements',
    'cases',
    'baseline',
  ]);
});
