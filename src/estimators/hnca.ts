/**
 * `hnca` — Hindsight Network Credit Assignment: a Bernoulli unit is credited through the likelihood
 * its output gave its children's sampled outputs.
 *
 *     Lᵢ(b) = Π_{c ∈ children(i)} P(c's sample | parents, with hᵢ = b)      (b ∈ {0, 1})
 *     ĝᵢ    = pᵢ(1 − pᵢ) · (Lᵢ(1) − Lᵢ(0)) / (pᵢLᵢ(1) + (1 − pᵢ)Lᵢ(0)) · (R − b̄)
 *
 * Units without children (the action head) use REINFORCE, (h − p)(R − L̄) with the Eq. 7 baseline.
 * Source: Young 2022, "Hindsight network credit assignment: efficient credit assignment in networks
 * of discrete stochastic units" (AAAI), §3 (the estimator, Theorem 1 unbiasedness, Theorem 2
 * variance at most REINFORCE's); ĝᵢ is Σ_b ∇π(b)·P(children | b)/P(children)·R with ∇_φ π(1) =
 * −∇_φ π(0) = p(1 − p). b̄ is a constant baseline: the layer's running baseline, by default the
 * per-unit Eq. 7 ratio of `reinforce-optimal` (any baseline formed before the batch keeps it
 * unbiased, since Σ_b ∇π(b) = 0).
 *
 * **Information each unit uses:** `broadcast+local messages`: its own p, the broadcast R, and from
 * each child c the two likelihoods P(c | hᵢ = 1) and P(c | hᵢ = 0) (the child's logit with and
 * without the input from i, i.e. its logit ± its weight from i, and its own sample).
 *
 * **What is unbiased.** Exactly unbiased when R depends on hᵢ only through hᵢ's children and the
 * children are conditionally independent given their parents (a layered network; in RL the hidden
 * layer reaches the return only through the action). What breaks it: a reward that sees hidden
 * units directly (diagnose's two-layer network with `--reward-of all`, where it is biased; measured),
 * a baseline that depends on the current sample.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Enumeration } from '../diagnose/enumerate.js';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));
import { baselineState } from './rules.js';
import type { Estimator, HiddenRuleContext } from './types.js';
import { measureOutcomes, singleConfigurations, type MomentMeasure } from './exact-moments.js';

/**
 * HNCA's factor for one unit: p(1 − p)(L₁ − L₀)/(pL₁ + (1 − p)L₀), to be multiplied by R − b̄.
 */
export function hncaFactor(p: number, L1: number, L0: number): number {
  const den = p * L1 + (1 - p) * L0;
  return den > 0 ? (p * (1 - p) * (L1 - L0)) / den : 0;
}

/**
 * The exact mean and variance of HNCA on an enumerated test network: in the one-layer network the
 * units have no children and HNCA is REINFORCE (with the same baseline); in the two-layer network the
 * hidden units' child is the output unit. `baseline`: b̄ of the hidden units, by default the exact
 * Eq. 7 ratio of each unit (what the agent's running baseline converges to); `'none'` gives HNCA
 * without a baseline.
 */
export function hncaExact(en: Enumeration, gradient: Float64Array, baseline: 'optimal' | 'none' = 'optimal'): MomentMeasure {
  const { net, p } = en;
  const n = net.n;
  const R = net.reward;
  const two = net.kind === 'two-layer';
  const L = baseline === 'optimal' ? en.baseline('optimal') : new Float64Array(n + 1);
  const Lo = two ? en.baseline('optimal')[n]! : 0;
  const mask = (1 << n) - 1;
  return measureOutcomes(
    en,
    baseline === 'none' ? 'hnca(no baseline)' : 'hnca',
    singleConfigurations(en, (k, g, gw) => {
      if (!two) {
        for (let i = 0; i < n; i++) g[i] = (((k >> i) & 1) - p[i]!) * (R[k]! - L[i]!);
        return 0;
      }
      const h = k & mask;
      const o = (k >> n) & 1;
      const aO = en.aOut![h]!;
      for (let i = 0; i < n; i++) {
        const hi = (h >> i) & 1;
        const a1 = aO + (1 - hi) * net.wOut[i]!;
        const a0 = aO - hi * net.wOut[i]!;
        const L1 = o ? sigmoid(a1) : 1 - sigmoid(a1);
        const L0 = o ? sigmoid(a0) : 1 - sigmoid(a0);
        g[i] = hncaFactor(p[i]!, L1, L0) * (R[k]! - L[i]!);
      }
      const go = (o - en.pOut![h]!) * (R[k]! - Lo);
      for (let j = 0; j < n; j++) gw[j] = ((h >> j) & 1) * go;
      return go;
    }),
    gradient,
  );
}

