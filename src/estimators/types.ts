/**
 * What an estimator is: an object that owns its maths. It says which hidden units it trains, which
 * baseline and head it uses, what running state it keeps, and how each hidden layer turns the
 * broadcast learning signal into a gradient estimate with respect to its pre-activations `a`. The
 * agent's loop (`agents/learner.ts`) is the same for every estimator; it calls the seams below and
 * never asks which estimator it runs.
 *
 * Shapes, for a batch of M transitions and a layer of `units` neurons:
 * - `h`, `p`, `a`: M × units (sample, firing probability σ(a) or softmax, pre-activation);
 * - `x`: M × inputs (the layer's input: the encoded observation, or the layer below's h);
 * - `signal`: M × 1, the broadcast scalar R (reward-to-go, advantage, or TD error);
 * - an estimate `g`: M × units, the estimate of ∂E[R]/∂a per transition. Rules **ascend**.
 *
 * The chain rule to the weights is local and the same for every estimator: ΔW = xᵀ·g / M and
 * Δb = mean over the batch of g (see `agents/learner.ts`). The action layer (the head) always
 * learns by REINFORCE with the estimator's baseline: its effect on the return passes through the
 * env, a black box.
 *
 * ## The seams, in the order one update calls them
 * 1. {@link Estimator.transformSignal} (optional): rewrite the per-row signal (G, or G − V(s)
 *    with a critic, which is fitted to G beforehand) before `signalNormalization` and before any
 *    unit sees it, knowing which sub-env and which episode each row belongs to ({@link SignalRows});
 *    a leave-one-out baseline over K episodes (RLOO) or the difference f(b) − f(b̃) of paired
 *    rollouts fits here.
 * 2. For each layer from the top down: the head's REINFORCE estimate, then
 *    {@link Estimator.hiddenGradient} for every hidden layer, with the layer's x, a, p, h and unit
 *    noise, the signal, the layer above (its weights, its samples and its estimate), the layer's
 *    baseline, its unit kind's differentiable op, and the estimator's state
 *    ({@link HiddenRuleContext}). That is enough for the local rule, for backprop-style rules, for
 *    rules that need messages from a unit's children (HNCA: the children's p, h and weights), and
 *    for rules on the outgoing weights (Weight Maximization: ‖W_above‖ per unit).
 * 3. Or, instead of 2, the estimator's {@link Estimator.fusedUpdate} on typed arrays, when it has
 *    one and `updatePath` allows it.
 * 4. The state's running statistics fold in the batch ({@link Baseline.update}), and
 *    {@link EstimatorState.biasDelta} may adjust biases after the optimiser's step.
 *
 * Estimators are pure maths: no RxJS, no env, no I/O.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The ids of the built-in estimators. {@link EstimatorId} widens it with any string, so that ids a
 * user registers with `registerEstimator` type-check too; the registry checks every id at run time.
 */
export type BuiltinEstimatorId =
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
  | 'node-perturbation'
  | 'weight-perturbation';

/**
 * An estimator id: a built-in one (completed by editors) or one registered by user code. The
 * `string & {}` arm keeps the literal suggestions while accepting any registered string.
 */
export type EstimatorId = BuiltinEstimatorId | (string & {});

/** The built-in hidden-unit kinds (see `agents/units/`). User code may register more. */
export type HiddenKind = 'binary' | 'noisy-relu' | 'sts' | 'tanh';

/**
 * The information each unit uses to learn:
 * - `'broadcast'`: its own h, p and x, plus the one broadcast scalar per transition;
 * - `'broadcast+local messages'`: that, plus messages from the units it feeds (its children);
 * - `'backprop'`: gradients propagated down through the weights of the layers above.
 */
export type InformationUsed = 'broadcast' | 'broadcast+local messages' | 'backprop';

/** The baseline subtracted from the broadcast signal (see `baselines.ts`). */
export type BaselineKind = 'none' | 'mean' | 'optimal' | 'critic' | 'optimal-per-weight';

/**
 * A per-layer baseline with running state. `value()` is the L̄ to subtract (broadcastable to
 * M × units); `update` folds in one batch **after** the batch's estimate is formed, so that the
 * baseline a batch sees does not depend on that batch.
 */
