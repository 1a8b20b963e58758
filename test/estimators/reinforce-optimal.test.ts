/**
 * `reinforce-optimal`: the running Eq. 7 baseline, its exact form, unbiasedness, and the claim of
 * Corollary 1: among constant baselines, L̄ᵢ = E[(hᵢ − pᵢ)²R] / E[(hᵢ − pᵢ)²] minimises the
 * variance of unit i's estimate (hᵢ − pᵢ)(R − L̄ᵢ).
 *
 * See reinforce.test.ts for why the 1e-9 checks use the dyadic problem.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/rng.js';
import { EQ7_INIT, OptimalBaseline, exactOptimalBaseline, reinforceOptimal } from '../../src/estimators/reinforce-optimal.js';
import type { Baseline } from '../../src/estimators/types.js';
import { initBackend } from '../../src/tensor/backend.js';
import { dyadicProblem, enumerate, exactGradient, maxAbs, maxAbsDiff, randomProblem, sample, snapBaseline, weightedMoments, type Rows } from '../fixtures/enumerate.js';
import { column, layerTensors, monteCarloZ, paramMoments, reinforceEstimates, runningEstimates } from '../fixtures/estimate.js';
import { assertAllClose, assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

/** The exact Eq. 7 baseline of every layer, from the real `exactOptimalBaseline`. */
function exactEq7(rows: Rows): number[][] {
  return tf.tidy(() =>
    rows.layers.map((_, l) => {
      const { h, p } = layerTensors(rows, l);
      return Array.from(exactOptimalBaseline(h, p, column(rows.reward), column(rows.weight)).dataSync());
    }),
  );
}

/** Per unit of every layer: the exact variance of (hᵢ − pᵢ)(R − bᵢ), and E[(hᵢ − pᵢ)²]. */
function unitVariances(rows: Rows, baselines: readonly (readonly number[])[]): { variance: Float64Array; e2: Float64Array }[] {
  const g = reinforceEstimates(rows, baselines);
  return rows.layers.map((L, l) => {
    const { variance } = weightedMoments(Float64Array.from(g[l]!), rows.rows, rows.weight);
    const n = L.h.length / rows.rows;
    const e2 = new Float64Array(n);
    for (let r = 0; r < rows.rows; r++) for (let j = 0; j < n; j++) e2[j] += rows.weight[r]! * (L.h[r * n + j]! - L.p[r * n + j]!) ** 2;
    return { variance, e2 };
  });
}

test('spec: the default estimator, per-unit Eq. 7 baseline, local rule', () => {
  assert.is(reinforceOptimal.id, 'reinforce-optimal');
  assert.is(reinforceOptimal.baseline, 'optimal');
  assert.is(reinforceOptimal.information, 'broadcast');
  assert.is(reinforceOptimal.needsHidden, false);
});

test('OptimalBaseline starts at num = den = 1e-6 and folds batches in with decay c', () => {
  const b = new OptimalBaseline(2, 0.9);
  assert.equal(b.state(), { num: [EQ7_INIT, EQ7_INIT], den: [EQ7_INIT, EQ7_INIT] });
  const v0 = tf.tidy(() => Array.from(b.value().dataSync()));
  assert.equal(v0, [1, 1]);
  tf.tidy(() => {
    const h = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const p = tf.tensor2d([0.5, 0.25, 0.75, 0.5], [2, 2]);
    const R = tf.tensor2d([2, -1], [2, 1]);
    b.update(h, p, R);
  });
  // unit 0: (h − p)² = [0.25, 0.5625]; mean((h − p)²R) = (0.5 − 0.5625)/2; mean((h − p)²) = 0.40625
  // unit 1: (h − p)² = [0.0625, 0.25];  mean((h − p)²R) = (0.125 − 0.25)/2;  mean((h − p)²) = 0.15625
  const s = b.state();
  assertAllClose(s['num']!, [0.9e-6 + 0.1 * -0.03125, 0.9e-6 + 0.1 * -0.0625], 1e-12, 'num');
  assertAllClose(s['den']!, [0.9e-6 + 0.1 * 0.40625, 0.9e-6 + 0.1 * 0.15625], 1e-12, 'den');
  const v1 = tf.tidy(() => Array.from(b.value().dataSync()));
  assertAllClose(v1, [s['num']![0]! / s['den']![0]!, s['num']![1]! / s['den']![1]!], 1e-6, 'L̄');
});

