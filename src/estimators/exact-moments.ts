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
import type { Enumeration } from '../diagnose/enumerate.js';
import type { EstimatorMeasure } from '../diagnose/measure.js';

/** Parameters of a test network: d·n + n, plus n + 1 in the two-layer network (the layout of `src/diagnose/networks.ts`). */
export function paramCount(net: Enumeration['net']): number {
  return net.x.length * net.n + net.n + (net.kind === 'two-layer' ? net.n + 1 : 0);
}

/**
 * The exact measurement of an estimator whose moments come from {@link measureMoments} or
 * {@link measureOutcomes}: `diagnose`'s {@link EstimatorMeasure} without the REINFORCE baseline and
 * the learned-correction map (`unitMean`/`unitVariance`/`unitSnr` are those of each unit's bias
 * parameter, output unit last in the two-layer network).
 */
export type MomentMeasure = Omit<EstimatorMeasure, 'baseline' | 'correction'>;

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

/** The measurement from per-parameter E ĝ and Var ĝ, against the exact ∇J `gradient`. */
export function measureMoments(en: Enumeration, estimator: string, mean: Float64Array, variance: Float64Array, gradient: Float64Array): MomentMeasure {
  const { net } = en;
  const n = net.n;
  const d = net.x.length;
  const two = net.kind === 'two-layer';
  const U = two ? n + 1 : n;
  const biasIndex = (i: number): number => (i < n ? d * n + i : d * n + 2 * n);
  const unitMean = Float64Array.from({ length: U }, (_, i) => mean[biasIndex(i)]!);
  const unitVariance = Float64Array.from({ length: U }, (_, i) => variance[biasIndex(i)]!);
  return { estimator, mean, variance, unitMean, unitVariance, ...summarizeMoments(mean, variance, unitMean, unitVariance, gradient, n, two) };
}

/** What {@link summarizeMoments} derives from the moments. */
export type MomentSummary = Pick<MomentMeasure, 'unitSnr' | 'snr' | 'outputSnr' | 'relBias' | 'cosine' | 'mse' | 'relMse' | 'totalVariance'>;

/**
 * The summary statistics of per-parameter E ĝ (`mean`) and Var ĝ (`variance`) against the exact
 * ∇J (`gradient`), given the per-unit bias moments: SNRs (hidden units aggregated, the first `n`;
 * the output unit's with `two`), relative bias, cosine and mean squared error.
 */
