/**
 * The submitting side of `compare --queue`: a {@link RunExecutor} that enqueues each planned run
 * as a BullMQ job and writes its run folder from the rows the worker streams back (see
 * `./payload.ts`), so the submitter and the workers share nothing but Redis.
 *
 * ## One run
 * 1. The job id is fixed by the comparison and the run ({@link jobIdFor}). A job of that id
 *    that is waiting, active or delayed is kept (another invocation of the same command enqueued
 *    it); a completed one whose `end` entry is still in its stream is kept too, and its folder is
 *    rebuilt from the stream without training again; a failed one, or a completed one whose rows
 *    are gone, is removed and enqueued afresh (with `attempts` tries, `backoffMs` apart).
 * 2. The row stream is read from its start. A `start` entry opens the run folder
 *    (`config.json` as a local run writes it, with the backend the worker got); a later `start`
 *    (the job was retried, or handed to another worker after a stall) deletes the folder and
 *    opens it again, so the dead attempt's rows are discarded. `rows` of the current attempt are
 *    appended to `episodes.csv` as they arrive, with the writer a local run uses.
 * 3. When BullMQ says the job completed, and the completing attempt's `end` entry has been
 *    read, `summary.json` is written and the run is done. When BullMQ says it failed for good,
 *    the run fails with BullMQ's reason and the number of attempts; its partial folder is removed.
 *
 * ## Redis going away
 * Commands wait while the connection is down (ioredis retries), with one line on loss and one
 * on return. After `lostTimeoutMs` without Redis, every pending run rejects with a
 * {@link QueueConnectionError}; the finished run folders stay, and the same command resumes.
 * @module
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EpisodeEvent } from '../stream/events.js';
import type { RunExecutor } from '../train/compare.js';
import { seriesName } from '../train/grid.js';
import { PoolAbortedError } from '../train/pool.js';
import { runName, RunWriter, type RunSummary } from '../train/run-folder.js';
import { envSlug, runConfigFor, type RunProgress, type RunTask } from '../train/worker.js';
import { checkReachable, openClient, parseQueueUrl, QUEUE_NAME, QueueConnectionError, type QueueTarget } from './connection.js';
import { decodeEntry, jobFor, jobIdFor, KEEP_SECONDS, parseRunJob, rowsKey, type JobResult, type StreamSummary } from './payload.js';

/** Options of {@link openQueueSubmitter}. */
export interface QueueSubmitterOptions {
  /** The queue's Redis URL. */
  readonly queue: string;
  /** `--import` modules the runs need (named in each job; workers must allow them). @default [] */
  readonly imports?: readonly string[];
  /** Tries per job before it is reported failed. @default 3 */
  readonly attempts?: number;
  /** ms between tries. @default 2000 */
  readonly backoffMs?: number;
  /** ms without Redis before the comparison gives up. @default 120000 */
  readonly lostTimeoutMs?: number;
  /** Receives one line per event (connection lost/back, a run restarted on another worker). @default stderr */
  readonly log?: (line: string) => void;
}

/** A run whose job failed for good; the message has BullMQ's reason. */
export class QueueRunError extends Error {
  override name = 'QueueRunError';
}

interface Pending {
  readonly task: RunTask;
  readonly jobId: string;
  readonly key: string;
  readonly label: string;
  readonly onProgress: (p: RunProgress) => void;
  readonly resolve: (s: RunSummary) => void;
  readonly reject: (e: unknown) => void;
  lastId: string;
  attempt: string | undefined;
  /** The last `seq` read of the current attempt. */
  seq: number;
  attempts: number;
  writer: RunWriter | undefined;
  dir: string | undefined;
  ended: Map<string, { id: string; summary: StreamSummary }>;
}

/** Stream ids `ms-seq` compared as numbers. */
function idAtLeast(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am > bm || (am === bm && as >= bs);
}

/** How often job states are polled, in ms (completion and failure are read from BullMQ's state). */
const POLL_MS = 500;

/** The queue executor (see the module doc). Make one with {@link openQueueSubmitter}. */
export class QueueSubmitter implements RunExecutor {
  private readonly pending = new Map<string, Pending>();
  private readonly queue: Queue;
  private readonly client: Redis;
  private readonly reader: Redis;
  private closed = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lostSince: number | undefined;
  private lostReason = '';
  private readonly log: (line: string) => void;
  private readonly imports: readonly string[];
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly lostTimeoutMs: number;

