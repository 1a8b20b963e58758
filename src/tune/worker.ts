/**
 * The worker entry of `rewardcast tune`: the compare worker's run ({@link trainRun}, the same loop
 * and run folder as `train`), after loading the tune's `--import` modules, on the generic
 * {@link WorkerPool} of `src/train/pool.ts`. Inert on the main thread.
 * @module
 */
import { workerData } from 'node:worker_threads';
import '../../envs/index.js';
import { serveTasks } from '../train/pool.js';
import { trainRun, type RunProgress, type RunSummary, type RunTask } from '../train/worker.js';
import { loadImports } from '../user/imports.js';

/** The `workerData` that makes this module serve tasks. */
export const TUNE_WORKER_MARKER = 'rewardcast-tune-worker';

/** One task: a run of one trial, rung and seed, after loading `imports` (resolved against `cwd`). */
export interface TuneTask {
  readonly run: RunTask;
  readonly imports: readonly string[];
  readonly cwd: string;
}

if (workerData === TUNE_WORKER_MARKER) {
  serveTasks<TuneTask, RunSummary, RunProgress>(async (task, { signal, progress, log }) => {
    await loadImports(task.imports, task.cwd);
    return trainRun(task.run, signal, progress, log);
  });
}
