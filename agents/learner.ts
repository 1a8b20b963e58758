/**
 * The learner: what turns a batch of transitions into a step on the policy's weights, the same for
 * every estimator. It owns the signal (the critic's baseline, the estimator's signal transform,
 * `signalNormalization`), the critic's fit, the optimiser and its learning-rate schedule, and the
 * estimator's running state; the estimator supplies the maths through its seams (see
 * `src/estimators/types.ts`).
 *
 * The update, per batch of M transitions (tfjs, inside `tf.tidy`):
 * 1. the signal: R = G, or G − V(s) with a critic (which is then fitted to G, `criticSteps`
 *    times); with `criticLambda` < 1, G is the λ-return and R the GAE(γ, λ) advantage; then the
 *    estimator's `transformSignal`, if any, then the optional per-batch `signalNormalization`.
 *    The optimiser's step size follows `learningRateSchedule`;
 * 2. the head: g = (h − p)(R − L̄) with the estimator's baseline;
 * 3. each hidden layer, top down: the estimator's `hiddenGradient` (its own REINFORCE estimate,
 *    the estimate of the layer above propagated through W and the unit's backward rule, a learned
 *    correction of it, …). Every unit op is a `tf.customGrad`: rewardcast depends on
 *    `@tensorflow/tfjs-core` alone, which registers no gradients for built-in ops;
 * 4. ΔW = xᵀg / M and Δb = mean(g), applied by the optimiser as an ascent step; then the
 *    estimator's running state folds in the batch.
 *
 * Two choices in this estimate, stated exactly:
 * - **G_t carries no γᵗ weight.** Each row's signal is its own discounted return-to-go G_t; the
 *   gradient of the discounted objective J_γ = E[Σ_t γᵗ r_t] would weight row t by γᵗ as well. So
 *   for γ < 1 the update is an unbiased estimate of E[Σ_t ∇log π(a_t | s_t)·G_t], which weights late
 *   steps as much as early ones and is not ∇J_γ (nor, in general, the gradient of any objective:
 *   Nota & Thomas 2020, "Is the Policy Gradient a Gradient?"); it is what nearly every
 *   implementation does, since γᵗ would all but silence the late steps of long episodes. With
 *   γ = 1 (the FrozenLake preset) the two agree.
 * - **The update divides by M, the rows of the batch, which varies.** Under episode credit M is
 *   the summed length of the batch's episodes (256–736 rows on the CartPole preset with pooled
 *   batching; at least `batchSize` with sync). The sum Σ_rows g over K whole episodes is K times an
 *   unbiased estimate of the per-episode gradient; dividing it by M rather than by K keeps its
 *   direction (a positive factor per batch) but scales its length by K/M, a random number that is
 *   smaller when episodes are long, i.e. when returns are high. So each batch's direction is the
 *   unbiased one, while its step size shrinks as episodes grow (Adam's normalisation absorbs most
 *   of a slow change of scale); as an average over batches it estimates E[Σ_t g_t] / E[T], a
 *   per-step gradient, with a bias of order 1/K from the ratio.
 *
 * Estimators with a fused typed-array update (`fusedUpdate`) run steps 2–4 in one pass per layer
 * over typed arrays instead (`updatePath`), with the optimiser still in tfjs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { baselineFor, emptyPerWeightMoments, PerWeightOptimalBaseline, perWeightUpdate, reinforceGrad, reinforceUpdate, type Estimator, type EstimatorState, type LayerTensors, type PairTensors, type SignalRows } from '../src/estimators/index.js';
import type { PerturbedPair } from '../src/estimators/types.js';
import { RunningSignalNormalizer } from '../src/estimators/nvil.js';
import type { Critic } from './critic.js';
import type { LayerRecord, PolicyNetwork } from './network.js';
import type { ResolvedAgentOptions } from './options.js';
import { isShared, sharedFloat32, sharedFloat64, type UpdateTask } from './parallel.js';

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
  /**
   * Rows of the update sampled under weights other than the ones it changes (a row's weights
   * version is the update count when it was sampled); 0 for an exactly on-policy update.
   */
  readonly offPolicyRows: number;
}

