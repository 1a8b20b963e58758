/**
 * `src/diagnose`: enumeration of small random networks. The exact gradient agrees with central finite
 * differences of J and with the score-function form; the REINFORCE family's exact means equal it to
 * 1e-9; straight-through is biased; Eq. 7 has the lowest variance of any constant baseline; the
 * float64 estimates agree with the real tfjs estimator functions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import {
  enumerateNet,
  estimateRows,
  exactEstimatorIds,
  exactNets,
  exactBaseline,
  exactGradient,
  finiteDifferenceGradient,
  getParams,
  logLogSlope,
  measureEstimator,
  notEnumerable,
  paramCount,
  randomNet,
  scoreGradient,
  tfjsCheck,
  tfjsEstimateRows,
  tfjsOptimalBaseline,
  withParams,
  type ExactNet,
  type NetKind,
} from '../../src/diagnose/index.js';
import { exactCorrectionState } from '../../src/estimators/index.js';
import { ESTIMATOR_IDS, estimatorFor } from '../../src/estimators/index.js';
import { LinearCorrection } from '../../src/estimators/learned-correction.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertAllClose, assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const KINDS: readonly NetKind[] = ['one-layer', 'two-layer'];
const REINFORCE_FAMILY: readonly string[] = ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'reinforce-critic'];

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** A few networks of every kind and reward option. */
function someNets(ns: readonly number[] = [1, 3, 6]): ExactNet[] {
  const out: ExactNet[] = [];
  for (const kind of KINDS) {
    for (const n of ns) {
      out.push(randomNet(kind, n, 11, { index: n % 3 }));
      out.push(randomNet(kind, n, 12, { reward: 'iid' }));
    }
  }
  out.push(randomNet('two-layer', 4, 13, { rewardOf: 'output' }));
  return out;
}

test('every estimator id is either measurable or says why it is not', () => {
  const moments = ESTIMATOR_IDS.filter((id) => estimatorFor(id).exactMoments !== undefined);
  assert.equal([...exactEstimatorIds(), ...Object.keys(notEnumerable()), ...moments].sort(), [...ESTIMATOR_IDS].sort());
  assert.equal(exactNets('st'), ['two-layer']);
  assert.equal(exactNets('reinforce-optimal'), ['one-layer', 'two-layer']);
});

test('enumeration: probabilities sum to 1, sizes and layout', () => {
  for (const net of someNets()) {
    const en = enumerateNet(net);
    const bits = net.kind === 'two-layer' ? net.n + 1 : net.n;
    assert.is(en.rows, 2 ** bits);
    assert.is(net.reward.length, 2 ** bits);
    assert.ok(Math.abs(en.prob.reduce((s, p) => s + p, 0) - 1) < 1e-12);
    assert.is(getParams(net).length, paramCount(net));
    assert.equal(Array.from(getParams(withParams(net, getParams(net)))), Array.from(getParams(net)));
  }
});

test('the exact gradient agrees with central finite differences of J', () => {
  for (const net of someNets([1, 3, 5])) {
    const g = exactGradient(net);
    const fd = finiteDifferenceGradient(net, 1e-5);
    const err = maxAbsDiff(g, fd);
    assert.ok(err < 1e-8 * Math.max(1, maxAbs(g)), `${net.kind} n=${net.n}: |∇J − FD| = ${err}`);
  }
});

test('the difference form and the score-function form of ∇J agree to rounding', () => {
  for (const net of someNets([2, 8])) {
    const g = exactGradient(net);
    assert.ok(maxAbsDiff(g, scoreGradient(net)) < 1e-12 * Math.max(1, maxAbs(g)), `${net.kind} n=${net.n}`);
  }
});

test('REINFORCE family: exact means equal the gradient to 1e-9 (both networks)', () => {
  for (const net of someNets([1, 4, 9])) {
    const en = enumerateNet(net);
    const g = exactGradient(en);
    for (const id of REINFORCE_FAMILY) {
      const m = measureEstimator(en, id, g);
      assert.ok(maxAbsDiff(m.mean, g) <= 1e-9 * Math.max(1, maxAbs(g)), `${id} on ${net.kind} n=${net.n}: ${maxAbsDiff(m.mean, g)}`);
      assert.ok(m.relBias < 1e-9, `${id} relBias ${m.relBias}`);
      assert.ok(Math.abs(m.cosine - 1) < 1e-9);
    }
  }
});

