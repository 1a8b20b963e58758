/**
 * Parallel scaling of `compare` (the worker pool), measured so that it means something on a loaded
 * machine too: by CPU time per thread, as well as by the wall clock.
 *
 * A grid of `workers × runsPerWorker` runs of the benchmark workload (CartPole-v1, N = 16,
 * `reinforce-optimal`, segments of 32), one estimator and equal runs, so that each worker trains
 * `runsPerWorker` of them one after another. A worker's first runs also pay for compiling the hot
 * code (V8 tiers the loop up while it runs, on helper threads or, in a worker process with
 * `--no-concurrent-recompilation`, on the worker's own thread; each new run's closures warm up
 * again in part, so it fades over 2–3 runs of 10⁶ steps), so **steady state** is every run after a
 * worker's first `warmupRuns` (default 2):
 * - *wall clock*: the mean of those runs' own env steps per second, times the workers (the warm
 *   runs of different workers overlap, being equal);
 * - *CPU*: W = the worker thread's CPU seconds per env step in those runs (each worker reports its
 *   thread's CPU per run, `RunCpu`), and h = the CPU of every other thread (the main thread, V8's
 *   helper threads, libuv) as a share of the worker threads', over the **steady window**: from the
 *   event at which every worker has finished its first run to the first event after which some
 *   worker has no run left (the main thread samples every thread's CPU at each run's end).
 *
 * On a quiet machine with `cores` cores, w workers give at most min(w / W, cores / (W (1 + h)))
 * env steps per second: each worker is one thread, and the whole process cannot use more than the
 * cores. The CPU-derived speed-up of 2 workers over 1 is that bound's ratio; it is what the wall
 * clock shows when nothing else runs, and it does not depend on other processes' load (except
 * through W itself, which shared caches can inflate). Linux only (`/proc`), like the accounting.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../src/tensor/backend.js';
import { compare } from '../src/train/compare.js';
import { threadCpuSeconds, threadsCpuSeconds } from '../src/train/thread-cpu.js';
import type { RunCpu } from '../src/train/worker.js';
import { WORKLOAD_AGENT } from './workload.js';

/** One run of a scaling grid. */
export interface ScalingRun {
  /** Env steps. */
  readonly envSteps: number;
  /** Its own env steps per wall-clock second. */
  readonly stepsPerSecond: number;
  /** Its worker thread's accounting (Linux). */
  readonly cpu: RunCpu | undefined;
}

/** CPU seconds of one span, split by thread kind. */
export interface CpuSplit {
  /** Wall-clock seconds of the span. */
  readonly wallSeconds: number;
  /** The worker threads' CPU seconds. */
  readonly workers: number;
  /** The main thread's. */
  readonly main: number;
  /** Every other thread's (V8's helpers: compilation and GC; libuv's pool). */
  readonly other: number;
}

/** What {@link measureGrid} finds for one grid. */
export interface GridMeasure {
  /** Workers. */
  readonly workers: number;
  /** Whether they were threads or processes (`compare`'s choice, see `workerIsolation`). */
  readonly isolation: 'thread' | 'process';
  /** Every run, in finishing order. */
  readonly runs: readonly ScalingRun[];
  /** Steady state on the wall clock: the warm runs' mean rate × workers, env steps/s. */
  readonly steadyWall: number;
  /** W: worker-thread CPU seconds per env step in the warm runs (NaN without `/proc`). */
  readonly cpuPerStep: number;
  /** The steady window's CPU split (undefined without `/proc`). */
  readonly steady: CpuSplit | undefined;
  /** The whole grid's split, from the start to the last run's end (worker start-up included). */
  readonly whole: CpuSplit | undefined;
  /** Runs of each worker counted as its warm-up (left out of the steady state). */
  readonly warmupRuns: number;
  /** Mean worker-thread CPU seconds of a worker's k-th run (from 0): how the warm-up fades. */
  readonly runSecondsByIndex: readonly number[];
  /** Mean worker-thread CPU seconds of a worker's first run and of its steady-state runs. */
  readonly firstRunSeconds: number;
  /** See {@link GridMeasure.firstRunSeconds}. */
  readonly warmRunSeconds: number;
  /** Mean worker-thread CPU seconds before a worker's first run (loading modules, the backend). */
  readonly startupSeconds: number;
}

interface Sample {
  readonly wall: number;
  /** CPU seconds of this process (every thread) plus every live thread of the worker processes. */
  readonly total: number;
  /** This process's main thread. */
  readonly main: number;
  /** Every live thread of this process and of the worker processes, by `pid/tid`. */
  readonly threads: ReadonlyMap<string, number>;
}

/** Samples this process and the worker processes `pids` (other than this one). */
function sample(pids: ReadonlySet<number>): Sample | undefined {
  const own = threadsCpuSeconds();
  const main = threadCpuSeconds();
  if (!own || main === undefined) return undefined;
  const c = process.cpuUsage();
  let total = (c.user + c.system) / 1e6; // includes this process's threads that have exited
  const threads = new Map<string, number>();
  for (const [tid, s] of own) threads.set(`${process.pid}/${tid}`, s);
  for (const pid of pids) {
    if (pid === process.pid) continue;
    for (const [tid, s] of threadsCpuSeconds(pid) ?? []) {
      threads.set(`${pid}/${tid}`, s);
      total += s;
    }
  }
  return { wall: performance.now(), total, main, threads };
}

