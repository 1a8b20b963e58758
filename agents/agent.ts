/**
 * The broadcast agent: a network of stochastic units that learns only from the reward stream.
 *
 * - `act(observations)` samples actions for a batch of sub-envs and records what each unit did.
 * - `learnFrom(events$)` is the only way rewards reach the agent. It returns a cold Observable of
 *   {@link LearnEvent}s; subscribing connects the agent to the broadcast. Learning happens inside
 *   that pipeline, so an error (a NaN reward, say) reaches whoever subscribed. One agent learns
 *   from one stream at a time: a second subscription while one is active errors at once.
 *
 * The concerns live in their own files: the options (`options.ts`), the learner with its signal,
 * critic, optimiser and schedule (`learner.ts`), temporal credit (`credit.ts`), the network and its
 * unit kinds (`network.ts`, `units/`). This file is acting, the subscription, and persistence.
 *
 * What act and learn share: the records the forward pass writes (owned by the credit mode, read by
 * the next step event) and a flag saying an action awaits its reward. Nothing else.
 *
 * @module
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeMap, Observable } from 'rxjs';
import { Rng } from '../src/core/rng.js';
import type { Space } from '../src/core/spaces.js';
import { estimatorFor, type Estimator, type LayerState } from '../src/estimators/index.js';
import type { RewardEvent, StepEvent } from '../src/stream/events.js';
import { Critic } from './critic.js';
import { creditFor, type Credit } from './credit.js';
import { headFor } from './heads.js';
import { InputEncoder } from './inputs.js';
import { Learner, type LearnEvent, type RowStats } from './learner.js';
import { PolicyNetwork } from './network.js';
import { resolveAgentOptions, type AgentOptions, type ResolvedAgentOptions } from './options.js';
import { unitKind } from './units/index.js';

export { AGENT_DEFAULTS, agentOptionsSchema, parseAgentOptions, resolveAgentOptions, type AgentOptions, type CreditMode, type ResolvedAgentOptions } from './options.js';
export type { LearnEvent, RowStats } from './learner.js';

/** A network of stochastic units trained from the reward broadcast. */
export class BroadcastAgent {
  /** The resolved options. */
  readonly options: ResolvedAgentOptions;
  /** The estimator. */
  readonly estimator: Estimator;
  /** The policy network. */
  readonly network: PolicyNetwork;
  /** The critic, for critic baselines. */
  readonly critic: Critic | undefined;
  /** Encodes observations into inputs. */
  readonly encoder: InputEncoder;
  private rng: Rng;
  private readonly learner: Learner;
  private readonly credit: Credit;
  private readonly obsSize: number;
  private readonly actSize: number;
  private learning = false;

  // Acting state.
  private rows = 0;
  private input = new Float32Array(0);
  private actions: Float32Array = new Float32Array(0);
  private uniforms = new Float32Array(0);
  private pending = false;
  private values = new Float32Array(0);
  private greedyInput = new Float32Array(0);
  private greedyActions = new Float32Array(0);
  private readonly greedyScratch: Float32Array[] = [];

  /**
   * @param observationSpace one sub-env's observation space
   * @param actionSpace one sub-env's action space
   * @param options see {@link AgentOptions}
   */
  constructor(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: AgentOptions = {}) {
    this.options = resolveAgentOptions(options, actionSpace);
    const o = this.options;
    this.estimator = estimatorFor(o.estimator);
    this.rng = Rng.fromSeed(o.seed);
    const initRng = this.rng.spawn();
    this.encoder = new InputEncoder(observationSpace);
    this.obsSize = observationSpace.flatSize;
    const head = headFor(actionSpace, o.head);
    this.actSize = head.actSize;
    this.network = new PolicyNetwork(this.encoder.size, o.hidden, unitKind(this.estimator.hiddenKind), head, initRng, o.noiseStd, o.threads);
    this.network.keepUniforms = this.estimator.keepsUniforms === true;
    this.critic = Learner.needsCritic(o) ? new Critic(this.encoder.size, o.criticHidden, o.criticLearningRate, initRng) : undefined;
    this.learner = new Learner(this.network, this.estimator, o, this.critic);
    this.credit = creditFor(o.credit, {
      network: this.network,
      learner: this.learner,
      options: o,
      obsSize: this.obsSize,
      valueOf: (obs, rows) => this.valueOf(obs, rows),
    });
  }

  /** Updates run so far. */
  get updates(): number {
    return this.learner.updates;
  }

  /**
   * Rows that entered updates so far, how many of them were sampled under weights other than the
   * ones their update changed (0 for exactly on-policy learning), and how many rows were sampled
   * but never used (`batching: 'sync'` drops the rows of episodes it does not collect).
   */
  get rowStats(): RowStats & { readonly dropped: number } {
    return { ...this.learner.rowStats, dropped: this.credit.dropped ?? 0 };
  }

  /**
   * The ascent direction (ΔW, Δb per layer, before the optimiser) of the last update, as
   * [W0, b0, W1, b1, …]. For inspection and tests.
   */
  lastGradients(): Float32Array[] {
    return this.learner.lastGradients();
  }

