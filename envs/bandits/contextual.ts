/**
 * `ContextualBandit-v0`: a few Bernoulli bandits, one per context, the context shown to the agent —
 * associative search after Sutton & Barto (2018, §2.9).
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Discrete, describeValue } from '../../src/core/spaces.js';
import {
  PROBABILITY,
  assertArrayLike,
  notResetError,
  numberVector,
  positiveInteger,
  readOptions,
  renderLine,
  renderModeOption,
  resetInfo,
  stepInfo,
  type BanditRenderMode,
  type BanditResetInfo,
  type BanditStepInfo,
  type Pull,
} from './common.js';

/** Number of contexts when `probs` is not given: "a few" bandit tasks, as in §2.9's associative search. Unit: contexts. */
const DEFAULT_CONTEXTS = 4;
/** Number of arms per context when `probs` is not given. Unit: arms. */
const DEFAULT_ARMS = 4;
/** Lower end of the uniform distribution each success probability is drawn from. Unit: probability. */
const PROB_LOW = 0;
/** Upper end of that distribution: p[c][a] ~ U(0, 1), as in `BernoulliBandit-v0`. Unit: probability. */
const PROB_HIGH = 1;
/** Reward of a success. Unit: reward. */
const REWARD_SUCCESS = 1;
/** Reward of a failure. Unit: reward. */
const REWARD_FAILURE = 0;

const NAME = 'ContextualBandit';
const OPTION_NAMES = ['numContexts', 'k', 'probs', 'renderMode'] as const;

/** `info` returned by {@link ContextualBandit.reset}: the current context and its arms. */
export type ContextualBanditResetInfo = BanditResetInfo & {
  /** The current context (also the observation). */
  readonly context: number;
};

/** `info` returned by {@link ContextualBandit.step}: the pull just made, in its context. */
export type ContextualBanditStepInfo = BanditStepInfo & {
  /** The context the pull was made in. */
  readonly context: number;
};

/** Options of {@link ContextualBandit}. */
export interface ContextualBanditOptions {
  /** Number of contexts, a positive integer. @default 4, or the number of rows of `probs` */
  readonly numContexts?: number;
  /** Number of arms, a positive integer. @default 4, or the number of columns of `probs` */
  readonly k?: number;
  /**
   * Fixed success probabilities as a contexts × arms table: `probs[c][a]` in [0, 1], every row of
   * the same length. When given they are never redrawn.
   * @default drawn p[c][a] ~ U(0, 1) on the first reset and on every seeded reset
   */
  readonly probs?: ArrayLike<ArrayLike<number>>;
  /** Render mode; only text (`'ansi'`) is supported, and `render` returns text in any case. @default undefined */
  readonly renderMode?: BanditRenderMode;
}

/**
 * ## Description
 * A contextual bandit — the associative search task of Sutton & Barto (2018, §2.9): several
 * k-armed Bernoulli bandit tasks, one per context, and at each pull one of them is chosen uniformly
 * at random and its index shown to the agent. Pulling arm a in context c pays 1 with probability
 * p[c][a], else 0. A good policy maps each context to its best arm; an agent that ignores the
 * context can only do as well as the best arm on average.
 *
 * The table p is the task instance: drawn from the env's RNG on the first `reset` and again on
 * every `reset` given a seed; a plain `reset()` keeps it and draws only a new context.
 *
 * Each pull is a one-step episode, so the episode return is the reward and regret per episode is
 * well defined. `info` (see {@link ContextualBanditResetInfo}, {@link ContextualBanditStepInfo})
 * reports the context, its optimal arm and a copy of its row of p; `step`'s info also reports the
 * expected regret max_b p[c][b] − p[c][a] and whether the pull was optimal for its context.
 *
 * ## Action Space
 * `Discrete(k)`: action a pulls arm a.
 *
 * ## Observation Space
 * `Discrete(numContexts)`: the index of the current context (wrap in `OneHotObservation` for a
 * vector).
 *
 * | Num | Observation   | Min | Max             |
 * |-----|---------------|-----|-----------------|
 * | 0   | context index | 0   | numContexts − 1 |
 *
 * ## Rewards
 * 1 with probability p[c][a] for context c and pulled arm a, else 0.
 *
 * ## Starting State
 * The context is drawn uniformly from {0, …, numContexts − 1} at every reset. On the first reset
 * (and each seeded reset) p[c][a] ~ U(0, 1) independently, unless `probs` was given; the table is
 * drawn before the context.
 *
 * ## Episode End
 * Every step terminates the episode (`terminated: true`) and returns the same context as its
 * observation; `reset` draws the next context. The env never truncates.
 *
 * ## Arguments
 * - `numContexts`: number of contexts, a positive integer (default 4, or the rows of `probs`).
 * - `k`: number of arms, a positive integer (default 4, or the columns of `probs`).
 * - `probs`: fixed success probabilities, a numContexts × k table of numbers in [0, 1].
 * - `renderMode`: `'ansi'` or undefined.
 *
 * ```ts
 * const env = new ContextualBandit({ probs: [[0.9, 0.1], [0.1, 0.9]] });
 * const { observation: context } = env.reset({ seed: 0 });
 * env.step(context); // the best arm equals the context here
 * ```
 *
 * ## Version History
 * - v0: first version.
 *
 * Reference: R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT
 * Press, 2018, §2.9 (associative search, contextual bandits).
 */
