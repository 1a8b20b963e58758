import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateIqm, aggregateMean, aggregateMedian } from '../../src/stats/aggregate.js';
import { assertClose, throwsWith } from '../helpers.js';

// rliable's tests/rliable/metrics_test.py: runs × tasks
const X = [[1, 2], [2, 2], [1, 1], [2, 1]];
const Y = [[1, 1], [2, 2], [3, 3]];

test('rliable metrics_test values: median, mean and IQM of X are 1.5, of Y are 2', () => {
  // X task means: (1+2+1+2)/4 = 1.5, (2+2+1+1)/4 = 1.5 → mean 1.5, median 1.5
  assert.is(aggregateMean(X), 1.5);
  assert.is(aggregateMedian(X), 1.5);
  // X pooled (8 values) sorted 1 1 1 1 2 2 2 2, cut 2 each end → (1 + 1 + 2 + 2)/4 = 1.5
  assert.is(aggregateIqm(X), 1.5);
  // Y task means 2, 2; pooled 1 1 2 2 3 3, cut ⌊1.5⌋ = 1 → (1 + 2 + 2 + 3)/4 = 2
  assert.is(aggregateMean(Y), 2);
  assert.is(aggregateMedian(Y), 2);
  assert.is(aggregateIqm(Y), 2);
});

test('aggregateMedian is the median of per-task means, not of all scores', () => {
  // task means: (1+3)/2 = 2, (10+20)/2 = 15, (0+0)/2 = 0 → median 2
  assert.is(aggregateMedian([[1, 10, 0], [3, 20, 0]]), 2);
  // task means 2, 15, 100, 101 → median (15 + 100)/2 = 57.5,
  // whereas the median of all 8 scores [1, 3, 10, 20, 100, 100, 101, 101] would be (20 + 100)/2 = 60
  assert.is(aggregateMedian([[1, 10, 100, 101], [3, 20, 100, 101]]), 57.5);
});

test('aggregateIqm pools runs and tasks (scipy trim_mean with axis=None)', () => {
  // 4 runs × 2 tasks, pooled sorted: 0 1 2 3 | 10 20 30 40 → cut 2 each end: (2 + 3 + 10 + 20)/4 = 8.75
  assertClose(aggregateIqm([[0, 10], [1, 20], [2, 30], [3, 40]]), 8.75, 1e-12, 'pooled IQM');
});

test('a plain array is one task', () => {
  assert.is(aggregateMean([1, 2, 3, 10]), 4);
  assert.is(aggregateIqm([1, 2, 3, 10]), 2.5); // cut 1 each end: (2 + 3)/2
});

test('errors name the function and the argument', () => {
  throwsWith(() => aggregateMean([]), 'aggregateMean: scores must be a non-empty runs × tasks matrix');
  throwsWith(() => aggregateIqm([[1, 2], [3]]), 'aggregateIqm: scores', 'scores[1] = [3], expected a row of 2 tasks');
  throwsWith(() => aggregateMedian([[1, NaN]]), 'aggregateMedian: scores', 'scores[0][1] = NaN');
});

test.run();
