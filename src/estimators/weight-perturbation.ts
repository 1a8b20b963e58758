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
 * **How it trains (the choice).** The two evaluations are the two members of a pair of sub-envs
 * (`pairing`, `src/core/vector.ts`): paired resets give the j-th episodes of sub-envs 2k and 2k + 1
 * the same start on the same env RNG stream, and `pairNoise: 'common'` gives both members the same
 * unit uniforms u, step for step (`agents/pairing.ts`): common random numbers. In its episode j,
 * member 2k acts with θ + cΔ and member 2k + 1 with θ − cΔ, with one Δ per pair-episode drawn from
 * a seed (`PolicyNetwork.rowPerturbation`: the forward pass runs each row with its own weights).
 * R± is each member's discounted return from its first step, and the broadcast is the one scalar
 * D = (R₊ − R₋)/(2c) per pair; every parameter keeps its own Δₖ, and the update is the mean over
 * the K pairs of the batch of D·Δₖ (1/Δₖ = Δₖ for ±1), taken by the optimiser as an ascent
 * direction. c is the agent option `perturbationScale` (default 0.1). Greedy evaluation acts with
 * θ. Paired sub-envs rather than two consecutive episodes of one sub-env: the pairing machinery
 * already pairs resets and noise and keeps both members' episodes under the same θ (sync batching
 * decides a pair-episode's collection once, for both members), so the batch is as exactly
 * on-policy as every other estimator's; the price is a forward pass with per-row weights.
 *
 * **Information each unit uses:** `broadcast`: every weight keeps its own Δₖ and receives the one
 * scalar D per pair. No unit's h, p or x enters the update.
 *
 * **Bias, exactly.** Given Δ, each member's return is an unbiased sample of J at its weights
 * (a whole episode under fixed weights; the common noise correlates R₊ and R₋ but biases neither),
 * so E[ĝₖ] = E_Δ[(J(θ + cΔ) − J(θ − cΔ))·Δₖ]/(2c), where J is exactly the discounted episode
 * return E[G₀] (γ = `gamma`; episodes cut by a time limit count as they end, nothing bootstrapped),
 * not the γ-free row weighting of the per-unit estimators (`agents/learner.ts`). Δ comes from its
 * own seeded stream, independent of the env and the units. By Taylor's theorem, with Rademacher Δ,
 *
 *     E ĝₖ = ∂ₖJ + (c²/6)·(∂ₖ³J + 3·Σ_{j≠k} ∂ₖ∂ⱼ²J) + O(c⁴),
 *
 * biased for every c > 0 by the third derivatives of J, unbiased only as c → 0. What a finite c
 * does: that O(c²) term, and J(θ ± cΔ) is the return of *other* policies than θ's. What stochastic
 * returns do: they add Var(R₊ − R₋)/(4c²) to each coordinate's variance, on top of the
 * Σ_{j≠k}(∂ⱼJ)² that the other coordinates' directions contribute (Spall's 1/P efficiency). What
 * the common unit noise does: at a decision both members reach in the same state, with the same
 * u their samples differ only where u falls between the two firing probabilities, an event of
 * probability O(c) per unit, so until then the trajectories coincide and R₊ − R₋ is often exactly
 * 0; with independent noise Var(R₊ − R₋) stays O(1) as c → 0. Once the trajectories differ, the
 * members see different states and only the env's common seed still correlates them. Batches: the update
 * averages over K pairs, and K under sync batching depends on episode lengths (as the row count M
 * of the other estimators); `signalNormalization` rescales the K values of D ('scale' keeps the
 * direction; 'standardize' subtracts their mean, which includes each pair's own D: an O(1/K)
 * bias). A baseline is pointless (R₋ is the control variate) and a critic is refused.
 *
 * **Diagnose.** The exact rule averages over Δ by Monte Carlo with a control variate (the exact
 * first-order term removed), and reports the Monte Carlo noise floor next to the bias. It takes
 * R₊ and R₋ independent (no common noise), the conservative variance.
 *
 * @module
 */
