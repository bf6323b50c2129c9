import { createHash } from 'node:crypto';
import t from 'tap';
import { renderHtmlReport } from '../../reports/index.js';
import { XSS_PAYLOAD } from './fixtures/xss-payload.js';
import { sampleCase, sampleReport, verdict } from './helpers/sample-report.js';

const report = sampleReport(
  [
    sampleCase('events/connect', [verdict('events/connect/1', 'FAIL', `summary ${XSS_PAYLOAD}`)], {
      timeline: {
        entries: [{ atMs: 20, kind: 'event', label: `1001 ${XSS_PAYLOAD}` }],
        omitted: 0,
        windows: [{ fromMs: 1000, toMs: 2000, kind: 'background' }],
      },
      charts: {
        stepMs: 1000,
        t: [0, 1, 2],
        targetKbps: [null, 800, 700],
        sentKbps: [null, 790, 690],
        receivedKbps: [100, 780, 680],
        capacityKbps: [1000, 1000, null],
      },
      harnessErrors: [`</pre>${XSS_PAYLOAD}`],
    }),
  ],
  { pusherName: `evil ${XSS_PAYLOAD}` },
);

t.test('pusher-supplied text appears only escaped', async (t) => {
  const html = renderHtmlReport(report);
  t.notOk(html.includes(XSS_PAYLOAD), 'the raw payload is nowhere');
  t.notOk(html.includes('onerror="window'), 'no injected attribute');
  const escaped =
    '&lt;img src=x onerror=&quot;window.__lpcXss=1&quot;&gt;&lt;script&gt;window.__lpcXss=2&lt;/script&gt;&quot;&#39;&amp;';
  t.ok(
    html.split(escaped).length - 1 >= 5,
    'title, header, summary, timeline and event table show it escaped',
  );
});

t.test(
  'the file is self-contained: no external URL is loaded, scripts are allowed by hash only',
  async (t) => {
    const html = renderHtmlReport(report);
    t.notMatch(html, /\s(src|href)=["']?(https?:)?\/\//i, 'no external src or href');
    t.notMatch(html, /@import|url\(\s*['"]?https?:/i, 'no external CSS');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    t.match(
      csp,
      /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'unsafe-inline'; img-src data:$/,
    );
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    t.equal(scripts.length, 2, 'uPlot and the page script, inline');
    for (const s of scripts)
      t.ok(
        csp.includes(`'sha256-${createHash('sha256').update(s).digest('base64')}'`),
        'the CSP names its hash',
      );
    t.match(scripts[0], /uPlot/);
  },
);

t.test('chart data is JSON that cannot close its script element', async (t) => {
  const html = renderHtmlReport(report);
  const json = /<script type="application\/json" id="lpc-charts">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  t.same(JSON.parse(json), [
    {
      index: 1,
      charts: report.cases[0].charts,
      windows: [{ fromMs: 1000, toMs: 2000, kind: 'background' }],
    },
  ]);
});

t.test('the same report renders to the same bytes', async (t) => {
  t.equal(renderHtmlReport(report), renderHtmlReport(JSON.parse(JSON.stringify(report))));
});
