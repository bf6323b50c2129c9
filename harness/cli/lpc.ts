/**
 * `lpc`: the live-pusher-conformance command line. Exit codes: 0 no FAIL, 1 failures, 2 usage errors.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadSpec, loadSuite } from '../runner/run-suite.js';
import { runCommand } from './run-command.js';
import { UsageError } from './usage-error.js';

const integer = (name: string) => (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer (got "${value}")`);
  return Number(value);
};

export function buildProgram(): Command {
  const program = new Command('lpc')
    .description('Deterministic conformance suite for <live-pusher> style RTMP pushers')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('list')
    .description('list the cases and requirements (IDs and levels)')
    .option('--suite <dir>', 'suite folder', 'scenarios/suite')
    .action((opts: { suite: string }) => {
      for (const c of loadSuite(opts.suite))
        process.stdout.write(`case ${c.id}  [${c.requirements.join(', ')}]  ${c.title}\n`);
      for (const r of loadSpec()) process.stdout.write(`requirement ${r.id}  ${r.level}  ${r.title}\n`);
    });

  program
    .command('run')
    .description('run the suite (or some cases) against a pusher and write the reports')
    .option('--pusher <reference|module>', 'the pusher under test', 'reference')
    .option('--suite <dir>', 'suite folder', 'scenarios/suite')
    .option('--case <id...>', 'only these case ids')
    .option('--seed <n>', 'seed of every random choice', integer('--seed'), 1)
    .option('--profile <name>', 'behaviour profile (seed, sdk)', 'seed')
    .option('--strict', 'SHOULD failures fail the run too', false)
    .option('--shard <i/n>', 'run every n-th case, starting at the i-th')
    .option('--out <dir>', 'where report.json and summary.md go', 'reports/out')
    .option('--artifacts <dir>', 'keep each case trace (JSON Lines) and the FLV the server received')
    .action(async (opts) => {
      const { report, exitCode } = await runCommand(opts);
      const s = report.summary;
      process.stdout.write(
        `${report.pusher.name}: ${s.cases} cases, requirements PASS ${s.requirements.PASS}, FAIL ${s.requirements.FAIL}, NON-STRICT ${s.requirements['NON-STRICT']}, INDETERMINATE ${s.requirements.INDETERMINATE}, UNSUPPORTED ${s.requirements.UNSUPPORTED}, INFORMATIONAL ${s.requirements.INFORMATIONAL}; MUST failures: ${s.mustFailures}. Reports in ${opts.out}/\n`,
      );
      process.exitCode = exitCode;
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`lpc: ${e.message}\n`);
      return 2;
    }
    const err = e as Error & { code?: string };
    if (err.code === 'INVALID_CASE' || err.name === 'SpecError') {
      process.stderr.write(`lpc: ${err.message}\n`);
      return 2;
    }
    throw e;
  }
}
