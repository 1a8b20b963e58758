/**
 * `st` — straight-through: the hard threshold is treated as the identity on the way back.
 *
 *     forward:  h = 1[u < σ(a)]          (the sample actually drawn)
 *     backward: ∂L/∂a = ∂L/∂h            (identity)
 *
 * Hidden units receive gⱼ = Σₖ Wⱼₖ·g_above,k; the action layer, whose effect on the return passes
 * through the black-box env, uses the REINFORCE rule (with the Eq. 7 baseline).
 *
 * Source: Hinton 2012, Coursera lecture 15b; Bengio, Léonard & Courville 2013 (arXiv:1308.3432)
 * §4, Eq. 13. Biased, but with low variance.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { backpropEstimate, baselineState } from './rules.js';
import { straightThroughExactRule } from './exact-rules.js';

/** diagnose's note on the straight-through family (shared by `st` and `st-sigmoid`). */
export const STRAIGHT_THROUGH_NOTE =
  'st and st-sigmoid have the same per-unit SNR: each hidden estimate is the output unit’s REINFORCE estimate ĝ_o times a constant (w_oⱼ, or w_oⱼ·pⱼ(1 − pⱼ)); pooled over units their SNRs differ only by those weights. Backprop follows only the path h → o → R, so with --reward-of all it misses the direct effect of h on R.';

/** The estimator. */
export const st: Estimator = {
  id: 'st',
  summary: 'straight-through: hidden units backprop through the threshold as identity',
  source: 'Hinton 2012 lecture 15b; arXiv:1308.3432 §4, Eq. 13',
  information: 'backprop',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => baselineState(ctx, false),
  hiddenGradient: (ctx) => backpropEstimate(ctx),
  exact: straightThroughExactRule(() => 1, straightThrough, { theory: { lowVarianceBiased: true, sameSnrAs: 'st-sigmoid' }, note: STRAIGHT_THROUGH_NOTE }),
};

/**
 * The straight-through threshold as a tfjs op with a custom gradient. Its value is the stored
 * sample `h` (so the forward pass is the one that acted); its gradient with respect to `a` is dy.
 *
 * @param a pre-activations, M × units
 * @param h the samples drawn from σ(a), M × units
 */
export function straightThrough(a: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return { value: tf.clone(h), gradFunc: (dy: tf.Tensor) => [dy] };
  });
  return op(a) as tf.Tensor2D;
}
