/**
 * `learned-correction` — each hidden unit learns to map its straight-through estimate to its
 * REINFORCE estimate, and uses the mapped value.
 *
 *     Ĝᵢ = straight-through estimate (low variance, biased)
 *     ĝᵢ = (hᵢ − pᵢ)(R − L̄ᵢ)          REINFORCE estimate (unbiased, noisy)
 *     𝒢ᵢ(Ĝ) = αᵢ + βᵢ·Ĝ, fitted online by least squares: ĝᵢ ≈ 𝒢ᵢ(Ĝᵢ)
 *     gradient used: 𝒢ᵢ(Ĝᵢ)
 *
 * The fit keeps exponentially weighted moments (decay c) of Ĝ, ĝ, Ĝ² and Ĝĝ per unit:
 * βᵢ = Cov(Ĝ, ĝ) / Var(Ĝ) and αᵢ = E[ĝ] − βᵢ·E[Ĝ]. Until Var(Ĝ) is positive, βᵢ = 1 and αᵢ = 0,
 * so a fresh unit starts as plain straight-through.
 *
 * Source: Bengio et al. 2013, §3.2.2. The coefficients are inspectable through
 * {@link LinearCorrection.coefficients}.
 *
 * **What is unbiased.** Nothing in general. The map is linear in Ĝ with one (αᵢ, βᵢ) per unit for
 * every input, so 𝒢ᵢ's mean equals the true ∂J/∂aᵢ only where the regression of ĝ on Ĝ is exact
 * in every state. Measured by `rewardcast diagnose` (seed 1, 4 networks per n = 2 … 16, exact
 * enumeration; the online rule simulated at fixed weights, 1 000 updates of 16 samples, ± one
 * standard error):
 * - one fixed input: the exact least-squares fit under P is unbiased (relative bias ≤ 1.3e-14), but
 *   only because its intercept αⱼ = E ĝⱼ − βⱼ·E Ĝⱼ then holds the true gradient;
 * - K = 4 input contexts sharing one reward table (`--also-contexts 4`, the default section): the
 *   exact fit has relative bias 0.09–0.15, cosine 0.987–0.996, cosine over the hidden W alone
 *   0.955–0.991 (lowest network 0.86);
 * - contexts with their own reward tables (`--context-rewards`, K = 2 and 4, n = 2, 4, 8): relative
 *   bias 0.26–0.56, cosine 0.76–0.95, over W alone 0.58–0.92 (lowest network −0.27);
 * - the online rule (this class): its per-update bias is the exact fit's within 0.01 when the
 *   contexts make the fit biased, plus a bias of its own of 0.012–0.032 (± 0.005–0.01) with one
 *   input (the coefficients are ratios of noisy moments); its per-update variance is 1.0–3.0 times
 *   the exact fit's (means 1.15–2.0 with one input, 1.03–1.43 with K = 4).
 * So the exact fit is not an upper bound on what this rule achieves (a constant map has zero
 * variance), and with several inputs neither is unbiased. (An earlier audit reported a relative
 * bias of 0.65 with two contexts and an online variance 13–258 times the exact fit's; its networks
 * and batch were not diagnose's, and on diagnose's networks the variance ratio stays below 3.)
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator, EstimatorState, ExactNetwork } from './types.js';
import { backpropRows, reinforceRows, tfjsBackpropRows } from './exact-rules.js';
import { straightThrough } from './st.js';
import { backpropEstimate, baselineState, localEstimate } from './rules.js';

/** The state of `learned-correction`: the baselines, and a {@link LinearCorrection} per hidden layer. */
export interface CorrectionState extends EstimatorState {
  /** The correction of each hidden layer (undefined for the head). */
  readonly layers: readonly (LinearCorrection | undefined)[];
}

/** The estimator. */
export const learnedCorrection: Estimator<CorrectionState> = {
  id: 'learned-correction',
  summary: 'per-unit regressor maps the straight-through estimate to the REINFORCE one (§3.2.2)',
  source: 'Bengio et al. 2013, §3.2.2',
  information: 'backprop',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => {
    const L = ctx.shapes.length;
    return { ...baselineState(ctx, true), layers: ctx.shapes.map((s, l) => (l < L - 1 ? new LinearCorrection(s.nOut) : undefined)) };
  },
  hiddenGradient: (ctx) => ctx.state.layers[ctx.layer]!.correct(backpropEstimate(ctx), localEstimate(ctx)),
  exact: {
    nets: ['two-layer'],
    setup: (net) => {
      const baseline = net.baseline('optimal');
      const n = net.n;
      const c = Float64Array.from(net.wOut!);
      const alpha = new Float64Array(n);
      const correction = exactCorrection(net).coefficients();
      for (let j = 0; j < n; j++) {
        c[j] *= correction.slope[j]!;
        alpha[j] = correction.intercept[j]!;
      }
      return { rule: backpropRows(net, baseline[n]!, c, alpha), baseline, correction };
    },
    tfjs: (net, t) => {
      const { hidden, reinforce, gOut } = tfjsBackpropRows(net, t, straightThrough);
      return tf.concat([exactCorrection(net).correct(hidden, reinforce), gOut], 1) as tf.Tensor2D;
    },
    note: 'learned-correction uses the exact least-squares fit under P (over contexts × configurations with several input contexts). With one fixed input it is unbiased only because its intercept αⱼ = E ĝⱼ − βⱼ·E Ĝⱼ then contains the true gradient; with several contexts one map must serve every input and the exact fit is biased (see the contexts section, and the learned-correction section for the online rule beside it). Nor is it an upper bound on the online fit: a constant map has zero variance.',
    label: 'learned-correction (exact fit)',
  },
};

