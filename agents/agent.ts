/**
 * The broadcast agent: a network of stochastic units that learns only from the reward stream.
 *
 * - `act(observations)` samples actions for a batch of sub-envs and records what each unit did.
 * - `learnFrom(events$)` is the only way rewards reach the agent. It returns a cold Observable of
 *   {@link LearnEvent}s; subscribing connects the agent to the broadcast. Learning happens inside
 *   that pipeline, so an error (a NaN reward, say) reaches whoever subscribed.
 *
 * Temporal credit (option `credit`):
 * - `'episode'` (default): a sub-env's transitions wait until its episode ends; then G_t is
 *   computed and they join the ready pool; one update runs whenever the pool holds `batchSize`
 *   transitions. Truncated episodes bootstrap from the critic when there is one.
 * - `'segment'`: every `rolloutLength` steps all buffers are flushed and one update runs; an
 *   unfinished episode's tail is bootstrapped from V(s) with a critic, else cut (G counts only the
 *   rewards inside the segment).
 * - `'traces'`: online eligibility traces, e ← γλ·e + (h − p)·xᵀ for every weight, and
 *   W ← W + α·δ·e on every reward event, where δ is the reward (no critic) or the TD error
 *   (critic). With λ = 1, no critic and updates summed over an episode, this equals `'episode'`
 *   credit (see the tests). Needs the `'local'` rule, and a baseline of none or critic, since the
 *   Eq. 7 and mean baselines need the whole return.
 *
 * The update, per batch of M transitions (tfjs, inside `tf.tidy`):
 * 1. the signal: R = G, or G − V(s) with a critic (which is then fitted to G, `criticSteps`
 *    times); with `criticLambda` < 1, G is the λ-return and R the GAE(γ, λ) advantage; then the
 *    optional per-batch `signalNormalization`. The optimiser's step size follows
 *    `learningRateSchedule`;
 * 2. the head: g = (h − p)(R − L̄) with the estimator's baseline;
 * 3. each hidden layer, top down: its own REINFORCE estimate (`'local'`), or the estimate of the
 *    layer above propagated through W and the unit's backward rule (`'backprop'`, via `tf.grad`
 *    over the estimator's op), or the learned correction of the latter (`'corrected'`). Every unit
 *    op is a `tf.customGrad` whose backward rule its estimator file states: rewardcast depends on
 *    `@tensorflow/tfjs-core` alone, which registers no gradients for built-in ops (the union
 *    package does, and its registry cannot be imported from Node's ESM loader);
 * 4. ΔW = xᵀg / M and Δb = mean(g), applied by the optimiser as an ascent step.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeMap, type Observable } from 'rxjs';
import { Rng } from '../src/core/rng.js';
import type { Space } from '../src/core/spaces.js';
import {
  estimatorSpec,
  FiringRateController,
  LinearCorrection,
  MeanBaseline,
  noisyRectifier,
  OptimalBaseline,
  reinforceGrad,
  reinforceUpdate,
  stochasticTimesSmooth,
  straightThrough,
  straightThroughSigmoid,
  tanhUnit,
  type Baseline,
  type BaselineKind,
  type CorrectionCoefficients,
  type EstimatorId,
  type EstimatorSpec,
} from '../src/estimators/index.js';
import type { RewardEvent, StepEvent } from '../src/stream/events.js';
import { Critic } from './critic.js';
import { headFor, type HeadKind } from './heads.js';
import { InputEncoder } from './inputs.js';
import { PolicyNetwork, type LayerRecord } from './network.js';
import { isShared, sharedFloat32, sharedFloat64, type UpdateTask } from './parallel.js';
import { lambdaReturns, rewardToGo, segmentLambdaReturns, segmentReturns, TransitionBuffer } from './rollout.js';

/** How returns are assigned to actions. See the module header. */
export type CreditMode = 'episode' | 'segment' | 'traces';

