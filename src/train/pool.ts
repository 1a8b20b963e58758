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
 * ## Threads or processes
 * A worker is a worker thread (`isolation: 'thread'`, the default) or a child process of node
 * (`'process'`) running the same module with the same protocol (over the IPC channel, with the
 * structured-clone serialisation of threads). Worker threads share one V8 platform and so one
 * pool of V8 helper threads, and V8's flags are process-wide; a child process has its own, so it
 * can run with flags of its own (`processFlags`), e.g. `--no-concurrent-recompilation
 * --single-threaded-gc`, which keep V8's compilation and garbage collection on the worker's own
 * thread instead of helper threads that compete with the other workers for the cores. A child
 * process ignores SIGINT, SIGTERM and SIGHUP (a terminal's Ctrl-C reaches the whole process group:
 * the parent decides, and sends `abort`), and when its parent goes away (the IPC channel closes)
 * it aborts its running task, which then finishes as aborted tasks do, and exits. In a child
 * process `workerData` is passed as JSON and read with {@link poolWorkerData}; a worker that dies
 * rejects its task with the last error line it printed to stderr.
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
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData as threadWorkerData } from 'node:worker_threads';

/** The environment variable that carries `workerData` (JSON) to a worker process. */
const CHILD_DATA_ENV = 'REWARDCAST_POOL_WORKER_DATA';
/** `workerData` of this process when it is a pool's worker process (read once, then removed from the environment). */
const childData: string | undefined = process.env[CHILD_DATA_ENV];
if (childData !== undefined) delete process.env[CHILD_DATA_ENV];
/** Whether this process is a pool's worker process. */
const inChildWorker = childData !== undefined && typeof process.send === 'function';

/**
 * The `workerData` the pool gave this worker: `worker_threads.workerData` in a worker thread, the
 * JSON-decoded value in a worker process, `undefined` elsewhere (e.g. on the main thread).
 */
export function poolWorkerData(): unknown {
  if (!isMainThread) return threadWorkerData;
  return inChildWorker ? (JSON.parse(childData!) as unknown) : undefined;
}

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
  /**
   * Workers as worker threads or as child processes of node (see the module doc); a process
   * worker's module must be a `file:` URL and its `workerData` JSON. @default 'thread'
   */
  readonly isolation?: 'thread' | 'process';
  /** Node and V8 flags of each worker process, after this process's own `process.execArgv`. @default [] */
  readonly processFlags?: readonly string[];
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

/** A worker thread or process, as the pool drives it. */
interface Handle {
  /** Sends a message (dropped once the worker is gone). */
  post(msg: ToWorker): void;
  /** Stops the worker at once; resolves when it is gone. */
  terminate(): Promise<void>;
}

interface Slot {
  readonly worker: Handle;
  job: Job | undefined;
  dead: boolean;
}

/**
 * This process's node flags as a worker process inherits them: without the ones that say what to
 * run instead of a module (`-e`/`--eval`, `-p`/`--print` and their code, `--input-type`, `-i`,
 * `-c`/`--check`, `--test`, `--watch`), which would replace the worker's module.
 */
export function inheritedExecArgv(execArgv: readonly string[]): string[] {
  const withValue = new Set(['-e', '--eval', '-p', '--print', '--watch-path']);
  const alone = /^(-i|--interactive|-c|--check|--test|--watch|--input-type=.*|--eval=.*|--print=.*|--watch-path=.*|--test-.*)$/;
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (withValue.has(a)) i += 1;
    else if (a === '-pe' || a === '-ep') i += 1;
    else if (!alone.test(a)) out.push(a);
  }
  return out;
}

