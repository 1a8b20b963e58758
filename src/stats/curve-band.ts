/**
 * Aggregate learning curves across seeds with pointwise bootstrap confidence bands, as the
 * sample-efficiency curves of Agarwal et al. (2021) (IQM with 95 % stratified bootstrap
 * CIs at each point of training).
 *
 * Input: one curve per seed on a common step grid (`curvesBySeed[seed][gridPoint]`, e.g. from
 * {@link resampleToGrid} on {@link commonGrid}). At each grid point the statistic (the IQM by
 * default) is taken over the seeds that have a value there, and its interval comes from
 * resampling those seeds with replacement: one task, so the stratified bootstrap is the plain one.
 *
 * NaN-aware: NaN means "no data yet" (no episode had ended by that step). A grid point uses the
 * seeds with a finite value and reports how many in `n`; with none, everything is NaN and n = 0.
 * A band from n = 1 has zero width and no information; read `n` before reading the band. Early
 * points where n is below the number of seeds are also biased toward the seeds that finished an
 * episode first (in CartPole, those whose episodes were short, i.e. the worse ones).
 *
 * The band is pointwise: each grid point is bootstrapped on its own (as rliable, whose stratified
 * bootstrap draws run indices independently at each frame of a runs × tasks × frames array), so
 * 95 % holds at each point, not for the whole curve at once. Each grid point draws from its own
 * child stream (`rng.spawn()`, in grid order), so the band at one point does not depend on how
 * many seeds had data at earlier points.
 *
 * @module
 */
import { resolveBootstrapOptions, percentileInterval, type BootstrapOptions } from './bootstrap.js';
import { iqmInPlace } from './iqm.js';
import { describe, isArrayLike } from './validate.js';

/**
 * The aggregate of the seeds at one grid point, with its confidence band.
 *
 * @example
 * ```ts
 * const p: BandPoint = { value: 2, lo: 1, hi: 3, n: 2 }; // mean of 2 seeds, 95 % band [1, 3]
 * ```
 */
export interface BandPoint {
  /** The statistic over the seeds with data here (the IQM for {@link iqmCurveWithBand}); NaN when n = 0. */
  readonly value: number;
  /** Lower end of the bootstrap interval; NaN when n = 0. */
  readonly lo: number;
  /** Upper end of the bootstrap interval; NaN when n = 0. */
  readonly hi: number;
  /** Number of seeds with a (finite) value at this grid point. */
  readonly n: number;
}

/**
 * One grid point of an IQM curve: {@link BandPoint} with the value named `iqm`.
 *
 * @example
 * ```ts
 * const band: IqmBandPoint[] = iqmCurveWithBand(curves, { rng: 0 });
 * const drawable = band.filter((p) => p.n >= 3); // hide points backed by fewer than 3 seeds
 * ```
 */
export interface IqmBandPoint {
  /** IQM over the seeds with data here; NaN when n = 0. */
  readonly iqm: number;
  /** Lower end of the bootstrap interval; NaN when n = 0. */
  readonly lo: number;
  /** Upper end of the bootstrap interval; NaN when n = 0. */
  readonly hi: number;
  /** Number of seeds with a (finite) value at this grid point. */
  readonly n: number;
}

/**
 * Per grid point, the IQM over seeds and its stratified-bootstrap percentile interval (see the
 * module doc for the NaN rule and the pointwise band). The IQM is `scipy.stats.trim_mean(·, 0.25)`:
 * with fewer than 4 seeds at a point it is their plain mean.
 *
 * @param curvesBySeed `curvesBySeed[seed][gridPoint]`: one curve per seed, all the same length;
 *   finite numbers or NaN
 * @param options the generator or seed, `reps` (default 2000) and `confidence` (default 0.95)
 *
 * @example
 * ```ts
 * const grid = commonGrid(100_000, 50);
 * const curves = runs.map((episodes) => resampleToGrid(episodes, grid));
 * const band = iqmCurveWithBand(curves, { rng: 0 });
 * band[49]; // { iqm, lo, hi, n: runs.length } at step 100 000
 * ```
 */
