/**
 * Learning-curve utilities over finished episodes.
 *
 * A run's curve is given as its episodes in the order they ended: `{ step, return }`, where `step` is
 * the cumulative number of env steps when the episode ended (the x-axis counts env steps, never
 * episodes) and `return` its undiscounted return. Steps must be non-decreasing; several episodes
 * may end on the same step (sub-envs of a vector env).
 *
 * To compare runs, each is put on one common step grid ({@link commonGrid}, {@link resampleToGrid});
 * summaries per run are the normalised area under that curve ({@link areaUnderCurve}), the final
 * return ({@link finalReturn}) and the steps needed to reach a return threshold
 * ({@link stepsToThreshold}).
 *
 * Window rules. The grid curve and the final return average the last `window` episodes, or all of
 * them while fewer have finished: the curve is descriptive and should show early learning. The
 * threshold test is a criterion, and follows Gymnasium's "solved" rule (e.g. CartPole-v1: average
 * return ≥ 475 over 100 consecutive episodes): it needs `window` full episodes.
 *
 * @module
 */
import { assertFinite, assertFiniteArray, assertInteger, describe, isArrayLike } from './validate.js';

/**
 * One finished episode of a run.
 *
 * @example
 * ```ts
 * // from the broadcast's episode events:
 * const episodes: Episode[] = events.map((e) => ({ step: e.envSteps, return: e.return }));
 * ```
 */
export interface Episode {
  /** Cumulative env steps of the run when the episode ended. */
  readonly step: number;
  /** The episode's (undiscounted) return. */
  readonly return: number;
}

/**
 * The result of {@link stepsToThreshold}: reached at an env step, or not reached.
 *
 * @example
 * ```ts
 * const r: ThresholdResult = stepsToThreshold(episodes, 475);
 * const label = r.reached ? `${r.step} steps` : 'not reached';
 * ```
 */
export type ThresholdResult = { readonly reached: true; readonly step: number } | { readonly reached: false };

/**
 * Default moving-average window, in episodes: 100, as Gymnasium's `RecordEpisodeStatistics` buffer
 * and its "solved" criteria (average over 100 consecutive episodes).
 *
 * @example
 * ```ts
 * resampleToGrid(episodes, grid, DEFAULT_WINDOW / 10); // a more responsive curve over 10 episodes
 * ```
 */
export const DEFAULT_WINDOW = 100;

/**
 * A grid of `points` evenly spaced env steps ending at `maxStep`: step k·maxStep/points for
 * k = 1…points, each rounded to the nearest whole step. Step 0 is left out (no episode has ended
 * there, so every curve would be NaN). When `points` divides `maxStep` the spacing is exact;
 * otherwise neighbouring gaps differ by at most one step. The grid is strictly increasing because
 * `points` ≤ `maxStep`.
 *
 * @param maxStep the last grid step (e.g. the run's env-step budget), a positive integer
 * @param points the number of grid points, an integer in [1, maxStep]
 *
 * @example
 * ```ts
 * commonGrid(1000, 4); // Float64Array [250, 500, 750, 1000]
 * commonGrid(10, 3);   // [3, 7, 10]  (3.33…, 6.66…, 10 rounded)
 * ```
 */
export function commonGrid(maxStep: number, points: number): Float64Array {
  assertInteger(maxStep, 'commonGrid', 'maxStep', 1);
  assertInteger(points, 'commonGrid', 'points', 1);
  if (points > maxStep) {
    throw new RangeError(`commonGrid: points must be <= maxStep (${maxStep}), got ${points}`);
  }
  const grid = new Float64Array(points);
  for (let k = 1; k <= points; k++) grid[k - 1] = Math.round((k * maxStep) / points);
  return grid;
}

/**
 * A run's learning curve on a step grid: at each grid step g, the mean return of the last `window`
 * episodes that ended at or before g (all of them while fewer than `window` have ended), and NaN
 * where no episode has ended yet.
 *
 * @param episodes the run's episodes, sorted by `step`
 * @param grid strictly increasing finite env steps, e.g. from {@link commonGrid}
 * @param window episodes averaged, a positive integer; default 100 ({@link DEFAULT_WINDOW})
 * @returns one value per grid step
 *
 * @example
 * ```ts
 * const eps = [{ step: 10, return: 1 }, { step: 20, return: 3 }, { step: 30, return: 5 }];
 * resampleToGrid(eps, [5, 20, 25, 40], 2);
 * // [NaN,  (1 + 3)/2 = 2,  2,  (3 + 5)/2 = 4]
 * ```
 */
