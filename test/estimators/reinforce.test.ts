/**
 * `reinforce`: g = (h − p)·R is unbiased (Theorem 1), checked by exact enumeration and by
 * Monte Carlo; and the enumeration's ∇J is itself checked against finite differences of J.
 *
 * Precision. tfjs tensors on the cpu backend are float32, so a generic estimate carries a relative
 * rounding error of ~1e-7 per element, and no float64 sum can take that back out. The 1e-9 bar is
 * therefore met on {@link dyadicProblem}: a real linear-sigmoid network whose every probability is
 * a multiple of 1/256 and whose rewards are multiples of 1/16, so that every float32 operation in
 * `reinforceGrad` is exact; the sums over all configurations are then done in float64. On a
 * generic network the same check runs at a float32-derived tolerance.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { batchMoments, reinforce, reinforceGrad, reinforceUpdate } from '../../src/estimators/reinforce.js';
import { initBackend } from '../../src/tensor/backend.js';
import {
  dyadicProblem,
  enumerate,
  exactGradient,
  finiteDifferenceGradient,
  maxAbs,
  maxAbsDiff,
  perRowParamGrads,
  randomProblem,
  sample,
  unitCount,
  weightedMoments,
  type Rows,
} from '../fixtures/enumerate.js';
import { column, layerTensors, monteCarloZ, paramMoments, reinforceEstimates } from '../fixtures/estimate.js';
import { assertAllClose } from '../helpers.js';

await initBackend('cpu', () => {});

test('the tests run on the cpu backend', () => {
  assert.is(tf.getBackend(), 'cpu');
});

test('reinforceGrad is (h − p)(signal − baseline), elementwise with broadcasting', () => {
  const [g0, g1, g2] = tf.tidy(() => {
    const h = tf.tensor2d([1, 0, 1, 1], [2, 2]);
    const p = tf.tensor2d([0.25, 0.5, 0.75, 0.125], [2, 2]);
    const s = tf.tensor2d([2, -1], [2, 1]);
    return [
      reinforceGrad(h, p, s).arraySync(),
      reinforceGrad(h, p, s, tf.tensor2d([[0.5]])).arraySync(),
      reinforceGrad(h, p, s, tf.tensor2d([[1, -1]])).arraySync(),
    ];
  });
  assert.equal(g0, [
    [1.5, -1],
    [-0.25, -0.875],
  ]);
  assert.equal(g1, [
    [1.125, -0.75],
    [-0.375, -1.3125],
  ]);
  assert.equal(g2, [
    [0.75, -1.5],
    [-0.5, 0],
  ]);
  assert.is(reinforce.baseline, 'none');
  assert.is(reinforce.information, 'broadcast');
});

test('enumeration: ∇J = Σ P R̄ Σ (h − p)∇a matches central finite differences of J', () => {
  for (const problem of [dyadicProblem(), randomProblem(1, [3, 4, 3]), randomProblem(2, [2, 2, 2, 2], { contexts: 3 })]) {
    assert.ok(unitCount(problem.sizes) <= 8);
    const g = exactGradient(problem);
    const fd = finiteDifferenceGradient(problem, 1e-5);
    // Central differences in float64: truncation ~ε²·J‴/6 ≈ 1e-11, rounding ~1e-16/ε ≈ 1e-11.
    assert.ok(maxAbsDiff(g, fd) <= 1e-8 * maxAbs(g), `∇J vs finite differences: off by ${maxAbsDiff(g, fd)} on a scale of ${maxAbs(g)}`);
  }
});

test('enumeration: the configuration probabilities sum to 1', () => {
  const e = enumerate(randomProblem(3, [3, 4, 3]));
  assert.is(e.rows, 2 * 2 ** 7);
  let s = 0;
  for (const w of e.weight) s += w;
  assert.ok(Math.abs(s - 1) < 1e-12);
});

test('the dyadic problem makes reinforceGrad exact in float32', () => {
  // The premise of the 1e-9 checks: the float32 outputs equal the float64 formula bit for bit.
  const e = enumerate(dyadicProblem());
  const g = reinforceEstimates(e, [undefined, [0.4375, -1.25]]);
  e.layers.forEach((L, l) => {
    const n = L.h.length / e.rows;
    for (let r = 0; r < e.rows; r++) {
      for (let j = 0; j < n; j++) {
        const p = Math.fround(L.p[r * n + j]!);
        const b = l === 1 ? [0.4375, -1.25][j]! : 0;
        assert.is(g[l]![r * n + j], (L.h[r * n + j]! - p) * (e.reward[r]! - b));
      }
    }
  });
});

test('reinforce: the exact mean over all 2ⁿ configurations equals ∇J to 1e-9', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e));
  const err = maxAbsDiff(mean, truth) / maxAbs(truth);
  assert.ok(err <= 1e-9, `relative error ${err}`);
});

test('reinforce: on a generic network the exact mean equals ∇J to float32 precision', () => {
  const problem = randomProblem(4, [3, 4, 3]);
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e));
  // Each element carries ≤ ~3 float32 roundings (2⁻²⁴ each) of (h − p), R and the product.
  const scale = meanAbsEstimate(problem.sizes, e, reinforceEstimates(e));
  assertAllClose(mean, truth, 4 * 2 ** -24 * scale, 'E ĝ − ∇J');
});

test('reinforce: the Monte-Carlo mean of 20 000 samples lies within 4 standard errors of ∇J', () => {
  const problem = randomProblem(5, [3, 4, 3]);
  const truth = exactGradient(problem);
  const rows = sample(problem, 20_000, Rng.fromSeed(11), 0.5);
  const { maxZ, at } = monteCarloZ(problem.sizes, rows, reinforceEstimates(rows), truth);
  assert.ok(maxZ < 4, `parameter ${at} is ${maxZ.toFixed(2)} standard errors from ∇J`);
});

test('the checks can fail: a sign-flipped or baseline-biased copy of the rule is caught', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  // Mutant 1: g = (p − h)·R.
  const flipped = tf.tidy(() =>
    e.layers.map((_, l) => {
      const { h, p } = layerTensors(e, l);
      return tf.mul(tf.sub(p, h), column(e.reward)).dataSync() as Float32Array;
    }),
  );
  const m1 = paramMoments(problem.sizes, e, flipped).mean;
  assert.ok(maxAbsDiff(m1, truth) / maxAbs(truth) > 1, 'the 1e-9 check must reject the sign flip');
  // Mutant 2: a baseline that depends on the sample itself, b = R·h (not a constant).
  const selfBaseline = tf.tidy(() =>
    e.layers.map((_, l) => {
      const { h, p } = layerTensors(e, l);
      const s = column(e.reward);
      return tf.mul(tf.sub(h, p), tf.sub(s, tf.mul(s, h))).dataSync() as Float32Array;
    }),
  );
  const m2 = paramMoments(problem.sizes, e, selfBaseline).mean;
  assert.ok(maxAbsDiff(m2, truth) / maxAbs(truth) > 1e-3, 'the 1e-9 check must reject a sample-dependent baseline');
  // Mutant 3: the Monte-Carlo band rejects a 50 % scale error. (Its power is limited by REINFORCE's
  // low signal-to-noise ratio: at N = 20 000 a 5 % error gives z ≈ 2.4 and is not caught.)
  const mcProblem = randomProblem(5, [3, 4, 3]);
  const mcTruth = exactGradient(mcProblem);
  const rows = sample(mcProblem, 20_000, Rng.fromSeed(11), 0.5);
  const scaled = reinforceEstimates(rows).map((g) => g.map((v) => 1.5 * v));
  assert.ok(monteCarloZ(mcProblem.sizes, rows, scaled, mcTruth).maxZ > 4, 'the 4-SE band must reject a 50 % bias');
});

/** max over parameters of Σ P·|ĝ|: the scale of the float32 rounding left in an exact mean. */
function meanAbsEstimate(sizes: readonly number[], e: Rows, g: Float32Array[]): number {
  const abs = perRowParamGrads(sizes, e, g).map(Math.abs);
  return maxAbs(weightedMoments(abs, e.rows, e.weight).mean);
}

