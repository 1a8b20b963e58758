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

/** The render modes the classic-control envs support: `'ansi'` returns text. */
export type ClassicRenderMode = 'ansi';

/**
 * Checks that `options` is a plain object whose keys are all in `allowed`, as Python rejects an
 * unexpected keyword argument. Returns it as a record.
 */
export function checkOptionKeys(options: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new RangeError(`${where}: unknown option '${key}' (value ${describeValue((options as Record<string, unknown>)[key])}); known options: ${allowed.join(', ')}`);
    }
  }
  return options as Record<string, unknown>;
}

/** Reads an optional boolean option, naming it in the error. */
export function readBoolean(options: Record<string, unknown>, key: string, fallback: boolean, where: string): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${key} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** Reads an optional finite number option, naming it in the error. */
export function readFinite(options: Record<string, unknown>, key: string, fallback: number, where: string): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: ${key} must be a finite number, got ${describeValue(v)}`);
  return v;
}

/** Reads an optional option that must be one of `choices`, naming it in the error. */
export function readChoice<T extends string>(options: Record<string, unknown>, key: string, choices: readonly T[], fallback: T, where: string): T {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new RangeError(`${where}: ${key} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** Reads the optional `renderMode` option: `undefined` or `'ansi'`. */
export function readRenderMode(options: Record<string, unknown>, where: string): ClassicRenderMode | undefined {
  const v = options['renderMode'];
  if (v === undefined) return undefined;
  if (v !== 'ansi') throw new RangeError(`${where}: renderMode must be 'ansi' or undefined, got ${describeValue(v)}`);
  return v;
}

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
