/**
 * The live view in a real browser: Debian's Chromium, driven by playwright-core (which downloads
 * no browser). A short `compare --serve` runs in a child process; the page must draw growing
 * curves while the runs progress, show every run finished, and end with the statistics of
 * `stats.json`. A screenshot is saved under the OS temp folder and its path printed.
 *
 * Without /usr/bin/chromium the test is skipped with a message, except under CI=true, where it
 * fails (`.ci/run` installs chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CompareStats } from '../../src/train/report.js';

const CHROMIUM = '/usr/bin/chromium';
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ARTEFACTS = join(tmpdir(), 'rewardcast-test-artefacts');
const present = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface State {
  phase: string;
  totals: { runsDone: number; runs: number };
  runs: { status: string }[];
}

const live = (page: Page) => page.evaluate(() => {
  const w = globalThis as unknown as { rewardcastLive?: { state: State | null; markItems(): Record<string, number> } };
  const s = w.rewardcastLive?.state ?? null;
  return { state: s, marks: w.rewardcastLive?.markItems() ?? {} };
});

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) assert.unreachable(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Numbers in a cell such as "38.57 [27.9, 43.95]" or "1.00 [0.75, 1.00]". */
const numbers = (cell: string): number[] => (cell.match(/-?\d+(\.\d+)?(e[+-]?\d+)?/g) ?? []).map(Number);
const close4 = (shown: number, exact: number | null, what: string): void => {
  assert.ok(exact !== null, `${what}: stats.json has a value`);
  assert.ok(Math.abs(shown - exact!) <= 5e-4 * Math.max(1, Math.abs(exact!)), `${what}: page shows ${shown}, stats.json has ${exact}`);
};

if (!present && !inCi) {
  test.skip(`live view in Chromium: skipped, ${CHROMIUM} is missing (apt-get install -y chromium; CI installs it and runs this test)`, () => {});
  console.log(`browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
} else {
  test('live view in Chromium: curves grow while compare --serve runs, every run finishes, the statistics are those of stats.json', async () => {
    assert.ok(present, `${CHROMIUM} is missing; CI=true requires it (.ci/run installs Debian's chromium)`);
    const out = mkdtempSync(join(tmpdir(), 'rewardcast-browser-'));
    const profile = mkdtempSync(join(tmpdir(), 'rewardcast-chromium-profile-'));
    const port = await freePort();
    let child: ChildProcess | undefined;
    let context: BrowserContext | undefined;
    let stderr = '';
    try {
      child = spawn(
        process.execPath,
        [MAIN, 'compare', '--env', 'CartPole-v1', '--estimators', 'reinforce-optimal,st', '--seeds', '3', '--steps', '100000', '--workers', '2', '--out', out, '--serve', String(port)],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
      const url = `http://127.0.0.1:${port}/`;
      await until('the URL on stderr', 20_000, async () => (stderr.includes(`live view: ${url}`) ? true : undefined));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);

      // Two moments while the runs progress: the line marks must have grown between them.
      const first = await until('the first points of the curves while training', 30_000, async () => {
        const s = await live(page);
        return s.state?.phase === 'training' && (s.marks['line'] ?? 0) > 0 ? { lines: s.marks['line']!, done: s.state.totals.runsDone } : undefined;
      });
      const second = await until('more points while training', 30_000, async () => {
        const s = await live(page);
        return s.state?.phase === 'training' && (s.marks['line'] ?? 0) > first.lines ? { lines: s.marks['line']!, done: s.state.totals.runsDone } : undefined;
      });
      assert.ok(second.lines > first.lines, `line items ${first.lines} → ${second.lines}`);
      mkdirSync(ARTEFACTS, { recursive: true });
      const during = join(ARTEFACTS, 'live-view-training.png');
      await page.screenshot({ path: during, fullPage: true });
      console.log(`browser test screenshot while training: ${during}`);

      // Every run reaches "finished" in the run table, and the statistics table appears.
      await until('every run finished in the run table', 60_000, async () => {
        const statuses = await page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-status')));
        return statuses.length === 6 && statuses.every((x) => x === 'finished') ? true : undefined;
      });
      await page.waitForSelector('#stats-card:not([hidden]) #stats tbody tr', { timeout: 30_000 });
      const cells = await page.$$eval('#stats tbody tr', (trs) =>
        trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.getAttribute('data-key'), td.textContent ?? '']))),
      );
      const folder = join(out, comparisonFolder(out));
      const stats = JSON.parse(readFileSync(join(folder, 'stats.json'), 'utf8')) as CompareStats;
      assert.is(cells.length, stats.estimators.length);
      for (const [i, e] of stats.estimators.entries()) {
        const row = cells[i]!;
        assert.is(row['estimator'], e.estimator);
        assert.is(row['runs'], `${e.runs}/3`);
        const [fr, frLo, frHi] = numbers(row['finalReturn']!);
        close4(fr!, e.finalReturn.point, `${e.estimator} final return`);
        close4(frLo!, e.finalReturn.lo, `${e.estimator} final return lo`);
        close4(frHi!, e.finalReturn.hi, `${e.estimator} final return hi`);
        const [auc, aucLo, aucHi] = numbers(row['auc']!);
        close4(auc!, e.auc.point, `${e.estimator} AUC`);
        close4(aucLo!, e.auc.lo, `${e.estimator} AUC lo`);
        close4(aucHi!, e.auc.hi, `${e.estimator} AUC hi`);
        if (e.probabilityOfImprovement === null) assert.is(row['poi'], 'reference');
        else {
          const [p, lo, hi] = numbers(row['poi']!);
          const exact = [e.probabilityOfImprovement.point, e.probabilityOfImprovement.lo, e.probabilityOfImprovement.hi];
          [p, lo, hi].forEach((shown, j) => assert.ok(Math.abs(shown! - exact[j]!) <= 0.005, `${e.estimator} P(X > ref)[${j}]: page ${shown}, stats.json ${exact[j]}`));
        }
        const reached = e.stepsToThreshold!.reached;
        assert.ok(row['stepsToThreshold']!.includes(`${reached}/3`), `${e.estimator} steps to threshold ${row['stepsToThreshold']} vs ${reached}/3`);
      }
      const final = await live(page);
      assert.is(final.state!.phase, 'done');
      assert.ok((final.marks['line'] ?? 0) >= second.lines, 'the final curves are drawn');

      // Offline: every request went to the server itself; the page ran without an error.
      assert.equal(requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:')), [], 'requests outside the server');
      assert.equal(errors, [], 'page errors');

      const shot = join(ARTEFACTS, 'live-view.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`browser test screenshot: ${shot}`);

      // The work is done and the page still served; Ctrl-C stops the server cleanly.
      child.kill('SIGINT');
      assert.is(await exited, 0, `compare --serve exit code; stderr:\n${stderr}`);
      child = undefined;
    } finally {
      await context?.close();
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(out, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    }
  });
}

/** The one comparison folder inside `out`. */
function comparisonFolder(out: string): string {
  const names = readdirSync(out).filter((n) => n.includes('__compare__'));
  assert.is(names.length, 1, `one comparison folder in ${out}`);
  return names[0]!;
}

test.run();