export function resampleToGrid(
  episodes: readonly Episode[],
  grid: ArrayLike<number>,
  window: number = DEFAULT_WINDOW,
): Float64Array {
  const fn = 'resampleToGrid';
  checkEpisodes(episodes, fn);
  checkGrid(grid, fn);
  assertInteger(window, fn, 'window', 1);
  const out = new Float64Array(grid.length);
  let ended = 0; // number of episodes with step <= the current grid step
  for (let g = 0; g < grid.length; g++) {
    const at = grid[g]!;
    while (ended < episodes.length && episodes[ended]!.step <= at) ended++;
    out[g] = ended === 0 ? NaN : meanReturn(episodes, Math.max(0, ended - window), ended);
  }
  return out;
}

/**
 * The normalised area under a curve on a grid: the trapezoid-rule integral divided by the grid's
 * span (last step − first step), i.e. the curve's average height over the grid, in return units.
 * Normalising makes runs with different budgets comparable and keeps the number readable (a run
 * that returns 200 throughout scores 200). A one-point grid has no span; its value is returned.
 *
 * Where the curve is undefined (a NaN value, e.g. before a run's first episode) the area is too,
 * and NaN is returned; trim the grid to where every run has data to compare areas.
 *
 * @param grid strictly increasing finite steps
 * @param values the curve at each grid step (same length); NaN allowed, ±Infinity not
 *
 * @example
 * ```ts
 * // linear ramp 0, 2, 4, 6, 8 on steps 0..4: area = ½·4·8 = 16, span 4 → 4
 * areaUnderCurve([0, 1, 2, 3, 4], [0, 2, 4, 6, 8]); // 4
 * ```
 */
