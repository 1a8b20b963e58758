/**
 * `weight-max` — Weight Maximization: each hidden unit is a REINFORCE agent whose reward is the
 * change in the squared norm of its outgoing weights caused by its children's own updates.
 *
 *     rᵢ = Σⱼ ((wᵢⱼ + Δwᵢⱼ)² − wᵢⱼ²) ≈ 2·Σⱼ wᵢⱼ·Δwᵢⱼ,    Δwᵢⱼ = α·ĝⱼ·hᵢ   (child j's update)
 *     ĝᵢ = (hᵢ − pᵢ)·hᵢ·Σⱼ wᵢⱼ·ĝⱼ                         (rᵢ/(2α), first order)
 *
 * Children ĝⱼ are the layer above's estimates: the head's REINFORCE (h − p)(R − V(s)) with a
 * critic (Chung's actor-critic; the exact rule on diagnose's one-state networks uses the Eq. 7
 * baseline, which is a constant there too), then downwards layer by layer. Source: Chung 2022, "Learning by competition of
 * self-interested reinforcement learning agents" (AAAI), §3 (the unit's reward as the change of its
 * outgoing weights' norm; first-order form; REINFORCE on it). The factor 2α is a positive constant
 * per layer and is left to the step size.
 *
 * **Information each unit uses:** `broadcast+local messages`: the broadcast reaches the head only;
 * each hidden unit uses its own h, p, x and, from each child, the child's update (weighted by the
 * connecting weight, which the unit owns).
 *
 * **Bias.** Biased, and not only by the first-order step: E[(h − p)·h·c] with c = Σⱼ wᵢⱼĝⱼ equals
 * p(1 − p)·E[c | h = 1], whereas ∂J/∂aᵢ = p(1 − p)·(Q(1) − Q(0)). The two agree when the children's
 * estimate given h = 1 measures the difference hᵢ makes, which holds only approximately. `diagnose`
 * measures it exactly (two-layer network).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Enumeration } from '../diagnose/enumerate.js';
import { baselineState } from './rules.js';
import type { Estimator, HiddenRuleContext } from './types.js';
import { measureOutcomes, singleConfigurations, type MomentMeasure } from './exact-moments.js';

/** The estimate of one hidden unit from its sample, probability and the message Σⱼ wᵢⱼ·ĝⱼ. */
export function weightMaxUnit(h: number, p: number, message: number): number {
  return (h - p) * h * message;
}

/** The exact mean and variance of Weight Maximization on the two-layer test network. */
export function weightMaxExact(en: Enumeration, gradient: Float64Array): MomentMeasure {
  const { net, p } = en;
  if (net.kind !== 'two-layer') throw new RangeError(`weightMaxExact: needs the two-layer network (hidden units with children), got ${net.kind}`);
  const n = net.n;
  const R = net.reward;
  const Lo = en.baseline('optimal')[n]!;
  const mask = (1 << n) - 1;
  return measureOutcomes(
    en,
    'weight-max',
    singleConfigurations(en, (k, g, gw) => {
      const h = k & mask;
      const go = (((k >> n) & 1) - en.pOut![h]!) * (R[k]! - Lo);
      for (let i = 0; i < n; i++) g[i] = weightMaxUnit((h >> i) & 1, p[i]!, net.wOut[i]! * go);
      for (let j = 0; j < n; j++) gw[j] = ((h >> j) & 1) * go;
      return go;
    }),
    gradient,
  );
}

/** The hidden rule: (h − p)·h·(ĝ_above·W_aboveᵀ). */
function weightMaxHidden(ctx: HiddenRuleContext): tf.Tensor2D {
  const message = tf.matMul(ctx.above.estimate, ctx.above.weights, false, true);
  return tf.mul(tf.mul(tf.sub(ctx.units.h, ctx.units.p), ctx.units.h), message) as tf.Tensor2D;
}

/** The estimator. */
export const weightMax: Estimator = {
  id: 'weight-max',
  summary: "weight maximization: each hidden unit's reward is the change of its outgoing weights' norm",
  source: 'Chung 2022 (AAAI), §3',
  information: 'broadcast+local messages',
  hiddenKind: 'binary',
  baseline: 'critic',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => baselineState(ctx, false),
  hiddenGradient: weightMaxHidden,
  exactMoments: { nets: ['two-layer'], maxUnits: 16, measure: (en, g) => weightMaxExact(en, g) },
};
