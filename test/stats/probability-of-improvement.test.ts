import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import {
  mannWhitneyU,
  probabilityOfImprovement,
  probabilityOfImprovementCI,
} from '../../src/stats/probability-of-improvement.js';
import { assertClose, throwsWith } from '../helpers.js';

test('Mann–Whitney U counts wins as 1 and ties as ½', () => {
  // x = [1, 2, 2], y = [1, 2]:
  //   x=1: vs y=1 tie ½, vs y=2 loss 0            → 0.5
  //   x=2: vs y=1 win 1, vs y=2 tie ½  (twice)    → 1.5 + 1.5
  //   U = 0.5 + 3 = 3.5   (scipy.stats.mannwhitneyu([1,2,2], [1,2]).statistic = 3.5)
  assert.is(mannWhitneyU([1, 2, 2], [1, 2]), 3.5);
  // all four pairs tied: U = 4·½ = 2
  assert.is(mannWhitneyU([3, 3], [3, 3]), 2);
  // x = [5, 6, 7, 8] vs y = [1, 2, 3, 9]: each x beats 1, 2, 3 and loses to 9 → U = 4·3 = 12
  assert.is(mannWhitneyU([8, 5, 7, 6], [9, 1, 3, 2]), 12);
  // U(x, y) + U(y, x) = N·K = 6
  assert.is(mannWhitneyU([1, 2, 2], [1, 2]) + mannWhitneyU([1, 2], [1, 2, 2]), 6);
});

test("rliable's metrics_test: P(X > Y) = 1/3 with unequal run counts", () => {
  // Each task: x = {1, 1, 2, 2} vs y = {1, 2, 3}. x=1 scores ½ (tie with 1), x=2 scores 1 + ½;
  // U = 2·½ + 2·1.5 = 4 of 4·3 = 12 pairs → 1/3; both tasks alike → mean 1/3.
  const x = [[1, 2], [2, 2], [1, 1], [2, 1]];
  const y = [[1, 1], [2, 2], [3, 3]];
  assertClose(probabilityOfImprovement(x, y), 1 / 3, 1e-15, 'P(X > Y)');
  // and the reverse is 1 − 1/3
  assertClose(probabilityOfImprovement(y, x), 2 / 3, 1e-15, 'P(Y > X)');
});

test('identical scores give ½ (rliable special-cases it; the formula agrees)', () => {
  assert.is(probabilityOfImprovement([1, 5, 3], [1, 5, 3]), 0.5);
  assert.is(probabilityOfImprovement([[1, 7], [2, 7]], [[1, 7], [2, 7]]), 0.5);
});

test('the average is over tasks: one task won outright, one lost outright → ½', () => {
  // task 0: x = {5, 6} vs y = {1, 2} → 4/4 = 1;  task 1: x = {0, 1} vs y = {5, 6} → 0/4 = 0;  mean ½
  assert.is(probabilityOfImprovement([[5, 0], [6, 1]], [[1, 5], [2, 6]]), 0.5);
  // a plain array is one task: x = [5, 6, 7, 8] vs y = [1, 2, 3, 9] → 12/16 = 0.75
  assert.is(probabilityOfImprovement([5, 6, 7, 8], [1, 2, 3, 9]), 0.75);
});

test('CI: seeded, contains the point, and collapses when X always wins', () => {
  const x = [5, 6, 7, 8];
  const y = [1, 2, 3, 9];
  const a = probabilityOfImprovementCI(x, y, { rng: 4 });
  assert.equal(a, probabilityOfImprovementCI(x, y, { rng: Rng.fromSeed(4) }));
  assert.is(a.point, 0.75);
  assert.ok(a.lo <= 0.75 && 0.75 <= a.hi, `${a.lo} <= 0.75 <= ${a.hi}`);
  assert.ok(a.lo >= 0 && a.hi <= 1);
  // every x beats every y, so every resample has P = 1
  assert.equal(probabilityOfImprovementCI([5, 6, 7], [1, 2, 3], { rng: 0, reps: 100 }), { point: 1, lo: 1, hi: 1 });
});

test('CI resamples X and Y independently, with their own run counts', () => {
  // X has 1 run, Y has 2: only Y varies. Y resamples {1,1}, {1,3}, {3,1}, {3,3} w.p. ¼ each give
  // P(2 > Y) = 1, ½, ½, 0, so with 2000 replicates the 95 % ends are 0 and 1.
  const ci = probabilityOfImprovementCI([2], [1, 3], { rng: 9 });
  assert.equal(ci, { point: 0.5, lo: 0, hi: 1 });
});

test('errors name the function and the argument', () => {
  throwsWith(() => probabilityOfImprovement([[1, 2]], [[1, 2, 3]]), 'probabilityOfImprovement: x and y must have the same number of tasks, got 2 and 3');
  throwsWith(() => probabilityOfImprovement([], [1]), 'probabilityOfImprovement: x must be a non-empty');
  throwsWith(() => mannWhitneyU([1], [NaN]), 'mannWhitneyU: y must be a non-empty array of finite numbers, got [NaN]');
  throwsWith(() => probabilityOfImprovementCI([1], [2], { rng: 0, reps: 0 }), 'probabilityOfImprovementCI: reps must be a positive integer, got 0');
});

test.run();
