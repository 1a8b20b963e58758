/**
 * `BernoulliBandit-v0`: k arms, each paying 1 with its own probability and 0 otherwise.
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Discrete } from '../../src/core/spaces.js';
import {
  PROBABILITY,
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

/** Number of arms when neither `k` nor `probs` is given, as in the 10-armed testbed (Sutton & Barto 2018, §2.3). Unit: arms. */
const DEFAULT_ARMS = 10;
/** Lower end of the uniform distribution each arm's success probability is drawn from. Unit: probability. */
const PROB_LOW = 0;
/** Upper end of that distribution: p_i ~ U(0, 1), a uniform prior over Bernoulli arms (Thompson 1933). Unit: probability. */
const PROB_HIGH = 1;
/** Reward of a success. Unit: reward. */
const REWARD_SUCCESS = 1;
/** Reward of a failure. Unit: reward. */
const REWARD_FAILURE = 0;

const NAME = 'BernoulliBandit';
const OPTION_NAMES = ['k', 'probs', 'renderMode'] as const;

/** Options of {@link BernoulliBandit}. */
export interface BernoulliBanditOptions {
  /** Number of arms, a positive integer. @default 10, or the length of `probs` when it is given */
  readonly k?: number;
  /**
   * Fixed success probability of each arm, each in [0, 1], `k` of them. When given they are never
   * redrawn.
   * @default drawn p_i ~ U(0, 1) on the first reset and on every seeded reset
   */
  readonly probs?: ArrayLike<number>;
  /** Render mode; only text (`'ansi'`) is supported, and `render` returns text in any case. @default undefined */
  readonly renderMode?: BanditRenderMode;
}

/**
 * ## Description
 * A k-armed bandit with binary rewards: pulling arm i pays 1 with probability p_i and 0 otherwise.
 * It is the 10-armed testbed of Sutton & Barto (2018, §2.3) with Bernoulli rewards in place of
 * Gaussian ones, the setting of Thompson (1933). The probabilities are the task instance: drawn
 * from the env's RNG on the first `reset` and again on every `reset` given a seed; a plain `reset()`
 * keeps them, so an agent can learn them over many pulls.
 *
 * Each pull is a one-step episode, so the episode return is the reward and regret per episode is
 * well defined. `info` (see {@link BanditResetInfo}, {@link BanditStepInfo}) reports the optimal
 * arm and a copy of the probabilities; `step`'s info also reports the expected regret
 * max_j p_j − p_a and whether the pull was optimal.
 *
 * ## Action Space
 * `Discrete(k)`: action i pulls arm i.
 *
 * ## Observation Space
 * There is no state: the observation space is `Discrete(1)`.
 *
 * | Num | Observation        | Min | Max |
 * |-----|--------------------|-----|-----|
 * | 0   | constant (no state) | 0   | 0   |
 *
 * ## Rewards
 * 1 with probability p_a for the pulled arm a, else 0. The expected reward of arm a is p_a.
 *
 * ## Starting State
 * Observation 0. On the first reset (and each seeded reset) p_i ~ U(0, 1) independently for every
 * arm, unless `probs` was given.
 *
 * ## Episode End
 * Every step terminates the episode (`terminated: true`); `reset` starts the next pull. The env
 * never truncates.
 *
 * ## Arguments
 * - `k`: number of arms, a positive integer (default 10, or the length of `probs`).
 * - `probs`: fixed success probabilities, k numbers in [0, 1] (default: drawn as above).
 * - `renderMode`: `'ansi'` or undefined.
 *
 * ```ts
 * const env = new BernoulliBandit({ probs: [0.2, 0.8] });
 * env.reset({ seed: 0 });
 * env.step(1); // reward 1 with probability 0.8; info.regret = 0, info.optimal = true
 * ```
 *
 * ## Version History
 * - v0: first version.
 *
 * References: R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed.,
 * MIT Press, 2018, §2.3. W. R. Thompson, "On the likelihood that one unknown probability exceeds
 * another in view of the evidence of two samples", *Biometrika* 25(3/4), 1933.
 */
export class BernoulliBandit extends Env<number, number> {
  /** `Discrete(k)`: the arm to pull. */
  readonly actionSpace: Discrete;
  /** `Discrete(1)`: no state. */
  readonly observationSpace: Discrete = new Discrete(1);
  /** Number of arms. */
  readonly k: number;
  private readonly fixedProbs: Float64Array | undefined;
  private probs: Float64Array | undefined;
  private last: Pull | undefined;

  /** @param options see {@link BernoulliBanditOptions}; checked, with errors naming the argument and value */
  constructor(options: BernoulliBanditOptions = {}) {
    super();
    const o = readOptions(NAME, options, OPTION_NAMES);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    if (o.probs !== undefined) {
      const k = o.k === undefined ? undefined : positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
      this.fixedProbs = numberVector(NAME, 'probs', o.probs, PROBABILITY, k);
      this.k = this.fixedProbs.length;
    } else {
      this.k = positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
    }
    this.actionSpace = new Discrete(this.k);
  }

  /**
   * Starts the next pull. Draws the probabilities on the first call and whenever `seed` is given
   * (unless they were fixed by `probs`); otherwise keeps them.
   */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    if (this.probs === undefined || opts.seed !== undefined) this.probs = this.fixedProbs ?? this.drawProbs();
    this.last = undefined;
    return { observation: 0, info: resetInfo(this.probs) };
  }

  /** Pulls arm `action`: reward 1 with probability p_action, else 0. Always terminates. */
  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, NAME);
    const probs = this.probs;
    if (!probs) throw notResetError(NAME);
    const reward = this.npRandom.random() < probs[action]! ? REWARD_SUCCESS : REWARD_FAILURE;
    const info: BanditStepInfo = stepInfo(probs, action);
    this.last = { action, reward, regret: info.regret };
    return { observation: 0, reward, terminated: true, truncated: false, info };
  }

  /** One text line: the best arm and its probability, and the last pull. */
  override render(): string {
    return renderLine(`${NAME} k=${this.k}`, this.probs, this.last);
  }

  private drawProbs(): Float64Array {
    const p = new Float64Array(this.k);
    for (let i = 0; i < this.k; i++) p[i] = this.npRandom.uniform(PROB_LOW, PROB_HIGH);
    return p;
  }
}