export function summarizeMoments(mean: Float64Array, variance: Float64Array, unitMean: Float64Array, unitVariance: Float64Array, gradient: Float64Array, n: number, two: boolean): MomentSummary {
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
export function measureOutcomes(en: Enumeration, estimator: string, visit: (emit: Emit) => void, gradient: Float64Array): MomentMeasure {
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

/** One row of {@link analyzeMoments}: an estimator on one network kind and size, over the random networks. */
export interface MomentRow {
  /** The estimator id. */
  readonly estimator: string;
  /** The network kind. */
  readonly network: 'one-layer' | 'two-layer';
  /** Units. */
  readonly n: number;
  /** Σ(E ĝᵢ)²/Σ Var ĝᵢ over the hidden units of every network. */
  readonly snr: number;
  /** Mean over the networks of the relative bias, and its largest value. */
  readonly relBias: number;
  readonly maxRelBias: number;
  /** Mean cosine to ∇J. */
  readonly cosine: number;
  /** Mean relative MSE. */
  readonly relMse: number;
  /** Per network: relative bias and total variance (for recomputation and orderings). */
  readonly perNet: readonly { readonly relBias: number; readonly totalVariance: number; readonly unitVariance: number[] }[];
}

/** What {@link analyzeMoments} measures with. */
export interface MomentOptions {
  readonly units: readonly number[];
  readonly nets: number;
  readonly seed: number;
  readonly reward: 'structured' | 'iid';
  readonly rewardOf: 'all' | 'output';
  /** K, the input contexts of every network. @default 1 */
  readonly contexts?: number;
  /** With K > 1, whether each context has its own reward table. @default false */
  readonly contextRewards?: boolean;
}

/** A network in each of its input contexts, with the contexts' probabilities (`Mixture` of `src/diagnose/enumerate.ts`). */
export type ContextMixture = readonly { readonly weight: number; readonly en: Enumeration }[];

/**
 * An estimator's measurement over a network's input contexts: its own `measure` in each context
 * (the baselines it reads are the mixture's), combined by the law of total expectation and
 * variance, E ĝ = Σ π_c E[ĝ | c], Var ĝ = Σ π_c (Var[ĝ | c] + E[ĝ | c]²) − (E ĝ)², per parameter,
 * against the mixture's ∇J. A sample is a context, then what the estimator draws in it (its K
 * samples, its pair, its perturbation). With one context, `measure` itself.
 */
export function measureOverContexts(mix: ContextMixture, estimator: string, measure: (en: Enumeration, g: Float64Array) => MomentMeasure, gradient: Float64Array, gradientOf: (en: Enumeration) => Float64Array): MomentMeasure {
  if (mix.length === 1) return measure(mix[0]!.en, gradient);
  const P = gradient.length;
  const mean = new Float64Array(P);
  const square = new Float64Array(P);
  for (const { weight, en } of mix) {
    const m = measure(en, gradientOf(en));
    for (let k = 0; k < P; k++) {
      mean[k] += weight * m.mean[k]!;
      square[k] += weight * (m.variance[k]! + m.mean[k]! ** 2);
    }
  }
  const variance = square.map((q, k) => Math.max(0, q - mean[k]! ** 2));
  return measureMoments(mix[0]!.en, estimator, mean, variance, gradient);
}

/**
 * The exact measurement of every registered estimator with `exactMoments`, on the same random
 * networks as `diagnose` (same seed, kinds, sizes and indices, and input contexts), sizes above an
 * estimator's `maxUnits` left out.
 *
 * @param make the network `index` of (kind, n), in each of its input contexts
 * @param gradientOf ∇J of one context's network
 */
export function analyzeMoments(
  estimators: readonly { readonly id: string; readonly exactMoments?: { readonly nets: readonly ('one-layer' | 'two-layer')[]; readonly maxUnits: number; measure(en: Enumeration, g: Float64Array): MomentMeasure } }[],
  o: MomentOptions,
  make: (kind: 'one-layer' | 'two-layer', n: number, index: number) => ContextMixture,
  gradientOf: (en: Enumeration) => Float64Array,
): MomentRow[] {
  const rows: MomentRow[] = [];
  for (const network of ['one-layer', 'two-layer'] as const) {
    for (const n of o.units) {
      const mixes = Array.from({ length: o.nets }, (_, index) => make(network, n, index));
      const grads = mixes.map((mix) => {
        if (mix.length === 1) return gradientOf(mix[0]!.en);
        const g = new Float64Array(paramCount(mix[0]!.en.net));
        for (const { weight, en } of mix) gradientOf(en).forEach((v, k) => (g[k] += weight * v));
        return g;
      });
      for (const e of estimators) {
        const x = e.exactMoments;
        if (!x || !x.nets.includes(network) || n > x.maxUnits) continue;
        const ms = mixes.map((mix, k) => measureOverContexts(mix, e.id, (en, g) => x.measure(en, g), grads[k]!, gradientOf));
        let signal = 0;
        let noise = 0;
        for (const m of ms) for (let i = 0; i < n; i++) (signal += m.unitMean[i]! ** 2), (noise += m.unitVariance[i]!);
        const avg = (f: (m: MomentMeasure) => number): number => ms.reduce((s, m) => s + f(m), 0) / ms.length;
        rows.push({
          estimator: e.id,
          network,
          n,
          snr: noise > 0 ? signal / noise : Number.POSITIVE_INFINITY,
          relBias: avg((m) => m.relBias),
          maxRelBias: Math.max(...ms.map((m) => m.relBias)),
          cosine: avg((m) => m.cosine),
          relMse: avg((m) => m.relMse),
          perNet: ms.map((m) => ({ relBias: m.relBias, totalVariance: m.totalVariance, unitVariance: Array.from(m.unitVariance) })),
        });
      }
    }
  }
  return rows;
}

/** The rows as a text table. */
export function formatMomentRows(rows: readonly MomentRow[]): string[] {
  if (!rows.length) return [];
  const g = (v: number, d = 3): string => (Number.isFinite(v) ? (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(d - 1) : v.toPrecision(d)) : String(v));
  const header = ['estimator', 'network', 'n', 'SNR', 'rel. bias', 'max bias', 'cosine', 'rel. MSE'];
  const table = [header, ...rows.map((r) => [r.estimator, r.network, String(r.n), g(r.snr), g(r.relBias, 2), g(r.maxRelBias, 2), r.cosine.toFixed(4), g(r.relMse)])];
  const widths = header.map((_, c) => Math.max(...table.map((t) => t[c]!.length)));
  return [
    'estimators since 2013 (exact moments over K samples, the antithetic pair or the unit noise; rloo with K = 2, the evaluations of arm and disarm):',
    ...table.map((t) => t.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')),
  ];
}
