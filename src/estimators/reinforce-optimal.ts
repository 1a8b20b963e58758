/**
 * `reinforce-optimal` — REINFORCE with the per-neuron variance-minimising baseline of Eq. 7.
 * The default estimator of rewardcast.
 *
 *     gᵢ = (hᵢ − pᵢ) · (R − L̄ᵢ),   L̄ᵢ = numᵢ / denᵢ
 *     numᵢ ← c·numᵢ + (1 − c)·mean_batch[(hᵢ − pᵢ)² R]
 *     denᵢ ← c·denᵢ + (1 − c)·mean_batch[(hᵢ − pᵢ)²]
 *
 * Source: Bengio et al. 2013, §3.1, Corollary 1 and Eq. 7: among constant baselines, L̄ᵢ =
 * E[(hᵢ − pᵢ)² R] / E[(hᵢ − pᵢ)²] minimises the variance of unit i's estimate. The running ratio
 * follows the authors' code: num and den start at 1e-6 and c = 0.9. A batch sees L̄ from before its
 * own update, so the estimate stays unbiased.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMoments } from './reinforce.js';
import type { BatchMoments, Baseline, Estimator } from './types.js';
import { baselineState, localEstimate } from './rules.js';
import { reinforceUpdate } from './reinforce.js';
import { reinforceExactRule } from './exact-rules.js';

/** The estimator. */
export const reinforceOptimal: Estimator = {
  id: 'reinforce-optimal',
  summary: 'REINFORCE with the per-neuron optimal baseline of Eq. 7 (default)',
  source: 'Bengio et al. 2013, §3.1, Corollary 1, Eq. 7',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: localEstimate,
  fusedUpdate: reinforceUpdate,
  exact: reinforceExactRule('optimal', (_net, t) => t.eq7(), { theory: { oneOverN: true } }),
};

/** Initial value of num and den (the authors' code). */
export const EQ7_INIT = 1e-6;

/** The per-unit running ratio L̄ᵢ = numᵢ / denᵢ of Eq. 7. */
export class OptimalBaseline implements Baseline {
  private num: Float64Array;
  private den: Float64Array;
  /**
   * @param units number of units in the layer
   * @param decay c, the weight of the old averages, in [0, 1) @default 0.9
   */
  constructor(
    readonly units: number,
    readonly decay = 0.9,
  ) {
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`OptimalBaseline: units must be a positive integer, got ${units}`);
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`OptimalBaseline: decay must be in [0, 1), got ${decay}`);
    this.num = new Float64Array(units).fill(EQ7_INIT);
    this.den = new Float64Array(units).fill(EQ7_INIT);
  }
  value(): tf.Tensor2D {
    return tf.tensor2d(this.valueArray(this.units), [1, this.units]);
  }
  valueArray(units: number): Float32Array {
    if (units !== this.units) throw new RangeError(`OptimalBaseline: has ${this.units} units, asked for ${units}`);
    const v = new Float32Array(this.units);
    for (let i = 0; i < this.units; i++) v[i] = this.num[i]! / this.den[i]!;
    return v;
  }
  update(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D): void {
    this.updateFromMoments(batchMoments(h, p, signal));
  }
  updateFromMoments(m: BatchMoments): void {
    const c = this.decay;
    for (let i = 0; i < this.units; i++) {
      this.num[i] = c * this.num[i]! + (1 - c) * m.e2Signal[i]!;
      this.den[i] = c * this.den[i]! + (1 - c) * m.e2[i]!;
    }
  }
  state(): Record<string, number[]> {
    return { num: Array.from(this.num), den: Array.from(this.den) };
  }
  load(state: Record<string, number[]>): void {
    for (const key of ['num', 'den'] as const) {
      const v = state[key];
      if (!Array.isArray(v) || v.length !== this.units || !v.every(Number.isFinite)) {
        throw new RangeError(`OptimalBaseline.load: ${key} must hold ${this.units} finite numbers, got ${v ? `${v.length} values` : String(v)}`);
      }
    }
    this.num = Float64Array.from(state['num']!);
    this.den = Float64Array.from(state['den']!);
  }
  dispose(): void {}
}

/**
 * The exact Eq. 7 baseline for a known distribution: L̄ᵢ = Σ w·(hᵢ − pᵢ)²R / Σ w·(hᵢ − pᵢ)².
 * Used by exact-enumeration analyses (`diagnose`), where w is the probability of each row.
 *
 * @param h configurations, M × units; @param p probabilities, M × units (or 1 × units)
 * @param signal R per configuration, M × 1; @param weight probability per configuration, M × 1
 * @returns L̄, 1 × units
 */
export function exactOptimalBaseline(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const e2w = tf.mul(tf.square(tf.sub(h, p)), weight);
    return tf.div(tf.sum(tf.mul(e2w, signal), 0, true), tf.sum(e2w, 0, true)) as tf.Tensor2D;
  });
}
