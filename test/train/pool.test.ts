import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inheritedExecArgv, PoolAbortedError, poolWorkerData, WorkerPool, WorkerTaskError } from '../../src/train/pool.js';

/**
 * A worker for these tests, as a data: URL module that imports the pool's worker half by absolute
 * URL. Task kinds: `square` (after `ms`), `fail` (throws), `crash` (exits the thread mid-task),
 * `wait` (until aborted), `print` (writes to stdout and stderr).
 */
const POOL_URL = new URL('../../src/train/pool.js', import.meta.url).href;
const WORKER_SOURCE = `
import { threadId } from 'node:worker_threads';
import { serveTasks } from ${JSON.stringify(POOL_URL)};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
serveTasks(async (task, { signal, progress, log }) => {
  switch (task.kind) {
    case 'square':
      progress(0.5);
      await sleep(task.ms ?? 0);
      return { value: task.n * task.n, threadId };
    case 'fail':
      throw new RangeError('bad task n=' + task.n);
    case 'crash':
      setTimeout(() => process.exit(3), 5);
      await sleep(1000);
      return 'never';
    case 'wait':
      log('waiting');
      while (!signal.aborted) await sleep(5);
      return 'stopped';
    case 'print':
      console.log('to stdout');
      console.error('to stderr');
      await sleep(20);
      return 'printed';
  }
});
`;
const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

type Task = { kind: string; n?: number; ms?: number };

function makePool(size: number, extra: Partial<ConstructorParameters<typeof WorkerPool>[1]> = {}) {
  return new WorkerPool<Task, unknown, number>(WORKER_URL, { size, onOutput: () => {}, onLog: () => {}, ...extra });
}

/**
 * The same worker as a file (a worker process needs one), with two more task kinds: `info` (the
 * process id, the flags and the workerData it sees) and `mark` (waits until aborted, then writes
 * `task.file` with the abort reason and returns).
 */
const dir = mkdtempSync(join(tmpdir(), 'rewardcast-pool-'));
const PROCESS_WORKER = pathToFileURL(join(dir, 'worker.mjs'));
writeFileSync(
  PROCESS_WORKER,
  WORKER_SOURCE.replace(
    'serveTasks(async (task, { signal, progress, log }) => {\n  switch (task.kind) {',
    `import { poolWorkerData } from ${JSON.stringify(POOL_URL)};
import { writeFileSync } from 'node:fs';
serveTasks(async (task, { signal, progress, log }) => {
  switch (task.kind) {
    case 'info':
      return { pid: process.pid, execArgv: process.execArgv, data: poolWorkerData(), env: process.env.REWARDCAST_POOL_WORKER_DATA ?? null };
    case 'mark':
      log('waiting');
      while (!signal.aborted) await sleep(5);
      writeFileSync(task.file, String(signal.reason));
      return 'marked';`,
  ),
);
writeFileSync(join(dir, 'broken.mjs'), "throw new RangeError('cannot start');\n");

function makeProcessPool(size: number, extra: Partial<ConstructorParameters<typeof WorkerPool>[1]> = {}) {
  return new WorkerPool<Task & { file?: string }, unknown, number>(PROCESS_WORKER, { size, isolation: 'process', onOutput: () => {}, onLog: () => {}, ...extra });
}

test('size must be a positive integer', () => {
  for (const size of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => makePool(size), (e: Error) => e instanceof RangeError && e.message.includes(`size must be a positive integer, got ${size}`));
  }
});

test('runs every task on at most `size` workers, results as they finish', async () => {
  const pool = makePool(2);
  const finished: number[] = [];
  const progress: number[] = [];
  try {
    // The slow task starts first but finishes last.
    const tasks = [
      { kind: 'square', n: 3, ms: 300 },
      { kind: 'square', n: 4, ms: 10 },
      { kind: 'square', n: 5, ms: 10 },
      { kind: 'square', n: 6, ms: 10 },
    ];
    const results = (await Promise.all(
      tasks.map((t) =>
        pool.run(t, (p) => progress.push(p)).then((r) => {
          finished.push(t.n);
          return r as { value: number; threadId: number };
        }),
      ),
    ));
    assert.equal(results.map((r) => r.value), [9, 16, 25, 36]);
    assert.is(new Set(results.map((r) => r.threadId)).size, 2, 'two worker threads');
    assert.is(finished[finished.length - 1], 3, `the slow task finishes last, got order ${finished}`);
    assert.equal(progress, [0.5, 0.5, 0.5, 0.5]);
    assert.ok(pool.workers <= 2);
  } finally {
    await pool.close();
  }
  assert.is(pool.workers, 0);
});

