import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

const script = join(import.meta.dirname, '../../../scripts/build-vendor.mjs');
const bundle = join(import.meta.dirname, '../../../vendor/flv-demuxer.mjs');

t.test('build-vendor is idempotent and says what it did in one line', async (t) => {
  execFileSync(process.execPath, [script], { encoding: 'utf8' });
  const again = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  t.match(again, /^build-vendor: vendor\/flv-demuxer\.mjs is up to date \(flv\.js 1\.6\.2\)[^\n]*\n$/);
  const head = readFileSync(bundle, 'utf8').split('\n', 4);
  t.match(head[0], /^\/\/ stamp: flv\.js@1\.6\.2 build-vendor@[0-9a-f]{16}$/);
  t.ok(head.includes('const self = { navigator };'), 'self/navigator are shimmed inside the module only');
});

t.test('build-vendor fails with a clear message when flv.js is missing', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'build-vendor-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(script, join(root, 'scripts', 'build-vendor.mjs'));
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'build-vendor.mjs')], { encoding: 'utf8' });
  t.equal(run.status, 1);
  t.match(
    run.stderr,
    /Failed to bundle the flv\.js demuxer: node_modules\/flv\.js\/src\/demux\/flv-demuxer\.js not found\. Run `npm install`/,
  );
});