/** Options of {@link BroadcastAgent}. Every field has a default. */
export interface AgentOptions {
  /** The estimator. @default 'reinforce-optimal' */
  readonly estimator?: EstimatorId;
  /** Units per hidden layer. @default [32] */
  readonly hidden?: readonly number[];
  /** Action head; by default chosen from the action space (see `heads.ts`). */
  readonly head?: HeadKind;
  /** Overrides the estimator's baseline. @default the estimator's own */
  readonly baseline?: BaselineKind;
  /** Discount γ in [0, 1]. @default 0.99 */
  readonly gamma?: number;
  /** Trace decay λ in [0, 1], for `credit: 'traces'`. @default 1 */
  readonly lambda?: number;
  /** Temporal credit. @default 'episode' */
  readonly credit?: CreditMode;
  /** Transitions per update under `'episode'` credit. @default 256 */
  readonly batchSize?: number;
  /**
   * When an update runs under `'episode'` credit with several sub-envs (prototype):
   * - `'pooled'`: finished episodes join a pool; an update runs once it holds `batchSize` rows;
   *   rows of episodes still running stay and enter later updates, sampled under older weights.
   * - `'discard'`: as pooled, but at each update the rows of episodes still running are dropped.
   * - `'cut'`: an update runs when finished plus running rows reach `batchSize`; running episodes
   *   are cut there, bootstrapped from V(s) with a critic, else their return counts only the
   *   rewards so far.
   * - `'sync'`: each sub-env's rows are collected from the update (or its next episode start) to
   *   its episode's end; once the collected finished rows reach `batchSize`, episodes that start
   *   later are not collected, and the update waits until every collected episode has ended.
   * @default 'pooled'
   */
  readonly batching?: 'pooled' | 'discard' | 'cut' | 'sync';
  /** Steps per sub-env between updates under `'segment'` credit. @default 32 */
  readonly rolloutLength?: number;
  /** Under `'traces'`: apply the accumulated update every step, or once per episode. @default 'step' */
  readonly traceUpdate?: 'step' | 'episode';
  /** Optimiser step size, > 0. @default 0.01 */
  readonly learningRate?: number;
  /** Optimiser. @default 'adam' */
  readonly optimizer?: 'adam' | 'sgd';
  /** c, the decay of the running baselines (Eq. 7 and the mean). @default 0.9 */
  readonly baselineDecay?: number;
  /** Noise scale s of noisy-rectifier units. @default 1 */
  readonly noiseStd?: number;
  /** Whether noisy-rectifier units have a firing-rate controller. @default true */
  readonly firingRateControl?: boolean;
  /** Target firing rate ρ* of the controller. @default 0.5 */
  readonly firingRateTarget?: number;
  /** Hidden units of the critic (`reinforce-critic`). @default 64 */
  readonly criticHidden?: number;
  /** Step size of the critic's Adam. @default 0.005 */
  readonly criticLearningRate?: number;
  /**
   * λ of the critic's advantage, GAE(γ, λ) (Schulman et al. 2016, Eq. 16): with a critic, the
   * broadcast signal of step t becomes G^λ_t − V(s_t) = Σ_k (γλ)^k δ_{t+k}, and the critic is
   * fitted to the λ-return G^λ_t (see `lambdaReturns` in `rollout.ts`). λ = 1 is the Monte Carlo
   * advantage G_t − V(s_t); λ = 0 the one-step TD error δ_t; in between trades the variance of G
   * for the bias of V. Applies to `'episode'` and `'segment'` credit (traces use δ_t and their own
   * λ). It keeps the broadcast principle: the advantage is still one scalar per transition, formed
   * outside the policy network from rewards and V, and every unit uses it with its own h, p, x.
   * @default 1
   */
  readonly criticLambda?: number;
  /**
   * Adam steps the critic takes on each batch (the same batch, the same targets), so that V keeps
   * up with the policy; the signal is formed before the first step. Only the critic's own
   * regression repeats; the policy units still see one signal per transition.
   * @default 1
   */
  readonly criticSteps?: number;
  /**
   * Per-batch normalisation of the broadcast signal, applied after the critic's baseline and
   * before the estimator's own baseline:
   * - `'none'`: R as it is;
   * - `'scale'`: R / std_batch(R): a positive factor common to every unit of the batch, so each
   *   unit's estimate keeps its direction (and stays unbiased up to that factor); it makes the step
   *   size independent of the reward scale;
   * - `'standardize'`: (R − mean_batch R) / std_batch(R), the advantage normalisation of PPO
   *   (Schulman et al. 2017; Andrychowicz et al. 2021, "What Matters in On-Policy RL", §3.3): the
   *   batch mean acts as one more baseline (biased by O(1/M), as it includes the row itself).
   * Either way it is a function of the batch's broadcast scalars alone, computed before the
   * broadcast: every unit still learns from its own h, p, x and one scalar per transition. Needs a
   * batch, so not `'traces'` credit. std is floored at 1e-8.
   * @default 'none'
   */
  readonly signalNormalization?: 'none' | 'scale' | 'standardize';
  /**
   * Learning-rate schedule of the policy's optimiser, by env steps t:
   * - `'constant'`: `learningRate` throughout;
   * - `'linear'`: `learningRate`·max(f, 1 − t / `learningRateDecaySteps`), f =
   *   `learningRateFinal`: a linear anneal to f·`learningRate`, then constant (the linear decay of
   *   PPO's Atari setting, Schulman et al. 2017, Table 5; a Robbins–Monro-style shrinking step that
   *   lets a stochastic policy settle). A global step size, the same for every unit.
   * @default 'constant'
   */
  readonly learningRateSchedule?: 'constant' | 'linear';
  /** Env steps over which the `'linear'` schedule decays; > 0 when that schedule is used. @default 0 */
  readonly learningRateDecaySteps?: number;
  /** f, the final fraction of `learningRate` under the `'linear'` schedule, in [0, 1]. @default 0.1 */
  readonly learningRateFinal?: number;
  /** Seed of the agent's RNG (weights and neuron noise). @default 0 */
  readonly seed?: number;
  /**
   * Where the update's arithmetic runs. `'typed'`: the fused typed-array kernel of the REINFORCE
   * family (`reinforceUpdate`), for estimators whose every layer learns by the local rule; the
   * optimiser still runs in tfjs. `'tfjs'`: every step of the formula as a tfjs op. `'auto'` picks
   * `'typed'` where it applies. Both give the same update to float tolerance.
   * @default 'auto'
   */
  readonly kernel?: 'auto' | 'typed' | 'tfjs';
  /**
   * Threads for acting and for the typed update, the calling thread included. With more than one,
   * the forward pass is split by rows and the update by units over shared memory (see
   * `KernelPool`); the same seed gives the same numbers, bit for bit, with any count. With the
   * WebAssembly kernels it pays only for large batches (about 256 sub-envs for the benchmark's
   * 64-unit network) or wide layers, since each step's rows must move between the cores' caches;
   * one thread per run is right where runs already fill the cores (`compare`). Networks of
   * noisy-rectifier or tanh units keep one thread.
   * @default 1
   */
  readonly threads?: number;
}

/** Every option resolved. */
export type ResolvedAgentOptions = { readonly [K in keyof AgentOptions]-?: NonNullable<AgentOptions[K]> } & { readonly head: HeadKind };

/** What the learning pipeline emits. */
export interface LearnEvent {
  readonly kind: 'update';
  /** Env steps seen when the update ran. */
  readonly envSteps: number;
  /** Updates so far. */
  readonly updates: number;
  /** Transitions in the batch. */
  readonly batch: number;
  /** Mean of the broadcast signal R (after the critic's baseline and `signalNormalization`). */
  readonly signalMean: number;
  /** The critic's loss before its step, or NaN. */
  readonly criticLoss: number;
  /** Rows of the batch sampled under weights other than the ones this update changes. */
  readonly offPolicyRows: number;
}

/** The defaults of {@link AgentOptions}. */
export const AGENT_DEFAULTS = {
  estimator: 'reinforce-optimal',
  hidden: [32],
  gamma: 0.99,
  lambda: 1,
  credit: 'episode',
  batching: 'pooled',
  batchSize: 256,
  rolloutLength: 32,
  traceUpdate: 'step',
  learningRate: 0.01,
  optimizer: 'adam',
  baselineDecay: 0.9,
  noiseStd: 1,
  firingRateControl: true,
  firingRateTarget: 0.5,
  criticHidden: 64,
  criticLearningRate: 0.005,
  criticLambda: 1,
  criticSteps: 1,
  signalNormalization: 'none',
  learningRateSchedule: 'constant',
  learningRateDecaySteps: 0,
  learningRateFinal: 0.1,
  seed: 0,
  kernel: 'auto',
  threads: 1,
} as const satisfies AgentOptions;

