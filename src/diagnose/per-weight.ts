/**
 * The per-weight Eq. 7 baseline against the per-unit one, exactly, on diagnose's networks.
 *
 * REINFORCE estimates the weight from input j to unit i by ĝᵢⱼ = (zᵢ − pᵢ)·xⱼ·(R − L̄), where xⱼ is
 * the weight's input: an input xⱼ⁽ᶜ⁾ of the context for a hidden weight, 1 for a bias, the hidden
 * unit hⱼ for an output weight w_oⱼ. Because E[(zᵢ − pᵢ)·xⱼ] = 0 (given the context, and given h
 * for the output unit), every constant L̄ leaves the mean unchanged, and the variance
 *
 *     Var(L̄) = E[e²x²R²] − 2L̄·E[e²x²R] + L̄²·E[e²x²] − (E ĝ)²,   e = zᵢ − pᵢ,
 *
 * is a parabola in L̄ with its minimum at the **per-weight** baseline L̄ᵢⱼ = E[e²x²R] / E[e²x²].
 * Eq. 7 of Bengio et al. 2013 (§3.1, Corollary 1) is the same ratio without x², L̄ᵢ = E[e²R] / E[e²]:
 * optimal for ∂J/∂aᵢ, hence for the bias (x = 1), but for a weight only when x² is constant, as for
 * a hidden weight with one fixed input. The output weights (x = hⱼ) and, with several input
 * contexts, the hidden weights differ. So for every weight Var(per-weight) ≤ Var(per-unit), and ≤
 * Var of any other constant (0, E[R]); the per-unit form can even be worse than 0 or E[R].
 *
 * {@link perWeightMoments} enumerates, per parameter, E[e x], E[e x R], E[e²x²], E[e²x²R],
 * E[e²x²R²] over contexts × configurations, from which the exact mean and variance under any
 * constant baseline follow; the mean is computed, not assumed, and equals ∇J to rounding.
 *
 * @module
 */
import type { Mixture } from './enumerate.js';
import { paramCount, type ExactNet } from './networks.js';

/** The five moments per parameter (flat layout of `networks.ts`). */
export interface PerWeightMoments {
  /** E[e·x]: 0 up to rounding (why any constant baseline is unbiased). */
  readonly e1: Float64Array;
  /** E[e·x·R]: the mean of the estimate with L̄ = 0. */
  readonly d: Float64Array;
  /** E[e²x²]. */
  readonly a: Float64Array;
  /** E[e²x²R]. */
  readonly b: Float64Array;
  /** E[e²x²R²]. */
  readonly c: Float64Array;
}

/** Enumerates the moments of {@link PerWeightMoments} over contexts × configurations. */
export function perWeightMoments(mix: Mixture): PerWeightMoments {
  const net = mix[0]!.en.net;
  const n = net.n;
  const d = net.x.length;
  const two = net.kind === 'two-layer';
  const H = 1 << n;
  const P = paramCount(net);
  const out = { e1: new Float64Array(P), d: new Float64Array(P), a: new Float64Array(P), b: new Float64Array(P), c: new Float64Array(P) };
  const o = d * n + n;
  for (const { weight, en } of mix) {
    const x = en.net.x;
    // Per hidden unit, in this context: Σ P·e, Σ P·e·R, Σ P·e², Σ P·e²·R, Σ P·e²·R².
    const u = Array.from({ length: 5 }, () => new Float64Array(n));
    // The output unit, per hidden configuration (its weight j sees x = hⱼ).
    const v = two ? Array.from({ length: 5 }, () => new Float64Array(H)) : undefined;
    const R = en.net.reward;
    for (let k = 0; k < en.rows; k++) {
      const w = en.prob[k]!;
      const r = R[k]!;
      for (let i = 0; i < n; i++) {
        const e = ((k >> i) & 1) - en.p[i]!;
        const we = w * e;
        u[0]![i] += we;
        u[1]![i] += we * r;
        u[2]![i] += we * e;
        u[3]![i] += we * e * r;
        u[4]![i] += we * e * r * r;
      }
      if (v) {
        const h = k & (H - 1);
        const e = ((k >> n) & 1) - en.pOut![h]!;
        const we = w * e;
        v[0]![h] += we;
        v[1]![h] += we * r;
        v[2]![h] += we * e;
        v[3]![h] += we * e * r;
        v[4]![h] += we * e * r * r;
      }
    }
    const keys = ['e1', 'd', 'a', 'b', 'c'] as const;
    for (const [q, key] of keys.entries()) {
      const t = out[key];
      const power = q < 2 ? 1 : 2; // e·x for the first two moments, e²x² for the others
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) t[j * n + i] += weight * x[j]! ** power * u[q]![i]!;
        t[d * n + i] += weight * u[q]![i]!;
      }
      if (v) {
        for (let h = 0; h < H; h++) {
          const s = weight * v[q]![h]!;
          for (let j = 0; j < n; j++) if ((h >> j) & 1) t[o + j] += s; // hⱼ^power = hⱼ
          t[o + n] += s;
        }
      }
    }
  }
  return out;
}