test('ideal constant baselines: 0, E[R] for mean and critic, Eq. 7 per unit', () => {
  const en = enumerateNet(randomNet('two-layer', 5, 3));
  assert.equal(Array.from(exactBaseline(en, 'none')), new Array(6).fill(0));
  assert.equal(Array.from(exactBaseline(en, 'mean')), new Array(6).fill(en.objective));
  assert.equal(Array.from(exactBaseline(en, 'critic')), new Array(6).fill(en.objective));
  // Eq. 7 against the real float32 exactOptimalBaseline
  assertAllClose(tfjsOptimalBaseline(en), exactBaseline(en, 'optimal'), 1e-5 * maxAbs(en.net.reward), 'Eq. 7 baseline');
  // reinforce-critic is reinforce-mean here, measure for measure
  const a = measureEstimator(en, 'reinforce-mean');
  const b = measureEstimator(en, 'reinforce-critic');
  assert.equal(Array.from(a.variance), Array.from(b.variance));
});

test('Eq. 7 has the lowest per-unit variance among constant baselines', () => {
  for (const net of someNets([2, 5, 8])) {
    const en = enumerateNet(net);
    const opt = measureEstimator(en, 'reinforce-optimal');
    for (const id of ['reinforce', 'reinforce-mean'] as const) {
      const other = measureEstimator(en, id);
      for (let i = 0; i < en.units; i++) {
        assert.ok(opt.unitVariance[i]! <= other.unitVariance[i]! * (1 + 1e-12), `${net.kind} n=${net.n} unit ${i}: Eq. 7 ${opt.unitVariance[i]} > ${id} ${other.unitVariance[i]}`);
      }
    }
    // … and below any perturbed constant L̄ᵢ ± δ: Var((z − p)(R − L)) computed from the rows.
    const L = exactBaseline(en, 'optimal');
    const rows0 = estimateRows(en, 'reinforce').rows; // (z − p)·R
    const U = en.units;
    for (let i = 0; i < U; i++) {
      const varAt = (l: number): number => {
        let m = 0;
        let s = 0;
        for (let k = 0; k < en.rows; k++) {
          const e = ((k >> i) & 1) - (i < net.n ? en.p[i]! : en.pOut![k & ((1 << net.n) - 1)]!);
          const v = rows0[k * U + i]! - e * l;
          m += en.prob[k]! * v;
          s += en.prob[k]! * v * v;
        }
        return s - m * m;
      };
      const best = varAt(L[i]!);
      for (const d of [-0.5, -0.01, 0.01, 0.5]) assert.ok(best <= varAt(L[i]! + d) + 1e-12, `unit ${i}, δ = ${d}`);
    }
  }
});

test('straight-through is biased on the two-layer network; its output unit is not', () => {
  for (const seed of [1, 2, 3]) {
    for (const rewardOf of ['all', 'output'] as const) {
      const en = enumerateNet(randomNet('two-layer', 4, seed, { rewardOf }));
      const g = exactGradient(en);
      const m = measureEstimator(en, 'st', g);
      assert.ok(m.relBias > 0.05, `seed ${seed} ${rewardOf}: st relative bias ${m.relBias}`);
      assert.ok(Math.sqrt(Math.max(0, 1 - m.cosine ** 2)) > 0.05, `seed ${seed} ${rewardOf}: cosine ${m.cosine}`);
      // the output unit (REINFORCE + Eq. 7) is exact: its w_o and b_o entries match ∇J
      const o = en.net.x.length * 4 + 4;
      assertAllClose(m.mean.subarray(o), g.subarray(o), 1e-12, 'output-layer mean');
    }
  }
  // st-sigmoid is biased too when R depends on h directly, which backprop cannot see.
  const en = enumerateNet(randomNet('two-layer', 6, 4));
  assert.ok(measureEstimator(en, 'st-sigmoid').relBias > 0.05);
});

test('st and st-sigmoid share their SNR (a constant factor per unit); st-sigmoid has the smaller variance', () => {
  const en = enumerateNet(randomNet('two-layer', 5, 8));
  const a = measureEstimator(en, 'st');
  const b = measureEstimator(en, 'st-sigmoid');
  assertAllClose(a.unitSnr, b.unitSnr, 1e-9 * maxAbs(a.unitSnr), 'unitSnr');
  for (let j = 0; j < 5; j++) assert.ok(b.unitVariance[j]! < a.unitVariance[j]!);
});

test('learned-correction: the exact least-squares fit is unbiased and has lower variance than REINFORCE', () => {
  for (const seed of [1, 2]) {
    const en = enumerateNet(randomNet('two-layer', 5, seed));
    const g = exactGradient(en);
    const lc = measureEstimator(en, 'learned-correction', g);
    const rf = measureEstimator(en, 'reinforce-optimal', g);
    assert.ok(lc.relBias < 1e-9, `relBias ${lc.relBias}`);
    for (let j = 0; j < 5; j++) assert.ok(lc.unitVariance[j]! <= rf.unitVariance[j]! * (1 + 1e-12), `unit ${j}`);
    // the map is the real LinearCorrection's fit of the exact moments
    const c = new LinearCorrection(5);
    c.load(exactCorrectionState(en));
    assert.equal(lc.correction, c.coefficients());
  }
});

