/**
 * The score matrix: what the aggregate metrics, the stratified bootstrap and the probability of
 * improvement take as input, as in rliable.
 *
 * `scores[run][task]` is the score of run (seed) `run` on task `task`: rows are runs, columns are
 * tasks (the strata of the stratified bootstrap). With one task, a plain array of per-run scores
 * may be given instead, and is read as a runs × 1 matrix.
 *
 * @module
 */
import { describe, isArrayLike } from './validate.js';

/**
 * Scores of one algorithm, `scores[run][task]`: one row per run (seed), one column per task. All rows
 * have the same length. Rows may be plain arrays or Float64Arrays.
 *
 * @example
 * ```ts
 * // 3 seeds × 2 tasks
 * const scores: ScoreMatrix = [
 *   [0.9, 120],
 *   [0.7, 140],
 *   [0.8, 95],
 * ];
 * ```
 */
export type ScoreMatrix = readonly ArrayLike<number>[];

/**
 * A validated score matrix stored by column: `columns[task][run]`, so that each stratum (task) is
 * one contiguous array. Internal representation, not re-exported from the package index.
 *
 * @example
 * ```ts
 * const m = toColumns([[1, 2], [3, 4]], 'bootstrap', 'scores');
 * m.runs;       // 2
 * m.columns[1]; // Float64Array [2, 4]
 * ```
 */
export interface Columns {
  /** Number of runs (rows). */
  readonly runs: number;
  /** Number of tasks (columns). */
  readonly tasks: number;
  /** `columns[task][run]`. */
  readonly columns: readonly Float64Array[];
}

/**
 * Checks `scores` (a {@link ScoreMatrix}, or a plain array of per-run scores for one task) and
 * returns it by column. Every entry must be a finite number, every row the same length, and there
 * must be at least one run and one task.
 *
 * @param fn the calling function's name, for the error message
 * @param name the argument's name, for the error message
 *
 * @example
 * ```ts
 * toColumns([1, 2, 3], 'iqm', 'scores');    // runs 3, tasks 1
 * toColumns([[1, 2]], 'iqm', 'scores');     // runs 1, tasks 2
 * toColumns([[1, 2], [3]], 'iqm', 'scores'); // throws: rows of unequal length
 * ```
 */
export function toColumns(scores: ScoreMatrix | ArrayLike<number>, fn: string, name: string): Columns {
  const head = `${fn}: ${name} must be a non-empty runs × tasks matrix (or an array of per-run scores) of finite numbers`;
  if (!isArrayLike(scores) || scores.length === 0) throw new RangeError(`${head}, got ${describe(scores)}`);
  if (isVector(scores)) {
    const col = new Float64Array(scores.length);
    for (let r = 0; r < scores.length; r++) {
      const v = scores[r];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${head}, got ${describe(scores)} (${name}[${r}] = ${describe(v)})`);
      }
      col[r] = v;
    }
    return { runs: scores.length, tasks: 1, columns: [col] };
  }
  const rows = scores as ScoreMatrix;
  const runs = rows.length;
  const first = rows[0];
  if (!isArrayLike(first) || first.length === 0) {
    throw new RangeError(`${head}, got ${describe(scores)} (${name}[0] = ${describe(first)})`);
  }
  const tasks = first.length;
  const columns = Array.from({ length: tasks }, () => new Float64Array(runs));
  for (let r = 0; r < runs; r++) {
    const row = rows[r];
    if (!isArrayLike(row) || row.length !== tasks) {
      throw new RangeError(
        `${head}, got ${describe(scores)} (${name}[${r}] = ${describe(row)}, expected a row of ${tasks} tasks)`,
      );
    }
    for (let t = 0; t < tasks; t++) {
      const v = row[t];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${head}, got ${describe(scores)} (${name}[${r}][${t}] = ${describe(v)})`);
      }
      columns[t]![r] = v;
    }
  }
  return { runs, tasks, columns };
}

/**
 * Whether `scores` is a plain array of per-run scores (its first entry is a number) rather than a
 * matrix of rows.
 *
 * @example
 * ```ts
 * isVector([1, 2]);   // true
 * isVector([[1, 2]]); // false
 * ```
 */
export function isVector(scores: ScoreMatrix | ArrayLike<number>): scores is ArrayLike<number> {
  return ArrayBuffer.isView(scores) || typeof scores[0] === 'number';
}

/**
 * The runs × tasks rows (`rows[run][task]`) of a matrix held by column.
 *
 * @example
 * ```ts
 * toRows([Float64Array.of(1, 3), Float64Array.of(2, 4)], 2); // [[1, 2], [3, 4]]
 * ```
 */
export function toRows(columns: readonly ArrayLike<number>[], runs: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < runs; r++) {
    const row = new Array<number>(columns.length);
    for (let t = 0; t < columns.length; t++) row[t] = columns[t]![r]!;
    rows.push(row);
  }
  return rows;
}
