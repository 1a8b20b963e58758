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
 * Sections: the default backend at N = 1, 16, 64, 256 (median of `--repeats` runs) on the default
 * kernel path (`f32` where it loads: one thread) and on the float64 path with 1 and 2 kernel
 * threads (the agent option `threads`), and the split of time between env, act and learn; the
 * ratio is the default path's;
 * every other available backend (`backends`); parallel scaling of a real `compare` with 1 and 2
 * workers, in steady state, on the wall clock and by CPU time with the CPU split between worker
 * threads, main thread and V8's helpers (`workers`, see `./scaling.ts`); the live server
 * (`serve`); peak RSS and tensor counts of a 10⁶-step run in a fresh process (`memory`).
 *
 * Flags: `--json` (one JSON line per measurement), `--seconds S` (timed seconds per run, default
 * 2), `--repeats K` (default 3), `--no-reference` (skip the PyTorch run), `--only SECTIONS`
 * (comma-separated: throughput, backends, workers, serve, memory), `--scaling-steps N` (env steps
 * per run of the scaling grids, default 10⁶), `--quick` (seconds 0.5, repeats 1, a 10⁵-step memory
 * run).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import '../envs/index.js';
import { initBackend, type BackendName } from '../src/tensor/backend.js';
import { availableParallelism, loadavg } from 'node:os';
import { kernelChoice, useKernels, type KernelPath } from '../src/kernels/index.js';
import { measureReference } from './reference.js';
import { runWorkload, type WorkloadResult } from './workload.js';
import { serveSection } from './serve.js';
import { formatSplit, measureGrid, quietRate, type GridMeasure } from './scaling.js';

/** PyTorch + Gymnasium env steps per second, by N (from the throughput issue). */
export const PYTORCH_REFERENCE: Readonly<Record<number, number>> = { 1: 4971, 16: 67355, 64: 211997, 256: 493327 };
/** The speed-up the project aims for. */
export const TARGET_RATIO = 3;
/** Peak RSS budget of a 10⁶-step run, in MB. */
export const RSS_BUDGET_MB = 300;
/** The steady-state speed-up of 2 `compare` workers over 1 that the project aims for. */
export const SCALING_TARGET = 1.85;
/** The sections of the bench, in order (`--only` picks some). */
export const BENCH_SECTIONS = ['throughput', 'backends', 'workers', 'serve', 'memory'] as const;
/** A section of the bench. */
export type BenchSection = (typeof BENCH_SECTIONS)[number];

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
  /** The sections to run (`--only workers,memory`). @default every section */
  readonly only: readonly BenchSection[];
  /** Env steps of each run of the parallel-scaling grids. @default 1000000 */
  readonly scalingSteps: number;
}

/** Defaults of {@link BenchOptions}. */
export const BENCH_DEFAULTS: BenchOptions = { json: false, seconds: 2, repeats: 3, memorySteps: 1_000_000, reference: true, only: BENCH_SECTIONS, scalingSteps: 1_000_000 };

