import { diffReports, readReportFile, renderDiff } from '../../reports/index.js';
import { terminalText } from './terminal-text.js';

/** `lpc diff <old.json> <new.json>`: print what changed; 1 when anything regressed. */
export function diffCommand(
  oldFile: string,
  newFile: string,
  options: { json?: boolean },
  out: (s: string) => void,
): number {
  const older = readReportFile(oldFile);
  const newer = readReportFile(newFile);
  const diff = diffReports(older, newer);
  const text = options.json
    ? `${JSON.stringify(diff, null, 2)}\n`
    : renderDiff(diff, older, newer).split('\n').map(terminalText).join('\n');
  out(text);
  return diff.regressions.length > 0 ? 1 : 0;
}
