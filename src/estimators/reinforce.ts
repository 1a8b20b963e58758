/**
 * `reinforce` — the plain local rule, with no baseline.
 *
 *     gᵢ = (hᵢ − pᵢ) · R
 *
 * Source: Bengio, Léonard & Courville 2013 (arXiv:1305.2982 v1, "Estimating or Propagating
 * Gradients Through Stochastic Neurons"), §3.1, Theorem 1: for hᵢ = 1[u < σ(aᵢ)], this is an
 * unbiased estimate of ∂E[R]/∂aᵢ. The same form, with h a one-hot sample and p = softmax(a), is
 * unbiased for a categorical unit (Williams 1992).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EstimatorSpec } from './types.js';

/** The estimator's description. */
export const reinforce: EstimatorSpec = {
  id: 'reinforce',
  summary: 'REINFORCE, no baseline: g = (h − p)·R',
  source: 'Bengio et al. 2013, §3.1, Theorem 1',
  hiddenKind: 'binary',
  hiddenRule: 'local',
  baseline: 'none',
  critic: false,
  needsHidden: false,
};

/**
 * The REINFORCE estimate g = (h − p)·(signal − baseline), elementwise with broadcasting.
 * Every estimator of the REINFORCE family is this function with a different baseline.
 *
 * @param h samples, M × units
 * @param p firing probabilities at sampling time, M × units
 * @param signal the broadcast learning signal, M × 1
 * @param baseline L̄, 1 × 1 or 1 × units (omit for none)
 */
export function reinforceGrad(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D, baseline?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(h, p), baseline ? tf.sub(signal, baseline) : signal) as tf.Tensor2D);
}