export function iqmCurveWithBand(
  curvesBySeed: readonly ArrayLike<number>[],
  options: BootstrapOptions,
): IqmBandPoint[] {
  return bandPoints(curvesBySeed, iqmInPlace, options, 'iqmCurveWithBand').map(
    ({ value, lo, hi, n }) => ({ iqm: value, lo, hi, n }),
  );
}

/**
 * Per grid point, any statistic over seeds (e.g. {@link mean}, {@link median}) and its bootstrap
 * percentile interval, with the same NaN rule and pointwise band as {@link iqmCurveWithBand}.
 *
 * @param curvesBySeed `curvesBySeed[seed][gridPoint]`, all the same length; finite numbers or NaN
 * @param statistic called with the finite values at one grid point (at least one); must return a
 *   finite number and must not keep its argument
 * @param options the generator or seed, `reps` (default 2000) and `confidence` (default 0.95)
 *
 * @example
 * ```ts
 * curveWithBand([[1, 2], [3, NaN]], mean, { rng: 1 });
 * // [{ value: 2, lo: 1, hi: 3, n: 2 }, { value: 2, lo: 2, hi: 2, n: 1 }]
 * ```
 */
export function curveWithBand(
  curvesBySeed: readonly ArrayLike<number>[],
  statistic: (values: Float64Array) => number,
  options: BootstrapOptions,
): BandPoint[] {
  if (typeof statistic !== 'function') {
    throw new RangeError(`curveWithBand: statistic must be a function, got ${describe(statistic)}`);
  }
  return bandPoints(curvesBySeed, statistic, options, 'curveWithBand');
}

function bandPoints(
  curvesBySeed: readonly ArrayLike<number>[],
  statistic: (values: Float64Array) => number,
  options: BootstrapOptions,
  fn: string,
): BandPoint[] {
  const points = checkCurves(curvesBySeed, fn);
  const { rng, reps, confidence } = resolveBootstrapOptions(options, fn);
  const apply = (values: Float64Array, g: number): number => {
    const v = statistic(values);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: statistic must return a finite number, got ${describe(v)} at grid point ${g}`);
    }
    return v;
  };
  const out: BandPoint[] = [];
  const present = new Float64Array(curvesBySeed.length);
  for (let g = 0; g < points; g++) {
    const child = rng.spawn();
    let n = 0;
    for (const curve of curvesBySeed) {
      const v = curve[g]!;
      if (!Number.isNaN(v)) present[n++] = v;
    }
    if (n === 0) {
      out.push({ value: NaN, lo: NaN, hi: NaN, n: 0 });
      continue;
    }
    const values = present.slice(0, n);
    const value = apply(values.slice(), g);
    // One buffer reused for every replicate (the statistic may sort it, and must not keep it). The
    // draws are those of the stratified bootstrap with one task: n × rng.integers(n) per replicate.
    const sample = new Float64Array(n);
    const replicates = new Float64Array(reps);
    for (let b = 0; b < reps; b++) {
      for (let r = 0; r < n; r++) sample[r] = values[child.integers(n)]!;
      replicates[b] = apply(sample, g);
    }
    const { lo, hi } = percentileInterval(replicates, confidence);
    out.push({ value, lo, hi, n });
  }
  return out;
}

/** Checks the curves (non-empty, equal lengths, finite or NaN) and returns the number of grid points. */
function checkCurves(curves: unknown, fn: string): number {
  const head = `${fn}: curvesBySeed must be a non-empty array of equal-length curves of finite numbers or NaN`;
  if (!Array.isArray(curves) || curves.length === 0) throw new RangeError(`${head}, got ${describe(curves)}`);
  const first: unknown = curves[0];
  if (!isArrayLike(first)) throw new RangeError(`${head}, got curvesBySeed[0] = ${describe(first)}`);
  const points = first.length;
  for (let s = 0; s < curves.length; s++) {
    const c: unknown = curves[s];
    if (!isArrayLike(c) || c.length !== points) {
      throw new RangeError(`${head}, got curvesBySeed[${s}] = ${describe(c)} (expected length ${points})`);
    }
    for (let g = 0; g < points; g++) {
      const v = c[g];
      if (typeof v !== 'number' || v === Infinity || v === -Infinity) {
        throw new RangeError(`${head}, got curvesBySeed[${s}][${g}] = ${describe(v)}`);
      }
    }
  }
  return points;
}
