/**
 * Average probability of improvement, P(X > Y), of Agarwal et al. (2021), as rliable's
 * `metrics.probability_of_improvement`.
 *
 * For one task m, with runs x₁…x_N of algorithm X and y₁…y_K of algorithm Y,
 *
 *     P(X_m > Y_m) = U_m / (N·K),   U_m = Σᵢ Σⱼ S(xᵢ, yⱼ),   S(x, y) = 1 if x > y, ½ if x = y, 0 if x < y
 *
 * U_m is the Mann–Whitney U statistic of X (`scipy.stats.mannwhitneyu(x, y).statistic`, which
 * gives ties ½ through mid-ranks). The reported value is the mean of P(X_m > Y_m) over tasks. It says
 * how likely a run of X beats a run of Y on a task picked at random, not by how much; 0.5 means
 * neither is ahead. rliable returns 0.5 outright when X and Y have identical scores on a task; the
 * formula gives the same, since then P(X > Y) = P(Y > X) and the ties split evenly.
 *
 * The interval resamples X and Y independently, each stratified by task (rliable's
 * `StratifiedIndependentBootstrap`), since the runs of two algorithms are not paired.
 *
 * @module
 */
import { percentileInterval, resampleColumns, resolveBootstrapOptions, type BootstrapOptions, type Interval } from './bootstrap.js';
import { toColumns, type Columns, type ScoreMatrix } from './score-matrix.js';
import { assertFiniteArray } from './validate.js';

/**
 * The Mann–Whitney U statistic of `x` against `y`: the number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ, plus
 * half the number of tied pairs. U / (x.length·y.length) estimates P(X > Y) + ½P(X = Y).
 *
 * Computed by sorting `y` and binary-searching each xᵢ: O((N + K) log K), exact (the counts are
 * integers and halves, all representable).
 *
 * @param x scores of algorithm X, a non-empty array of finite numbers
 * @param y scores of algorithm Y, a non-empty array of finite numbers
 *
 * @example
 * ```ts
 * // x = [1, 2, 2], y = [1, 2]:
 * //   x=1: vs 1 tie ½, vs 2 loss 0      → ½
 * //   x=2: vs 1 win 1, vs 2 tie ½ (×2)  → 3
 * mannWhitneyU([1, 2, 2], [1, 2]); // 3.5; P = 3.5 / 6
 * ```
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assertFiniteArray(x, 'mannWhitneyU', 'x');
  assertFiniteArray(y, 'mannWhitneyU', 'y');
  return uStatistic(x, Float64Array.from(y).sort());
}

/**
 * Average probability of improvement of X over Y: the mean over tasks of U_m / (N·K) (see the module
 * doc). X and Y may have different numbers of runs, but must have the same tasks in the same order.
 *
 * @param x `x[run][task]` scores of algorithm X, or per-run scores of one task
 * @param y `y[run][task]` scores of algorithm Y, or per-run scores of one task
 * @throws RangeError when a matrix is malformed or the task counts differ
 *
 * @example
 * ```ts
 * // rliable's own test: 4 runs × 2 tasks against 3 runs × 2 tasks
 * probabilityOfImprovement(
 *   [[1, 2], [2, 2], [1, 1], [2, 1]],
 *   [[1, 1], [2, 2], [3, 3]],
 * ); // 1/3: on each task x = {1, 1, 2, 2} vs y = {1, 2, 3} gives U = 2·½ + 2·(1 + ½) = 4, 4/12
 * ```
 */
export function probabilityOfImprovement(
  x: ScoreMatrix | ArrayLike<number>,
  y: ScoreMatrix | ArrayLike<number>,
): number {
  const [cx, cy] = checkPair(x, y, 'probabilityOfImprovement');
  return poi(cx.columns, cy.columns);
}

/**
 * Average probability of improvement of X over Y with a stratified bootstrap percentile interval:
 * each replicate resamples the runs of X within each task and, independently, the runs of Y within
 * each task, then recomputes {@link probabilityOfImprovement}. Draw order per replicate: all of X
 * (task by task), then all of Y.
 *
 * @param x `x[run][task]` scores of algorithm X, or per-run scores of one task
 * @param y `y[run][task]` scores of algorithm Y, or per-run scores of one task
 * @param options the generator or seed, `reps` (default 2000) and `confidence` (default 0.95)
 *
 * @example
 * ```ts
 * const ci = probabilityOfImprovementCI([5, 6, 7, 8], [1, 2, 3, 9], { rng: 0 });
 * // ci.point = 12/16 = 0.75 (each of 5..8 beats 1, 2, 3 and loses to 9); ci.lo ≤ 0.75 ≤ ci.hi
 * // An interval above 0.5 says X is better with the stated confidence.
 * ```
 */
export function probabilityOfImprovementCI(
  x: ScoreMatrix | ArrayLike<number>,
  y: ScoreMatrix | ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  const fn = 'probabilityOfImprovementCI';
  const [cx, cy] = checkPair(x, y, fn);
  const { rng, reps, confidence } = resolveBootstrapOptions(options, fn);
  const point = poi(cx.columns, cy.columns);
  const replicates = new Float64Array(reps);
  for (let b = 0; b < reps; b++) {
    const sx = resampleColumns(cx, rng);
    const sy = resampleColumns(cy, rng);
    replicates[b] = poi(sx, sy);
  }
  const { lo, hi } = percentileInterval(replicates, confidence);
  return { point, lo, hi };
}

function checkPair(
  x: ScoreMatrix | ArrayLike<number>,
  y: ScoreMatrix | ArrayLike<number>,
  fn: string,
): [Columns, Columns] {
  const cx = toColumns(x, fn, 'x');
  const cy = toColumns(y, fn, 'y');
  if (cx.tasks !== cy.tasks) {
    throw new RangeError(`${fn}: x and y must have the same number of tasks, got ${cx.tasks} and ${cy.tasks}`);
  }
  return [cx, cy];
}

/** Mean over tasks of U/(N·K); no checks. */
function poi(xs: readonly Float64Array[], ys: readonly Float64Array[]): number {
  let s = 0;
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    const y = ys[t]!.slice().sort();
    s += uStatistic(x, y) / (x.length * y.length);
  }
  return s / xs.length;
}

/** U of x against ascending `sortedY`; no checks. */
function uStatistic(x: ArrayLike<number>, sortedY: Float64Array): number {
  let u = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const below = firstIndex(sortedY, (w) => w >= v); // number of y < v
    const atOrBelow = firstIndex(sortedY, (w) => w > v); // number of y <= v
    u += below + 0.5 * (atOrBelow - below);
  }
  return u;
}

/** The first index i of ascending `xs` with pred(xs[i]) true (pred monotone), or xs.length. */
function firstIndex(xs: Float64Array, pred: (w: number) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(xs[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
