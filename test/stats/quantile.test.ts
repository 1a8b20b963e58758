import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quantile, quantileOfSorted, sortedCopy } from '../../src/stats/quantile.js';
import { assertClose, throwsWith } from '../helpers.js';

test('linear interpolation at h = (n − 1)·q, as np.quantile', () => {
  const xs = [4, 1, 3, 2]; // sorted 1 2 3 4
  // q = 0.25: h = 3·0.25 = 0.75 → 1 + 0.75·(2 − 1) = 1.75   (np.quantile([1,2,3,4], .25) = 1.75)
  assert.is(quantile(xs, 0.25), 1.75);
  // q = 0.5: h = 1.5 → 2 + 0.5·1 = 2.5
  assert.is(quantile(xs, 0.5), 2.5);
  // q = 0.9: h = 2.7 → 3 + 0.7·1 = 3.7
  assertClose(quantile(xs, 0.9), 3.7, 1e-12, 'q=0.9');
  // ends are the extremes
  assert.is(quantile(xs, 0), 1);
  assert.is(quantile(xs, 1), 4);
});

test('uneven gaps: [0, 10, 100], q = 0.75 → h = 1.5 → 10 + 0.5·90 = 55', () => {
  assert.is(quantile([100, 0, 10], 0.75), 55);
});

test('a single value is every quantile', () => {
  assert.is(quantile([3], 0), 3);
  assert.is(quantile([3], 0.3), 3);
  assert.is(quantile([3], 1), 3);
});

test('sortedCopy sorts numerically and leaves the input alone', () => {
  const xs = [10, 9, 1, -2];
  assert.equal(Array.from(sortedCopy(xs)), [-2, 1, 9, 10]);
  assert.equal(xs, [10, 9, 1, -2]);
  // quantileOfSorted on already-sorted data: 101 values 0..100, q = 0.025 → h = 2.5 → 2.5
  const grid = Float64Array.from({ length: 101 }, (_, i) => i);
  assert.is(quantileOfSorted(grid, 0.025), 2.5);
});

test('errors name q and values', () => {
  throwsWith(() => quantile([1, 2], 1.5), 'quantile: q must be a number in [0, 1], got 1.5');
  throwsWith(() => quantile([], 0.5), 'quantile: values must be a non-empty array of finite numbers, got []');
});

test.run();
