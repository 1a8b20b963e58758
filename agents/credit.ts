/**
 * Temporal credit: how the rewards of a step reach the transitions that earned them. One class
 * per mode behind {@link Credit}; the agent picks one by the option `credit` and otherwise only
 * forwards events to it.
 *
 * - {@link EpisodeCredit} (`'episode'`, default): a sub-env's transitions wait until its episode
 *   ends; then G_t is computed and they join the ready pool. With `batching: 'sync'` (default) an
 *   update runs once the pool holds `batchSize` transitions and every episode collected for it
 *   has ended, and episodes begun after the pool filled are not collected, so every row was
 *   sampled by the weights the update changes; with `batching: 'pooled'` an update runs as soon
 *   as the pool holds `batchSize` transitions, and episodes still running carry rows sampled under
 *   earlier weights into later updates. Truncated episodes bootstrap from the critic when there
 *   is one.
 *
 * Each row carries its weights version (the update count when it was sampled); the learner
 * counts the rows of each update whose version is not its own (`LearnEvent.offPolicyRows`).
 * - {@link SegmentCredit} (`'segment'`): every `rolloutLength` steps all buffers are flushed and one
 *   update runs; an unfinished episode's tail is bootstrapped from V(s) with a critic, else cut (G
 *   counts only the rewards inside the segment).
 * - {@link TraceCredit} (`'traces'`): online eligibility traces, e ← γλ·e + (h − p)·xᵀ for every
 *   weight, and W ← W + α·δ·e on every reward event, where δ is the reward (no critic) or the TD
 *   error (critic). With λ = 1, no critic and updates summed over an episode, this equals
 *   `'episode'` credit (see the tests). Off-policy by construction: a trace carries the (h − p)·x
 *   of earlier steps, sampled under earlier weights, into every later update of its episode (they
 *   are counted in `offPolicyRows`). Needs an estimator whose rule is (h − p)·δ for every unit
 *   (`Estimator.traces`), and a baseline that does not need the whole return.
 *
 * The one state act and learn share: the agent's forward pass writes each step's records into
 * {@link Credit.records}, and the next step event reads them (the agent checks that every reward
 * follows an action).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SignalRows } from '../src/estimators/index.js';
import type { StepEvent } from '../src/stream/events.js';
import type { Batch, LearnEvent, Learner } from './learner.js';
import type { LayerRecord, PolicyNetwork } from './network.js';
import type { CreditMode, ResolvedAgentOptions } from './options.js';
import { PairedEpisodeCredit } from './pairing.js';
import { lambdaReturns, poolBatch, rewardToGo, segmentLambdaReturns, segmentReturns, TransitionBuffer } from './rollout.js';

/** What a credit mode may use of its agent. */
export interface CreditContext {
  /** The policy network (shapes and record allocation). */
  readonly network: PolicyNetwork;
  /** The learner (the critic, and the update itself). */
  readonly learner: Learner;
  /** The agent's options. */
  readonly options: ResolvedAgentOptions;
  /** V of raw observations (rows × obsSize), encoded without updating the input statistics. */
  valueOf(observations: ArrayLike<number>, rows: number): Float32Array;
  /** Raw observation size. */
  readonly obsSize: number;
}

/** A temporal-credit mode. */
export interface Credit {
  /** Where the next forward pass writes its records (valid until the next step or reset). */
  readonly records: LayerRecord[];
  /** Makes the buffers for `rows` sub-envs (before the first act, and when the count changes). */
  allocate(rows: number): void;
  /** A reset of every sub-env: unfinished episodes are dropped. */
  reset(): void;
  /** One step's rewards, for the records of the last act; returns the updates it ran. */
  step(e: StepEvent): LearnEvent[];
  /** Rows sampled and never used in an update, if the mode drops any. */
  readonly dropped?: number;
}

/** Makes the credit mode an agent's options ask for. */
export function creditFor(mode: CreditMode, ctx: CreditContext): Credit {
  const modes: Record<CreditMode, () => Credit> = {
    episode: () => (ctx.learner.estimator.pairing ? new PairedEpisodeCredit(ctx) : new EpisodeCredit(ctx)),
    segment: () => new SegmentCredit(ctx),
    traces: () => new TraceCredit(ctx),
  };
  return modes[mode]();
}

