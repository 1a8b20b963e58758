/**
 * `src/diagnose/per-weight.ts`: the per-weight Eq. 7 baseline's exact moments agree with the
 * estimators' own exact measurement, and its variance is at most the per-unit form's (and 0's and
 * E[R]'s) for every weight, as the theory says it must; it wins strictly where xⱼ² varies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  comparePerWeight,
  constantBaselineMoments,
  enumerateContexts,
  measureMixture,
  mixtureGradient,
  perWeightBaseline,
  perWeightMoments,
  randomNet,
  summarizePerWeight,
  withContexts,
  WIN_TOLERANCE,
  type OneLayerNet,
} from '../../src/diagnose/index.js';
import { assertAllClose, assertClose } from '../helpers.js';

const nets = (K: number) =>
  (['one-layer', 'two-layer'] as const).flatMap((kind) => [1, 3, 6].flatMap((n) => [0, 1].map((index) => enumerateContexts(randomNet(kind, n, 51, { index, contexts: K })))));

test('the moments reproduce the exact measurement of reinforce, reinforce-mean and reinforce-optimal', () => {
  for (const K of [1, 3]) {
    for (const mix of nets(K)) {
      const g = mixtureGradient(mix);
      const c = comparePerWeight(mix, g);
      for (const [id, v] of [['reinforce', c.variance.none], ['reinforce-mean', c.variance.mean], ['reinforce-optimal', c.variance.perUnit]] as const) {
        const m = measureMixture(mix, id, g);
        m.variance.forEach((x, k) => assertClose(v[k]!, x, 1e-11 * Math.max(1, x), `${id} K=${K} parameter ${k}`));
      }
      assert.ok(c.relBias < 1e-12, `per-weight bias ${c.relBias}`);
    }
  }
});

test('per-weight variance ≤ per-unit, 0 and E[R] for every weight; the bias is the same; strict wins where x² varies', () => {
  for (const K of [1, 4]) {
    const cs = nets(K).map((mix) => comparePerWeight(mix, mixtureGradient(mix)));
    for (const c of cs) {
      const v = c.variance;
      for (let k = 0; k < c.roles.length; k++) {
        // up to the rounding of E[e²x²R²] − 2L̄·E[e²x²R] + L̄²·E[e²x²] − g², of order 1e-16·E ĝ²
        const scale = (x: number): number => WIN_TOLERANCE * (Math.max(x, v.perWeight[k]!) + c.mean[k]! ** 2);
        for (const other of [v.perUnit, v.none, v.mean]) assert.ok(v.perWeight[k]! <= other[k]! + scale(other[k]!), `K=${K} ${c.roles[k]} ${k}: ${v.perWeight[k]} vs ${other[k]}`);
        if (c.roles[k] === 'hidden-bias' || c.roles[k] === 'output-bias') assertClose(v.perWeight[k]!, v.perUnit[k]!, scale(v.perUnit[k]!), 'bias: per-weight = per-unit');
      }
    }
    const hidden = summarizePerWeight(cs, ['hidden-weight']);
    const output = summarizePerWeight(cs, ['output-weight']);
    assert.is(hidden.perUnitWins + output.perUnitWins, 0);
    assert.is(hidden.perWeightLosesToConstant + output.perWeightLosesToConstant, 0);
    // output weights (x = hⱼ) always differ; hidden weights only when the input varies
    assert.is(output.perWeightWins, output.weights);
    assert.is(hidden.perWeightWins, K === 1 ? 0 : hidden.weights);
    assert.ok(output.worstRatio > 1.1);
  }
});

test('hand-computed: inputs x = 2 (π = 1/2) and x = 0 (π = 1/2) for one unit with p = 1/2 in both', () => {
  // W = 0, b = 0: p = 1/2 everywhere; R̄(h) = h. Per unit e² = 1/4 always, so Eq. 7 = E[e²R]/E[e²] = E[R] = 1/2.
  const base: OneLayerNet = { kind: 'one-layer', n: 1, x: Float64Array.of(2), W: Float64Array.of(0), b: Float64Array.of(0), reward: Float64Array.of(0, 1) };
  const mix = enumerateContexts(withContexts(base, [{ x: Float64Array.of(2), weight: 0.5 }, { x: Float64Array.of(0), weight: 0.5 }]));
  const m = perWeightMoments(mix);
  // the weight: E[e²x²] = 1/2·4·1/4 = 1/2, E[e²x²R] = 1/2·4·(1/2·1/4) = 1/4 → L̄ = 1/2 (x² only rescales here)
  assertAllClose(m.a, [0.5, 0.25], 1e-15, 'E[e²x²]');
  assertAllClose(m.b, [0.25, 0.125], 1e-15, 'E[e²x²R]');
  assertAllClose(perWeightBaseline(m), [0.5, 0.5], 1e-15, 'L̄');
  // Var at L̄ = 1/2: E[e²x²(R − 1/2)²] − g², with g_W = 1/2·2·1/4 = 1/4 and E[…] = 1/2·4·1/4·1/4 = 1/8;
  // the bias's estimate (h − 1/2)(h − 1/2) = 1/4 is constant: variance 0
  const { mean, variance } = constantBaselineMoments(m, [0.5, 0.5]);
  assertAllClose(mean, [0.25, 0.25], 1e-15, 'mean');
  assertAllClose(variance, [1 / 8 - 1 / 16, 0], 1e-15, 'variance');
  // with L̄ = 0 the weight's variance is E[e²x²R²] − g² = 1/2·4·1/8 − 1/16 = 3/16
  assertAllClose(constantBaselineMoments(m, [0, 0]).variance, [3 / 16, 1 / 16], 1e-15, 'variance, L̄ = 0');
});

test('WIN_TOLERANCE is tight enough to see the K = 4 hidden-weight wins', () => {
  const cs = nets(4).map((mix) => comparePerWeight(mix, mixtureGradient(mix)));
  const s = summarizePerWeight(cs, ['hidden-weight']);
  assert.ok(s.medianRatio - 1 > 100 * WIN_TOLERANCE, `median ratio ${s.medianRatio}`);
});

test.run();
