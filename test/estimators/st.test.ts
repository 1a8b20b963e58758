/**
 * `st`: straight-through. The op's forward value is the stored sample and its backward pass is the
 * identity; on a two-layer network (binary hidden units feeding a binary output unit, reward a
 * function of the output) its exact mean is measurably biased for the hidden layer, while the
 * output layer, which uses the REINFORCE rule, stays unbiased.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { reinforceGrad } from '../../src/estimators/reinforce.js';
import { st, straightThrough } from '../../src/estimators/st.js';
import { initBackend } from '../../src/tensor/backend.js';
import { enumerate, exactGradient, maxAbs, maxAbsDiff } from '../fixtures/enumerate.js';
import { backpropBias, paramMoments, twoLayer } from '../fixtures/estimate.js';

await initBackend('cpu', () => {});

test('spec: backprop through the threshold, needs a hidden layer', () => {
  assert.is(st.information, 'backprop');
  assert.is(st.needsHidden, true);
});

test('straightThrough: forward is the stored sample, backward is the identity', () => {
  const [value, grad] = tf.tidy(() => {
    const a = tf.tensor2d([-3, 0.5, 2, 0], [2, 2]);
    const h = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const dy = tf.tensor2d([0.5, -2, 3, 7], [2, 2]);
    const value = straightThrough(a, h).arraySync();
    const grad = tf.grad((x: tf.Tensor) => straightThrough(x as tf.Tensor2D, h))(a, dy).arraySync();
    return [value, grad];
  });
  assert.equal(value, [
    [1, 0],
    [0, 1],
  ]);
  assert.equal(grad, [
    [0.5, -2],
    [3, 7],
  ]);
});

test('st is measurably biased on the two-layer case; its REINFORCE output layer is not', () => {
  const b = backpropBias(twoLayer(), straightThrough);
  assert.ok(b.hidden > 0.05, `relative bias of the hidden layer ${b.hidden} should exceed 0.05`);
  // Not only a wrong length: even the best rescaling leaves a bias √(1 − cos²) > 0.05.
  assert.ok(Math.sqrt(1 - b.cosine ** 2) > 0.05, `cosine ${b.cosine}`);
  assert.ok(b.output < 1e-5, `output layer relative error ${b.output}`);
});

test('control: the same measurement finds no bias when the hidden units use their own REINFORCE rule', () => {
  // Swapping in the local rule must bring the bias down to float32 rounding, or the measurement
  // above could not tell a biased estimator from an unbiased one.
  const problem = twoLayer();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  const g = tf.tidy(() =>
    e.layers.map((L, l) => {
      const n = problem.sizes[l + 1]!;
      const h = tf.tensor2d(Float32Array.from(L.h), [e.rows, n]);
      const p = tf.tensor2d(Float32Array.from(L.p), [e.rows, n]);
      return reinforceGrad(h, p, tf.tensor2d(Float32Array.from(e.reward), [e.rows, 1])).dataSync() as Float32Array;
    }),
  );
  const { mean } = paramMoments(problem.sizes, e, g);
  assert.ok(maxAbsDiff(mean, truth) / maxAbs(truth) < 1e-5);
});

test.run();
