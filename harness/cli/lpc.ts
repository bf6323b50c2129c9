/**
 * `lpc`: the live-pusher-conformance command line (docs/reports.md). Exit codes: 0 no FAIL (and, with a
 * baseline, nothing unexpected or stale), 1 failures, 2 usage errors (one line on stderr), 130 interrupted.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ReportError, runFailures } from '../../reports/index.js';
import { integer as atLeast, campaignCommand, positive } from '../campaign/campaign-command.js';
import { CAMPAIGN_DEFAULTS, CampaignOptionError, FAULT_KINDS } from '../campaign/campaign-options.js';
import { CampaignMergeError } from '../campaign/campaign-result.js';
import { campaignOnlyFlag, campaignReplayCommand } from './campaign-replay.js';
import { diffCommand } from './diff-command.js';
import { liveRunCommand } from './live-command.js';
import { mergeCommand } from './merge-command.js';
import { replayCommand } from './replay-command.js';
import { DEFAULT_SUITE, loadSpecOrExplain, loadSuiteOrExplain, runCommand } from './run-command.js';
import { terminalText } from './terminal-text.js';
import { UsageError } from './usage-error.js';

const integer = (name: string) => (value: string) => {
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`${name} must be an integer (got "${value}")`);
  return Number(value);
};

const stdout = (s: string) => {
  process.stdout.write(s);
};
const stderr = (s: string) => {
  process.stderr.write(s);
};

/** Exit code of the action that ran (commander actions cannot return one). */
let actionExitCode = 0;

