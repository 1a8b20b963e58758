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
  | 'backprop'
  | 'rloo'
  | 'arm'
  | 'disarm'
  | 'weight-max'
  | 'hnca'
  | 'node-perturbation';

/** The kind of hidden unit an estimator trains. */
export type HiddenKind = 'binary' | 'noisy-relu' | 'sts' | 'tanh';

/**
 * How hidden units get their gradient:
 * - `'local'`: each unit uses its own REINFORCE estimate from the broadcast signal (no backprop);
 * - `'backprop'`: the gradient of the layer above is propagated down through the unit's own
 *   backward rule (straight-through, rectifier, smooth factor, or tanh).
 * - `'corrected'`: a per-unit regressor maps the backpropagated estimate to the local one (§3.2.2).
 * - `'custom'`: the estimator's own {@link EstimatorSpec.layerRule}, for every layer (head included).
 */
export type HiddenRule = 'local' | 'backprop' | 'corrected' | 'custom';

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
  /**
   * The information each unit uses: `broadcast` (its own h, p and x plus the broadcast scalar),
   * `broadcast+local messages` (plus messages from its children), or `backprop`.
   */
  readonly information?: 'broadcast' | 'broadcast+local messages' | 'backprop';
  /** With hiddenRule `'custom'`: the estimate of one layer (see {@link LayerContext}). */
  readonly layerRule?: (ctx: LayerContext) => tf.Tensor2D;
  /**
   * A transform of the batch's returns made from whole episodes (episode credit only): given the
   * returns of the batch's rows (episodes one after another) and the episodes' lengths, the signal
   * of each row. Batches then hold at least `minEpisodes` episodes.
   */
  readonly episodeSignal?: (returns: Float32Array, lengths: readonly number[]) => Float32Array;
  /** Episodes a batch must hold for {@link EstimatorSpec.episodeSignal}. */
  readonly minEpisodes?: number;
  /** Whether binary units keep their uniforms u in the records' `aux` (for rules that use the noise). */
  readonly keepsUniforms?: boolean;
  /**
   * Whether the estimator evaluates the policy twice under common random numbers: sub-envs run in
   * pairs with paired resets and an antithetic noise stream per pair (`agents/pairing.ts`), and
   * {@link LayerContext.pair} carries each row's partner. Needs episode credit and an even number
   * of sub-envs. Binary units keep their uniforms in `aux`.
   */
  readonly pairing?: boolean;
}

/**
 * What a {@link EstimatorSpec.layerRule} sees for layer l of L, as M-row tensors (in the update's
 * `tf.tidy`): the layer's records, the broadcast signal, the layer's baseline, the estimate and
 * weights of the layer above, and the records of its children (the layer above).
 */
export interface LayerContext {
  /** The layer index, 0 = first hidden layer; L − 1 is the head. */
  readonly layer: number;
  /** Number of layers. */
  readonly layers: number;
  /** The head kind (for the head's and its parents' likelihoods). */
  readonly headKind: string;
  /** The layer's inputs, pre-activations, probabilities, samples, and aux (uniforms, with `keepsUniforms`). */
  readonly x: tf.Tensor2D;
  readonly a: tf.Tensor2D;
  readonly p: tf.Tensor2D;
  readonly h: tf.Tensor2D;
  readonly aux: tf.Tensor2D | undefined;
  /** The broadcast signal, M × 1. */
  readonly signal: tf.Tensor2D;
  /** The layer's baseline L̄ (1 × 1 or 1 × units), if it has one. */
  readonly baseline: tf.Tensor2D | undefined;
  /** Below the head: the estimate of the layer above (M × units above) and its weights (units × units above). */
  readonly above: tf.Tensor2D | undefined;
  readonly weightsAbove: tf.Tensor2D | undefined;
  /** Below the head: the children's (layer above's) pre-activations, probabilities and samples. */
  readonly child: { readonly a: tf.Tensor2D; readonly p: tf.Tensor2D; readonly h: tf.Tensor2D } | undefined;
  /**
   * With {@link EstimatorSpec.pairing}: per row, f − f̃ (own return minus the partner's at the same
   * step, 0 without a partner), whether this layer's logits were the same in both members (1/0),
   * and the partner's samples of this layer.
   */
  readonly pair?: { readonly diff: tf.Tensor2D; readonly coincide: tf.Tensor2D; readonly partnerH: tf.Tensor2D };
}
