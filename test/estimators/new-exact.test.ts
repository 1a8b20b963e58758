/**
 * The exact rules of the estimators added since 2013 (rloo, arm, disarm, hnca, node perturbation,
 * weight maximization, SPSA) on enumerated random networks: the unbiased ones have bias at rounding
 * level; the variance orderings of their papers are checked where they must hold and reported where
 * they need not; the closed forms agree with brute-force enumeration.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enumerateNet, exactGradient, measureEstimator, randomNet, type ExactNet } from '../../src/diagnose/index.js';
import { accumulate, measureMoments } from '../../src/estimators/exact-moments.js';
import { rlooExact, scoreVector, leaveOneOutSignal } from '../../src/estimators/rloo.js';
import { armExact, armUnit } from '../../src/estimators/arm.js';
import { disarmExact, disarmUnit } from '../../src/estimators/disarm.js';
import { visitPairs } from '../../src/estimators/antithetic.js';
import { hncaExact, hncaFactor } from '../../src/estimators/hnca.js';
import { weightMaxExact } from '../../src/estimators/weight-max.js';
import { logisticPartialMean, logisticPartialSecond, LOGISTIC_VARIANCE, nodePerturbationExact, nodePerturbationScale } from '../../src/estimators/node-perturbation.js';
import { spsaExact } from '../../src/estimators/weight-perturbation.js';
import { Rng } from '../../src/core/rng.js';
import { assertClose } from '../helpers.js';

/** Networks of both kinds, both reward models and both reward dependences, n = 1 … 6. */
function nets(): ExactNet[] {
  const out: ExactNet[] = [];
  for (const n of [1, 2, 4, 6]) {
    out.push(randomNet('one-layer', n, 21, { index: n % 4 }));
    out.push(randomNet('one-layer', n, 22, { reward: 'iid' }));
    out.push(randomNet('two-layer', n, 23, { index: n % 4 }));
    out.push(randomNet('two-layer', n, 24, { rewardOf: 'output' }));
    out.push(randomNet('two-layer', n, 25, { reward: 'iid', rewardOf: 'output' }));
  }
  return out;
}

const rel = (v: number, scale: number): number => v / Math.max(scale, 1e-300);

test('rloo, arm, disarm are unbiased to rounding on every network', () => {
  for (const net of nets()) {
    const en = enumerateNet(net);
    const g = exactGradient(en);
    for (const m of [rlooExact(en, g, 2), rlooExact(en, g, 5), armExact(en, g), disarmExact(en, g)]) {
      assert.ok(m.relBias < 1e-12, `${m.estimator} on ${net.kind} n=${net.n}: relative bias ${m.relBias}`);
    }
  }
});

test('hnca is unbiased when the reward sees hidden units only through their children, biased otherwise', () => {
  let biased = 0;
  for (const net of nets()) {
    const en = enumerateNet(net);
    const m = hncaExact(en, exactGradient(en));
    const unbiased = net.kind === 'one-layer' || net.reward.subarray(0, 1 << net.n).every((v) => v === net.reward[0]);
    if (unbiased) assert.ok(m.relBias < 1e-12, `hnca on ${net.kind} n=${net.n}: relative bias ${m.relBias}`);
    else if (m.relBias > 1e-3) biased++;
  }
  assert.ok(biased >= 3, `hnca should be visibly biased when R̄ depends on h directly (${biased} nets)`);
});

test('hnca has at most the variance of reinforce with the same baseline (Young 2022, Theorem 2)', () => {
  for (const net of nets()) {
    if (net.kind !== 'two-layer' || !net.reward.subarray(0, 1 << net.n).every((v) => v === net.reward[0])) continue;
    const en = enumerateNet(net);
    const h = hncaExact(en, exactGradient(en), 'none');
    const r = measureEstimator(en, 'reinforce');
    for (let i = 0; i < net.n; i++) {
      assert.ok(h.unitVariance[i]! <= r.unitVariance[i]! * (1 + 1e-12) + 1e-15, `unit ${i}, n=${net.n}: hnca ${h.unitVariance[i]} > reinforce ${r.unitVariance[i]}`);
    }
  }
});

