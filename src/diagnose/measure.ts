/**
 * The exact measurement of an estimator on an enumerated network: E ĝ and Var ĝ under P, per
 * unit and per parameter, in float64, and the metrics against ∇J (bias, cosine, SNR, MSE). For an
 * estimator ĝ that is a deterministic function of the configuration, E ĝ = Σ P·ĝ and
 * Var ĝ = Σ P·(ĝ − E ĝ)². Which estimate that is comes from the estimator's own exact rule
 * (`Estimator.exact`, in its file); this module never asks which estimator it measures.
 *
 * ## Precision
 *
 * Every number reported is float64. The estimator functions of `src/estimators` are float32 tfjs
 * ops, which would put a floor of about 1e-7 under every bias; so the exact rules form the
 * per-configuration estimates in float64 from the same formulas, and {@link tfjsEstimateRows} runs
 * each estimator's real tfjs functions (its `exact.tfjs`) in one batched call, so that
 * {@link tfjsCheck} (and `diagnose`) can show that both agree to float32 rounding.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { BASELINE_KINDS, estimatorFor, exactOptimalBaseline, reinforceGrad, listEstimators, summarizeMoments, type ExactRule, type ExactSetup, type RowRule } from '../estimators/index.js';
import { exactGradient, spreadHidden, type Enumeration, type Mixture } from './enumerate.js';
import { paramCount, type NetKind } from './networks.js';

/** The fitted map of each hidden unit (learned-correction): 𝒢ᵢ(Ĝ) = intercept[i] + slope[i]·Ĝ. */
export type CorrectionCoefficients = NonNullable<ExactSetup['correction']>;

/**
 * The registered estimators that have an exact rule, in diagnose's order: the constant-baseline
 * REINFORCE estimators by baseline kind (none, mean, optimal, critic: simplest first), then the
 * others in listing order.
 */
