/**
 * `disarm` — DisARM (equivalently U2G for binary units): ARM with its noise integrated out given the
 * pair of samples.
 *
 *     bᵢ = 1[uᵢ < σ(φᵢ)],   b̃ᵢ = 1[1 − uᵢ < σ(φᵢ)]
 *     ĝᵢ = ½·(f(b) − f(b̃))·(−1)^{b̃ᵢ}·1[bᵢ ≠ b̃ᵢ]·σ(|φᵢ|)
 *
 * Source: Dong, Mnih & Tucker 2020, "DisARM: an antithetic gradient estimator for binary latent
 * variables" (NeurIPS), Eq. 5 (univariate) and §3.1 (factorised multivariate: the same f(b) − f(b̃)
 * for every unit); Yin, Ho & Zhou 2020, "Probabilistic best subset selection via gradient-based
 * optimization" (U2G), the same estimator. DisARM is the conditional expectation of ARM given
 * (b, b̃), so by Rao–Blackwell its variance is at most ARM's, parameter by parameter. Check: with
 * f(b) = b, E ĝ = σ(φ)(1 − σ(φ)).
 *
 * **Information each unit uses:** `broadcast`, under common random numbers: two runs of the network
 * (paired sub-envs with the same env seed, antithetic unit noise); each unit keeps its own two
 * samples and its logit; the broadcast carries f(b) − f(b̃), one scalar per pair.
 *
 * **What is unbiased** — the same as `arm` (see there and `antithetic.ts`): exactly unbiased for
 * every unit whose logit is the same in both members; the others use the pair's mean REINFORCE
 * estimate with the Eq. 7 baseline, which keeps the sum unbiased. In RL that is every decision taken
 * while the two trajectories still coincide (the first step's first layer always; later steps until
 * the first differing action), with f = G_t; the rest is REINFORCE. What breaks it: unpaired env
 * seeds, env randomness not shared by the pair, a baseline formed from the current pair, and the
 * episodic ready pool's preference for the episodes that end first.
 *
 * @module
 */
import { antitheticOutcomes, MAX_PAIR_UNITS } from './antithetic.js';
import type { Enumeration } from './exact.js';
import { measureOutcomes, type MomentMeasure } from './exact-moments.js';

/** Largest n with an exact rule. */
export const DISARM_MAX_UNITS = MAX_PAIR_UNITS;

/**
 * DisARM's estimate for one unit: samples b (member A) and b̃ (member B), logit φ, rewards f, f̃.
 * σ(|φ|) = max(p, 1 − p).
 */
export function disarmUnit(b: number, bt: number, p: number, f: number, ft: number): number {
  if (b === bt) return 0;
  return 0.5 * (f - ft) * (bt ? -1 : 1) * Math.max(p, 1 - p);
}

/** The exact mean and variance of DisARM on an enumerated test network (every outcome of the pair). */
export function disarmExact(en: Enumeration, gradient?: Float64Array): MomentMeasure {
  const p = en.p;
  return measureOutcomes(
    en,
    'disarm',
    antitheticOutcomes(
      en,
      (o, i) => {
        const g = disarmUnit((o.h >> i) & 1, (o.ht >> i) & 1, p[i]!, o.f, o.ft);
        return [g, g * g];
      },
      (o) => {
        const g = disarmUnit(o.o, o.ot, o.po, o.f, o.ft);
        return [g, g * g];
      },
    ),
    gradient,
  );
}