export function areaUnderCurve(grid: ArrayLike<number>, values: ArrayLike<number>): number {
  const fn = 'areaUnderCurve';
  checkGrid(grid, fn);
  if (!isArrayLike(values) || values.length !== grid.length) {
    throw new RangeError(`${fn}: values must be an array as long as grid (${grid.length}), got ${describe(values)}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || v === Infinity || v === -Infinity) {
      throw new RangeError(`${fn}: values must be finite numbers or NaN, got ${describe(values)} (values[${i}] = ${describe(v)})`);
    }
  }
  if (grid.length === 1) return values[0]!;
  let area = 0;
  for (let i = 1; i < grid.length; i++) area += ((values[i - 1]! + values[i]!) / 2) * (grid[i]! - grid[i - 1]!);
  return area / (grid[grid.length - 1]! - grid[0]!);
}

/**
 * The first env step at which the moving average of the last `window` episode returns reaches
 * (≥) `threshold`: the `step` of the episode that completes the first such window. Only full
 * windows count (Gymnasium's "solved" rule), so a run with fewer than `window` episodes never
 * reaches it.
 *
 * @param episodes the run's episodes, sorted by `step`
 * @param threshold the return to reach, finite
 * @param window consecutive episodes averaged, a positive integer; default 100
 * @returns `{ reached: true, step }` or `{ reached: false }`
 *
 * @example
 * ```ts
 * const eps = [1, 2, 3, 4].map((r, i) => ({ step: 10 * (i + 1), return: r }));
 * stepsToThreshold(eps, 2.5, 2); // windows (1,2)=1.5, (2,3)=2.5 ≥ 2.5 → { reached: true, step: 30 }
 * stepsToThreshold(eps, 5, 2);   // best window (3,4) = 3.5 → { reached: false }
 * ```
 */
export function stepsToThreshold(
  episodes: readonly Episode[],
  threshold: number,
  window: number = DEFAULT_WINDOW,
): ThresholdResult {
  const fn = 'stepsToThreshold';
  checkEpisodes(episodes, fn);
  assertFinite(threshold, fn, 'threshold');
  assertInteger(window, fn, 'window', 1);
  // The window mean is summed afresh at each episode, not kept as a running sum, so that a window
  // exactly at the threshold is not missed through accumulated rounding. Cost O(episodes × window).
  for (let end = window; end <= episodes.length; end++) {
    if (meanReturn(episodes, end - window, end) >= threshold) return { reached: true, step: episodes[end - 1]!.step };
  }
  return { reached: false };
}

/**
 * The mean return of the last `window` episodes (all of them when fewer have finished), or NaN for
 * a run with no finished episode, which is its grid curve's last value (see {@link resampleToGrid}).
 *
 * @param episodes the run's episodes, sorted by `step`
 * @param window episodes averaged, a positive integer; default 100
 *
 * @example
 * ```ts
 * const eps = [5, 1, 2, 3].map((r, i) => ({ step: i + 1, return: r }));
 * finalReturn(eps, 3); // (1 + 2 + 3) / 3 = 2
 * finalReturn([], 3);  // NaN
 * ```
 */
export function finalReturn(episodes: readonly Episode[], window: number = DEFAULT_WINDOW): number {
  checkEpisodes(episodes, 'finalReturn');
  assertInteger(window, 'finalReturn', 'window', 1);
  if (episodes.length === 0) return NaN;
  return meanReturn(episodes, Math.max(0, episodes.length - window), episodes.length);
}

/**
 * Whether a run stays solved: of the `window`-episode windows from the first one whose mean reaches
 * `threshold` to the last one of the run (windows slide by one episode), the share whose mean is at
 * or above `threshold`. The first solving window counts, so a run that solves and never drops has
 * share 1; a run that never solves has `windows` 0 and share NaN (it has nothing to stay at).
 *
 * This is the stability measure of `compare`'s statistics, beside the final return: a curve that
 * reaches the threshold and then drifts below it has a share well under 1.
 *
 * @param episodes the run's episodes, sorted by `step`
 * @param threshold the return a window must reach (e.g. the env's reward threshold)
 * @param window episodes per window, a positive integer; default 100
 *
 * @example
 * ```ts
 * const eps = [1, 3, 3, 1, 3].map((r, i) => ({ step: i + 1, return: r }));
 * stayedSolved(eps, 2.5, 2); // windows (3,3), (3,1), (1,3) from the first solve → { windows: 3, above: 1, share: 1/3 }
 * ```
 */
export function stayedSolved(
  episodes: readonly Episode[],
  threshold: number,
  window: number = DEFAULT_WINDOW,
): { readonly windows: number; readonly above: number; readonly share: number } {
  const fn = 'stayedSolved';
  checkEpisodes(episodes, fn);
  assertFinite(threshold, fn, 'threshold');
  assertInteger(window, fn, 'window', 1);
  let windows = 0;
  let above = 0;
  for (let end = window; end <= episodes.length; end++) {
    const ok = meanReturn(episodes, end - window, end) >= threshold;
    if (windows === 0 && !ok) continue;
    windows += 1;
    if (ok) above += 1;
  }
  return { windows, above, share: windows === 0 ? NaN : above / windows };
}

/** Mean of `episodes[from..to).return`; no checks. */
function meanReturn(episodes: readonly Episode[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += episodes[i]!.return;
  return s / (to - from);
}

/** Checks an array of episodes (empty allowed): finite steps >= 0, finite returns, steps non-decreasing. */
function checkEpisodes(episodes: unknown, fn: string): asserts episodes is readonly Episode[] {
  if (!Array.isArray(episodes)) {
    throw new RangeError(`${fn}: episodes must be an array of { step, return }, got ${describe(episodes)}`);
  }
  let prev = -Infinity;
  for (let i = 0; i < episodes.length; i++) {
    const e: unknown = episodes[i];
    const step = (e as { step?: unknown } | null)?.step;
    const ret = (e as { return?: unknown } | null)?.return;
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0 || typeof ret !== 'number' || !Number.isFinite(ret)) {
      throw new RangeError(
        `${fn}: episodes must be { step, return } with a finite step >= 0 and a finite return, got episodes[${i}] = ${describe(e)}`,
      );
    }
    if (step < prev) {
      throw new RangeError(`${fn}: episodes must be sorted by step, got episodes[${i}].step = ${step} after ${prev}`);
    }
    prev = step;
  }
}

function checkGrid(grid: unknown, fn: string): asserts grid is ArrayLike<number> {
  assertFiniteArray(grid, fn, 'grid');
  for (let i = 1; i < grid.length; i++) {
    if (!(grid[i]! > grid[i - 1]!)) {
      throw new RangeError(
        `${fn}: grid must be strictly increasing, got ${describe(grid)} (grid[${i}] = ${grid[i]} after ${grid[i - 1]})`,
      );
    }
  }
}
