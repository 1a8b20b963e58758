/**
 * `reinforce-critic`: the signal is centred by a state value, R − V(s), or replaced by the TD
 * error. A baseline that depends on the state but not on the sampled units leaves the estimate
 * unbiased; one that depends on the action does not. See reinforce.test.ts for the 1e-9 setup.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { advantageSignal, reinforceCritic, tdErrorSignal } from '../../src/estimators/reinforce-critic.js';
import { initBackend } from '../../src/tensor/backend.js';
import { dyadicProblem, enumerate, exactGradient, maxAbs, maxAbsDiff, randomProblem, sample, type Rows } from '../fixtures/enumerate.js';
import { column, monteCarloZ, paramMoments, reinforceEstimates } from '../fixtures/estimate.js';
import { assertAllClose } from '../helpers.js';

await initBackend('cpu', () => {});

/** The advantage R − V(context) of every row, from the real `advantageSignal`. */
function advantages(rows: Rows, V: (c: number) => number): Float32Array {
  return tf.tidy(() => advantageSignal(column(rows.reward), column(Array.from(rows.context, V))).dataSync() as Float32Array);
}

test('spec: a critic baseline, local rule', () => {
  assert.is(reinforceCritic.baseline, 'critic');
  assert.is(reinforceCritic.baseline, 'critic');
  assert.is(reinforceCritic.information, 'broadcast');
});

test('advantageSignal is G − V and tdErrorSignal is r + γ(1 − terminal)V(s′) − V(s)', () => {
  const [adv, td] = tf.tidy(() => [
    Array.from(advantageSignal(column([3, -1]), column([1, 0.5])).dataSync()),
    Array.from(tdErrorSignal(column([1, 1, 0]), column([2, 2, 1]), column([4, 4, 3]), column([0, 1, 0]), 0.5).dataSync()),
  ]);
  assert.equal(adv, [2, -1.5]);
  // row 0 continues (or was truncated): 1 + 0.5·4 − 2; row 1 terminated: 1 − 2; row 2: 0 + 1.5 − 1.
  assertAllClose(td, [1, -1, 0.5], 0, 'δ');
});

test('reinforce-critic: with a state-dependent V the exact mean equals ∇J to 1e-9', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  const V = (c: number): number => [0.8125, -0.3125][c]!;
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e, [], advantages(e, V)));
  const err = maxAbsDiff(mean, truth) / maxAbs(truth);
  assert.ok(err <= 1e-9, `relative error ${err}`);
});

test('the check can fail: a "critic" that sees the action biases the estimate', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  // Mutant: V depends on the output units' samples (the action), not only on the state.
  const out = e.layers[1]!;
  const signal = Float32Array.from(e.reward, (R, r) => R - 0.5 * out.h[r * 2]!);
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e, [], signal));
  assert.ok(maxAbsDiff(mean, truth) / maxAbs(truth) > 1e-3);
});

test('reinforce-critic: Monte-Carlo mean with V(s) is within 4 SE of ∇J', () => {
  const problem = randomProblem(41, [3, 4, 3], { contexts: 3 });
  const truth = exactGradient(problem);
  const rows = sample(problem, 20_000, Rng.fromSeed(42), 0.5);
  const V = (c: number): number => [0.6, 0.2, 1.1][c]!;
  const { maxZ, at } = monteCarloZ(problem.sizes, rows, reinforceEstimates(rows, [], advantages(rows, V)), truth);
  assert.ok(maxZ < 4, `parameter ${at} is ${maxZ.toFixed(2)} standard errors from ∇J`);
});

test.run();
