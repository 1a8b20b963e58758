/**
 * Errors the CLI reports as one line with exit code 2 (bad flags, bad config, unknown ids), and
 * the parsers of user input that raise them.
 * @module
 */

/** A mistake in what the user asked for. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A flag's text as a number: decimal or scientific notation, with `_` allowed between digits as in
 * JavaScript literals (`100_000`, `1e5`, `2.5e4`). NaN for anything else.
 */
export function numberFromText(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const t = value.trim();
  if (!/^[-+]?(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?$/.test(t) || !/\d/.test(t.split(/[eE]/)[0]!)) return Number.NaN;
  return Number(t.replace(/_/g, ''));
}

/** Parses a flag as an integer ≥ `min` (`100000`, `100_000` and `1e5` alike), naming the flag and value in the error. */
export function parseIntFlag(flag: string, value: unknown, min = 1): number {
  const n = numberFromText(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a flag as a finite number, naming the flag and value in the error. */
export function parseNumberFlag(flag: string, value: unknown): number {
  const n = numberFromText(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a flag as a finite number > 0, naming the flag and value in the error. */
export function parsePositiveFlag(flag: string, value: unknown): number {
  const n = numberFromText(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a comma-separated list of positive integers (e.g. `--hidden 64,64`; `--hidden none` for no hidden layer). */
export function parseIntList(flag: string, value: unknown): number[] {
  if (Array.isArray(value)) return value.map((v) => parseIntFlag(flag, v));
  if (typeof value !== 'string') throw new UsageError(`${flag} must be a comma-separated list of positive integers, got ${JSON.stringify(value)}`);
  if (value.trim() === 'none' || value.trim() === '') return [];
  return value.split(',').map((v) => {
    const t = v.trim();
    if (!/^\d+$/.test(t) || Number(t) <= 0) throw new UsageError(`${flag} must be a comma-separated list of positive integers, got ${JSON.stringify(value)}`);
    return Number(t);
  });
}