test('a task that throws rejects with its message, and the pool goes on', async () => {
  const pool = makePool(1);
  try {
    const err = await pool.run({ kind: 'fail', n: 7 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, WorkerTaskError);
    assert.is((err as WorkerTaskError).message, 'bad task n=7');
    assert.is((err as WorkerTaskError).workerName, 'RangeError');
    assert.equal(await pool.run({ kind: 'square', n: 2 }).then((r) => (r as { value: number }).value), 4);
  } finally {
    await pool.close();
  }
});

test('a worker that dies mid-task rejects that task (no hang), and a new worker takes the next', async () => {
  const pool = makePool(1);
  try {
    const crashed = pool.run({ kind: 'crash' });
    const next = pool.run({ kind: 'square', n: 9 });
    const err = await crashed.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    assert.instance(err, WorkerTaskError);
    assert.match(err!.message, /exited with code 3/);
    assert.is(((await next) as { value: number }).value, 81);
  } finally {
    await pool.close();
  }
});

test('a worker module that fails to load rejects the task with the reason', async () => {
  const broken = new URL(`data:text/javascript,${encodeURIComponent("throw new Error('cannot start');")}`);
  const pool = new WorkerPool<Task, unknown>(broken, { size: 1, onOutput: () => {} });
  try {
    const err = await pool.run({ kind: 'square', n: 1 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    assert.instance(err, WorkerTaskError);
    assert.match(err!.message, /cannot start/);
  } finally {
    await pool.close();
  }
});

test('abort: running tasks see their signal and finish; queued ones reject with PoolAbortedError', async () => {
  const lines: string[] = [];
  const pool = makePool(1, { onLog: (l: string) => lines.push(l) });
  try {
    const running = pool.run({ kind: 'wait' });
    const queued = pool.run({ kind: 'square', n: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    pool.abort();
    assert.is(await running, 'stopped');
    const err = await queued;
    assert.instance(err, PoolAbortedError);
    assert.equal(lines, ['waiting']);
    const late = await pool.run({ kind: 'square', n: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(late, PoolAbortedError, 'no task starts after abort');
  } finally {
    await pool.close();
  }
});

test('close terminates a running task instead of waiting for it', async () => {
  const pool = makePool(1);
  const running = pool.run({ kind: 'wait' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  await new Promise((r) => setTimeout(r, 100));
  await pool.close();
  assert.instance(await running, WorkerTaskError);
});

test("workers' stdout and stderr go to onOutput, never to the main stdout", async () => {
  const seen: [string, string][] = [];
  const pool = makePool(1, { onOutput: (text: string, stream: 'stdout' | 'stderr') => seen.push([stream, text]) });
  try {
    assert.is(await pool.run({ kind: 'print' }), 'printed');
  } finally {
    await pool.close();
  }
  assert.ok(seen.some(([s, t]) => s === 'stdout' && t.includes('to stdout')), JSON.stringify(seen));
  assert.ok(seen.some(([s, t]) => s === 'stderr' && t.includes('to stderr')), JSON.stringify(seen));
});

test('a worker process inherits the node flags but not what says to run other code than its module', () => {
  assert.equal(inheritedExecArgv(['--enable-source-maps', '-e', 'code()', '--max-old-space-size=512']), ['--enable-source-maps', '--max-old-space-size=512']);
  assert.equal(inheritedExecArgv(['--input-type=module', '--eval', 'x', '--import', 'tsx']), ['--import', 'tsx']);
  assert.equal(inheritedExecArgv(['-p', '1+1', '--test', '--watch', '-i', '--check']), []);
});

test('poolWorkerData is undefined on the main thread; bad isolation options are named', () => {
  assert.is(poolWorkerData(), undefined);
  assert.throws(() => makePool(1, { isolation: 'fibre' as 'thread' }), /isolation must be 'thread' or 'process', got "fibre"/);
  assert.throws(() => makePool(1, { isolation: 'process' }), /a process worker's module must be a file: URL/);
});

test('process workers: tasks on at most `size` processes with their own flags and workerData, results as they finish', async () => {
  const pool = makeProcessPool(2, { workerData: { marker: 'm' }, processFlags: ['--no-concurrent-recompilation'] });
  const progress: number[] = [];
  try {
    const results = await Promise.all([3, 4, 5].map((n) => pool.run({ kind: 'square', n, ms: n === 3 ? 200 : 10 }, (p) => progress.push(p))));
    assert.equal(results.map((r) => (r as { value: number }).value), [9, 16, 25]);
    assert.equal(progress, [0.5, 0.5, 0.5]);
    const infos = (await Promise.all([pool.run({ kind: 'info' }), pool.run({ kind: 'info' })])) as { pid: number; execArgv: string[]; data: unknown; env: string | null }[];
    for (const info of infos) {
      assert.is.not(info.pid, process.pid, 'a child process');
      assert.ok(info.execArgv.includes('--no-concurrent-recompilation'), JSON.stringify(info.execArgv));
      assert.equal(info.data, { marker: 'm' });
      assert.is(info.env, null, 'the workerData variable is not passed on to what the worker starts');
    }
    assert.ok(pool.workers <= 2);
  } finally {
    await pool.close();
  }
  assert.is(pool.workers, 0);
});

test('process workers: a throwing task rejects with its message; a dying process rejects its task and a new one takes the next', async () => {
  const pool = makeProcessPool(1);
  try {
    const err = await pool.run({ kind: 'fail', n: 7 }).then(
      () => undefined,
      (e: unknown) => e as WorkerTaskError,
    );
    assert.instance(err, WorkerTaskError);
    assert.is(err!.message, 'bad task n=7');
    assert.is(err!.workerName, 'RangeError');
    const crashed = pool.run({ kind: 'crash' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const next = pool.run({ kind: 'square', n: 9 });
    assert.match((await crashed)!.message, /exited with code 3/);
    assert.is(((await next) as { value: number }).value, 81);
  } finally {
    await pool.close();
  }
  const broken = new WorkerPool<Task, unknown>(pathToFileURL(join(dir, 'broken.mjs')), { size: 1, isolation: 'process', onOutput: () => {} });
  try {
    const e = await broken.run({ kind: 'square', n: 1 }).then(
      () => undefined,
      (x: unknown) => x as WorkerTaskError,
    );
    assert.instance(e, WorkerTaskError);
    assert.is(e!.message, 'cannot start', 'the last error line the process printed');
    assert.is(e!.workerName, 'RangeError');
  } finally {
    await broken.close();
  }
});

test('process workers: SIGINT to the worker is ignored (the parent decides); abort reaches the task; output goes to onOutput', async () => {
  const lines: string[] = [];
  const seen: string[] = [];
  const pool = makeProcessPool(1, { onLog: (l: string) => lines.push(l), onOutput: (t: string) => seen.push(t) });
  const file = join(dir, 'aborted.txt');
  try {
    const { pid } = (await pool.run({ kind: 'info' })) as { pid: number };
    const running = pool.run({ kind: 'mark', file });
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 5));
    process.kill(pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    assert.is(pool.workers, 1, 'still alive after SIGINT');
    pool.abort('SIGINT');
    assert.is(await running, 'marked');
    assert.is(readFileSync(file, 'utf8'), 'SIGINT');
  } finally {
    await pool.close();
  }
  const printing = makeProcessPool(1, { onOutput: (t: string) => seen.push(t) });
  try {
    assert.is(await printing.run({ kind: 'print' }), 'printed');
  } finally {
    await printing.close();
  }
  assert.ok(seen.some((t) => t.includes('to stdout')) && seen.some((t) => t.includes('to stderr')), JSON.stringify(seen));
});

test('process workers: close kills a running task; a parent that dies makes its worker abort the task and exit', async () => {
  const pool = makeProcessPool(1);
  const running = pool.run({ kind: 'wait' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  await new Promise((r) => setTimeout(r, 100));
  await pool.close();
  assert.instance(await running, WorkerTaskError);
  // A parent process that starts a task and is then killed with SIGKILL (no clean-up of its own).
  const file = join(dir, 'orphan.txt');
  const parentSource = `
import { WorkerPool } from ${JSON.stringify(POOL_URL)};
const pool = new WorkerPool(new URL(${JSON.stringify(PROCESS_WORKER.href)}), { size: 1, isolation: 'process', onLog: () => console.log('started') });
void pool.run({ kind: 'mark', file: ${JSON.stringify(file)} });
`;
  const parentFile = join(dir, 'parent.mjs');
  writeFileSync(parentFile, parentSource);
  const parent = spawn(process.execPath, [parentFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => parent.stdout.on('data', (d: Buffer) => d.toString().includes('started') && resolve()));
  parent.kill('SIGKILL');
  for (let i = 0; i < 400 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(existsSync(file), 'the orphaned worker aborted its task');
  assert.is(readFileSync(file, 'utf8'), 'the pool went away');
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test.run();