test('disarm has at most the variance of arm, parameter by parameter (Rao–Blackwell)', () => {
  for (const net of nets()) {
    const en = enumerateNet(net);
    const g = exactGradient(en);
    const d = disarmExact(en, g);
    const a = armExact(en, g);
    for (let k = 0; k < d.variance.length; k++) {
      assert.ok(d.variance[k]! <= a.variance[k]! * (1 + 1e-9) + 1e-14, `${net.kind} n=${net.n} param ${k}: disarm ${d.variance[k]} > arm ${a.variance[k]}`);
    }
  }
});

test('the rloo closed form equals brute force over all pairs of configurations (K = 2)', () => {
  for (const net of [randomNet('one-layer', 3, 31), randomNet('two-layer', 3, 32)]) {
    const en = enumerateNet(net);
    const P = en.net.x.length * net.n + net.n + (net.kind === 'two-layer' ? net.n + 1 : 0);
    const s1 = new Float64Array(P);
    const s2 = new Float64Array(P);
    const mean = new Float64Array(P);
    const sq = new Float64Array(P);
    for (let a = 0; a < en.rows; a++) {
      scoreVector(en, a, s1);
      for (let b = 0; b < en.rows; b++) {
        scoreVector(en, b, s2);
        const w = en.prob[a]! * en.prob[b]!;
        const Ra = net.reward[a]!;
        const Rb = net.reward[b]!;
        for (let q = 0; q < P; q++) {
          const g = 0.5 * (s1[q]! * (Ra - Rb) + s2[q]! * (Rb - Ra));
          mean[q] += w * g;
          sq[q] += w * g * g;
        }
      }
    }
    const m = rlooExact(en, exactGradient(en), 2);
    for (let q = 0; q < P; q++) {
      assertClose(m.mean[q]!, mean[q]!, 1e-12, `mean[${q}]`);
      assertClose(m.variance[q]!, sq[q]! - mean[q]! ** 2, 1e-12, `variance[${q}]`);
    }
  }
});

test('the antithetic pair visits outcomes of total probability 1 with the right marginals', () => {
  const en = enumerateNet(randomNet('two-layer', 4, 41));
  let total = 0;
  const pA = new Float64Array(en.rows);
  const pB = new Float64Array(en.rows);
  const H = 1 << en.net.n;
  visitPairs(en, (o) => {
    total += o.w;
    pA[o.o * H + o.h] += o.w;
    pB[o.ot * H + o.ht] += o.w;
  });
  assertClose(total, 1, 1e-12, 'total');
  for (let k = 0; k < en.rows; k++) {
    assertClose(pA[k]!, en.prob[k]!, 1e-12, `member A P(${k})`);
    assertClose(pB[k]!, en.prob[k]!, 1e-12, `member B P(${k})`);
  }
});

test('arm and disarm check: with f(b) = b one unit gets σ(φ)(1 − σ(φ)) on average (Monte Carlo, seed 5)', () => {
  const rng = Rng.fromSeed(5);
  for (const phi of [-2, -0.3, 0, 1.5]) {
    const p = 1 / (1 + Math.exp(-phi));
    const N = 200_000;
    let sa = 0;
    let sa2 = 0;
    let sd = 0;
    for (let k = 0; k < N; k++) {
      const u = rng.random();
      const b = u < p ? 1 : 0;
      const bt = 1 - u < p ? 1 : 0;
      const ga = armUnit(b, bt, u);
      const gd = disarmUnit(b, bt, p, b, bt);
      sa += ga;
      sa2 += ga * ga;
      sd += gd;
    }
    const se = Math.sqrt((sa2 / N - (sa / N) ** 2) / N);
    assertClose(sa / N, p * (1 - p), 5 * se, `arm at φ=${phi}`);
    assertClose(sd / N, p * (1 - p), 5 * se, `disarm at φ=${phi}`);
  }
});

