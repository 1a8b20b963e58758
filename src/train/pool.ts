/**
 * A small, generic pool of worker threads: a task queue, up to `size` workers, and one promise per
 * task that settles as that task finishes (in finishing order, not submission order).
 *
 * Two halves share one message protocol, kept in this file:
 * - the main thread makes a {@link WorkerPool} and calls {@link WorkerPool.run} once per task;
 * - the worker entry calls {@link serveTasks} with an async handler.
 *
 * ```
 * main → worker   { type: 'task', id, task }     start a task (a worker runs one at a time)
 *                 { type: 'abort', id, reason? } abort the running task's signal (reason: e.g. 'SIGTERM')
 * worker → main   { type: 'progress', id, data }  handed to the task's onProgress
 *                 { type: 'done', id, result }    resolves run()
 *                 { type: 'error', id, error }    rejects run() with the handler's message
 *                 { type: 'log', line }           one line for the main thread (e.g. the backend)
 * ```
 *
 * Failures never hang: a handler that throws rejects its task with the handler's message (as a
 * {@link WorkerTaskError}); a worker that dies (an uncaught error, a failed import, `process.exit`)
 * rejects the task it was running, and a fresh worker is started for the tasks still queued.
 *
 * Workers are started lazily, one per queued task up to `size`. Their stdout and stderr are piped
 * back through `onOutput` (by default both to the main thread's stderr, so that a worker can never
 * write to stdout, which belongs to `--json`).
 *
 * ## Example
 * ```ts
 * const pool = new WorkerPool<{ n: number }, number>(new URL('./square-worker.js', import.meta.url), { size: 2 });
 * try {
 *   const results = await Promise.all([1, 2, 3].map((n) => pool.run({ n })));
 * } finally {
 *   await pool.close();
 * }
 * // square-worker.ts:
 * serveTasks<{ n: number }, number>(async ({ n }) => n * n);
 * ```
 * @module
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** Options of {@link WorkerPool}. */
export interface PoolOptions {
  /** Number of worker threads, a positive integer. */
  readonly size: number;
  /** Passed to every worker as `workerData`. @default undefined */
  readonly workerData?: unknown;
  /** Receives every `log` line a worker sends. @default writes the line to stderr */
  readonly onLog?: (line: string) => void;
  /** Receives the workers' stdout and stderr text. @default writes it to stderr */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** A task's error, rebuilt on the main thread from what the worker sent. */
export class WorkerTaskError extends Error {
  override name = 'WorkerTaskError';
  /** The error's name in the worker (e.g. `RangeError`). */
  readonly workerName: string;
  /** The error's stack in the worker. */
  readonly workerStack: string | undefined;
  constructor(message: string, workerName: string, workerStack?: string) {
    super(message);
    this.workerName = workerName;
    this.workerStack = workerStack;
  }
}

/** Rejects the tasks that were still queued when the pool was aborted or closed. */
export class PoolAbortedError extends Error {
  override name = 'PoolAbortedError';
}

type ToWorker = { type: 'task'; id: number; task: unknown } | { type: 'abort'; id: number; reason?: string };
type SerializedError = { name: string; message: string; stack?: string };
type FromWorker =
  | { type: 'progress'; id: number; data: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'log'; line: string };

interface Job {
  readonly id: number;
  readonly task: unknown;
  readonly onProgress: ((data: unknown) => void) | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
  dead: boolean;
}

/** A pool of worker threads running tasks from a queue. See the module doc. */
export class WorkerPool<Task, Result, Progress = unknown> {
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private readonly size: number;
  private nextId = 0;
  private aborted = false;
  private closed = false;

