/**
 * `sts`: stochastic times smooth, h = b·√σ(a). Backward through √p with b fixed:
 * dy·b·√p(1 − p)/2. (That E[h] = p is a property of the sampler; see test/agents/network.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { sts, stochasticTimesSmooth } from '../../src/estimators/sts.js';
import { initBackend } from '../../src/tensor/backend.js';
import { sigmoid } from '../fixtures/enumerate.js';
import { assertAllClose } from '../helpers.js';

await initBackend('cpu', () => {});

test('spec: smooth factor, backprop, needs a hidden layer', () => {
  assert.is(sts.hiddenKind, 'sts');
  assert.is(sts.information, 'backprop');
  assert.is(sts.needsHidden, true);
});

test('stochasticTimesSmooth: value b·√σ(a), gradient dy·b·√p(1 − p)/2 (= the derivative of the value)', () => {
  const a = [-2, -0.5, 0.25, 3];
  const b = [1, 0, 1, 1];
  const dy = [1.5, 2, -1, 0.5];
  const [value, grad] = tf.tidy(() => {
    const at = tf.tensor2d(a, [1, 4]);
    const bt = tf.tensor2d(b, [1, 4]);
    return [
      Array.from(stochasticTimesSmooth(at, bt).dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => stochasticTimesSmooth(x as tf.Tensor2D, bt))(at, tf.tensor2d(dy, [1, 4])).dataSync()),
    ];
  });
  const f = (v: number, k: number): number => b[k]! * Math.sqrt(sigmoid(v));
  assertAllClose(value, a.map(f), 1e-6, 'value');
  // The stated backward rule, and the central difference of the forward rule, in float64.
  const rule = a.map((v, k) => dy[k]! * b[k]! * (Math.sqrt(sigmoid(v)) * (1 - sigmoid(v))) / 2);
  const fd = a.map((v, k) => (dy[k]! * (f(v + 1e-6, k) - f(v - 1e-6, k))) / 2e-6);
  assertAllClose(rule, fd, 1e-8, 'rule vs finite differences');
  assertAllClose(grad, rule, 1e-6, 'gradient');
});

test.run();
