import { resolve } from 'node:path';
import t from 'tap';
import { checkProtocolConformance } from '../../harness/adapter/process/index.js';
import { LiveClock } from '../../harness/live/index.js';

const root = resolve(import.meta.dirname, '../..');
const clock = new LiveClock().pusherClock();
const CHECKS = ['hello', 'bad-json', 'unknown-message', 'crash', 'hang'];

for (const [language, pusher] of [
  [
    'Python (standard library)',
    { command: 'python3', args: [resolve(root, 'clients/python/conformance_pusher.py')] },
  ],
  [
    'TypeScript (Node)',
    {
      command: process.execPath,
      args: ['--import', 'tsx', resolve(root, 'clients/node/conformance-pusher.ts')],
    },
  ],
] as const) {
  t.test(`the ${language} client passes the protocol's conformance checks`, async (t) => {
    const results = await checkProtocolConformance({ pusher: { ...pusher, args: [...pusher.args] }, clock });
    t.same(
      results.map((r) => r.check),
      CHECKS,
      'every check ran',
    );
    for (const r of results) t.ok(r.ok, `${r.check}: ${r.detail}`);
  });
}