export function buildProgram(): Command {
  const program = new Command('lpc')
    .description('Deterministic conformance suite for <live-pusher> style RTMP pushers')
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ writeErr: stderr, writeOut: stdout });

  program
    .command('list')
    .description('list the cases and requirements (IDs and levels)')
    .option('--suite <dir>', 'suite folder', DEFAULT_SUITE)
    .option('--spec <file>', 'spec document (default docs/spec.md)')
    .action((opts: { suite: string; spec?: string }) => {
      for (const c of loadSuiteOrExplain(opts.suite))
        stdout(`case ${c.id}  [${c.requirements.join(', ')}]  ${c.title}\n`);
      for (const r of loadSpecOrExplain(opts.spec).spec)
        stdout(`requirement ${r.id}  ${r.level}  ${r.title}\n`);
    });

  program
    .command('run')
    .description('run the suite (or some cases) against a pusher and write the reports')
    .option('--pusher <reference|module>', 'the pusher under test', 'reference')
    .option('--suite <dir>', 'suite folder', DEFAULT_SUITE)
    .option('--spec <file>', 'spec document (default docs/spec.md)')
    .option('--case <id...>', 'only these case ids')
    .option('--seed <n>', 'seed of every random choice', integer('--seed'), 1)
    .option('--runs <n>', 'repeat with seeds seed .. seed+n-1 (one report)', integer('--runs'), 1)
    .option('--profile <name>', 'behaviour profile (seed, sdk)', 'seed')
    .option('--strict', 'SHOULD failures fail the run too', false)
    .option('--shard <i/n>', 'run every n-th case, starting at the i-th (then lpc merge)')
    .option('--expected-failures <file>', 'baseline of known failures (YAML or JSON)')
    .option('--out <dir>', 'where report.json, summary.md, junit.xml and report.html go', 'reports/out')
    .option('--artifacts <dir>', 'keep each case trace (JSON Lines) and the FLV the server received')
    .option(
      '--command <cmd>',
      'a pusher in another process (adapter protocol); runs the live-capable cases live',
    )
    .action(async (opts) => {
      if (opts.command !== undefined) {
        actionExitCode = await liveRunCommand(opts);
        return;
      }
      const { report, exitCode } = await runCommand(opts);
      const s = report.summary;
      stdout(
        `${terminalText(report.pusher.name)}: ${s.cases} case runs${report.partial ? ' (partial)' : ''}, requirements PASS ${s.requirements.PASS}, FAIL ${s.requirements.FAIL}, NON-STRICT ${s.requirements['NON-STRICT']}, INDETERMINATE ${s.requirements.INDETERMINATE}, UNSUPPORTED ${s.requirements.UNSUPPORTED}, INFORMATIONAL ${s.requirements.INFORMATIONAL}; MUST failures: ${s.mustFailures}. Reports in ${opts.out}/\n`,
      );
      printFailures(runFailures(report));
      actionExitCode = exitCode;
    });

  program
    .command('replay')
    .description(
      're-run one suite case (from a report, or by --seed and --case) or one campaign run (--seed, --path); print its verdicts',
    )
    .usage(
      '<result.json> <caseId> | --seed N --case ID [options] | --seed N --path P [--case ID] [campaign options]',
    )
    .argument('[result.json]', 'a report.json to replay from')
    .argument('[caseId]', 'the case to replay')
    .option(
      '--seed <n>',
      'seed (required without a report; picks the run of a --runs report; the campaign seed with --path)',
      integer('--seed'),
    )
    .option(
      '--case <id>',
      'case id (without a report); with --path the generated case id regression/campaign-<seed>-<run>, checked',
    )
    .option('--pusher <reference|module>', 'the pusher (default: the report’s, else reference)')
    .option('--profile <name>', 'behaviour profile (default: the report’s, else seed)')
    .option('--suite <dir>', 'suite folder (default: the report’s, else scenarios/suite)')
    .option('--spec <file>', 'spec document (default: the report’s, else docs/spec.md)')
    .option('--path <path>', 'campaign replay: fast-check path of the run or shrunk failure (run:step:...)')
    .option('--baseline <reference|module>', 'campaign replay: the differential baseline pusher')
    .option(
      '--duration-seconds <s>',
      `campaign replay: virtual length of the case (default ${CAMPAIGN_DEFAULTS.durationMs / 1000})`,
      positive('--duration-seconds'),
    )
    .option('--strict', 'campaign replay: NON-STRICT fails the case too')
    .option('--validate', 'campaign replay: run ffprobe on the capture')
    .option(
      '--max-shrinks <n>',
      `campaign replay: the campaign's --max-shrinks (default ${CAMPAIGN_DEFAULTS.maxShrinks}; shapes shrink paths)`,
      atLeast('--max-shrinks', 0),
    )
    .addOption(
      new Option('--schedule <kind>', 'campaign replay: model or random schedules (default model)').choices([
        'model',
        'random',
      ]),
    )
    .option(
      '--max-commands <n>',
      `campaign replay: commands per case (default ${CAMPAIGN_DEFAULTS.maxCommands})`,
      atLeast('--max-commands', 0),
    )
    .option('--without <kinds>', `campaign replay: fault kinds left out (${FAULT_KINDS.join(', ')})`)
    .option('--focus <requirements>', 'campaign replay: only these requirements fail the case')
    .action(async (file: string | undefined, caseArg: string | undefined, opts) => {
      if (opts.path !== undefined) {
        actionExitCode = await campaignReplayCommand(opts, [file, caseArg], (line) => stdout(`${line}\n`));
        return;
      }
      const campaignOnly = campaignOnlyFlag(opts);
      if (campaignOnly !== undefined)
        throw new UsageError(`replay: ${campaignOnly} applies to a campaign replay only (with --path P)`);
      if (file !== undefined && caseArg !== undefined && opts.case !== undefined && opts.case !== caseArg)
        throw new UsageError(`replay: two different cases given (${caseArg} and --case ${opts.case})`);
      actionExitCode = await replayCommand(
        {
          report: file,
          caseId: caseArg ?? opts.case,
          seed: opts.seed,
          pusher: opts.pusher,
          profile: opts.profile,
          suite: opts.suite,
          spec: opts.spec,
        },
        stdout,
      );
    });

  program
    .command('diff')
    .description('compare two reports: regressions, fixes, new and removed cases and requirements')
    .argument('<old.json>')
    .argument('<new.json>')
    .option('--json', 'print the diff as JSON', false)
    .action((oldFile: string, newFile: string, opts: { json: boolean }) => {
      actionExitCode = diffCommand(oldFile, newFile, opts, stdout);
    });

  program
    .command('merge')
    .description('one report (all formats) from the shards of one run')
    .argument('<shard.json...>')
    .option('--out <dir>', 'where the merged reports go', 'reports/out')
    .option('--expected-failures <file>', 'judge the merged run against this baseline')
    .action((files: string[], opts: { out: string; expectedFailures?: string }) => {
      const { report, exitCode } = mergeCommand(files, opts, stderr);
      stdout(
        `merged ${files.length} shard(s): ${report.summary.cases} case runs${report.partial ? ' (partial)' : ''}, MUST failures: ${report.summary.mustFailures}. Reports in ${opts.out}/\n`,
      );
      printFailures(runFailures(report));
      actionExitCode = exitCode;
    });
  program.addCommand(
    campaignCommand('campaign', (code) => {
      actionExitCode = code;
    }),
  );
  return program;
}

function printFailures(failures: string[]): void {
  for (const f of failures.slice(0, 20)) stderr(`  ${terminalText(f)}\n`);
  if (failures.length > 20) stderr(`  ... and ${failures.length - 20} more (see summary.md)\n`);
}

/** Run the CLI on `argv` (without node and script) and return the exit code; never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  actionExitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return actionExitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      // commander has printed its one-line reason already.
      return 2;
    }
    if (
      e instanceof UsageError ||
      e instanceof ReportError ||
      e instanceof CampaignOptionError ||
      e instanceof CampaignMergeError
    ) {
      stderr(`lpc: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    const err = e as Error & { code?: string };
    if (err.code === 'INVALID_CASE' || err.name === 'SpecError') {
      stderr(`lpc: ${err.message.split('\n')[0]}\n`);
      return 2;
    }
    throw e;
  }
}