/** Which kind of parameter each entry of the flat layout is. */
export type ParamRole = 'hidden-weight' | 'hidden-bias' | 'output-weight' | 'output-bias';

/** The role of every parameter of `net`. */
export function paramRoles(net: ExactNet): ParamRole[] {
  const n = net.n;
  const d = net.x.length;
  const out: ParamRole[] = [...Array<ParamRole>(d * n).fill('hidden-weight'), ...Array<ParamRole>(n).fill('hidden-bias')];
  if (net.kind === 'two-layer') out.push(...Array<ParamRole>(n).fill('output-weight'), 'output-bias');
  return out;
}

/** The exact per-parameter mean and variance of REINFORCE under a constant baseline `L` per parameter. */
export function constantBaselineMoments(m: PerWeightMoments, L: ArrayLike<number>): { mean: Float64Array; variance: Float64Array } {
  const P = m.a.length;
  const mean = new Float64Array(P);
  const variance = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    const l = L[k]!;
    mean[k] = m.d[k]! - l * m.e1[k]!;
    // E[ĝ²] = E[e²x²(R − L̄)²]
    variance[k] = Math.max(0, m.c[k]! - 2 * l * m.b[k]! + l * l * m.a[k]! - mean[k]! ** 2);
  }
  return { mean, variance };
}

/** The per-weight Eq. 7 baseline L̄ᵢⱼ = E[e²x²R] / E[e²x²] of every parameter (a bias's is its unit's Eq. 7). */
export function perWeightBaseline(m: PerWeightMoments): Float64Array {
  return m.b.map((b, k) => b / m.a[k]!);
}

/** The per-unit Eq. 7 baseline spread to every parameter of the unit (each unit's bias's per-weight value). */
export function perUnitBaselineByParam(net: ExactNet, m: PerWeightMoments): Float64Array {
  const n = net.n;
  const d = net.x.length;
  const P = paramCount(net);
  const out = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    const L = m.b[d * n + i]! / m.a[d * n + i]!;
    for (let j = 0; j < d; j++) out[j * n + i] = L;
    out[d * n + i] = L;
  }
  if (net.kind === 'two-layer') {
    const o = d * n + n;
    const L = m.b[o + n]! / m.a[o + n]!;
    for (let j = 0; j <= n; j++) out[o + j] = L;
  }
  return out;
}

/** The exact comparison of the baselines on one network. */
export interface PerWeightComparison {
  /** The role of each parameter. */
  readonly roles: readonly ParamRole[];
  /** L̄ per parameter: per-weight, and per-unit (Eq. 7). */
  readonly perWeightBaseline: Float64Array;
  readonly perUnitBaseline: Float64Array;
  /** Var ĝ per parameter under each baseline: per-weight, per-unit Eq. 7, 0, E[R]. */
  readonly variance: { readonly perWeight: Float64Array; readonly perUnit: Float64Array; readonly none: Float64Array; readonly mean: Float64Array };
  /** E ĝ per parameter under the per-weight baseline (∇J to rounding). */
  readonly mean: Float64Array;
  /** ‖E ĝ − ∇J‖/‖∇J‖ under the per-weight baseline (rounding level: the estimate is unbiased). */
  readonly relBias: number;
}

/**
 * Compares the per-weight and per-unit Eq. 7 baselines (and 0, E[R]) on one network, exactly.
 * @param gradient ∇J of the mixture, for the bias
 */
