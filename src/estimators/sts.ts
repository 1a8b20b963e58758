/**
 * `sts` — stochastic times smooth.
 *
 *     forward:  bᵢ ~ Bernoulli(√pᵢ),  hᵢ = bᵢ·√pᵢ,  pᵢ = σ(aᵢ)      so E[hᵢ] = pᵢ
 *     backward: ∂L/∂aᵢ = ∂L/∂hᵢ · bᵢ · ∂√pᵢ/∂aᵢ = ∂L/∂hᵢ · bᵢ · √pᵢ (1 − pᵢ) / 2
 *
 * Backprop goes through the smooth factor √p with the binary factor b held constant.
 *
 * Source: Bengio, Léonard & Courville 2013 (arXiv:1308.3432) §2.2.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { backpropEstimate, baselineState } from './rules.js';

/** The estimator. */
export const sts: Estimator = {
  id: 'sts',
  summary: 'stochastic times smooth: h = b·√p, backprop through √p with b fixed',
  source: 'arXiv:1308.3432 §2.2',
  information: 'backprop',
  hiddenKind: 'sts',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => baselineState(ctx, false),
  hiddenGradient: (ctx) => backpropEstimate(ctx),
  noExactRule: 'its hidden outputs b·√p are not binary, so it defines a different network whose objective a table over binary configurations does not give',
};

/**
 * h = b·√σ(a) for the stored binary factor b, as a tfjs op of `a` whose gradient is
 * dy·b·√p(1 − p)/2 with p = σ(a). The backward rule is written out with `tf.customGrad`, because
 * `@tensorflow/tfjs-core` on its own registers no gradient functions for built-in ops.
 */
export function stochasticTimesSmooth(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.mul(b, tf.sqrt(tf.sigmoid(x))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const p = tf.sigmoid(saved[0]!);
        return [tf.mul(dy, tf.mul(b, tf.div(tf.mul(tf.sqrt(p), tf.sub(1, p)), 2)))];
      },
    };
  });
  return op(a) as tf.Tensor2D;
}
