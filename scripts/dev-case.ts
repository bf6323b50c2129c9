/**
 * Developer tool: run one case file against a pusher and print the timeline and verdicts.
 *   node --import tsx scripts/dev-case.ts scenarios/suite/events/x.yaml [--seed 1] [--pusher module.ts] [--kinds regex] [--all]
 * `--pusher` is a module whose default export is a PusherFactory (e.g. a broken pusher fixture).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PusherFactory } from '../harness/adapter/types.js';
import { loadCaseFile } from '../harness/runner/case-schema.js';
import { loadSpec, requirementIndex, runAndJudge } from '../harness/runner/run-suite.js';
import { referencePusherFactory } from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find(
  (a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--') && args[i - 1] !== '--all'),
);
if (!file) {
  console.error('usage: dev-case.ts <case.yaml> [--seed N] [--pusher module.ts] [--kinds regex] [--all]');
  process.exit(2);
}
const def = loadCaseFile(file);
let pusher: PusherFactory = referencePusherFactory;
const pusherModule = opt('--pusher');
if (pusherModule)
  pusher = ((await import(pathToFileURL(resolve(pusherModule)).href)) as { default: PusherFactory }).default;
const seed = Number(opt('--seed') ?? 1);
const kinds = new RegExp(
  opt('--kinds') ??
    '^(pusher\\.(event|op|crash)|server\\.|case\\.|harness|wire\\.(command|violation)|validation|device\\.(call|fault)|app\\.|net\\.(connect|connect_error|reset|close|dns\\.answer|http\\.response))',
);
const spec = loadSpec();
const { result, run } = await runAndJudge(def, {
  pusher,
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
  seed,
  requirements: requirementIndex(spec),
});
if (run) {
  for (const r of run.records) {
    if (args.includes('--all') || kinds.test(r.kind))
      console.log(
        (r.t / 1000).toFixed(1).padStart(10),
        r.kind.padEnd(22),
        JSON.stringify(r.data).slice(0, 220),
      );
  }
}
console.log(`\n${result.caseId} seed ${seed} digest ${result.digest.slice(0, 16)}`);
for (const v of result.verdicts)
  console.log(`${v.verdict.padEnd(13)} ${v.requirement.padEnd(32)} ${v.summary}`);
if (result.harnessErrors.length) console.log('HARNESS ERRORS:', result.harnessErrors);
