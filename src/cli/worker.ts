/**
 * `rewardcast worker --queue redis://… [--concurrency k] [--import m]…`: trains the runs of
 * `compare --queue` on this machine (see `src/queue/worker.ts`). Runs until Ctrl-C or SIGTERM,
 * which hand the running jobs back to the queue; a second signal exits at once.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { QueueConnectionError } from '../queue/connection.js';
import { startQueueWorker } from '../queue/worker.js';
import { ImportError } from '../user/imports.js';
import { parseIntFlag, UsageError } from './errors.js';

/** Options of `rewardcast worker`, each with its default. */
export interface WorkerCommandOptions {
  /** The queue's Redis URL (`redis://[:password@]host:port[/db]` or `rediss://…`); required. */
  readonly queue: string;
  /** Runs trained at once, one thread each. @default os.availableParallelism() */
  readonly concurrency: number;
  /** Modules this worker may load for a job (its allow-list), loaded at start. @default [] */
  readonly imports: readonly string[];
  /** ms a job's lock lasts without renewal (BullMQ lockDuration). @default 30000 */
  readonly lockDuration: number;
  /** ms between stalled-job checks (BullMQ stalledInterval). @default 30000 */
  readonly stalledInterval: number;
  /** Episode rows per stream entry at most (1: one entry per episode, to measure what batching saves). @default unbounded (a batch every 250 ms) */
  readonly maxBatch: number | undefined;
}

/** The defaults of {@link WorkerCommandOptions} (`queue` has none). */
export const WORKER_DEFAULTS: Omit<WorkerCommandOptions, 'queue'> = { concurrency: availableParallelism(), imports: [], lockDuration: 30_000, stalledInterval: 30_000, maxBatch: undefined };

/** Resolves the flags; errors name the flag and the value. */
export function resolveWorkerOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): WorkerCommandOptions {
  const queue = typeof flags['queue'] === 'string' ? flags['queue'] : env['REWARDCAST_QUEUE'];
  if (!queue) throw new UsageError('--queue is required (or REWARDCAST_QUEUE): the Redis URL, e.g. redis://127.0.0.1:6379');
  const has = (k: string): boolean => flags[k] !== undefined;
  return {
    queue,
    concurrency: has('concurrency') ? parseIntFlag('--concurrency', flags['concurrency']) : WORKER_DEFAULTS.concurrency,
    imports: Array.isArray(flags['import']) ? flags['import'].map(String) : [],
    lockDuration: has('lockDuration') ? parseIntFlag('--lock-duration', flags['lockDuration'], 100) : WORKER_DEFAULTS.lockDuration,
    stalledInterval: has('stalledInterval') ? parseIntFlag('--stalled-interval', flags['stalledInterval'], 100) : WORKER_DEFAULTS.stalledInterval,
    maxBatch: has('maxBatch') ? parseIntFlag('--max-batch', flags['maxBatch']) : WORKER_DEFAULTS.maxBatch,
  };
}

/** Adds the `worker` command to the program. */
export function registerWorker(program: Command): void {
  const d = WORKER_DEFAULTS;
  program
    .command('worker')
    .description('take training runs from a Redis queue (compare --queue) and stream their episodes back; runs until Ctrl-C')
    .option('--queue <url>', 'the Redis URL: redis://[:password@]host:port[/db] or rediss:// for TLS (default: REWARDCAST_QUEUE)')
    .option('--concurrency <k>', `runs trained at once, one thread each (default: the number of cores, here ${d.concurrency})`)
    .option('--import <module>', 'a module jobs may use (path or package), loaded at start; repeatable. Jobs naming any other module fail', (v: string, acc: string[] = []) => [...acc, v])
    .option('--lock-duration <ms>', `how long a job's lock lasts without renewal; a dead worker's job is redone after about this long (default ${d.lockDuration})`)
    .option('--stalled-interval <ms>', `how often this worker looks for stalled jobs (default ${d.stalledInterval})`)
    .option('--max-batch <n>', 'episode rows per stream entry at most (default: a batch every 250 ms; 1 measures unbatched streaming)')
    .addHelpText(
      'after',
      [
        '',
        'The password may also come from REWARDCAST_QUEUE, which keeps it out of the process list.',
        '',
        'Examples:',
        '  $ rewardcast worker --queue redis://10.0.0.5:6379',
        '  $ REWARDCAST_QUEUE=rediss://:secret@redis.example:6380/1 rewardcast worker --concurrency 4 --import ./my-envs.js',
      ].join('\n'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const o = resolveWorkerOptions(flags);
      let worker;
      try {
        worker = await startQueueWorker({ queue: o.queue, concurrency: o.concurrency, imports: o.imports, lockDuration: o.lockDuration, stalledInterval: o.stalledInterval, ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}) });
      } catch (e) {
        if (e instanceof QueueConnectionError || e instanceof ImportError) throw new UsageError(e.message);
        throw e;
      }
      const w = worker;
      await new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (): void => {
          signals += 1;
          if (signals > 1) process.exit(130);
          process.stderr.write('worker: stopping; running jobs go back to the queue (again to quit at once)\n');
          // Without Redis the hand-back cannot happen; stalled-job detection recovers the jobs then.
          setTimeout(() => process.exit(130), 15_000).unref();
          void w.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.exitCode = 130;
    });
}
