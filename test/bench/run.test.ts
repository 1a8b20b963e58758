/** The benchmark's flags and its PyTorch reference runner's failure paths (no timing is asserted). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_DEFAULTS, BENCH_SECTIONS, parseBenchArgs } from '../../bench/run.js';
import { formatSplit, measureGrid, quietRate, type GridMeasure } from '../../bench/scaling.js';
import { measureReference, TORCH_PYTHON_ENV } from '../../bench/reference.js';
import { throwsWith } from '../helpers.js';
import { availableParallelism } from 'node:os';
import '../../envs/index.js';
import { workerIsolation } from '../../src/train/compare.js';

test('bench flags parse, and a bad flag or value is named', () => {
  assert.equal(parseBenchArgs([]), {});
  assert.equal(parseBenchArgs(['--json', '--seconds', '1.5', '--repeats', '5', '--no-reference']), { json: true, seconds: 1.5, repeats: 5, reference: false });
  assert.equal(parseBenchArgs(['--quick']), { seconds: 0.5, repeats: 1, memorySteps: 100_000 });
  assert.is(BENCH_DEFAULTS.reference, true);
  throwsWith(() => parseBenchArgs(['--seconds', 'x']), /--seconds must be a number > 0, got "x"/);
  throwsWith(() => parseBenchArgs(['--fast']), /unknown flag "--fast"/);
  assert.equal(parseBenchArgs(['--only', 'workers,memory', '--scaling-steps', '200000']), { only: ['workers', 'memory'], scalingSteps: 200_000 });
  assert.equal(BENCH_DEFAULTS.only, BENCH_SECTIONS);
  throwsWith(() => parseBenchArgs(['--only', 'workers,gpu']), /--only must be a comma-separated list of throughput, backends, workers, serve, memory, got "workers,gpu"/);
  throwsWith(() => parseBenchArgs(['--only']), /--only must be/);
});

/** A grid measure with worker-thread CPU W per step and the other threads' CPU a share h of the workers'. */
const grid = (workers: number, W: number, h: number): GridMeasure => ({
  workers,
  isolation: 'thread',
  runs: [],
  steadyWall: 0,
  cpuPerStep: W,
  steady: { wallSeconds: 1, workers: 1, main: h / 2, other: h / 2 },
  whole: undefined,
  warmupRuns: 2,
  runSecondsByIndex: [],
  firstRunSeconds: 0,
  warmRunSeconds: 0,
  startupSeconds: 0,
});

test('scaling: the quiet-machine rate is bound by each worker thread and by the cores', () => {
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-6 * b, `${a} vs ${b}`);
  // One worker on 2 cores: its helpers run on the idle core.
  close(quietRate(grid(1, 1e-6, 0.25), 2), 1e6);
  // Two workers on 2 cores: the helpers' share comes off the two cores.
  close(quietRate(grid(2, 1e-6, 0), 2), 2e6);
  close(quietRate(grid(2, 1e-6, 0.25), 2), 1.6e6);
  close(quietRate(grid(2, 1.25e-6, 0), 2) / quietRate(grid(1, 1e-6, 0.5), 2), 1.6);
  assert.ok(Number.isNaN(quietRate({ ...grid(2, 1e-6, 0), steady: undefined }, 2)), 'no accounting, no rate');
  assert.match(formatSplit(grid(2, 1e-6, 0.5).steady), /worker threads 1\.00 s \(67 %\), main 0\.25 s \(17 %\), V8 helpers and other 0\.25 s \(17 %\) of 1\.50 CPU-s in 1\.00 s/);
  assert.match(formatSplit(undefined), /Linux \/proc only/);
});

test('scaling: a small grid is measured run by run, with the steady window after each worker\'s warm-up', async () => {
  const g = await measureGrid(2, 3, 3000, 'cpu', 1);
  assert.is(g.runs.length, 6);
  assert.is(g.isolation, workerIsolation('auto', 2, availableParallelism()));
  assert.ok(g.runs.every((r) => r.envSteps >= 3000));
  assert.ok(g.steadyWall > 0);
  if (process.platform !== 'linux') return;
  // Runs this short do not share out evenly (a worker that starts first may take more of them).
  assert.is(g.runs.filter((r) => r.cpu!.runIndex === 0).length, 2, 'two workers');
  assert.is(new Set(g.runs.map((r) => `${r.cpu!.pid}/${r.cpu!.tid}`)).size, 2);
  assert.is(g.runSecondsByIndex.length, 3);
  assert.ok(g.whole !== undefined && g.whole.workers > 0);
  if (g.steady) assert.ok(g.whole.workers >= g.steady.workers && g.whole.wallSeconds >= g.steady.wallSeconds);
});

test('scaling: a grid needs a run after the warm-up of each worker', async () => {
  for (const [runs, warm, pattern] of [[2, 2, /runsPerWorker must be an integer > warmupRuns \(2\), got 2/], [3, 0, /warmupRuns must be an integer >= 1, got 0/]] as const) {
    let err: unknown;
    try {
      await measureGrid(1, runs, 1000, 'cpu', warm);
    } catch (e) {
      err = e;
    }
    assert.instance(err, RangeError);
    assert.match((err as Error).message, pattern);
  }
});

test('the reference runner reports a missing Python as unavailable, with the reason', async () => {
  const saved = process.env[TORCH_PYTHON_ENV];
  process.env[TORCH_PYTHON_ENV] = '/nonexistent/python3';
  try {
    const r = await measureReference([1], 0.1);
    assert.is(r.kind, 'unavailable');
    if (r.kind === 'unavailable') assert.match(r.reason, /\/nonexistent\/python3/);
  } finally {
    if (saved === undefined) delete process.env[TORCH_PYTHON_ENV];
    else process.env[TORCH_PYTHON_ENV] = saved;
  }
});

test('the reference runner checks its arguments by name', async () => {
  for (const [ns, seconds, pattern] of [[[], 1, /ns must be a non-empty list/], [[0], 1, /ns must be/], [[1], 0, /seconds must be a finite number > 0, got 0/]] as const) {
    let err: unknown;
    try {
      await measureReference(ns, seconds);
    } catch (e) {
      err = e;
    }
    assert.instance(err, RangeError);
    assert.match((err as Error).message, pattern);
  }
});

test.run();
