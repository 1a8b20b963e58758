/**
 * The per-weight Eq. 7 baseline (`baseline: 'optimal-per-weight'`): one variance-minimising ratio
 * per synapse instead of one per unit.
 *
 *     ĝᵢⱼ = (hᵢ − pᵢ)·xⱼ·(R − L̄ᵢⱼ),      L̄ᵢⱼ = numᵢⱼ / denᵢⱼ
 *     numᵢⱼ ← c·numᵢⱼ + (1 − c)·mean_batch[(hᵢ − pᵢ)² xⱼ² R]
 *     denᵢⱼ ← c·denᵢⱼ + (1 − c)·mean_batch[(hᵢ − pᵢ)² xⱼ²]
 *
 * and for the bias (x = 1) the per-unit Eq. 7 ratio. Why: Eq. 7 (Bengio et al. 2013, §3.1,
 * Corollary 1) minimises the variance of unit i's estimate of ∂J/∂aᵢ, and so of its bias; a
 * weight's estimate carries the extra factor xⱼ, and the constant that minimises *its* variance is
 * E[(h − p)² x² R] / E[(h − p)² x²]. The two agree only when xⱼ² does not vary (one fixed input).
 * `rewardcast diagnose` measures both exactly (section "per-weight Eq. 7 baseline").
 *
 * Still local: each synapse keeps its own two running averages of quantities it sees (its input,
 * its unit's h and p, the broadcast R). Like every baseline here a batch sees the ratios from
 * before its own update, so the estimate stays unbiased.
 *
 * Where it runs: the typed-array update path only ({@link perWeightUpdate}, float64, one pass per
 * layer), because the estimate is no longer (per-unit factor) × x, which the tfjs path (a
 * per-unit estimate then the chain rule xᵀg) and the WASM/f32 kernels (which take one L̄ per unit)
 * assume. The agent's options therefore require an estimator with a fused update (reinforce,
 * reinforce-mean, reinforce-optimal, reinforce-critic, rloo) and `updatePath` 'auto' or 'typed';
 * layers with this baseline skip the kernel threads and the f32 kernels.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchMoments, Baseline } from './types.js';

/** Initial value of every num and den (as the per-unit Eq. 7 baseline). */
const INIT = 1e-6;

/** What {@link perWeightUpdate} writes. */
export interface PerWeightUpdateOut {
  /** ΔW = Σ_m xⱼ(hᵢ − pᵢ)(R − L̄ᵢⱼ) / M, nIn × nOut row-major. */
  readonly dW: Float32Array;
  /** Δb = mean of (hᵢ − pᵢ)(R − L̄ᵢ), nOut. */
  readonly db: Float32Array;
  /** Means over the batch: per weight (h − p)²x² and (h − p)²x²R (nIn × nOut), per unit (h − p)² and (h − p)²R, and R. */
  readonly moments: PerWeightBatchMoments;
}

/** The batch means a {@link PerWeightOptimalBaseline} folds in. */
export interface PerWeightBatchMoments extends BatchMoments {
  /** Per weight, mean of (hᵢ − pᵢ)² xⱼ². */
  readonly x2e2: Float64Array;
  /** Per weight, mean of (hᵢ − pᵢ)² xⱼ² R. */
  readonly x2e2Signal: Float64Array;
}

/** Empty moments for a layer of nIn × nOut. */
export function emptyPerWeightMoments(nIn: number, nOut: number): PerWeightBatchMoments & { signal: number } {
  return { signal: 0, e2: new Float64Array(nOut), e2Signal: new Float64Array(nOut), x2e2: new Float64Array(nIn * nOut), x2e2Signal: new Float64Array(nIn * nOut) };
}

/**
 * The REINFORCE estimate with per-weight baselines and its chain rule, on typed arrays, in one pass
 * (float64 accumulation): ΔWⱼᵢ = (Σ_m xⱼeᵢR − L̄ᵢⱼ·Σ_m xⱼeᵢ) / M with e = h − p, Δbᵢ likewise with
 * L̄ᵢ, and the batch moments the baseline folds in afterwards.
 *
 * @param x inputs, M × nIn; @param h samples, M × nOut; @param p probabilities, M × nOut
 * @param signal R per row, M
 * @param weightBaseline L̄ᵢⱼ, nIn × nOut row-major; @param biasBaseline L̄ᵢ, nOut
 */
