/**
 * Reading env constructor options by name, for every env family.
 *
 * As Python rejects an unexpected keyword argument, an unknown option is an error, not a silent
 * default; and every error names the env, the option and the value it got, e.g.
 * `FrozenLake: successRate must be a probability in [0, 1], got 1.5`.
 *
 * @module
 */
import { describeValue } from './spaces.js';

/** The render modes built-in envs support: `'ansi'` makes `render()` return text. */
export type AnsiRenderMode = 'ansi';

/**
 * Checks that `options` is a plain object (or undefined) whose keys are all in `allowed`, and
 * returns it as a record.
 * @param where the env's name, for messages
 */
export function checkOptionKeys(options: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const value = describeValue((options as Record<string, unknown>)[key]);
      throw new RangeError(`${where}: unknown option '${key}' (value ${value}); known options: ${allowed.join(', ')}`);
    }
  }
  return options as Record<string, unknown>;
}

/** Reads an optional boolean option. */
export function readBoolean(options: Record<string, unknown>, key: string, fallback: boolean, where: string): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${key} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** Reads an optional finite number option. */
export function readFinite(options: Record<string, unknown>, key: string, fallback: number, where: string): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: ${key} must be a finite number, got ${describeValue(v)}`);
  return v;
}

/** Reads an optional number option that must lie in `[0, 1]`. */
export function readProbability(options: Record<string, unknown>, key: string, fallback: number, where: string): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new RangeError(`${where}: ${key} must be a probability in [0, 1], got ${describeValue(v)}`);
  }
  return v;
}

/** Reads an optional option that must be one of `choices`. */
export function readChoice<T extends string>(options: Record<string, unknown>, key: string, choices: readonly T[], fallback: T, where: string): T {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new RangeError(`${where}: ${key} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** Reads the optional `renderMode` option: `undefined` or `'ansi'`. */
export function readRenderMode(options: Record<string, unknown>, where: string): AnsiRenderMode | undefined {
  const v = options['renderMode'];
  if (v === undefined) return undefined;
  if (v !== 'ansi') throw new RangeError(`${where}: renderMode must be 'ansi' or undefined, got ${describeValue(v)}`);
  return v;
}
