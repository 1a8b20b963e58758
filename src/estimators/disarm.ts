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
 * every unit whose logit is the same in both members; the others use REINFORCE with the Eq. 7
 * baseline, which keeps the sum unbiased. In RL that is every decision taken while the two members
 * are at the same step of their episode, with the same weights and the same layer input (the agent
 * checks all three, bitwise); f = G_t. What breaks it: an env that is not Markov in what the layer
 * sees (then equal inputs need not mean equal futures), a baseline formed from the current pair,
 * and the episodic ready pool's preference for the episodes that end first.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { antitheticOutcomes, MAX_PAIR_UNITS } from './antithetic.js';
import { reinforceGrad } from './reinforce.js';
import { baselineState } from './rules.js';
import type { Estimator, LayerTensors, PairTensors } from './types.js';
import type { Enumeration } from '../diagnose/enumerate.js';
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
export function disarmExact(en: Enumeration, gradient: Float64Array): MomentMeasure {
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

/** One layer's batch, signal, baseline and pairing rows, as both the hidden and the head rule see them. */
export interface AntitheticLayer {
  readonly units: LayerTensors;
  readonly signal: tf.Tensor2D;
  readonly baseline: tf.Tensor2D | undefined;
  readonly pair?: PairTensors | undefined;
}

/**
 * The rule shared by `disarm` and `arm`: where the layer's logits were the same in both members
 * (`pair.coincide`), the antithetic estimate `pairEstimate`; elsewhere (and for a categorical head,
 * which has no binary pair) REINFORCE with the layer's baseline.
 */
export function antitheticLayer(ctx: AntitheticLayer, categorical: boolean, pairEstimate: (units: LayerTensors, pair: PairTensors) => tf.Tensor2D): tf.Tensor2D {
  const rf = reinforceGrad(ctx.units.h, ctx.units.p, ctx.signal, ctx.baseline);
  if (!ctx.pair || categorical) return rf;
  const c = ctx.pair.coincide;
  return tf.add(tf.mul(c, pairEstimate(ctx.units, ctx.pair)), tf.mul(tf.sub(1, c), rf)) as tf.Tensor2D;
}

/** DisARM per row: ½(f − f̃)(h − h̃)·max(p, 1 − p), which is ½(f − f̃)(−1)^h̃·1[h ≠ h̃]·σ(|φ|). */
const disarmRows = (u: LayerTensors, pair: PairTensors): tf.Tensor2D => tf.mul(tf.mul(tf.mul(pair.diff, 0.5), tf.sub(u.h, pair.partnerH)), tf.maximum(u.p, tf.sub(1, u.p))) as tf.Tensor2D;

/** The estimator. */
export const disarm: Estimator = {
  id: 'disarm',
  summary: 'DisARM: antithetic pair of rollouts under common random numbers, ARM with its noise integrated out',
  source: 'Dong, Mnih & Tucker 2020, Eq. 5 and §3.1; Yin et al. 2020 (U2G)',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  pairing: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: (ctx) => antitheticLayer(ctx, false, disarmRows),
  headGradient: (ctx) => antitheticLayer(ctx, ctx.headKind === 'categorical', disarmRows),
  exactMoments: { nets: ['one-layer', 'two-layer'], maxUnits: DISARM_MAX_UNITS, measure: (en, g) => disarmExact(en, g) },
};