/** Episode credit (see the module header). */
export class EpisodeCredit implements Credit {
  records: LayerRecord[] = [];
  private episodes: TransitionBuffer[] = [];
  private readonly ready: TransitionBuffer;
  /** The sub-env and length of each episode in the ready pool, in pool order. */
  private readonly readyEpisodes: { env: number; rows: number }[] = [];
  /** `'sync'` batching: whether sub-env i's running episode is collected for the next update. */
  private collecting = new Uint8Array(0);
  /** `'sync'` batching: whether the pool holds `batchSize` rows (episodes starting now are not collected). */
  private closed = false;
  /** Rows sampled but not collected (`'sync'` batching). */
  dropped = 0;

  constructor(private readonly ctx: CreditContext) {
    this.ready = new TransitionBuffer(ctx.network.shapes);
  }

  allocate(rows: number): void {
    this.records = this.ctx.network.allocRecords(rows);
    this.episodes = Array.from({ length: rows }, () => new TransitionBuffer(this.ctx.network.shapes));
    this.collecting = new Uint8Array(rows).fill(1);
    this.closed = false;
  }

  reset(): void {
    for (const b of this.episodes) b.clear();
    this.collecting.fill(1);
    this.closed = this.ready.rows >= this.ctx.options.batchSize;
  }

  step(e: StepEvent): LearnEvent[] {
    // No update runs between an act and its step event, so the rows of this step were sampled
    // under the weights of the current update count.
    const version = this.ctx.learner.updates;
    if (this.ctx.options.batching === 'pooled') {
      for (let i = 0; i < e.numEnvs; i++) this.episodes[i]!.pushRow(this.records, i, e.rewards[i]!, version);
      this.flushEnded(e);
      return this.ready.rows < this.ctx.options.batchSize ? [] : [this.updateFromPool()];
    }
    for (let i = 0; i < e.numEnvs; i++) {
      if (this.collecting[i]) this.episodes[i]!.pushRow(this.records, i, e.rewards[i]!, version);
      else this.dropped += 1;
    }
    this.flushEnded(e);
    if (this.ready.rows >= this.ctx.options.batchSize) this.closed = true;
    // A sub-env whose episode ended starts its next one now: collected unless the pool is full.
    for (let i = 0; i < e.numEnvs; i++) if (e.terminated[i] || e.truncated[i]) this.collecting[i] = this.closed ? 0 : 1;
    if (!this.closed || this.collecting.includes(1)) return [];
    const event = this.updateFromPool();
    // Rows from now on are sampled under the new weights: collect every sub-env again.
    this.collecting.fill(1);
    this.closed = false;
    return [event];
  }

  /** One update from the ready pool, which it empties. */
  private updateFromPool(): LearnEvent {
    const event = this.ctx.learner.update(this.readyBatch());
    this.ready.clear();
    this.readyEpisodes.length = 0;
    return event;
  }

  /** The ready pool as a batch (views; emptied after the update). */
  private readyBatch(): Batch {
    return poolBatch(this.ready, this.readyEpisodes.slice());
  }

  /** Flushes the buffers of sub-envs whose episode ended on this step. */
  private flushEnded(e: StepEvent): void {
    const critic = this.ctx.learner.critic;
    for (let i = 0; i < e.numEnvs; i++) {
      if (!e.terminated[i] && !e.truncated[i]) continue;
      if (this.episodes[i]!.rows === 0) continue;
      let bootstrap = 0;
      if (!e.terminated[i] && critic) {
        const fin = e.finalObservations?.[i];
        if (fin) bootstrap = this.ctx.valueOf(fin, 1)[0]!;
      }
      this.flush(i, bootstrap);
    }
  }

  private flush(env: number, bootstrap: number): void {
    const buf = this.episodes[env]!;
    const critic = this.ctx.learner.critic;
    const { gamma, criticLambda: lam } = this.ctx.options;
    const G = critic && lam < 1 ? lambdaReturns(buf.values.view(), critic.values(buf.layers[0]!.x.view(), buf.rows), gamma, lam, bootstrap) : rewardToGo(buf.values.view(), gamma, bootstrap);
    this.readyEpisodes.push({ env, rows: buf.rows });
    this.ready.takeFrom(buf, G);
  }
}

