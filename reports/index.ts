/**
 * The reports area's entry point: the report model (report.json, schema version 1) and its renderers,
 * checks and operations. Formats and exit codes: docs/reports.md.
 */
export { CHART_STEP_MS, caseCharts } from './case-charts.js';
export { caseTimeline, LABEL_LIMIT, TIMELINE_LIMIT } from './case-timeline.js';
export {
  applyBaseline,
  loadExpectedFailures,
  parseExpectedFailures,
  unknownBaselineIds,
} from './expected-failures.js';
export { escapeHtml, renderHtmlReport } from './html-report.js';
export { renderJsonReport } from './json-report.js';
export { renderJunitReport } from './junit-report.js';
export { renderMarkdownSummary } from './markdown-summary.js';
export { compareCases, type MergeInput, type MergeResult, mergeReports } from './merge-reports.js';
export { diffReports, type ReportDiff, renderDiff, type VerdictChange } from './report-diff.js';
export { ReportError, type ReportErrorCode } from './report-error.js';
export * from './report-model.js';
export { readReportFile, reportSchema, validateAgainstSchema, validateReport } from './validate-report.js';
export { writeFileAtomic } from './write-atomic.js';
export { REPORT_FILES, writeReports } from './write-reports.js';
