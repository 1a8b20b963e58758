/**
 * The score of a tuning trial: the area under its learning curves, with the curve metrics of
 * `src/stats` (the same curve and normalised area as `compare`'s AUC column).
 *
 * Per run: the curve is the mean return of the last 100 episodes on a grid of 100 evenly spaced env
 * steps up to the rung's budget (`commonGrid`, `resampleToGrid`); grid steps before the run's first
 * finished episode take the value of its first defined point, so that every run of every trial
 * integrates over the same steps (compare trims the grid instead, which needs all runs at hand);
 * the score is the normalised area (`areaUnderCurve`: the curve's average height, in return units).
 * A run that finishes no episode has no score. Per trial: the mean over its seeds, or no score
 * when a seed has none (such a trial ranks last). The mean rather than the IQM: a tune uses few
 * seeds, and for 3 seeds the IQM is the plain mean anyway.
 *
 * The area rewards learning early as well as learning well, which is what a preset is for; the
 * final return is recorded beside it.
 * @module
 */
import { areaUnderCurve, commonGrid, DEFAULT_WINDOW, finalReturn, resampleToGrid, type Episode } from '../stats/index.js';

/** Grid points of a run's curve. */
export const SCORE_GRID_POINTS = 100;

/** The normalised area under one run's curve up to `budget` env steps; null without an episode. */
export function runAuc(episodes: readonly Episode[], budget: number): number | null {
  if (episodes.length === 0) return null;
  const grid = commonGrid(budget, Math.min(SCORE_GRID_POINTS, budget));
  const curve = resampleToGrid(episodes, grid, DEFAULT_WINDOW);
  let first = curve.findIndex((v) => !Number.isNaN(v));
  if (first < 0) first = curve.length - 1;
  const fill = Number.isNaN(curve[first]!) ? finalReturn(episodes, DEFAULT_WINDOW) : curve[first]!;
  for (let g = 0; g < curve.length && Number.isNaN(curve[g]!); g++) curve[g] = fill;
  return areaUnderCurve(grid, curve);
}

/** A trial's score: the mean of its runs' areas; null when any run has none. */
export function trialScore(aucs: readonly (number | null)[]): number | null {
  if (aucs.length === 0 || aucs.some((a) => a === null || !Number.isFinite(a))) return null;
  return (aucs as number[]).reduce((s, a) => s + a, 0) / aucs.length;
}