/** Checks and completes the options, naming the field and value in every error. */
export function resolveAgentOptions(options: AgentOptions, actionSpace: Space<unknown>): ResolvedAgentOptions & { readonly baseline: BaselineKind } {
  const o = { ...AGENT_DEFAULTS, ...options };
  const spec = estimatorSpec(o.estimator);
  if (!Array.isArray(o.hidden) || !o.hidden.every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`hidden must be a list of positive integers, got ${JSON.stringify(o.hidden)}`);
  }
  if (spec.needsHidden && o.hidden.length === 0) {
    throw new RangeError(`estimator '${spec.id}' needs at least one hidden layer, got hidden: []`);
  }
  const num = (name: string, v: unknown, ok: (x: number) => boolean, what: string): void => {
    if (typeof v !== 'number' || !ok(v)) throw new RangeError(`${name} must be ${what}, got ${String(v)}`);
  };
  num('learningRate', o.learningRate, (x) => x > 0 && Number.isFinite(x), 'a finite number > 0');
  num('criticLearningRate', o.criticLearningRate, (x) => x > 0 && Number.isFinite(x), 'a finite number > 0');
  num('gamma', o.gamma, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  num('lambda', o.lambda, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  num('baselineDecay', o.baselineDecay, (x) => x >= 0 && x < 1, 'in [0, 1)');
  num('batchSize', o.batchSize, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  num('rolloutLength', o.rolloutLength, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  num('noiseStd', o.noiseStd, (x) => x > 0 && Number.isFinite(x), 'a finite number > 0');
  num('firingRateTarget', o.firingRateTarget, (x) => x > 0 && x < 1, 'in (0, 1)');
  num('criticHidden', o.criticHidden, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  num('criticLambda', o.criticLambda, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  num('criticSteps', o.criticSteps, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
  num('learningRateDecaySteps', o.learningRateDecaySteps, (x) => Number.isFinite(x) && x >= 0, 'a finite number >= 0');
  num('learningRateFinal', o.learningRateFinal, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  if (!['none', 'scale', 'standardize'].includes(o.signalNormalization)) throw new RangeError(`signalNormalization must be 'none', 'scale' or 'standardize', got ${JSON.stringify(o.signalNormalization)}`);
  if (!['constant', 'linear'].includes(o.learningRateSchedule)) throw new RangeError(`learningRateSchedule must be 'constant' or 'linear', got ${JSON.stringify(o.learningRateSchedule)}`);
  if (o.learningRateSchedule === 'linear' && !(o.learningRateDecaySteps > 0)) throw new RangeError(`learningRateSchedule 'linear' needs learningRateDecaySteps > 0, got ${String(o.learningRateDecaySteps)}`);
  if (o.credit === 'traces' && o.signalNormalization !== 'none') throw new RangeError(`signalNormalization '${o.signalNormalization}' needs a batch; credit 'traces' has none`);
  num('threads', o.threads, (x) => Number.isInteger(x) && x >= 1 && x <= 64, 'an integer in [1, 64]');
  num('seed', o.seed, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, 'an integer in [0, 2^32)');
  if (!['pooled', 'discard', 'cut', 'sync'].includes(o.batching)) throw new RangeError(`batching must be 'pooled', 'discard', 'cut' or 'sync', got ${JSON.stringify(o.batching)}`);
  if (!['episode', 'segment', 'traces'].includes(o.credit)) throw new RangeError(`credit must be 'episode', 'segment' or 'traces', got ${JSON.stringify(o.credit)}`);
  if (!['adam', 'sgd'].includes(o.optimizer)) throw new RangeError(`optimizer must be 'adam' or 'sgd', got ${JSON.stringify(o.optimizer)}`);
  if (!['auto', 'typed', 'tfjs'].includes(o.kernel)) throw new RangeError(`kernel must be 'auto', 'typed' or 'tfjs', got ${JSON.stringify(o.kernel)}`);
  if (o.kernel === 'typed' && spec.hiddenRule !== 'local') throw new RangeError(`kernel 'typed' needs a local estimator (every layer learning by REINFORCE), got '${spec.id}'`);
  if (!['step', 'episode'].includes(o.traceUpdate)) throw new RangeError(`traceUpdate must be 'step' or 'episode', got ${JSON.stringify(o.traceUpdate)}`);
  const baseline = options.baseline ?? spec.baseline;
  if (!['none', 'mean', 'optimal', 'critic'].includes(baseline)) throw new RangeError(`baseline must be none, mean, optimal or critic, got ${JSON.stringify(baseline)}`);
  if (o.credit === 'traces') {
    if (spec.hiddenRule !== 'local') throw new RangeError(`credit 'traces' needs a local estimator (reinforce, reinforce-critic), got '${spec.id}'`);
    if (baseline === 'mean' || baseline === 'optimal') throw new RangeError(`credit 'traces' cannot use baseline '${baseline}', which needs the whole return; use estimator 'reinforce' or 'reinforce-critic'`);
  }
  const head = headFor(actionSpace, options.head, spec.id === 'backprop').kind;
  return { ...o, hidden: [...o.hidden], head, baseline } as ResolvedAgentOptions & { readonly baseline: BaselineKind };
}

/** The transitions of one update: per layer x, a, p, h, aux (row-major), and the return of each row. */
interface Batch {
  readonly rows: number;
  readonly layers: readonly { readonly x: Float32Array; readonly a: Float32Array; readonly p: Float32Array; readonly h: Float32Array; readonly aux: Float32Array }[];
  readonly returns: Float32Array;
  /** Per row, the weights version it was sampled under. */
  readonly versions?: Float32Array;
}

/** L̄ = 0, for layers without a baseline. */
const NO_BASELINE = new Float32Array(1);

/** The state of one sub-env's trace, per layer: weight and bias traces. */
interface Trace {
  readonly w: Float32Array[];
  readonly b: Float32Array[];
}

/** A network of stochastic units trained from the reward broadcast. */
export class BroadcastAgent {
  /** The resolved options. */
  readonly options: ResolvedAgentOptions & { readonly baseline: BaselineKind };
  /** The estimator. */
  readonly estimator: EstimatorSpec;
  /** The policy network. */
  readonly network: PolicyNetwork;
  /** The critic, for critic baselines. */
  readonly critic: Critic | undefined;
  /** Encodes observations into inputs. */
  readonly encoder: InputEncoder;
  private rng: Rng;
  private readonly optimizer: tf.Optimizer;
  private readonly baselines: (Baseline | undefined)[];
  private readonly corrections: (LinearCorrection | undefined)[];
  private readonly controllers: (FiringRateController | undefined)[];
  private readonly obsSize: number;
  private readonly actSize: number;

  // Acting state.
  private rows = 0;
  private records: LayerRecord[] = [];
  private input = new Float32Array(0);
  private actions: Float32Array = new Float32Array(0);
  private uniforms = new Float32Array(0);
  private pending = false;
  private values = new Float32Array(0);
  private greedyInput = new Float32Array(0);
  private greedyActions = new Float32Array(0);
  private readonly greedyScratch: Float32Array[] = [];

  // Learning state.
  private episodes: TransitionBuffer[] = [];
  private readonly ready: TransitionBuffer;
  private traces: Trace[] = [];
  private traceSum: Trace | undefined;
  private traceSteps = 0;
  /** Per sub-env, rows of its running episode (live in its trace). */
  private traceLive: number[] = [];
  /** Rows live in the traces at the last trace update (sampled under earlier weights). */
  private traceCarried = 0;
  private segmentSteps = 0;
  private slotViews: LayerRecord[][] = [];
  private slab: LayerRecord[] = [];
  private segRewards = new Float32Array(0);
  private segDone = new Uint8Array(0);
  private segBoot = new Float32Array(0);
  private segVersion = new Float32Array(0);
  private envSteps = 0;
  private updateCount = 0;
  private actVersion = 0;
  private totalRows = 0;
  private totalOffPolicy = 0;
  private discardedRows = 0;
  /** `'sync'` batching: whether sub-env i's running episode is being collected. */
  private collecting = new Uint8Array(0);
  /** `'sync'` batching: whether the batch holds enough finished rows (no new episodes join). */
  private batchClosed = false;
  private lastGrads: Float32Array[] = [];

  /**
   * @param observationSpace one sub-env's observation space
   * @param actionSpace one sub-env's action space
   * @param options see {@link AgentOptions}
   */
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: AgentOptions = {}) {
    this.options = resolveAgentOptions(options, actionSpace);
    const o = this.options;
    this.estimator = estimatorSpec(o.estimator);
    this.rng = Rng.fromSeed(o.seed);
    const initRng = this.rng.spawn();
    this.encoder = new InputEncoder(observationSpace);
    this.obsSize = observationSpace.flatSize;
    const head = headFor(actionSpace, o.head, this.estimator.id === 'backprop');
    this.actSize = head.actSize;
    this.network = new PolicyNetwork(this.encoder.size, o.hidden, this.estimator.hiddenKind, head, initRng, o.noiseStd, o.threads);
    const useCritic = o.baseline === 'critic';
    this.critic = useCritic ? new Critic(this.encoder.size, o.criticHidden, o.criticLearningRate, initRng) : undefined;
    this.optimizer = o.optimizer === 'adam' ? tf.train.adam(o.learningRate) : tf.train.sgd(o.learningRate);
    const L = this.network.shapes.length;
    this.baselines = this.network.shapes.map((s, l) => {
      const usesReinforce = l === L - 1 || this.estimator.hiddenRule !== 'backprop';
      if (!usesReinforce) return undefined;
      if (o.baseline === 'mean') return new MeanBaseline(o.baselineDecay);
      if (o.baseline === 'optimal') return new OptimalBaseline(s.nOut, o.baselineDecay);
      return undefined;
    });
    this.corrections = this.network.shapes.map((s, l) => (l < L - 1 && this.estimator.hiddenRule === 'corrected' ? new LinearCorrection(s.nOut) : undefined));
    this.controllers = this.network.shapes.map((s) =>
      s.kind === 'noisy-relu' && o.firingRateControl ? new FiringRateController(s.nOut, o.firingRateTarget) : undefined,
    );
    this.ready = new TransitionBuffer(this.network.shapes);
  }

  /** Updates run so far. */
  get updates(): number {
    return this.updateCount;
  }

  /** Rows that entered updates, those of them sampled under other weights, and rows dropped unused. */
  get rowStats(): { readonly rows: number; readonly offPolicy: number; readonly discarded: number } {
    return { rows: this.totalRows, offPolicy: this.totalOffPolicy, discarded: this.discardedRows };
  }

  /**
   * The ascent direction (ΔW, Δb per layer, before the optimiser) of the last update, as
   * [W0, b0, W1, b1, …]. For inspection and tests.
   */
  lastGradients(): Float32Array[] {
    return this.lastGrads.map((g) => g.slice());
  }

  /** The learned-correction coefficients of each hidden layer (`learned-correction` only). */
  correctionCoefficients(): (CorrectionCoefficients | undefined)[] {
    return this.corrections.map((c) => c?.coefficients());
  }

  /**
   * Samples one action per row of `observations` (rows × obsSize, flattened as the vector env
   * does) and records what each unit did, for the next reward event.
   *
   * With `{ greedy: true }` it returns the policy's deterministic choice instead, for evaluation
   * (e.g. the greedy return of a gridworld): every unit takes its most probable output (see
   * `PolicyNetwork.forwardMode`; exact argmax of π(a|s) without hidden layers). A greedy call draws
   * no randomness, records nothing, does not update the input statistics and expects no reward, so
   * it can be interleaved with training on another env, with any number of rows.
   * @param options `greedy`: evaluate instead of acting @default { greedy: false }
   * @returns actions, rows × actSize (valid until the next call)
   */
  act(observations: ArrayLike<number>, options: { readonly greedy?: boolean } = {}): Float32Array {
    const rows = observations.length / this.obsSize;
    if (!Number.isInteger(rows) || rows <= 0) {
      throw new RangeError(`act: observations must hold a positive multiple of ${this.obsSize} numbers, got ${observations.length}`);
    }
    if (options.greedy) return this.greedyAct(observations, rows);
    if (rows !== this.rows) this.allocate(rows);
    this.encoder.encode(observations, rows, this.input);
    const maxUnits = Math.max(...this.network.shapes.map((s) => s.nOut));
    if (this.uniforms.length < rows * maxUnits) this.uniforms = new Float32Array(rows * maxUnits);
    this.network.forward(this.input, rows, this.records, this.rng, this.actions, this.uniforms);
    this.actVersion = this.updateCount;
    this.pending = true;
    return this.actions;
  }

  private greedyAct(observations: ArrayLike<number>, rows: number): Float32Array {
    if (this.greedyInput.length < rows * this.encoder.size) this.greedyInput = new Float32Array(rows * this.encoder.size);
    if (this.greedyActions.length !== rows * this.actSize) this.greedyActions = new Float32Array(rows * this.actSize);
    const saved = this.encoder.updateStats;
    this.encoder.updateStats = false;
    try {
      this.encoder.encode(observations, rows, this.greedyInput);
    } finally {
      this.encoder.updateStats = saved;
    }
    this.network.forwardMode(this.greedyInput, rows, this.greedyActions, this.greedyScratch);
    return this.greedyActions;
  }

  /**
   * The policy's step size now: `learningRate` under the constant schedule, else the linear
   * schedule at the env steps seen so far.
   */
  get currentLearningRate(): number {
    const o = this.options;
    if (o.learningRateSchedule !== 'linear') return o.learningRate;
    return o.learningRate * Math.max(o.learningRateFinal, 1 - this.envSteps / o.learningRateDecaySteps);
  }

  /** Sets the optimiser's step size from the schedule, before each policy step. */
  private applySchedule(): void {
    if (this.options.learningRateSchedule === 'constant') return;
    const lr = this.currentLearningRate;
    const opt = this.optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
    // SGD caches −lr as a tensor (setLearningRate refreshes it); Adam reads `learningRate` each step.
    if (typeof opt.setLearningRate === 'function') opt.setLearningRate(lr);
    else opt.learningRate = lr;
  }

  /** Per-batch normalisation of the signal (option `signalNormalization`), in place. */
  private normalizeSignal(signal: Float32Array, M: number): void {
    const mode = this.options.signalNormalization;
    if (mode === 'none' || M === 0) return;
    let mean = 0;
    for (let r = 0; r < M; r++) mean += signal[r]!;
    mean /= M;
    let v = 0;
    for (let r = 0; r < M; r++) v += (signal[r]! - mean) ** 2;
    const std = Math.max(Math.sqrt(v / M), 1e-8);
    const shift = mode === 'standardize' ? mean : 0;
    for (let r = 0; r < M; r++) signal[r] = (signal[r]! - shift) / std;
  }

  private allocate(rows: number): void {
    this.rows = rows;
    if (this.options.credit === 'segment') {
      // Step-major slabs: the forward pass of step t writes straight into rows t·B … t·B + B − 1,
      // so a segment's batch is ready without copying a row.
      const T = this.options.rolloutLength;
      this.slab = this.network.allocRecords(rows * T);
      this.slotViews = Array.from({ length: T }, (_, t) =>
        this.slab.map((r, l) => {
          const { nIn, nOut } = this.network.shapes[l]!;
          const v = (a: Float32Array, n: number): Float32Array => (a.length ? a.subarray(t * rows * n, (t + 1) * rows * n) : a);
          return { x: v(r.x, nIn), a: v(r.a, nOut), p: v(r.p, nOut), h: v(r.h, nOut), aux: v(r.aux, nOut) };
        }),
      );
      this.segRewards = new Float32Array(rows * T);
      this.segDone = new Uint8Array(rows * T);
      this.segBoot = new Float32Array(rows * T);
      this.segVersion = new Float32Array(rows * T);
      this.segmentSteps = 0;
      this.records = this.slotViews[0]!;
    } else {
      this.records = this.network.allocRecords(rows);
    }
    this.input = new Float32Array(rows * this.encoder.size);
    this.actions = this.network.alloc(rows * this.actSize);
    this.episodes = Array.from({ length: rows }, () => new TransitionBuffer(this.network.shapes));
    this.traces = Array.from({ length: rows }, () => this.zeroTrace());
    this.traceSum = this.zeroTrace();
  }

  private zeroTrace(): Trace {
    return {
      w: this.network.shapes.map((s) => new Float32Array(s.nIn * s.nOut)),
      b: this.network.shapes.map((s) => new Float32Array(s.nOut)),
    };
  }

  /**
   * Connects the agent to a reward broadcast. Subscribing starts learning; each update emits a
   * {@link LearnEvent}. A non-finite reward, or a reward with no action before it, errors the stream.
   *
   * ## Example
   * ```ts
   * const sub = agent.learnFrom(venv.events$).subscribe({ error: (e) => (failure = e) });
   * ```
   */
  learnFrom(events$: Observable<RewardEvent>): Observable<LearnEvent> {
    return events$.pipe(mergeMap((e): LearnEvent[] => (e.kind === 'step' ? this.onStep(e) : e.kind === 'reset' ? this.onReset() : [])));
  }

  private onReset(): LearnEvent[] {
    for (const b of this.episodes) b.clear();
    this.collecting = new Uint8Array(0);
    for (const t of this.traces) this.clearTrace(t);
    this.traceLive = [];
    this.traceCarried = 0;
    this.segmentSteps = 0;
    if (this.slotViews.length) this.records = this.slotViews[0]!;
    return [];
  }

  private onStep(e: StepEvent): LearnEvent[] {
    for (let i = 0; i < e.numEnvs; i++) {
      if (!Number.isFinite(e.rewards[i]!)) {
        throw new RangeError(`agent: non-finite reward ${e.rewards[i]} from env '${e.envId}'${e.numEnvs > 1 ? ` (sub-env ${i})` : ''} at step ${e.t}`);
      }
    }
    if (!this.pending || e.numEnvs !== this.rows) {
      throw new Error(`agent: reward for step ${e.t} of env '${e.envId}' arrived, but the agent did not act on ${e.numEnvs} observations before it`);
    }
    this.pending = false;
    this.envSteps = e.envSteps;
    if (this.options.credit === 'traces') return this.traceStep(e);
    if (this.options.credit === 'segment') return this.segmentStep(e);
    const mode = this.options.batching;
    if (mode === 'sync') return this.syncStep(e);
    for (let i = 0; i < e.numEnvs; i++) this.episodes[i]!.pushRow(this.records, i, e.rewards[i]!, this.actVersion);
    this.flushEnded(e);
    if (mode === 'cut') {
      let rows = this.ready.rows;
      for (const b of this.episodes) rows += b.rows;
      if (rows < this.options.batchSize) return [];
      const tail = this.critic ? this.valueOf(e.observations, e.numEnvs) : new Float32Array(e.numEnvs);
      for (let i = 0; i < e.numEnvs; i++) if (this.episodes[i]!.rows > 0) this.flush(i, tail[i]!);
      return [this.update(this.readyBatch())];
    }
    if (this.ready.rows < this.options.batchSize) return [];
    const ev = this.update(this.readyBatch());
    if (mode === 'discard') {
      for (const b of this.episodes) {
        this.discardedRows += b.rows;
        b.clear();
      }
    }
    return [ev];
  }

  /**
   * Segment credit: the step's rewards go into the slab; after `rolloutLength` steps the returns
   * are computed backwards over the slab (an episode that ended inside the segment restarts the
   * sum: 0 after termination, V(final observation) after truncation with a critic), the tail of
   * each sub-env bootstrapped from V(s) with a critic, and one update runs.
   */
  private segmentStep(e: StepEvent): LearnEvent[] {
    const B = this.rows;
    const t = this.segmentSteps;
    for (let i = 0; i < B; i++) {
      const k = t * B + i;
      this.segRewards[k] = e.rewards[i]!;
      this.segDone[k] = e.terminated[i] ? 1 : e.truncated[i] ? 2 : 0;
      this.segBoot[k] = 0;
      this.segVersion[k] = this.actVersion;
      if (this.segDone[k] === 2 && this.critic) {
        const fin = e.finalObservations?.[i];
        if (fin) this.segBoot[k] = this.valueOf(fin, 1)[0]!;
      }
    }
    this.segmentSteps += 1;
    const T = this.options.rolloutLength;
    if (this.segmentSteps < T) {
      this.records = this.slotViews[this.segmentSteps]!;
      return [];
    }
    this.segmentSteps = 0;
    this.records = this.slotViews[0]!;
    const tail = this.critic ? this.valueOf(e.observations, B) : new Float32Array(B);
    const lam = this.options.criticLambda;
    const returns =
      this.critic && lam < 1
        ? segmentLambdaReturns(this.segRewards, this.segDone, this.segBoot, tail, this.critic.values(this.slab[0]!.x, B * T), B, T, this.options.gamma, lam)
        : segmentReturns(this.segRewards, this.segDone, this.segBoot, tail, B, T, this.options.gamma);
    const layers = this.slab.map((r) => ({ x: r.x, a: r.a, p: r.p, h: r.h, aux: r.aux }));
    return [this.update({ rows: B * T, layers, returns, versions: this.segVersion })];
  }

  /** Episode credit with `'sync'` batching (see the option). */
  private syncStep(e: StepEvent): LearnEvent[] {
    const B = e.numEnvs;
    if (this.collecting.length !== B) {
      this.collecting = new Uint8Array(B).fill(1);
      this.batchClosed = false;
    }
    for (let i = 0; i < B; i++) {
      if (this.collecting[i]) this.episodes[i]!.pushRow(this.records, i, e.rewards[i]!, this.actVersion);
      else this.discardedRows += 1;
    }
    for (let i = 0; i < B; i++) {
      if (!e.terminated[i] && !e.truncated[i]) continue;
      if (this.collecting[i]) {
        let bootstrap = 0;
        if (!e.terminated[i] && this.critic) {
          const fin = e.finalObservations?.[i];
          if (fin) bootstrap = this.valueOf(fin, 1)[0]!;
        }
        this.flush(i, bootstrap);
      }
    }
    if (this.ready.rows >= this.options.batchSize) this.batchClosed = true;
    for (let i = 0; i < B; i++) if (e.terminated[i] || e.truncated[i]) this.collecting[i] = this.batchClosed ? 0 : 1;
    if (!this.batchClosed || this.collecting.some((c) => c === 1)) return [];
    const ev = this.update(this.readyBatch());
    this.batchClosed = false;
    this.collecting.fill(1);
    return [ev];
  }

  /** The ready pool as a batch (views; the update empties the pool). */
  private readyBatch(): Batch {
    return {
      rows: this.ready.rows,
      layers: this.ready.layers.map((b) => ({ x: b.x.view(), a: b.a.view(), p: b.p.view(), h: b.h.view(), aux: b.aux.view() })),
      returns: this.ready.values.view(),
      versions: this.ready.versions.view(),
    };
  }

  /** Flushes the buffers of sub-envs whose episode ended on this step. */
  private flushEnded(e: StepEvent): void {
    for (let i = 0; i < e.numEnvs; i++) {
      if (!e.terminated[i] && !e.truncated[i]) continue;
      let bootstrap = 0;
      if (!e.terminated[i] && this.critic) {
        const fin = e.finalObservations?.[i];
        if (fin) bootstrap = this.valueOf(fin, 1)[0]!;
      }
      this.flush(i, bootstrap);
    }
  }

  private valueOf(obs: ArrayLike<number>, rows: number): Float32Array {
    if (this.values.length < rows * this.encoder.size) this.values = new Float32Array(rows * this.encoder.size);
    const saved = this.encoder.updateStats;
    this.encoder.updateStats = false;
    this.encoder.encode(obs, rows, this.values);
    this.encoder.updateStats = saved;
    return this.critic!.values(this.values, rows);
  }

  private flush(env: number, bootstrap: number): void {
    const buf = this.episodes[env]!;
    const lam = this.options.criticLambda;
    const G =
      this.critic && lam < 1
        ? lambdaReturns(buf.values.view(), this.critic.values(buf.layers[0]!.x.view(), buf.rows), this.options.gamma, lam, bootstrap)
        : rewardToGo(buf.values.view(), this.options.gamma, bootstrap);
    this.ready.takeFrom(buf, G);
  }

  /** One update from a batch; empties the ready pool. */
  private update(batch: Batch): LearnEvent {
    const typed = this.options.kernel === 'typed' || (this.options.kernel === 'auto' && this.estimator.hiddenRule === 'local');
    let offPolicyRows = 0;
    if (batch.versions) for (let r = 0; r < batch.rows; r++) if (batch.versions[r] !== this.updateCount) offPolicyRows += 1;
    this.totalRows += batch.rows;
    this.totalOffPolicy += offPolicyRows;
    this.applySchedule();
    const event = typed ? this.typedUpdate(batch) : this.tensorUpdate(batch);
    this.network.syncMirrors();
    this.ready.clear();
    this.updateCount += 1;
    return { kind: 'update', envSteps: this.envSteps, updates: this.updateCount, batch: batch.rows, offPolicyRows, ...event };
  }

  /**
   * The update of an all-local estimator on typed arrays: `reinforceUpdate` per layer (the
   * estimate, its chain rule and the baseline moments in one pass), then the tfjs optimiser.
   */
  private typedUpdate(batch: Batch): { signalMean: number; criticLoss: number } {
    const M = batch.rows;
    const net = this.network;
    let signal = batch.returns;
    let criticLoss = Number.NaN;
    if (this.critic) {
      const critic = this.critic;
      const x0 = batch.layers[0]!.x;
      signal = new Float32Array(M);
      const n0 = net.shapes[0]!.nIn;
      tf.tidy(() => {
        const x = tf.tensor2d(x0.subarray(0, M * n0), [M, n0]);
        const G = tf.tensor2d(batch.returns.subarray(0, M), [M, 1]);
        const v = critic.valuesTensor(x).dataSync();
        for (let r = 0; r < M; r++) signal[r] = batch.returns[r]! - v[r]!;
        criticLoss = critic.fit(x, G);
        for (let k = 1; k < this.options.criticSteps; k++) critic.fit(x, G);
      });
    }
    if (this.options.signalNormalization !== 'none') {
      if (signal === batch.returns) signal = batch.returns.slice(0, M);
      this.normalizeSignal(signal, M);
    }
    const grads: Float32Array[] = [];
    const moments = net.shapes.map((s) => ({ signal: 0, e2: new Float64Array(s.nOut), e2Signal: new Float64Array(s.nOut) }));
    const pool = net.pool;
    if (pool && batch.layers.every((b) => isShared(b.x) && isShared(b.h) && isShared(b.p))) {
      // On the kernel threads, split by units (segment credit: the batch is the shared slab).
      const tasks: UpdateTask[] = net.shapes.map((s, l) => {
        const b = batch.layers[l]!;
        const bl = this.baselines[l]?.valueArray(s.nOut) ?? NO_BASELINE;
        const e2 = sharedFloat64(s.nOut);
        return { x: b.x, h: b.h, p: b.p, baseline: bl, nIn: s.nIn, nOut: s.nOut, dW: sharedFloat32(s.nIn * s.nOut), db: sharedFloat32(s.nOut), e2, e2Signal: sharedFloat64(s.nOut) };
      });
      const mean = pool.update(tasks, signal, M, (t, j0, j1) =>
        reinforceUpdate(t.x, t.h, t.p, signal, t.baseline, M, t.nIn, t.nOut, { dW: t.dW, db: t.db, moments: { signal: 0, e2: t.e2, e2Signal: t.e2Signal } }, j0, j1),
      );
      for (const [l, t] of tasks.entries()) {
        grads.push(t.dW.slice(), t.db.slice());
        moments[l]!.signal = mean;
        moments[l]!.e2.set(t.e2);
        moments[l]!.e2Signal.set(t.e2Signal);
      }
    } else {
      for (const [l, s] of net.shapes.entries()) {
        const b = batch.layers[l]!;
        const dW = new Float32Array(s.nIn * s.nOut);
        const db = new Float32Array(s.nOut);
        const bl = this.baselines[l]?.valueArray(s.nOut) ?? NO_BASELINE;
        reinforceUpdate(b.x, b.h, b.p, signal, bl, M, s.nIn, s.nOut, { dW, db, moments: moments[l]! });
        grads.push(dW, db);
      }
    }
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      for (const [l, s] of net.shapes.entries()) {
        named[net.weights[l]!.name] = tf.neg(tf.tensor2d(grads[2 * l]!, [s.nIn, s.nOut]));
        named[net.biases[l]!.name] = tf.neg(tf.tensor2d(grads[2 * l + 1]!, [1, s.nOut]));
      }
      this.optimizer.applyGradients(named);
    });
    for (const [l, b] of this.baselines.entries()) b?.updateFromMoments(moments[l]!);
    this.lastGrads = grads;
    return { signalMean: moments[0]!.signal, criticLoss };
  }

  /** The update with every step of the formula as a tfjs op (all estimators). */
  private tensorUpdate(batch: Batch): { signalMean: number; criticLoss: number } {
    const M = batch.rows;
    const net = this.network;
    const L = net.shapes.length;
    let signalMean = Number.NaN;
    let criticLoss = Number.NaN;
    const grads: Float32Array[] = [];
    tf.tidy(() => {
      const T = net.shapes.map((s, l) => {
        const b = batch.layers[l]!;
        return {
          x: tf.tensor2d(b.x.subarray(0, M * s.nIn), [M, s.nIn]),
          a: tf.tensor2d(b.a.subarray(0, M * s.nOut), [M, s.nOut]),
          p: tf.tensor2d(b.p.subarray(0, M * s.nOut), [M, s.nOut]),
          h: tf.tensor2d(b.h.subarray(0, M * s.nOut), [M, s.nOut]),
          aux: b.aux.length > 0 ? tf.tensor2d(b.aux.subarray(0, M * s.nOut), [M, s.nOut]) : undefined,
        };
      });
      const G = tf.tensor2d(batch.returns.subarray(0, M), [M, 1]);
      let signal: tf.Tensor2D = G;
      if (this.critic) {
        signal = tf.sub(G, this.critic.valuesTensor(T[0]!.x)) as tf.Tensor2D;
        criticLoss = this.critic.fit(T[0]!.x, G);
        for (let k = 1; k < this.options.criticSteps; k++) this.critic.fit(T[0]!.x, G);
      }
      if (this.options.signalNormalization !== 'none') {
        const s = Float32Array.from(signal.dataSync());
        this.normalizeSignal(s, M);
        signal = tf.tensor2d(s, [M, 1]);
      }
      signalMean = tf.mean(signal).dataSync()[0]!;
      const named: tf.NamedTensorMap = {};
      let above: tf.Tensor2D | undefined;
      for (let l = L - 1; l >= 0; l--) {
        const t = T[l]!;
        const rule = l === L - 1 ? 'local' : this.estimator.hiddenRule;
        let g: tf.Tensor2D;
        const local = (): tf.Tensor2D => {
          const bl = this.baselines[l]?.value();
          return reinforceGrad(t.h, t.p, signal, bl);
        };
        if (rule === 'local') g = local();
        else {
          const upstream = tf.matMul(above!, net.weights[l + 1]!, false, true) as tf.Tensor2D;
          const op = this.unitOp(net.shapes[l]!.kind, t.h, t.aux);
          // Vector–Jacobian product through the unit's own op, with dy = upstream. (Written this
          // way, not as the gradient of Σ op(a)·upstream, so that the tape holds only the op's
          // tf.customGrad: a bare tfjs-core install registers no gradients for built-in ops.)
          const gBack = tf.grad((a: tf.Tensor) => op(a as tf.Tensor2D))(t.a, upstream) as tf.Tensor2D;
          g = rule === 'corrected' ? this.corrections[l]!.correct(gBack, local()) : gBack;
        }
        const dW = tf.div(tf.matMul(t.x, g, true, false), M) as tf.Tensor2D;
        const db = tf.mean(g, 0, true) as tf.Tensor2D;
        named[net.weights[l]!.name] = tf.neg(dW);
        named[net.biases[l]!.name] = tf.neg(db);
        grads[2 * l] = dW.dataSync() as Float32Array;
        grads[2 * l + 1] = db.dataSync() as Float32Array;
        above = g;
      }
      this.optimizer.applyGradients(named);
      for (let l = 0; l < L; l++) this.baselines[l]?.update(T[l]!.h, T[l]!.p, signal);
      for (let l = 0; l < L; l++) {
        const c = this.controllers[l];
        if (!c) continue;
        const delta = c.step(batch.layers[l]!.h, M);
        net.biases[l]!.assign(tf.add(net.biases[l]!, tf.tensor2d(delta, [1, delta.length])) as tf.Tensor2D);
      }
    });
    this.lastGrads = grads.map((g) => g.slice());
    return { signalMean, criticLoss };
  }

  /** The forward rule of a hidden unit kind as a differentiable tfjs op of `a`. */
  private unitOp(kind: string, h: tf.Tensor2D, aux: tf.Tensor2D | undefined): (a: tf.Tensor2D) => tf.Tensor2D {
    switch (this.estimator.id === 'st-sigmoid' ? 'st-sigmoid' : kind) {
      case 'st-sigmoid':
        return (a) => straightThroughSigmoid(a, h);
      case 'binary':
        return (a) => straightThrough(a, h);
      case 'noisy-relu':
        return (a) => noisyRectifier(a, aux!);
      case 'sts':
        return (a) => stochasticTimesSmooth(a, aux!);
      default:
        return (a) => tanhUnit(a);
    }
  }

  // ---- online eligibility traces ----

  private clearTrace(t: Trace): void {
    for (const w of t.w) w.fill(0);
    for (const b of t.b) b.fill(0);
  }

  private traceStep(e: StepEvent): LearnEvent[] {
    const o = this.options;
    const net = this.network;
    const decay = o.gamma * o.lambda;
    let delta: Float32Array = Float32Array.from(e.rewards);
    if (this.critic) delta = this.tdErrors(e);
    const sum = this.traceSum!;
    for (let i = 0; i < e.numEnvs; i++) {
      const tr = this.traces[i]!;
      for (const [l, s] of net.shapes.entries()) {
        const r = this.records[l]!;
        const w = tr.w[l]!;
        const b = tr.b[l]!;
        for (let j = 0; j < s.nOut; j++) {
          const el = r.h[i * s.nOut + j]! - r.p[i * s.nOut + j]!;
          b[j] = decay * b[j]! + el;
          for (let k = 0; k < s.nIn; k++) w[k * s.nOut + j] = decay * w[k * s.nOut + j]! + el * r.x[i * s.nIn + k]!;
        }
        const d = delta[i]!;
        const sw = sum.w[l]!;
        const sb = sum.b[l]!;
        for (let k = 0; k < w.length; k++) sw[k] += d * w[k]!;
        for (let k = 0; k < b.length; k++) sb[k] += d * b[k]!;
      }
      this.traceLive[i] = (this.traceLive[i] ?? 0) + 1;
      if (e.terminated[i] || e.truncated[i]) {
        this.clearTrace(tr);
        this.traceLive[i] = 0;
      }
    }
    this.traceSteps += e.numEnvs;
    const ended = e.terminated.some((v) => v === 1) || e.truncated.some((v) => v === 1);
    if (o.traceUpdate === 'episode' && !ended) return [];
    return [this.applyTraceSum()];
  }

  private tdErrors(e: StepEvent): Float32Array {
    const rows = e.numEnvs;
    const v = this.critic!.values(this.records[0]!.x, rows);
    const next = new Float32Array(rows * this.obsSize);
    next.set(e.observations);
    for (let i = 0; i < rows; i++) {
      const fin = e.finalObservations?.[i];
      if (fin) next.set(fin, i * this.obsSize);
    }
    const vNext = this.valueOf(next, rows);
    const delta = new Float32Array(rows);
    const target = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      target[i] = e.rewards[i]! + (e.terminated[i] ? 0 : this.options.gamma * vNext[i]!);
      delta[i] = target[i]! - v[i]!;
    }
    tf.tidy(() => {
      const x = tf.tensor2d(this.records[0]!.x.subarray(0, rows * this.encoder.size), [rows, this.encoder.size]);
      const y = tf.tensor2d(target, [rows, 1]);
      for (let k = 0; k < this.options.criticSteps; k++) this.critic!.fit(x, y);
    });
    return delta;
  }

  private applyTraceSum(): LearnEvent {
    const net = this.network;
    const sum = this.traceSum!;
    const n = this.traceSteps;
    const grads: Float32Array[] = [];
    this.applySchedule();
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      for (const [l, s] of net.shapes.entries()) {
        const dW = sum.w[l]!.map((v) => v / n);
        const db = sum.b[l]!.map((v) => v / n);
        grads[2 * l] = dW;
        grads[2 * l + 1] = db;
        named[net.weights[l]!.name] = tf.neg(tf.tensor2d(dW, [s.nIn, s.nOut]));
        named[net.biases[l]!.name] = tf.neg(tf.tensor2d(db, [1, s.nOut]));
      }
      this.optimizer.applyGradients(named);
    });
    this.lastGrads = grads;
    this.clearTrace(sum);
    // The rows of this update: those sampled since the last one, and those still live in the
    // traces then (sampled under earlier weights; none when γλ = 0, since they no longer count).
    const offPolicyRows = this.traceCarried;
    this.totalRows += n + offPolicyRows;
    this.totalOffPolicy += offPolicyRows;
    const live = this.options.gamma * this.options.lambda > 0 ? this.traceLive.reduce((a, b) => a + b, 0) : 0;
    this.traceCarried = live;
    this.traceSteps = 0;
    net.syncMirrors();
    this.updateCount += 1;
    return { kind: 'update', envSteps: this.envSteps, updates: this.updateCount, batch: n, signalMean: Number.NaN, criticLoss: Number.NaN, offPolicyRows };
  }

  // ---- persistence ----

  /** Everything needed to restore the agent: config, weights, baselines, critic, input statistics. */
  toJSON(): AgentSnapshot {
    return {
      format: 'rewardcast-agent/1',
      options: this.options,
      shapes: this.network.shapes.map((s) => [s.nIn, s.nOut]),
      network: this.network.snapshot(),
      baselines: this.baselines.map((b) => b?.state() ?? null),
      corrections: this.corrections.map((c) => c?.state() ?? null),
      critic: this.critic?.snapshot() ?? null,
      encoder: this.encoder.state(),
      rng: this.rng.state(),
      updates: this.updateCount,
    };
  }

  /** Restores {@link BroadcastAgent.toJSON}. The architecture must match. */
  loadJSON(snap: AgentSnapshot): void {
    if (snap?.format !== 'rewardcast-agent/1') throw new RangeError(`loadJSON: not a rewardcast agent (format ${JSON.stringify(snap?.format)})`);
    const mine = this.network.shapes.map((s) => [s.nIn, s.nOut]);
    if (JSON.stringify(mine) !== JSON.stringify(snap.shapes)) {
      throw new RangeError(`loadJSON: saved agent has layers ${JSON.stringify(snap.shapes)}, this agent has ${JSON.stringify(mine)}`);
    }
    if (snap.options?.estimator !== this.options.estimator) {
      throw new RangeError(`loadJSON: saved agent uses estimator '${snap.options?.estimator}', this agent uses '${this.options.estimator}'`);
    }
    this.network.restore(snap.network);
    snap.baselines.forEach((b, l) => b && this.baselines[l]?.load(b));
    snap.corrections.forEach((c, l) => c && this.corrections[l]?.load(c));
    if (snap.critic && this.critic) this.critic.restore(snap.critic);
    this.encoder.load(snap.encoder);
    this.rng = Rng.fromState(snap.rng);
    this.updateCount = snap.updates;
  }

  /** Releases every tensor the agent holds. */
  dispose(): void {
    this.network.dispose();
    this.critic?.dispose();
    this.optimizer.dispose();
    for (const b of this.baselines) b?.dispose();
  }
}

/** The saved form of an agent (JSON). */
export interface AgentSnapshot {
  /** Format tag. */
  readonly format: 'rewardcast-agent/1';
  /** The resolved options. */
  readonly options: ResolvedAgentOptions & { readonly baseline: BaselineKind };
  /** [nIn, nOut] per layer. */
  readonly shapes: number[][];
  /** Weights and biases. */
  readonly network: { W: number[][]; b: number[][] };
  /** Baseline state per layer. */
  readonly baselines: (Record<string, number[]> | null)[];
  /** Learned-correction state per layer. */
  readonly corrections: (Record<string, number[]> | null)[];
  /** Critic weights. */
  readonly critic: number[][] | null;
  /** Input statistics. */
  readonly encoder: ReturnType<InputEncoder['state']>;
  /** RNG state at save time. */
  readonly rng: number[];
  /** Updates run. */
  readonly updates: number;
}

/** The file an agent folder holds. */
export const AGENT_FILE = 'agent.json';

/** Saves an agent to a folder (created if needed) as `agent.json`, atomically. */
export function saveAgent(agent: BroadcastAgent, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, AGENT_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(agent.toJSON()));
  renameSync(tmp, path);
  return path;
}

/**
 * Loads `agent.json` from a folder into a new agent for the given spaces, built with the saved
 * options; a different architecture or a corrupt file is an error naming the file.
 */
export function loadAgent(dir: string, observationSpace: Space<unknown>, actionSpace: Space<unknown>): BroadcastAgent {
  const path = join(dir, AGENT_FILE);
  let snap: AgentSnapshot;
  try {
    snap = JSON.parse(readFileSync(path, 'utf8')) as AgentSnapshot;
  } catch (e) {
    throw new Error(`loadAgent: cannot read ${path}: ${(e as Error).message}`);
  }
  const agent = new BroadcastAgent(observationSpace, actionSpace, snap.options);
  try {
    agent.loadJSON(snap);
  } catch (e) {
    agent.dispose();
    throw new Error(`loadAgent: ${path}: ${(e as Error).message}`);
  }
  return agent;
}