/** Segment credit (see the module header). */
export class SegmentCredit implements Credit {
  records: LayerRecord[] = [];
  private rows = 0;
  private steps = 0;
  private slotViews: LayerRecord[][] = [];
  private slab: LayerRecord[] = [];
  private rewards = new Float32Array(0);
  private done = new Uint8Array(0);
  private boot = new Float32Array(0);
  private versions = new Float32Array(0);

  constructor(private readonly ctx: CreditContext) {}

  allocate(rows: number): void {
    // Step-major slabs: the forward pass of step t writes straight into rows t·B … t·B + B − 1,
    // so a segment's batch is ready without copying a row.
    const net = this.ctx.network;
    const T = this.ctx.options.rolloutLength;
    this.rows = rows;
    this.slab = net.allocRecords(rows * T);
    this.slotViews = Array.from({ length: T }, (_, t) =>
      this.slab.map((r, l) => {
        const { nIn, nOut } = net.shapes[l]!;
        const v = (a: Float32Array, n: number): Float32Array => (a.length ? a.subarray(t * rows * n, (t + 1) * rows * n) : a);
        return { x: v(r.x, nIn), a: v(r.a, nOut), p: v(r.p, nOut), h: v(r.h, nOut), aux: v(r.aux, nOut) };
      }),
    );
    this.rewards = new Float32Array(rows * T);
    this.done = new Uint8Array(rows * T);
    this.boot = new Float32Array(rows * T);
    this.versions = new Float32Array(rows * T);
    this.steps = 0;
    this.records = this.slotViews[0]!;
  }

  reset(): void {
    this.steps = 0;
    if (this.slotViews.length) this.records = this.slotViews[0]!;
  }

  /**
   * The step's rewards go into the slab; after `rolloutLength` steps the returns are computed
   * backwards over the slab (an episode that ended inside the segment restarts the sum: 0 after
   * termination, V(final observation) after truncation with a critic), the tail of each sub-env
   * bootstrapped from V(s) with a critic, and one update runs.
   */
  step(e: StepEvent): LearnEvent[] {
    const B = this.rows;
    const t = this.steps;
    const critic = this.ctx.learner.critic;
    for (let i = 0; i < B; i++) {
      const k = t * B + i;
      this.rewards[k] = e.rewards[i]!;
      this.done[k] = e.terminated[i] ? 1 : e.truncated[i] ? 2 : 0;
      this.boot[k] = 0;
      this.versions[k] = this.ctx.learner.updates;
      if (this.done[k] === 2 && critic) {
        const fin = e.finalObservations?.[i];
        if (fin) this.boot[k] = this.ctx.valueOf(fin, 1)[0]!;
      }
    }
    this.steps += 1;
    const T = this.ctx.options.rolloutLength;
    if (this.steps < T) {
      this.records = this.slotViews[this.steps]!;
      return [];
    }
    this.steps = 0;
    this.records = this.slotViews[0]!;
    const tail = critic ? this.ctx.valueOf(e.observations, B) : new Float32Array(B);
    const { gamma, criticLambda: lam } = this.ctx.options;
    const returns =
      critic && lam < 1
        ? segmentLambdaReturns(this.rewards, this.done, this.boot, tail, critic.values(this.slab[0]!.x, B * T), B, T, gamma, lam)
        : segmentReturns(this.rewards, this.done, this.boot, tail, B, T, gamma);
    const layers = this.slab.map((r) => ({ x: r.x, a: r.a, p: r.p, h: r.h, aux: r.aux }));
    const done = this.done;
    return [this.ctx.learner.update({ rows: B * T, layers, returns, versions: this.versions, signalRows: () => segmentRows(done, B, T) })];
  }
}

/** Sub-env and episode of each row of a step-major segment of B sub-envs × T steps. */
function segmentRows(done: Uint8Array, B: number, T: number): SignalRows {
  const rows = B * T;
  const env = new Int32Array(rows);
  const episode = new Int32Array(rows);
  const current = Int32Array.from({ length: B }, (_, i) => i);
  let next = B;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < B; i++) {
      const k = t * B + i;
      env[k] = i;
      episode[k] = current[i]!;
      if (done[k]) current[i] = next++;
    }
  }
  return { rows, env, episode };
}

