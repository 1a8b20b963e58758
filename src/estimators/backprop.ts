/**
 * `backprop` — the reference agent: an ordinary deterministic tanh network with a softmax policy,
 * trained by REINFORCE with automatic differentiation.
 *
 *     hidden:  h = tanh(a)                     (deterministic)
 *     output:  π = softmax(a_out), one action sampled from π
 *     update:  ascend  mean[(R − R̄)·log π(action | s)]  by autodiff through every layer
 *
 * For the softmax layer ∂/∂a_out of (R − R̄)·log π(action) is (onehot − π)(R − R̄), so the top of
 * the chain is the same REINFORCE term as every other estimator, and everything below it is exact
 * backprop. It is the control that every curve is compared against.
 *
 * Source: Williams 1992; the tfjs-examples cart-pole policy-gradient agent.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { backpropEstimate, baselineState } from './rules.js';

/** The estimator. */
export const backprop: Estimator = {
  id: 'backprop',
  summary: 'reference: tanh/softmax policy trained by REINFORCE with autodiff',
  source: 'Williams 1992; tfjs-examples cart-pole',
  information: 'backprop',
  hiddenKind: 'tanh',
  baseline: 'mean',
  defaultHead: 'categorical',
  needsHidden: false,
  traces: false,
  createState: (ctx) => baselineState(ctx, false),
  hiddenGradient: (ctx) => backpropEstimate(ctx),
  noExactRule: 'its hidden units are deterministic tanh units under a softmax head, a different network with no binary noise sources',
};

/**
 * h = tanh(a): the reference agent's deterministic hidden unit, as a tfjs op whose gradient is
 * dy·(1 − tanh²(a)). The backward rule is written out with `tf.customGrad`, because
 * `@tensorflow/tfjs-core` on its own registers no gradient functions for built-in ops.
 */
export function tanhUnit(a: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const value = tf.tanh(x);
    save([value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.sub(1, tf.square(saved[0]!)))],
    };
  });
  return op(a) as tf.Tensor2D;
}
