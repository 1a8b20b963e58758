/**
 * `noisy-relu`: h = max(0, a + z) with backprop through the active units, and the firing-rate
 * controller that pushes each unit's moving-average firing rate toward the target.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { FiringRateController, noisyRectifier, noisyRelu } from '../../src/estimators/noisy-relu.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertAllClose, assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

test('spec: noisy-rectifier hidden units, backprop, needs a hidden layer', () => {
  assert.is(noisyRelu.hiddenKind, 'noisy-relu');
  assert.is(noisyRelu.information, 'backprop');
  assert.is(noisyRelu.needsHidden, true);
});

test('noisyRectifier: value max(0, a + z), gradient dy·1[a + z > 0]', () => {
  const a = [0.5, -1, 2, -0.25];
  const z = [0.25, 0.5, -3, 1];
  const dy = [2, 3, 4, 5];
  const [value, grad] = tf.tidy(() => {
    const at = tf.tensor2d(a, [2, 2]);
    const zt = tf.tensor2d(z, [2, 2]);
    return [
      Array.from(noisyRectifier(at, zt).dataSync()),
      Array.from(tf.grad((x: tf.Tensor) => noisyRectifier(x as tf.Tensor2D, zt))(at, tf.tensor2d(dy, [2, 2])).dataSync()),
    ];
  });
  assertAllClose(value, [0.75, 0, 0, 0.75], 0, 'value');
  assertAllClose(grad, [2, 0, 0, 5], 0, 'gradient');
});

test('FiringRateController: the moving average and the bias step η(ρ* − ρ)', () => {
  const c = new FiringRateController(2, 0.25, 0.1, 0.5);
  assert.equal(Array.from(c.rates), [0.25, 0.25]);
  // unit 0 fires in both rows, unit 1 in none.
  const d = c.step([1, 0, 0.5, 0], 2);
  assertAllClose(Array.from(c.rates), [0.625, 0.125], 1e-12, 'rates');
  assertAllClose(Array.from(d), [0.1 * (0.25 - 0.625), 0.1 * (0.25 - 0.125)], 1e-7, 'bias steps');
  throwsWith(() => new FiringRateController(2, 1), 'target', '1');
  throwsWith(() => new FiringRateController(2, 0), 'target', '0');
});

test('FiringRateController: in closed loop, units that fire too often or too rarely are driven to the target', () => {
  // Unit i fires when a + z > 0, z ~ N(0, 1), with a = a0ᵢ + its bias; the controller moves the bias.
  const rng = Rng.fromSeed(3);
  const target = 0.2;
  const c = new FiringRateController(3, target, 0.05, 0.9);
  const a0 = [2, 0, -2]; // initial firing rates ≈ 0.98, 0.5, 0.02
  const bias = [0, 0, 0];
  const rows = 64;
  const measured = [0, 0, 0];
  for (let step = 0; step < 3000; step++) {
    const h = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) for (let i = 0; i < 3; i++) h[r * 3 + i] = Math.max(0, a0[i]! + bias[i]! + rng.normal());
    const d = c.step(h, rows);
    for (let i = 0; i < 3; i++) bias[i] += d[i]!;
    if (step >= 2500) for (let i = 0; i < 3; i++) for (let r = 0; r < rows; r++) measured[i] += h[r * 3 + i]! > 0 ? 1 / (500 * rows) : 0;
  }
  // 500 × 64 draws per unit: SE of a rate of 0.2 is ≈ 0.0022; allow the controller's lag too.
  for (let i = 0; i < 3; i++) assertClose(measured[i]!, target, 0.02, `unit ${i} firing rate`);
});

test.run();
