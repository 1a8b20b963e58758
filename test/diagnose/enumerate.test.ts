/**
 * `src/diagnose/enumerate.ts` with several input contexts: a two-context network small enough to
 * compute by hand (J, ∇J, the mixture's baselines, the estimators' exact means and variances), the
 * law of total expectation against finite differences, and K = 1 giving the one-input numbers
 * bit for bit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  enumerateContexts,
  enumerateNet,
  exactGradient,
  finiteDifferenceGradient,
  measureEstimator,
  measureMixture,
  mixtureGradient,
  mixtureObjective,
  objective,
  randomNet,
  withContexts,
  type OneLayerNet,
} from '../../src/diagnose/index.js';
import { assertAllClose, assertClose, throwsWith } from '../helpers.js';

/**
 * One unit, one input, W = ln 3, b = 0, R̄(h) = h. Context 1: x = 1 with π = 1/4 (p = 3/4);
 * context 2: x = −1 with π = 3/4 (p = 1/4).
 */
function handNet(): OneLayerNet {
  const base: OneLayerNet = { kind: 'one-layer', n: 1, x: Float64Array.of(1), W: Float64Array.of(Math.log(3)), b: Float64Array.of(0), reward: Float64Array.of(0, 1) };
  return withContexts(base, [
    { x: Float64Array.of(1), weight: 0.25 },
    { x: Float64Array.of(-1), weight: 0.75 },
  ]);
}

test('hand-computed: J, ∇J and the mixture baselines of a two-context unit', () => {
  const mix = enumerateContexts(handNet());
  assert.is(mix.length, 2);
  assertClose(mix[0]!.en.p[0]!, 0.75, 1e-15, 'p in context 1');
  assertClose(mix[1]!.en.p[0]!, 0.25, 1e-15, 'p in context 2');
  // J = Σ π_c p_c = 1/4·3/4 + 3/4·1/4
  assertClose(mixtureObjective(mix), 3 / 8, 1e-15, 'J');
  assertClose(objective(handNet()), 3 / 8, 1e-15, 'objective()');
  // ∂J/∂W = Σ π p(1 − p) x = 3/16·(1/4 − 3/4); ∂J/∂b = 3/16
  assertAllClose(mixtureGradient(mix), [-3 / 32, 3 / 16], 1e-15, '∇J');
  // E[R] over the mixture; Eq. 7 = Σπ E[e²R|c] / Σπ E[e²|c] = (15/128) / (3/16); a critic's V(s) = J_c
  for (const { en } of mix) {
    assertAllClose(en.baseline('mean'), [3 / 8], 1e-15, 'mean');
    assertAllClose(en.baseline('optimal'), [5 / 8], 1e-15, 'Eq. 7');
    assertAllClose(en.baseline('none'), [0], 0, 'none');
  }
  assertAllClose(mix[0]!.en.baseline('critic'), [3 / 4], 1e-15, 'critic, context 1');
  assertAllClose(mix[1]!.en.baseline('critic'), [1 / 4], 1e-15, 'critic, context 2');
});

test('hand-computed: exact means and variances over contexts × samples', () => {
  const mix = enumerateContexts(handNet());
  const g = mixtureGradient(mix);
  // reinforce: ĝ_b = (h − p)h; E ĝ_b² = Σ π p(1 − p)² = 15/128; the weight's is x·ĝ_b with x² = 1
  const none = measureMixture(mix, 'reinforce', g);
  assertAllClose(none.mean, [-3 / 32, 3 / 16], 1e-15, 'reinforce mean');
  assertAllClose(none.variance, [15 / 128 - 9 / 1024, 15 / 128 - 9 / 256], 1e-15, 'reinforce variance');
  assertAllClose(none.unitVariance, [21 / 256], 1e-15, 'unit variance is the bias variance');
  // reinforce-mean, L̄ = 3/8: E ĝ_b² = 1/4·156/4096 + 3/4·252/4096 = 228/4096
  const mean = measureMixture(mix, 'reinforce-mean', g);
  assertAllClose(mean.variance, [228 / 4096 - 9 / 1024, 228 / 4096 - 144 / 4096], 1e-15, 'reinforce-mean variance');
  // reinforce-critic, L̄ = p_c: ĝ_b = (h − p)(h − p) = e²; E e⁴|c = p(1−p)(p³ + (1−p)³)... = 3/16·7/16 in both
  const critic = measureMixture(mix, 'reinforce-critic', g);
  assertAllClose(critic.mean, [-3 / 32, 3 / 16], 1e-15, 'critic mean');
  assertAllClose(critic.variance, [(3 / 16) * (7 / 16) - 9 / 1024, (3 / 16) * (7 / 16) - 9 / 256], 1e-15, 'critic variance');
  for (const m of [none, mean, critic, measureMixture(mix, 'reinforce-optimal', g)]) assert.ok(m.relBias < 1e-15, `${m.estimator} ${m.relBias}`);
});

