/**
 * Errors the CLI reports as one line with exit code 2 (bad flags, bad config, unknown ids), and
 * the parsers of user input that raise them.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** A mistake in what the user asked for. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses a flag as an integer ≥ `min`, naming the flag and value in the error. */
export function parseIntFlag(flag: string, value: unknown, min = 1): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses a flag as a finite number > 0, naming the flag and value in the error. */
export function parsePositiveFlag(flag: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
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

/**
 * Reads a `--config` JSON file and validates it with `schema`; errors name the file, the field
 * and the problem.
 */
export function readConfigFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read it as JSON: ${(err as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError(`--config ${path}: field '${issue.path.join('.') || '(top level)'}': ${issue.message}`);
  }
  return r.data;
}
