import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';

/**
 * The determinism rule as a check, not a promise: outside the sim kernel and live-mode code, nothing
 * reads the wall clock, global timers or unseeded randomness. Benchmarks and scripts may (they measure
 * real time); `// determinism-ok: <why>` on the line marks a reviewed exception.
 */
const root = join(import.meta.dirname, '..');
const scanned = ['src', 'harness', 'scenarios', 'reports'];
const allowedPath = (p: string) => p.startsWith('harness/sim/') || /(^|\/)live(\/|-|\.)/.test(p);
const banned = [
  /Math\.random\(/,
  /Date\.now\(/,
  /new Date\(\s*\)/,
  /performance\.now\(/,
  /process\.hrtime/,
  /(^|[^.\w])setTimeout\(/,
  /(^|[^.\w])setInterval\(/,
  /(^|[^.\w])setImmediate\(/,
];

function* walk(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

t.test('no wall clock, global timers or Math.random outside the sim kernel', async (t) => {
  const offences: string[] = [];
  let files = 0;
  for (const top of scanned) {
    for (const file of walk(join(root, top))) {
      const rel = relative(root, file);
      if (allowedPath(rel)) continue;
      files++;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line.includes('determinism-ok') || /^\s*(\/\/|\*)/.test(line)) return;
        // a method signature in an interface (e.g. an injected clock's `setTimeout(fn, ms): unknown`)
        if (/^\s*(readonly\s+)?\w+\??\(.*\)\s*:\s*[\w{(]/.test(line)) return;
        for (const re of banned) if (re.test(line)) offences.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  t.ok(files > 0, `scanned ${files} files`);
  t.same(offences, [], 'offending lines');
});
