/**
 * Reliable statistics for comparing learning curves across seeds, after Agarwal et al. (2021),
 * "Deep Reinforcement Learning at the Edge of the Statistical Precipice" (the rliable library):
 * IQM, stratified bootstrap confidence intervals, probability of improvement, and learning-curve
 * summaries on a common env-step grid.
 *
 * Pure functions over plain number arrays and Float64Arrays; randomness only from an {@link Rng}.
 *
 * @example
 * ```ts
 * import { commonGrid, resampleToGrid, iqmCurveWithBand, finalReturn, iqm, stratifiedBootstrapCI } from './stats/index.js';
 * const grid = commonGrid(50_000, 100);
 * const band = iqmCurveWithBand(runs.map((eps) => resampleToGrid(eps, grid)), { rng: 0 });
 * const final = stratifiedBootstrapCI(runs.map((eps) => finalReturn(eps)), iqm, { rng: 0 });
 * ```
 *
 * @module
 */
export { mean, median, trimCount, trimmedMean, iqm } from './iqm.js';
export { quantile } from './quantile.js';
export type { ScoreMatrix } from './score-matrix.js';
export { aggregateMean, aggregateMedian, aggregateIqm } from './aggregate.js';
export {
  stratifiedBootstrapCI,
  stratifiedResample,
  percentileInterval,
  DEFAULT_REPS,
  DEFAULT_CONFIDENCE,
  type BootstrapOptions,
  type Interval,
} from './bootstrap.js';
export { mannWhitneyU, probabilityOfImprovement, probabilityOfImprovementCI } from './probability-of-improvement.js';
export {
  commonGrid,
  resampleToGrid,
  areaUnderCurve,
  stepsToThreshold,
  finalReturn,
  stayedSolved,
  DEFAULT_WINDOW,
  type Episode,
  type ThresholdResult,
} from './curves.js';
export { iqmCurveWithBand, curveWithBand, type BandPoint, type IqmBandPoint } from './curve-band.js';
