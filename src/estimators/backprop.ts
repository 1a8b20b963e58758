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
import type { EstimatorSpec } from './types.js';

/** The estimator's description. */
export const backprop: EstimatorSpec = {
  id: 'backprop',
  summary: 'reference: tanh/softmax policy trained by REINFORCE with autodiff',
  source: 'Williams 1992; tfjs-examples cart-pole',
  hiddenKind: 'tanh',
  hiddenRule: 'backprop',
  baseline: 'mean',
  critic: false,
  needsHidden: false,
};

/** h = tanh(a): the reference agent's deterministic hidden unit. */
export function tanhUnit(a: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.tanh(a) as tf.Tensor2D);
}
