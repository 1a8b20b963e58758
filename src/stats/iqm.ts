/**
 * Location statistics of one sample: mean, median, trimmed mean and the interquartile mean (IQM).
 *
 * The IQM is the aggregate that Agarwal et al. (2021), "Deep Reinforcement Learning at the Edge of
 * the Statistical Precipice", NeurIPS, recommend over the mean (swayed by outliers) and the median
 * (high variance with few runs). rliable computes it as `scipy.stats.trim_mean(x, 0.25)`, and so do
 * we, exactly:
 *
 * - cut k = ⌊0.25·n⌋ values from each end of the sorted sample (Python's `int()`, which truncates);
 * - average the n − 2k values left.
 *
 * So n = 1, 2, 3 cut nothing (the IQM is the plain mean), n = 4…7 cut one from each end, n = 8…11
 * cut two. This is not the "interpolated" IQM that weights the boundary values fractionally when
 * 4 ∤ n; it matches the numbers rliable prints.
 *
 * @module
 */
import { quantileOfSorted, sortedCopy } from './quantile.js';
import { assertFiniteArray, describe } from './validate.js';

/**
 * The arithmetic mean.
 *
 * @param values a non-empty array of finite numbers
 * @throws RangeError `mean: values must be a non-empty array of finite numbers, got …`
 *
 * @example
 * ```ts
 * mean([1, 2, 3, 10]); // 16 / 4 = 4
 * ```
 */
export function mean(values: ArrayLike<number>): number {
  assertFiniteArray(values, 'mean', 'values');
  return meanOf(values, 0, values.length);
}

/**
 * The median, as `np.median`: the middle value, or the mean of the two middle values when n is even.
 *
 * @param values a non-empty array of finite numbers; not modified
 * @throws RangeError `median: values must be a non-empty array of finite numbers, got …`
 *
 * @example
 * ```ts
 * median([3, 1, 2]);     // 2
 * median([4, 1, 3, 2]);  // (2 + 3) / 2 = 2.5
 * ```
 */
export function median(values: ArrayLike<number>): number {
  assertFiniteArray(values, 'median', 'values');
  return quantileOfSorted(sortedCopy(values), 0.5);
}

/**
 * How many values a trimmed mean cuts from each end of a sample of size n: ⌊proportion·n⌋, as
 * `scipy.stats.trim_mean` (Python's `int(proportion * n)`).
 *
 * @param n the sample size, a positive integer
 * @param proportion the fraction cut from each end, in [0, 0.5); default 0.25 (the IQM)
 *
 * @example
 * ```ts
 * trimCount(4);  // ⌊1⌋    = 1
 * trimCount(7);  // ⌊1.75⌋ = 1
 * trimCount(8);  // ⌊2⌋    = 2
 * trimCount(3);  // ⌊0.75⌋ = 0: n < 4 trims nothing
 * ```
 */
export function trimCount(n: number, proportion = 0.25): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`trimCount: n must be a positive integer, got ${describe(n)}`);
  }
  assertProportion(proportion, 'trimCount');
  return Math.floor(proportion * n);
}

/**
 * The trimmed mean: the mean of the sorted values left after cutting {@link trimCount}(n,
 * proportion) values from each end. Equal to `scipy.stats.trim_mean(values, proportion)`.
 *
 * Departure from SciPy: SciPy accepts any proportion for which something is left (it raises
 * "Proportion too big" otherwise, which depends on n); here proportion must be in [0, 0.5), for
 * which something is always left, so the error never depends on the data.
 *
 * @param values a non-empty array of finite numbers; not modified
 * @param proportion the fraction cut from each end, in [0, 0.5)
 *
 * @example
 * ```ts
 * trimmedMean([1, 2, 3, 4, 100], 0.2); // cut ⌊1⌋ = 1 each end → (2 + 3 + 4) / 3 = 3
 * trimmedMean([1, 2, 3], 0.1);         // cut ⌊0.3⌋ = 0 → 2
 * ```
 */
export function trimmedMean(values: ArrayLike<number>, proportion: number): number {
  assertFiniteArray(values, 'trimmedMean', 'values');
  assertProportion(proportion, 'trimmedMean');
  return trimmedMeanUnchecked(values, proportion);
}

/**
 * The interquartile mean: the 25 % trimmed mean, exactly `scipy.stats.trim_mean(values, 0.25)` as
 * rliable's `aggregate_iqm` computes it. ⌊n/4⌋ values are cut from each end; for n < 4 nothing is
 * cut and the IQM is the plain mean (so with 1–3 runs it has no robustness to outliers).
 *
 * @param values a non-empty array of finite numbers (e.g. one score per run); not modified
 * @throws RangeError `iqm: values must be a non-empty array of finite numbers, got []`
 *
 * @example
 * ```ts
 * iqm([1, 2, 3, 4, 5, 6, 7, 8]); // cut 2 each end → (3 + 4 + 5 + 6) / 4 = 4.5
 * iqm([1, 2, 3, 4, 100]);        // cut 1 each end → (2 + 3 + 4) / 3 = 3
 * iqm([1, 2, 30]);               // n < 4: nothing cut → 11
 * ```
 */
export function iqm(values: ArrayLike<number>): number {
  assertFiniteArray(values, 'iqm', 'values');
  return trimmedMeanUnchecked(values, 0.25);
}

/**
 * {@link trimmedMean} without argument checks, for callers that have checked already (the bootstrap
 * loop, which calls it thousands of times on data it validated once). Not re-exported from the
 * package index.
 *
 * @example
 * ```ts
 * trimmedMeanUnchecked([1, 2, 3, 4, 100], 0.25); // 3
 * ```
 */
export function trimmedMeanUnchecked(values: ArrayLike<number>, proportion: number): number {
  const n = values.length;
  const k = Math.floor(proportion * n);
  if (k === 0) return meanOf(values, 0, n);
  const sorted = sortedCopy(values);
  return meanOf(sorted, k, n - k);
}

/**
 * The IQM of `buffer`, sorting it in place to avoid a copy; no checks. For bootstrap loops that
 * refill one scratch buffer per replicate. Not re-exported from the package index.
 *
 * @example
 * ```ts
 * const buf = Float64Array.of(100, 1, 4, 2, 3);
 * iqmInPlace(buf); // 3, and buf is now [1, 2, 3, 4, 100]
 * ```
 */
export function iqmInPlace(buffer: Float64Array): number {
  const n = buffer.length;
  const k = Math.floor(0.25 * n);
  if (k === 0) return meanOf(buffer, 0, n);
  buffer.sort();
  return meanOf(buffer, k, n - k);
}

/** Mean of `xs[from..to)`; no checks. */
function meanOf(xs: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s / (to - from);
}

function assertProportion(p: unknown, fn: string): void {
  if (typeof p !== 'number' || !(p >= 0 && p < 0.5)) {
    throw new RangeError(`${fn}: proportion must be a number in [0, 0.5), got ${describe(p)}`);
  }
}
