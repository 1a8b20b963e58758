/**
 * `npm run bench` (also `rewardcast bench`): throughput of the whole training loop against the
 * PyTorch + Gymnasium reference, printed as ratios.
 *
 * Reference: env steps per second of Gymnasium's vectorised CartPole-v1 plus PyTorch 1.13 with the
 * same network, estimator and update schedule, two threads, on this 2-core machine kind: the
 * issue's figures, and, when a Python with torch is found (Debian's `python3-torch`), the same
 * workload measured here by `bench/reference/pytorch_cartpole.py`. Machines of one kind differ by
 * up to 2× in speed, so the ratio uses the reference measured here whenever there is one. Target:
 * 3× the reference.
 *
 * Sections: the default backend at N = 1, 16, 64, 256 (median of `--repeats` runs) with 1 and 2
 * kernel threads (the agent option `threads`) and the split of time between env, act and learn;
 * every other available backend; parallel scaling of a real `compare` with 1 and 2 workers; peak
 * RSS and tensor counts of a 10⁶-step run in a fresh process.
 *
 * Flags: `--json` (one JSON line per measurement), `--seconds S` (timed seconds per run, default
 * 2), `--repeats K` (default 3), `--no-reference` (skip the PyTorch run), `--quick` (seconds 0.5,
 * repeats 1, a 10⁵-step memory run).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '../envs/index.js';
import { initBackend, type BackendName } from '../src/tensor/backend.js';
import { compare } from '../src/train/compare.js';
import { availableParallelism } from 'node:os';
import { kernelChoice } from '../src/kernels/index.js';
import { measureReference } from './reference.js';
import { runWorkload, type WorkloadResult } from './workload.js';

/** PyTorch + Gymnasium env steps per second, by N (from the throughput issue). */
export const PYTORCH_REFERENCE: Readonly<Record<number, number>> = { 1: 4971, 16: 67355, 64: 211997, 256: 493327 };
/** The speed-up the project aims for. */
export const TARGET_RATIO = 3;
/** Peak RSS budget of a 10⁶-step run, in MB. */
export const RSS_BUDGET_MB = 300;

/** Options of the benchmark command. */
export interface BenchOptions {
  /** One JSON line per measurement instead of tables. @default false */
  readonly json: boolean;
  /** Timed seconds per run. @default 2 */
  readonly seconds: number;
  /** Runs per N on the default backend; the median is reported. @default 3 */
  readonly repeats: number;
  /** Env steps of the memory run. @default 1000000 */
  readonly memorySteps: number;
  /** Measure the PyTorch reference on this machine too, when a Python with torch is found. @default true */
  readonly reference: boolean;
}

/** Defaults of {@link BenchOptions}. */
export const BENCH_DEFAULTS: BenchOptions = { json: false, seconds: 2, repeats: 3, memorySteps: 1_000_000, reference: true };

const Ns = [1, 16, 64, 256];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`.padStart(4);
}

/**
 * Throughput of a real `compare` (the worker pool) over a fixed grid: 2 estimators × 2 seeds ×
 * `steps` CartPole steps. Returns the steady-state rate (each run's own env steps per second,
 * which leaves out worker start-up, averaged over runs and multiplied by the number of workers
 * running at once) and the wall-clock rate from the first run's start to the last run's end.
 */
async function compareThroughput(workers: number, steps: number, backend: BackendName): Promise<{ steady: number; wall: number }> {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-bench-'));
  let t0 = 0;
  let t1 = 0;
  const rates: number[] = [];
  try {
    await compare({
      env: 'CartPole-v1',
      estimators: ['reinforce-optimal', 'reinforce'],
      seeds: 2,
      steps,
      numEnvs: 16,
      agent: { hidden: [64], learningRate: 0.01, optimizer: 'adam', credit: 'segment', gamma: 0.99, batchSize: 256 },
      out,
      workers,
      backend,
      onEvent: (e) => {
        if (e.type === 'start') t0 = performance.now();
        if (e.type === 'run') {
          t1 = performance.now();
          rates.push(e.summary.stepsPerSecond);
        }
      },
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { steady: workers * (rates.reduce((a, b) => a + b, 0) / rates.length), wall: (4 * steps) / ((t1 - t0) / 1000) };
}

/**
 * The machine's own ceiling for two threads: a pure-compute loop (logistic of a 256 KB array) in 1
 * and then 2 worker threads, as iterations per second summed over threads.
 */
async function computeScaling(seconds: number): Promise<number> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
const a = new Float32Array(1 << 16).map((_, i) => Math.sin(i)); let s = 0, n = 0; const t0 = performance.now();
while (performance.now() - t0 < workerData) { for (let k = 0; k < a.length; k++) s += 1 / (1 + Math.exp(-a[k])); n++; }
parentPort.postMessage(n + (s > 0 ? 0 : 0));`;
  const run = async (k: number): Promise<number> =>
    (
      await Promise.all(
        Array.from(
          { length: k },
          () =>
            new Promise<number>((resolve, reject) => {
              const w = new Worker(code, { eval: true, workerData: seconds * 1000 });
              w.once('message', (m: number) => {
                resolve(m);
                void w.terminate();
              });
              w.once('error', reject);
            }),
        ),
      )
    ).reduce((x, y) => x + y, 0);
  const one = await run(1);
  return (await run(2)) / one;
}

