/**
 * Sample quantiles with linear interpolation, as NumPy's default (`np.quantile(x, q)`,
 * `method='linear'`; Hyndman & Fan 1996 type 7, R's default).
 *
 * For n sorted values x₀ ≤ … ≤ xₙ₋₁ the q-quantile sits at position h = (n − 1)·q:
 *
 *     Q(q) = x⌊h⌋ + (h − ⌊h⌋) · (x⌊h⌋₊₁ − x⌊h⌋)
 *
 * so Q(0) is the minimum, Q(1) the maximum and Q(½) the usual median. The percentile bootstrap
 * (`arch.bootstrap`, which rliable calls) reads its interval ends off `np.percentile` with this rule.
 *
 * @module
 */
import { assertFiniteArray, describe } from './validate.js';

/**
 * The q-quantile of values that are already sorted ascending, by linear interpolation. No checks:
 * for callers that sort once and read several quantiles (the bootstrap's two interval ends).
 *
 * @param sorted finite numbers in ascending order, at least one
 * @param q a probability in [0, 1]
 *
 * @example
 * ```ts
 * quantileOfSorted([1, 2, 3, 4], 0.25); // h = 3·0.25 = 0.75 → 1 + 0.75·(2 − 1) = 1.75
 * ```
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo >= sorted.length - 1) return a;
  const b = sorted[lo + 1]!;
  const t = h - lo;
  // NumPy's lerp: from the nearer end, so that Q is exact at both ends and monotone in q.
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

/**
 * The q-quantile of `values` (any order), by linear interpolation as NumPy's default.
 *
 * @param values a non-empty array of finite numbers; not modified
 * @param q a probability in [0, 1]
 * @throws RangeError naming the argument when `values` is empty or holds a non-finite number, or
 *   when `q` is outside [0, 1]
 *
 * @example
 * ```ts
 * quantile([4, 1, 3, 2], 0.25); // sorted [1, 2, 3, 4], h = 0.75 → 1.75 (np.quantile gives 1.75)
 * quantile([4, 1, 3, 2], 0.5);  // 2.5
 * ```
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  assertFiniteArray(values, 'quantile', 'values');
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
    throw new RangeError(`quantile: q must be a number in [0, 1], got ${describe(q)}`);
  }
  return quantileOfSorted(sortedCopy(values), q);
}

/**
 * An ascending sorted copy of `values` as a Float64Array (numeric order, not string order).
 *
 * @example
 * ```ts
 * sortedCopy([10, 9, 1]); // Float64Array [1, 9, 10]
 * ```
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