test('the mixture gradient is the gradient of the mixture objective (finite differences), and Σ π_c ∇J_c', () => {
  for (const kind of ['one-layer', 'two-layer'] as const) {
    for (const n of [1, 3]) {
      const net = randomNet(kind, n, 31, { contexts: 3, index: n });
      const mix = enumerateContexts(net);
      assert.is(mix.length, 3);
      assertClose(mix.reduce((s, c) => s + c.weight, 0), 1, 1e-15, 'π sums to 1');
      const g = mixtureGradient(mix);
      assertAllClose(g, finiteDifferenceGradient(net), 1e-7, `${kind} n=${n}`);
      const manual = new Float64Array(g.length);
      for (const c of mix) exactGradient(c.en).forEach((v, k) => (manual[k] += c.weight * v));
      assertAllClose(g, manual, 1e-15, 'Σ π ∇J_c');
    }
  }
});

test('K = 1 is the one-input network bit for bit; enumerateNet refuses several contexts', () => {
  for (const kind of ['one-layer', 'two-layer'] as const) {
    const net = randomNet(kind, 4, 5, { index: 2 });
    assert.equal(randomNet(kind, 4, 5, { index: 2, contexts: 1 }), net);
    const mix = enumerateContexts(net);
    assert.is(mix.length, 1);
    const en = enumerateNet(net);
    const g = exactGradient(en);
    assert.equal(Array.from(mixtureGradient(mix)), Array.from(g));
    for (const id of kind === 'one-layer' ? ['reinforce-optimal', 'reinforce-mean'] : ['reinforce-optimal', 'st', 'learned-correction']) {
      const a = measureMixture(mix, id, g);
      const b = measureEstimator(en, id, g);
      assert.equal(Array.from(a.variance), Array.from(b.variance), id);
      assert.is(a.relBias, b.relBias, id);
    }
    // K contexts: the first context is the one-input network (same weights, table and input)
    const k3 = randomNet(kind, 4, 5, { index: 2, contexts: 3 });
    assert.equal(Array.from(k3.x), Array.from(net.x));
    assert.equal(Array.from(k3.W), Array.from(net.W));
    assert.equal(Array.from(k3.reward), Array.from(net.reward));
    assert.equal(Array.from(k3.contexts![0]!.x), Array.from(net.x));
    throwsWith(() => enumerateNet(k3), 'enumerateContexts');
  }
});

test('contextRewards: each further context has its own table; the mixture is still exact (finite differences, unbiased REINFORCE)', () => {
  for (const kind of ['one-layer', 'two-layer'] as const) {
    const one = randomNet(kind, 3, 8, { index: 1 });
    const net = randomNet(kind, 3, 8, { index: 1, contexts: 3, contextRewards: true });
    assert.equal(Array.from(net.reward), Array.from(one.reward));
    assert.is(net.contexts![0]!.reward, undefined);
    assert.is(net.contexts![1]!.reward!.length, one.reward.length);
    assert.not.equal(Array.from(net.contexts![1]!.reward!), Array.from(one.reward));
    // the same inputs and probabilities as with a shared table
    const shared = randomNet(kind, 3, 8, { index: 1, contexts: 3 });
    assert.equal(net.contexts!.map((c) => [Array.from(c.x), c.weight]), shared.contexts!.map((c) => [Array.from(c.x), c.weight]));
    const mix = enumerateContexts(net);
    assert.equal(Array.from(mix[1]!.en.reward), Array.from(net.contexts![1]!.reward!));
    const g = mixtureGradient(mix);
    assertAllClose(g, finiteDifferenceGradient(net), 1e-7, kind);
    for (const id of ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'reinforce-critic']) assert.ok(measureMixture(mix, id, g).relBias < 1e-12, id);
  }
});

test.run();