test('OptimalBaseline checks its arguments and its saved state', () => {
  throwsWith(() => new OptimalBaseline(0), 'units', '0');
  throwsWith(() => new OptimalBaseline(2, 1), 'decay', '1');
  const b = new OptimalBaseline(2);
  throwsWith(() => b.load({ num: [1], den: [1, 1] }), 'num', '2');
  throwsWith(() => b.load({ num: [1, NaN], den: [1, 1] }), 'num');
  b.load({ num: [0.5, 3], den: [1, 2] });
  assert.equal(b.state(), { num: [0.5, 3], den: [1, 2] });
  assert.equal(tf.tidy(() => Array.from(b.value().dataSync())), [0.5, 1.5]);
});

test('exactOptimalBaseline is Σw(h − p)²R / Σw(h − p)² per unit', () => {
  const v = tf.tidy(() => {
    const h = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
    const p = tf.tensor2d([0.5, 0.5, 0.25, 0.25, 0.75, 0.75], [3, 2]);
    return Array.from(exactOptimalBaseline(h, p, column([1, 2, 4]), column([0.5, 0.25, 0.25])).dataSync());
  });
  const u0 = (0.5 * 0.25 * 1 + 0.25 * 0.0625 * 2 + 0.25 * 0.0625 * 4) / (0.5 * 0.25 + 0.25 * 0.0625 + 0.25 * 0.0625);
  const u1 = (0.5 * 0.25 * 1 + 0.25 * 0.5625 * 2 + 0.25 * 0.0625 * 4) / (0.5 * 0.25 + 0.25 * 0.5625 + 0.25 * 0.0625);
  assertAllClose(v, [u0, u1], 1e-6, 'L̄');
});

test('Eq. 7 is the best constant baseline: per-unit variance ≤ any constant, E[R] and 0', () => {
  const problem = randomProblem(21, [3, 4, 3]);
  const e = enumerate(problem);
  const eq7 = exactEq7(e);
  const best = unitVariances(e, eq7);
  let ER = 0;
  for (let r = 0; r < e.rows; r++) ER += e.weight[r]! * e.reward[r]!;
  let sawStrictlyWorse = false;
  const candidates = [0, ER, ...Array.from({ length: 41 }, (_, k) => -2 + (k * 5) / 40)];
  for (const c of candidates) {
    const other = unitVariances(
      e,
      eq7.map((u) => u.map(() => c)),
    );
    other.forEach((o, l) => {
      for (let j = 0; j < o.variance.length; j++) {
        const vBest = best[l]!.variance[j]!;
        // float32 estimates: each variance is good to ~1e-6 relative.
        assert.ok(vBest <= o.variance[j]! * (1 + 1e-6), `layer ${l} unit ${j}: Var at Eq. 7 (${vBest}) > Var at b = ${c} (${o.variance[j]})`);
        // Var(b) − Var(L̄) = E[(h − p)²]·(b − L̄)²: the variance is a parabola with its vertex at Eq. 7.
        const predicted = o.e2[j]! * (c - eq7[l]![j]!) ** 2;
        assertClose(o.variance[j]! - vBest, predicted, 2e-6 * o.variance[j]! + 1e-9, `excess variance at b = ${c}`);
        if (c === ER && o.variance[j]! > vBest * 1.01) sawStrictlyWorse = true;
      }
    });
  }
  assert.ok(sawStrictlyWorse, 'the mean-reward baseline should be measurably worse for some unit');
});

test('the variance check can fail: a wrong "optimal" baseline loses to some constant', () => {
  // Mutant: weights |h − p| instead of (h − p)² in Eq. 7.
  const problem = randomProblem(21, [3, 4, 3]);
  const e = enumerate(problem);
  const mutant = e.layers.map((L) => {
    const n = L.h.length / e.rows;
    return Array.from({ length: n }, (_, j) => {
      let num = 0;
      let den = 0;
      for (let r = 0; r < e.rows; r++) {
        const d = Math.abs(L.h[r * n + j]! - L.p[r * n + j]!);
        num += e.weight[r]! * d * e.reward[r]!;
        den += e.weight[r]! * d;
      }
      return num / den;
    });
  });
  const mv = unitVariances(e, mutant);
  const eq7 = unitVariances(e, exactEq7(e));
  const worse = mv.some((m, l) => m.variance.some((v, j) => v > eq7[l]!.variance[j]! * (1 + 1e-4)));
  assert.ok(worse, 'the mutant must be beaten by the true Eq. 7 constant on some unit');
});

