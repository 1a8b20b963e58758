/**
 * `st-sigmoid` — straight-through with the sigmoid's derivative.
 *
 *     forward:  h = 1[u < σ(a)]
 *     backward: ∂L/∂a = ∂L/∂h · σ′(a) = ∂L/∂h · σ(a)(1 − σ(a))
 *
 * Source: Bengio, Léonard & Courville 2013 (arXiv:1308.3432) §4. Its authors found the identity
 * version (`st`) better; rewardcast measures both.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { backpropEstimate, baselineState } from './rules.js';
import { straightThroughExactRule } from './exact-rules.js';
import { STRAIGHT_THROUGH_NOTE } from './st.js';

/** The estimator. */
export const stSigmoid: Estimator = {
  id: 'st-sigmoid',
  summary: "straight-through scaled by σ′(a): hidden gradient dy·p(1 − p)",
  source: 'arXiv:1308.3432 §4',
  information: 'backprop',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => baselineState(ctx, false),
  // The binary unit's own op is the identity straight-through; this rule scales it by σ′(a).
  hiddenGradient: (ctx) => backpropEstimate(ctx, (a) => straightThroughSigmoid(a, ctx.units.h)),
  exact: straightThroughExactRule((net, j) => net.p[j]! * (1 - net.p[j]!), straightThroughSigmoid, { theory: { lowVarianceBiased: true }, note: STRAIGHT_THROUGH_NOTE }),
};

/**
 * The sigmoid-scaled straight-through threshold as a tfjs op. Value: the stored sample `h`.
 * Gradient: dy·σ(a)(1 − σ(a)), from the saved input.
 */
export function straightThroughSigmoid(a: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.clone(h),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const p = tf.sigmoid(saved[0]!);
        return [tf.mul(dy, tf.mul(p, tf.sub(1, p)))];
      },
    };
  });
  return op(a) as tf.Tensor2D;
}