/** Rows that entered updates so far, and how many of them were sampled under other weights. */
export interface RowStats {
  /** Rows summed over every update. */
  readonly rows: number;
  /** Of those, rows sampled under weights other than the ones their update changed. */
  readonly offPolicy: number;
}

/** The transitions of one update: per layer x, a, p, h, aux (row-major), and the return of each row. */
export interface Batch {
  /** Rows. */
  readonly rows: number;
  /** Per layer, the records of every row. */
  readonly layers: readonly LayerRecord[];
  /** G (or the λ-return) of each row. */
  readonly returns: Float32Array;
  /** Which sub-env and episode each row comes from (computed on demand). */
  signalRows(): SignalRows;
  /**
   * With a pairing estimator (`agents/pairing.ts`): each row's partner return (NaN: none), and per
   * layer whether the logits coincided (0/1) and the partner's samples.
   */
  readonly pair?: { readonly partnerReturn: Float32Array; readonly coincide: readonly Float32Array[]; readonly partnerH: readonly Float32Array[] };
  /** Per row, the update count when it was sampled (its weights version). */
  readonly versions: ArrayLike<number>;
  /** With a weight-perturbation estimator: the batch's pair-episodes (their directions' seeds and returns). */
  readonly perturbed?: readonly PerturbedPair[];
}

/** L̄ = 0, for layers without a baseline. */
const NO_BASELINE = new Float32Array(1);

/** The signal, critic, optimiser and schedule of one agent, over its estimator. */
export class Learner {
  /** The critic, when the baseline in force needs one. */
  readonly critic: Critic | undefined;
  /** The estimator's running state. */
  readonly state: EstimatorState;
  /** Env steps seen (set by the agent before each update). */
  envSteps = 0;
  private readonly optimizer: tf.Optimizer;
  private updateCount = 0;
  private rowsSeen = 0;
  private offPolicyRows = 0;
  private lastGrads: Float32Array[] = [];
  /** The running normaliser of `signalNormalization: 'nvil'`. */
  private readonly nvil = new RunningSignalNormalizer();

  /**
   * @param network the policy network
   * @param estimator the estimator
   * @param options the agent's resolved options
   * @param critic the critic, if the baseline uses one
   */
  constructor(
    private readonly network: PolicyNetwork,
    readonly estimator: Estimator,
    private readonly options: ResolvedAgentOptions,
    critic: Critic | undefined,
  ) {
    this.critic = critic;
    const o = options;
    this.optimizer = o.optimizer === 'adam' ? tf.train.adam(o.learningRate) : tf.train.sgd(o.learningRate);
    this.state = estimator.createState({ shapes: network.shapes, baseline: o.baseline, baselineDecay: o.baselineDecay, options: o });
  }

  /** Whether the baseline kind in force needs a critic. */
  static needsCritic(options: ResolvedAgentOptions): boolean {
    return baselineFor(options.baseline).critic;
  }

  /** Updates run so far. */
  get updates(): number {
    return this.updateCount;
  }
  set updates(n: number) {
    this.updateCount = n;
  }

  /** Rows of every update so far, and the off-policy ones among them. */
  get rowStats(): RowStats {
    return { rows: this.rowsSeen, offPolicy: this.offPolicyRows };
  }

  /** Counts a batch's rows and its off-policy rows (before the update's own version bump). */
  private countRows(rows: number, offPolicy: number): number {
    this.rowsSeen += rows;
    this.offPolicyRows += offPolicy;
    return offPolicy;
  }

  /** The ascent direction of the last update, [W0, b0, W1, b1, …] (copies). */
  lastGradients(): Float32Array[] {
    return this.lastGrads.map((g) => g.slice());
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
    if (mode === 'nvil') {
      this.nvil.apply(signal, M);
      return;
    }
    let mean = 0;
    for (let r = 0; r < M; r++) mean += signal[r]!;
    mean /= M;
    let v = 0;
    for (let r = 0; r < M; r++) v += (signal[r]! - mean) ** 2;
    const std = Math.max(Math.sqrt(v / M), 1e-8);
    const shift = mode === 'standardize' ? mean : 0;
    for (let r = 0; r < M; r++) signal[r] = (signal[r]! - shift) / std;
  }