  /** @internal use {@link openQueueSubmitter}, which checks Redis first */
  constructor(
    readonly target: QueueTarget,
    o: QueueSubmitterOptions,
  ) {
    this.log = o.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.imports = o.imports ?? [];
    this.attempts = o.attempts ?? 3;
    this.backoffMs = o.backoffMs ?? 2000;
    this.lostTimeoutMs = o.lostTimeoutMs ?? 120_000;
    const onState = (state: 'lost' | 'back', reason: string): void => {
      if (state === 'lost' && this.lostSince === undefined) {
        this.lostSince = Date.now();
        this.lostReason = reason;
        this.log(`queue ${target.display}: connection lost (${reason}); waiting up to ${Math.round(this.lostTimeoutMs / 1000)} s for Redis to come back (finished runs are kept)`);
      } else if (state === 'back' && this.lostSince !== undefined) {
        this.lostSince = undefined;
        this.log(`queue ${target.display}: connection back; continuing`);
      }
    };
    this.client = openClient(target, onState);
    this.reader = openClient(target);
    this.queue = new Queue(QUEUE_NAME, { connection: { ...target.redis, maxRetriesPerRequest: null } });
    this.queue.on('error', () => {}); // reported once by the client's listener above
  }

  /** Runs are independent on a queue: one run's failure does not stop the others. */
  isRunFailure(e: unknown): boolean {
    return e instanceof QueueRunError;
  }

  /** Enqueues (or finds) the run's job, and resolves when its folder is complete. */
  run(task: RunTask, onProgress: (p: RunProgress) => void): Promise<RunSummary> {
    if (this.closed) return Promise.reject(new PoolAbortedError('queue submitter: closed'));
    const jobId = jobIdFor(task);
    const c = task.config;
    return new Promise<RunSummary>((resolve, reject) => {
      const p: Pending = {
        task,
        jobId,
        key: rowsKey(jobId),
        label: `${seriesName(c)} seed ${c.seed}`,
        onProgress,
        resolve,
        reject,
        lastId: '0',
        attempt: undefined,
        seq: -1,
        attempts: 0,
        writer: undefined,
        dir: undefined,
        ended: new Map(),
      };
      this.ensureJob(p).then(
        () => {
          if (this.closed) return reject(new PoolAbortedError('queue submitter: closed'));
          this.pending.set(jobId, p);
          this.loop ??= this.readLoop();
          this.wake?.();
        },
        (e: unknown) => reject(e),
      );
    });
  }

