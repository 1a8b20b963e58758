/**
 * The building blocks of the estimators' exact rules (what `diagnose` enumerates): the
 * per-configuration REINFORCE and backprop-family estimates in float64, and their float32 tfjs
 * counterparts. See `src/diagnose/` for the networks and the analysis.
 *
 * Estimates are formed one configuration at a time rather than stored for all of them: at n = 16
 * the two-layer network would need 2¹⁷ × 17 float64 per estimator.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { reinforceGrad } from './reinforce.js';
import type { BaselineKind, ExactNetwork, ExactRule, ExactTensors, RowRule, TheoryRoles } from './types.js';

/** The REINFORCE estimate (zᵢ − pᵢ)(R̄ − L̄ᵢ) of every unit (Bengio et al. 2013, §3.1, Theorem 1). */
export function reinforceRows(net: ExactNetwork, baseline: ArrayLike<number>): RowRule {
  const n = net.n;
  const two = net.units > n;
  const mask = (1 << n) - 1;
  const R = net.reward;
  const p = net.p;
  const pOut = net.pOut;
  const L = Float64Array.from(baseline);
  return (k, out) => {
    const r = R[k]!;
    for (let i = 0; i < n; i++) out[i] = (((k >> i) & 1) - p[i]!) * (r - L[i]!);
    if (two) out[n] = (((k >> n) & 1) - pOut![k & mask]!) * (r - L[n]!);
  };
}

/**
 * The backprop-family estimate on the two-layer network: the output unit's REINFORCE estimate ĝ_o
 * with L̄_o, and each hidden unit αⱼ + cⱼ·ĝ_o, where cⱼ·ĝ_o is the backpropagated estimate (cⱼ =
 * w_oⱼ for straight-through) and αⱼ an intercept (0 but for a learned correction).
 */
export function backpropRows(net: ExactNetwork, outputBaseline: number, c: Float64Array, alpha: Float64Array): RowRule {
  const n = net.n;
  const mask = (1 << n) - 1;
  const R = net.reward;
  const pOut = net.pOut!;
  return (k, out) => {
    const go = (((k >> n) & 1) - pOut[k & mask]!) * (R[k]! - outputBaseline);
    out[n] = go;
    for (let j = 0; j < n; j++) out[j] = alpha[j]! + c[j]! * go;
  };
}

/**
 * The exact rule of a REINFORCE estimator with a constant baseline of `kind`: every unit's own
 * rule, on both networks, unbiased.
 * @param tfjs the estimator's float32 form
 * @param extra theory roles and notes beyond the REINFORCE family's
 */
export function reinforceExactRule(kind: BaselineKind, tfjs: NonNullable<ExactRule['tfjs']>, extra: { readonly theory?: TheoryRoles; readonly note?: string } = {}): ExactRule {
  return {
    nets: ['one-layer', 'two-layer'],
    setup: (net) => {
      const baseline = net.baseline(kind);
      return { rule: reinforceRows(net, baseline), baseline };
    },
    tfjs,
    theory: { unbiased: true, constantBaseline: kind, ...extra.theory },
    ...(extra.note ? { note: extra.note } : {}),
  };
}

/**
 * The float32 hidden estimates of a backprop-family rule, as the agent forms them: a
 * vector–Jacobian product through the unit op with dy = ĝ_o·w_oᵀ, the output unit's estimate being
 * REINFORCE with the Eq. 7 baseline. Returns [hidden estimate, ĝ_o] for the caller to finish.
 */
export function tfjsBackpropRows(net: ExactNetwork, t: ExactTensors, op: (a: tf.Tensor2D, h: tf.Tensor2D) => tf.Tensor2D): { hidden: tf.Tensor2D; reinforce: tf.Tensor2D; gOut: tf.Tensor2D } {
  const M = t.h.shape[0];
  const n = net.n;
  const g = t.eq7();
  const gOut = tf.slice(g, [0, n], [M, 1]) as tf.Tensor2D;
  const hHidden = tf.slice(t.h, [0, 0], [M, n]) as tf.Tensor2D;
  const aHidden = tf.tile(tf.tensor2d(Float32Array.from(net.a), [1, n]), [M, 1]) as tf.Tensor2D;
  const upstream = tf.matMul(gOut, tf.tensor2d(Float32Array.from(net.wOut!), [n, 1]), false, true) as tf.Tensor2D;
  const hidden = tf.grad((a: tf.Tensor) => op(a as tf.Tensor2D, hHidden))(aHidden, upstream) as tf.Tensor2D;
  return { hidden, reinforce: tf.slice(g, [0, 0], [M, n]) as tf.Tensor2D, gOut };
}

/**
 * The exact rule of a straight-through estimator: the output unit by REINFORCE with the Eq. 7
 * baseline, each hidden unit cⱼ·ĝ_o (two-layer network only).
 * @param scale cⱼ / w_oⱼ per hidden unit (1 for `st`, pⱼ(1 − pⱼ) for `st-sigmoid`)
 * @param op the tfjs unit op it backprops through
 */
export function straightThroughExactRule(scale: (net: ExactNetwork, j: number) => number, op: (a: tf.Tensor2D, h: tf.Tensor2D) => tf.Tensor2D, extra: Pick<ExactRule, 'theory' | 'note' | 'label'> = {}): ExactRule {
  return {
    nets: ['two-layer'],
    setup: (net) => {
      const baseline = net.baseline('optimal');
      const c = Float64Array.from(net.wOut!, (w, j) => w * scale(net, j));
      return { rule: backpropRows(net, baseline[net.n]!, c, new Float64Array(net.n)), baseline };
    },
    tfjs: (net, t) => {
      const { hidden, gOut } = tfjsBackpropRows(net, t, op);
      return tf.concat([hidden, gOut], 1) as tf.Tensor2D;
    },
    ...extra,
  };
}

/** The REINFORCE estimate with the float32 baseline `L̄` (1 × units) of every configuration in `t`. */
export function tfjsReinforce(t: ExactTensors, baseline?: tf.Tensor2D): tf.Tensor2D {
  return reinforceGrad(t.h, t.p, t.R, baseline);
}
