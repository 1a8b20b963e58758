/**
 * `node-perturbation` — correlate each unit's own noise with the reward, divided by the noise's
 * variance (node perturbation).
 *
 * A binary unit is a threshold on a noisy pre-activation: hᵢ = 1[aᵢ + ξᵢ > 0] with ξᵢ logistic,
 * which is the same unit as hᵢ = 1[uᵢ < σ(aᵢ)] with ξᵢ = log((1 − uᵢ)/uᵢ). Node perturbation uses
 * that noise:
 *
 *     ĝᵢ = (R − R̄)·ξᵢ / Var ξ,    Var ξ = π²/3,    R̄ the running mean of R
 *
 * Source: Fiete & Seung 2006, "Gradient learning in spiking neural networks by dynamic
 * perturbation of conductances" (PRL 97), Eq. 3; Werfel, Xie & Seung 2005 (node perturbation,
 * Δw ∝ (R − R̄)·ξ·x/σ²). The seed paper (Bengio 2013, §1.2 and §4.1) contrasts it with its own
 * estimator, which correlates the *output's* deviation hᵢ − pᵢ with R and is unbiased without small
 * noise; node perturbation is unbiased only in the limit of small perturbations.
 *
 * **Information each unit uses:** `broadcast`: its own noise ξᵢ (from its uniform, which the
 * network keeps for it; u is read at the midpoint u + 2⁻²⁵ of its float32 cell so that ξ is
 * finite), x, and R. Binary heads perturb themselves too; a categorical head has no logistic noise
 * and uses REINFORCE.
 *
 * **Bias, exactly.** ξᵢ reaches R only through hᵢ, so E[(R − R̄)ξᵢ] = (Q(1) − Q(0))·E[ξ; ξ > −a]
 * with E[ξ; ξ > −a] = softplus(a) − a·σ(a), while ∂J/∂a = (Q(1) − Q(0))·σ(a)σ(−a). Each unit's
 * estimate is therefore the exact gradient times κ(a) = (softplus(a) − a·σ(a)) / ((π²/3)·σ(a)σ(−a)):
 * κ(0) = 12·ln 2/π² ≈ 0.843, and κ grows like (1 + |a|)·3/π² for large |a|. The direction of every
 * unit's own term is right; the relative weights of the units are not, so the parameter vector is
 * biased. `diagnose` shows it.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Enumeration } from '../diagnose/enumerate.js';
import { reinforceGrad } from './reinforce.js';
import { baselineState } from './rules.js';
import type { Estimator, LayerTensors } from './types.js';
import { accumulate, measureMoments, type MomentMeasure } from './exact-moments.js';

/** Var ξ of the standard logistic noise. */
export const LOGISTIC_VARIANCE = Math.PI ** 2 / 3;

const sig = (a: number): number => 1 / (1 + Math.exp(-a));
const softplus = (a: number): number => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));

/** E[ξ·1[ξ > −a]] for standard logistic ξ: softplus(a) − a·σ(a). */
export function logisticPartialMean(a: number): number {
  return softplus(a) - a * sig(a);
}

/** ∫_c^∞ ξ²·σ(ξ)σ(−ξ) dξ for c ≥ 0 (series for c ≥ 2, Simpson's rule from 0 below). */
function upperSecond(c: number): number {
  if (c >= 2) {
    // c²σ(−c) + 2·∫_c^∞ ξσ(−ξ)dξ, the latter Σ_k (−1)^{k+1} e^{−kc}(c/k + 1/k²).
    let s = 0;
    for (let k = 1; k < 60; k++) {
      const t = Math.exp(-k * c) * (c / k + 1 / (k * k));
      s += k % 2 ? t : -t;
      if (t < 1e-20) break;
    }
    return c * c * sig(-c) + 2 * s;
  }
  const N = 2000;
  const h = c / N;
  const f = (x: number): number => x * x * sig(x) * sig(-x);
  let s = f(0) + f(c);
  for (let k = 1; k < N; k++) s += (k % 2 ? 4 : 2) * f(k * h);
  return LOGISTIC_VARIANCE / 2 - (s * h) / 3;
}

/** E[ξ²·1[ξ > −a]] for standard logistic ξ. */
export function logisticPartialSecond(a: number): number {
  return a <= 0 ? upperSecond(-a) : LOGISTIC_VARIANCE - upperSecond(a);
}

/** The node-perturbation noise of a unit whose uniform is u: ξ = log((1 − u)/u), so h = 1[a + ξ > 0]. */
export function logisticNoise(u: number): number {
  return Math.log((1 - u) / u);
}