/** The fitted map of each unit: 𝒢ᵢ(Ĝ) = intercept[i] + slope[i]·Ĝ. */
export interface CorrectionCoefficients {
  /** αᵢ per unit. */
  readonly intercept: number[];
  /** βᵢ per unit. */
  readonly slope: number[];
}

/** Online per-unit least-squares fit of the REINFORCE estimate on the straight-through one. */
export class LinearCorrection {
  private readonly mx: Float64Array;
  private readonly my: Float64Array;
  private readonly mxx: Float64Array;
  private readonly mxy: Float64Array;
  private seen = false;
  /**
   * @param units number of hidden units
   * @param decay c, weight of the old moments per batch, in [0, 1) @default 0.9
   */
  constructor(
    readonly units: number,
    readonly decay = 0.9,
  ) {
    this.mx = new Float64Array(units);
    this.my = new Float64Array(units);
    this.mxx = new Float64Array(units);
    this.mxy = new Float64Array(units);
  }

  /** Current coefficients (copies). */
  coefficients(): CorrectionCoefficients {
    const intercept: number[] = [];
    const slope: number[] = [];
    for (let i = 0; i < this.units; i++) {
      const v = this.mxx[i]! - this.mx[i]! ** 2;
      const b = this.seen && v > 1e-12 ? (this.mxy[i]! - this.mx[i]! * this.my[i]!) / v : 1;
      slope.push(b);
      intercept.push(this.seen && v > 1e-12 ? this.my[i]! - b * this.mx[i]! : 0);
    }
    return { intercept, slope };
  }

  /**
   * Applies the current map to `gST` (M × units), then folds the batch's pairs (gST, gRF) into
   * the moments. Returns the corrected estimate.
   */
  correct(gST: tf.Tensor2D, gRF: tf.Tensor2D): tf.Tensor2D {
    const { intercept, slope } = this.coefficients();
    const out = tf.tidy(() => tf.add(tf.mul(gST, tf.tensor2d(slope, [1, this.units])), tf.tensor2d(intercept, [1, this.units])) as tf.Tensor2D);
    const [x, y, xx, xy] = tf.tidy(() => [
      tf.mean(gST, 0).dataSync(),
      tf.mean(gRF, 0).dataSync(),
      tf.mean(tf.square(gST), 0).dataSync(),
      tf.mean(tf.mul(gST, gRF), 0).dataSync(),
    ]);
    const c = this.seen ? this.decay : 0;
    for (let i = 0; i < this.units; i++) {
      this.mx[i] = c * this.mx[i]! + (1 - c) * x![i]!;
      this.my[i] = c * this.my[i]! + (1 - c) * y![i]!;
      this.mxx[i] = c * this.mxx[i]! + (1 - c) * xx![i]!;
      this.mxy[i] = c * this.mxy[i]! + (1 - c) * xy![i]!;
    }
    this.seen = true;
    return out;
  }

  /** The moments, for saving. */
  state(): Record<string, number[]> {
    return { mx: Array.from(this.mx), my: Array.from(this.my), mxx: Array.from(this.mxx), mxy: Array.from(this.mxy), seen: [this.seen ? 1 : 0] };
  }

  /** Restores {@link LinearCorrection.state}. */
  load(state: Record<string, number[]>): void {
    for (const key of ['mx', 'my', 'mxx', 'mxy'] as const) {
      const v = state[key];
      if (!Array.isArray(v) || v.length !== this.units) throw new RangeError(`LinearCorrection.load: ${key} must hold ${this.units} numbers`);
      this[key].set(v);
    }
    this.seen = state['seen']?.[0] === 1;
  }
}

/**
 * The exact moments under P of each hidden unit's pair (Ĝ = straight-through estimate w_oⱼ·ĝ_o,
 * ĝ = REINFORCE estimate with the Eq. 7 baseline) on one of diagnose's two-layer networks, in the
 * form {@link LinearCorrection.load} takes: the fit they give is the least-squares regression of ĝ
 * on Ĝ under P (over contexts × configurations, weighted by π_c·P_c, when `net.contexts` lists
 * several input contexts: one map serves them all), which the online moments estimate.
 */
export function exactCorrectionState(net: ExactNetwork): Record<string, number[]> {
  if (net.kind !== 'two-layer') throw new RangeError(`exactCorrectionState: learned-correction needs the two-layer network, got ${net.kind}`);
  const n = net.n;
  const wOut = net.wOut!;
  const mx = new Float64Array(n);
  const my = new Float64Array(n);
  const mxx = new Float64Array(n);
  const mxy = new Float64Array(n);
  // One map serves every input: the fit runs over contexts × configurations, weighted by π_c·P_c.
  const contexts = net.contexts && net.contexts.length > 1 ? net.contexts : [{ weight: 1, net }];
  for (const { weight, net: c } of contexts) {
    const rf = reinforceRows(c, c.baseline('optimal'));
    const g = new Float64Array(c.units);
    for (let k = 0; k < c.rows; k++) {
      const w = weight * c.prob[k]!;
      rf(k, g);
      for (let j = 0; j < n; j++) {
        const X = wOut[j]! * g[n]!;
        const Y = g[j]!;
        mx[j] += w * X;
        my[j] += w * Y;
        mxx[j] += w * X * X;
        mxy[j] += w * X * Y;
      }
    }
  }
  return { mx: Array.from(mx), my: Array.from(my), mxx: Array.from(mxx), mxy: Array.from(mxy), seen: [1] };
}

/** A {@link LinearCorrection} loaded with the exact fit of {@link exactCorrectionState}. */
function exactCorrection(net: ExactNetwork): LinearCorrection {
  const lc = new LinearCorrection(net.n);
  lc.load(exactCorrectionState(net));
  return lc;
}
