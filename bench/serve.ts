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
 * Each case prints the throughput ratio (median of the pairs, with their range: on a shared
 * 2-core machine the spread between identical runs is often wider than 5 %), and a bound that
 * does not depend on that noise: the time the server spent working (wall-clock, so at least its CPU
 * time) plus the page process's CPU time, per second of training, over the cores the training keeps
 * busy. The verdict is that bound against the 5 %.
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
let mark = { user: 0, system: 0 }, marked = 0;
process.on('message', (m) => {
  if (m === 'mark') { mark = process.cpuUsage(); marked = updates; process.send('marked'); return; }
  const c = process.cpuUsage(mark); process.send({ updates: updates - marked, cpuMs: (c.user + c.system) / 1000 }); process.exit(0);
});
`;

interface Page {
  readonly child: ChildProcess;
  /** Starts counting the page's CPU time and updates from now. */
  mark(): Promise<void>;
  stop(): Promise<{ updates: number; cpuMs: number }>;
}

function openPage(url: string): Page {
  const child = spawn(process.execPath, ['-e', PAGE, url], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return {
    child,
    mark: () => new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send('mark');
    }),
    stop: () =>
      new Promise<{ updates: number; cpuMs: number }>((resolve) => {
        child.once('message', (m) => resolve(m as { updates: number; cpuMs: number }));
        child.send('stop');
      }),
  };
}

interface Cost {
  /** Updates the page received (0 without a server). */
  readonly updates: number;
  /** The server's busy time per second of the work (ms/s: 10 = 1 % of one core). */
  readonly serverMsPerS: number;
  /** The page process's CPU time per second of the work (ms/s), from when the work starts. */
  readonly pageMsPerS: number;
}

interface Measured extends Cost {
  readonly stepsPerSecond: number;
}

const NO_COST: Cost = { updates: 0, serverMsPerS: 0, pageMsPerS: 0 };

async function withServer<T>(serve: boolean, body: (server: LiveServer | undefined) => Promise<T>): Promise<{ value: T } & Cost> {
  if (!serve) return { value: await body(undefined), ...NO_COST };
  const server = await startLiveServer({ port: 0 });
  const page = openPage(server.url);
  try {
    // The page is connected before the work starts, as a user would open it.
    const t0 = Date.now();
    while (server.clients().length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
    await page.mark();
    const busy0 = server.busyMs();
    const w0 = performance.now();
    const value = await body(server);
    const seconds = (performance.now() - w0) / 1000;
    const serverMs = server.busyMs() - busy0;
    server.tick();
    await new Promise((r) => setTimeout(r, 100));
    const p = await page.stop();
    return { value, updates: p.updates, serverMsPerS: serverMs / seconds, pageMsPerS: p.cpuMs / seconds };
  } finally {
    if (page.child.exitCode === null) page.child.kill();
    await server.close();
  }
}

async function compareCase(serve: boolean, steps: number, backend: BackendName): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-bench-serve-'));
  try {
    const rates: number[] = [];
    const { value: _done, ...cost } = await withServer(serve, (server) =>
      compare({
        env: 'CartPole-v1', estimators: ['reinforce-optimal', 'reinforce'], seeds: 2, steps, numEnvs: 16,
        agent: { hidden: [64], learningRate: 0.01, optimizer: 'adam', credit: 'segment', gamma: 0.99, batchSize: 256 }, out, workers: 2, backend,
        onEvent: (e) => {
          if (e.type === 'start') server?.show(e.dir);
          if (e.type === 'run') rates.push(e.summary.stepsPerSecond);
        },
      }),
    );
    return { stepsPerSecond: 2 * (rates.reduce((a, b) => a + b, 0) / rates.length), ...cost };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function trainCase(serve: boolean, steps: number, backend: BackendName): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-bench-serve-'));
  const name = 'CartPole-v1__reinforce-optimal__1__0';
  const dir = join(out, name); // a fresh parent: no -2 suffix
  try {
    const { value, ...cost } = await withServer(serve, (server) => {
      let shown = false;
      return trainToFolder({
        parent: out, name, config: { env: 'CartPole-v1', estimator: 'reinforce-optimal', seed: 1, steps, numEnvs: 16 }, env: 'CartPole-v1', estimator: 'reinforce-optimal',
        seed: 1, steps, numEnvs: 16, agent: WORKLOAD_AGENT, backend,
        onEpisode: () => {
          if (server && !shown) {
            shown = true;
            server.show(dir);
          }
        },
      });
    });
    return { stepsPerSecond: value.stepsPerSecond, ...cost };
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
  emit('serve-header', {}, `\nlive view (--serve with a page connected, in another process) against none; interleaved pairs, median of ${Math.max(5, o.repeats)}:`);
  const pairs = Math.max(5, o.repeats);
  // cores: the cores the training keeps busy, over which the server's and the page's time is taken.
  const cases = [
    ['compare', 2, (serve: boolean) => compareCase(serve, Math.max(100_000, Math.round(o.seconds * 100_000)), backend)],
    ['train', 1, (serve: boolean) => trainCase(serve, Math.max(100_000, Math.round(o.seconds * 100_000)), backend)],
  ] as const;
  for (const [name, cores, run] of cases) {
    const off: number[] = [];
    const on: number[] = [];
    const ratios: number[] = [];
    const costs: Cost[] = [];
    for (let k = 0; k < pairs; k++) {
      const a = await run(false);
      const b = await run(true);
      off.push(a.stepsPerSecond);
      on.push(b.stepsPerSecond);
      ratios.push(b.stepsPerSecond / a.stepsPerSecond);
      costs.push(b);
    }
    const ratio = median(ratios);
    const updates = Math.min(...costs.map((c) => c.updates));
    const serverMs = median(costs.map((c) => c.serverMsPerS));
    const pageMs = median(costs.map((c) => c.pageMsPerS));
    // The most the server and the page can take from training that keeps `cores` cores busy:
    // their time (wall-clock for the server, an upper bound on its CPU time) over those cores.
    const bound = (serverMs + pageMs) / (1000 * cores);
    const met = bound <= SERVE_BUDGET;
    const spread = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
    emit(
      'serve',
      { case: name, without: median(off), with: median(on), ratio, ratios, budget: SERVE_BUDGET, costBound: bound, met, minUpdatesReceived: updates, serverMsPerSecond: serverMs, pageMsPerSecond: pageMs, cores },
      `  ${name.padEnd(7)} without ${Math.round(median(off))} steps/s, with ${Math.round(median(on))} steps/s: ratio ${ratio.toFixed(3)} (pairs ${spread}: the machine's own noise)\n` +
        `          cost: server busy ${serverMs.toFixed(1)} ms and page ${pageMs.toFixed(1)} ms per s of training, over ${cores} busy core${cores === 1 ? '' : 's'}: ` +
        `at most ${(100 * bound).toFixed(2)} % of the throughput, ${met ? 'within' : 'NOT within'} ${SERVE_BUDGET * 100} %; the page got ≥ ${updates} updates per run`,
    );
  }
}