export class ContextualBandit extends Env<number, number> {
  /** `Discrete(k)`: the arm to pull. */
  readonly actionSpace: Discrete;
  /** `Discrete(numContexts)`: the current context. */
  readonly observationSpace: Discrete;
  /** Number of contexts. */
  readonly numContexts: number;
  /** Number of arms. */
  readonly k: number;
  private readonly fixedProbs: Float64Array[] | undefined;
  private probs: Float64Array[] | undefined;
  private context = 0;
  private last: Pull | undefined;

  /** @param options see {@link ContextualBanditOptions}; checked, with errors naming the argument and value */
  constructor(options: ContextualBanditOptions = {}) {
    super();
    const o = readOptions(NAME, options, OPTION_NAMES);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    const numContexts = o.numContexts === undefined ? undefined : positiveInteger(NAME, 'numContexts', o.numContexts, DEFAULT_CONTEXTS);
    const k = o.k === undefined ? undefined : positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
    if (o.probs !== undefined) {
      this.fixedProbs = readTable(o.probs, numContexts, k);
      this.numContexts = this.fixedProbs.length;
      this.k = this.fixedProbs[0]!.length;
    } else {
      this.numContexts = numContexts ?? DEFAULT_CONTEXTS;
      this.k = k ?? DEFAULT_ARMS;
    }
    this.actionSpace = new Discrete(this.k);
    this.observationSpace = new Discrete(this.numContexts);
  }

  /**
   * Starts the next pull: draws the table on the first call and whenever `seed` is given (unless it
   * was fixed by `probs`), then draws a context uniformly.
   */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    if (this.probs === undefined || opts.seed !== undefined) this.probs = this.fixedProbs ?? this.drawProbs();
    this.context = this.npRandom.integers(this.numContexts);
    this.last = undefined;
    const info: ContextualBanditResetInfo = { ...resetInfo(this.probs[this.context]!), context: this.context };
    return { observation: this.context, info };
  }

  /** Pulls arm `action` in the current context c: reward 1 with probability p[c][action], else 0. Always terminates. */
  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, NAME);
    if (!this.probs) throw notResetError(NAME);
    const row = this.probs[this.context]!;
    const reward = this.npRandom.random() < row[action]! ? REWARD_SUCCESS : REWARD_FAILURE;
    const info: ContextualBanditStepInfo = { ...stepInfo(row, action), context: this.context };
    this.last = { action, reward, regret: info.regret };
    return { observation: this.context, reward, terminated: true, truncated: false, info };
  }

  /** One text line: the context, its best arm and probability, and the last pull. */
  override render(): string {
    const head = `${NAME} k=${this.k} context ${this.context}/${this.numContexts}`;
    return renderLine(head, this.probs?.[this.context], this.last);
  }

  private drawProbs(): Float64Array[] {
    const table: Float64Array[] = [];
    for (let c = 0; c < this.numContexts; c++) {
      const row = new Float64Array(this.k);
      for (let a = 0; a < this.k; a++) row[a] = this.npRandom.uniform(PROB_LOW, PROB_HIGH);
      table.push(row);
    }
    return table;
  }
}

/** Checks and copies a contexts × arms table of probabilities, naming the bad entry in the error. */
function readTable(value: unknown, numContexts: number | undefined, k: number | undefined): Float64Array[] {
  assertArrayLike(NAME, 'probs', value, 'a contexts × arms table (an array of arrays of numbers)');
  if (value.length === 0) throw new RangeError(`${NAME}: probs must have at least one row, got ${describeValue(value)}`);
  if (numContexts !== undefined && value.length !== numContexts) {
    throw new RangeError(`${NAME}: probs must have numContexts = ${numContexts} rows, got ${value.length}`);
  }
  const table: Float64Array[] = [];
  for (let c = 0; c < value.length; c++) {
    // Every row must match k, or the first row's length when k is not given.
    table.push(numberVector(NAME, `probs[${c}]`, value[c], PROBABILITY, k ?? table[0]?.length));
  }
  return table;
}
