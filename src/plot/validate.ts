/**
 * Argument checks shared by the spec builders. Every message names the function, the argument
 * path and the value received, e.g. `learningCurveSpec: series[1].points[4].lo must be a finite
 * number, got NaN`.
 * @module
 */
import { DEFAULT_SIZE } from './theme.js';

/** Formats a received value for an error message, keeping it short. */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Throws unless `value` is a finite number. */
export function finite(fn: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${fn}: ${what} must be a finite number, got ${show(value)}`);
  return value;
}

/** Throws unless `value` is a positive integer. */
export function positiveInt(fn: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${fn}: ${what} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a non-empty string. */
export function nonEmptyString(fn: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${fn}: ${what} must be a non-empty string, got ${show(value)}`);
  return value;
}

/** Throws unless `value` is a non-empty array. */
export function nonEmptyArray<T>(fn: string, what: string, value: readonly T[] | unknown): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${fn}: ${what} must be non-empty, got ${show(value)}`);
  return value as readonly T[];
}

/** Checks optional width/height (SVG pixels of the plotting area, 50..4000) and fills defaults. */
export function chartSize(
  fn: string,
  options: { readonly width?: number; readonly height?: number },
  defaults: { readonly width: number; readonly height: number } = DEFAULT_SIZE,
): { width: number; height: number } {
  const check = (name: 'width' | 'height'): number => {
    const v = options[name] ?? defaults[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 50 || v > 4000) {
      throw new RangeError(`${fn}: options.${name} must be a number of pixels in [50, 4000], got ${show(v)}`);
    }
    return v;
  };
  return { width: check('width'), height: check('height') };
}
