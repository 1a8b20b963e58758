/**
 * `node dist/bench/helpers.js [steps] [paths]`: where a training run's CPU goes between the thread
 * that runs it and the rest of the process (V8's helper threads: compilation and concurrent
 * garbage collection), for the parallel-scaling question of `compare`: a run whose helpers take a
 * share s of its CPU leaves two workers about 2 / (1 + s) of the ideal on two cores.
 *
 * It trains the benchmark workload at N = 16 (`steps` env steps, default 400 000) once per kernel
 * path listed (default `f32,wasm,f32,wasm`: the first run of a process also pays for compiling),
 * and prints the process's CPU time (`process.cpuUsage`), the main thread's (Linux
 * `/proc/thread-self/stat`) and the difference. CPU time, not wall time, so other processes on
 * the machine barely change the figures. Linux only.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../envs/index.js';
import { useKernels, type KernelPath } from '../src/kernels/index.js';
import { runTraining } from '../src/train/loop.js';
import { WORKLOAD_AGENT } from './workload.js';

/** CPU seconds of the calling thread (Linux). */
function threadCpuSeconds(): number {
  const st = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** One run's CPU split. */
export interface HelperShare {
  /** Kernel path. */
  readonly path: KernelPath;
  /** Process CPU seconds over the run. */
  readonly total: number;
  /** The running thread's CPU seconds. */
  readonly main: number;
  /** The share of the process's CPU outside the running thread. */
  readonly helperShare: number;
}

/** Trains the workload once per path and splits each run's CPU time. */
export async function helperShares(steps: number, paths: readonly KernelPath[]): Promise<HelperShare[]> {
  const out: HelperShare[] = [];
  for (const path of paths) {
    useKernels(path);
    const m0 = threadCpuSeconds();
    const c0 = process.cpuUsage();
    const r = await runTraining({ env: 'CartPole-v1', numEnvs: 16, steps, seed: 1, agent: { ...WORKLOAD_AGENT } });
    r.agent.dispose();
    const c = process.cpuUsage(c0);
    const total = (c.user + c.system) / 1e6;
    const main = threadCpuSeconds() - m0;
    out.push({ path, total, main, helperShare: Math.max(0, total - main) / total });
  }
  useKernels(undefined);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const steps = Number(process.argv[2] ?? 400_000);
  const paths = (process.argv[3] ?? 'f32,wasm,f32,wasm').split(',');
  if (!Number.isInteger(steps) || steps <= 0) {
    process.stderr.write(`helpers: steps must be a positive integer, got ${JSON.stringify(process.argv[2])}\n`);
    process.exit(2);
  }
  const bad = paths.find((p) => !['f32', 'wasm', 'js'].includes(p));
  if (bad !== undefined) {
    process.stderr.write(`helpers: paths must be f32, wasm or js, got ${JSON.stringify(bad)}\n`);
    process.exit(2);
  }
  for (const s of await helperShares(steps, paths as KernelPath[])) {
    process.stdout.write(`${s.path.padEnd(5)} process ${s.total.toFixed(2)} s CPU, running thread ${s.main.toFixed(2)} s, other threads ${(s.total - s.main).toFixed(2)} s (${(100 * s.helperShare).toFixed(0)} %)\n`);
  }
}