export function perWeightUpdate(
  x: Float32Array,
  h: Float32Array,
  p: Float32Array,
  signal: Float32Array,
  weightBaseline: Float32Array,
  biasBaseline: Float32Array,
  M: number,
  nIn: number,
  nOut: number,
  out: PerWeightUpdateOut & { readonly moments: { signal: number } },
): void {
  const W = nIn * nOut;
  const xeR = new Float64Array(W);
  const xe = new Float64Array(W);
  const eR = new Float64Array(nOut);
  const e1 = new Float64Array(nOut);
  const m = out.moments;
  m.x2e2.fill(0);
  m.x2e2Signal.fill(0);
  m.e2.fill(0);
  m.e2Signal.fill(0);
  let rSum = 0;
  const e = new Float64Array(nOut);
  for (let r = 0; r < M; r++) {
    const R = signal[r]!;
    rSum += R;
    for (let i = 0; i < nOut; i++) {
      const v = h[r * nOut + i]! - p[r * nOut + i]!;
      e[i] = v;
      e1[i] += v;
      eR[i] += v * R;
      m.e2[i] += v * v;
      m.e2Signal[i] += v * v * R;
    }
    for (let j = 0; j < nIn; j++) {
      const xj = x[r * nIn + j]!;
      if (xj === 0) continue;
      const x2 = xj * xj;
      const row = j * nOut;
      for (let i = 0; i < nOut; i++) {
        const v = e[i]!;
        const xv = xj * v;
        xe[row + i] += xv;
        xeR[row + i] += xv * R;
        const q = x2 * v * v;
        m.x2e2[row + i] += q;
        m.x2e2Signal[row + i] += q * R;
      }
    }
  }
  for (let k = 0; k < W; k++) {
    out.dW[k] = (xeR[k]! - weightBaseline[k]! * xe[k]!) / M;
    m.x2e2[k] /= M;
    m.x2e2Signal[k] /= M;
  }
  for (let i = 0; i < nOut; i++) {
    out.db[i] = (eR[i]! - biasBaseline[i]! * e1[i]!) / M;
    m.e2[i] /= M;
    m.e2Signal[i] /= M;
  }
  m.signal = rSum / M;
}

/** The running per-weight ratios of one layer (see the module header). */
export class PerWeightOptimalBaseline implements Baseline {
  private numW: Float64Array;
  private denW: Float64Array;
  private numB: Float64Array;
  private denB: Float64Array;
  /**
   * @param inputs nIn, the layer's inputs
   * @param units nOut, its units
   * @param decay c, the weight of the old averages, in [0, 1) @default 0.9
   */
  constructor(
    readonly inputs: number,
    readonly units: number,
    readonly decay = 0.9,
  ) {
    if (!Number.isInteger(inputs) || inputs <= 0) throw new RangeError(`PerWeightOptimalBaseline: inputs must be a positive integer, got ${inputs}`);
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`PerWeightOptimalBaseline: units must be a positive integer, got ${units}`);
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`PerWeightOptimalBaseline: decay must be in [0, 1), got ${decay}`);
    this.numW = new Float64Array(inputs * units).fill(INIT);
    this.denW = new Float64Array(inputs * units).fill(INIT);
    this.numB = new Float64Array(units).fill(INIT);
    this.denB = new Float64Array(units).fill(INIT);
  }
  /** The biases' ratios, 1 × units (the per-unit Eq. 7 view; the weights' are {@link weightValues}). */
  value(): tf.Tensor2D {
    return tf.tensor2d(this.valueArray(this.units), [1, this.units]);
  }
  /** The biases' ratios L̄ᵢ. */
  valueArray(units: number): Float32Array {
    if (units !== this.units) throw new RangeError(`PerWeightOptimalBaseline: has ${this.units} units, asked for ${units}`);
    return Float32Array.from(this.numB, (v, i) => v / this.denB[i]!);
  }
  /** The weights' ratios L̄ᵢⱼ, nIn × nOut row-major. */
  weightValues(): Float32Array {
    return Float32Array.from(this.numW, (v, k) => v / this.denW[k]!);
  }
  /** Not available: the per-weight ratios need the layer's inputs (use {@link updatePerWeight}). */
  update(): void {
    throw new RangeError("baseline 'optimal-per-weight' needs each synapse's input and runs on the typed update path only");
  }
  /** Not available: per-unit moments lack the inputs (use {@link updatePerWeight}). */
  updateFromMoments(): void {
    throw new RangeError("baseline 'optimal-per-weight' needs per-weight moments (perWeightUpdate), not per-unit ones");
  }
  /** Folds one batch's {@link PerWeightBatchMoments} into the running averages. */
  updatePerWeight(m: PerWeightBatchMoments): void {
    const c = this.decay;
    for (let k = 0; k < this.numW.length; k++) {
      this.numW[k] = c * this.numW[k]! + (1 - c) * m.x2e2Signal[k]!;
      this.denW[k] = c * this.denW[k]! + (1 - c) * m.x2e2[k]!;
    }
    for (let i = 0; i < this.units; i++) {
      this.numB[i] = c * this.numB[i]! + (1 - c) * m.e2Signal[i]!;
      this.denB[i] = c * this.denB[i]! + (1 - c) * m.e2[i]!;
    }
  }
  state(): Record<string, number[]> {
    return { numW: Array.from(this.numW), denW: Array.from(this.denW), numB: Array.from(this.numB), denB: Array.from(this.denB) };
  }
  load(state: Record<string, number[]>): void {
    const sizes = { numW: this.numW.length, denW: this.denW.length, numB: this.units, denB: this.units } as const;
    for (const [key, size] of Object.entries(sizes)) {
      const v = state[key];
      if (!Array.isArray(v) || v.length !== size || !v.every(Number.isFinite)) throw new RangeError(`PerWeightOptimalBaseline.load: ${key} must hold ${size} finite numbers, got ${v ? `${v.length} values` : String(v)}`);
    }
    this.numW = Float64Array.from(state['numW']!);
    this.denW = Float64Array.from(state['denW']!);
    this.numB = Float64Array.from(state['numB']!);
    this.denB = Float64Array.from(state['denB']!);
  }
  dispose(): void {}
}
