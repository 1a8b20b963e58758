/**
 * `src/diagnose/online.ts`: the simulated online learned-correction. Seeded (same numbers twice);
 * its output-unit estimates are plain REINFORCE, whose per-update mean and variance must match the
 * exact ones within their standard errors; with one input it points along ∇J, and with several
 * contexts its bias is resolved and close to the exact fit's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { enumerateContexts, measureMixture, mixtureGradient, randomNet, simulateOnlineCorrection } from '../../src/diagnose/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import * as tf from '@tensorflow/tfjs-core';
import { throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const T = 2000;
const M = 16;

test('seeded: the same stream gives the same numbers; no tensors leak', () => {
  const mix = enumerateContexts(randomNet('two-layer', 3, 61, { contexts: 2 }));
  const g = mixtureGradient(mix);
  const before = tf.memory().numTensors;
  const a = simulateOnlineCorrection(mix, g, Rng.fromSeed(5), { updates: 200, batch: 4 });
  const b = simulateOnlineCorrection(mix, g, Rng.fromSeed(5), { updates: 200, batch: 4 });
  assert.equal(Array.from(a.mean), Array.from(b.mean));
  assert.is(a.variance, b.variance);
  assert.is(tf.memory().numTensors, before);
  throwsWith(() => simulateOnlineCorrection(enumerateContexts(randomNet('one-layer', 2, 1)), g, Rng.fromSeed(1)), 'two-layer');
  throwsWith(() => simulateOnlineCorrection(mix, g, Rng.fromSeed(1), { updates: 5 }), 'updates', '5');
});

test('the output unit (plain REINFORCE): per-update mean within 4 SE of ∇J, variance the exact one / M', () => {
  for (const K of [1, 3]) {
    const mix = enumerateContexts(randomNet('two-layer', 3, 62, { contexts: K }));
    const g = mixtureGradient(mix);
    const sim = simulateOnlineCorrection(mix, g, Rng.fromSeed(9 + K), { updates: T, batch: M });
    const exact = measureMixture(mix, 'reinforce-optimal', g);
    const o = 4 * 3 + 3; // d·n + n: the output weights and bias follow
    let vSim = 0;
    let vExact = 0;
    for (let k = o; k < g.length; k++) {
      assert.ok(Math.abs(sim.mean[k]! - g[k]!) <= 4 * sim.meanSe[k]!, `K=${K} parameter ${k}: ${sim.mean[k]} vs ${g[k]} ± ${sim.meanSe[k]}`);
      vSim += sim.paramVariance[k]!;
      vExact += exact.variance[k]! / M;
    }
    // relative standard error of a variance from T updates: about √(2/T)
    assert.ok(Math.abs(vSim / vExact - 1) < 6 * Math.sqrt(2 / T), `K=${K}: variance ratio ${vSim / vExact}`);
  }
});

test('one input: the online estimate points along ∇J; several contexts: its bias is resolved and near the exact fit’s', () => {
  const one = enumerateContexts(randomNet('two-layer', 3, 63));
  const g1 = mixtureGradient(one);
  const s1 = simulateOnlineCorrection(one, g1, Rng.fromSeed(3), { updates: T, batch: M });
  assert.ok(s1.cosine > 0.99, `cosine ${s1.cosine}`);
  const mix = enumerateContexts(randomNet('two-layer', 3, 1, { contexts: 4, index: 1 }));
  const g = mixtureGradient(mix);
  const exact = measureMixture(mix, 'learned-correction', g);
  assert.ok(exact.relBias > 0.05, `exact fit bias ${exact.relBias}`);
  const s = simulateOnlineCorrection(mix, g, Rng.fromSeed(4), { updates: T, batch: M });
  assert.ok(s.relBias > 4 * s.relBiasSe, `online bias ${s.relBias} ± ${s.relBiasSe}`);
  assert.ok(Math.abs(s.relBias - exact.relBias) < 0.05, `online ${s.relBias} vs exact ${exact.relBias}`);
  assert.ok(s.variance > 0 && s.varianceSe > 0 && s.varianceSe < s.variance);
});

test.run();
