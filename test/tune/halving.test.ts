import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { halvingPlan, promote, rank, rungMembers } from '../../src/tune/halving.js';
import { throwsWith } from '../helpers.js';

test('rungs: n_k = ⌊T/η^k⌋ trials at ⌈B/η^(R−1−k)⌉ steps, as many as the minimum budget allows', () => {
  assert.equal(halvingPlan('halving', 27, 27_000, 3, 1000), [
    { trials: 27, budget: 1000 },
    { trials: 9, budget: 3000 },
    { trials: 3, budget: 9000 },
    { trials: 1, budget: 27_000 },
  ]);
  // Default minimum budget B/η²: at most three rungs.
  assert.equal(halvingPlan('halving', 27, 27_000), [
    { trials: 27, budget: 3000 },
    { trials: 9, budget: 9000 },
    { trials: 3, budget: 27_000 },
  ]);
  assert.equal(halvingPlan('halving', 10, 1000, 3, 1), [
    { trials: 10, budget: 112 },
    { trials: 3, budget: 334 },
    { trials: 1, budget: 1000 },
  ]);
  assert.equal(halvingPlan('halving', 2, 1000, 3, 1), [{ trials: 2, budget: 1000 }], 'fewer trials than η: one rung');
  assert.equal(halvingPlan('random', 8, 500), [{ trials: 8, budget: 500 }]);
  throwsWith(() => halvingPlan('halving', 0, 10), 'trials must be an integer >= 1, got 0');
  throwsWith(() => halvingPlan('halving', 4, 10, 1), 'eta must be an integer >= 2, got 1');
});

test('promotion: highest score first, no score last, ties by trial index', () => {
  const scored = [
    { trial: 0, score: 1 },
    { trial: 1, score: null },
    { trial: 2, score: 3 },
    { trial: 3, score: 1 },
    { trial: 4, score: -2 },
  ];
  assert.equal(rank(scored).map((s) => s.trial), [2, 0, 3, 4, 1]);
  assert.equal(promote(scored, 2), [2, 0]);
  assert.equal(promote(scored, 10), [2, 0, 3, 4, 1]);
});

test('rung members follow from the recorded scores; a rung is unknown until the previous one is complete', () => {
  const plan = halvingPlan('halving', 9, 900, 3, 100);
  assert.equal(plan.map((r) => r.trials), [9, 3, 1]);
  const done = new Map<number, Map<number, number | null>>();
  assert.equal(rungMembers(plan, done), [[0, 1, 2, 3, 4, 5, 6, 7, 8], undefined, undefined]);
  done.set(0, new Map([[0, 5], [1, 9], [2, 1], [3, 7], [4, 2], [5, null], [6, 8], [7, 0]]));
  assert.equal(rungMembers(plan, done)[1], undefined, 'trial 8 missing');
  done.get(0)!.set(8, 6);
  assert.equal(rungMembers(plan, done), [[0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 6, 3], undefined]);
  done.set(1, new Map([[1, 4], [6, 12], [3, 4]]));
  assert.equal(rungMembers(plan, done)[2], [6]);
});

test.run();
