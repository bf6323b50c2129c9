/**
 * Runs suite cases against the reference pusher (no ffprobe) and returns the verdicts that are not PASS,
 * for the one end-to-end test per oracle area: the reference must pass the cases written for it.
 */
import { fileURLToPath } from 'node:url';
import { loadCaseFile } from '../../../harness/runner/case-schema.js';
import { loadSpec, requirementIndex, runAndJudge } from '../../../harness/runner/run-suite.js';
import { referencePusherFactory } from '../../../src/index.js';

const requirements = requirementIndex(loadSpec());

/** `case` is a path under scenarios/suite, e.g. "events/camera-denied.yaml". */
export async function referenceVerdicts(
  casePath: string,
): Promise<{ targeted: string[]; problems: string[] }> {
  const def = loadCaseFile(fileURLToPath(new URL(`../../../scenarios/suite/${casePath}`, import.meta.url)));
  const { result } = await runAndJudge(def, {
    pusher: referencePusherFactory,
    capabilities: [
      'events',
      'netstatus',
      'attributes.live-update',
      'pause',
      'switchCamera',
      'snapshot',
      'waiting-image',
      'background',
      'bitrate-adaptation',
      'device-faults',
      'dns',
      'sim-time',
    ],
    seed: 1,
    requirements,
    validate: false,
  });
  const problems = result.verdicts
    .filter((v) => v.verdict !== 'PASS' && v.verdict !== 'INFORMATIONAL')
    .map((v) => `${v.verdict} ${v.requirement}: ${v.summary}`);
  return { targeted: def.requirements, problems: [...problems, ...result.harnessErrors] };
}
