/**
 * Verdicts of a live run (docs/live-mode.md, "Verdicts"): the same oracles as the simulation
 * (`judgeCase` over the trace), then three live-only adjustments, each stated in the verdict's summary:
 *
 * 1. The pusher process exited with 127 (`pusher.unsupported`): every targeted requirement is UNSUPPORTED.
 * 2. The pusher process crashed or stopped answering (`pusher.crash`, `pusher.protocolError` of kind
 *    ready-timeout / timeout / unresponsive): a targeted requirement the oracles left INDETERMINATE
 *    (precondition never established) becomes FAIL for a MUST, NON-STRICT for a SHOULD, with that evidence.
 *    The pusher is the reason nothing could be established.
 * 3. The harness itself could not keep real time (`live.timing` over budget): FAIL and NON-STRICT become
 *    INDETERMINATE, since a late harness can make a correct pusher look late.
 * 4. The pusher does not use the harness's fake devices (no `device.script` record: an outside pusher with
 *    sources of its own, like ffmpeg's testsrc): requirements judged from device records
 *    (DEVICE_EVIDENCE) are UNSUPPORTED, whatever the oracle said from the absence of those records.
 */
import type { Check, CheckResult, RequirementInfo } from '../oracles/index.js';
import { judgeCase } from '../oracles/index.js';
import type { TraceRecord } from '../sim/index.js';

const HANG_FAULTS = new Set(['ready-timeout', 'timeout', 'unresponsive']);

/**
 * Requirements whose criteria are computed from the fake devices' records (docs/spec.md, "Trace sources":
 * devices): camera, microphone and encoder handles, their opens and closes, 1003/-1301..-1306/1103/1107.
 */
export const DEVICE_EVIDENCE: readonly RegExp[] = [
  /^devices\//,
  /^events\/(camera|microphone|encoder|critical)\//,
  /^events\/order\/1$/,
  /^reconnect\/devices\/1$/,
  /^attributes\/(muted|enable-camera|auto-focus|beauty|whiteness)\//,
];

export interface JudgeLiveRunOptions {
  targeted: readonly string[];
  requirements: ReadonlyMap<string, RequirementInfo>;
  checks: readonly Check[];
}

/** The pusher's faults in a trace: crashes, hangs, protocol errors (evidence for a report). */
export function pusherFaults(records: readonly TraceRecord[]): TraceRecord[] {
  return records.filter((r) => r.kind === 'pusher.crash' || r.kind === 'pusher.protocolError');
}

export function judgeLiveRun(records: readonly TraceRecord[], options: JudgeLiveRunOptions): CheckResult[] {
  const unsupported = records.find((r) => r.kind === 'pusher.unsupported');
  if (unsupported) {
    return judgeCase([], {
      ...options,
      checks: [],
      unsupported: `the pusher process exited with 127 (unsupported here): ${String(unsupported.data.message ?? '')}`,
    });
  }
  const verdicts = judgeCase(records, options);
  const fatal = records.filter(
    (r) =>
      r.kind === 'pusher.crash' ||
      (r.kind === 'pusher.protocolError' && HANG_FAULTS.has(String(r.data.reason ?? ''))),
  );
  const timing = records.find((r) => r.kind === 'live.timing');
  const usesDevices = records.some((r) => r.kind === 'device.script');
  const lateHarness = timing?.data.jitterExceeded === true;
  const targeted = new Set(options.targeted);
  return verdicts.map((v) => {
    if (!usesDevices && DEVICE_EVIDENCE.some((re) => re.test(v.requirement))) {
      return {
        requirement: v.requirement,
        level: v.level,
        verdict: 'UNSUPPORTED',
        summary:
          "the pusher does not use the harness's fake devices (no device records): this criterion is judged from them",
      };
    }
    if (lateHarness && (v.verdict === 'FAIL' || v.verdict === 'NON-STRICT')) {
      return {
        ...v,
        verdict: 'INDETERMINATE',
        summary: `${v.summary} [not judged: the harness's event loop was delayed up to ${String(timing?.data.eventLoopDelayMaxMs)} ms, over the live budget of ${String(timing?.data.jitterBudgetMs)} ms]`,
      };
    }
    if (
      fatal.length > 0 &&
      targeted.has(v.requirement) &&
      v.verdict === 'INDETERMINATE' &&
      v.level !== 'INFORMATIONAL'
    ) {
      const first = fatal[0];
      const what =
        first.kind === 'pusher.crash'
          ? `the pusher process crashed at ${Math.round(first.t / 1000)} ms (${String(first.data.message ?? '')})`
          : `the pusher process stopped answering at ${Math.round(first.t / 1000)} ms (${String(first.data.detail ?? first.data.reason ?? '')})`;
      return {
        ...v,
        verdict: v.level === 'MUST' ? 'FAIL' : 'NON-STRICT',
        summary: `${what}; before that: ${v.summary}`,
        evidence: [...fatal.slice(0, 5), ...(v.evidence ?? [])].slice(0, 20),
      };
    }
    return v;
  });
}