test('node perturbation: the logistic partial moments and the exact per-unit scale κ(a)', () => {
  const rng = Rng.fromSeed(6);
  for (const a of [-3, -0.5, 0, 0.7, 2.5]) {
    const N = 400_000;
    let m1 = 0;
    let m2 = 0;
    let m22 = 0;
    for (let k = 0; k < N; k++) {
      const u = rng.random();
      const xi = Math.log((1 - u) / u);
      if (xi > -a) {
        m1 += xi;
        m2 += xi * xi;
        m22 += xi ** 4;
      }
    }
    const se2 = Math.sqrt((m22 / N - (m2 / N) ** 2) / N);
    assertClose(m1 / N, logisticPartialMean(a), 0.02, `E[ξ; ξ > −a] at a=${a}`);
    assertClose(m2 / N, logisticPartialSecond(a), 5 * se2, `E[ξ²; ξ > −a] at a=${a}`);
  }
  // The series and the quadrature meet at 2.
  assertClose(logisticPartialSecond(1.999999), logisticPartialSecond(2.000001), 1e-5, 'continuity at 2');
  assertClose(logisticPartialSecond(40) , LOGISTIC_VARIANCE, 1e-12, 'whole mass');
  assertClose(nodePerturbationScale(0), (12 * Math.LN2) / Math.PI ** 2, 1e-12, 'κ(0)');
  // One-layer: every unit's mean is its exact gradient times κ(aᵢ).
  const en = enumerateNet(randomNet('one-layer', 4, 51));
  const g = exactGradient(en);
  const m = nodePerturbationExact(en, g);
  const d = en.net.x.length * 4;
  for (let i = 0; i < 4; i++) assertClose(m.mean[d + i]!, g[d + i]! * nodePerturbationScale(en.a[i]!), 1e-12, `unit ${i}`);
  assert.ok(m.relBias > 1e-3, `node perturbation is biased (relative bias ${m.relBias})`);
});

test('weight-max and SPSA are biased, measured; SPSA is resolved beyond its Monte Carlo floor', () => {
  const en = enumerateNet(randomNet('two-layer', 4, 61));
  const w = weightMaxExact(en, exactGradient(en));
  assert.ok(w.relBias > 1e-3 && Number.isFinite(w.relBias), `weight-max relative bias ${w.relBias}`);
  const s = spsaExact(en, { seed: 3, directions: 256 });
  assert.ok(s.measure.relBias > 3 * s.noiseFloor, `spsa bias ${s.measure.relBias} resolved above its Monte Carlo floor ${s.noiseFloor}`);
  // Its bias is O(c²): a smaller perturbation leaves less of it.
  const small = spsaExact(en, { seed: 3, directions: 256, scale: 0.03 });
  assert.ok(small.measure.relBias < s.measure.relBias / 3, `c = 0.03: ${small.measure.relBias} vs c = 0.1: ${s.measure.relBias}`);
  assert.ok(s.measure.snr < measureEstimator(en, 'reinforce').snr, `spsa SNR ${s.measure.snr} should be below reinforce's`);
});

test('hncaFactor and leaveOneOutSignal', () => {
  assertClose(hncaFactor(0.3, 0.8, 0.8), 0, 0, 'no effect on the child');
  assertClose(hncaFactor(0.5, 1, 0), 0.5, 1e-15, 'child determined by the unit');
  const s = leaveOneOutSignal([[3, 2, 1], [5, 4], [1]]);
  assertClose(s[0]![0]!, 3 - (5 + 1) / 2, 1e-6, 'step 0');
  assertClose(s[0]![2]!, 1 - 0, 1e-6, 'others ended');
  assertClose(s[1]![1]!, 4 - 2 / 2, 1e-6, 'step 1');
});

test('accumulate and measureMoments reproduce measureEstimator for a single-configuration rule', () => {
  const en = enumerateNet(randomNet('two-layer', 3, 71));
  const g = exactGradient(en);
  const ref = measureEstimator(en, 'reinforce', g);
  const s = new Float64Array(ref.mean.length);
  const d = en.net.x.length * 3;
  const { mean, square } = accumulate(en, (emit) => {
    for (let k = 0; k < en.rows; k++) {
      scoreVector(en, k, s);
      const r = en.net.reward[k]!;
      emit(en.prob[k]!, Float64Array.from({ length: 3 }, (_, i) => s[d + i]! * r), Float64Array.from({ length: 3 }, (_, j) => s[d + 3 + j]! * r), s[d + 6]! * r);
    }
  });
  const m = measureMoments(en, 'x', mean, square.map((q, k) => q - mean[k]! ** 2), g);
  for (let k = 0; k < mean.length; k++) {
    assertClose(m.mean[k]!, ref.mean[k]!, 1e-12, `mean ${k}`);
    assertClose(m.variance[k]!, ref.variance[k]!, 1e-10, `variance ${k}`);
  }
  assertClose(rel(m.relBias, 1), ref.relBias, 1e-9, 'relBias');
});

test.run();
