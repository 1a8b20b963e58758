/**
 * The worker-thread entry of `rewardcast worker`: trains one run of a queue job and sends its
 * episode rows to the worker's main thread as they happen, in batches of {@link ROW_BATCH_MS}.
 *
 * Training runs here, off the main thread, so that the main thread stays free for BullMQ's lock
 * renewal and the row stream: a job that trains for minutes never looks stalled. The loop and
 * the seeding are those of `rewardcast train` and a local `compare` (`runTraining` with the agent
 * options of `agentOptionsFor`), so a run gives the same rows wherever it runs. Rows carry the
 * numbers themselves (JSON keeps every double exactly); the submitter formats them as
 * `episodes.csv` with the same writer a local run uses.
 *
 * The module is inert unless started with {@link RUN_THREAD_MARKER} as its `workerData`.
 * @module
 */
import { workerData } from 'node:worker_threads';
import '../../envs/index.js';
import { initBackend } from '../tensor/backend.js';
import { runTraining } from '../train/loop.js';
import { serveTasks } from '../train/pool.js';
import { agentOptionsFor, type RunConfig } from '../train/worker.js';
import { WindowMean } from '../stream/window-mean.js';
import { loadImports } from '../user/imports.js';
import { updateRowsOf } from '../train/run-folder.js';
import { ROW_BATCH_MS, type RowTuple, type StreamSummary } from './payload.js';
import type { BackendRequest } from '../tensor/backend.js';

/** The `workerData` that makes this module serve runs. */
export const RUN_THREAD_MARKER = 'rewardcast-queue-run-thread';

/** One run for a thread. */
export interface ThreadTask {
  /** The run, from the job's payload. */
  readonly config: RunConfig;
  /** The tfjs backend to ask for. */
  readonly backend: BackendRequest;
  /** Modules to load first (already checked against the worker's allow-list). */
  readonly imports: readonly string[];
  /** What relative imports resolve against: the worker's working directory. */
  readonly cwd: string;
  /** Rows per batch at most (1 sends every episode at once: the bench's unbatched case). @default Infinity */
  readonly maxBatch?: number;
  /** ms between batches. @default ROW_BATCH_MS */
  readonly batchMs?: number;
}

/** What a thread reports while it trains. */
export type ThreadProgress = { readonly type: 'start'; readonly backend: string } | { readonly type: 'rows'; readonly rows: readonly RowTuple[] };

/** Trains one run, handing out its rows in batches; returns the summary. */
export async function trainStreaming(task: ThreadTask, signal: AbortSignal, progress: (p: ThreadProgress) => void, log: (line: string) => void): Promise<StreamSummary> {
  await loadImports(task.imports, task.cwd);
  const backend = await initBackend(task.backend, log);
  progress({ type: 'start', backend: backend.name });
  const c = task.config;
  const batchMs = task.batchMs ?? ROW_BATCH_MS;
  const maxBatch = task.maxBatch ?? Number.POSITIVE_INFINITY;
  let batch: RowTuple[] = [];
  let last = performance.now();
  const flush = (): void => {
    if (batch.length === 0) return;
    progress({ type: 'rows', rows: batch });
    batch = [];
    last = performance.now();
  };
  const recent = new WindowMean(100);
  let avg: number | null = null;
  const result = await runTraining({
    env: c.env,
    numEnvs: c.numEnvs,
    steps: c.steps,
    seed: c.seed,
    agent: agentOptionsFor(c),
    envKwargs: c.envKwargs,
    signal,
    onEpisode: (e) => {
      // wall_seconds is rounded as episodes.csv stores it.
      batch.push([e.envSteps, e.episode, e.return, e.length, Number(e.wallSeconds.toFixed(3))]);
      avg = recent.push(e.return);
      if (batch.length >= maxBatch || performance.now() - last >= batchMs) flush();
    },
  });
  flush();
  const updateRows = updateRowsOf(result.agent);
  result.agent.dispose();
  return {
    updateRows,
    status: result.interrupted ? 'interrupted' : 'finished',
    backend: backend.name,
    envSteps: result.envSteps,
    episodes: result.episodes,
    updates: result.updates,
    finalReturn: avg,
    seconds: result.seconds,
    stepsPerSecond: result.envSteps / result.seconds,
  };
}

if (workerData === RUN_THREAD_MARKER) {
  serveTasks<ThreadTask, StreamSummary, ThreadProgress>((task, { signal, progress, log }) => trainStreaming(task, signal, progress, log));
}
