/**
 * `npm run bench:queue`: a 16-run comparison on the local worker pool against the same comparison
 * on 2 `rewardcast worker` processes through Redis, on this machine; and what streaming the
 * episode rows through Redis costs, batched (the default: one stream entry per 250 ms of a run)
 * and unbatched (one entry per episode, `worker --max-batch 1`).
 *
 * Needs `redis-server` on the PATH (Debian's `redis-server`); it is started on a free loopback
 * port and stopped at the end. The workers are started before the clock starts, as long-running
 * workers would be; each configuration runs the same 16 runs in a fresh output folder, so every
 * one trains from scratch. Prints wall seconds, env steps per second, and the ratio queue/local
 * (target ≥ 0.9), then the Redis cost per row measured directly (XADD + EXPIRE of one row per
 * entry against batches of 100).
 *
 * The machine is shared, so each workload runs `--repeats` rounds of local and queue (batched)
 * back to back, and the summary gives the median of the per-round ratios; unbatched streaming
 * runs in the first round only.
 *
 * Flags: `--steps N` (per CartPole run, default 100000; the bandit runs take N/10), `--repeats K`
 * (default 3), `--quick` (20000 steps, 1 round), `--json` (one JSON line per measurement).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import '../envs/index.js';
import { compare, type CompareOptions } from '../src/train/compare.js';
import { openQueueSubmitter } from '../src/queue/submit.js';
import { encodeEntry, type RowTuple } from '../src/queue/payload.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const stepsFlag = argv.indexOf('--steps');
const steps = stepsFlag >= 0 ? Number(argv[stepsFlag + 1]) : argv.includes('--quick') ? 20_000 : 100_000;
const repeatsFlag = argv.indexOf('--repeats');
const repeats = repeatsFlag >= 0 ? Number(argv[repeatsFlag + 1]) : argv.includes('--quick') ? 1 : 3;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const print = (kind: string, text: string, data: Record<string, unknown>): void => {
  process.stdout.write(json ? `${JSON.stringify({ kind, ...data })}\n` : `${text}\n`);
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`bench: ${what} not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

/** Starts `n` worker processes and waits until each takes jobs. */
async function startWorkers(url: string, n: number, extra: readonly string[]): Promise<ChildProcess[]> {
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const p = spawn(process.execPath, [MAIN, 'worker', '--queue', url, '--concurrency', '1', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    procs.push(p);
    await until(() => /takes jobs from/.test(err), 'worker');
  }
  return procs;
}

async function stopWorkers(procs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => (p.once('exit', () => resolve()), p.kill('SIGTERM')))));
}

/** The two workloads: CartPole (a row per ~40 env steps) and a bandit (a row per env step: the most rows per second rewardcast makes). */
const WORKLOADS: readonly { readonly name: string; readonly config: (out: string) => CompareOptions; readonly steps: number }[] = [
  {
    name: 'CartPole-v1',
    steps,
    config: (out) => ({ env: 'CartPole-v1', estimators: ['reinforce-optimal', 'st'], seeds: 8, steps, numEnvs: 8, agent: { hidden: [32], learningRate: 0.03, optimizer: 'adam', credit: 'episode', gamma: 0.99, batchSize: 256 }, out, workers: 2 }),
  },
  {
    name: 'BernoulliBandit-v0',
    steps: steps / 10,
    config: (out) => ({ env: 'BernoulliBandit-v0', estimators: ['reinforce', 'reinforce-optimal'], seeds: 8, steps: steps / 10, numEnvs: 1, agent: { hidden: [], learningRate: 0.05, optimizer: 'adam', credit: 'episode', gamma: 0.99, batchSize: 16 }, perEstimator: { reinforce: { head: 'categorical' }, 'reinforce-optimal': { head: 'categorical' } }, out, workers: 2 }),
  },
];

