/**
 * Exact moments of estimators that are *not* a deterministic function of one configuration, on the
 * enumerable test networks of `exact.ts`: estimators that draw several configurations (RLOO's K
 * samples, the antithetic pair of ARM/DisARM), or that use the unit's continuous noise (node
 * perturbation). Each estimator file enumerates its own outcomes (a weight and the estimate under
 * that outcome) or its own closed form; this module turns the moments into the same measurement
 * `exact.ts` reports (relative bias, cosine, per-unit SNR, MSE), in float64.
 *
 * Per-parameter moments only need each unit's estimate: for the fixed input x, the hidden weight
 * W[k·n + i] is estimated by xₖ·ĝᵢ and the bias bᵢ by ĝᵢ, so E = xₖ·E ĝᵢ and E[·²] = xₖ²·E ĝᵢ².
 * The output unit's weights w_oⱼ are estimated by whatever the estimator says (hⱼ·ĝ_o for a single
 * configuration, the pair's average for two), so outcomes give them explicitly.
 *
 * @module
 */
import { exactGradient, paramCount, type Enumeration } from './exact.js';

/** The exact measurement of an estimator (the fields of `exact.ts`'s `EstimatorMeasure`). */
export interface MomentMeasure {
  /** The estimator id (with its settings, e.g. `rloo` with K). */
  readonly estimator: string;
  /** E ĝ per parameter (flat layout of `exact.ts`). */
  readonly mean: Float64Array;
  /** Var ĝ per parameter. */
  readonly variance: Float64Array;
  /** E ĝ of each unit's bias parameter (output unit last in the two-layer network). */
  readonly unitMean: Float64Array;
  /** Var ĝ of each unit's bias parameter. */
  readonly unitVariance: Float64Array;
  /** (E)²/Var of each unit's bias parameter. */
  readonly unitSnr: Float64Array;
  /** Σᵢ (E ĝᵢ)² / Σᵢ Var ĝᵢ over the hidden (or only) units. */
  readonly snr: number;
  /** Two-layer only: the output unit's SNR. */
  readonly outputSnr: number | undefined;
  /** ‖E ĝ − ∇J‖ / ‖∇J‖. */
  readonly relBias: number;
  /** cos(E ĝ, ∇J). */
  readonly cosine: number;
  /** E‖ĝ − ∇J‖². */
  readonly mse: number;
  /** mse / ‖∇J‖². */
  readonly relMse: number;
  /** Σ Var ĝ. */
  readonly totalVariance: number;
}

/**
 * Called once per outcome: its probability `w`, each hidden unit's estimate `gHidden` (∂/∂aᵢ, n
 * numbers), and in the two-layer network the output weights' estimates `gOutW` (n numbers) and
 * the output bias's `gOutB`.
 */
export type Emit = (w: number, gHidden: Float64Array, gOutW?: Float64Array, gOutB?: number) => void;

/** Accumulated first and second moments, per parameter. */
export interface RawMoments {
  /** E ĝ per parameter. */
  readonly mean: Float64Array;
  /** E ĝ² per parameter. */
  readonly square: Float64Array;
}

/**
 * Runs `visit`, which calls `emit` once per outcome, and accumulates E ĝ and E ĝ² per parameter.
 * The outcome weights must sum to 1 (checked to 1e-9).
 */
export function accumulate(en: Enumeration, visit: (emit: Emit) => void): RawMoments {
  const { net } = en;
  const n = net.n;
  const d = net.x.length;
  const two = net.kind === 'two-layer';
  const m1 = new Float64Array(n);
  const m2 = new Float64Array(n);
  const o1 = new Float64Array(n + 1);
  const o2 = new Float64Array(n + 1);
  let total = 0;
  visit((w, g, gw, gb) => {
    total += w;
    for (let i = 0; i < n; i++) {
      const wg = w * g[i]!;
      m1[i] += wg;
      m2[i] += wg * g[i]!;
    }
    if (two) {
      for (let j = 0; j < n; j++) {
        const wg = w * gw![j]!;
        o1[j] += wg;
        o2[j] += wg * gw![j]!;
      }
      o1[n] += w * gb!;
      o2[n] += w * gb! * gb!;
    }
  });
  if (Math.abs(total - 1) > 1e-9) throw new Error(`accumulate: outcome probabilities sum to ${total}, not 1`);
  const P = paramCount(net);
  const mean = new Float64Array(P);
  const square = new Float64Array(P);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) {
      mean[k * n + i] = net.x[k]! * m1[i]!;
      square[k * n + i] = net.x[k]! ** 2 * m2[i]!;
    }
  }
  for (let i = 0; i < n; i++) {
    mean[d * n + i] = m1[i]!;
    square[d * n + i] = m2[i]!;
  }
  if (two) {
    const o = d * n + n;
    for (let j = 0; j <= n; j++) {
      mean[o + j] = o1[j]!;
      square[o + j] = o2[j]!;
    }
  }
  return { mean, square };
}

