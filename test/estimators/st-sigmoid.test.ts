/**
 * `st-sigmoid`: straight-through scaled by σ′(a). Forward is the stored sample; backward is
 * dy·p(1 − p). Like `st`, it is biased for hidden units on the two-layer case.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { straightThrough } from '../../src/estimators/st.js';
import { stSigmoid, straightThroughSigmoid } from '../../src/estimators/st-sigmoid.js';
import { initBackend } from '../../src/tensor/backend.js';
import { sigmoid } from '../fixtures/enumerate.js';
import { backpropBias, twoLayer } from '../fixtures/estimate.js';
import { assertAllClose } from '../helpers.js';

await initBackend('cpu', () => {});

test('spec: backprop through the threshold, needs a hidden layer', () => {
  assert.is(stSigmoid.information, 'backprop');
  assert.is(stSigmoid.needsHidden, true);
});

test('straightThroughSigmoid: forward is the stored sample, backward is dy·σ(a)(1 − σ(a))', () => {
  const a = [-3, 0.5, 2, 0];
  const dy = [0.5, -2, 3, 7];
  const [value, grad] = tf.tidy(() => {
    const at = tf.tensor2d(a, [2, 2]);
    const h = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    return [
      Array.from(straightThroughSigmoid(at, h).dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => straightThroughSigmoid(x as tf.Tensor2D, h))(at, tf.tensor2d(dy, [2, 2])).dataSync()),
    ];
  });
  assert.equal(value, [1, 0, 0, 1]);
  assertAllClose(grad, a.map((v, k) => dy[k]! * sigmoid(v) * (1 - sigmoid(v))), 1e-6, 'gradient');
});

test('st-sigmoid is measurably biased on the two-layer case, and differs from st', () => {
  const b = backpropBias(twoLayer(), straightThroughSigmoid);
  const bst = backpropBias(twoLayer(), straightThrough);
  assert.ok(b.hidden > 0.05, `relative bias of the hidden layer ${b.hidden} should exceed 0.05`);
  assert.ok(b.output < 1e-5, `output layer relative error ${b.output}`);
  assert.ok(Math.abs(b.hidden - bst.hidden) > 1e-3, 'st-sigmoid and st should not coincide');
});

test.run();
