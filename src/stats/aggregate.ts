/**
 * Aggregate metrics over a runs × tasks score matrix, as rliable's `metrics.py`. Each is a
 * statistic the stratified bootstrap can put an interval on.
 *
 * - {@link aggregateMean}: mean over tasks of the per-task mean over runs.
 * - {@link aggregateMedian}: median over tasks of the per-task mean over runs.
 * - {@link aggregateIqm}: the IQM of all runs × tasks scores pooled (not per task), as rliable.
 *
 * @module
 */
import { iqm, mean, median } from './iqm.js';
import { toColumns, type ScoreMatrix } from './score-matrix.js';

/**
 * Mean of the per-task sample means (rliable `aggregate_mean`). With equal runs per task this is the
 * mean of all scores.
 *
 * @param scores `scores[run][task]`, or per-run scores of one task
 *
 * @example
 * ```ts
 * aggregateMean([[1, 2], [2, 2], [1, 1], [2, 1]]); // task means 1.5, 1.5 → 1.5
 * ```
 */
export function aggregateMean(scores: ScoreMatrix | ArrayLike<number>): number {
  return mean(taskMeans(scores, 'aggregateMean'));
}

/**
 * Median of the per-task sample means (rliable `aggregate_median`).
 *
 * @param scores `scores[run][task]`, or per-run scores of one task
 *
 * @example
 * ```ts
 * aggregateMedian([[1, 10, 0], [3, 20, 0]]); // task means 2, 15, 0 → median 2
 * ```
 */
export function aggregateMedian(scores: ScoreMatrix | ArrayLike<number>): number {
  return median(taskMeans(scores, 'aggregateMedian'));
}

/**
 * Interquartile mean of all scores pooled over runs and tasks (rliable `aggregate_iqm`:
 * `scipy.stats.trim_mean(scores, 0.25, axis=None)`). See {@link iqm} for the trimming rule.
 *
 * @param scores `scores[run][task]`, or per-run scores of one task
 *
 * @example
 * ```ts
 * aggregateIqm([[1, 1], [2, 2], [3, 3]]); // pooled [1,1,2,2,3,3], cut ⌊1.5⌋ = 1 each end → (1+2+2+3)/4 = 2
 * ```
 */
export function aggregateIqm(scores: ScoreMatrix | ArrayLike<number>): number {
  const { columns, runs, tasks } = toColumns(scores, 'aggregateIqm', 'scores');
  const pooled = new Float64Array(runs * tasks);
  for (let t = 0; t < tasks; t++) pooled.set(columns[t]!, t * runs);
  return iqm(pooled);
}

function taskMeans(scores: ScoreMatrix | ArrayLike<number>, fn: string): Float64Array {
  const { columns } = toColumns(scores, fn, 'scores');
  return Float64Array.from(columns, (c) => mean(c));
}