export interface Baseline {
  /** L̄: a 1 × 1 (shared) or 1 × units (per-unit) tensor. The caller disposes it. */
  value(): tf.Tensor2D;
  /** L̄ for each of `units` units, as numbers (the fused typed-array update's form of {@link Baseline.value}). */
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
 * mean (h − p)²·R. Both the tensor form and the fused typed-array update produce them.
 */
export interface BatchMoments {
  /** mean over the batch of R. */
  readonly signal: number;
  /** Per unit, mean over the batch of (hᵢ − pᵢ)². */
  readonly e2: Float64Array;
  /** Per unit, mean over the batch of (hᵢ − pᵢ)²·R. */
  readonly e2Signal: Float64Array;
}

/** Per-layer state that is saved with the agent (e.g. a learned correction's moments). */
export interface LayerState {
  /** The state as plain numbers. */
  state(): Record<string, number[]>;
  /** Restores {@link LayerState.state}. */
  load(state: Record<string, number[]>): void;
}

/**
 * An estimator's running state for one agent, made by {@link Estimator.createState}. Per layer
 * (input layer first, the head last).
 */
export interface EstimatorState {
  /** The REINFORCE terms' baseline of each layer (undefined: none, or the layer does not use one). */
  readonly baselines: readonly (Baseline | undefined)[];
  /** Further per-layer state, saved with the agent (e.g. `LinearCorrection`); undefined where none. */
  readonly layers: readonly (LayerState | undefined)[];
  /**
   * Bias changes after the optimiser's step, per layer, from the batch's samples h (M × units,
   * row-major); undefined for no change. The firing-rate controller of noisy rectifiers uses it.
   */
  biasDelta?(layer: number, h: Float32Array, rows: number): Float32Array | undefined;
}

/** The shape of one layer, as the estimator sees it. */
export interface LayerSize {
  /** Inputs. */
  readonly nIn: number;
  /** Units. */
  readonly nOut: number;
}

/** What {@link Estimator.createState} is told about the agent. */
export interface StateContext {
  /** Every layer, input layer first, the head last. */
  readonly shapes: readonly LayerSize[];
  /** The baseline in force (the estimator's own, or the user's `baseline` option). */
  readonly baseline: BaselineKind;
  /** c, the decay of running baselines. */
  readonly baselineDecay: number;
  /** The agent's resolved options, for estimator-specific settings (e.g. `firingRateTarget`). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** One layer's batch as tensors (M rows). */
export interface LayerTensors {
  /** Inputs, M × nIn. */
  readonly x: tf.Tensor2D;
  /** Pre-activations, M × nOut. */
  readonly a: tf.Tensor2D;
  /** Probabilities, M × nOut. */
  readonly p: tf.Tensor2D;
  /** Samples, M × nOut. */
  readonly h: tf.Tensor2D;
  /** The unit's noise (z of a noisy rectifier, b of stochastic-times-smooth), M × nOut; else undefined. */
  readonly aux: tf.Tensor2D | undefined;
}

/** The differentiable form of a hidden unit kind, as a hidden rule uses it. */
export interface UnitOp {
  /**
   * h as a tfjs op of `a` (given the layer's stored samples and noise), whose gradient is the
   * unit kind's backward rule (a `tf.customGrad`).
   */
  forward(a: tf.Tensor2D, layer: LayerTensors): tf.Tensor2D;
}

/** Everything a hidden rule may use for one hidden layer of one batch. */
export interface HiddenRuleContext<S extends EstimatorState = EstimatorState> {
  /** The layer index (0: the first hidden layer). */
  readonly layer: number;
  /** This layer's batch. */
  readonly units: LayerTensors;
  /** The broadcast signal, M × 1. */
  readonly signal: tf.Tensor2D;
  /** The layer above (the next hidden layer, or the head). */
  readonly above: {
    /** Its weights W, nOut(this) × nOut(above): row j holds unit j's outgoing weights. */
    readonly weights: tf.Tensor2D;
    /** Its estimate g, M × nOut(above), already formed (the rules run top down). */
    readonly estimate: tf.Tensor2D;
    /** Its batch (its x is this layer's h). */
    readonly units: LayerTensors;
  };
  /** This layer's unit kind, differentiable. */
  readonly unit: UnitOp;
  /** This layer's baseline L̄ (1 × 1 or 1 × units), or undefined. Disposed by the caller's tidy. */
  readonly baseline: tf.Tensor2D | undefined;
  /** The estimator's state. */
  readonly state: S;
  /** With {@link Estimator.pairing}: this layer's pairing rows. */
  readonly pair?: PairTensors;
  /** The head kind when the layer above is the head (its children's likelihood), else undefined. */
  readonly aboveHeadKind?: string;
}

/**
 * For estimators with {@link Estimator.pairing}, per row of one layer: f − f̃ (own return minus the
 * paired member's at the same step; 0 without a partner), whether this layer's logits were the
 * same in both members (1) or not (0), and the partner's samples of this layer.
 */
export interface PairTensors {
  /** M × 1. */
  readonly diff: tf.Tensor2D;
  /** M × 1, 0 or 1. */
  readonly coincide: tf.Tensor2D;
  /** M × units. */
  readonly partnerH: tf.Tensor2D;
}

/** What {@link Estimator.headGradient} sees: the head's batch, the signal, its baseline, the head kind. */
export interface HeadRuleContext<S extends EstimatorState = EstimatorState> {
  /** The head's batch. */
  readonly units: LayerTensors;
  /** The broadcast signal, M × 1. */
  readonly signal: tf.Tensor2D;
  /** The head's baseline L̄, or undefined. */
  readonly baseline: tf.Tensor2D | undefined;
  /** `'bernoulli'`, `'binary-code'`, `'multibinary'` (binary units) or `'categorical'` (softmax). */
  readonly headKind: string;
  /** The estimator's state. */
  readonly state: S;
  /** With {@link Estimator.pairing}: the head's pairing rows. */
  readonly pair?: PairTensors;
}

/** Which sub-env and which episode each row of a batch comes from (for {@link Estimator.transformSignal}). */
export interface SignalRows {
  /** Rows in the batch. */
  readonly rows: number;
  /** The sub-env of each row. */
  readonly env: Int32Array;
  /** An episode number per row, the same for the rows of one episode and distinct between episodes of the batch. */
  readonly episode: Int32Array;
}

/**
 * The fused typed-array update of one layer: estimate, chain rule and baseline moments in one pass.
 * Its arguments are those of `reinforceUpdate`: inputs x, samples h, probabilities p (row-major),
 * the per-row signal, the baseline (nOut numbers or 1 shared), the sizes, where to write, and an
 * optional unit range [j0, j1) for threads that split a layer's units.
 */
export type FusedLayerUpdate = (
  x: Float32Array,
  h: Float32Array,
  p: Float32Array,
  signal: Float32Array,
  baseline: Float32Array,
  M: number,
  nIn: number,
  nOut: number,
  out: { readonly dW: Float32Array; readonly db: Float32Array; readonly moments: { signal: number; readonly e2: Float64Array; readonly e2Signal: Float64Array } },
  j0?: number,
  j1?: number,
) => void;

/**
 * An estimator: one file each under `src/estimators/`, registered with `registerEstimator`.
 * @typeParam S its running state
 */
export interface Estimator<S extends EstimatorState = EstimatorState> {
  /** The id users pass to `--estimator`. */
  readonly id: EstimatorId;
  /** One line for `--help` and listings. */
  readonly summary: string;
  /** Where the rule comes from: paper and section. */
  readonly source: string;
  /** What each unit uses to learn. */
  readonly information: InformationUsed;
  /** Kind of the hidden units it trains (an id of `agents/units/`). */
  readonly hiddenKind: HiddenKind | (string & {});
  /** The baseline of its REINFORCE terms (the head, and hidden layers that use a local estimate). */
  readonly baseline: BaselineKind;
  /**
   * The head used when the user names none: `'from-space'` picks it from the action space (a
   * Bernoulli unit, a binary code, one unit per bit), `'categorical'` a softmax over Discrete actions.
   */
  readonly defaultHead: 'from-space' | 'categorical';
  /** Whether the agent needs at least one hidden layer. */
  readonly needsHidden: boolean;
  /**
   * Whether every unit's rule is the score-function rule (h − p)·δ, so that online eligibility
   * traces (`credit: 'traces'`) implement it.
   */
  readonly traces: boolean;
  /** Makes the running state for one agent. */
  createState(ctx: StateContext): S;
  /**
   * The estimate of one hidden layer, M × units, in tensor form (inside the caller's `tf.tidy`).
   * Helpers: `localEstimate` and `backpropEstimate` in `rules.ts`.
   */
  hiddenGradient(ctx: HiddenRuleContext<S>): tf.Tensor2D;
  /**
   * The fused typed-array update of every layer (when each layer's estimate is a per-unit function
   * of its own h, p, x and the signal). Used when `updatePath` is `'auto'` or `'typed'`. The kernel
   * threads split a layer by units only for `reinforceUpdate`, the function their workers hold.
   */
  readonly fusedUpdate?: FusedLayerUpdate;
  /**
   * Rewrites the per-row signal in place before the update: after the critic's baseline, before
   * `signalNormalization` and the units (see the module header). Both update paths call it.
   */
  transformSignal?(signal: Float32Array, rows: SignalRows, state: S): void;
  /** The exact rule, for `diagnose` (see `src/diagnose/`). */
  readonly exact?: ExactRule;
  /**
   * The head's estimate, M × units, when it is not REINFORCE with the baseline (node perturbation
   * and the antithetic estimators treat binary head units like any other). Inside the caller's tidy.
   */
  headGradient?(ctx: HeadRuleContext<S>): tf.Tensor2D;
  /** Whether binary units keep their uniforms u in the records' `aux` (rules that use the noise). */
  readonly keepsUniforms?: boolean;
  /**
   * Whether the estimator evaluates the policy twice under common random numbers: sub-envs run in
   * pairs with paired resets (`src/core/vector.ts`) and a shared antithetic noise stream
   * (`agents/pairing.ts`), and the rules see each row's partner ({@link PairTensors}). Needs episode
   * credit and an even number of sub-envs.
   */
  readonly pairing?: boolean;
  /**
   * With {@link Estimator.pairing}: the unit noise the two members of a pair share. `'antithetic'`
   * (the default): member 2k + 1 draws 1 − u where member 2k draws u (ARM, DisARM). `'common'`: both
   * draw the same u (weight perturbation, where the members differ by their weights).
   */
  readonly pairNoise?: 'antithetic' | 'common';
  /**
   * With {@link Estimator.pairing}: the estimator perturbs the weights instead of reading the
   * units' records. In each pair-episode, member 2k acts with θ + cΔ and member 2k + 1 with θ − cΔ
   * (c: the agent option `perturbationScale`), and the update is {@link WeightPerturbation.ascent}
   * over the batch's pairs; `hiddenGradient` and `headGradient` are not called.
   */
  readonly perturbation?: WeightPerturbation;
  /**
   * Exact moments for estimators that are not a deterministic function of one configuration (K
   * samples, an antithetic pair, continuous unit noise): the networks they are defined on and their
   * measurement (`exact-moments.ts`).
   */
  readonly exactMoments?: { readonly nets: readonly ('one-layer' | 'two-layer')[]; readonly maxUnits: number; measure(en: import('../diagnose/enumerate.js').Enumeration, gradient: Float64Array): import('./exact-moments.js').MomentMeasure };
  /** Without an exact rule: why diagnose cannot enumerate it (shown by `diagnose`). */
  readonly noExactRule?: string;
}

/**
 * One pair-episode of a weight-perturbation estimator: the seed of its direction Δ and the two
 * members' returns (from their first step).
 */
export interface PerturbedPair {
  /** The seed {@link WeightPerturbation.direction} draws Δ from. */
  readonly seed: number;
  /** The return of member 2k, which acted with θ + cΔ. */
  readonly plus: number;
  /** The return of member 2k + 1, which acted with θ − cΔ. */
  readonly minus: number;
}

/**
 * The maths of a weight-perturbation estimator (see {@link Estimator.perturbation}). Parameters
 * are laid out as one vector, layer by layer: W₀ (nIn × nOut, row-major), b₀, W₁, b₁, …
 */
export interface WeightPerturbation {
  /** Fills `out` (one entry per parameter) with the direction Δ of one pair-episode, from its seed. */
  direction(seed: number, out: Float32Array): void;
  /**
   * The ascent direction of every parameter, [W₀, b₀, W₁, b₁, …], from the batch's pairs.
   * @param pairs the pair-episodes of the batch
   * @param signal per pair, the broadcast scalar the update uses (the learner forms it with
   *   {@link WeightPerturbation.pairSignal} and may normalise it, option `signalNormalization`)
   * @param shapes the layers
   */
  ascent(pairs: readonly PerturbedPair[], signal: Float32Array, shapes: readonly { readonly nIn: number; readonly nOut: number }[]): Float32Array[];
  /** The one broadcast scalar of a pair, e.g. (R₊ − R₋)/(2c). */
  pairSignal(pair: PerturbedPair, scale: number): number;
}

/** @deprecated The old name of {@link Estimator}. */
export type EstimatorSpec = Estimator;

/**
 * Per-configuration estimates of one unit layout: writes ĝ of every unit (∂/∂a, the output unit
 * last) in configuration k into `out`.
 */
export type RowRule = (k: number, out: Float64Array) => void;

/**
 * What an exact rule needs from an enumerated network (`src/diagnose/enumerate.ts` implements it):
 * the configurations, their probabilities and the units' firing probabilities. Configuration k:
 * bit i of k is unit i (hidden units 0 … n − 1), and in the two-layer network bit n is the output.
 */
export interface ExactNetwork {
  /** `'one-layer'` (n units, no output) or `'two-layer'` (n hidden units and one output unit). */
  readonly kind: 'one-layer' | 'two-layer';
  /** Number of (hidden) units. */
  readonly n: number;
  /** Units in all: n, or n + 1 with the output last. */
  readonly units: number;
  /** Number of configurations. */
  readonly rows: number;
  /** P of each configuration. */
  readonly prob: Float64Array;
  /** R̄ of each configuration. */
  readonly reward: Float64Array;
  /** Hidden pre-activations, length n. */
  readonly a: Float64Array;
  /** Hidden firing probabilities, length n. */
  readonly p: Float64Array;
  /** Two-layer only: the output weights w_o, length n. */
  readonly wOut: Float64Array | undefined;
  /** Two-layer only: the output's firing probability by hidden configuration, length 2ⁿ. */
  readonly pOut: Float64Array | undefined;
  /** J = Σ P·R̄. */
  readonly objective: number;
  /** Unit i's firing probability in configuration k. */
  unitP(k: number, i: number): number;
  /** The ideal constant baseline of each unit for a baseline kind (see `baselines.ts`). */
  baseline(kind: BaselineKind): Float64Array;
  /**
   * With several input contexts: the network in every context of the input distribution (this one
   * among them), each with its probability π_c. Constants that one agent state must serve across
   * inputs (the baselines but a critic's V(s), a learned correction's map) are fitted over all of
   * them. Undefined with one fixed input.
   */
  readonly contexts?: readonly { readonly weight: number; readonly net: ExactNetwork }[] | undefined;
}

/** An exact rule set up on one network: its per-configuration estimate and what it used. */
export interface ExactSetup {
  /** The per-configuration estimate. */
  readonly rule: RowRule;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** Fitted per-unit maps, for estimators that fit one (learned-correction). */
  readonly correction?: { readonly intercept: number[]; readonly slope: number[] };
}

/** The tensors {@link ExactRule.tfjs} gets: the listed configurations' h and p (rows × units) and R̄ (rows × 1). */
export interface ExactTensors {
  /** Samples. */
  readonly h: tf.Tensor2D;
  /** Probabilities. */
  readonly p: tf.Tensor2D;
  /** R̄. */
  readonly R: tf.Tensor2D;
  /** The REINFORCE estimate of every unit with the float32 Eq. 7 baseline (the `optimal` kind). */
  eq7(): tf.Tensor2D;
}

/**
 * Which claims of the theory an estimator takes part in, so that `diagnose` tests them over every
 * registered estimator without a list of ids.
 */
export interface TheoryRoles {
  /** Unbiased by a theorem: its exact bias must be at float64 rounding. */
  readonly unbiased?: boolean;
  /** A REINFORCE estimator with this constant baseline: takes part in the comparison of baselines (Eq. 7 must have the lowest variance). */
  readonly constantBaseline?: BaselineKind;
  /** Its per-unit SNR is predicted to fall as 1/n on the one-layer network (Werfel, Xie & Seung 2005). */
  readonly oneOverN?: boolean;
  /** Predicted to have lower variance than Eq. 7 REINFORCE but to be biased (straight-through; Bengio et al. 2013, §4). */
  readonly lowVarianceBiased?: boolean;
  /** Identical to this estimator on diagnose's networks: left out of the fits and charts when both are shown. */
  readonly sameAs?: EstimatorId;
  /** The same per-unit SNR as this estimator (noted on the chart when both are shown). */
  readonly sameSnrAs?: EstimatorId;
}

/**
 * An estimator's exact rule: its estimate as a deterministic function of a binary configuration of
 * diagnose's test networks, in float64, so that its mean and variance can be enumerated.
 */
export interface ExactRule {
  /** The networks it is defined on. */
  readonly nets: readonly ('one-layer' | 'two-layer')[];
  /** Sets the rule up on one enumerated network (ideal baselines, fitted corrections, …). */
  setup(net: ExactNetwork): ExactSetup;
  /**
   * The same estimates by the estimator's real float32 tfjs functions, for the configurations in
   * `inputs` (rows × units), so that diagnose can show both agree to float32 rounding. Runs inside
   * the caller's `tf.tidy`.
   */
  tfjs?(net: ExactNetwork, inputs: ExactTensors): tf.Tensor2D;
  /** What the theory predicts for it. */
  readonly theory?: TheoryRoles;
  /** A sentence printed under diagnose's table when it is measured. */
  readonly note?: string;
  /** Its name on diagnose's charts. @default the id */
  readonly label?: string;
}
