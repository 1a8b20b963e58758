/**
 * Sampling helpers shared by the bandit tests: repeated pulls and the 4-standard-error check.
 * @module
 */
import type { Env } from '../../../src/core/env.js';
import { assertClose } from '../../helpers.js';

/** Mean and (population) variance of `xs`. */
export function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, variance: v / xs.length };
}

/** Asserts `actual` is within 4 standard errors `se` of `expected`. */
export function within4SE(actual: number, expected: number, se: number, what: string): void {
  assertClose(actual, expected, 4 * se, `${what} (4 SE, SE = ${se.toExponential(2)})`);
}

/** Pulls `action` `n` times, resetting (without a seed) before each pull; returns the rewards. */
export function pullMany(env: Env<number, number>, action: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    env.reset();
    out[i] = env.step(action).reward;
  }
  return out;
}