  /** Keeps a usable job of this id, or enqueues a new one (step 1 of the module doc). */
  private async ensureJob(p: Pending): Promise<void> {
    const existing = await this.queue.getJob(p.jobId);
    if (existing) {
      const state = await existing.getState();
      if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'].includes(state)) return;
      if (state === 'completed') {
        const rv = existing.returnvalue as JobResult | undefined;
        if (rv?.endId && (await this.client.xrange(p.key, rv.endId, rv.endId)).length === 1) return;
      }
      await existing.remove().catch(() => undefined);
    }
    await this.client.del(p.key);
    const data = parseRunJob(jobFor(p.task, this.imports));
    await this.queue.add(p.label, data, {
      jobId: p.jobId,
      attempts: this.attempts,
      backoff: { type: 'fixed', delay: this.backoffMs },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
  }

  /** One loop for every pending run: blocking reads of their streams, then a look at their jobs. */
  private async readLoop(): Promise<void> {
    let lastPoll = 0;
    while (!this.closed) {
      if (this.pending.size === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, POLL_MS);
        });
        this.wake = undefined;
        continue;
      }
      if (this.lostSince !== undefined && Date.now() - this.lostSince > this.lostTimeoutMs) {
        const error = new QueueConnectionError(
          `--queue ${this.target.display}: Redis unreachable for ${Math.round(this.lostTimeoutMs / 1000)} s (${this.lostReason}); finished runs are kept, run the same command again to resume`,
        );
        for (const p of this.pending.values()) this.drop(p, error);
        continue;
      }
      try {
        const list = [...this.pending.values()];
        const res = (await this.reader.xread('COUNT', 10_000, 'BLOCK', POLL_MS, 'STREAMS', ...list.map((p) => p.key), ...list.map((p) => p.lastId))) as [string, [string, string[]][]][] | null;
        for (const [key, entries] of res ?? []) {
          const p = list.find((x) => x.key === key);
          if (!p) continue;
          try {
            for (const [id, fields] of entries) this.onEntry(p, id, fields);
          } catch (e) {
            this.discard(p);
            this.drop(p, e); // e.g. the disk is full: this run stops, the others go on
          }
        }
        if (Date.now() - lastPoll >= POLL_MS || list.some((p) => p.ended.size > 0)) {
          lastPoll = Date.now();
          await this.pollJobs();
        }
      } catch (e) {
        if (this.closed) return;
        // A command failed while the connection went away: try again (the timeout above bounds it).
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Handles one stream entry (step 2 of the module doc). */
  private onEntry(p: Pending, id: string, fields: string[]): void {
    p.lastId = id;
    const e = decodeEntry(fields[1] ?? '');
    if (!e) return;
    if (e.type === 'start') {
      if (e.attempt === p.attempt) return; // written twice by a resent command
      if (p.writer || p.dir) {
        this.log(`queue: ${p.label}: restarted on ${e.worker}; the earlier attempt's rows are discarded`);
        this.discard(p);
      }
      p.attempt = e.attempt;
      p.seq = e.seq;
      p.attempts += 1;
      const c = p.task.config;
      p.dir = join(p.task.parent, runName(envSlug(c.env), seriesName(c), c.seed));
      p.writer = new RunWriter(p.dir, runConfigFor(p.task, e.backend));
      return;
    }
    if (e.attempt !== p.attempt) return; // a dead or superseded attempt
    if (e.seq <= p.seq) return; // written twice by a resent command
    p.seq = e.seq;
    if (e.type === 'rows') {
      for (const [envSteps, episode, ret, length, wallSeconds] of e.rows) {
        p.writer?.episode({ envSteps, episode, return: ret, length, wallSeconds } as EpisodeEvent);
      }
      const last = e.rows.at(-1);
      if (last) p.onProgress({ steps: last[0] });
    } else if (e.type === 'end') {
      p.ended.set(e.attempt, { id, summary: e.summary });
    } else if (e.type === 'fail') {
      this.discard(p);
    }
  }

  /** Closes and deletes the current attempt's folder. */
  private discard(p: Pending): void {
    p.writer?.close();
    if (p.dir) rmSync(p.dir, { recursive: true, force: true });
    p.writer = undefined;
    p.dir = undefined;
    p.attempt = undefined;
  }

  /** Settles the runs whose jobs completed or failed (step 3 of the module doc). */
  private async pollJobs(): Promise<void> {
    for (const p of [...this.pending.values()]) {
      const job: Job | undefined = await this.queue.getJob(p.jobId);
      if (!job) {
        // Gone (Redis lost its data, or someone removed it): enqueue it again.
        this.log(`queue: ${p.label}: its job is gone from Redis; enqueueing it again`);
        this.discard(p);
        p.lastId = '0';
        p.ended.clear();
        await this.ensureJob(p);
        continue;
      }
      const state = await job.getState();
      if (state === 'completed') {
        const rv = job.returnvalue as JobResult;
        const end = p.ended.get(rv.attempt);
        if (end && p.attempt === rv.attempt && p.writer && p.dir) {
          const c = p.task.config;
          const s = end.summary;
          const summary: RunSummary = {
            status: s.status,
            runDir: p.dir,
            env: c.env,
            estimator: c.estimator,
            seed: c.seed,
            backend: s.backend,
            envSteps: s.envSteps,
            episodes: s.episodes,
            updates: s.updates,
            finalReturn: s.finalReturn,
            seconds: s.seconds,
            stepsPerSecond: s.stepsPerSecond,
            updateRows: s.updateRows,
          };
          p.writer.finish(summary);
          p.writer = undefined;
          this.pending.delete(p.jobId);
          p.resolve(summary);
        } else if (idAtLeast(p.lastId, rv.endId) && !end) {
          // The stream no longer holds the completing attempt's rows: run it again.
          this.log(`queue: ${p.label}: its rows are gone from Redis; enqueueing it again`);
          this.discard(p);
          p.lastId = '0';
          await job.remove().catch(() => undefined);
          await this.ensureJob(p);
        }
      } else if (state === 'failed') {
        this.discard(p);
        this.drop(p, new QueueRunError(`failed after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${job.failedReason ?? 'no reason given'}`));
      }
    }
  }

  private drop(p: Pending, error: unknown): void {
    this.pending.delete(p.jobId);
    p.writer?.close();
    p.writer = undefined;
    p.reject(error);
  }

  /** Stops waiting: pending runs reject with PoolAbortedError. Their jobs stay queued, so the same command resumes them. */
  abort(): void {
    for (const p of [...this.pending.values()]) this.drop(p, new PoolAbortedError('queue submitter: aborted'));
  }

  private closing: Promise<void> | undefined;
  /** Disconnects (idempotent); pending runs reject as in {@link abort}. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.abort();
      this.closed = true;
      this.wake?.();
      this.reader.disconnect();
      await this.loop?.catch(() => undefined);
      await this.queue.close().catch(() => undefined);
      this.client.disconnect();
    })());
  }
}

/**
 * Parses the URL, checks that Redis answers (before anything is written), and opens the submitter.
 * @throws {QueueConnectionError} `--queue <url without password>: cannot reach Redis (…)`
 */
export async function openQueueSubmitter(o: QueueSubmitterOptions): Promise<QueueSubmitter> {
  const target = parseQueueUrl(o.queue);
  await checkReachable(target);
  return new QueueSubmitter(target, o);
}