  /**
   * @param url the worker's entry module, e.g. `new URL('./worker.js', import.meta.url)`
   * @param options the pool size and where worker output goes
   */
  constructor(
    private readonly url: URL,
    private readonly options: PoolOptions,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`WorkerPool: size must be a positive integer, got ${options.size}`);
    }
    this.size = options.size;
  }

  /** Workers currently alive. */
  get workers(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  /**
   * Queues one task. The promise resolves with the handler's result, or rejects with a
   * {@link WorkerTaskError} (the handler threw or its worker died) or a {@link PoolAbortedError}
   * (the pool was aborted or closed before the task started).
   *
   * @param onProgress receives each `progress` value the handler reports for this task
   */
  run(task: Task, onProgress?: (data: Progress) => void): Promise<Result> {
    if (this.aborted || this.closed) return Promise.reject(new PoolAbortedError('WorkerPool: the pool is aborted or closed'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        task,
        onProgress: onProgress as ((data: unknown) => void) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  /**
   * Stops cleanly: queued tasks reject with {@link PoolAbortedError}, and each running task's
   * `signal` is aborted so that its handler can finish early and still resolve (e.g. with a
   * result marked interrupted). Idempotent.
   * @param reason the running tasks' abort reason (a signal name, say)
   */
  abort(reason?: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.rejectQueued('WorkerPool: aborted before the task started');
    for (const s of this.slots) if (s.job && !s.dead) s.worker.postMessage({ type: 'abort', id: s.job.id, ...(reason !== undefined ? { reason } : {}) } satisfies ToWorker);
  }

  /**
   * Terminates every worker at once. Running tasks reject with {@link WorkerTaskError}; queued
   * ones with {@link PoolAbortedError}. For a second Ctrl-C, or after the last task settled.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.rejectQueued('WorkerPool: closed before the task started');
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        const job = s.job;
        s.job = undefined;
        s.dead = true;
        await s.worker.terminate();
        job?.reject(new WorkerTaskError('the worker was terminated while the task was running', 'Error'));
      }),
    );
  }

  private rejectQueued(message: string): void {
    for (const job of this.queue.splice(0)) job.reject(new PoolAbortedError(message));
  }

  /** Hands queued jobs to idle workers, starting workers up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.aborted && !this.closed) {
      let slot = this.slots.find((s) => !s.dead && s.job === undefined);
      if (!slot) {
        if (this.workers >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ type: 'task', id: job.id, task: job.task } satisfies ToWorker);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.url, { workerData: this.options.workerData, stdout: true, stderr: true });
    const slot: Slot = { worker, job: undefined, dead: false };
    this.slots.push(slot);
    const output = this.options.onOutput ?? ((text: string) => void process.stderr.write(text));
    worker.stdout.setEncoding('utf8').on('data', (text: string) => output(text, 'stdout'));
    worker.stderr.setEncoding('utf8').on('data', (text: string) => output(text, 'stderr'));
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    // An uncaught error kills the worker; 'exit' follows and settles its job.
    let fatal: Error | undefined;
    worker.on('error', (e: Error) => {
      fatal = e;
    });
    worker.on('exit', (code) => {
      slot.dead = true;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        const why = fatal ? fatal.message : `the worker exited with code ${code} while the task was running`;
        job.reject(new WorkerTaskError(why, fatal?.name ?? 'Error', fatal?.stack));
      }
      this.dispatch();
    });
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type === 'log') {
      (this.options.onLog ?? ((line: string) => void process.stderr.write(`${line}\n`)))(msg.line);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    if (msg.type === 'progress') {
      job.onProgress?.(msg.data);
      return;
    }
    slot.job = undefined;
    if (msg.type === 'done') job.resolve(msg.result);
    else job.reject(new WorkerTaskError(msg.error.message, msg.error.name, msg.error.stack));
    this.dispatch();
  }
}

/** What a task handler gets besides its task. */
export interface TaskContext<Progress> {
  /** Aborted when the pool is aborted (Ctrl-C): finish early and return. */
  readonly signal: AbortSignal;
  /** Sends a progress value to the task's `onProgress` on the main thread. */
  readonly progress: (data: Progress) => void;
  /** Sends one line to the pool's `onLog` on the main thread. */
  readonly log: (line: string) => void;
}

/**
 * The worker half: runs `handler` for each task the pool sends, one at a time, and reports its
 * result or error. Call it once, at the top level of the worker's entry module.
 *
 * ## Example
 * ```ts
 * serveTasks<{ n: number }, number, number>(async ({ n }, { progress, signal }) => {
 *   progress(0.5);
 *   return signal.aborted ? -1 : n * n;
 * });
 * ```
 */
export function serveTasks<Task, Result, Progress = unknown>(
  handler: (task: Task, context: TaskContext<Progress>) => Promise<Result>,
): void {
  if (isMainThread || !parentPort) throw new Error('serveTasks: must be called inside a worker thread');
  const port = parentPort;
  const post = (msg: FromWorker): void => port.postMessage(msg);
  const running = new Map<number, AbortController>();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'abort') {
      running.get(msg.id)?.abort(msg.reason);
      return;
    }
    const ac = new AbortController();
    running.set(msg.id, ac);
    const context: TaskContext<Progress> = {
      signal: ac.signal,
      progress: (data) => post({ type: 'progress', id: msg.id, data }),
      log: (line) => post({ type: 'log', line }),
    };
    void (async () => {
      try {
        const result = await handler(msg.task as Task, context);
        post({ type: 'done', id: msg.id, result });
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        post({ type: 'error', id: msg.id, error: { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) } });
      } finally {
        running.delete(msg.id);
      }
    })();
  });
}
