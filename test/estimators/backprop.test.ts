/** `backprop`: the reference agent's tanh unit and its gradient 1 − tanh². */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { backprop, tanhUnit } from '../../src/estimators/backprop.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertAllClose } from '../helpers.js';

await initBackend('cpu', () => {});

test('spec: tanh hidden units, mean baseline, no hidden layer required', () => {
  assert.is(backprop.hiddenKind, 'tanh');
  assert.is(backprop.baseline, 'mean');
  assert.is(backprop.needsHidden, false);
});

test('tanhUnit: value tanh(a), gradient dy·(1 − tanh²(a))', () => {
  const a = [-2, -0.5, 0, 1.5];
  const dy = [1, -2, 0.5, 3];
  const [value, grad] = tf.tidy(() => {
    const at = tf.tensor2d(a, [2, 2]);
    return [Array.from(tanhUnit(at).dataSync()), Array.from(tf.grad((x: tf.Tensor) => tanhUnit(x as tf.Tensor2D))(at, tf.tensor2d(dy, [2, 2])).dataSync())];
  });
  assertAllClose(value, a.map(Math.tanh), 1e-6, 'value');
  assertAllClose(grad, a.map((v, k) => dy[k]! * (1 - Math.tanh(v) ** 2)), 1e-6, 'gradient');
});

test.run();
