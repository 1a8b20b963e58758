/**
 * What the live view costs the training: env steps per second with `--serve` and a page
 * connected, against the same work without it. Issue 16's target: within 5 %.
 *
 * Two cases, each measured in interleaved pairs (off, on, off, on, …) so that the machine's drift
 * hits both alike; the ratio is the median of the pairs' ratios:
 * - `compare`: the worker pool (2 estimators × 2 seeds of CartPole-v1, N = 16, segments of 32),
 *   the server in the main thread; the rate is each run's own steps per second (without worker
 *   start-up) times the workers.
 * - `train`: one run in the main thread, where the server shares the thread with the training
 *   (the loop yields every 50 ms, and the server's poll and snapshot run then): the worst case.
 *
 * "A page connected": a separate process (as a browser is) holding `/api/events` open and reading
 * every update; the number of updates it got is printed, to show the page was really fed.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../src/tensor/backend.js';
import { compare } from '../src/train/compare.js';
import { trainToFolder } from '../src/train/run-folder.js';
import { startLiveServer, type LiveServer } from '../src/server/http.js';
import { WORKLOAD_AGENT } from './workload.js';

/** The bound on the cost of `--serve` with a page connected. */
export const SERVE_BUDGET = 0.05;

/** A page in another process: reads `/api/events` and prints how many updates it got when told to stop. */
const PAGE = `
const http = require('node:http');
let updates = 0;
const req = http.get(process.argv[1] + 'api/events', (res) => {
  res.setEncoding('utf8');
  let buf = '';
  res.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n\\n')) >= 0) { if (buf.slice(0, i).includes('event: state')) { JSON.parse(buf.slice(0, i).split('\\ndata: ')[1]); updates++; } buf = buf.slice(i + 2); } });
});
req.on('error', () => {});
process.on('message', () => { process.send(updates); process.exit(0); });
`;

interface Page {
  readonly child: ChildProcess;
  stop(): Promise<number>;
}

function openPage(url: string): Page {
  const child = spawn(process.execPath, ['-e', PAGE, url], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return {
    child,
    stop: () =>
      new Promise<number>((resolve) => {
        child.once('message', (n) => resolve(Number(n)));
        child.send('stop');
      }),
  };
}

interface Measured {
  readonly stepsPerSecond: number;
  /** Updates the page received (0 without a server). */
  readonly updates: number;
}

async function withServer<T>(serve: boolean, body: (server: LiveServer | undefined) => Promise<T>): Promise<{ value: T; updates: number }> {
  if (!serve) return { value: await body(undefined), updates: 0 };
  const server = await startLiveServer({ port: 0 });
  const page = openPage(server.url);
  try {
    const value = await body(server);
    server.tick();
    await new Promise((r) => setTimeout(r, 100));
    return { value, updates: await page.stop() };
  } finally {
    if (page.child.exitCode === null) page.child.kill();
    await server.close();
  }
}

async function compareCase(serve: boolean, steps: number, backend: BackendName): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-bench-serve-'));
  try {
    const rates: number[] = [];
    const { updates } = await withServer(serve, (server) =>
      compare({
        env: 'CartPole-v1', estimators: ['reinforce-optimal', 'reinforce'], seeds: 2, steps, numEnvs: 16, hidden: [64], lr: 0.01,
        optimizer: 'adam', credit: 'segment', gamma: 0.99, batchSize: 256, out, workers: 2, backend,
        onEvent: (e) => {
          if (e.type === 'start') server?.show(e.dir);
          if (e.type === 'run') rates.push(e.summary.stepsPerSecond);
        },
      }),
    );
    return { stepsPerSecond: 2 * (rates.reduce((a, b) => a + b, 0) / rates.length), updates };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function trainCase(serve: boolean, steps: number, backend: BackendName): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-bench-serve-'));
  const dir = join(out, 'CartPole-v1__reinforce-optimal__1__0');
  try {
    const { value, updates } = await withServer(serve, (server) => {
      let shown = false;
      return trainToFolder({
        dir, config: { env: 'CartPole-v1', estimator: 'reinforce-optimal', seed: 1, steps, numEnvs: 16 }, env: 'CartPole-v1', estimator: 'reinforce-optimal',
        seed: 1, steps, numEnvs: 16, agent: WORKLOAD_AGENT, backend,
        onEpisode: () => {
          if (server && !shown) {
            shown = true;
            server.show(dir);
          }
        },
      });
    });
    return { stepsPerSecond: value.stepsPerSecond, updates };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Measures both cases and reports them through `emit` (the bench's printer: a JSON line with
 * `--json`, else the text).
 */
export async function serveSection(
  o: { readonly seconds: number; readonly repeats: number },
  emit: (kind: string, data: object, text: string) => void,
  backend: BackendName,
): Promise<void> {
  emit('serve-header', {}, `\nlive view (--serve with a page connected, in another process) against none; interleaved pairs, median of ${Math.max(3, o.repeats)}:`);
  const pairs = Math.max(3, o.repeats);
  const cases = [
    ['compare', (serve: boolean) => compareCase(serve, Math.max(100_000, Math.round(o.seconds * 100_000)), backend)],
    ['train', (serve: boolean) => trainCase(serve, Math.max(100_000, Math.round(o.seconds * 100_000)), backend)],
  ] as const;
  for (const [name, run] of cases) {
    const off: number[] = [];
    const on: number[] = [];
    const ratios: number[] = [];
    let updates = 0;
    for (let k = 0; k < pairs; k++) {
      const a = await run(false);
      const b = await run(true);
      off.push(a.stepsPerSecond);
      on.push(b.stepsPerSecond);
      ratios.push(b.stepsPerSecond / a.stepsPerSecond);
      updates = Math.min(updates || Infinity, b.updates);
    }
    const ratio = median(ratios);
    const met = ratio >= 1 - SERVE_BUDGET;
    emit(
      'serve',
      { case: name, without: median(off), with: median(on), ratio, ratios, budget: SERVE_BUDGET, met, minUpdatesReceived: updates },
      `  ${name.padEnd(7)} without ${Math.round(median(off))} steps/s, with ${Math.round(median(on))} steps/s: ratio ${ratio.toFixed(3)} (pairs ${ratios.map((r) => r.toFixed(3)).join(', ')}); ` +
        `${met ? 'within' : 'NOT within'} ${SERVE_BUDGET * 100} %; the page got ≥ ${updates} updates per run`,
    );
  }
}