async function timed(o: CompareOptions): Promise<{ seconds: number; episodes: number }> {
  const t0 = performance.now();
  const r = await compare(o);
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 'finished') throw new Error(`bench: the comparison ended ${r.status}`);
  const episodes = r.report!.stats.estimators.reduce((a, e) => a + e.perRun.reduce((b, x) => b + x.episodes, 0), 0);
  return { seconds, episodes };
}

const root = mkdtempSync(join(tmpdir(), 'rewardcast-bench-queue-'));
const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
try {
  await until(() => listening(port), 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  const runs = 16;
  for (const w of WORKLOADS) {
    const config = w.config;
    const totalSteps = runs * w.steps;
    const ratios = new Map<string, number[]>();
    for (let round = 0; round < repeats; round++) {
      const local = await timed(config(join(root, `${w.name}-${round}-local`)));
      print('local', `${w.name}: local pool, 2 threads: ${local.seconds.toFixed(1)} s, ${Math.round(totalSteps / local.seconds)} env steps/s (${runs} runs × ${w.steps} steps, ${local.episodes} episode rows)`, {
        env: w.name,
        seconds: local.seconds,
        stepsPerSecond: totalSteps / local.seconds,
        episodes: local.episodes,
      });

      for (const [label, extra] of [
        ['batched (250 ms)', []],
        ['unbatched (1 row per entry)', ['--max-batch', '1']],
      ] as const) {
        if (round > 0 && label.startsWith('unbatched')) continue; // its cost shows in one round; it is slow on the bandit
        // A fresh queue: the same comparison's finished jobs would otherwise be replayed from their streams.
        const flush = new Redis({ host: '127.0.0.1', port });
        await flush.flushall();
        flush.disconnect();
        const workers = await startWorkers(url, 2, extra);
        try {
          const submitter = await openQueueSubmitter({ queue: url, log: () => {} });
          const q = await timed({ ...config(join(root, `${w.name}-${round}-${label.split(' ')[0]!}`)), executor: submitter });
          ratios.set(label, [...(ratios.get(label) ?? []), local.seconds / q.seconds]);
          print('queue', `${w.name}: queue, 2 worker processes, rows ${label}: ${q.seconds.toFixed(1)} s, ${Math.round(totalSteps / q.seconds)} env steps/s: ${(local.seconds / q.seconds).toFixed(2)}× the local pool (target ≥ 0.9)`, {
            env: w.name,
            rows: label,
            seconds: q.seconds,
            stepsPerSecond: totalSteps / q.seconds,
            ratioToLocal: local.seconds / q.seconds,
          });
        } finally {
          await stopWorkers(workers);
        }
      }
    }
    for (const [label, rs] of ratios) {
      print('queue-median', `${w.name}: queue with rows ${label}: median ${median(rs).toFixed(2)}× the local pool over ${rs.length} round${rs.length === 1 ? '' : 's'} (${rs.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.9)`, { env: w.name, rows: label, medianRatioToLocal: median(rs), ratios: rs });
    }
  }

  // What one row costs in Redis itself: XADD + EXPIRE per entry, one row each or 100 per entry.
  const client = new Redis({ host: '127.0.0.1', port });
  const row: RowTuple = [123456, 789, 187.0000001234, 187, 12.345];
  for (const perEntry of [1, 100]) {
    const rows = 20_000;
    const entries = rows / perEntry;
    const body = encodeEntry({ type: 'rows', attempt: 'bench', seq: 0, rows: Array.from({ length: perEntry }, () => row) });
    const t0 = performance.now();
    for (let i = 0; i < entries; i++) await client.multi().xadd('bench:rows', '*', 'e', body).expire('bench:rows', 60).exec();
    const us = ((performance.now() - t0) * 1000) / rows;
    print('redis-row-cost', `Redis round trip per row, ${perEntry} row${perEntry === 1 ? '' : 's'} per entry: ${us.toFixed(1)} µs (${(body.length / perEntry).toFixed(0)} bytes per row)`, { rowsPerEntry: perEntry, microsecondsPerRow: us, bytesPerRow: body.length / perEntry });
    await client.del('bench:rows');
  }
  client.disconnect();
} finally {
  redis.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
