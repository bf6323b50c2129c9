import cliProgress from 'cli-progress';
import type { CampaignHooks } from './run-campaign.js';

export interface ProgressOptions {
  /** Where progress goes (stderr: stdout stays for results). */
  stream: NodeJS.WriteStream;
  /** Silence everything. */
  quiet?: boolean;
}

/**
 * Campaign progress: a bar on a terminal (cli-progress), one line per run otherwise (CI logs). Counting
 * lives in the runner; this only prints.
 */
export function campaignProgress(o: ProgressOptions): Required<
  Pick<CampaignHooks, 'onRunStart' | 'onShrink' | 'onRunEnd'>
> & {
  stop(): void;
} {
  if (o.quiet) return { onRunStart() {}, onShrink() {}, onRunEnd() {}, stop() {} };
  let failures = 0;
  if (o.stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'campaign {bar} {value}/{total} runs | {failures} failing | {status}',
        hideCursor: true,
        stream: o.stream,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onRunStart({ run, position, total }) {
        if (!started) bar.start(total, 0, { failures, status: '' });
        started = true;
        bar.update(position, { failures, status: `run ${run}` });
      },
      onShrink({ run, evaluations, steps }) {
        bar.update({ status: `shrinking run ${run}: ${evaluations} candidates, ${steps} steps` });
      },
      onRunEnd(outcome, { position }) {
        if (outcome.failure) failures++;
        bar.update(position, {
          failures,
          status: outcome.failure ? `run ${outcome.run}: ${outcome.failure.requirement}` : '',
        });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    onRunStart() {},
    onShrink() {},
    onRunEnd(outcome, { position, total }) {
      const f = outcome.failure;
      o.stream.write(
        `[${position}/${total}] run ${outcome.run}: ${
          f ? `${f.verdict} ${f.requirement} (shrunk ${f.originalSteps} -> ${f.steps} steps)` : 'ok'
        }${outcome.harnessErrors.length ? ` (harness error: ${outcome.harnessErrors[0].split('\n')[0]})` : ''}\n`,
      );
    },
    stop() {},
  };
}