  /** The estimator's running state (baselines and any per-layer state), for inspection. */
  get estimatorState(): Learner['state'] {
    return this.learner.state;
  }

  /**
   * The fitted per-unit maps of each layer's state that has them (`learned-correction`'s hidden
   * layers); undefined elsewhere.
   */
  correctionCoefficients(): ({ intercept: number[]; slope: number[] } | undefined)[] {
    return this.learner.state.layers.map((s) => (s as (LayerState & { coefficients?: () => { intercept: number[]; slope: number[] } }) | undefined)?.coefficients?.());
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
    this.network.forward(this.input, rows, this.credit.records, this.rng, this.actions, this.uniforms);
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
    return this.learner.currentLearningRate;
  }

  private allocate(rows: number): void {
    this.rows = rows;
    this.credit.allocate(rows);
    this.input = new Float32Array(rows * this.encoder.size);
    this.actions = this.network.alloc(rows * this.actSize);
  }

  /**
   * Connects the agent to a reward broadcast. Subscribing starts learning; each update emits a
   * {@link LearnEvent}. A non-finite reward, or a reward with no action before it, errors the stream.
   * An agent learns from one subscription at a time (its buffers and counters are one agent's, not
   * one subscription's): subscribing again while a subscription is active errors the new
   * subscriber, instead of learning twice from every reward. After unsubscribing, a new
   * subscription continues where the agent is.
   *
   * ## Example
   * ```ts
   * const sub = agent.learnFrom(venv.events$).subscribe({ error: (e) => (failure = e) });
   * ```
   */
  learnFrom(events$: Observable<RewardEvent>): Observable<LearnEvent> {
    return new Observable<LearnEvent>((subscriber) => {
      if (this.learning) {
        subscriber.error(new Error('learnFrom: this agent is already learning from a subscription; unsubscribe it first (a second one would learn twice from every reward)'));
        return undefined;
      }
      this.learning = true;
      const inner = events$
        .pipe(mergeMap((e): LearnEvent[] => (e.kind === 'step' ? this.onStep(e) : e.kind === 'reset' ? this.onReset() : [])))
        .subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        this.learning = false;
      };
    });
  }

  private onReset(): LearnEvent[] {
    this.credit.reset();
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
    this.learner.envSteps = e.envSteps;
    return this.credit.step(e);
  }

  /** V of raw observations, encoded without updating the input statistics. */
  private valueOf(obs: ArrayLike<number>, rows: number): Float32Array {
    if (this.values.length < rows * this.encoder.size) this.values = new Float32Array(rows * this.encoder.size);
    const saved = this.encoder.updateStats;
    this.encoder.updateStats = false;
    this.encoder.encode(obs, rows, this.values);
    this.encoder.updateStats = saved;
    return this.critic!.values(this.values, rows);
  }

  // ---- persistence ----

  /** Everything needed to restore the agent: config, weights, baselines, critic, input statistics. */
  toJSON(): AgentSnapshot {
    return {
      format: 'rewardcast-agent/1',
      options: this.options,
      shapes: this.network.shapes.map((s) => [s.nIn, s.nOut]),
      network: this.network.snapshot(),
      baselines: this.learner.state.baselines.map((b) => b?.state() ?? null),
      corrections: this.learner.state.layers.map((c) => c?.state() ?? null),
      critic: this.critic?.snapshot() ?? null,
      encoder: this.encoder.state(),
      rng: this.rng.state(),
      updates: this.learner.updates,
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
    snap.baselines.forEach((b, l) => b && this.learner.state.baselines[l]?.load(b));
    snap.corrections.forEach((c, l) => c && this.learner.state.layers[l]?.load(c));
    if (snap.critic && this.critic) this.critic.restore(snap.critic);
    this.encoder.load(snap.encoder);
    this.rng = Rng.fromState(snap.rng);
    this.learner.updates = snap.updates;
  }

  /** Releases every tensor the agent holds. */
  dispose(): void {
    this.network.dispose();
    this.critic?.dispose();
    this.learner.dispose();
  }
}

/** The saved form of an agent (JSON). */
export interface AgentSnapshot {
  /** Format tag. */
  readonly format: 'rewardcast-agent/1';
  /** The resolved options. */
  readonly options: ResolvedAgentOptions;
  /** [nIn, nOut] per layer. */
  readonly shapes: number[][];
  /** Weights and biases. */
  readonly network: { W: number[][]; b: number[][] };
  /** Baseline state per layer. */
  readonly baselines: (Record<string, number[]> | null)[];
  /** The estimator's further per-layer state (learned corrections), under its historical name. */
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
  // Agents saved before the option `kernel` was renamed `updatePath` load as they were.
  const { kernel, ...rest } = snap.options as ResolvedAgentOptions & { kernel?: ResolvedAgentOptions['updatePath'] };
  const options: AgentOptions = kernel === undefined ? rest : { ...rest, updatePath: kernel };
  const agent = new BroadcastAgent(observationSpace, actionSpace, options);
  try {
    agent.loadJSON(snap);
  } catch (e) {
    agent.dispose();
    throw new Error(`loadAgent: ${path}: ${(e as Error).message}`);
  }
  return agent;
}
