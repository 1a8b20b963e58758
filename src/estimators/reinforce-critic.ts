/**
 * `reinforce-critic` — REINFORCE whose broadcast signal is centred by a learned critic.
 *
 *     gᵢ = (hᵢ − pᵢ) · (G_t − V(s_t))                    (episodic: advantage)
 *     gᵢ = (hᵢ − pᵢ) · δ_t,  δ_t = r_t + γ·V(s_{t+1}) − V(s_t)   (online: TD error)
 *
 * Source: actor-critic, Barto, Sutton & Anderson 1983; Sutton & Barto 2018 §13.5. V is a separate
 * state-value network trained by regression; the policy neurons still see only one broadcast
 * scalar per transition.
 *
 * What is unbiased, exactly: only the first form, G_t − V(s_t) with G_t the Monte Carlo return
 * (episode credit, `criticLambda` = 1, an episode that terminated). There V(s_t) is a baseline: it
 * does not depend on the actions sampled at t, so E[(h − p)·V(s_t)] = 0 and the estimate has the
 * mean of (h − p)·G_t, whatever V is. Every signal that puts V inside the target carries the
 * critic's error into the mean: the TD error (`credit: 'traces'`), GAE with λ < 1 (`criticLambda`
 * < 1, as in the FrozenLake preset), a segment cut bootstrapped from V(s) (`credit: 'segment'`),
 * and a Gymnasium truncation bootstrapped from V(final observation). These are biased unless V is
 * the true value function of the current policy; they trade that bias for lower variance.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { baselineState, localEstimate } from './rules.js';
import { reinforceUpdate } from './reinforce.js';
import { reinforceExactRule, tfjsReinforce } from './exact-rules.js';

/** The estimator. */
export const reinforceCritic: Estimator = {
  id: 'reinforce-critic',
  summary: 'REINFORCE with a learned critic: G − V(s), unbiased; TD, GAE λ < 1 and bootstrapped cuts carry the critic’s error',
  source: 'Barto, Sutton & Anderson 1983; Sutton & Barto 2018 §13.5',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'critic',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: localEstimate,
  fusedUpdate: reinforceUpdate,
  exact: reinforceExactRule('critic', (net, t) => tfjsReinforce({ ...t, R: advantageSignal(t.R, tf.fill([t.R.shape[0], 1], net.objective) as tf.Tensor2D) }), {
    theory: { sameAs: 'reinforce-mean' },
    note: 'reinforce-critic equals reinforce-mean here: with one fixed input the ideal critic is V(s) = E[R].',
  }),
};

/** The advantage signal G − V(s), M × 1. */
export function advantageSignal(returns: tf.Tensor2D, values: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(returns, values) as tf.Tensor2D);
}

/**
 * The TD error δ = r + γ·(1 − terminal)·V(s′) − V(s), M × 1. A truncated step is not terminal, so
 * it bootstraps from V(s′).
 */
export function tdErrorSignal(rewards: tf.Tensor2D, values: tf.Tensor2D, nextValues: tf.Tensor2D, terminal: tf.Tensor2D, gamma: number): tf.Tensor2D {
  return tf.tidy(() => tf.sub(tf.add(rewards, tf.mul(tf.mul(nextValues, tf.sub(1, terminal)), gamma)), values) as tf.Tensor2D);
}
