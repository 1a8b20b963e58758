/**
 * `weight-perturbation` — SPSA: perturb every weight at once and divide the change in reward by
 * the perturbation.
 *
 *     Δₖ ~ Rademacher (±1),   ĝₖ = (R(θ + cΔ) − R(θ − cΔ)) / (2c·Δₖ)
 *
 * Source: Spall 1992, "Multivariate stochastic approximation using a simultaneous perturbation
 * gradient approximation" (IEEE TAC 37), Eq. 2.2, with his Bernoulli ±1 perturbation (§III).
 * Bengio 2013 (§1.2 and §5) contrasts it with the stochastic-neuron estimator: SPSA *divides* the
 * change in reward by the perturbation, where (h − p)·R *multiplies* the perturbation by the reward;
 * and Werfel, Xie & Seung 2005 show weight perturbation is slower than node perturbation by a factor
 * of the number of inputs.
 *
 * In RL the two evaluations are two paired sub-envs (same env seed, see `src/core/vector.ts`), one
 * acting with θ + cΔ and the other with θ − cΔ, Δ fresh for every pair and episode; f is each
 * member's return. With common random numbers the units of both members use the same uniforms.
 *
 * **Information each unit uses:** `broadcast`: every weight keeps its own Δₖ and receives the one
 * scalar (R₊ − R₋)/(2c) per pair.
 *
 * **Bias.** E ĝ = E_Δ[(J(θ + cΔ) − J(θ − cΔ))Δₖ]/(2c) = ∇J + O(c²) (third derivatives of J): biased
 * for any c > 0, unbiased only as c → 0, where its variance grows like 1/c². The exact rule
 * averages over Δ by Monte Carlo with a control variate (the exact first-order term removed), and
 * reports the Monte Carlo noise floor next to the bias.
 *
 * @module
 */
import { Rng } from '../core/rng.js';
import { enumerateNet, exactGradient, type Enumeration } from '../diagnose/enumerate.js';
import { getParams, withParams } from '../diagnose/networks.js';
import { measureMoments, type MomentMeasure } from './exact-moments.js';

/** c, the perturbation size (a weight moves by ±c). */
export const SPSA_SCALE = 0.1;
/** Perturbation directions Δ averaged by the exact rule. */
export const SPSA_DIRECTIONS = 512;

/** What {@link spsaExact} measures. */
export interface SpsaMeasure {
  /** The measurement (its mean is a Monte Carlo average over Δ; the network noise is exact). */
  readonly measure: MomentMeasure;
  /** Directions averaged. */
  readonly directions: number;
  /** c. */
  readonly scale: number;
  /** ‖standard error of E ĝ‖ / ‖∇J‖: a relative bias below about twice this is not resolved. */
  readonly noiseFloor: number;
}

/**
 * SPSA on an enumerated test network. For each of `directions` Rademacher vectors Δ (from `seed`)
 * J and Var R at θ ± cΔ are exact; R₊ and R₋ are taken independent (no common noise), so
 * E[ĝₖ²] = E_Δ[Var R₊ + Var R₋ + (J₊ − J₋)²]/(4c²). The mean uses a control variate (see the
 * module header), so its noise floor is of order c² rather than ‖∇J‖.
 */
export function spsaExact(en: Enumeration, options: { readonly scale?: number; readonly directions?: number; readonly seed?: number; readonly gradient?: Float64Array } = {}): SpsaMeasure {
  const c = options.scale ?? SPSA_SCALE;
  const S = options.directions ?? SPSA_DIRECTIONS;
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`spsaExact: scale must be a finite number > 0, got ${c}`);
  if (!Number.isInteger(S) || S < 2) throw new RangeError(`spsaExact: directions must be an integer >= 2, got ${S}`);
  const rng = Rng.fromSeed(options.seed ?? 0);
  const gradient = options.gradient ?? exactGradient(en);
  const theta = getParams(en.net);
  const P = theta.length;
  const sum = new Float64Array(P);
  const sum2 = new Float64Array(P);
  let second = 0;
  const delta = new Float64Array(P);
  const moments = (t: Float64Array): [number, number] => {
    const e = enumerateNet(withParams(en.net, t));
    let m2 = 0;
    for (let k = 0; k < e.rows; k++) m2 += e.prob[k]! * e.net.reward[k]! ** 2;
    return [e.objective, m2 - e.objective ** 2];
  };
  const square = new Float64Array(P);
  for (let s = 0; s < S; s++) {
    for (let k = 0; k < P; k++) delta[k] = rng.random() < 0.5 ? -1 : 1;
    const [Jp, Vp] = moments(theta.map((v, k) => v + c * delta[k]!));
    const [Jm, Vm] = moments(theta.map((v, k) => v - c * delta[k]!));
    // E ĝₖ = ∂ₖJ + E[(D − Δ·∇J)/Δₖ] with D = (J₊ − J₋)/(2c): the first-order part Δ·∇J/Δₖ has mean
    // ∂ₖJ exactly, so only the remainder (of order c²) is averaged, a control variate that takes
    // the cross terms Σ_{j≠k} ΔⱼΔₖ∂ⱼJ out of the Monte Carlo noise.
    const D = (Jp - Jm) / (2 * c);
    let lin = 0;
    for (let k = 0; k < P; k++) lin += delta[k]! * gradient[k]!;
    for (let k = 0; k < P; k++) {
      const rem = (D - lin) / delta[k]!;
      sum[k] += rem;
      sum2[k] += rem * rem;
      const g = D / delta[k]!;
      square[k] += g * g;
    }
    second += (Vp + Vm) / (4 * c * c);
  }
  const mean = sum.map((v, k) => gradient[k]! + v / S);
  // E[ĝₖ²] = E_Δ[(Var R₊ + Var R₋)/(4c²) + D²] (Δₖ² = 1).
  const variance = mean.map((m, k) => Math.max(0, second / S + square[k]! / S - m * m));
  let se2 = 0;
  let g2 = 0;
  for (let k = 0; k < P; k++) {
    se2 += Math.max(0, sum2[k]! / S - mean[k]! ** 2) / S;
    g2 += gradient[k]! ** 2;
  }
  return { measure: measureMoments(en, 'weight-perturbation', mean, variance, gradient), directions: S, scale: c, noiseFloor: Math.sqrt(se2 / g2) };
}

/**
 * SPSA as an entry of `diagnose`'s table of exact moments (it is not a trainable estimator here:
 * the agent's forward pass has one weight set for every sub-env).
 */
export const spsaDiagnosis = {
  id: 'weight-perturbation',
  exactMoments: {
    nets: ['one-layer', 'two-layer'] as const,
    maxUnits: 12,
    measure: (en: Enumeration, gradient: Float64Array): MomentMeasure => spsaExact(en, { gradient, directions: 256, seed: 1 }).measure,
  },
};