/** κ(a), the factor by which node perturbation scales a unit's exact gradient (module header). */
export function nodePerturbationScale(a: number): number {
  return logisticPartialMean(a) / (LOGISTIC_VARIANCE * sig(a) * sig(-a));
}

/**
 * E[ξ | h] and E[ξ² | h] for a unit with pre-activation a: h = 1 means ξ > −a.
 */
function conditional(a: number, h: number): [number, number] {
  const p = sig(a);
  const m1 = logisticPartialMean(a);
  const m2 = logisticPartialSecond(a);
  return h ? [m1 / p, m2 / p] : [-m1 / (1 - p), (LOGISTIC_VARIANCE - m2) / (1 - p)];
}

/**
 * The exact mean and variance of node perturbation on an enumerated test network, with the ideal
 * mean baseline R̄ = E[R]. Every unit (the output too) perturbs itself; given the configuration
 * each ξᵢ is its conditional law given hᵢ, whose two moments are in closed form (the second by
 * quadrature), so each configuration is emitted as two half-weight points with those moments.
 */
export function nodePerturbationExact(en: Enumeration, gradient: Float64Array): MomentMeasure {
  const { net } = en;
  const n = net.n;
  const H = 1 << n;
  const two = net.kind === 'two-layer';
  const R = net.reward;
  const rbar = en.objective;
  const hidden = Array.from({ length: n }, (_, i) => [conditional(en.a[i]!, 0), conditional(en.a[i]!, 1)] as const);
  const out = two ? Array.from({ length: H }, (_, h) => [conditional(en.aOut![h]!, 0), conditional(en.aOut![h]!, 1)] as const) : [];
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const wp = new Float64Array(n);
  const wm = new Float64Array(n);
  const { mean, square } = accumulate(en, (emit) => {
    for (let k = 0; k < en.rows; k++) {
      const r = (R[k]! - rbar) / LOGISTIC_VARIANCE;
      for (let i = 0; i < n; i++) {
        const [m, s] = hidden[i]![(k >> i) & 1]!;
        const sd = Math.sqrt(Math.max(0, s - m * m));
        gp[i] = r * (m + sd);
        gm[i] = r * (m - sd);
      }
      if (!two) {
        emit(en.prob[k]! / 2, gp);
        emit(en.prob[k]! / 2, gm);
        continue;
      }
      const h = k & (H - 1);
      const [m, s] = out[h]![(k >> n) & 1]!;
      const sd = Math.sqrt(Math.max(0, s - m * m));
      const bp = r * (m + sd);
      const bm = r * (m - sd);
      for (let j = 0; j < n; j++) {
        const hj = (h >> j) & 1;
        wp[j] = hj * bp;
        wm[j] = hj * bm;
      }
      emit(en.prob[k]! / 2, gp, wp, bp);
      emit(en.prob[k]! / 2, gm, wm, bm);
    }
  });
  const variance = square.map((q, k) => Math.max(0, q - mean[k]! ** 2));
  return measureMoments(en, 'node-perturbation', mean, variance, gradient);
}

/** u + 2⁻²⁵: the midpoint of the float32 uniform's cell, so that ξ is finite (u can be 0). */
const U_EPS = 2 ** -25;

/** (R − R̄)·ξ/(π²/3) for a layer of binary units, ξ from the stored uniforms. */
function perturbation(units: LayerTensors, signal: tf.Tensor2D, baseline: tf.Tensor2D | undefined): tf.Tensor2D {
  if (!units.aux) throw new Error('node-perturbation: the network did not keep the units\' uniforms');
  const u = tf.add(units.aux, U_EPS);
  const xi = tf.log(tf.div(tf.sub(1, u), u));
  const centred = baseline ? tf.sub(signal, baseline) : signal;
  return tf.mul(xi, tf.div(centred, LOGISTIC_VARIANCE)) as tf.Tensor2D;
}

/** The estimator. */
export const nodePerturbation: Estimator = {
  id: 'node-perturbation',
  summary: 'node perturbation: each unit correlates its own logistic noise with the reward',
  source: 'Fiete & Seung 2006, Eq. 3; Werfel, Xie & Seung 2005; contrasted in Bengio 2013 §1.2, §4.1',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'mean',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  keepsUniforms: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: (ctx) => perturbation(ctx.units, ctx.signal, ctx.baseline),
  headGradient: (ctx) => (ctx.headKind === 'categorical' ? reinforceGrad(ctx.units.h, ctx.units.p, ctx.signal, ctx.baseline) : perturbation(ctx.units, ctx.signal, ctx.baseline)),
  exactMoments: { nets: ['one-layer', 'two-layer'], maxUnits: 16, measure: (en, g) => nodePerturbationExact(en, g) },
};