function snrOf(m: number, v: number): number {
  if (v > 0) return (m * m) / v;
  return m === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/** The measurement from per-parameter E ĝ and Var ĝ (against ∇J, by default the exact one). */
export function measureMoments(en: Enumeration, estimator: string, mean: Float64Array, variance: Float64Array, gradient: Float64Array = exactGradient(en)): MomentMeasure {
  const { net } = en;
  const n = net.n;
  const d = net.x.length;
  const two = net.kind === 'two-layer';
  const U = two ? n + 1 : n;
  const biasIndex = (i: number): number => (i < n ? d * n + i : d * n + 2 * n);
  const unitMean = Float64Array.from({ length: U }, (_, i) => mean[biasIndex(i)]!);
  const unitVariance = Float64Array.from({ length: U }, (_, i) => variance[biasIndex(i)]!);
  const unitSnr = unitMean.map((m, i) => snrOf(m, unitVariance[i]!));
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    signal += unitMean[i]! ** 2;
    noise += unitVariance[i]!;
  }
  let d2 = 0;
  let g2 = 0;
  let m2 = 0;
  let mg = 0;
  let tv = 0;
  for (let k = 0; k < gradient.length; k++) {
    const e = mean[k]! - gradient[k]!;
    d2 += e * e;
    g2 += gradient[k]! ** 2;
    m2 += mean[k]! ** 2;
    mg += mean[k]! * gradient[k]!;
    tv += variance[k]!;
  }
  return {
    estimator,
    mean,
    variance,
    unitMean,
    unitVariance,
    unitSnr,
    snr: snrOf(Math.sqrt(signal), noise),
    outputSnr: two ? unitSnr[n]! : undefined,
    relBias: Math.sqrt(d2 / g2),
    cosine: mg / Math.sqrt(m2 * g2),
    mse: d2 + tv,
    relMse: (d2 + tv) / g2,
    totalVariance: tv,
  };
}

/** The measurement of an estimator given by its outcomes (see {@link accumulate}). */
export function measureOutcomes(en: Enumeration, estimator: string, visit: (emit: Emit) => void, gradient?: Float64Array): MomentMeasure {
  const { mean, square } = accumulate(en, visit);
  const variance = square.map((q, k) => Math.max(0, q - mean[k]! ** 2));
  return measureMoments(en, estimator, mean, variance, gradient);
}

/**
 * Visits every single configuration of `en` with its probability, handing `rule` the configuration
 * index and buffers for its estimate: the estimate of an estimator that is a deterministic function
 * of one configuration (HNCA, Weight Maximization). `rule` fills `gHidden` (n) and, in the
 * two-layer network, `gOutW` (n) and returns the output bias's estimate (0 in the one-layer one).
 */
export function singleConfigurations(en: Enumeration, rule: (k: number, gHidden: Float64Array, gOutW: Float64Array) => number): (emit: Emit) => void {
  const n = en.net.n;
  const g = new Float64Array(n);
  const gw = new Float64Array(n);
  return (emit) => {
    for (let k = 0; k < en.rows; k++) {
      const gb = rule(k, g, gw);
      emit(en.prob[k]!, g, gw, gb);
    }
  };
}

/**
 * The bits of a configuration index as the unit samples: bit i of k is hidden unit i, bit n the
 * output (two-layer).
 */
export const bit = (k: number, i: number): number => (k >> i) & 1;
