/**
 * The worker entry of `compare`, and the one training run it serves.
 *
 * Loaded by the {@link WorkerPool} of {@link compare} as `dist/src/train/worker.js`. Each worker
 * registers the built-in envs, initialises its own tfjs backend with `initBackend` (the line saying
 * which backend is in use goes to the main thread, which prints it once), then runs the tasks the
 * pool hands it, one at a time, with {@link trainRun}: the same loop and run folder as
 * `rewardcast train`, streamed to `<compare folder>/<env>__<estimator>__<seed>__<time>/`.
 *
 * The module is inert when imported on the main thread (the compare planner reads
 * {@link runConfigFor} from it); it serves tasks only inside a worker (thread or process) started
 * with {@link WORKER_MARKER} as its `workerData`.
 * @module
 */
import '../../envs/index.js';
import type { AgentOptions } from '../../agents/options.js';
import type { EstimatorId } from '../estimators/index.js';
import { initBackend, type BackendRequest } from '../tensor/backend.js';
import { poolWorkerData, serveTasks } from './pool.js';
import { loadImports } from '../user/imports.js';
import type { EnvKwargs } from '../core/registry.js';
import { envSlug, runName, trainToFolder, type RunSummary } from './run-folder.js';
import { seriesName } from './grid.js';
import { kernelThreadId, threadCpuSeconds } from './thread-cpu.js';

export type { RunSummary } from './run-folder.js';
export { envSlug } from './run-folder.js';

/** The `workerData` that makes this module serve tasks. */
export const WORKER_MARKER = 'rewardcast-compare-worker';

/** Everything that decides one run's learning curve (besides the backend's rounding). */
export interface RunConfig {
  /** Registered env id. */
  readonly env: string;
  /** Estimator id (also `agent.estimator`). */
  readonly estimator: EstimatorId;
  /** Seed of everything. */
  readonly seed: number;
  /** Env steps, summed over sub-envs. */
  readonly steps: number;
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** The run's agent options (the comparison's shared ones, then its estimator's, then `estimator`), keys sorted. */
  readonly agent: AgentOptions;
  /** Options for `make` (from the env's preset, e.g. a step limit). */
  readonly envKwargs: EnvKwargs;
  /** The grid point of a `--grid` sweep, e.g. `hidden=16,learningRate=0.01` (see `./grid.ts`); absent without a grid. */
  readonly point?: string;
}

/** The fields of {@link RunConfig}, in the order differences are reported. */
export const RUN_CONFIG_FIELDS = ['env', 'estimator', 'seed', 'steps', 'numEnvs', 'agent', 'envKwargs', 'point'] as const;

/** One task of the pool: train one run into a folder inside `parent`. */
export interface RunTask {
  /** The comparison folder that holds the run folder. */
  readonly parent: string;
  /** The run. */
  readonly config: RunConfig;
  /** tfjs backend to ask for. */
  readonly backend: BackendRequest;
  /** Hash of the comparison's config, recorded in the run's `config.json`. */
  readonly compareHash: string;
  /** User modules (resolved URLs) to load before the run's ids are resolved. @default [] */
  readonly imports?: readonly string[];
}

/** What a run reports while it trains: env steps so far. */
export interface RunProgress {
  readonly steps: number;
}

/** The agent options of a run, as `rewardcast train` builds them. */
export function agentOptionsFor(c: RunConfig): AgentOptions {
  return { ...c.agent, estimator: c.estimator };
}

/**
 * The `config.json` of a compare run: the fields of a `train` run's config (so that `plot` and
 * other readers treat both alike), with `command: 'compare'` and the comparison's hash.
 */
export function runConfigFor(task: RunTask, backendName: string): Record<string, unknown> {
  const c = task.config;
  return {
    command: 'compare',
    ...Object.fromEntries(RUN_CONFIG_FIELDS.map((k) => [k, c[k]])),
    out: task.parent,
    backend: backendName,
    compareHash: task.compareHash,
  };
}

/**
 * Where a run's CPU went on the worker thread that trained it (Linux; see `./thread-cpu.ts`): what
 * `compare`'s accounting of parallel runs needs to tell a worker's own work from its warm-up and
 * from the rest of the process.
 */
export interface RunCpu {
  /** Process id of the worker: the compare process's for a worker thread, its own for a worker process. */
  readonly pid: number;
  /** Kernel thread id of the worker thread (a worker process's main thread: its pid). */
  readonly tid: number;
  /** Runs this worker finished before this one: 0 for its first, which also pays for compiling the hot code. */
  readonly runIndex: number;
  /** CPU seconds of the worker thread from the run's start to its end (resolution 10 ms). */
  readonly runSeconds: number;
  /** CPU seconds of the worker thread since the thread started, at the run's end. */
  readonly threadSeconds: number;
}

/** What a compare worker returns: the run's summary, and its CPU accounting where the OS gives it. */
export interface RunResult extends RunSummary {
  /** Absent without Linux's `/proc`. Not written to `summary.json`. */
  readonly cpu?: RunCpu;
}

/** How often a run reports its progress to the main thread, in ms. */
const PROGRESS_EVERY_MS = 200;

/**
 * Trains one run and writes its folder: `config.json` first, `episodes.csv` as episodes end, and
 * `summary.json` last (status `interrupted` when `signal` stopped it). A run that throws leaves a
 * folder without `summary.json`, which the next `compare` redoes.
 */
export async function trainRun(
  task: RunTask,
  signal?: AbortSignal,
  progress?: (p: RunProgress) => void,
  report?: (line: string) => void,
): Promise<RunSummary> {
  const c = task.config;
  await loadImports(task.imports ?? []);
  const backend = await initBackend(task.backend, report);
  let lastReport = performance.now();
  const summary = await trainToFolder({
    parent: task.parent,
    name: runName(envSlug(c.env), seriesName(c), c.seed),
    config: runConfigFor(task, backend.name),
    env: c.env,
    estimator: c.estimator,
    seed: c.seed,
    steps: c.steps,
    numEnvs: c.numEnvs,
    envKwargs: c.envKwargs,
    agent: agentOptionsFor(c),
    backend: backend.name,
    ...(signal ? { signal } : {}),
    onEpisode: (envSteps) => {
      const now = performance.now();
      if (progress && now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        progress({ steps: envSteps });
      }
    },
  });
  progress?.({ steps: summary.envSteps });
  return summary;
}

/**
 * {@link trainRun} with its CPU accounting ({@link RunCpu}), as the compare worker serves it.
 * @param runIndex runs this thread finished before
 */
export async function trainRunMeasured(
  task: RunTask,
  runIndex: number,
  signal?: AbortSignal,
  progress?: (p: RunProgress) => void,
  report?: (line: string) => void,
): Promise<RunResult> {
  const before = threadCpuSeconds();
  const summary = await trainRun(task, signal, progress, report);
  const after = threadCpuSeconds();
  const tid = kernelThreadId();
  if (before === undefined || after === undefined || tid === undefined) return summary;
  return { ...summary, cpu: { pid: process.pid, tid, runIndex, runSeconds: after - before, threadSeconds: after } };
}

if (poolWorkerData() === WORKER_MARKER) {
  let served = 0;
  serveTasks<RunTask, RunResult, RunProgress>(async (task, { signal, progress, log }) => {
    const result = await trainRunMeasured(task, served, signal, progress, log);
    served += 1;
    return result;
  });
}
