import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { iqm, mean, median, trimCount, trimmedMean } from '../../src/stats/iqm.js';
import { assertClose, throwsWith } from '../helpers.js';

test('trimCount is ⌊0.25·n⌋ as scipy.stats.trim_mean (Python int() truncates)', () => {
  // n = 1, 2, 3: 0.25, 0.5, 0.75 → 0 (nothing cut below n = 4)
  assert.is(trimCount(1), 0);
  assert.is(trimCount(3), 0);
  // n = 4: ⌊1⌋ = 1;  n = 5: ⌊1.25⌋ = 1;  n = 7: ⌊1.75⌋ = 1;  n = 8: ⌊2⌋ = 2;  n = 10: ⌊2.5⌋ = 2
  assert.is(trimCount(4), 1);
  assert.is(trimCount(5), 1);
  assert.is(trimCount(7), 1);
  assert.is(trimCount(8), 2);
  assert.is(trimCount(10), 2);
  // other proportions: ⌊0.1·30⌋ = ⌊3.0000000000000004⌋ = 3, as Python's int(0.1 * 30)
  assert.is(trimCount(30, 0.1), 3);
});

test('iqm of [1..8]: cut 2 from each end, mean of 3, 4, 5, 6 = 18/4 = 4.5', () => {
  assert.is(iqm([1, 2, 3, 4, 5, 6, 7, 8]), 4.5);
  // order does not matter
  assert.is(iqm([8, 1, 7, 2, 6, 3, 5, 4]), 4.5);
});

test('iqm of 10 values: cut ⌊2.5⌋ = 2 from each end', () => {
  // sorted: 1 2 | 3 4 6 7 8 9 | 10 100 → (3 + 4 + 6 + 7 + 8 + 9) / 6 = 37 / 6
  assertClose(iqm([10, 1, 9, 2, 8, 3, 7, 4, 6, 100]), 37 / 6, 1e-12, 'iqm of 10');
});

test('iqm for n = 4, 5, 7 cuts one value from each end', () => {
  // n = 4: [1, 2, 3, 10] → (2 + 3) / 2 = 2.5
  assert.is(iqm([10, 3, 2, 1]), 2.5);
  // n = 5: [1, 2, 3, 4, 100] → (2 + 3 + 4) / 3 = 3
  assert.is(iqm([100, 1, 4, 2, 3]), 3);
  // n = 7: [-50, 2, 3, 4, 5, 6, 100] → (2 + 3 + 4 + 5 + 6) / 5 = 4
  assert.is(iqm([4, 100, 2, -50, 6, 3, 5]), 4);
});

test('iqm for n < 4 is the plain mean (nothing cut)', () => {
  assert.is(iqm([7]), 7);
  assert.is(iqm([1, 2]), 1.5);
  // [1, 2, 30]: (1 + 2 + 30) / 3 = 11, the outlier is kept
  assert.is(iqm([1, 2, 30]), 11);
});

test('iqm accepts a Float64Array and does not modify its input', () => {
  const xs = Float64Array.of(4, 3, 2, 1);
  assert.is(iqm(xs), 2.5); // (2 + 3) / 2
  assert.equal(Array.from(xs), [4, 3, 2, 1]);
});

test('mean and median', () => {
  // (1 + 2 + 3 + 10) / 4 = 4
  assert.is(mean([1, 2, 3, 10]), 4);
  assert.is(median([3, 1, 2]), 2);
  // even n: (2 + 3) / 2 = 2.5
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([5]), 5);
});

test('trimmedMean with other proportions', () => {
  // proportion 0.2, n = 5: cut ⌊1⌋ = 1 → (2 + 3 + 4) / 3 = 3
  assert.is(trimmedMean([1, 2, 3, 4, 100], 0.2), 3);
  // proportion 0: the mean, (1 + 2 + 3 + 4 + 100) / 5 = 22
  assert.is(trimmedMean([1, 2, 3, 4, 100], 0), 22);
  // proportion 0.4, n = 5: cut ⌊2⌋ = 2 → the median 3
  assert.is(trimmedMean([1, 2, 3, 4, 100], 0.4), 3);
});

test('errors name the function, the argument and the value', () => {
  throwsWith(() => iqm([]), 'iqm: values must be a non-empty array of finite numbers, got []');
  throwsWith(() => iqm([1, NaN]), 'iqm: values must be a non-empty array of finite numbers, got [1, NaN]', 'values[1] = NaN');
  throwsWith(() => mean([Infinity]), 'mean: values', 'Infinity');
  throwsWith(() => median('abc' as unknown as number[]), 'median: values', '"abc"');
  throwsWith(() => trimmedMean([1], 0.5), 'trimmedMean: proportion must be a number in [0, 0.5), got 0.5');
  throwsWith(() => trimCount(0), 'trimCount: n must be a positive integer, got 0');
});

test.run();
