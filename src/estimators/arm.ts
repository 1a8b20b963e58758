/**
 * `arm` — Augment-REINFORCE-Merge: the antithetic two-evaluation estimator of the logit gradient of
 * binary units, here as DisARM's reference.
 *
 *     bᵢ = 1[uᵢ < σ(φᵢ)],   b̃ᵢ = 1[1 − uᵢ < σ(φᵢ)] (= 1[uᵢ > σ(−φᵢ)]),   uᵢ ~ U(0, 1)
 *     ĝᵢ = (f(b̃) − f(b))·(uᵢ − ½)
 *
 * Source: Yin & Zhou 2019, "ARM: Augment-REINFORCE-Merge gradient for stochastic binary networks"
 * (ICLR), Theorem 1 (the univariate form, then §2.2 for a factorised layer). Check: with f(b) = b,
 * E ĝ = σ(φ)(1 − σ(φ)).
 *
 * **Information each unit uses:** `broadcast`, under common random numbers: the network is run twice
 * (two paired sub-envs, same env seed, antithetic unit noise, see `src/core/vector.ts` and
 * `agents/pairing.ts`), each unit keeps its own uniform uᵢ, and the broadcast carries the one scalar
 * f(b̃) − f(b) per pair.
 *
 * **What is unbiased.** ĝᵢ is unbiased for ∂E[f]/∂φᵢ when φᵢ is the same in both members and the
 * two futures have the same law given the sample. That holds for every unit of a one-layer network
 * and for the units fed only by the input; a unit whose two logits differ (a deeper unit whose
 * parents' samples differed; in RL every decision after the two trajectories diverged) uses instead
 * its own REINFORCE estimate with the Eq. 7 baseline. Whether a unit uses ARM is decided by the
 * noise before it, so each row's estimate is conditionally unbiased either way and so is the sum
 * (`antithetic.ts` checks it exactly on diagnose's networks). In RL a row uses ARM when both members
 * are at the same step of their episode with the same weights and a bitwise-equal layer input, and
 * f is the member's reward-to-go G_t from that step (the rewards before it are common to both).
 * Paired resets (`src/core/vector.ts`) make the members start alike, so the first step's first
 * layer always qualifies. What breaks it: an env that is not Markov in what the layer sees, a
 * baseline that depends on the current pair, batches whose composition depends on the episodes in
 * them (the ready pool fills with the episodes that end first, as for every episodic estimator
 * here).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { antitheticOutcomes, MAX_PAIR_UNITS } from './antithetic.js';
import { antitheticLayer } from './disarm.js';
import { baselineState } from './rules.js';
import type { Estimator, LayerTensors, PairTensors } from './types.js';
import type { Enumeration } from '../diagnose/enumerate.js';
import { measureOutcomes, type MomentMeasure } from './exact-moments.js';

/** Largest n with an exact rule. */
export const ARM_MAX_UNITS = MAX_PAIR_UNITS;

/**
 * The exact mean and variance of ARM on an enumerated test network (every outcome of the
 * antithetic pair; see `antithetic.ts` for the output unit of the two-layer network).
 */
export function armExact(en: Enumeration, gradient: Float64Array): MomentMeasure {
  return measureOutcomes(
    en,
    'arm',
    antitheticOutcomes(
      en,
      (o, i) => {
        const d = o.ft - o.f;
        return [d * o.c1[i]!, d * d * o.c2[i]!];
      },
      (o) => {
        const d = o.ft - o.f;
        return [d * o.c1o, d * d * o.c2o];
      },
    ),
    gradient,
  );
}

/** ARM's estimate for one unit with logit φ and uniform u, given both evaluations: (f̃ − f)(u − ½). */
export function armUnit(f: number, ft: number, u: number): number {
  return (ft - f) * (u - 0.5);
}

/** ARM per row: (f̃ − f)(u − ½), u the row's own uniform (kept in `aux`). */
const armRows = (u: LayerTensors, pair: PairTensors): tf.Tensor2D => tf.mul(tf.neg(pair.diff), tf.sub(u.aux!, 0.5)) as tf.Tensor2D;

/** The estimator. */
export const arm: Estimator = {
  id: 'arm',
  summary: 'ARM: antithetic pair of rollouts under common random numbers (the reference for DisARM)',
  source: 'Yin & Zhou 2019, Theorem 1 and §2.2',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  pairing: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: (ctx) => antitheticLayer(ctx, false, armRows),
  headGradient: (ctx) => antitheticLayer(ctx, ctx.headKind === 'categorical', armRows),
  exactMoments: { nets: ['one-layer', 'two-layer'], maxUnits: ARM_MAX_UNITS, measure: (en, g) => armExact(en, g) },
};