import { Rng } from '../core/rng.js';
import { enumerateNet, exactGradient, type Enumeration } from '../diagnose/enumerate.js';
import { getParams, withParams } from '../diagnose/networks.js';
import { measureMoments, type MomentMeasure } from './exact-moments.js';
import type { Estimator, PerturbedPair, WeightPerturbation } from './types.js';

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

/** Δ of one pair-episode: ±1 per parameter, from 32 bits of the seed's stream per 32 parameters. */
function rademacher(seed: number, out: Float32Array): void {
  const rng = Rng.fromSeed(seed);
  for (let k = 0; k < out.length; k += 32) {
    const bits = rng.uint32();
    for (let b = 0; b < 32 && k + b < out.length; b++) out[k + b] = (bits >>> b) & 1 ? 1 : -1;
  }
}

/**
 * The SPSA step of one batch: per parameter, the mean over the K pairs of signal[p]·Δₖ (Δₖ = ±1,
 * so dividing by it is multiplying), laid out [W₀, b₀, W₁, b₁, …]. Zero without pairs.
 */
export function spsaAscent(pairs: readonly PerturbedPair[], signal: Float32Array, shapes: readonly { readonly nIn: number; readonly nOut: number }[]): Float32Array[] {
  if (signal.length !== pairs.length) throw new RangeError(`spsaAscent: signal must have one number per pair (${pairs.length}), got ${signal.length}`);
  const P = shapes.reduce((s, sh) => s + sh.nIn * sh.nOut + sh.nOut, 0);
  const sum = new Float64Array(P);
  const delta = new Float32Array(P);
  for (const [i, p] of pairs.entries()) {
    rademacher(p.seed, delta);
    const d = signal[i]!;
    if (d === 0) continue;
    for (let k = 0; k < P; k++) sum[k] += d * delta[k]!;
  }
  const K = Math.max(1, pairs.length);
  const out: Float32Array[] = [];
  let o = 0;
  for (const s of shapes) {
    for (const n of [s.nIn * s.nOut, s.nOut]) {
      out.push(Float32Array.from(sum.subarray(o, o + n), (v) => v / K));
      o += n;
    }
  }
  return out;
}

/** The weight-perturbation maths the agent calls (see {@link WeightPerturbation}). */
export const SPSA_PERTURBATION: WeightPerturbation = {
  direction: rademacher,
  pairSignal: (p, c) => (p.plus - p.minus) / (2 * c),
  ascent: spsaAscent,
};

/** The `diagnose` entry of SPSA: its exact moments (measured by {@link spsaExact}). */
const EXACT_MOMENTS = {
  nets: ['one-layer', 'two-layer'] as const,
  maxUnits: 12,
  measure: (en: Enumeration, gradient: Float64Array): MomentMeasure => spsaExact(en, { gradient, directions: 256, seed: 1 }).measure,
};

/** The estimator (see the module header). */
export const weightPerturbation: Estimator = {
  id: 'weight-perturbation',
  summary: 'SPSA: two rollouts at θ ± cΔ under common random numbers; every weight gets (R₊ − R₋)/(2cΔₖ)',
  source: 'Spall 1992, Eq. 2.2 (Bernoulli ±1 perturbations, §III); contrasted in Bengio 2013 §1.2, §5',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'none',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  pairing: true,
  pairNoise: 'common',
  perturbation: SPSA_PERTURBATION,
  createState: (ctx) => ({ baselines: ctx.shapes.map(() => undefined), layers: ctx.shapes.map(() => undefined) }),
  hiddenGradient: () => {
    // Never called: with `perturbation` the learner forms the whole update from the pairs.
    throw new Error('weight-perturbation: the update is the perturbation ascent over whole pairs, not a per-unit estimate');
  },
  exactMoments: EXACT_MOMENTS,
};

/** @deprecated SPSA is a registered estimator now: use {@link weightPerturbation}. */
export const spsaDiagnosis = weightPerturbation;