const softplus = (a: number): number => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));
/** log P(child sample h | its logit a) for a Bernoulli child. */
const logBernoulli = (h: number, a: number): number => (h ? -softplus(-a) : -softplus(a));

/** HNCA's factor from d = log L₁ − log L₀, computed without overflow. */
function factorFromLogRatio(p: number, d: number): number {
  if (d > 0) {
    const r = Math.exp(-d);
    return (p * (1 - p) * (1 - r)) / (p + (1 - p) * r);
  }
  const t = Math.exp(d);
  return (p * (1 - p) * (t - 1)) / (p * t + (1 - p));
}

/**
 * HNCA's factors for a layer of n Bernoulli units (rows × n), from the children's logits `childA`
 * and samples `childH` (rows × m) and the weights W (n × m) from the units to their children.
 * `categorical`: the children are one softmax unit (a categorical head, `childH` one-hot), whose
 * likelihood is the softmax probability of the sampled action.
 */
export function hncaFactors(h: Float32Array, p: Float32Array, childA: Float32Array, childH: Float32Array, W: Float32Array, rows: number, n: number, m: number, categorical: boolean): Float32Array {
  const out = new Float32Array(rows * n);
  const z = new Float64Array(m);
  const logSoftmaxAt = (c: number): number => {
    let max = -Infinity;
    for (let j = 0; j < m; j++) max = Math.max(max, z[j]!);
    let s = 0;
    for (let j = 0; j < m; j++) s += Math.exp(z[j]! - max);
    return z[c]! - max - Math.log(s);
  };
  for (let r = 0; r < rows; r++) {
    const a = childA.subarray(r * m, (r + 1) * m);
    const hc = childH.subarray(r * m, (r + 1) * m);
    let chosen = 0;
    if (categorical) for (let j = 0; j < m; j++) if (hc[j]! > 0.5) chosen = j;
    for (let i = 0; i < n; i++) {
      const hi = h[r * n + i]!;
      let d = 0;
      if (categorical) {
        for (let j = 0; j < m; j++) z[j] = a[j]! + (1 - hi) * W[i * m + j]!;
        d = logSoftmaxAt(chosen);
        for (let j = 0; j < m; j++) z[j] = a[j]! - hi * W[i * m + j]!;
        d -= logSoftmaxAt(chosen);
      } else {
        for (let j = 0; j < m; j++) {
          const w = W[i * m + j]!;
          d += logBernoulli(hc[j]!, a[j]! + (1 - hi) * w) - logBernoulli(hc[j]!, a[j]! - hi * w);
        }
      }
      out[r * n + i] = factorFromLogRatio(p[r * n + i]!, d);
    }
  }
  return out;
}

/** The hidden rule: HNCA's factor from the children (the layer above) times (R − L̄). */
function hncaHidden(ctx: HiddenRuleContext): tf.Tensor2D {
  const [rows, n] = ctx.units.h.shape;
  const child = ctx.above.units;
  const m = child.a.shape[1];
  const f = hncaFactors(
    ctx.units.h.dataSync() as Float32Array,
    ctx.units.p.dataSync() as Float32Array,
    child.a.dataSync() as Float32Array,
    child.h.dataSync() as Float32Array,
    ctx.above.weights.dataSync() as Float32Array,
    rows,
    n,
    m,
    ctx.aboveHeadKind === 'categorical',
  );
  const centred = ctx.baseline ? tf.sub(ctx.signal, ctx.baseline) : ctx.signal;
  return tf.mul(tf.tensor2d(f, [rows, n]), centred) as tf.Tensor2D;
}

/** The estimator. */
export const hnca: Estimator = {
  id: 'hnca',
  summary: "hindsight network credit assignment: each unit credited through its children's likelihoods",
  source: 'Young 2022 (AAAI), §3, Theorems 1–2',
  information: 'broadcast+local messages',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: hncaHidden,
  exactMoments: { nets: ['one-layer', 'two-layer'], maxUnits: 16, measure: (en, g) => hncaExact(en, g) },
};