/** The split between two samples, counting `workerThreads` (`pid/tid`) as the worker threads (0 before one started). */
function split(a: Sample, b: Sample, workerThreads: ReadonlySet<string>): CpuSplit {
  let workers = 0;
  for (const t of workerThreads) workers += (b.threads.get(t) ?? 0) - (a.threads.get(t) ?? 0);
  const main = b.main - a.main;
  return { wallSeconds: (b.wall - a.wall) / 1000, workers, main, other: Math.max(0, b.total - a.total - main - workers) };
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);

/**
 * Runs one grid of `workers × runsPerWorker` equal runs of `steps` env steps in a temporary folder
 * and measures it (see the module doc).
 * @param runsPerWorker more than `warmupRuns`, so that each worker has a run in steady state
 * @param warmupRuns a worker's runs left out of the steady state
 * @param isolation `compare`'s option: workers as threads or processes (`'auto'`: its choice)
 */
export async function measureGrid(
  workers: number,
  runsPerWorker: number,
  steps: number,
  backend: BackendName,
  warmupRuns = 2,
  isolation: 'auto' | 'thread' | 'process' = 'auto',
): Promise<GridMeasure> {
  if (!Number.isInteger(warmupRuns) || warmupRuns < 1) throw new RangeError(`warmupRuns must be an integer >= 1, got ${warmupRuns}`);
  if (!Number.isInteger(runsPerWorker) || runsPerWorker <= warmupRuns) throw new RangeError(`runsPerWorker must be an integer > warmupRuns (${warmupRuns}), got ${runsPerWorker}`);
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-scaling-'));
  const runs: ScalingRun[] = [];
  const samples: (Sample | undefined)[] = [];
  let start: Sample | undefined;
  let used: 'thread' | 'process' = 'thread';
  const pids = new Set<number>();
  try {
    const { estimator, ...agent } = WORKLOAD_AGENT;
    await compare({
      env: 'CartPole-v1',
      estimators: [estimator ?? 'reinforce-optimal'],
      seeds: workers * runsPerWorker,
      steps,
      numEnvs: 16,
      agent,
      out,
      workers,
      backend,
      isolation,
      onEvent: (e) => {
        if (e.type === 'start') {
          start = sample(pids);
          used = e.isolation;
        }
        if (e.type === 'run') {
          if (e.cpu) pids.add(e.cpu.pid);
          samples.push(sample(pids));
          runs.push({ envSteps: e.summary.envSteps, stepsPerSecond: e.summary.stepsPerSecond, cpu: e.cpu });
        }
      },
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const warm = runs.filter((r) => r.cpu !== undefined && r.cpu.runIndex >= warmupRuns);
  const first = runs.filter((r) => r.cpu?.runIndex === 0);
  const byIndex = Array.from({ length: runsPerWorker }, (_, k) => mean(runs.filter((r) => r.cpu?.runIndex === k).map((r) => r.cpu!.runSeconds)));
  const tids = new Set(runs.flatMap((r) => (r.cpu ? [`${r.cpu.pid}/${r.cpu.tid}`] : [])));
  // The steady window: from the event at which every worker has finished its warm-up runs to the
  // first event after which some worker has none left (the last `workers` events end each
  // worker's last run).
  const done = new Map<string, number>();
  let from = -1;
  for (const [i, r] of runs.entries()) {
    if (r.cpu) done.set(`${r.cpu.pid}/${r.cpu.tid}`, r.cpu.runIndex + 1);
    if (done.size === workers && [...done.values()].every((n) => n >= warmupRuns)) {
      from = i;
      break;
    }
  }
  const to = runs.length - workers;
  const a = samples[from];
  const b = samples[to];
  const last = samples[samples.length - 1];
  return {
    workers,
    isolation: used,
    runs,
    steadyWall: workers * mean(warm.map((r) => r.stepsPerSecond)),
    cpuPerStep: warm.reduce((s, r) => s + r.cpu!.runSeconds, 0) / warm.reduce((s, r) => s + r.envSteps, 0),
    steady: from >= 0 && to > from && a && b ? split(a, b, tids) : undefined,
    whole: start && last ? split(start, last, tids) : undefined,
    warmupRuns,
    runSecondsByIndex: byIndex,
    firstRunSeconds: mean(first.map((r) => r.cpu!.runSeconds)),
    warmRunSeconds: mean(warm.map((r) => r.cpu!.runSeconds)),
    startupSeconds: mean(first.map((r) => r.cpu!.threadSeconds - r.cpu!.runSeconds)),
  };
}

/**
 * The env steps per second that `workers` workers give on a quiet machine with `cores` cores, by
 * the CPU accounting: min(w / W, cores / (W (1 + h))), h = the other threads' CPU over the worker
 * threads' in the steady window (see the module doc). NaN without the accounting.
 */
export function quietRate(g: GridMeasure, cores: number): number {
  if (!g.steady || !(g.cpuPerStep > 0) || !(g.steady.workers > 0)) return Number.NaN;
  const h = (g.steady.main + g.steady.other) / g.steady.workers;
  return Math.min(g.workers / g.cpuPerStep, cores / (g.cpuPerStep * (1 + h)));
}

/** `x` as a percentage of `of`. */
function share(x: number, of: number): string {
  return `${((100 * x) / of).toFixed(0)} %`;
}

/** One line: a split's seconds and shares. */
export function formatSplit(s: CpuSplit | undefined): string {
  if (!s) return 'no per-thread CPU here (Linux /proc only)';
  const total = s.workers + s.main + s.other;
  return `worker threads ${s.workers.toFixed(2)} s (${share(s.workers, total)}), main ${s.main.toFixed(2)} s (${share(s.main, total)}), V8 helpers and other ${s.other.toFixed(2)} s (${share(s.other, total)}) of ${total.toFixed(2)} CPU-s in ${s.wallSeconds.toFixed(2)} s`;
}