test('reinforceUpdate (typed-array kernel) equals reinforceGrad with the chain rule and batchMoments', () => {
  const rng = Rng.fromSeed(11);
  const M = 37;
  const nIn = 5;
  const nOut = 6;
  const draw = (n: number, f: () => number): Float32Array => Float32Array.from({ length: n }, f);
  const x = draw(M * nIn, () => rng.uniform(-1, 1));
  const p = draw(M * nOut, () => rng.uniform(0.05, 0.95));
  const h = Float32Array.from(p, (q) => (rng.random() < q ? 1 : 0));
  const R = draw(M, () => rng.normal(2, 3));
  for (const baseline of [draw(nOut, () => rng.normal()), Float32Array.of(0.7)]) {
    const dW = new Float32Array(nIn * nOut);
    const db = new Float32Array(nOut);
    const moments = { signal: 0, e2: new Float64Array(nOut), e2Signal: new Float64Array(nOut) };
    reinforceUpdate(x, h, p, R, baseline, M, nIn, nOut, { dW, db, moments });
    const [tW, tb] = tf.tidy(() => {
      const g = reinforceGrad(tf.tensor2d(h, [M, nOut]), tf.tensor2d(p, [M, nOut]), tf.tensor2d(R, [M, 1]), tf.tensor2d(baseline, [1, baseline.length]));
      return [tf.div(tf.matMul(tf.tensor2d(x, [M, nIn]), g, true, false), M).dataSync(), tf.mean(g, 0).dataSync()];
    });
    assertAllClose(dW, tW!, 1e-5, 'ΔW');
    assertAllClose(db, tb!, 1e-5, 'Δb');
    const inputs = [tf.tensor2d(h, [M, nOut]), tf.tensor2d(p, [M, nOut]), tf.tensor2d(R, [M, 1])] as const;
    const m = batchMoments(...inputs);
    tf.dispose([...inputs]);
    assertAllClose(moments.e2, m.e2, 1e-5, 'mean (h − p)²');
    assertAllClose(moments.e2Signal, m.e2Signal, 1e-5, 'mean (h − p)²R');
    assert.ok(Math.abs(moments.signal - m.signal) < 1e-5);
  }
});

