/**
 * Screenshots of a live view as it forms, for the README: opens the page in Debian's Chromium
 * (playwright-core) and saves the viewport at the given seconds after the page loaded.
 *
 * Usage: `node dist/test/server/screenshot.js <url> <out-prefix> <seconds>...`
 * e.g. `node dist/test/server/screenshot.js http://127.0.0.1:8642/ docs/live-view 24`
 * writes `docs/live-view-24.png`.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, prefix, ...times] = process.argv.slice(2);
if (!url || !prefix || times.length === 0 || times.some((t) => !(Number(t) >= 0))) {
  process.stderr.write('usage: node dist/test/server/screenshot.js <url> <out-prefix> <seconds>...\n');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'rewardcast-chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  await page.goto(url);
  const t0 = Date.now();
  for (const t of times.map(Number)) {
    await page.waitForTimeout(Math.max(0, t * 1000 - (Date.now() - t0)));
    const path = `${prefix}-${t}.png`;
    await page.screenshot({ path });
    process.stderr.write(`wrote ${path}\n`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