export function comparePerWeight(mix: Mixture, gradient: ArrayLike<number>): PerWeightComparison {
  const net = mix[0]!.en.net;
  const m = perWeightMoments(mix);
  const pw = perWeightBaseline(m);
  const pu = perUnitBaselineByParam(net, m);
  const ER = mix.length === 1 ? mix[0]!.en.objective : mix.reduce((s, c) => s + c.weight * c.en.objective, 0);
  const P = pw.length;
  const w = constantBaselineMoments(m, pw);
  let d2 = 0;
  let g2 = 0;
  for (let k = 0; k < P; k++) {
    d2 += (w.mean[k]! - gradient[k]!) ** 2;
    g2 += gradient[k]! ** 2;
  }
  return {
    roles: paramRoles(net),
    perWeightBaseline: pw,
    perUnitBaseline: pu,
    variance: {
      perWeight: w.variance,
      perUnit: constantBaselineMoments(m, pu).variance,
      none: constantBaselineMoments(m, new Float64Array(P)).variance,
      mean: constantBaselineMoments(m, new Float64Array(P).fill(ER)).variance,
    },
    mean: w.mean,
    relBias: Math.sqrt(d2 / g2),
  };
}

/**
 * Differences below this times E ĝ² (= Var + (E ĝ)², the scale of the rounding in the variance
 * formula) are rounding: a "win" must beat it.
 */
export const WIN_TOLERANCE = 1e-9;

/** The aggregate over networks of one (kind, n, K), for the weights of one role. */
export interface PerWeightSummary {
  /** Weights compared (over all networks). */
  readonly weights: number;
  /** Weights where Var(per-weight) < Var(per-unit) by more than {@link WIN_TOLERANCE}·E ĝ². */
  readonly perWeightWins: number;
  /** Weights where Var(per-unit) < Var(per-weight) by more than the tolerance (the theory says none). */
  readonly perUnitWins: number;
  /** Largest Var(per-unit) / Var(per-weight). */
  readonly worstRatio: number;
  /** Median Var(per-unit) / Var(per-weight). */
  readonly medianRatio: number;
  /** Weights where the per-unit Eq. 7 has a higher variance than 0 or E[R] (by the tolerance). */
  readonly perUnitLosesToConstant: number;
  /** Largest Var(per-unit) / min(Var(0), Var(E[R])). */
  readonly perUnitWorstVsConstant: number;
  /** Weights where the per-weight form has a higher variance than 0 or E[R] (the theory says none). */
  readonly perWeightLosesToConstant: number;
  /** Σ Var(per-unit) / Σ Var(per-weight) over these weights. */
  readonly totalRatio: number;
  /** Largest relative bias of the per-weight estimate over the networks. */
  readonly maxRelBias: number;
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};

/** Aggregates comparisons over the weights with one of the `roles`. */
export function summarizePerWeight(cs: readonly PerWeightComparison[], roles: readonly ParamRole[]): PerWeightSummary {
  let weights = 0;
  let pwWins = 0;
  let puWins = 0;
  let worst = 0;
  let loses = 0;
  let pwLoses = 0;
  let worstConst = 0;
  let su = 0;
  let sw = 0;
  let maxRelBias = 0;
  const ratios: number[] = [];
  for (const c of cs) {
    maxRelBias = Math.max(maxRelBias, c.relBias);
    const v = c.variance;
    for (let k = 0; k < c.roles.length; k++) {
      if (!roles.includes(c.roles[k]!)) continue;
      weights += 1;
      const w = v.perWeight[k]!;
      const u = v.perUnit[k]!;
      const best = Math.min(v.none[k]!, v.mean[k]!);
      const g2 = c.mean[k]! ** 2;
      const scale = Math.max(u, w) + g2;
      if (u - w > WIN_TOLERANCE * scale) pwWins += 1;
      if (w - u > WIN_TOLERANCE * scale) puWins += 1;
      if (u - best > WIN_TOLERANCE * (Math.max(u, best) + g2)) loses += 1;
      if (w - best > WIN_TOLERANCE * (Math.max(w, best) + g2)) pwLoses += 1;
      const r = w > 0 ? u / w : u > 0 ? Number.POSITIVE_INFINITY : 1;
      ratios.push(r);
      worst = Math.max(worst, r);
      if (best > 0) worstConst = Math.max(worstConst, u / best);
      su += u;
      sw += w;
    }
  }
  return {
    weights,
    perWeightWins: pwWins,
    perUnitWins: puWins,
    worstRatio: worst,
    medianRatio: median(ratios),
    perUnitLosesToConstant: loses,
    perUnitWorstVsConstant: worstConst,
    perWeightLosesToConstant: pwLoses,
    totalRatio: sw > 0 ? su / sw : Number.NaN,
    maxRelBias,
  };
}