test('reinforceUpdate: every input width and unit range gives the row-order float64 sums to the bit', () => {
  const rng = Rng.fromSeed(12);
  // Sizes on both sides of the WebAssembly kernels' threshold, one-unit layers and odd unit counts.
  for (const [M, nOut, nIn] of [[29, 18, 1], [29, 18, 3], [29, 18, 4], [29, 18, 6], [29, 18, 17], [300, 1, 64], [300, 1, 5], [7, 1, 3], [300, 7, 4]] as const) {
    const draw = (n: number, f: () => number): Float32Array => Float32Array.from({ length: n }, f);
    // Binary inputs with zeros, as a hidden layer feeds the next: the kernels may skip zero terms.
    const x = draw(M * nIn, () => (nIn === 17 ? +(rng.random() < 0.5) : rng.uniform(-1, 1)));
    const p = draw(M * nOut, () => rng.uniform(0.05, 0.95));
    const h = Float32Array.from(p, (q) => (rng.random() < q ? 1 : 0));
    const R = draw(M, () => rng.normal(2, 3));
    const baseline = draw(nOut, () => rng.normal());
    // The definition: per unit, sums over the rows in order, in float64, then / M.
    const want = { dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut), e2: new Float64Array(nOut), e2R: new Float64Array(nOut) };
    for (let j = 0; j < nOut; j++) {
      let db = 0;
      let e2 = 0;
      let e2R = 0;
      const w = new Array<number>(nIn).fill(0);
      for (let r = 0; r < M; r++) {
        const e = h[r * nOut + j]! - p[r * nOut + j]!;
        const g = e * (R[r]! - baseline[j]!);
        db += g;
        e2 += e * e;
        e2R += e * e * R[r]!;
        for (let i = 0; i < nIn; i++) w[i] = w[i]! + x[r * nIn + i]! * g;
      }
      for (let i = 0; i < nIn; i++) want.dW[i * nOut + j] = w[i]! / M;
      want.db[j] = db / M;
      want.e2[j] = e2 / M;
      want.e2R[j] = e2R / M;
    }
    // Whole, and in three unit ranges (as kernel threads split it).
    for (const ranges of nOut > 6 ? [[[0, nOut]], [[0, 5], [5, 6], [6, nOut]]] : [[[0, nOut]]]) {
      const dW = new Float32Array(nIn * nOut);
      const db = new Float32Array(nOut);
      const moments = { signal: 0, e2: new Float64Array(nOut), e2Signal: new Float64Array(nOut) };
      for (const [j0, j1] of ranges) reinforceUpdate(x, h, p, R, baseline, M, nIn, nOut, { dW, db, moments }, j0, j1);
      const what = `M ${M}, nIn ${nIn}, nOut ${nOut}, ${ranges.length} range(s)`;
      assert.equal(Array.from(dW), Array.from(want.dW), `${what}: ΔW`);
      assert.equal(Array.from(db), Array.from(want.db), `${what}: Δb`);
      assert.equal(Array.from(moments.e2), Array.from(want.e2), `${what}: e2`);
      assert.equal(Array.from(moments.e2Signal), Array.from(want.e2R), `${what}: e2R`);
    }
  }
});

test.run();