/** Runs per worker in the parallel-scaling grids, and how many of them are its warm-up. */
const SCALING_RUNS = 4;
const SCALING_WARMUP = 2;

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
  const run = (section: BenchSection): boolean => o.only.includes(section);
  const reference =
    o.reference && run('throughput')
      ? await measureReference(Ns, o.seconds)
      : ({ kind: 'unavailable', reason: o.reference ? 'skipped (--only without throughput)' : 'skipped (--no-reference)' } as const);
  const here = reference.kind === 'measured' ? reference.stepsPerSecond : undefined;
  const kernels = kernelChoice();
  if (o.json) emit('setup', { backend: choice.name, backendReason: choice.reason, kernels: kernels.name, kernelsReason: kernels.reason, threads }, '');
  if (o.json) {
    const { kind: status, ...rest } = reference;
    emit('reference', { status, ...rest }, '');
  }
  if (!o.json) print(`rewardcast bench — workload: CartPole-v1, 4 → 64 binary → 1 Bernoulli, reinforce-optimal, segments of 32, γ = 0.99`);
  if (!o.json) print(`default backend: ${choice.name} (${choice.reason}); acting kernels: ${kernels.name} (${kernels.reason})`);
  if (!o.json && run('throughput')) {
    print(`median of ${o.repeats} run(s) of ${o.seconds} s after warm-up`);
    print(
      reference.kind === 'measured'
        ? `PyTorch reference measured here: ${reference.torch}, ${reference.threads} threads (bench/reference/pytorch_cartpole.py); the issue's figures for comparison`
        : `PyTorch reference not measured here (${reference.reason}); ratios are to the issue's figures`,
    );
    print(`ratio = rewardcast on its default kernel path (${kernels.name}) / PyTorch${here ? ' measured here' : ' (issue)'}; target ${TARGET_RATIO}×; split of the default path; f64 = the float64 kernels with 1 and ${threads} thread(s)\n`);
    print('    N   default  f64 1 thr  f64 2 thr  PyTorch here  PyTorch issue   ratio        target  vs issue    env   act  learn  updates   per CPU-s: default    f64');
  }
  const bestThreadsByN = new Map<number, number>();
  for (const n of run('throughput') ? Ns : []) {
    const measure = (t: number, path: KernelPath): { sps: number; r: WorkloadResult; runs: number[]; all: WorkloadResult[] } => {
      useKernels(path);
      const runs = Array.from({ length: o.repeats }, () => runWorkload(n, o.seconds, 0.5, 0, 1, t));
      useKernels(undefined);
      const sps = median(runs.map((x) => x.stepsPerSecond));
      return { sps, r: runs.find((x) => x.stepsPerSecond === sps) ?? runs[0]!, runs: runs.map((x) => x.stepsPerSecond), all: runs };
    };
    const def = measure(1, kernels.name);
    const single = kernels.name === 'wasm' ? def : measure(1, 'wasm');
    const multi = threads > 1 ? measure(threads, 'wasm') : single;
    bestThreadsByN.set(n, kernels.name === 'f32' ? 1 : multi.sps > single.sps ? threads : 1);
    const r = def.r;
    const refHere = here?.[n];
    const ref = refHere ?? PYTORCH_REFERENCE[n]!;
    const ratio = def.sps / ref;
    emit(
      'throughput',
      {
        numEnvs: n,
        backend: r.backend,
        kernels: kernels.name,
        threads: 1,
        stepsPerSecond: def.sps,
        stepsPerCpuSecond: median(def.all.map((x) => x.stepsPerCpuSecond)),
        f64StepsPerCpuSecond: median(single.all.map((x) => x.stepsPerCpuSecond)),
        runs: def.runs,
        f64OneThread: single.sps,
        f64TwoThreads: threads > 1 ? multi.sps : null,
        runsF64OneThread: single.runs,
        pytorchHere: refHere ?? null,
        pytorchIssue: PYTORCH_REFERENCE[n],
        ratio,
        ratioToIssue: def.sps / PYTORCH_REFERENCE[n]!,
        ratioToF64: def.sps / Math.max(single.sps, multi.sps),
        target: TARGET_RATIO,
        envShare: r.envShare,
        actShare: r.actShare,
        learnShare: r.learnShare,
        updates: r.updates,
      },
      `${String(n).padStart(5)} ${Math.round(def.sps).toString().padStart(9)} ${Math.round(single.sps).toString().padStart(10)} ${(threads > 1 ? Math.round(multi.sps).toString() : '-').padStart(10)} ${(refHere ? Math.round(refHere).toString() : '-').padStart(13)} ${String(PYTORCH_REFERENCE[n]).padStart(14)} ${ratio.toFixed(2).padStart(6)}× ${(ratio >= TARGET_RATIO ? 'met' : `missed by ${(TARGET_RATIO / ratio).toFixed(1)}×`).padStart(13)} ${(def.sps / PYTORCH_REFERENCE[n]!).toFixed(2).padStart(8)}×  ${pct(r.envShare)}  ${pct(r.actShare)}  ${pct(r.learnShare)}  ${String(r.updates).padStart(7)}  ${Math.round(median(def.all.map((x) => x.stepsPerCpuSecond))).toString().padStart(17)} ${Math.round(median(single.all.map((x) => x.stepsPerCpuSecond))).toString().padStart(7)}`,
    );
  }
  const others = (['tensorflow', 'wasm', 'cpu'] as const).filter((b) => b !== choice.name && run('backends'));
  if (!o.json && run('backends')) print(`\nother backends (one run each, the default kernel path; ratio to PyTorch${here ? ' measured here' : ' (issue)'}):`);
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

  if (run('workers')) await workersSection(o, emit, print, choice.name);

  if (run('serve')) await serveSection(o, emit, choice.name);
  if (run('memory')) memorySection(o, emit, print, choice.name);
  void tf;
}

/** Peak RSS and tensor counts of one long run in a fresh process. */
function memorySection(o: BenchOptions, emit: (kind: string, data: object, text: string) => void, print: (line: string) => void, backend: BackendName): void {
  if (!o.json) print(`\nmemory (a ${o.memorySteps.toLocaleString('en')}-step run in a fresh process, N = 64):`);
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./memory.js', import.meta.url)), String(o.memorySteps), '64', backend], { encoding: 'utf8' });
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
}

const fmt = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en').replace(/,/g, ' ') : '-');

/**
 * Parallel scaling of a real `compare` with 1 and 2 workers (`./scaling.ts`): steady state on the
 * wall clock and from CPU time, with the CPU split between worker threads, the main thread and
 * V8's helpers; then the compute-only control.
 */
