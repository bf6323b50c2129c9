import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import t from 'tap';
import { runCommand } from '../../harness/cli/run-command.js';
import { FIXTURE_SPEC, FIXTURE_SUITE, ROOT, tempDir } from '../cli/helpers/run-lpc.js';
import { XSS_PAYLOAD } from './fixtures/xss-payload.js';

/**
 * report.html in a real headless Chromium (Debian `chromium`, driven by playwright-core; installed by
 * scripts/ci-setup.sh). The report comes from a real run of a pusher that puts an XSS payload in its
 * identity and every event message. Skipped with a reason when Chromium is absent, except under CI.
 */
const CHROMIUM = process.env.LPC_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'reports', 'out', 'report-screenshot.png');
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

if (!existsSync(CHROMIUM)) {
  if (ci) {
    t.fail(`Chromium is missing at ${CHROMIUM} under CI: scripts/ci-setup.sh should have installed it`);
  } else {
    t.test(
      'report.html in headless Chromium',
      { skip: `Chromium is not installed at ${CHROMIUM} (run scripts/ci-setup.sh, or set LPC_CHROMIUM)` },
      () => {},
    );
  }
} else {
  const out = tempDir('html');
  await runCommand({
    pusher: 'test/reports/fixtures/xss-pusher.ts',
    suite: FIXTURE_SUITE,
    spec: FIXTURE_SPEC,
    seed: 5,
    profile: 'seed',
    strict: false,
    out,
    quiet: true,
  });
  const profile = mkdtempSync(join(tmpdir(), 'lpc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  t.teardown(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const reportUrl = pathToFileURL(join(out, 'report.html')).href;
  await page.goto(reportUrl);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 30_000 });

  t.test('the page loads with no console error and requests nothing from the network', async (t) => {
    t.same(problems, []);
    t.same(requests, []);
  });

  t.test('the charts render: one uPlot canvas per case, with a non-zero size', async (t) => {
    const canvases = await page.$$eval('.chart canvas', (cs) =>
      cs.map((c) => {
        const r = c.getBoundingClientRect();
        return { width: Math.round(r.width), height: Math.round(r.height) };
      }),
    );
    t.equal(canvases.length, 2);
    for (const c of canvases) t.ok(c.width > 100 && c.height > 100, `canvas ${c.width}x${c.height}`);
    const shaded = await page.$$eval('svg.timeline rect.wi', (rs) => rs.length);
    t.equal(shaded, 1, 'the waiting-image window is drawn on the timeline');
  });

  t.test('the matrix filters by verdict, level, area and text', async (t) => {
    const visible = () =>
      page.$$eval('#matrix-table tbody tr', (rows) =>
        rows
          .filter((r) => !(r as unknown as { hidden: boolean }).hidden)
          .map((r) => r.querySelector('code')?.textContent),
      );
    t.equal((await visible()).length, 6);
    await page.selectOption('#f-verdict', 'INDETERMINATE');
    t.same(await visible(), ['bitrate/stability/1']);
    t.equal(await page.textContent('#f-count'), '1 of 6 requirements');
    await page.selectOption('#f-verdict', '');
    await page.selectOption('#f-level', 'SHOULD');
    t.same(await visible(), ['wire/handshake/2']);
    await page.selectOption('#f-level', '');
    await page.selectOption('#f-area', 'stream');
    t.same(await visible(), ['stream/codec/1', 'stream/timestamps/1']);
    await page.selectOption('#f-area', '');
    await page.fill('#f-text', 'handshake');
    t.same(await visible(), ['wire/handshake/2', 'wire/handshake/3']);
    await page.fill('#f-text', '');
  });

  t.test('an XSS attempt in the pusher identity and event messages renders as text', async (t) => {
    t.equal(await page.evaluate(() => (globalThis as { __lpcXss?: number }).__lpcXss), undefined);
    t.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'no injected element');
    t.match(await page.textContent('h1'), XSS_PAYLOAD);
    const labels = await page.$$eval('.event-table td.label', (tds) => tds.map((td) => td.textContent ?? ''));
    t.ok(
      labels.some((l) => l.startsWith('1001 ') && l.endsWith(XSS_PAYLOAD)),
      'the 1001 message shows the payload as text',
    );
  });

  t.test('a screenshot is kept as a test artefact', async (t) => {
    mkdirSync(join(ROOT, 'reports', 'out'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    t.ok(existsSync(SCREENSHOT), SCREENSHOT);
  });
}