/** Runs every section and prints it. */
export async function runBench(options: Partial<BenchOptions> = {}, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const o = { ...BENCH_DEFAULTS, ...options };
  const choice = await initBackend(undefined, () => {});
  const emit = (kind: string, data: object, text: string): void => print(o.json ? JSON.stringify({ kind, ...data }) : text);
  const threads = Math.min(2, availableParallelism());
  const reference = o.reference ? await measureReference(Ns, o.seconds) : ({ kind: 'unavailable', reason: 'skipped (--no-reference)' } as const);
  const here = reference.kind === 'measured' ? reference.stepsPerSecond : undefined;
  const kernels = kernelChoice();
  if (o.json) emit('setup', { backend: choice.name, backendReason: choice.reason, kernels: kernels.name, kernelsReason: kernels.reason, threads }, '');
  if (o.json) {
    const { kind: status, ...rest } = reference;
    emit('reference', { status, ...rest }, '');
  }
  if (!o.json) {
    print(`rewardcast bench — workload: CartPole-v1, 4 → 64 binary → 1 Bernoulli, reinforce-optimal, segments of 32, γ = 0.99`);
    print(`default backend: ${choice.name} (${choice.reason}); acting kernels: ${kernels.name} (${kernels.reason})`);
    print(`median of ${o.repeats} run(s) of ${o.seconds} s after warm-up`);
    print(
      reference.kind === 'measured'
        ? `PyTorch reference measured here: ${reference.torch}, ${reference.threads} threads (bench/reference/pytorch_cartpole.py); the issue's figures for comparison`
        : `PyTorch reference not measured here (${reference.reason}); ratios are to the issue's figures`,
    );
    print(`ratio = the faster of rewardcast with 1 and ${threads} thread(s) / PyTorch${here ? ' measured here' : ' (issue)'}; target ${TARGET_RATIO}×; split of the faster\n`);
    print('    N  1 thread  2 threads  PyTorch here  PyTorch issue   ratio        target  vs issue    env   act  learn  updates');
  }
  const bestThreadsByN = new Map<number, number>();
  for (const n of Ns) {
    const measure = (t: number): { sps: number; r: WorkloadResult; runs: number[] } => {
      const runs = Array.from({ length: o.repeats }, () => runWorkload(n, o.seconds, 0.5, 0, 1, t));
      const sps = median(runs.map((x) => x.stepsPerSecond));
      return { sps, r: runs.find((x) => x.stepsPerSecond === sps) ?? runs[0]!, runs: runs.map((x) => x.stepsPerSecond) };
    };
    const single = measure(1);
    const multi = threads > 1 ? measure(threads) : single;
    const best = multi.sps > single.sps ? multi : single;
    const bestThreads = best === multi ? threads : 1;
    bestThreadsByN.set(n, bestThreads);
    const r = best.r;
    const refHere = here?.[n];
    const ref = refHere ?? PYTORCH_REFERENCE[n]!;
    const ratio = best.sps / ref;
    emit(
      'throughput',
      {
        numEnvs: n,
        backend: r.backend,
        threads: bestThreads,
        stepsPerSecond: best.sps,
        oneThread: single.sps,
        twoThreads: threads > 1 ? multi.sps : null,
        runs: best.runs,
        runsOneThread: single.runs,
        pytorchHere: refHere ?? null,
        pytorchIssue: PYTORCH_REFERENCE[n],
        ratio,
        ratioToIssue: best.sps / PYTORCH_REFERENCE[n]!,
        target: TARGET_RATIO,
        envShare: r.envShare,
        actShare: r.actShare,
        learnShare: r.learnShare,
        updates: r.updates,
      },
      `${String(n).padStart(5)} ${Math.round(single.sps).toString().padStart(9)} ${(threads > 1 ? Math.round(multi.sps).toString() : '-').padStart(10)} ${(refHere ? Math.round(refHere).toString() : '-').padStart(13)} ${String(PYTORCH_REFERENCE[n]).padStart(14)} ${ratio.toFixed(2).padStart(6)}× ${(ratio >= TARGET_RATIO ? 'met' : `missed by ${(TARGET_RATIO / ratio).toFixed(1)}×`).padStart(13)} ${(best.sps / PYTORCH_REFERENCE[n]!).toFixed(2).padStart(8)}×  ${pct(r.envShare)}  ${pct(r.actShare)}  ${pct(r.learnShare)}  ${String(r.updates).padStart(7)}`,
    );
  }
  const others = (['tensorflow', 'wasm', 'cpu'] as const).filter((b) => b !== choice.name);
  if (!o.json) print(`\nother backends (one run each, the faster thread count of each N above; ratio to PyTorch${here ? ' measured here' : ' (issue)'}):`);
  for (const b of others) {
    try {
      await initBackend(b, () => {});
    } catch (e) {
      emit('backend', { backend: b, available: false, reason: (e as Error).message }, `  ${b}: not available (${(e as Error).message.slice(0, 100)})`);
      continue;
    }
    const line: string[] = [];
    const values: Record<number, number> = {};
    for (const n of Ns) {
      const r = runWorkload(n, Math.min(o.seconds, 1), 0.5, 0, 1, bestThreadsByN.get(n) ?? 1);
      values[n] = r.stepsPerSecond;
      line.push(`N=${n}: ${Math.round(r.stepsPerSecond)} (${(r.stepsPerSecond / (here?.[n] ?? PYTORCH_REFERENCE[n]!)).toFixed(2)}×)`);
    }
    emit('backend', { backend: b, available: true, stepsPerSecond: values }, `  ${b}: ${line.join(', ')}`);
  }
  await initBackend(choice.name, () => {});

  if (!o.json) print('\nparallel scaling (rewardcast compare, 2 estimators × 2 seeds, N = 16, segments of 32):');
  // Runs of several seconds, as in a real comparison: a run's first second also keeps the other
  // core busy (V8 compiles the hot code and collects garbage on helper threads), so short runs
  // understate what two workers gain.
  const scaleSteps = Math.max(200_000, Math.round(o.seconds * 400_000));
  const one: { steady: number; wall: number }[] = [];
  const two: { steady: number; wall: number }[] = [];
  for (let k = 0; k < o.repeats; k++) {
    one.push(await compareThroughput(1, scaleSteps, choice.name));
    two.push(await compareThroughput(2, scaleSteps, choice.name));
  }
  const s1 = median(one.map((r) => r.steady));
  const s2 = median(two.map((r) => r.steady));
  const w1 = median(one.map((r) => r.wall));
  const w2 = median(two.map((r) => r.wall));
  emit(
    'workers',
    { oneWorker: s1, twoWorkers: s2, speedup: s2 / s1, wallOneWorker: w1, wallTwoWorkers: w2, wallSpeedup: w2 / w1, stepsPerRun: scaleSteps, runs: { one, two } },
    `  steady state: 1 worker ${Math.round(s1)} steps/s, 2 workers ${Math.round(s2)} steps/s, speed-up ${(s2 / s1).toFixed(2)}× (ideal 2×; medians of ${o.repeats})\n` +
      `  wall clock of the grid (with worker start-up): ${Math.round(w1)} vs ${Math.round(w2)} steps/s, ${(w2 / w1).toFixed(2)}×`,
  );
  const ceiling = await computeScaling(Math.min(o.seconds, 2));
  emit('workers-ceiling', { speedup: ceiling }, `  control: a pure-compute loop in 1 vs 2 threads speeds up ${ceiling.toFixed(2)}× on this machine`);

  if (!o.json) print(`\nmemory (a ${o.memorySteps.toLocaleString('en')}-step run in a fresh process, N = 64):`);
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./memory.js', import.meta.url)), String(o.memorySteps), '64', choice.name], { encoding: 'utf8' });
  if (child.status !== 0) {
    emit('memory', { ok: false, stderr: child.stderr }, `  memory run failed: ${child.stderr.trim().split('\n').pop()}`);
  } else {
    const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakRssMB: number; tensors: [number, number]; envSteps: number };
    emit(
      'memory',
      { ok: true, ...m, budgetMB: RSS_BUDGET_MB, rssRatio: m.peakRssMB / RSS_BUDGET_MB },
      `  peak RSS ${m.peakRssMB.toFixed(0)} MB of a ${RSS_BUDGET_MB} MB budget (ratio ${(m.peakRssMB / RSS_BUDGET_MB).toFixed(2)}); tensors after warm-up ${m.tensors[0]}, at the end ${m.tensors[1]} (${m.tensors[0] === m.tensors[1] ? 'flat' : 'NOT flat'})`,
    );
  }
  void tf;
}

/** Parses the command-line flags of the benchmark. */
export function parseBenchArgs(argv: readonly string[]): Partial<BenchOptions> {
  const out: { -readonly [K in keyof BenchOptions]?: BenchOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (name: string): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a number > 0, got ${JSON.stringify(argv[i])}`);
      return v;
    };
    if (a === '--json') out.json = true;
    else if (a === '--seconds') out.seconds = num('--seconds');
    else if (a === '--repeats') out.repeats = Math.round(num('--repeats'));
    else if (a === '--memory-steps') out.memorySteps = Math.round(num('--memory-steps'));
    else if (a === '--no-reference') out.reference = false;
    else if (a === '--quick') Object.assign(out, { seconds: 0.5, repeats: 1, memorySteps: 100_000 });
    else throw new RangeError(`bench: unknown flag ${JSON.stringify(a)} (flags: --json, --seconds S, --repeats K, --memory-steps N, --no-reference, --quick)`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await runBench(parseBenchArgs(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
