/**
 * Argument checks shared by the stats modules. Every error names the function, the argument and the
 * value it got, as in `iqm: values must be a non-empty array of finite numbers, got []`.
 *
 * Internal: not re-exported from `index.ts`.
 *
 * @module
 */
import { Rng } from '../core/rng.js';

/** Longest array shown in full in an error message; longer ones are elided in the middle. */
const SHOWN_ITEMS = 8;

/**
 * A short rendering of `value` for an error message: arrays and typed arrays as `[1, NaN, 3]`
 * (elided past {@link SHOWN_ITEMS} items, with the length), strings quoted, the rest via `String`.
 *
 * @example
 * ```ts
 * describe([1, NaN]);          // '[1, NaN]'
 * describe(new Float64Array()); // '[]'
 * ```
 */
export function describe(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const xs = value as ArrayLike<unknown>;
    const item = (v: unknown): string => (Array.isArray(v) || ArrayBuffer.isView(v) ? describe(v) : short(v));
    if (xs.length <= SHOWN_ITEMS) return `[${Array.from(xs, item).join(', ')}]`;
    const head = Array.from({ length: SHOWN_ITEMS - 2 }, (_, i) => item(xs[i]));
    return `[${head.join(', ')}, …, ${item(xs[xs.length - 1])}] (length ${xs.length})`;
  }
  return short(value);
}

function short(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    // Plain objects field by field, so that NaN shows as NaN (JSON would print null).
    const entries = Object.entries(v as Record<string, unknown>);
    const shown = entries.slice(0, SHOWN_ITEMS).map(([k, x]) => `${k}: ${describe(x)}`);
    if (entries.length > SHOWN_ITEMS) shown.push('…');
    return entries.length === 0 ? '{}' : `{ ${shown.join(', ')} }`;
  }
  return String(v);
}

/**
 * Whether `value` can be indexed like an array of numbers (an array or a typed array, not a DataView).
 *
 * @example
 * ```ts
 * isArrayLike(new Float64Array(2)); // true
 * isArrayLike({ length: 2 });       // false: plain objects are not accepted as arrays
 * ```
 */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Checks that `values` is a non-empty array (or typed array) of finite numbers.
 *
 * @example
 * ```ts
 * assertFiniteArray([1, 2], 'iqm', 'values'); // passes
 * assertFiniteArray([], 'iqm', 'values');     // throws "iqm: values must be a non-empty array of finite numbers, got []"
 * ```
 */
export function assertFiniteArray(values: unknown, fn: string, name: string): asserts values is ArrayLike<number> {
  const what = `${fn}: ${name} must be a non-empty array of finite numbers, got ${describe(values)}`;
  if (!isArrayLike(values) || values.length === 0) throw new RangeError(what);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${what} (${name}[${i}] = ${describe(v)})`);
    }
  }
}

/**
 * Checks that `n` is an integer >= `min`.
 *
 * @example
 * ```ts
 * assertInteger(2000, 'bootstrap', 'reps', 1); // passes
 * assertInteger(0, 'bootstrap', 'reps', 1);    // throws "bootstrap: reps must be a positive integer, got 0"
 * ```
 */
export function assertInteger(n: unknown, fn: string, name: string, min: number): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    throw new RangeError(`${fn}: ${name} must be ${kind}, got ${describe(n)}`);
  }
}

/**
 * Checks that `x` is a finite number.
 *
 * @example
 * ```ts
 * assertFinite(475, 'stepsToThreshold', 'threshold'); // passes
 * ```
 */
export function assertFinite(x: unknown, fn: string, name: string): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new RangeError(`${fn}: ${name} must be a finite number, got ${describe(x)}`);
  }
}

/**
 * Checks that `c` is a number strictly between 0 and 1 (a confidence level or a proportion).
 *
 * @example
 * ```ts
 * assertOpenUnit(0.95, 'bootstrap', 'confidence'); // passes
 * ```
 */
export function assertOpenUnit(c: unknown, fn: string, name: string): asserts c is number {
  if (typeof c !== 'number' || !(c > 0 && c < 1)) {
    throw new RangeError(`${fn}: ${name} must be a number in (0, 1), got ${describe(c)}`);
  }
}

/**
 * The generator to draw from: `rng` itself (which then advances), or a fresh one from a seed.
 *
 * @example
 * ```ts
 * toRng(42, 'bootstrap');                 // Rng.fromSeed(42)
 * toRng(Rng.fromSeed(42), 'bootstrap');   // the same object
 * ```
 */
export function toRng(rng: unknown, fn: string): Rng {
  if (rng instanceof Rng) return rng;
  if (typeof rng === 'number' && Number.isInteger(rng) && rng >= 0 && rng <= 0xffffffff) return Rng.fromSeed(rng);
  throw new RangeError(`${fn}: rng must be an Rng or an integer seed in [0, 2^32), got ${describe(rng)}`);
}
