import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './report.js';

/**
 * Runs every `bench/*.bench.ts` in its own process (a fresh heap, nothing warmed by another bench),
 * prints a table and writes reports/out/bench.json. `npm run bench -- NAME` runs the files matching NAME.
 */
const dir = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
const results: (BenchResult & { file: string })[] = [];
let failedToRun = 0;
for (const file of files) {
  process.stdout.write(`running ${file} ...\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, file)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    failedToRun++;
    process.stdout.write(
      `  FAILED (exit ${r.status}): ${(r.stderr || '').split('\n').slice(-8).join('\n  ')}\n`,
    );
  }
  for (const line of (r.stdout || '').split('\n')) {
    if (line.startsWith('BENCH ')) results.push({ ...(JSON.parse(line.slice(6)) as BenchResult), file });
  }
}
const rows = results.map((r) => [
  r.pass ? 'ok ' : 'MISS',
  r.name,
  `${r.value.toLocaleString('en-US')} ${r.unit}`,
  r.target,
]);
const widths = [4, 0, 0, 0].map((w, i) => Math.max(w, ...rows.map((row) => row[i].length)));
for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
mkdirSync(join(dir, '..', 'reports', 'out'), { recursive: true });
writeFileSync(join(dir, '..', 'reports', 'out', 'bench.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  `${results.filter((r) => r.pass).length} of ${results.length} targets met; wrote reports/out/bench.json\n`,
);
process.exitCode = failedToRun > 0 ? 1 : 0;
