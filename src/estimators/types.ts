/**
 * What an estimator is: how each layer of a stochastic network turns the broadcast learning signal
 * into a gradient estimate with respect to its pre-activations `a`.
 *
 * Shapes, for a batch of M transitions and a layer of `units` neurons:
 * - `h`, `p`, `a`: M × units (sample, firing probability σ(a) or softmax, pre-activation);
 * - `signal`: M × 1, the broadcast scalar R (reward-to-go, advantage, or TD error);
 * - the result `g`: M × units, the estimate of ∂E[R]/∂a per transition. Rules **ascend**.
 *
 * The chain rule to the weights is local and the same for every estimator: ΔW = xᵀ·g / M and
 * Δb = mean over the batch of g (see `agents/`).
 *
 * Estimators are pure tensor math: no RxJS, no env, no I/O.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

/** The ids users pass to `--estimator`. */
export type EstimatorId =
  | 'reinforce'
  | 'reinforce-mean'
  | 'reinforce-optimal'
  | 'reinforce-critic'
  | 'st'
  | 'st-sigmoid'
  | 'learned-correction'
  | 'noisy-relu'
  | 'sts'
  | 'backprop';

/** The kind of hidden unit an estimator trains. */
export type HiddenKind = 'binary' | 'noisy-relu' | 'sts' | 'tanh';

/**
 * How hidden units get their gradient:
 * - `'local'`: each unit uses its own REINFORCE estimate from the broadcast signal (no backprop);
 * - `'backprop'`: the gradient of the layer above is propagated down through the unit's own
 *   backward rule (straight-through, rectifier, smooth factor, or tanh).
 * - `'corrected'`: a per-unit regressor maps the backpropagated estimate to the local one (§3.2.2).
 */
export type HiddenRule = 'local' | 'backprop' | 'corrected';

/** The baseline subtracted from the broadcast signal. */
export type BaselineKind = 'none' | 'mean' | 'optimal' | 'critic';

/**
 * A per-layer baseline with running state. `value()` is the L̄ to subtract (broadcastable to
 * M × units); `update` folds in one batch **after** the batch's estimate is formed, so that the
 * baseline a batch sees does not depend on that batch.
 */
export interface Baseline {
  /** L̄: a 1 × 1 (shared) or 1 × units (per-unit) tensor. The caller disposes it. */
  value(): tf.Tensor2D;
  /** L̄ for each of `units` units, as numbers (the typed-array kernel's form of {@link Baseline.value}). */
  valueArray(units: number): Float32Array;
  /** Folds one batch into the running state. */
  update(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D): void;
  /** Folds one batch, given by its {@link BatchMoments}, into the running state. */
  updateFromMoments(m: BatchMoments): void;
  /** The running state as plain numbers, for saving. */
  state(): Record<string, number[]>;
  /** Restores {@link Baseline.state}. */
  load(state: Record<string, number[]>): void;
  /** Releases the state's tensors. */
  dispose(): void;
}

/**
 * The batch means a running baseline folds in: mean R, and per unit mean (h − p)² and
 * mean (h − p)²·R. Both the tensor and the typed-array kernels produce them.
 */
export interface BatchMoments {
  /** mean over the batch of R. */
  readonly signal: number;
  /** Per unit, mean over the batch of (hᵢ − pᵢ)². */
  readonly e2: Float64Array;
  /** Per unit, mean over the batch of (hᵢ − pᵢ)²·R. */
  readonly e2Signal: Float64Array;
}

/** The static description of an estimator: what it trains and how. */
export interface EstimatorSpec {
  /** The id. */
  readonly id: EstimatorId;
  /** One line for `--help` and listings. */
  readonly summary: string;
  /** Where the rule comes from. */
  readonly source: string;
  /** Hidden unit kind. */
  readonly hiddenKind: HiddenKind;
  /** How hidden units are trained. */
  readonly hiddenRule: HiddenRule;
  /** The baseline used by REINFORCE terms (output layer, and hidden layers under `'local'`). */
  readonly baseline: BaselineKind;
  /** Whether a learned critic V(s) forms the signal. */
  readonly critic: boolean;
  /** Whether the agent needs at least one hidden layer. */
  readonly needsHidden: boolean;
}
