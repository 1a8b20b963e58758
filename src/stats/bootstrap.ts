/**
 * Stratified bootstrap percentile confidence intervals, as rliable's `StratifiedBootstrap` with
 * `get_interval_estimates(..., method='percentile')` (Agarwal et al. 2021, "Deep Reinforcement
 * Learning at the Edge of the Statistical Precipice", NeurIPS).
 *
 * Resampling: the strata are the tasks. Each bootstrap sample keeps the runs × tasks shape; its
 * column for task t holds `runs` scores drawn with replacement from that task's own runs, drawn
 * independently of the other tasks (rliable draws one run index per cell of the matrix). Runs are
 * not resampled as whole rows, so a sample may pair seed 3's score on one task with seed 5's on
 * another, and tasks themselves are never resampled (rliable's default `task_bootstrap=False`):
 * the interval reflects uncertainty from the choice of seeds on this fixed set of tasks.
 *
 * Interval: the percentile method. With B replicates θ*₁…θ*_B of the statistic and confidence c,
 * the interval is [Q((1 − c)/2), Q((1 + c)/2)] of the replicates, where Q is the linear-interpolation
 * quantile of NumPy's default (see {@link quantile}); `arch.bootstrap.conf_int`, which rliable calls,
 * reads the same two ends off `np.percentile`. The point estimate is the statistic on the data.
 *
 * Randomness: all draws come from an {@link Rng}: pass one (it advances) or a seed. Indices are
 * drawn task by task, run slot by run slot, one `rng.integers(runs)` each, replicate after
 * replicate, so a seed fixes the interval.
 *
 * @module
 */
import type { Rng } from '../core/rng.js';
import { quantileOfSorted } from './quantile.js';
import { isVector, toColumns, toRows, type Columns, type ScoreMatrix } from './score-matrix.js';
import { assertInteger, assertOpenUnit, describe, isArrayLike, toRng } from './validate.js';

/**
 * Options of the bootstrap functions.
 *
 * @example
 * ```ts
 * const options: BootstrapOptions = { rng: 0 };                                  // seed 0, 2000 reps, 95 %
 * const wide: BootstrapOptions = { rng: Rng.fromSeed(1), reps: 10_000, confidence: 0.99 };
 * ```
 */
export interface BootstrapOptions {
  /**
   * The generator to resample with (it advances), or an integer seed in [0, 2^32) for a fresh one.
   * Required: an interval that cannot be reproduced cannot be checked.
   */
  readonly rng: Rng | number;
  /**
   * Number of bootstrap replicates B. rliable's default for interval estimates is 50 000 and for
   * performance profiles 2000; 2000 puts the Monte Carlo error of a 95 % interval end at about
   * 0.06 standard errors of the statistic (for a normal sampling distribution).
   * @default 2000
   */
  readonly reps?: number;
  /**
   * Coverage of the interval, in (0, 1).
   * @default 0.95
   */
  readonly confidence?: number;
}

/**
 * A point estimate with a confidence interval around it.
 *
 * @example
 * ```ts
 * const { point, lo, hi }: Interval = stratifiedBootstrapCI([1, 2, 3, 4], mean, { rng: 0 });
 * console.log(`${point.toFixed(2)} [${lo.toFixed(2)}, ${hi.toFixed(2)}]`);
 * ```
 */
export interface Interval {
  /** The statistic on the data itself. */
  readonly point: number;
  /** Lower end of the interval. */
  readonly lo: number;
  /** Upper end of the interval. */
  readonly hi: number;
}

/**
 * Default number of bootstrap replicates.
 *
 * @example
 * ```ts
 * stratifiedBootstrapCI(x, iqm, { rng: 0, reps: 5 * DEFAULT_REPS }); // a tighter Monte Carlo estimate
 * ```
 */
export const DEFAULT_REPS = 2000;
/**
 * Default confidence level.
 *
 * @example
 * ```ts
 * const pct = `${DEFAULT_CONFIDENCE * 100} % CI`; // "95 % CI"
 * ```
 */
export const DEFAULT_CONFIDENCE = 0.95;

