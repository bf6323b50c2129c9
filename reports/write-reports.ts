import { resolve } from 'node:path';
import { renderHtmlReport } from './html-report.js';
import { renderJsonReport } from './json-report.js';
import { renderJunitReport } from './junit-report.js';
import { renderMarkdownSummary } from './markdown-summary.js';
import type { ComplianceReport } from './report-model.js';
import { writeFileAtomic } from './write-atomic.js';

/** The files a run leaves in its output folder (docs/reports.md). */
export const REPORT_FILES = ['report.json', 'summary.md', 'junit.xml', 'report.html'] as const;

export interface WriteReportsOptions {
  /** Skip report.html (the partial reports written after every case: the HTML is written at the end). */
  html?: boolean;
}

/** Write every format of `report` into `dir`, each atomically (write then rename). */
export function writeReports(dir: string, report: ComplianceReport, options: WriteReportsOptions = {}): void {
  writeFileAtomic(resolve(dir, 'report.json'), renderJsonReport(report));
  writeFileAtomic(resolve(dir, 'summary.md'), renderMarkdownSummary(report));
  writeFileAtomic(resolve(dir, 'junit.xml'), renderJunitReport(report));
  if (options.html !== false) writeFileAtomic(resolve(dir, 'report.html'), renderHtmlReport(report));
}
