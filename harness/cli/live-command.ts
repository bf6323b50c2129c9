import { resolve } from 'node:path';
import { liveReport, writeLiveReport } from '../../scripts/live-report.js';
import { createProcessPusherFactory } from '../adapter/process/index.js';
import { runLiveSuite } from '../live/index.js';
import { loadSpec, loadSuite, requirementIndex } from '../runner/run-suite.js';
import { UsageError } from './usage-error.js';

export interface LiveRunOptions {
  command: string;
  suite: string;
  case?: string[];
  seed: number;
  profile: string;
  out: string;
}

/** Split a command line into words: spaces separate, single or double quotes group. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/**
 * `lpc run --command "<cmd>"`: a pusher in another process speaks the adapter protocol
 * (docs/adapter-protocol.md). Process pushers run in live mode (real time, real sockets), so only the
 * live-capable cases run (docs/live-mode.md); the rest need the simulation.
 */
export async function liveRunCommand(options: LiveRunOptions): Promise<number> {
  const [command, ...args] = splitCommand(options.command);
  if (!command) throw new UsageError('--command "": expected a command line that starts a pusher process');
  const pusher = createProcessPusherFactory({ command, args });
  const suiteDir = resolve(options.suite);
  let cases = loadSuite(suiteDir);
  if (options.case && options.case.length > 0) {
    const unknown = options.case.filter((id) => !cases.some((c) => c.id === id));
    if (unknown.length > 0)
      throw new UsageError(`--case: unknown case id(s) ${unknown.join(', ')} (see \`lpc list\`)`);
    cases = cases.filter((c) => options.case?.includes(c.id));
  } else {
    cases = cases.filter((c) => c.live);
  }
  const spec = loadSpec();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  try {
    const suite = await runLiveSuite({
      pusher,
      cases,
      seed: options.seed,
      profile: options.profile,
      requirements: requirementIndex(spec),
      interrupted: () => interrupted,
      onCase: (r) => {
        const bad = r.verdicts.filter((v) => v.verdict === 'FAIL' || v.verdict === 'NON-STRICT');
        process.stderr.write(
          `${r.caseId}: ${bad.length === 0 ? 'ok' : bad.map((v) => `${v.verdict} ${v.requirement}`).join(', ')}${r.unsupported ? ` (UNSUPPORTED: ${r.unsupported})` : ''}\n`,
        );
      },
    });
    const report = liveReport(suite, cases, {
      spec,
      seed: options.seed,
      profile: options.profile,
      suite: options.suite,
      pusherSpec: options.command,
      environment: { pusherProcess: options.command },
    });
    writeLiveReport(report, resolve(options.out));
    process.stdout.write(
      `${suite.identity.name}: ${suite.results.length} live case runs; reports in ${options.out}/\n`,
    );
    if (interrupted) return 130;
    return suite.results.some((r) => r.verdicts.some((v) => v.verdict === 'FAIL')) ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