/** The state of one sub-env's trace, per layer: weight and bias traces. */
interface Trace {
  readonly w: Float32Array[];
  readonly b: Float32Array[];
}

/** Online eligibility traces (see the module header). */
export class TraceCredit implements Credit {
  records: LayerRecord[] = [];
  private traces: Trace[] = [];
  private sum: Trace;
  private steps = 0;
  /** Per sub-env, the rows of its running episode (live in its trace). */
  private live: number[] = [];
  /** Rows live in the traces at the last update, sampled under earlier weights. */
  private carried = 0;

  constructor(private readonly ctx: CreditContext) {
    this.sum = this.zeroTrace();
  }

  allocate(rows: number): void {
    this.records = this.ctx.network.allocRecords(rows);
    this.traces = Array.from({ length: rows }, () => this.zeroTrace());
    this.sum = this.zeroTrace();
    this.live = new Array<number>(rows).fill(0);
    this.carried = 0;
  }

  reset(): void {
    for (const t of this.traces) clearTrace(t);
    this.live.fill(0);
    this.carried = 0;
  }

  private zeroTrace(): Trace {
    const shapes = this.ctx.network.shapes;
    return { w: shapes.map((s) => new Float32Array(s.nIn * s.nOut)), b: shapes.map((s) => new Float32Array(s.nOut)) };
  }

  step(e: StepEvent): LearnEvent[] {
    const o = this.ctx.options;
    const net = this.ctx.network;
    const decay = o.gamma * o.lambda;
    let delta: Float32Array = Float32Array.from(e.rewards);
    if (this.ctx.learner.critic) delta = this.tdErrors(e);
    const sum = this.sum;
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
      this.live[i] = this.live[i]! + 1;
      if (e.terminated[i] || e.truncated[i]) {
        clearTrace(tr);
        this.live[i] = 0;
      }
    }
    this.steps += e.numEnvs;
    const ended = e.terminated.some((v) => v === 1) || e.truncated.some((v) => v === 1);
    if (o.traceUpdate === 'episode' && !ended) return [];
    return [this.applySum()];
  }

  /** δ = r + γ·V(s′) − V(s) of every sub-env (V(s′) = 0 after termination), fitting the critic to the targets. */
  private tdErrors(e: StepEvent): Float32Array {
    const critic = this.ctx.learner.critic!;
    const rows = e.numEnvs;
    const size = this.ctx.network.shapes[0]!.nIn;
    const v = critic.values(this.records[0]!.x, rows);
    const next = new Float32Array(rows * this.ctx.obsSize);
    next.set(e.observations);
    for (let i = 0; i < rows; i++) {
      const fin = e.finalObservations?.[i];
      if (fin) next.set(fin, i * this.ctx.obsSize);
    }
    const vNext = this.ctx.valueOf(next, rows);
    const delta = new Float32Array(rows);
    const target = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      target[i] = e.rewards[i]! + (e.terminated[i] ? 0 : this.ctx.options.gamma * vNext[i]!);
      delta[i] = target[i]! - v[i]!;
    }
    tf.tidy(() => {
      const x = tf.tensor2d(this.records[0]!.x.subarray(0, rows * size), [rows, size]);
      const y = tf.tensor2d(target, [rows, 1]);
      for (let k = 0; k < this.ctx.options.criticSteps; k++) critic.fit(x, y);
    });
    return delta;
  }

  private applySum(): LearnEvent {
    const net = this.ctx.network;
    const n = this.steps;
    const grads: Float32Array[] = [];
    for (const [l] of net.shapes.entries()) {
      grads[2 * l] = this.sum.w[l]!.map((v) => v / n);
      grads[2 * l + 1] = this.sum.b[l]!.map((v) => v / n);
    }
    // The update's rows: those sampled since the last update, and those still live in the traces
    // then, sampled under earlier weights (none when γλ = 0: they no longer count).
    const event = this.ctx.learner.applyAscent(grads, n, this.carried);
    const { gamma, lambda } = this.ctx.options;
    this.carried = gamma * lambda > 0 ? this.live.reduce((a, b) => a + b, 0) : 0;
    clearTrace(this.sum);
    this.steps = 0;
    return event;
  }
}

function clearTrace(t: Trace): void {
  for (const w of t.w) w.fill(0);
  for (const b of t.b) b.fill(0);
}
