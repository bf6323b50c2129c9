import { spawnSync } from 'node:child_process';
import t from 'tap';
import { splitCommand } from '../../harness/cli/live-command.js';

t.test('a command line splits into words, quotes grouping', async (t) => {
  t.same(splitCommand(`node --import tsx "my pusher.ts" 'a b' c`), [
    'node',
    '--import',
    'tsx',
    'my pusher.ts',
    'a b',
    'c',
  ]);
  t.same(splitCommand('   '), []);
});

t.test('lpc run --command "" is a usage error with a one-line reason', async (t) => {
  const r = spawnSync(
    process.execPath,
    ['bin/lpc.mjs', 'run', '--command', '', '--out', 'reports/out/command-test'],
    { encoding: 'utf8' },
  );
  t.equal(r.status, 2);
  t.match(r.stderr.trim(), /^lpc: --command "": expected a command line/);
  t.equal(r.stderr.trim().split('\n').length, 1);
});
