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
 * {@link runConfigFor} from it); it serves tasks only inside a worker started with
 * {@link WORKER_MARKER} as its `workerData`.
 * @module
 */
import { workerData } from 'node:worker_threads';
import '../../envs/index.js';
import type { AgentOptions } from '../../agents/options.js';
import type { EstimatorId } from '../estimators/index.js';
import { initBackend, type BackendRequest } from '../tensor/backend.js';
import { serveTasks } from './pool.js';
import { loadImports } from '../user/imports.js';
import type { EnvKwargs } from '../core/registry.js';
import { envSlug, runName, trainToFolder, type RunSummary } from './run-folder.js';
import { seriesName } from './grid.js';

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

if (workerData === WORKER_MARKER) {
  serveTasks<RunTask, RunSummary, RunProgress>((task, { signal, progress, log }) => trainRun(task, signal, progress, log));
}