/**
 * The checked bootstrap options with defaults filled in. Errors name `fn`.
 *
 * @example
 * ```ts
 * resolveBootstrapOptions({ rng: 1 }, 'stratifiedBootstrapCI'); // { rng: Rng, reps: 2000, confidence: 0.95 }
 * ```
 */
export function resolveBootstrapOptions(
  options: BootstrapOptions,
  fn: string,
): { readonly rng: Rng; readonly reps: number; readonly confidence: number } {
  if (options === null || typeof options !== 'object') {
    throw new RangeError(`${fn}: options must be an object with an rng, got ${describe(options)}`);
  }
  const reps = options.reps ?? DEFAULT_REPS;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  assertInteger(reps, fn, 'reps', 1);
  assertOpenUnit(confidence, fn, 'confidence');
  return { rng: toRng(options.rng, fn), reps, confidence };
}

/**
 * One stratified bootstrap sample of a runs × tasks matrix: for each task, `runs` scores drawn
 * with replacement from that task's column. The shape of the input is kept: a matrix gives rows
 * `sample[run][task]`, a plain array of per-run scores gives a Float64Array.
 *
 * @param scores `scores[run][task]`, or per-run scores of one task
 * @param rng the generator; advances by runs × tasks draws
 *
 * @example
 * ```ts
 * const rng = Rng.fromSeed(0);
 * stratifiedResample([[1, 10], [2, 20], [3, 30]], rng);
 * // e.g. [[3, 10], [1, 10], [3, 20]]: column 0 only ever holds 1, 2, 3 and column 1 only 10, 20, 30
 * ```
 */
export function stratifiedResample(scores: ArrayLike<number>, rng: Rng): Float64Array;
export function stratifiedResample(scores: ScoreMatrix, rng: Rng): number[][];
export function stratifiedResample(scores: ScoreMatrix | ArrayLike<number>, rng: Rng): Float64Array | number[][] {
  const cols = toColumns(scores, 'stratifiedResample', 'scores');
  const r = toRng(rng, 'stratifiedResample');
  const sample = resampleColumns(cols, r);
  return isMatrixInput(scores) ? toRows(sample, cols.runs) : sample[0]!;
}

/**
 * A stratified bootstrap sample held by column; no checks. Draw order: task by task, and within a
 * task run slot by run slot, one `rng.integers(runs)` each.
 *
 * @example
 * ```ts
 * resampleColumns(toColumns([1, 2, 3], 'f', 'x'), Rng.fromSeed(0)); // [Float64Array of 3 draws from {1, 2, 3}]
 * ```
 */
export function resampleColumns(cols: Columns, rng: Rng): Float64Array[] {
  const { runs, columns } = cols;
  const out: Float64Array[] = [];
  for (const col of columns) {
    const s = new Float64Array(runs);
    for (let r = 0; r < runs; r++) s[r] = col[rng.integers(runs)]!;
    out.push(s);
  }
  return out;
}

/**
 * The percentile interval of bootstrap replicates: [Q((1 − c)/2), Q((1 + c)/2)], Q the
 * linear-interpolation quantile (NumPy's default, as `np.percentile` in `arch.bootstrap`).
 *
 * @param replicates the statistic on each bootstrap sample: a non-empty array of finite numbers
 * @param confidence the coverage c, in (0, 1); default 0.95
 *
 * @example
 * ```ts
 * // 101 replicates 0, 1, …, 100: Q(0.025) sits at h = 100·0.025 = 2.5, Q(0.975) at h = 97.5
 * percentileInterval(Array.from({ length: 101 }, (_, i) => i)); // { lo: 2.5, hi: 97.5 }
 * ```
 */
export function percentileInterval(
  replicates: ArrayLike<number>,
  confidence = DEFAULT_CONFIDENCE,
): { readonly lo: number; readonly hi: number } {
  if (!isArrayLike(replicates) || replicates.length === 0 || !allFinite(replicates)) {
    throw new RangeError(
      `percentileInterval: replicates must be a non-empty array of finite numbers, got ${describe(replicates)}`,
    );
  }
  assertOpenUnit(confidence, 'percentileInterval', 'confidence');
  const sorted = Float64Array.from(replicates).sort();
  return { lo: quantileOfSorted(sorted, (1 - confidence) / 2), hi: quantileOfSorted(sorted, (1 + confidence) / 2) };
}