test('the float64 estimates agree with the real tfjs estimator functions on every configuration', () => {
  for (const kind of KINDS) {
    const en = enumerateNet(randomNet(kind, 5, 21));
    for (const id of exactEstimatorIds().filter((e) => exactNets(e).includes(kind))) {
      const f64 = estimateRows(en, id).rows;
      const f32 = tfjsEstimateRows(en, id);
      assert.ok(maxAbsDiff(f32, f64) < 1e-5 * maxAbs(f64), `${id} on ${kind}: ${maxAbsDiff(f32, f64)}`);
    }
  }
});

test('tfjsCheck: row subsets, small differences, no leaked tensors', () => {
  const en = enumerateNet(randomNet('two-layer', 7, 5));
  const before = tf.memory().numTensors;
  const all = tfjsCheck(en, ['reinforce', 'st', 'learned-correction']);
  const some = tfjsCheck(en, ['reinforce-optimal', 'st-sigmoid'], 100);
  assert.is(tf.memory().numTensors, before);
  assert.is(all.rows, 256);
  assert.is(some.rows, 100);
  assert.ok(all.worst < 1e-5 && some.worst < 1e-5, `${all.worst} ${some.worst}`);
  assert.ok(some.optimalBaseline !== undefined && all.estimators.st !== undefined);
  // estimateRows on a subset returns those rows, in order
  const rows = [7, 3, 200];
  const sub = estimateRows(en, 'st', rows).rows;
  const full = estimateRows(en, 'st').rows;
  rows.forEach((k, r) => assert.equal(Array.from(sub.subarray(r * 8, r * 8 + 8)), Array.from(full.subarray(k * 8, k * 8 + 8))));
});

test('randomNet is reproducible, and each (seed, kind, n, index) has its own stream', () => {
  const a = randomNet('two-layer', 6, 42, { index: 2 });
  randomNet('one-layer', 3, 42);
  const b = randomNet('two-layer', 6, 42, { index: 2 });
  assert.equal(Array.from(getParams(a)), Array.from(getParams(b)));
  assert.equal(Array.from(a.reward), Array.from(b.reward));
  const c = randomNet('two-layer', 6, 42, { index: 3 });
  assert.not.equal(Array.from(getParams(a)), Array.from(getParams(c)));
  const d = randomNet('one-layer', 6, 42, { index: 2 });
  assert.not.equal(Array.from(d.W), Array.from(a.W));
  // rewardOf 'output': the table depends on o only
  const e = randomNet('two-layer', 3, 1, { rewardOf: 'output' });
  assert.is(new Set(Array.from(e.reward.subarray(0, 8))).size, 1);
  assert.is(new Set(Array.from(e.reward.subarray(8))).size, 1);
});

test('reward tables print as short decimals that parse back to the same numbers', () => {
  const net = randomNet('two-layer', 8, 9);
  const text = JSON.stringify(Array.from(net.reward));
  assert.equal(JSON.parse(text), Array.from(net.reward));
  assert.ok(text.length / net.reward.length < 8, `${text.length / net.reward.length} characters per entry`);
});

test('bad input names the argument and value', () => {
  throwsWith(() => randomNet('one-layer', 0, 1), 'n must be an integer in [1, 16]', 'got 0');
  throwsWith(() => randomNet('one-layer', 17, 1), 'got 17');
  throwsWith(() => randomNet('one-layer', 2.5, 1), 'got 2.5');
  throwsWith(() => randomNet('three-layer' as NetKind, 2, 1), 'kind', '"three-layer"');
  throwsWith(() => randomNet('one-layer', 2, 1, { reward: 'gaussian' as 'iid' }), 'reward', '"gaussian"');
  throwsWith(() => randomNet('one-layer', 2, 1, { index: -1 }), 'index', 'got -1');
  throwsWith(() => randomNet('one-layer', 2, -1), 'seed');
  throwsWith(() => estimateRows(enumerateNet(randomNet('one-layer', 2, 1)), 'st'), 'st needs the two-layer network', 'got one-layer');
  throwsWith(() => withParams(randomNet('one-layer', 2, 1), [1, 2]), 'theta must hold 10 numbers', 'got 2');
});

test('logLogSlope recovers a power law and ignores non-positive values', () => {
  const ns = [2, 4, 8, 16];
  assert.ok(Math.abs(logLogSlope(ns, ns.map((n) => 3 / n)) + 1) < 1e-12);
  assert.ok(Math.abs(logLogSlope([...ns, 32], [...ns.map((n) => n ** -2), 0]) + 2) < 1e-12);
  assert.ok(Number.isNaN(logLogSlope([4], [1])));
});

