import type { ComplianceReport } from './report-model.js';

/** report.json: stable key order as built, two-space indent, trailing newline. */
export function renderJsonReport(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
