/**
 * Shared test helpers.
 * @module
 */
import * as assert from 'uvu/assert';

/** Asserts |actual − expected| <= tol, naming both values and the tolerance. */
export function assertClose(actual: number, expected: number, tol: number, what = 'value'): void {
  if (!(Math.abs(actual - expected) <= tol)) {
    assert.unreachable(`${what}: expected ${expected} ± ${tol}, got ${actual} (off by ${Math.abs(actual - expected)})`);
  }
}

/** Asserts two arrays are elementwise within `tol`. */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'array'): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assertClose(actual[i]!, expected[i]!, tol, `${what}[${i}]`);
}

/** Runs `fn` and returns the error it throws; fails the test when it does not throw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.unreachable('expected an error to be thrown');
  throw new Error('unreachable');
}

/** Asserts that `fn` throws an error whose message matches every pattern. */
export function throwsWith(fn: () => unknown, ...patterns: (RegExp | string)[]): void {
  const err = thrown(fn);
  for (const p of patterns) {
    const ok = typeof p === 'string' ? err.message.includes(p) : p.test(err.message);
    assert.ok(ok, `error message ${JSON.stringify(err.message)} does not match ${String(p)}`);
  }
}
