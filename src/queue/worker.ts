/**
 * `rewardcast worker`: takes training jobs from the queue, trains each in a worker thread, and
 * streams its episode rows back through Redis (see `./payload.ts` for the stream).
 *
 * ## Faults
 * - **Stalled jobs.** BullMQ holds a lock on each active job, renewed by this process's main
 *   thread (training runs in threads, so renewal never waits on it). A worker killed with SIGKILL
 *   stops renewing; after `lockDuration` the lock expires, and the stalled-job check that every
 *   worker runs each `stalledInterval` puts the job back in the queue for another worker. Its
 *   next attempt writes a new `start` entry, and the submitter discards the dead attempt's rows.
 *   A job that stalls more than `maxStalledCount` times fails.
 * - **Failures.** A run that throws fails its attempt; BullMQ retries it up to the job's
 *   `attempts` (set by the submitter), then marks it failed with the error. A payload that is
 *   not a rewardcast run, or names an unknown env or estimator, fails at once (BullMQ's
 *   `UnrecoverableError`: retrying cannot help).
 * - **Stopping.** SIGINT/SIGTERM: no new job is taken; running runs stop at their next yield and
 *   their jobs go back to the queue at once (`moveToDelayed` + `DelayedError`, which does not
 *   count as a failed attempt), for another worker to redo.
 *
 * ## What a job may load
 * A job names the `--import` modules it needs. The worker loads modules only from its own
 * `--import` list (loaded once at start); a job that names any other module fails with an error
 * naming it. So the queue cannot make a worker run code that its operator did not list.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import '../../envs/index.js';
import { spec as envSpec } from '../core/registry.js';
import { estimatorSpec } from '../estimators/index.js';
import { PoolAbortedError, WorkerPool } from '../train/pool.js';
import { envSlug } from '../train/worker.js';
import { loadImports, resolveImport } from '../user/imports.js';
import { parseAgentOptions } from '../../agents/options.js';
import { checkReachable, openClient, parseQueueUrl, QUEUE_NAME } from './connection.js';
import { encodeEntry, KEEP_SECONDS, parseRunJob, PayloadError, rowsKey, type JobResult, type StreamEntry, type StreamEntryBody, type StreamSummary } from './payload.js';
import { RUN_THREAD_MARKER, type ThreadProgress, type ThreadTask } from './run-thread.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** The queue's Redis URL (`redis://…` or `rediss://…`). */
  readonly queue: string;
  /** Runs trained at once, one thread each. @default os.availableParallelism() */
  readonly concurrency: number;
  /** The modules this worker may load, loaded at start (its allow-list). @default [] */
  readonly imports?: readonly string[];
  /** What relative `imports` resolve against. @default process.cwd() */
  readonly cwd?: string;
  /** ms a job's lock lasts without renewal (BullMQ `lockDuration`). @default 30000 */
  readonly lockDuration?: number;
  /** ms between stalled-job checks (BullMQ `stalledInterval`). @default 30000 */
  readonly stalledInterval?: number;
  /** Stalls a job survives before it fails (BullMQ `maxStalledCount`). @default 2 */
  readonly maxStalledCount?: number;
  /** Rows per stream entry at most (1: one entry per episode, for the bench). @default unbounded */
  readonly maxBatch?: number;
  /** Receives one line per event (job started, finished, failed, connection lost). @default stderr */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface QueueWorker {
  /** `host:pid`, as written in each attempt's `start` entry. */
  readonly name: string;
  /** Stops taking jobs, hands running ones back to the queue, and disconnects. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects (checking Redis answers first), loads the allow-listed modules, and starts taking jobs.
 * @throws {QueueConnectionError} when the URL is bad or Redis does not answer
 * @throws {ImportError} when an allow-listed module cannot be loaded
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const target = parseQueueUrl(o.queue);
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  await checkReachable(target);
  const cwd = o.cwd ?? process.cwd();
  const allowed = [...(o.imports ?? [])];
  await loadImports(allowed, cwd);
  // A job's module is allowed when it is on the list as written, or resolves (against this
  // worker's folder, as it would be loaded) to the same module as an entry of the list.
  const allowedUrls = new Set(allowed.map((m) => resolveImport(m, cwd)));
  const isAllowed = (m: string): boolean => {
    if (allowed.includes(m)) return true;
    try {
      return allowedUrls.has(resolveImport(m, cwd));
    } catch {
      return false;
    }
  };
  const name = `${hostname()}:${process.pid}`;
  const seen = new Set<string>();
  const pool = new WorkerPool<ThreadTask, StreamSummary, ThreadProgress>(new URL('./run-thread.js', import.meta.url), {
    size: o.concurrency,
    workerData: RUN_THREAD_MARKER,
    onLog: (line) => {
      if (!seen.has(line)) (seen.add(line), log(`worker: ${line}`));
    },
  });
  const client = openClient(target, (state, reason) => log(state === 'lost' ? `worker: ${target.display}: connection lost (${reason}); retrying` : `worker: ${target.display}: connection back`));
  let closing = false;

  const processor = async (job: Job, token?: string): Promise<JobResult> => {
    const attempt = randomUUID();
    const key = rowsKey(String(job.id));
    let chain: Promise<unknown> = Promise.resolve();
    let seq = 0;
    const send = (body: StreamEntryBody): Promise<string> => {
      const e = { ...body, seq: seq++ } as StreamEntry;
      const p = chain.then(async () => {
        const r = await client.multi().xadd(key, '*', 'e', encodeEntry(e)).expire(key, KEEP_SECONDS).exec();
        const err = r?.find(([x]) => x)?.[0];
        if (err) throw err;
        return String(r![0]![1]);
      });
      chain = p.catch(() => undefined);
      return p;
    };
    let label = `job ${String(job.id)}`;
    try {
      let payload;
      try {
        payload = parseRunJob(job.data);
      } catch (e) {
        throw new UnrecoverableError((e as PayloadError).message);
      }
      const c = payload.config;
      label = `${envSlug(c.env)} ${c.estimator}${c.point ? ` [${c.point}]` : ''} seed ${c.seed}`;
      const refused = payload.imports.filter((m) => !isAllowed(m));
      if (refused.length > 0) {
        throw new Error(`job needs --import ${refused.join(', ')}, which this worker does not allow (its --import list: ${allowed.length ? allowed.join(', ') : 'empty'}); start a worker with --import ${refused[0]}`);
      }
      try {
        envSpec(c.env);
        estimatorSpec(c.estimator);
      } catch (e) {
        throw new UnrecoverableError(`job names ${(e as Error).message.split('\n')[0]}`);
      }
      try {
        parseAgentOptions(c.agent, 'job agent options: ');
      } catch (e) {
        throw new UnrecoverableError((e as Error).message);
      }
      log(`worker: ${label}: started (attempt ${job.attemptsMade + 1}${job.stalledCounter ? `, after ${job.stalledCounter} stall${job.stalledCounter === 1 ? '' : 's'}` : ''})`);
      const summary = await pool.run(
        { config: c, backend: payload.backend, imports: payload.imports, cwd, ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}) },
        (p) => void (p.type === 'start' ? send({ type: 'start', attempt, backend: p.backend, worker: name }) : send({ type: 'rows', attempt, rows: p.rows })),
      );
      if (summary.status === 'interrupted') throw new PoolAbortedError('stopped');
      const endId = await send({ type: 'end', attempt, summary });
      log(`worker: ${label}: finished, ${summary.envSteps} steps in ${summary.seconds.toFixed(1)} s`);
      return { attempt, endId, summary };
    } catch (e) {
      if (e instanceof PoolAbortedError && closing) {
        // Shutting down: hand the job back at once, without counting a failed attempt.
        await job.moveToDelayed(Date.now(), token);
        log(`worker: ${label}: handed back to the queue (stopping)`);
        throw new DelayedError();
      }
      const message = (e as Error).message ?? String(e);
      await send({ type: 'fail', attempt, error: message }).catch(() => undefined);
      log(`worker: ${label}: failed: ${message}`);
      throw e;
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: { ...target.redis, maxRetriesPerRequest: null },
    concurrency: o.concurrency,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: o.stalledInterval ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
  });
  worker.on('error', (e) => {
    const line = `worker: ${target.display}: ${(e.message ?? String(e)).split('\n')[0]}`;
    if (!seen.has(line)) (seen.add(line), log(line));
  });
  await worker.waitUntilReady();
  log(`worker: ${name} takes jobs from ${target.display} (queue ${QUEUE_NAME}), ${o.concurrency} at a time${allowed.length ? `, may load ${allowed.join(', ')}` : ''}`);

  let closed: Promise<void> | undefined;
  return {
    name,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        const stopping = worker.close();
        pool.abort();
        await stopping;
        await pool.close();
        client.disconnect();
      })()),
  };
}
