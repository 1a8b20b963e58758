import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Discrete } from '../../src/core/spaces.js';
import { Rng } from '../../src/core/rng.js';
import { PARAM_NAMES, SEARCH_SPACE, sampleParam, sampleTrials, searchSpace } from '../../src/tune/space.js';
import { assertClose, throwsWith } from '../helpers.js';

test('sampling is deterministic per seed, and another seed gives other trials', () => {
  const space = searchSpace('reinforce-critic', new Discrete(3));
  const a = sampleTrials(space, 20, 7);
  assert.equal(sampleTrials(space, 20, 7), a);
  assert.not.equal(sampleTrials(space, 20, 8), a);
  // A longer run of the same seed starts with the same trials (the tune folder is resumable).
  assert.equal(sampleTrials(space, 30, 7).slice(0, 20), a);
});

test('every value comes from its declared distribution', () => {
  const space = searchSpace('reinforce-critic', new Discrete(6));
  for (const t of sampleTrials(space, 200, 1)) {
    assert.equal(Object.keys(t), Object.keys(space), 'one value per searched option, in order');
    const lr = t.learningRate as number;
    assert.ok(lr >= 1e-3 && lr <= 0.3, `learningRate ${lr}`);
    assert.ok((SEARCH_SPACE.batchSize.values as readonly number[]).includes(t.batchSize as number));
    assert.ok(['binary-code', 'categorical'].includes(t.head as string));
    assert.ok((t.criticLearningRate as number) >= 1e-3 && (t.criticLearningRate as number) <= 0.1);
  }
});

test('log-uniform: the log of the draws is uniform (mean and variance within 4 standard errors)', () => {
  const rng = Rng.fromSeed(3);
  const n = 4000;
  // The draws are rounded to 3 significant digits: a shift below 0.005 in the log, far inside the tolerance.
  const logs = Array.from({ length: n }, () => Math.log(sampleParam({ kind: 'log-uniform', low: 1e-4, high: 1 }, rng) as number));
  const lo = Math.log(1e-4);
  const width = -lo;
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const sd = width / Math.sqrt(12);
  assertClose(mean, lo / 2, (4 * sd) / Math.sqrt(n), 'mean of log');
  const below = logs.filter((x) => x < lo + width / 10).length / n;
  assertClose(below, 0.1, 4 * Math.sqrt((0.1 * 0.9) / n), 'fraction in the lowest decade of ten');
});

test('what applies: head only for Discrete(k > 2), the critic options only with a critic, a hidden layer for straight-through', () => {
  assert.ok(!('head' in searchSpace('reinforce', new Discrete(2))));
  assert.ok('head' in searchSpace('reinforce', new Discrete(3)));
  assert.ok(!('criticLearningRate' in searchSpace('reinforce-optimal', new Discrete(2))));
  assert.ok('criticLambda' in searchSpace('reinforce-critic', new Discrete(2)));
  const st = searchSpace('st', new Discrete(2)).hidden;
  assert.ok(st?.kind === 'choice' && st.values.every((h) => (h as number[]).length > 0));
  assert.equal(Object.keys(searchSpace('reinforce', new Discrete(4), ['learningRate', 'batchSize'])), ['learningRate', 'batchSize']);
  throwsWith(() => searchSpace('reinforce', new Discrete(4), ['lr']), 'unknown option "lr"', PARAM_NAMES[0]!);
  throwsWith(() => sampleTrials({}, 0, 1), 'trials must be an integer >= 1, got 0');
});

test('perturbationScale only for estimators that perturb weights', () => {
  assert.ok('perturbationScale' in searchSpace('weight-perturbation', new Discrete(2)));
  assert.ok(!('perturbationScale' in searchSpace('reinforce-optimal', new Discrete(2))));
  assert.ok(!('perturbationScale' in searchSpace('node-perturbation', new Discrete(2))));
});

test.run();
