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
import type { EstimatorSpec } from './types.js';

/** The estimator's description. */
export const stSigmoid: EstimatorSpec = {
  id: 'st-sigmoid',
  summary: "straight-through scaled by σ′(a): hidden gradient dy·p(1 − p)",
  source: 'arXiv:1308.3432 §4',
  hiddenKind: 'binary',
  hiddenRule: 'backprop',
  baseline: 'optimal',
  critic: false,
  needsHidden: true,
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
