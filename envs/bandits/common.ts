/**
 * What the bandits in this folder share: the `info` they report, option checking with errors that
 * name the argument and the value, and the one-line text render.
 *
 * Internal to `envs/bandits`: `index.ts` re-exports only the info types.
 *
 * @module
 */
import { describeValue } from '../../src/core/spaces.js';

/**
 * `info` returned by a bandit's `reset`: the task instance as it stands for the coming pull.
 */
export type BanditResetInfo = {
  /** Index of the arm with the highest mean (the lowest such index when several tie). */
  readonly optimalArm: number;
  /** A copy of the arm means, one per arm (for a contextual bandit: the current context's row). */
  readonly means: number[];
};

/**
 * `info` returned by a bandit's `step`. Every field describes the pull just made, with the means
 * that produced its reward (for the non-stationary bandit: before this step's random-walk move).
 */
export type BanditStepInfo = BanditResetInfo & {
  /** Expected regret of the pull: best mean − mean of the chosen arm (≥ 0). */
  readonly regret: number;
  /** Whether the chosen arm has the best mean (true for every arm that ties for best). */
  readonly optimal: boolean;
};

/** Render modes the bandits accept: text only. */
export type BanditRenderMode = 'ansi';

/** The last pull, kept for `render`. */
export interface Pull {
  /** The arm pulled. */
  readonly action: number;
  /** The reward it paid. */
  readonly reward: number;
  /** Its expected regret. */
  readonly regret: number;
}

/**
 * Checks that `options` is an object (or undefined) whose keys are all in `known`.
 * @returns the options as a record (empty when undefined)
 */
export function readOptions(env: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${env}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${env}: unknown option '${key}'; known options are ${known.join(', ')}`);
  }
  return options as Record<string, unknown>;
}

/** `value` if it is a positive integer, `fallback` if it is undefined; throws otherwise. */
export function positiveInteger(env: string, arg: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${env}: ${arg} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` if it is a finite number ≥ `min`, `fallback` if it is undefined; throws otherwise. */
export function finiteNumber(env: string, arg: string, value: unknown, fallback: number, min = -Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const need = min === -Infinity ? 'a finite number' : `a finite number >= ${min}`;
    throw new RangeError(`${env}: ${arg} must be ${need}, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` if it is `'ansi'` or undefined; throws otherwise. */
export function renderModeOption(env: string, value: unknown): BanditRenderMode | undefined {
  if (value === undefined || value === 'ansi') return value;
  throw new RangeError(`${env}: renderMode must be 'ansi' or undefined, got ${describeValue(value)}`);
}

/** Whether `x` is an array or a numeric typed array. */
function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** Entry checks for {@link numberVector}: a predicate and the words for its error message. */
export interface EntryRule {
  /** Whether a number is acceptable. */
  readonly ok: (x: number) => boolean;
  /** What an entry must be, e.g. `'in [0, 1]'`. */
  readonly must: string;
}

/** Probabilities: numbers in [0, 1]. */
export const PROBABILITY: EntryRule = { ok: (x) => x >= 0 && x <= 1, must: 'in [0, 1]' };
/** Means: finite numbers. */
export const FINITE: EntryRule = { ok: (x) => Number.isFinite(x), must: 'a finite number' };

/**
 * A copy of `value` as a `Float64Array` of `length` entries (any length when undefined), each passing
 * `rule`; throws naming `arg` and the offending value.
 *
 * @param lengthName how the required length is called in the error, e.g. `'k'`
 */
export function numberVector(
  env: string,
  arg: string,
  value: unknown,
  rule: EntryRule,
  length?: number,
  lengthName = 'k',
): Float64Array {
  if (!isArrayLike(value)) throw new TypeError(`${env}: ${arg} must be an array of numbers, got ${describeValue(value)}`);
  if (value.length === 0) throw new RangeError(`${env}: ${arg} must have at least one entry, got ${describeValue(value)}`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${env}: ${arg} must have ${lengthName} = ${length} entries, got ${value.length}`);
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !rule.ok(x)) throw new RangeError(`${env}: ${arg}[${i}] must be ${rule.must}, got ${describeValue(x)}`);
    out[i] = x;
  }
  return out;
}

/** Throws unless `value` is an array or typed array; used to check a table and its rows. */
export function assertArrayLike(env: string, arg: string, value: unknown, what: string): asserts value is ArrayLike<unknown> {
  if (!isArrayLike(value)) throw new TypeError(`${env}: ${arg} must be ${what}, got ${describeValue(value)}`);
}

/** Index of the largest entry; the lowest index on ties. */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/** The reset info for arm means `means`. */
export function resetInfo(means: ArrayLike<number>): BanditResetInfo {
  return { optimalArm: argmax(means), means: Array.from(means) };
}

/** The step info for pulling arm `action` when the arm means are `means`. */
export function stepInfo(means: ArrayLike<number>, action: number): BanditStepInfo {
  const optimalArm = argmax(means);
  const regret = means[optimalArm]! - means[action]!;
  return { optimalArm, means: Array.from(means), regret, optimal: regret === 0 };
}

/** Thrown by `step` on an env that was never reset: it has no task instance yet. */
export function notResetError(env: string): Error {
  return new Error(`${env}.step: the arm means are drawn by reset(); call reset() before step()`);
}

/** A number for the render line: integers as they are, others to 2 decimals. */
function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/**
 * The one-line text render: the best arm and its mean, then the last pull if there was one.
 * E.g. `BernoulliBandit k=10 | best arm 7 (0.93) | pulled 3 → 1, regret 0.41`.
 *
 * @param head the part before the first bar, e.g. `'BernoulliBandit k=10'`
 */
export function renderLine(head: string, means: ArrayLike<number> | undefined, last: Pull | undefined): string {
  if (!means) return `${head} | not reset yet`;
  const best = argmax(means);
  const bestPart = `best arm ${best} (${fmt(means[best]!)})`;
  if (!last) return `${head} | ${bestPart}`;
  return `${head} | ${bestPart} | pulled ${last.action} → ${fmt(last.reward)}, regret ${fmt(last.regret)}`;
}