export function exactEstimatorIds(): string[] {
  const rank = (kind: string | undefined): number => (kind === undefined ? BASELINE_KINDS.length : BASELINE_KINDS.indexOf(kind as (typeof BASELINE_KINDS)[number]));
  return listEstimators()
    .filter((e) => e.exact)
    .map((e, i) => ({ id: e.id, key: rank(e.exact!.theory?.constantBaseline), i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((e) => e.id);
}

/** The networks each estimator with an exact rule is measured on. */
export function exactNets(id: string): readonly NetKind[] {
  return exactRuleOf('exactNets', id).nets;
}

/** Why each registered estimator without an exact rule (per configuration, or `exactMoments`) cannot be enumerated. */
export function notEnumerable(): Record<string, string> {
  return Object.fromEntries(listEstimators().filter((e) => !e.exact && !e.exactMoments).map((e) => [e.id, e.noExactRule ?? 'it has no exact rule']));
}

function exactRuleOf(fn: string, id: string): ExactRule {
  const e = listEstimators().find((x) => x.id === id);
  if (!e?.exact) throw new RangeError(`${fn}: unknown estimator ${JSON.stringify(id)}; measurable estimators: ${exactEstimatorIds().join(', ')}`);
  return e.exact;
}

function checkApplies(fn: string, en: Enumeration, id: string): ExactRule {
  const rule = exactRuleOf(fn, id);
  if (!rule.nets.includes(en.kind)) throw new RangeError(`${fn}: ${id} needs the ${rule.nets.join(' or ')} network, got ${en.kind}`);
  return rule;
}

/** Sets estimator `id`'s exact rule up on `en`. */
function exactSetup(en: Enumeration, id: string): ExactSetup {
  return checkApplies('exactRule', en, id).setup(en);
}

/** The per-configuration estimates of one estimator and what it was formed with. */
export interface EstimateRows {
  /** ĝ of each unit (∂/∂a) in every configuration, rows × units (row-major). */
  readonly rows: Float64Array;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** learned-correction only: the fitted map of each hidden unit. */
  readonly correction?: CorrectionCoefficients;
}

/**
 * The float64 estimate of estimator `id` in every configuration of `en` (or in the listed
 * configurations only, in that order).
 */
export function estimateRows(en: Enumeration, id: string, configurations?: ArrayLike<number>): EstimateRows {
  const { rule, baseline, correction } = exactSetup(en, id);
  const U = en.units;
  const M = configurations ? configurations.length : en.rows;
  const rows = new Float64Array(M * U);
  for (let r = 0; r < M; r++) rule(configurations ? configurations[r]! : r, rows.subarray(r * U, (r + 1) * U));
  return correction ? { rows, baseline, correction } : { rows, baseline };
}

/**
 * E ĝ and Var ĝ under P, per unit and per parameter, in one pass over the configurations.
 * Per parameter: hidden W[k·n + i] has mean xₖ·E ĝᵢ and variance xₖ²·Var ĝᵢ; the output weight
 * w_oⱼ's estimate is hⱼ·ĝ_o, whose moments are Σ over the hidden configurations with hⱼ = 1 of the
 * moments of ĝ_o accumulated per hidden configuration.
 *
 * Variances are E[ĝ²] − (E ĝ)², whose relative rounding error is about 1e-16·(1 + SNR): at most
 * 1e-11 for the SNRs met here, so the second pass that centring would cost is not needed.
 */
export function paramMoments(en: Enumeration, rule: RowRule, withVariance = true): { mean: Float64Array; variance: Float64Array; unitMean: Float64Array; unitVariance: Float64Array } {
  const { net, rows, units: U, prob } = en;
  const n = net.n;
  const H = 1 << n;
  const unitMean = new Float64Array(U);
  const unitSquare = new Float64Array(U);
  const P = paramCount(net);
  const mean = new Float64Array(P);
  const variance = new Float64Array(P);
  const o = net.x.length * n + n;
  const two = net.kind === 'two-layer';
  // Σ_o P·ĝ_o and Σ_o P·ĝ_o² per hidden configuration (two-layer only).
  const byHidden1 = two ? new Float64Array(H) : undefined;
  const byHidden2 = two ? new Float64Array(H) : undefined;
  const g = new Float64Array(U);
  for (let k = 0; k < rows; k++) {
    const w = prob[k]!;
    rule(k, g);
    for (let i = 0; i < U; i++) {
      const wg = w * g[i]!;
      unitMean[i] += wg;
      unitSquare[i] += wg * g[i]!;
    }
    if (two) {
      const h = k & (H - 1);
      const wg = w * g[n]!;
      byHidden1![h] += wg;
      byHidden2![h] += wg * g[n]!;
    }
  }
  const unitVariance = unitSquare.map((q, i) => Math.max(0, q - unitMean[i]! ** 2));
  spreadHidden(net, unitMean, mean);
  if (withVariance) spreadHidden(net, unitVariance, variance, true);
  if (two) {
    mean[o + n] = unitMean[n]!;
    variance[o + n] = unitVariance[n]!;
    const square = new Float64Array(n);
    for (let h = 1; h < H; h++) {
      const a = byHidden1![h]!;
      const b = byHidden2![h]!;
      for (let j = 0; j < n; j++) {
        if ((h >> j) & 1) {
          mean[o + j] += a;
          square[j] += b;
        }
      }
    }
    for (let j = 0; j < n; j++) variance[o + j] = withVariance ? Math.max(0, square[j]! - mean[o + j]! ** 2) : 0;
  }
  return { mean, variance, unitMean, unitVariance };
}

/** The exact measurement of one estimator on one network. */
export interface EstimatorMeasure {
  /** The estimator. */
  readonly estimator: string;
  /** E ĝ per parameter (flat layout). */
  readonly mean: Float64Array;
  /** Var ĝ per parameter. */
  readonly variance: Float64Array;
  /** E ĝᵢ of each unit's estimate of ∂J/∂aᵢ (output unit last in the two-layer network). */
  readonly unitMean: Float64Array;
  /** Var ĝᵢ of each unit. */
  readonly unitVariance: Float64Array;
  /**
   * (E ĝᵢ)² / Var ĝᵢ of each unit. For a (hidden) unit with one fixed input this is also the
   * per-parameter SNR of its W column and b; with several input contexts, that of its bias b.
   */
  readonly unitSnr: Float64Array;
  /**
   * Σᵢ (E ĝᵢ)² / Σᵢ Var ĝᵢ over the n (hidden) units: the mean per-unit signal over the mean per-unit
   * noise, the inverse of the "gradient noise scale" tr Σ / ‖G‖² of McCandlish et al. 2018 restricted
   * to these units. Unlike the mean of {@link EstimatorMeasure.unitSnr}, one unit whose estimate
   * barely varies cannot swamp it.
   */
  readonly snr: number;
  /** Two-layer only: the output unit's SNR (that of ∂J/∂b_o). */
  readonly outputSnr: number | undefined;
  /** ‖E ĝ − ∇J‖ / ‖∇J‖ over all parameters. */
  readonly relBias: number;
  /** cos(E ĝ, ∇J) over all parameters. */
  readonly cosine: number;
  /** E‖ĝ − ∇J‖² = ‖E ĝ − ∇J‖² + Σ Var ĝ, over all parameters. */
  readonly mse: number;
  /** mse / ‖∇J‖². */
  readonly relMse: number;
  /** Σ Var ĝ over all parameters. */
  readonly totalVariance: number;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** learned-correction only: the fitted map of each hidden unit. */
  readonly correction?: CorrectionCoefficients;
}

/**
 * Measures estimator `id` exactly on the enumerated network.
 *
 * @param gradient ∇J, if already computed (default: {@link exactGradient})
 */
export function measureEstimator(en: Enumeration, id: string, gradient: Float64Array = exactGradient(en)): EstimatorMeasure {
  const est = exactSetup(en, id);
  const { mean, variance, unitMean, unitVariance } = paramMoments(en, est.rule);
  return measureFrom(id, en.net.n, en.net.kind === 'two-layer', mean, variance, unitMean, unitVariance, gradient, est);
}

/**
 * Measures estimator `id` exactly on a network under its input distribution: per context c, its
 * exact rule set up on that context's Enumeration (the baselines and a learned correction's fit
 * shared over the mixture, see `enumerate.ts`) gives E[ĝ | c] and Var[ĝ | c]; then
 * E ĝ = Σ π_c E[ĝ | c] and Var ĝ = Σ π_c (Var[ĝ | c] + E[ĝ | c]²) − (E ĝ)² per parameter and per
 * unit (a unit's moments being those of its bias, whose input is 1 in every context). With one
 * context, {@link measureEstimator} itself. The baseline reported is the first context's (the
 * same in every context but for a critic's V(s)).
 *
 * @param gradient ∇J of the mixture (`mixtureGradient`)
 */
export function measureMixture(mix: Mixture, id: string, gradient: Float64Array): EstimatorMeasure {
  if (mix.length === 1) return measureEstimator(mix[0]!.en, id, gradient);
  let first: ExactSetup | undefined;
  const parts = mix.map(({ weight, en }) => {
    const est = exactSetup(en, id);
    first ??= est;
    return { weight, ...paramMoments(en, est.rule) };
  });
  const m = mixMoments(parts);
  const en = mix[0]!.en;
  return measureFrom(id, en.net.n, en.net.kind === 'two-layer', m.mean, m.variance, m.unitMean, m.unitVariance, gradient, first!);
}

/** Per-context moments (mean, variance per parameter and per unit) with the context's probability. */
export interface WeightedMoments {
  readonly weight: number;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly unitMean: Float64Array;
  readonly unitVariance: Float64Array;
}

/** The law of total expectation and variance over the contexts: E = Σ π_c E_c, Var = Σ π_c (Var_c + E_c²) − E². */
export function mixMoments(parts: readonly WeightedMoments[]): { mean: Float64Array; variance: Float64Array; unitMean: Float64Array; unitVariance: Float64Array } {
  const mix = (key: 'mean' | 'unitMean', vkey: 'variance' | 'unitVariance'): [Float64Array, Float64Array] => {
    const L = parts[0]![key].length;
    const m = new Float64Array(L);
    const q = new Float64Array(L);
    for (const p of parts) {
      for (let k = 0; k < L; k++) {
        const e = p[key][k]!;
        m[k] += p.weight * e;
        q[k] += p.weight * (p[vkey][k]! + e * e);
      }
    }
    return [m, q.map((v, k) => Math.max(0, v - m[k]! ** 2))];
  };
  const [mean, variance] = mix('mean', 'variance');
  const [unitMean, unitVariance] = mix('unitMean', 'unitVariance');
  return { mean, variance, unitMean, unitVariance };
}

function measureFrom(
  id: string,
  n: number,
  two: boolean,
  mean: Float64Array,
  variance: Float64Array,
  unitMean: Float64Array,
  unitVariance: Float64Array,
  gradient: Float64Array,
  est: ExactSetup,
): EstimatorMeasure {
  return {
    estimator: id,
    mean,
    variance,
    unitMean,
    unitVariance,
    ...summarizeMoments(mean, variance, unitMean, unitVariance, gradient, n, two),
    baseline: est.baseline,
    ...(est.correction ? { correction: est.correction } : {}),
  };
}

/** The configurations' h (bits), p and R̄ as float32 arrays, for the listed rows. */
function tfjsInputs(en: Enumeration, rows: ArrayLike<number>): { h: Float32Array; p: Float32Array; R: Float32Array } {
  const U = en.units;
  const M = rows.length;
  const h = new Float32Array(M * U);
  const p = new Float32Array(M * U);
  const R = new Float32Array(M);
  for (let r = 0; r < M; r++) {
    const k = rows[r]!;
    R[r] = en.net.reward[k]!;
    for (let i = 0; i < U; i++) {
      h[r * U + i] = (k >> i) & 1;
      p[r * U + i] = en.unitP(k, i);
    }
  }
  return { h, p, R };
}

/**
 * The exact Eq. 7 baseline of every unit (1 × units) as the real float32 `exactOptimalBaseline`
 * computes it, over every configuration weighted by P (of every context, weighted by π_c·P_c, for
 * a {@link Mixture}).
 */
export function tfjsOptimalBaseline(enOrMix: Enumeration | Mixture): Float32Array {
  const mix: Mixture = 'rows' in enOrMix ? [{ weight: 1, en: enOrMix }] : enOrMix;
  const U = mix[0]!.en.units;
  const M = mix.reduce((s, c) => s + c.en.rows, 0);
  const h = new Float32Array(M * U);
  const p = new Float32Array(M * U);
  const R = new Float32Array(M);
  const w = new Float32Array(M);
  let at = 0;
  for (const { weight, en } of mix) {
    const all = Int32Array.from({ length: en.rows }, (_, k) => k);
    const t = tfjsInputs(en, all);
    h.set(t.h, at * U);
    p.set(t.p, at * U);
    R.set(t.R, at);
    for (let k = 0; k < en.rows; k++) w[at + k] = mix.length === 1 ? en.prob[k]! : weight * en.prob[k]!;
    at += en.rows;
  }
  const result = tf.tidy(() => exactOptimalBaseline(tf.tensor2d(h, [M, U]), tf.tensor2d(p, [M, U]), tf.tensor2d(R, [M, 1]), tf.tensor2d(w, [M, 1])));
  const out = (result.dataSync() as Float32Array).slice();
  result.dispose();
  return out;
}

/** Options of {@link tfjsEstimateRows}. */
export interface TfjsRowsOptions {
  /**
   * The configurations to estimate, by index.
   * @default every configuration
   */
  readonly rows?: ArrayLike<number>;
  /**
   * The Eq. 7 baseline (1 × units) for the estimators that use it.
   * @default {@link tfjsOptimalBaseline}(en)
   */
  readonly optimalBaseline?: ArrayLike<number>;
}

/**
 * The same per-configuration estimates as {@link estimateRows}, formed by the real float32 tfjs
 * functions of `src/estimators` in one batched call (as the agent calls them: a vector–Jacobian
 * product through the `tf.customGrad` op with dy = ĝ_o·w_oᵀ for the straight-through family). Needs
 * an initialised tfjs backend. Returns (listed rows) × units.
 */
export function tfjsEstimateRows(en: Enumeration, id: string, options: TfjsRowsOptions = {}): Float32Array {
  const rule = checkApplies('tfjsEstimateRows', en, id);
  if (!rule.tfjs) throw new RangeError(`tfjsEstimateRows: ${id} has no tfjs form of its exact rule`);
  const tfjs = rule.tfjs;
  const rows = options.rows ?? Int32Array.from({ length: en.rows }, (_, k) => k);
  const U = en.units;
  const M = rows.length;
  const inputs = tfjsInputs(en, rows);
  const needsEq7 = estimatorFor(id).baseline === 'optimal';
  const eq7Baseline = needsEq7 ? (options.optimalBaseline ?? tfjsOptimalBaseline(en)) : undefined;
  // The tidy returns the tensor, not its data: tf.tidy walks a returned value looking for tensors,
  // which for a typed array of millions of entries costs seconds.
  const result = tf.tidy(() => {
    const h = tf.tensor2d(inputs.h, [M, U]);
    const p = tf.tensor2d(inputs.p, [M, U]);
    const R = tf.tensor2d(inputs.R, [M, 1]);
    const eq7 = (): tf.Tensor2D => reinforceGrad(h, p, R, tf.tensor2d(Float32Array.from(eq7Baseline!), [1, U]));
    return tfjs(en, { h, p, R, eq7 });
  });
  const out = (result.dataSync() as Float32Array).slice();
  result.dispose();
  return out;
}

/** The outcome of {@link tfjsCheck}. */
export interface TfjsCheck {
  /** How many configurations the per-row rules were run on. */
  readonly rows: number;
  /** max |L̄(float32) − L̄(float64)| / max |R̄|: `exactOptimalBaseline` over all configurations against the float64 Eq. 7 baseline, if used. */
  readonly optimalBaseline: number | undefined;
  /** Per estimator: max |float32 − float64| / max |float64| over the checked rows. */
  readonly estimators: Readonly<Record<string, number>>;
  /** The largest of all the differences above. */
  readonly worst: number;
}

/**
 * Runs the real tfjs estimator functions and compares them with the float64 estimates that the
 * measurement uses. The Eq. 7 baseline is formed by `exactOptimalBaseline` over every
 * configuration; the per-configuration rules run on every configuration when there are at most
 * `maxRows`, else on `maxRows` configurations spread over all of them (index i·φ mod 2^bits with an
 * odd φ, a permutation that keeps every low-order bit pattern). Differences of order 1e-7 are float32
 * rounding; a wrong formula shows as a difference of order 1.
 */
export function tfjsCheck(enOrMix: Enumeration | Mixture, ids: readonly string[], maxRows = 4096): TfjsCheck {
  const mix: Mixture = 'rows' in enOrMix ? [{ weight: 1, en: enOrMix }] : enOrMix;
  const en0 = mix[0]!.en;
  const M = Math.min(en0.rows, maxRows);
  const rows = en0.rows <= maxRows ? Int32Array.from({ length: M }, (_, k) => k) : Int32Array.from({ length: M }, (_, i) => Number((BigInt(i) * 0x9e3779b1n) % BigInt(en0.rows)));
  const usesEq7 = ids.some((id) => estimatorFor(id).baseline === 'optimal');
  const eq7 = usesEq7 ? tfjsOptimalBaseline(mix.length === 1 ? en0 : mix) : undefined;
  // Relative to the reward's scale: L̄ is subtracted from R̄, and an Eq. 7 ratio near 0 has no scale of its own.
  let rScale = 0;
  for (let k = 0; k < en0.rows; k++) rScale = Math.max(rScale, Math.abs(en0.net.reward[k]!));
  const exact = en0.baseline('optimal');
  const optimalBaseline = eq7 ? eq7.reduce((m, v, i) => Math.max(m, Math.abs(v - exact[i]!)), 0) / (rScale || 1) : undefined;
  const estimators: Record<string, number> = {};
  let worst = optimalBaseline ?? 0;
  for (const id of ids) {
    let d = 0;
    // Every context, each through the real functions with the mixture's Eq. 7 baseline.
    for (const { en } of mix) {
      const f32 = tfjsEstimateRows(en, id, eq7 ? { rows, optimalBaseline: eq7 } : { rows });
      d = Math.max(d, relativeRowDifference(f32, estimateRows(en, id, rows).rows));
    }
    estimators[id] = d;
    worst = Math.max(worst, d);
  }
  return { rows: M * mix.length, optimalBaseline, estimators, worst };
}

/** max |a − b| / max |b|: how far the float32 rows are from the float64 ones, relative to their scale. */
export function relativeRowDifference(float32: ArrayLike<number>, float64: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < float64.length; k++) {
    diff = Math.max(diff, Math.abs(float32[k]! - float64[k]!));
    scale = Math.max(scale, Math.abs(float64[k]!));
  }
  return scale > 0 ? diff / scale : diff;
}

/**
 * The least-squares slope s of log y against log n (y ∝ n^s), over the pairs with y > 0 and
 * finite. NaN with fewer than two distinct n.
 */
export function logLogSlope(ns: readonly number[], ys: readonly number[]): number {
  const pts = ns.map((n, i) => [Math.log(n), Math.log(ys[i]!)] as const).filter(([, ly]) => Number.isFinite(ly));
  if (new Set(pts.map(([lx]) => lx)).size < 2) return Number.NaN;
  const mx = pts.reduce((s, [lx]) => s + lx, 0) / pts.length;
  const my = pts.reduce((s, [, ly]) => s + ly, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [lx, ly] of pts) {
    sxy += (lx - mx) * (ly - my);
    sxx += (lx - mx) ** 2;
  }
  return sxy / sxx;
}