test('reinforce-optimal: exact mean over all 2ⁿ configurations equals ∇J to 1e-9', () => {
  const problem = dyadicProblem();
  const e = enumerate(problem);
  const truth = exactGradient(problem);
  // The Eq. 7 value, snapped to a 2⁻¹² grid so that R − L̄ stays exact in float32. Any constant
  // baseline leaves the mean unchanged; snapping moves L̄ by < 2⁻¹³, which changes only the variance.
  const eq7 = exactEq7(e).map((u) => u.map(snapBaseline));
  const { mean } = paramMoments(problem.sizes, e, reinforceEstimates(e, eq7));
  const err = maxAbsDiff(mean, truth) / maxAbs(truth);
  assert.ok(err <= 1e-9, `relative error ${err}`);
  // And with a running OptimalBaseline whose state is on the grid.
  const running = problem.sizes.slice(1).map((n, l) => {
    const b = new OptimalBaseline(n);
    b.load({ num: eq7[l]!.map((v) => 2 * v), den: eq7[l]!.map(() => 2) });
    return b;
  });
  const bl = running.map((b) => tf.tidy(() => Array.from(b.value().dataSync())));
  assert.equal(bl, eq7);
  const m2 = paramMoments(problem.sizes, e, reinforceEstimates(e, bl)).mean;
  assert.ok(maxAbsDiff(m2, truth) / maxAbs(truth) <= 1e-9);
});

test('reinforce-optimal: Monte-Carlo mean with the running baseline is within 4 SE of ∇J', () => {
  const problem = randomProblem(22, [3, 4, 3]);
  const truth = exactGradient(problem);
  const rows = sample(problem, 20_000, Rng.fromSeed(23), 0.5);
  const baselines: Baseline[] = problem.sizes.slice(1).map((n) => new OptimalBaseline(n));
  const { maxZ, at } = monteCarloZ(problem.sizes, rows, runningEstimates(rows, baselines, 32), truth);
  assert.ok(maxZ < 4, `parameter ${at} is ${maxZ.toFixed(2)} standard errors from ∇J`);
});

test('the Monte-Carlo check can fail: a baseline that has already seen its own batch is caught', () => {
  const problem = randomProblem(22, [3, 4, 3]);
  const truth = exactGradient(problem);
  const rows = sample(problem, 20_000, Rng.fromSeed(23), 0.5);
  // Mutant: update first, then estimate (batch of 1, default c = 0.9): L̄ now contains the row's own R.
  // (At a batch of 32 the same mistake gives z ≈ 2 at this N: too small a bias to see.)
  const baselines = problem.sizes.slice(1).map((n) => new OptimalBaseline(n, 0.9));
  const g = rows.layers.map((L) => new Float32Array(L.h.length));
  for (let r = 0; r < rows.rows; r++) {
    tf.tidy(() => {
      const s = column([rows.reward[r]!]);
      rows.layers.forEach((L, l) => {
        const n = L.h.length / rows.rows;
        const h = tf.tensor2d(Float32Array.from(L.h.subarray(r * n, (r + 1) * n)), [1, n]);
        const p = tf.tensor2d(Float32Array.from(L.p.subarray(r * n, (r + 1) * n)), [1, n]);
        baselines[l]!.update(h, p, s);
        g[l]!.set(tf.mul(tf.sub(h, p), tf.sub(s, baselines[l]!.value())).dataSync(), r * n);
      });
    });
  }
  assert.ok(monteCarloZ(problem.sizes, rows, g, truth).maxZ > 4);
});

test('the running OptimalBaseline converges to the exact Eq. 7 value (within 4 SE)', () => {
  const problem = randomProblem(24, [3, 4, 3]);
  const e = enumerate(problem);
  const exact = exactEq7(e);
  const c = 0.9;
  const B = 2000;
  const baselines = problem.sizes.slice(1).map((n) => new OptimalBaseline(n, c));
  const rows = sample(problem, 60 * B, Rng.fromSeed(25));
  runningEstimates(rows, baselines, B);
  // Delta method: L̂ − L̄ ≈ mean[(h − p)²(R − L̄)] / E[(h − p)²], and the EMA over batches of B
  // has an effective sample size B·(1 + c)/(1 − c).
  const nEff = (B * (1 + c)) / (1 - c);
  e.layers.forEach((L, l) => {
    const n = L.h.length / e.rows;
    const est = tf.tidy(() => Array.from(baselines[l]!.value().dataSync()));
    for (let j = 0; j < n; j++) {
      let e2 = 0;
      let v = 0;
      for (let r = 0; r < e.rows; r++) {
        const d2 = (L.h[r * n + j]! - L.p[r * n + j]!) ** 2;
        e2 += e.weight[r]! * d2;
        v += e.weight[r]! * (d2 * (e.reward[r]! - exact[l]![j]!)) ** 2;
      }
      const se = Math.sqrt(v / nEff) / e2;
      assertClose(est[j]!, exact[l]![j]!, 4 * se, `layer ${l} unit ${j} running L̄`);
    }
  });
});

test.run();
