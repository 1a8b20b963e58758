/**
 * Argument checking shared by the classic-control envs, after Gymnasium's
 * `gymnasium/envs/classic_control/utils.py` (`maybe_parse_reset_bounds`).
 *
 * Every error names the argument and the value it got.
 *
 * @module
 */
import type { ResetOptions } from '../../src/core/env.js';
import { describeValue } from '../../src/core/spaces.js';
import type { AnsiRenderMode } from '../../src/core/options.js';

export { checkOptionKeys, readBoolean, readFinite, readChoice, readProbability, readRenderMode } from '../../src/core/options.js';

/** The render modes the classic-control envs support: `'ansi'` returns text. */
export type ClassicRenderMode = AnsiRenderMode;

/**
 * The bounds of the uniform start-state draw, from `reset`'s `options.low` and `options.high`, as
 * Gymnasium's `maybe_parse_reset_bounds`: each defaults on its own, both must be numbers, and
 * `low <= high`. Other keys of `options` are ignored, as in Gymnasium.
 */
export function parseResetBounds(opts: ResetOptions, defaultLow: number, defaultHigh: number, where: string): [number, number] {
  const o = opts.options;
  if (o === undefined) return [defaultLow, defaultHigh];
  const read = (key: 'low' | 'high', fallback: number): number => {
    const v = o[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new RangeError(`${where}: options.${key} must be a number, got ${describeValue(v)}`);
    return v;
  };
  const low = read('low', defaultLow);
  const high = read('high', defaultHigh);
  if (low > high) throw new RangeError(`${where}: options.low must be <= options.high, got low=${low}, high=${high}`);
  return [low, high];
}

/** Checks that a state given by the user is `length` numbers (an array or a typed array) and returns it. */
export function checkState(value: unknown, length: number, where: string): ArrayLike<number> {
  const ok =
    (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) &&
    (value as ArrayLike<unknown>).length === length &&
    Array.from(value as ArrayLike<unknown>).every((v) => typeof v === 'number');
  if (!ok) throw new RangeError(`${where}: state must be ${length} numbers, got ${describeValue(value)}`);
  return value as ArrayLike<number>;
}