test('n = 16 (2¹⁷ configurations) measures every estimator in seconds', () => {
  const t0 = performance.now();
  const en = enumerateNet(randomNet('two-layer', 16, 1));
  const g = exactGradient(en);
  for (const id of exactEstimatorIds()) measureEstimator(en, id, g);
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(seconds < 10, `${seconds} s`);
});


// ---- several input contexts ----

test('K > 1 contexts: the unbiased estimators stay unbiased to rounding, as an expectation over contexts × samples', async () => {
  const { enumerateContexts, mixtureGradient, measureMixture } = await import('../../src/diagnose/index.js');
  const { measureOverContexts } = await import('../../src/estimators/exact-moments.js');
  const { exactGradient: gradientOf } = await import('../../src/diagnose/index.js');
  const perRule = ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'reinforce-critic'];
  const moments = ['rloo', 'arm', 'disarm'];
  let checked = 0;
  for (const kind of KINDS) {
    for (const rewardOf of ['all', 'output'] as const) {
      for (const n of [2, 5]) {
        const mix = enumerateContexts(randomNet(kind, n, 41, { contexts: 3, index: n, rewardOf }));
        const g = mixtureGradient(mix);
        for (const id of perRule) {
          const m = measureMixture(mix, id, g);
          assert.ok(m.relBias < 1e-12, `${id} ${kind} n=${n}: ${m.relBias}`);
          checked += 1;
        }
        // HNCA's theorem needs R to depend on a hidden unit only through its children: the one-layer
        // network, or the two-layer one with the reward of the output only.
        const ids = kind === 'one-layer' || rewardOf === 'output' ? [...moments, 'hnca'] : moments;
        for (const id of ids) {
          const x = estimatorFor(id).exactMoments!;
          const m = measureOverContexts(mix, id, (en, gg) => x.measure(en, gg), g, gradientOf);
          assert.ok(m.relBias < 1e-12, `${id} ${kind}/${rewardOf} n=${n}: ${m.relBias}`);
          checked += 1;
        }
      }
    }
  }
  assert.ok(checked >= 40);
});

test('K > 1 contexts: Eq. 7 over the mixture still has the lowest unit (bias) variance among constant baselines', async () => {
  const { enumerateContexts, mixtureGradient, measureMixture } = await import('../../src/diagnose/index.js');
  for (const kind of KINDS) {
    const mix = enumerateContexts(randomNet(kind, 4, 42, { contexts: 4 }));
    const g = mixtureGradient(mix);
    const opt = measureMixture(mix, 'reinforce-optimal', g);
    for (const id of ['reinforce', 'reinforce-mean']) {
      const other = measureMixture(mix, id, g);
      opt.unitVariance.forEach((v, i) => assert.ok(v <= other.unitVariance[i]! * (1 + 1e-12), `${kind} ${id} unit ${i}`));
    }
  }
});

test('K > 1 contexts: learned-correction’s exact fit is biased (one map for every input); with K = 1 it is not', async () => {
  const { enumerateContexts, mixtureGradient, measureMixture, hiddenWeightCosine } = await import('../../src/diagnose/index.js');
  let biased = 0;
  for (let index = 0; index < 4; index++) {
    const one = enumerateContexts(randomNet('two-layer', 4, 1, { index }));
    assert.ok(measureMixture(one, 'learned-correction', mixtureGradient(one)).relBias < 1e-12);
    const mix = enumerateContexts(randomNet('two-layer', 4, 1, { index, contexts: 4 }));
    const g = mixtureGradient(mix);
    const m = measureMixture(mix, 'learned-correction', g);
    if (m.relBias > 0.01) biased += 1;
    assert.ok(m.cosine < 1 - 1e-6, `cosine ${m.cosine}`);
    assert.ok(hiddenWeightCosine(m.mean, g, 4 * 4) < 1, 'W alone');
    // the fit is the least-squares fit over contexts × configurations: the exact moments mix by π
    const st = exactCorrectionState(mix[0]!.en);
    const byContext = mix.map((c) => exactCorrectionState({ ...c.en, contexts: undefined }));
    st['mx']!.forEach((v, j) => assertClose(v, mix.reduce((s, c, k) => s + c.weight * byContext[k]!['mx']![j]!, 0), 1e-12, 'mx'));
  }
  assert.ok(biased >= 3, `${biased} of 4 networks biased`);
});

test('K > 1 contexts: the tfjs check runs every context with the mixture’s Eq. 7 baseline', async () => {
  const { enumerateContexts } = await import('../../src/diagnose/index.js');
  const mix = enumerateContexts(randomNet('two-layer', 3, 43, { contexts: 2 }));
  const c = tfjsCheck(mix, ['reinforce-mean', 'reinforce-optimal', 'reinforce-critic', 'st', 'learned-correction']);
  assert.is(c.rows, 2 * 16);
  assert.ok(c.worst < 1e-4, `worst ${c.worst}`);
});

test.run();