  /** The estimator's signal transform and the normalisation, on a copy when either applies. */
  private finishSignal(signal: Float32Array, original: Float32Array, batch: Batch): Float32Array {
    const M = batch.rows;
    const transform = this.estimator.transformSignal;
    if (!transform && this.options.signalNormalization === 'none') return signal;
    const s = signal === original ? original.slice(0, M) : signal;
    if (transform) transform.call(this.estimator, s, batch.signalRows(), this.state);
    this.normalizeSignal(s, M);
    return s;
  }

  /** One update from a batch. */
  update(batch: Batch): LearnEvent {
    const typed = this.options.updatePath === 'typed' || (this.options.updatePath === 'auto' && this.estimator.fusedUpdate !== undefined);
    let off = 0;
    for (let r = 0; r < batch.rows; r++) if (batch.versions[r] !== this.updateCount) off += 1;
    const offPolicyRows = this.countRows(batch.rows, off);
    this.applySchedule();
    const event = this.estimator.perturbation ? this.perturbationUpdate(batch) : typed ? this.typedUpdate(batch) : this.tensorUpdate(batch);
    this.network.syncMirrors();
    this.updateCount += 1;
    return { kind: 'update', envSteps: this.envSteps, updates: this.updateCount, batch: batch.rows, offPolicyRows, ...event };
  }

  /**
   * Applies an ascent direction computed elsewhere ([W0, b0, W1, b1, …], e.g. the eligibility
   * traces' sum) through the schedule and the optimiser.
   * @param rows transitions it summarises, for the event
   * @param offPolicyRows further rows it still carries that were sampled under earlier weights
   */
  applyAscent(grads: Float32Array[], rows: number, offPolicyRows = 0): LearnEvent {
    this.countRows(rows + offPolicyRows, offPolicyRows);
    this.applySchedule();
    this.step(grads);
    this.lastGrads = grads;
    this.network.syncMirrors();
    this.updateCount += 1;
    return { kind: 'update', envSteps: this.envSteps, updates: this.updateCount, batch: rows, signalMean: Number.NaN, criticLoss: Number.NaN, offPolicyRows };
  }

  /** Whether layer `l`'s biases learn: all but the head's when `headBias` is false. */
  private learnsBias(l: number): boolean {
    return this.options.headBias || l < this.network.shapes.length - 1;
  }

