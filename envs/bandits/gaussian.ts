/**
 * `GaussianBandit-v0`: the 10-armed testbed of Sutton & Barto (2018, §2.3).
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Discrete } from '../../src/core/spaces.js';
import {
  FINITE,
  finiteNumber,
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

/** Number of arms when neither `k` nor `means` is given: the 10-armed testbed (Sutton & Barto 2018, §2.3). Unit: arms. */
const DEFAULT_ARMS = 10;
/** Mean of the normal distribution the true values q*(a) are drawn from (§2.3: q*(a) ~ N(0, 1)). Unit: reward. */
const TRUE_VALUE_MEAN = 0;
/** Standard deviation of that distribution (§2.3). Unit: reward. */
const TRUE_VALUE_STD = 1;
/** Standard deviation of the reward around q*(a) (§2.3: R ~ N(q*(a), 1)). Unit: reward. */
const REWARD_STD = 1;

const NAME = 'GaussianBandit';
const OPTION_NAMES = ['k', 'means', 'stddev', 'renderMode'] as const;

/** Options of {@link GaussianBandit}. */
export interface GaussianBanditOptions {
  /** Number of arms, a positive integer. @default 10, or the length of `means` when it is given */
  readonly k?: number;
  /**
   * Fixed true values q*(a), `k` finite numbers. When given they are never redrawn.
   * @default drawn q*(a) ~ N(0, 1) on the first reset and on every seeded reset
   */
  readonly means?: ArrayLike<number>;
  /** Standard deviation of the reward noise, a finite number ≥ 0 (0 makes rewards deterministic). @default 1 */
  readonly stddev?: number;
  /** Render mode; only text (`'ansi'`) is supported, and `render` returns text in any case. @default undefined */
  readonly renderMode?: BanditRenderMode;
}

/**
 * ## Description
 * The 10-armed testbed of Sutton & Barto (2018, §2.3): each arm a has a true value q*(a) drawn
 * from N(0, 1), and pulling it pays a reward drawn from N(q*(a), σ²), σ = 1. The true values are the
 * task instance: drawn from the env's RNG on the first `reset` and again on every `reset` given a
 * seed; a plain `reset()` keeps them. (The book's testbed averages over 2000 such instances: seed
 * each run differently.)
 *
 * Each pull is a one-step episode, so the episode return is the reward and regret per episode is
 * well defined. `info` (see {@link BanditResetInfo}, {@link BanditStepInfo}) reports the optimal
 * arm and a copy of the true values; `step`'s info also reports the expected regret
 * max_b q*(b) − q*(a) and whether the pull was optimal (the "% optimal action" of §2.3's figures).
 *
 * ## Action Space
 * `Discrete(k)`: action a pulls arm a.
 *
 * ## Observation Space
 * There is no state: the observation space is `Discrete(1)`.
 *
 * | Num | Observation        | Min | Max |
 * |-----|--------------------|-----|-----|
 * | 0   | constant (no state) | 0   | 0   |
 *
 * ## Rewards
 * R ~ N(q*(a), σ²) for the pulled arm a; σ is `stddev` (default 1). Unbounded.
 *
 * ## Starting State
 * Observation 0. On the first reset (and each seeded reset) q*(a) ~ N(0, 1) independently for every
 * arm, unless `means` was given.
 *
 * ## Episode End
 * Every step terminates the episode (`terminated: true`); `reset` starts the next pull. The env
 * never truncates.
 *
 * ## Arguments
 * - `k`: number of arms, a positive integer (default 10, or the length of `means`).
 * - `means`: fixed true values q*(a), k finite numbers (default: drawn as above).
 * - `stddev`: reward noise σ, a finite number ≥ 0 (default 1).
 * - `renderMode`: `'ansi'` or undefined.
 *
 * ```ts
 * const env = new GaussianBandit();
 * const { info } = env.reset({ seed: 1 }); // info.optimalArm, info.means: this run's q*
 * const { reward } = env.step(info.optimalArm as number);
 * ```
 *
 * ## Version History
 * - v0: first version.
 *
 * Reference: R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT
 * Press, 2018, §2.3 (the 10-armed testbed, figure 2.1).
 */
export class GaussianBandit extends Env<number, number> {
  /** `Discrete(k)`: the arm to pull. */
  readonly actionSpace: Discrete;
  /** `Discrete(1)`: no state. */
  readonly observationSpace: Discrete = new Discrete(1);
  /** Number of arms. */
  readonly k: number;
  /** Standard deviation of the reward noise. */
  readonly stddev: number;
  private readonly fixedMeans: Float64Array | undefined;
  private means: Float64Array | undefined;
  private last: Pull | undefined;

  /** @param options see {@link GaussianBanditOptions}; checked, with errors naming the argument and value */
  constructor(options: GaussianBanditOptions = {}) {
    super();
    const o = readOptions(NAME, options, OPTION_NAMES);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    if (o.means !== undefined) {
      const k = o.k === undefined ? undefined : positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
      this.fixedMeans = numberVector(NAME, 'means', o.means, FINITE, k);
      this.k = this.fixedMeans.length;
    } else {
      this.k = positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
    }
    this.stddev = finiteNumber(NAME, 'stddev', o.stddev, REWARD_STD, 0);
    this.actionSpace = new Discrete(this.k);
  }

  /**
   * Starts the next pull. Draws the true values on the first call and whenever `seed` is given
   * (unless they were fixed by `means`); otherwise keeps them.
   */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    if (this.means === undefined || opts.seed !== undefined) this.means = this.fixedMeans ?? this.drawMeans();
    this.last = undefined;
    return { observation: 0, info: resetInfo(this.means) };
  }

  /** Pulls arm `action`: reward ~ N(q*(action), stddev²). Always terminates. */
  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, NAME);
    const means = this.means;
    if (!means) throw notResetError(NAME);
    const reward = this.npRandom.normal(means[action]!, this.stddev);
    const info: BanditStepInfo = stepInfo(means, action);
    this.last = { action, reward, regret: info.regret };
    return { observation: 0, reward, terminated: true, truncated: false, info };
  }

  /** One text line: the best arm and its true value, and the last pull. */
  override render(): string {
    return renderLine(`${NAME} k=${this.k}`, this.means, this.last);
  }

  private drawMeans(): Float64Array {
    const q = new Float64Array(this.k);
    for (let i = 0; i < this.k; i++) q[i] = this.npRandom.normal(TRUE_VALUE_MEAN, TRUE_VALUE_STD);
    return q;
  }
}
