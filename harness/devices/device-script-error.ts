/**
 * The error a malformed device script raises (docs/devices.md, "The device script"). Harness-facing: a
 * scenario author reads it, the pusher under test never sees it (that is the adapter's `DeviceError`).
 */

/** One rejected field: where it is, what it held, and what would have been accepted. */
export interface DeviceScriptIssue {
  /** Dotted path with list indices, e.g. `cameras.front.open` or `app[1].state`; `(root)` for the script. */
  path: string;
  /** The offending value as written (undefined when the field is missing). */
  value: unknown;
  /** What was expected, e.g. `one of ok, denied, occupied, not-found`. */
  expected: string;
}

export type DeviceScriptErrorCode = 'INVALID_DEVICE_SCRIPT';

/**
 * Thrown by `resolveDeviceScript` / `parseDeviceScript`. The message lists every issue as
 * `path: value (expected ...)`, e.g. `cameras.front.open: "maybe" (expected one of ok, denied, occupied,
 * not-found)`; `issues` carries the same facts structured.
 */
export class DeviceScriptError extends Error {
  readonly code: DeviceScriptErrorCode = 'INVALID_DEVICE_SCRIPT';
  readonly issues: readonly DeviceScriptIssue[];

  constructor(issues: readonly DeviceScriptIssue[], reason?: string) {
    const detail = reason ?? issues.map(formatIssue).join('; ');
    super(`Failed to load device script: ${detail}`);
    this.name = 'DeviceScriptError';
    this.issues = issues;
  }
}

/** `path: value (expected ...)`, the value written as JSON (or `missing`). */
export function formatIssue(issue: DeviceScriptIssue): string {
  return `${issue.path}: ${describeValue(issue.value)} (expected ${issue.expected})`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}