  /** One optimiser step along the ascent direction `grads`. */
  private step(grads: readonly Float32Array[]): void {
    const net = this.network;
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      for (const [l, s] of net.shapes.entries()) {
        named[net.weights[l]!.name] = tf.neg(tf.tensor2d(grads[2 * l]!, [s.nIn, s.nOut]));
        if (this.learnsBias(l)) named[net.biases[l]!.name] = tf.neg(tf.tensor2d(grads[2 * l + 1]!, [1, s.nOut]));
      }
      this.optimizer.applyGradients(named);
    });
  }

  /**
   * The update of a weight-perturbation estimator ({@link Estimator.perturbation}): one broadcast
   * scalar per pair-episode of the batch (optionally normalised over the pairs by
   * `signalNormalization`), the estimator's ascent direction over the whole parameter vector, then
   * the optimiser. No critic, no per-row records.
   */
  private perturbationUpdate(batch: Batch): { signalMean: number; criticLoss: number } {
    const pert = this.estimator.perturbation!;
    const pairs = batch.perturbed ?? [];
    const c = this.options.perturbationScale;
    const signal = Float32Array.from(pairs, (p) => pert.pairSignal(p, c));
    this.normalizeSignal(signal, signal.length);
    const grads = pert.ascent(pairs, signal, this.network.shapes);
    this.step(grads);
    this.lastGrads = grads.map((g) => g.slice());
    let mean = 0;
    for (const v of signal) mean += v;
    return { signalMean: signal.length > 0 ? mean / signal.length : Number.NaN, criticLoss: Number.NaN };
  }

  /**
   * The update of an estimator with a fused typed-array update: that function per layer (the
   * estimate, its chain rule and the baseline moments in one pass), then the tfjs optimiser.
   */
  private typedUpdate(batch: Batch): { signalMean: number; criticLoss: number } {
    const M = batch.rows;
    const net = this.network;
    const fused = this.estimator.fusedUpdate;
    if (!fused) throw new RangeError(`updatePath 'typed' needs an estimator with a fused typed-array update, got '${this.estimator.id}'`);
    const baselines = this.state.baselines;
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
    signal = this.finishSignal(signal, batch.returns, batch);
    // Per-weight baselines (option baseline 'optimal-per-weight') keep a ratio per synapse, which
    // the kernel threads and the f32 kernels (one L̄ per unit) cannot take: float64, one pass per layer.
    if (baselines.some((b) => b instanceof PerWeightOptimalBaseline)) return { signalMean: this.perWeightStep(batch, signal), criticLoss };
    const grads: Float32Array[] = [];
    const moments = net.shapes.map((s) => ({ signal: 0, e2: new Float64Array(s.nOut), e2Signal: new Float64Array(s.nOut) }));
    const pool = net.pool;
    // The kernel threads' workers hold `reinforceUpdate`, so only it is split between them.
    if (pool && fused === reinforceUpdate && batch.layers.every((b) => isShared(b.x) && isShared(b.h) && isShared(b.p))) {
      // On the kernel threads, split by units (segment credit: the batch is the shared slab).
      const tasks: UpdateTask[] = net.shapes.map((s, l) => {
        const b = batch.layers[l]!;
        const bl = baselines[l]?.valueArray(s.nOut) ?? NO_BASELINE;
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
      // On the f32 path, `reinforceUpdate` of a one-unit layer or of one with at most 4 inputs runs
      // on the float32 kernels (the records are resident there); other layers keep float64.
      const f32 = fused === reinforceUpdate ? net.f32 : undefined;
      let signalMean = Number.NaN;
      for (const [l, s] of net.shapes.entries()) {
        const b = batch.layers[l]!;
        const dW = new Float32Array(s.nIn * s.nOut);
        const db = new Float32Array(s.nOut);
        const bl = baselines[l]?.valueArray(s.nOut) ?? NO_BASELINE;
        const out = { dW, db, moments: moments[l]! };
        if (f32 && (s.nOut === 1 || s.nIn <= 4)) {
          if (s.nOut === 1) f32.updateSingle(b.x, b.h, b.p, signal, bl, M, s.nIn, out);
          else f32.updateFew(b.x, b.h, b.p, signal, bl, M, s.nIn, s.nOut, out);
          if (Number.isNaN(signalMean)) {
            signalMean = 0;
            for (let r = 0; r < M; r++) signalMean += signal[r]!;
            signalMean /= M;
          }
          out.moments.signal = signalMean;
        } else fused(b.x, b.h, b.p, signal, bl, M, s.nIn, s.nOut, out);
        grads.push(dW, db);
      }
    }
    this.step(grads);
    for (const [l, b] of baselines.entries()) b?.updateFromMoments(moments[l]!);
    this.lastGrads = grads;
    return { signalMean: moments[0]!.signal, criticLoss };
  }

  /**
   * The typed update of layers with per-weight baselines (`perWeightUpdate`), the others by
   * `reinforceUpdate`, then the optimiser and the baselines' running averages. Returns the signal mean.
   */
  private perWeightStep(batch: Batch, signal: Float32Array): number {
    const M = batch.rows;
    const net = this.network;
    const baselines = this.state.baselines;
    const grads: Float32Array[] = [];
    const fold: (() => void)[] = [];
    let signalMean = 0;
    for (const [l, s] of net.shapes.entries()) {
      const b = batch.layers[l]!;
      const dW = new Float32Array(s.nIn * s.nOut);
      const db = new Float32Array(s.nOut);
      const bl = baselines[l];
      if (bl instanceof PerWeightOptimalBaseline) {
        const moments = emptyPerWeightMoments(s.nIn, s.nOut);
        perWeightUpdate(b.x, b.h, b.p, signal, bl.weightValues(), bl.valueArray(s.nOut), M, s.nIn, s.nOut, { dW, db, moments });
        fold.push(() => bl.updatePerWeight(moments));
        signalMean = moments.signal;
      } else {
        const moments = { signal: 0, e2: new Float64Array(s.nOut), e2Signal: new Float64Array(s.nOut) };
        reinforceUpdate(b.x, b.h, b.p, signal, bl?.valueArray(s.nOut) ?? NO_BASELINE, M, s.nIn, s.nOut, { dW, db, moments });
        if (bl) fold.push(() => bl.updateFromMoments(moments));
        signalMean = moments.signal;
      }
      grads.push(dW, db);
    }
    this.step(grads);
    for (const f of fold) f();
    this.lastGrads = grads;
    return signalMean;
  }

  /** The update with every step of the formula as a tfjs op (every estimator). */
  private tensorUpdate(batch: Batch): { signalMean: number; criticLoss: number } {
    const M = batch.rows;
    const net = this.network;
    const L = net.shapes.length;
    const est = this.estimator;
    const state = this.state;
    let signalMean = Number.NaN;
    let criticLoss = Number.NaN;
    const grads: Float32Array[] = [];
    tf.tidy(() => {
      const T: LayerTensors[] = net.shapes.map((s, l) => {
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
      if (est.transformSignal || this.options.signalNormalization !== 'none') {
        const s = Float32Array.from(signal.dataSync());
        signal = tf.tensor2d(this.finishSignal(s, batch.returns, batch), [M, 1]);
      }
      signalMean = tf.mean(signal).dataSync()[0]!;
      const named: tf.NamedTensorMap = {};
      let above: tf.Tensor2D | undefined;
      const pairOf = (l: number): PairTensors | undefined => {
        const pr = batch.pair;
        if (!pr) return undefined;
        const n = net.shapes[l]!.nOut;
        const diff = new Float32Array(M);
        for (let r = 0; r < M; r++) diff[r] = Number.isNaN(pr.partnerReturn[r]!) ? 0 : batch.returns[r]! - pr.partnerReturn[r]!;
        return { diff: tf.tensor2d(diff, [M, 1]), coincide: tf.tensor2d(pr.coincide[l]!.subarray(0, M), [M, 1]), partnerH: tf.tensor2d(pr.partnerH[l]!.subarray(0, M * n), [M, n]) };
      };
      for (let l = L - 1; l >= 0; l--) {
        const t = T[l]!;
        const baseline = state.baselines[l]?.value();
        const pair = pairOf(l);
        const extra = { ...(pair ? { pair } : {}) };
        const g =
          l === L - 1
            ? est.headGradient
              ? est.headGradient({ units: t, signal, baseline, headKind: net.head.kind, state, ...extra })
              : reinforceGrad(t.h, t.p, signal, baseline)
            : est.hiddenGradient({
                layer: l,
                units: t,
                signal,
                above: { weights: net.weights[l + 1]!, estimate: above!, units: T[l + 1]! },
                unit: net.units[l]!.op,
                baseline,
                state,
                ...extra,
                ...(l + 1 === L - 1 ? { aboveHeadKind: net.head.kind } : {}),
              });
        const dW = tf.div(tf.matMul(t.x, g, true, false), M) as tf.Tensor2D;
        const db = tf.mean(g, 0, true) as tf.Tensor2D;
        named[net.weights[l]!.name] = tf.neg(dW);
        if (this.learnsBias(l)) named[net.biases[l]!.name] = tf.neg(db);
        grads[2 * l] = dW.dataSync() as Float32Array;
        grads[2 * l + 1] = db.dataSync() as Float32Array;
        above = g;
      }
      this.optimizer.applyGradients(named);
      for (let l = 0; l < L; l++) state.baselines[l]?.update(T[l]!.h, T[l]!.p, signal);
      if (state.biasDelta) {
        for (let l = 0; l < L; l++) {
          const delta = state.biasDelta(l, batch.layers[l]!.h, M);
          if (delta && this.learnsBias(l)) net.biases[l]!.assign(tf.add(net.biases[l]!, tf.tensor2d(delta, [1, delta.length])) as tf.Tensor2D);
        }
      }
    });
    this.lastGrads = grads.map((g) => g.slice());
    return { signalMean, criticLoss };
  }

  /** Releases the optimiser's and the baselines' tensors. */
  dispose(): void {
    this.optimizer.dispose();
    for (const b of this.state.baselines) b?.dispose();
  }
}