/** The last line of a worker's stderr that names an error (`…Error: message`), for a worker that died. */
function lastErrorLine(text: string): { name: string; message: string } | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(?:Uncaught )?([A-Za-z]*Error): (.*)$/.exec(lines[i]!);
    if (m) return { name: m[1]!, message: m[2]! };
  }
  return undefined;
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
    const isolation = options.isolation ?? 'thread';
    if (isolation !== 'thread' && isolation !== 'process') throw new RangeError(`WorkerPool: isolation must be 'thread' or 'process', got ${JSON.stringify(isolation)}`);
    if (isolation === 'process' && url.protocol !== 'file:') throw new RangeError(`WorkerPool: a process worker's module must be a file: URL, got ${url.href.slice(0, 80)}`);
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
    for (const s of this.slots) if (s.job && !s.dead) s.worker.post({ type: 'abort', id: s.job.id, ...(reason !== undefined ? { reason } : {}) });
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
      slot.worker.post({ type: 'task', id: job.id, task: job.task });
    }
  }

  private spawn(): Slot {
    const output = this.options.onOutput ?? ((text: string) => void process.stderr.write(text));
    let slot!: Slot;
    // An uncaught error kills the worker; the exit that follows settles its job.
    let fatal: { name: string; message: string; stack?: string } | undefined;
    const onExit = (why: string): void => {
      if (slot.dead && !this.slots.includes(slot)) return; // closed: close() settled the job
      slot.dead = true;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = undefined;
      if (job) job.reject(new WorkerTaskError(fatal ? fatal.message : `${why} while the task was running`, fatal?.name ?? 'Error', fatal?.stack));
      this.dispatch();
    };
    if ((this.options.isolation ?? 'thread') === 'thread') {
      const worker = new Worker(this.url, { workerData: this.options.workerData, stdout: true, stderr: true });
      slot = { worker: { post: (msg) => worker.postMessage(msg), terminate: async () => void (await worker.terminate()) }, job: undefined, dead: false };
      worker.stdout.setEncoding('utf8').on('data', (text: string) => output(text, 'stdout'));
      worker.stderr.setEncoding('utf8').on('data', (text: string) => output(text, 'stderr'));
      worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
      worker.on('error', (e: Error) => {
        fatal = { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
      });
      worker.on('exit', (code) => onExit(`the worker exited with code ${code}`));
    } else {
      const child: ChildProcess = fork(fileURLToPath(this.url), [], {
        execArgv: [...inheritedExecArgv(process.execArgv), ...(this.options.processFlags ?? [])],
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, [CHILD_DATA_ENV]: JSON.stringify(this.options.workerData ?? null) },
      });
      let tail = '';
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      slot = {
        worker: {
          post: (msg) => {
            if (child.connected) child.send(msg);
          },
          terminate: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGKILL');
              await exited;
            }
          },
        },
        job: undefined,
        dead: false,
      };
      child.stdout!.setEncoding('utf8').on('data', (text: string) => output(text, 'stdout'));
      child.stderr!.setEncoding('utf8').on('data', (text: string) => {
        tail = (tail + text).slice(-4096);
        output(text, 'stderr');
      });
      child.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
      child.on('error', (e: Error) => {
        fatal ??= { name: e.name, message: e.message };
        if (child.pid === undefined) onExit('the worker process could not start'); // no 'exit' follows
      });
      child.once('exit', (code, signal) => {
        // Its last output may still be on the way: settle at 'close' (the output's end), or shortly
        // after the exit should something it started keep the pipes open.
        let settled = false;
        const settle = (): void => {
          if (settled) return;
          settled = true;
          fatal ??= code === 1 ? lastErrorLine(tail) : undefined; // 1: node's exit code after an uncaught error
          onExit(signal ? `the worker process was killed by ${signal}` : `the worker exited with code ${code}`);
        };
        child.once('close', settle);
        setTimeout(settle, 200).unref();
      });
    }
    this.slots.push(slot);
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
  if (!inChildWorker && (isMainThread || !parentPort)) throw new Error('serveTasks: must be called inside a worker thread or process of a WorkerPool');
  const port = parentPort;
  const post = (msg: FromWorker): void => {
    if (!inChildWorker) port!.postMessage(msg);
    else if (process.connected) process.send!(msg);
  };
  const running = new Map<number, AbortController>();
  const listen = (handler: (msg: ToWorker) => void): void => {
    if (inChildWorker) process.on('message', handler as (msg: unknown) => void);
    else port!.on('message', handler);
  };
  if (inChildWorker) {
    // A terminal's Ctrl-C reaches the whole process group: the parent decides what stops (abort, or kill).
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => {});
    // The parent is gone: stop the running tasks as an abort does; the process exits when they are done.
    process.once('disconnect', () => {
      for (const ac of running.values()) ac.abort('the pool went away');
    });
  }
  listen((msg: ToWorker) => {
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
