/**
 * The building blocks of hidden rules and estimator state, shared by the estimator files.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { baselineFor } from './baselines.js';
import { reinforceGrad } from './reinforce.js';
import type { EstimatorState, HiddenRuleContext, StateContext } from './types.js';

/**
 * The local REINFORCE estimate of a layer, g = (h − p)(R − L̄) with the layer's baseline: every
 * unit uses its own h and p and the broadcast scalar (Bengio et al. 2013, §3.1, Theorem 1).
 */
export function localEstimate(ctx: HiddenRuleContext): tf.Tensor2D {
  return reinforceGrad(ctx.units.h, ctx.units.p, ctx.signal, ctx.baseline);
}

/**
 * The estimate of the layer above propagated down through its weights and this layer's
 * differentiable unit op: g = VJP of `op` at a with dy = g_above·W_aboveᵀ. With the unit kind's own
 * op (the default) this is straight-through for binary units (Bengio et al. 2013, arXiv:1308.3432
 * §4), the rectifier's rule for noisy rectifiers, and so on.
 *
 * Written as a vector–Jacobian product through the op alone, not as the gradient of Σ op(a)·dy, so
 * that the tape holds only the op's `tf.customGrad`: a bare tfjs-core install registers no
 * gradients for built-in ops.
 *
 * @param op h as a differentiable function of a @default the layer's unit kind
 */
export function backpropEstimate(ctx: HiddenRuleContext, op: (a: tf.Tensor2D) => tf.Tensor2D = (a) => ctx.unit.forward(a, ctx.units)): tf.Tensor2D {
  const upstream = tf.matMul(ctx.above.estimate, ctx.above.weights, false, true) as tf.Tensor2D;
  return tf.grad((a: tf.Tensor) => op(a as tf.Tensor2D))(ctx.units.a, upstream) as tf.Tensor2D;
}

/**
 * The usual state: the baseline in force on the head, and on the hidden layers too when their rule
 * uses a local estimate (`hiddenBaselines`); nothing else.
 */
export function baselineState(ctx: StateContext, hiddenBaselines: boolean): EstimatorState {
  const kind = baselineFor(ctx.baseline);
  const L = ctx.shapes.length;
  return {
    baselines: ctx.shapes.map((s, l) => (l === L - 1 || hiddenBaselines ? kind.create(s.nOut, ctx.baselineDecay, s.nIn) : undefined)),
    layers: ctx.shapes.map(() => undefined),
  };
}
