/**
 * `reinforce-mean`: REINFORCE with a scalar moving-average baseline R̄ (reinforcement comparison).
 * A constant baseline leaves the estimate unbiased; the running one is formed before its batch.
 * See reinforce.test.ts for why the 1e-9 check uses the dyadic problem.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { MeanBaseline, reinforceMean } from '../../src/estimators/reinforce-mean.js';
import { initBackend } from '../../src/tensor/backend.js';
import { dyadicProblem, enumerate, exactGradient, maxAbs, maxAbsDiff, randomProblem, sample } from '../fixtures/enumerate.js';
import { column, monteCarloZ, paramMoments, reinforceEstimates, runningEstimates } from '../fixtures/estimate.js';
import { assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const valueOf = (b: MeanBaseline): number[] => tf.tidy(() => Array.from(b.value().dataSync()));

test('spec: scalar mean baseline, local rule', () => {
  assert.is(reinforceMean.baseline, 'mean');
  assert.is(reinforceMean.information, 'broadcast');
});

test('MeanBaseline: R̄ ← c·R̄ + (1 − c)·mean(R), starting from `initial`', () => {
  const b = new MeanBaseline(0.9);
  assert.equal(valueOf(b), [0]);
  tf.tidy(() => b.update(tf.zeros([2, 3]), tf.zeros([2, 3]), column([2, 4])));
  assertClose(b.state()['mean']![0]!, 0.3, 1e-12, 'R̄ after one batch');
  tf.tidy(() => b.update(tf.zeros([1, 3]), tf.zeros([1, 3]), column([-1])));
  assertClose(b.state()['mean']![0]!, 0.9 * 0.3 - 0.1, 1e-12, 'R̄ after two batches');
  assert.equal(valueOf(new MeanBaseline(0.5, 1.25)), [1.25]);
});

test('MeanBaseline checks decay and saved state', () => {
  throwsWith(() => new MeanBaseline(1), 'decay', '1');
  throwsWith(() => new MeanBaseline(-0.1), 'decay', '-0.1');
  const b = new MeanBaseline();
  throwsWith(() => b.load({ mean: [NaN] }), 'mean');
  throwsWith(() => b.load({}), 'mean');
  b.load({ mean: [0.75] });
  assert.equal(valueOf(b), [0.75]);
});

test('reinforce-mean: exact mean over all 2ⁿ configurations equals ∇J to 1e-9', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  const bl = valueOf(new MeanBaseline(0.9, 0.4375));
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e, [bl, bl]));
  const err = maxAbsDiff(mean, truth) / maxAbs(truth);
  assert.ok(err <= 1e-9, `relative error ${err}`);
});

test('reinforce-mean: Monte-Carlo mean with the running R̄ is within 4 SE of ∇J', () => {
  const problem = randomProblem(31, [3, 4, 3]);
  const truth = exactGradient(problem);
  const rows = sample(problem, 20_000, Rng.fromSeed(32), 0.5);
  const { maxZ, at } = monteCarloZ(problem.sizes, rows, runningEstimates(rows, [new MeanBaseline(), new MeanBaseline()], 32), truth);
  assert.ok(maxZ < 4, `parameter ${at} is ${maxZ.toFixed(2)} standard errors from ∇J`);
});

test.run();