async function workersSection(o: BenchOptions, emit: (kind: string, data: object, text: string) => void, print: (line: string) => void, backend: BackendName): Promise<void> {
  const cores = availableParallelism();
  if (!o.json) {
    print(
      `\nparallel scaling (rewardcast compare: reinforce-optimal on CartPole-v1, N = 16, segments of 32; ${SCALING_RUNS} runs of ${fmt(o.scalingSteps)} steps per worker; ` +
        `steady state = each worker's runs after its first ${SCALING_WARMUP}; ${cores} cores, load average ${loadavg()[0]!.toFixed(1)}):`,
    );
  }
  const one: GridMeasure[] = [];
  const two: GridMeasure[] = [];
  const threads: GridMeasure[] = [];
  for (let k = 0; k < o.repeats; k++) {
    one.push(await measureGrid(1, SCALING_RUNS, o.scalingSteps, backend, SCALING_WARMUP));
    two.push(await measureGrid(2, SCALING_RUNS, o.scalingSteps, backend, SCALING_WARMUP));
  }
  // For comparison: 2 workers forced to be threads, whose V8 helpers compete with the other worker.
  const twoThreads = two[0]!.isolation === 'thread' ? undefined : await measureGrid(2, SCALING_RUNS, o.scalingSteps, backend, SCALING_WARMUP, 'thread');
  if (twoThreads) threads.push(twoThreads);
  const oneRate = median(one.map((g) => quietRate(g, cores)));
  const threadsSpeedup = twoThreads ? quietRate(twoThreads, cores) / oneRate : null;
  const wall = median(one.map((g, k) => two[k]!.steadyWall / g.steadyWall));
  const cpu = median(one.map((g, k) => quietRate(two[k]!, cores) / quietRate(g, cores)));
  for (const gs of [one, two, threads]) {
    if (gs.length === 0) continue;
    const g = gs[Math.floor((gs.length - 1) / 2)]!;
    emit(
      'workers-grid',
      { workers: g.workers, isolation: g.isolation, steadyWall: g.steadyWall, quietRate: quietRate(g, cores), cpuPerStep: g.cpuPerStep, steady: g.steady, whole: g.whole, runSecondsByIndex: g.runSecondsByIndex, startupSeconds: g.startupSeconds, stepsPerRun: o.scalingSteps },
      `  ${g.workers} worker${g.workers > 1 ? 's' : ''} (${g.isolation}${g.isolation === 'process' ? 'es' : 's'}): steady ${fmt(g.steadyWall)} env steps/s on the wall clock; ${(1e6 * g.cpuPerStep).toFixed(2)} µs of worker-thread CPU per env step; ` +
        `${fmt(quietRate(g, cores))} env steps/s on a quiet machine by CPU time\n` +
        `    steady window: ${formatSplit(g.steady)}\n` +
        `    whole grid:    ${formatSplit(g.whole)}\n` +
        `    worker-thread CPU per run, by the worker's run: ${g.runSecondsByIndex.map((x) => x.toFixed(2)).join(', ')} s; before its first run ${g.startupSeconds.toFixed(2)} s`,
    );
  }
  emit(
    'workers',
    { speedup: cpu, wallSpeedup: wall, threadsSpeedup, target: SCALING_TARGET, cores, loadAverage: loadavg()[0], repeats: o.repeats, stepsPerRun: o.scalingSteps, runsPerWorker: SCALING_RUNS, warmupRuns: SCALING_WARMUP },
    `  speed-up of 2 workers over 1 in steady state: ${cpu.toFixed(2)}× by CPU time (what a quiet ${cores}-core machine gives; target ≥ ${SCALING_TARGET}×: ${cpu >= SCALING_TARGET ? 'met' : 'missed'}), ` +
      `${wall.toFixed(2)}× on this machine's wall clock (medians of ${o.repeats})` +
      (threadsSpeedup !== null ? `; 2 worker threads instead of processes: ${threadsSpeedup.toFixed(2)}× by CPU time (one grid)` : '') +
      `\n` +
      `  (by CPU time: w workers give min(w / W, cores / (W (1 + h))) env steps/s, W = worker-thread CPU per env step, h = the other threads' CPU over the workers' in the steady window)`,
  );
  const ceiling = await computeScaling(Math.min(o.seconds, 2));
  emit('workers-ceiling', { speedup: ceiling }, `  control: a pure-compute loop in 1 vs 2 threads speeds up ${ceiling.toFixed(2)}× on this machine's wall clock`);
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
    else if (a === '--scaling-steps') out.scalingSteps = Math.round(num('--scaling-steps'));
    else if (a === '--only') {
      const v = argv[++i] ?? '';
      const picked = v.split(',').filter((x) => x !== '');
      const bad = picked.find((x) => !(BENCH_SECTIONS as readonly string[]).includes(x));
      if (picked.length === 0 || bad !== undefined) throw new RangeError(`--only must be a comma-separated list of ${BENCH_SECTIONS.join(', ')}, got ${JSON.stringify(argv[i])}`);
      out.only = picked as BenchSection[];
    }
    else if (a === '--quick') Object.assign(out, { seconds: 0.5, repeats: 1, memorySteps: 100_000 });
    else throw new RangeError(`bench: unknown flag ${JSON.stringify(a)} (flags: --json, --seconds S, --repeats K, --memory-steps N, --scaling-steps N, --only SECTIONS, --no-reference, --quick)`);
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