/**
 * A stratified bootstrap percentile confidence interval for `statistic` of one algorithm's scores.
 *
 * The statistic is called on the data (for `point`) and on `reps` stratified bootstrap samples of
 * the same shape (see the module doc): with a runs × tasks matrix it receives rows
 * `sample[run][task]`; with a plain array of per-run scores it receives a Float64Array. It must
 * return a finite number and must not keep the sample it is given.
 *
 * The percentile interval need not contain `point` when the statistic is biased or its bootstrap
 * distribution is skewed; with few runs (say < 5) it is also too narrow, since a resample of n runs
 * only ever holds values already seen.
 *
 * @param scores `scores[run][task]` (tasks are the strata), or per-run scores of one task
 * @param statistic the aggregate, e.g. {@link aggregateIqm} for a matrix or {@link iqm} for runs
 * @param options the generator or seed, `reps` (default 2000) and `confidence` (default 0.95)
 * @throws RangeError naming the argument: bad scores, `reps` not a positive integer, `confidence`
 *   outside (0, 1), no usable `rng`, or a statistic that returns a non-finite number
 *
 * @example
 * ```ts
 * // 5 seeds of one task: 95 % CI of the IQM, reproducible from the seed
 * const ci = stratifiedBootstrapCI([12, 15, 11, 30, 14], iqm, { rng: 7 });
 * // ci.point = 13.666… (cut one each end of [11, 12, 14, 15, 30] → (12 + 14 + 15) / 3), ci.lo ≤ ci.hi
 *
 * // 3 seeds × 2 tasks, IQM over all scores; resampled within each task
 * stratifiedBootstrapCI([[1, 10], [2, 20], [3, 30]], aggregateIqm, { rng: Rng.fromSeed(1), reps: 5000 });
 * ```
 */
export function stratifiedBootstrapCI(
  scores: ArrayLike<number>,
  statistic: (sample: Float64Array) => number,
  options: BootstrapOptions,
): Interval;
export function stratifiedBootstrapCI(
  scores: ScoreMatrix,
  statistic: (sample: number[][]) => number,
  options: BootstrapOptions,
): Interval;
export function stratifiedBootstrapCI(
  scores: ScoreMatrix | ArrayLike<number>,
  statistic: ((sample: Float64Array) => number) | ((sample: number[][]) => number),
  options: BootstrapOptions,
): Interval {
  const fn = 'stratifiedBootstrapCI';
  const cols = toColumns(scores, fn, 'scores');
  if (typeof statistic !== 'function') {
    throw new RangeError(`${fn}: statistic must be a function, got ${describe(statistic)}`);
  }
  const { rng, reps, confidence } = resolveBootstrapOptions(options, fn);
  const matrix = isMatrixInput(scores);
  const apply = (columns: readonly Float64Array[], where: string): number => {
    const v = matrix
      ? (statistic as (s: number[][]) => number)(toRows(columns, cols.runs))
      : (statistic as (s: Float64Array) => number)(columns[0]!);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: statistic must return a finite number, got ${describe(v)} ${where}`);
    }
    return v;
  };
  // The data itself is passed as a copy, so that a statistic that sorts in place cannot reorder it.
  const point = apply(cols.columns.map((c) => c.slice()), 'on the scores');
  const replicates = new Float64Array(reps);
  for (let b = 0; b < reps; b++) replicates[b] = apply(resampleColumns(cols, rng), `on replicate ${b}`);
  const { lo, hi } = percentileInterval(replicates, confidence);
  return { point, lo, hi };
}

/** Whether the caller passed a matrix (rows) rather than a plain array of per-run scores. */
function isMatrixInput(scores: ScoreMatrix | ArrayLike<number>): boolean {
  return !isVector(scores);
}

function allFinite(xs: ArrayLike<unknown>): boolean {
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}
