import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CheckResult, Verdict } from '../harness/oracles/types.js';
import { type ComplianceReport, LEVELS, type ReportCase, VERDICTS } from './report-model.js';

const require = createRequire(import.meta.url);

/** Text or attribute value for HTML: every pusher-supplied string goes through this (the pusher is untrusted). */
export function escapeHtml(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON inside <script type="application/json">: no `<` (so no `</script>`), no JS line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');

interface Assets {
  uplotJs: string;
  uplotCss: string;
  pageJs: string;
  pageCss: string;
}

let assets: Assets | undefined;
function loadAssets(): Assets {
  assets ??= {
    uplotJs: inlineScript(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    pageJs: inlineScript(readFileSync(new URL('./assets/report.js', import.meta.url), 'utf8')),
    pageCss: readFileSync(new URL('./assets/report.css', import.meta.url), 'utf8'),
  };
  return assets;
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const ABBREV: Record<Verdict, string> = {
  PASS: 'P',
  'NON-STRICT': 'NS',
  FAIL: 'F',
  INFORMATIONAL: 'I',
  UNSUPPORTED: 'U',
  INDETERMINATE: '?',
};

const verdictSpan = (v: Verdict) => `<span class="v v-${v}">${v}</span>`;

function score(c: Record<Verdict, number>): string {
  const judged = c.PASS + c.FAIL + c['NON-STRICT'];
  return judged === 0 ? '—' : `${Math.round((100 * c.PASS) / judged)}% of ${judged}`;
}

function countsTable(title: string, rows: [string, Record<Verdict, number>][]): string {
  const head = `<tr><th>${escapeHtml(title)}</th><th>score</th>${VERDICTS.map((v) => `<th class="v v-${v}">${v}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      ([name, c]) =>
        `<tr><td>${escapeHtml(name)}</td><td class="num">${score(c)}</td>${VERDICTS.map((v) => `<td class="num">${c[v]}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table class="counts"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

const caseName = (report: ComplianceReport, c: ReportCase) =>
  report.run.runs > 1 ? `${c.id} (seed ${c.seed})` : c.id;

function header(report: ComplianceReport): string {
  const r = report.run;
  const seeds = r.runs > 1 ? `${r.seed}..${r.seed + r.runs - 1}` : String(r.seed);
  const facts: [string, string][] = [
    ['pusher', `${report.pusher.name} ${report.pusher.version}`],
    ['pusher module', r.pusherSpec],
    ['capabilities', report.pusher.capabilities.join(', ') || '(none declared)'],
    ['profile', r.profile],
    ['seed(s)', seeds],
    ['suite', r.suite],
    ['spec', r.spec],
    ['strict', r.strict ? 'yes (SHOULD failures fail the run)' : 'no'],
    ...(r.shard ? ([['shard', r.shard]] as [string, string][]) : []),
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ...Object.entries(report.environment).map(([k, v]) => [k, v] as [string, string]),
  ];
  const banner = report.partial
    ? '<div class="banner" id="partial">Partial run: interrupted or incomplete; this report holds only the cases that finished.</div>'
    : '';
  const b = report.baseline;
  const baseline = b
    ? `<p>Baseline <code>${escapeHtml(b.file)}</code>: ${b.expected.length} expected failure(s), <strong>${b.unexpected.length} unexpected</strong>, <strong>${b.stale.length} stale</strong>.</p>`
    : '';
  return `<header>
<h1>Conformance report: ${escapeHtml(report.pusher.name)} ${escapeHtml(report.pusher.version)}</h1>
${banner}
<table class="meta"><tbody>
${facts.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</tbody></table>
${baseline}
</header>`;
}

function summary(report: ComplianceReport): string {
  const s = report.summary;
  const levels = countsTable(
    'level',
    LEVELS.map((l) => [l, s.byLevel[l]]),
  );
  const areas = countsTable(
    'area',
    Object.keys(s.byArea)
      .sort()
      .map((a) => [a, s.byArea[a]]),
  );
  return `<section id="summary">
<h2>Summary</h2>
<p>${s.cases} case run(s); ${report.requirements.length} requirements; ${s.mustFailures} MUST requirement(s) failing; ${s.harnessErrors} harness error(s). Score = PASS / (PASS + FAIL + NON-STRICT) over the requirements judged.</p>
<div class="summary-tables">
${levels}
${areas}
</div>
</section>`;
}

function matrix(report: ComplianceReport): string {
  const byCase = report.cases.map((c) => new Map(c.verdicts.map((v) => [v.requirement, v])));
  const areas = [...new Set(report.requirements.map((r) => r.area))].sort();
  const option = (v: string) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`;
  const caseHeads = report.cases
    .map(
      (c, i) => `<th title="${escapeHtml(caseName(report, c))}"><a href="#case-${i + 1}">${i + 1}</a></th>`,
    )
    .join('');
  const rows = report.requirements.map((r) => {
    const cells = report.cases
      .map((c, i) => {
        const v = byCase[i].get(r.id);
        if (!v) return '<td class="cell"></td>';
        return `<td class="cell v v-${v.verdict}" title="${escapeHtml(`${caseName(report, c)}: ${v.verdict}: ${v.summary}`)}">${ABBREV[v.verdict]}</td>`;
      })
      .join('');
    const search = r.cases.join(' ').toLowerCase();
    return `<tr data-verdict="${r.verdict}" data-level="${r.level}" data-area="${escapeHtml(r.area)}" data-exercised="${r.cases.length > 0 ? 'yes' : 'no'}" data-search="${escapeHtml(search)}"><td class="nowrap"><code>${escapeHtml(r.id)}</code></td><td class="nowrap">${r.level}</td><td class="nowrap">${verdictSpan(r.verdict)}</td><td class="title">${escapeHtml(r.title)}</td>${cells}</tr>`;
  });
  return `<section id="matrix">
<h2>Requirement matrix</h2>
<div class="filters">
<label>verdict <select id="f-verdict"><option value="">(any)</option>${VERDICTS.map(option).join('')}</select></label>
<label>level <select id="f-level"><option value="">(any)</option>${LEVELS.map(option).join('')}</select></label>
<label>area <select id="f-area"><option value="">(any)</option>${areas.map(option).join('')}</select></label>
<label>search <input id="f-text" type="search" placeholder="id, title, case"></label>
<label><input id="f-exercised" type="checkbox"> only exercised</label>
<span id="f-count"></span>
</div>
<p class="legend">Cells: P PASS, F FAIL, NS NON-STRICT, I INFORMATIONAL, U UNSUPPORTED, ? INDETERMINATE; columns are the case runs below (hover for details).</p>
<div class="matrix-wrap"><table id="matrix-table"><thead><tr><th>requirement</th><th>level</th><th>verdict</th><th>title</th>${caseHeads}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>
</section>`;
}

const TIMELINE_KINDS = ['event', 'operation', 'crash', 'app', 'network', 'server', 'case'] as const;

function timelineSvg(c: ReportCase): string {
  const tl = c.timeline;
  if (!tl) return '';
  const endMs = Math.max(1, c.charts ? c.charts.t.length * c.charts.stepMs : c.durationMs);
  const left = 70;
  const right = 990;
  const x = (ms: number) => (left + (Math.max(0, Math.min(ms, endMs)) / endMs) * (right - left)).toFixed(2);
  const lane = (i: number) => 6 + i * 12;
  const bottom = lane(TIMELINE_KINDS.length) + 2;
  const parts: string[] = [];
  for (const w of tl.windows) {
    const cls = w.kind === 'waiting-image' ? 'wi' : 'bg';
    const label = `${w.kind === 'waiting-image' ? 'waiting image' : 'app in background'}: ${w.fromMs} → ${w.toMs} ms`;
    const y = w.kind === 'waiting-image' ? lane(0) + 6 : 2;
    const h = w.kind === 'waiting-image' ? bottom - y - 8 : bottom - 2;
    parts.push(
      `<rect class="${cls}" x="${x(w.fromMs)}" y="${y}" width="${(Number(x(w.toMs)) - Number(x(w.fromMs))).toFixed(2)}" height="${h}"><title>${escapeHtml(label)}</title></rect>`,
    );
  }
  TIMELINE_KINDS.forEach((k, i) => {
    parts.push(`<text x="${left - 6}" y="${lane(i) + 9}" text-anchor="end">${k}</text>`);
  });
  parts.push(`<line class="axis" x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`);
  const laneOf = Object.fromEntries(TIMELINE_KINDS.map((k, i) => [k, lane(i)]));
  for (const e of tl.entries) {
    const y = laneOf[e.kind];
    parts.push(
      `<line class="k-${e.kind}" x1="${x(e.atMs)}" y1="${y}" x2="${x(e.atMs)}" y2="${y + 10}"><title>${escapeHtml(`${e.atMs} ms ${e.kind}: ${e.label}`)}</title></line>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const ms = (endMs * i) / 4;
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    parts.push(
      `<text x="${x(ms)}" y="${bottom + 14}" text-anchor="${anchor}">${(ms / 1000).toFixed(1)} s</text>`,
    );
  }
  const legend = [
    '<span><span class="swatch" style="background:#d0d7de"></span>app in background</span>',
    '<span><span class="swatch" style="background:#f2cc60"></span>waiting image on air (expected)</span>',
    '<span>hover a tick for the event</span>',
  ];
  return `<svg class="timeline" viewBox="0 0 1000 ${bottom + 20}" role="img" aria-label="event timeline">${parts.join('')}</svg>
<div class="legend timeline-legend">${legend.join('')}</div>`;
}

function verdictRow(v: CheckResult): string {
  const extra: string[] = [];
  if (v.expected !== undefined) extra.push(`expected: ${v.expected}`);
  if (v.actual !== undefined) extra.push(`actual: ${v.actual}`);
  if (v.atMs !== undefined) extra.push(`at ${v.atMs} ms`);
  if (v.numbers)
    extra.push(
      Object.entries(v.numbers)
        .map(([k, n]) => `${k}=${n}`)
        .join(' '),
    );
  const evidence =
    v.evidence && v.evidence.length > 0
      ? `<details><summary>trace excerpt (${v.evidence.length})</summary><pre>${escapeHtml(v.evidence.map((r) => JSON.stringify(r)).join('\n'))}</pre></details>`
      : '';
  return `<tr data-verdict="${v.verdict}"><td><code>${escapeHtml(v.requirement)}</code></td><td>${v.level}</td><td>${verdictSpan(v.verdict)}</td><td class="summary">${escapeHtml(v.summary)}${extra.length > 0 ? `<br><span class="mono">${escapeHtml(extra.join('; '))}</span>` : ''}${evidence}</td></tr>`;
}

function caseSection(report: ComplianceReport, c: ReportCase, i: number): string {
  const bad = c.verdicts.some((v) => v.verdict === 'FAIL' || v.verdict === 'NON-STRICT');
  const events = c.timeline
    ? `<details class="events"><summary>events (${c.timeline.entries.length}${c.timeline.omitted > 0 ? `, ${c.timeline.omitted} more in the trace` : ''})</summary>
<table class="event-table"><thead><tr><th>ms</th><th>kind</th><th>what</th></tr></thead><tbody>
${c.timeline.entries.map((e) => `<tr><td class="num">${e.atMs}</td><td>${e.kind}</td><td class="label">${escapeHtml(e.label)}</td></tr>`).join('\n')}
</tbody></table></details>`
    : '';
  const chart = c.charts
    ? `<div class="chart" id="chart-${i + 1}"></div>
<div class="legend"><span><span class="swatch" style="background:#0969da"></span>target (net status)</span><span><span class="swatch" style="background:#bc4c00"></span>sent video (net status)</span><span><span class="swatch" style="background:#1a7f37"></span>server-received video</span><span><span class="swatch" style="background:#6e7781"></span>uplink capacity (none when unlimited)</span></div>`
    : '';
  const unsupported = c.unsupported ? `<p>UNSUPPORTED: ${escapeHtml(c.unsupported)}</p>` : '';
  const harness =
    c.harnessErrors.length > 0
      ? `<details open><summary>harness errors (${c.harnessErrors.length}): not verdicts on the pusher</summary><pre>${escapeHtml(c.harnessErrors.join('\n\n'))}</pre></details>`
      : '';
  return `<article class="case${bad ? ' bad' : ''}" id="case-${i + 1}">
<h3>${i + 1}. ${escapeHtml(caseName(report, c))}: ${escapeHtml(c.title)}</h3>
<div class="facts">seed ${c.seed} · profile ${escapeHtml(c.profile)} · ${(c.durationMs / 1000).toFixed(1)} s virtual · ${c.traceRecords} trace records · digest <code>${escapeHtml(c.digest.slice(0, 16) || '—')}</code> · <code>${escapeHtml(c.source)}</code></div>
<div class="facts">replay: <code class="replay">${escapeHtml(c.replay)}</code></div>
${unsupported}${timelineSvg(c)}
${chart}
<table class="verdicts"><thead><tr><th>requirement</th><th>level</th><th>verdict</th><th>summary and evidence</th></tr></thead><tbody>
${c.verdicts.map(verdictRow).join('\n')}
</tbody></table>
${harness}
${events}
</article>`;
}

/**
 * report.html: one self-contained file (uPlot and the page's script and styles inlined; a Content Security
 * Policy that allows no network and only these scripts, by hash). Every string from the report is escaped
 * here; the page's script only reads numbers. Pure: the same report gives the same bytes.
 * docs/reports.md "report.html".
 */
export function renderHtmlReport(report: ComplianceReport): string {
  const a = loadAssets();
  const chartData = report.cases.map((c, i) => ({
    index: i + 1,
    charts: c.charts ?? null,
    windows: c.timeline?.windows ?? [],
  }));
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(a.uplotJs)} ${sha256(a.pageJs)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lpc report: ${escapeHtml(report.pusher.name)} ${escapeHtml(report.pusher.version)}</title>
<style>${a.uplotCss}</style>
<style>${a.pageCss}</style>
</head>
<body>
${header(report)}
${summary(report)}
${matrix(report)}
<section id="cases">
<h2>Cases</h2>
${report.cases.map((c, i) => caseSection(report, c, i)).join('\n')}
</section>
<script type="application/json" id="lpc-charts">${scriptJson(chartData)}</script>
<script>${a.uplotJs}</script>
<script>${a.pageJs}</script>
</body>
</html>
`;
}
