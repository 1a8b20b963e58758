/**
 * The critic V(s): its hand-written regression gradient (checked against finite differences of the
 * loss), its fit, and snapshot/restore.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Critic } from '../../agents/critic.js';
import { Rng } from '../../src/core/rng.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

/** mean[(V(x) − t)²] in float64 from flat weights [W0, b0, W1, b1]. */
function loss64(w: number[][], x: number[], t: number[], nIn: number, hidden: number): number {
  const [W0, b0, W1, b1] = w as [number[], number[], number[], number[]];
  const M = t.length;
  let s = 0;
  for (let r = 0; r < M; r++) {
    let v = b1[0]!;
    for (let j = 0; j < hidden; j++) {
      let a = b0[j]!;
      for (let i = 0; i < nIn; i++) a += x[r * nIn + i]! * W0[i * hidden + j]!;
      v += Math.tanh(a) * W1[j]!;
    }
    s += (v - t[r]!) ** 2;
  }
  return s / M;
}

test('fit: returns the loss before the step, and its first Adam step goes down the true gradient', () => {
  const nIn = 3;
  const hidden = 5;
  const rng = Rng.fromSeed(1);
  const critic = new Critic(nIn, hidden, 1e-3, rng);
  const M = 16;
  const x = Array.from({ length: M * nIn }, () => rng.normal());
  const t = Array.from({ length: M }, () => rng.normal());
  const w0 = critic.snapshot();
  const expected = loss64(w0, x, t, nIn, hidden);
  const got = tf.tidy(() => critic.fit(tf.tensor2d(x, [M, nIn]), tf.tensor2d(t, [M, 1])));
  assertClose(got, expected, 1e-5 * expected, 'loss before the step');
  const w1 = critic.snapshot();
  // Adam's first step is −lr·g/(|g| + ε) ≈ −lr·sign(g): compare signs with central differences.
  let checked = 0;
  w0.forEach((block, bi) => {
    block.forEach((_, k) => {
      const up = w0.map((b) => b.slice());
      const down = w0.map((b) => b.slice());
      up[bi]![k] += 1e-6;
      down[bi]![k] -= 1e-6;
      const g = (loss64(up, x, t, nIn, hidden) - loss64(down, x, t, nIn, hidden)) / 2e-6;
      if (Math.abs(g) < 1e-4) return;
      const step = w1[bi]![k]! - w0[bi]![k]!;
      assert.ok(Math.sign(step) === -Math.sign(g) && Math.abs(Math.abs(step) - 1e-3) < 1e-4, `block ${bi}[${k}]: step ${step}, gradient ${g}`);
      checked += 1;
    });
  });
  assert.ok(checked > 20, `${checked} parameters checked`);
  critic.dispose();
});

test('fit learns a smooth regression', () => {
  const rng = Rng.fromSeed(2);
  const critic = new Critic(2, 16, 0.01, rng);
  const M = 128;
  const x = Array.from({ length: M * 2 }, () => rng.uniform(-1, 1));
  const t = Array.from({ length: M }, (_, r) => x[2 * r]! - 2 * x[2 * r + 1]! + 0.5);
  let first = 0;
  let last = 0;
  for (let k = 0; k < 400; k++) {
    last = tf.tidy(() => critic.fit(tf.tensor2d(x, [M, 2]), tf.tensor2d(t, [M, 1])));
    if (k === 0) first = last;
  }
  assert.ok(last < 0.01 * first, `loss ${first} → ${last}`);
  const v = critic.values(Float32Array.from([0.5, -0.5]), 1)[0]!;
  assertClose(v, 2, 0.15, 'V(0.5, −0.5)');
  critic.dispose();
});

test('snapshot/restore round-trip; restore checks sizes', () => {
  const a = new Critic(2, 3, 0.01, Rng.fromSeed(3));
  const b = new Critic(2, 3, 0.01, Rng.fromSeed(4));
  b.restore(a.snapshot());
  assert.equal(b.snapshot(), a.snapshot());
  throwsWith(() => b.restore([[1]]), 'Critic.restore', '4', '1');
  throwsWith(() => b.restore([[1], [1, 2, 3], [1, 2, 3], [0]]), 'Critic.restore', '6', '1');
  a.dispose();
  b.dispose();
});

test.run();
