/**
 * `learned-correction`: a per-unit online least-squares map from the straight-through estimate Ĝ
 * to the REINFORCE estimate ĝ (§3.2.2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { LinearCorrection, learnedCorrection } from '../../src/estimators/learned-correction.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertAllClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

/** One batch of M pairs per unit with gRF = slope·gST + intercept + noise·N(0, 1). */
function batch(rng: Rng, M: number, slope: number[], intercept: number[], noise: number): [tf.Tensor2D, tf.Tensor2D] {
  const n = slope.length;
  const x = new Float32Array(M * n);
  const y = new Float32Array(M * n);
  for (let r = 0; r < M; r++) {
    for (let i = 0; i < n; i++) {
      x[r * n + i] = rng.normal();
      y[r * n + i] = slope[i]! * x[r * n + i]! + intercept[i]! + noise * rng.normal();
    }
  }
  return [tf.tensor2d(x, [M, n]), tf.tensor2d(y, [M, n])];
}

test('spec: corrected hidden rule, Eq. 7 baseline, needs a hidden layer', () => {
  assert.is(learnedCorrection.information, 'backprop');
  assert.is(learnedCorrection.needsHidden, true);
});

test('a fresh correction is the identity (plain straight-through)', () => {
  const c = new LinearCorrection(3);
  assert.equal(c.coefficients(), { intercept: [0, 0, 0], slope: [1, 1, 1] });
  const out = tf.tidy(() => {
    const [x, y] = batch(Rng.fromSeed(1), 4, [2, 2, 2], [0, 0, 0], 0);
    return Array.from(c.correct(x, y).dataSync().map((v, k) => v - x.dataSync()[k]!));
  });
  assertAllClose(out, new Array(12).fill(0), 0, 'corrected − Ĝ');
});

test('the fit recovers an exact linear relation, then applies it', () => {
  const c = new LinearCorrection(2);
  const rng = Rng.fromSeed(2);
  tf.tidy(() => {
    const [x, y] = batch(rng, 64, [2, -0.5], [0.25, 1], 0);
    c.correct(x, y);
  });
  const { slope, intercept } = c.coefficients();
  assertAllClose(slope, [2, -0.5], 1e-4, 'slope');
  assertAllClose(intercept, [0.25, 1], 1e-4, 'intercept');
  const out = tf.tidy(() => Array.from(c.correct(tf.tensor2d([1, 2], [1, 2]), tf.tensor2d([0, 0], [1, 2])).dataSync()));
  assertAllClose(out, [2 * 1 + 0.25, -0.5 * 2 + 1], 1e-4, 'corrected');
});

test('with noise, the running fit tracks the regression slope', () => {
  const c = new LinearCorrection(1, 0.9);
  const rng = Rng.fromSeed(3);
  for (let k = 0; k < 200; k++) {
    tf.tidy(() => {
      const [x, y] = batch(rng, 256, [0.3], [-0.1], 1);
      c.correct(x, y);
    });
  }
  // Effective sample ≈ 256·19 pairs: SE of the slope ≈ 1/√4864 ≈ 0.014.
  assertAllClose(c.coefficients().slope, [0.3], 0.06, 'slope');
  assertAllClose(c.coefficients().intercept, [-0.1], 0.06, 'intercept');
});

test('state() and load() round-trip, and load checks the sizes', () => {
  const c = new LinearCorrection(2);
  tf.tidy(() => {
    const [x, y] = batch(Rng.fromSeed(4), 16, [1.5, 0.5], [0, 0], 0.1);
    c.correct(x, y);
  });
  const d = new LinearCorrection(2);
  d.load(c.state());
  assert.equal(d.state(), c.state());
  assert.equal(d.coefficients(), c.coefficients());
  throwsWith(() => d.load({ mx: [1], my: [1, 1], mxx: [1, 1], mxy: [1, 1] }), 'mx', '2');
});

test.run();
