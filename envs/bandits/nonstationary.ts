/**
 * `NonstationaryBandit-v0`: the testbed of Sutton & Barto (2018) exercise 2.5, whose true values
 * take independent random walks.
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Discrete } from '../../src/core/spaces.js';
import {
  finiteNumber,
  notResetError,
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

/** Number of arms: the 10-armed testbed that exercise 2.5 modifies (Sutton & Barto 2018, §2.3, §2.5). Unit: arms. */
const DEFAULT_ARMS = 10;
/** Value every q*(a) starts at: "start out equal" (exercise 2.5); 0 as in the book's answer runs. Unit: reward. */
const INITIAL_MEAN = 0;
/** Standard deviation of each arm's random-walk increment per step (exercise 2.5: N(0, 0.01²)). Unit: reward per step. */
const WALK_STD = 0.01;
/** Standard deviation of the reward around q*(a), as in the testbed (§2.3: R ~ N(q*(a), 1)). Unit: reward. */
const REWARD_STD = 1;

const NAME = 'NonstationaryBandit';
const OPTION_NAMES = ['k', 'walkStd', 'initialMean', 'stddev', 'renderMode'] as const;

/** Options of {@link NonstationaryBandit}. */
export interface NonstationaryBanditOptions {
  /** Number of arms, a positive integer. @default 10 */
  readonly k?: number;
  /** Standard deviation of each arm's random-walk increment per step, a finite number ≥ 0. @default 0.01 */
  readonly walkStd?: number;
  /** Value every q*(a) starts at, a finite number. @default 0 */
  readonly initialMean?: number;
  /** Standard deviation of the reward noise, a finite number ≥ 0. @default 1 */
  readonly stddev?: number;
  /** Render mode; only text (`'ansi'`) is supported, and `render` returns text in any case. @default undefined */
  readonly renderMode?: BanditRenderMode;
}

/**
 * ## Description
 * The non-stationary testbed of Sutton & Barto (2018) exercise 2.5 (§2.5, "Tracking a
 * Nonstationary Problem"): k arms whose true values q*(a) all start equal and then take independent
 * random walks, each adding an N(0, 0.01²) increment on every step. Sample averages fall behind;
 * a constant step size tracks. After t steps, q*(a) − q*₀ ~ N(0, t · 0.01²).
 *
 * The walk keeps going across episodes: a plain `reset()` does not restart it. The first `reset`,
 * and every `reset` given a seed, sets all values back to `initialMean`.
 *
 * Each pull is a one-step episode, so the episode return is the reward and regret per episode is
 * well defined. `info` (see {@link BanditResetInfo}, {@link BanditStepInfo}) reports the optimal
 * arm and a copy of the true values. `step`'s info describes the pull just made — the values that
 * produced its reward, before this step's walk — and adds the expected regret
 * max_b q*(b) − q*(a) and whether the pull was optimal. The next `reset`'s info shows the values
 * after the walk, which the next pull faces.
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
 * R ~ N(q*(a), σ²) for the pulled arm a, with the current q*; σ is `stddev` (default 1).
 * Then every q*(b) += N(0, walkStd²).
 *
 * ## Starting State
 * Observation 0. On the first reset (and each seeded reset) q*(a) = `initialMean` (default 0) for
 * every arm, so every arm is optimal until the first step's walk separates them.
 *
 * ## Episode End
 * Every step terminates the episode (`terminated: true`); `reset` starts the next pull. The env
 * never truncates.
 *
 * ## Arguments
 * - `k`: number of arms, a positive integer (default 10).
 * - `walkStd`: standard deviation of the walk increment per step, a finite number ≥ 0 (default 0.01).
 * - `initialMean`: the common starting value of every q*(a), a finite number (default 0).
 * - `stddev`: reward noise σ, a finite number ≥ 0 (default 1).
 * - `renderMode`: `'ansi'` or undefined.
 *
 * ## Version History
 * - v0: first version.
 *
 * Reference: R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT
 * Press, 2018, §2.5, exercise 2.5.
 */
export class NonstationaryBandit extends Env<number, number> {
  /** `Discrete(k)`: the arm to pull. */
  readonly actionSpace: Discrete;
  /** `Discrete(1)`: no state. */
  readonly observationSpace: Discrete = new Discrete(1);
  /** Number of arms. */
  readonly k: number;
  /** Standard deviation of each arm's walk increment per step. */
  readonly walkStd: number;
  /** Value every q*(a) starts at. */
  readonly initialMean: number;
  /** Standard deviation of the reward noise. */
  readonly stddev: number;
  private means: Float64Array | undefined;
  private last: Pull | undefined;

  /** @param options see {@link NonstationaryBanditOptions}; checked, with errors naming the argument and value */
  constructor(options: NonstationaryBanditOptions = {}) {
    super();
    const o = readOptions(NAME, options, OPTION_NAMES);
    this.renderMode = renderModeOption(NAME, o.renderMode);
    this.k = positiveInteger(NAME, 'k', o.k, DEFAULT_ARMS);
    this.walkStd = finiteNumber(NAME, 'walkStd', o.walkStd, WALK_STD, 0);
    this.initialMean = finiteNumber(NAME, 'initialMean', o.initialMean, INITIAL_MEAN);
    this.stddev = finiteNumber(NAME, 'stddev', o.stddev, REWARD_STD, 0);
    this.actionSpace = new Discrete(this.k);
  }

  /**
   * Starts the next pull. Sets every true value to `initialMean` on the first call and whenever
   * `seed` is given; otherwise the walk continues from where it is.
   */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    if (this.means === undefined || opts.seed !== undefined) this.means = new Float64Array(this.k).fill(this.initialMean);
    this.last = undefined;
    return { observation: 0, info: resetInfo(this.means) };
  }

  /**
   * Pulls arm `action`: reward ~ N(q*(action), stddev²) with the current values, then every value
   * takes one walk step. Always terminates.
   */
  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, NAME);
    const means = this.means;
    if (!means) throw notResetError(NAME);
    const rng = this.npRandom;
    const reward = rng.normal(means[action]!, this.stddev);
    const info: BanditStepInfo = stepInfo(means, action);
    for (let i = 0; i < this.k; i++) means[i] = means[i]! + rng.normal(0, this.walkStd);
    this.last = { action, reward, regret: info.regret };
    return { observation: 0, reward, terminated: true, truncated: false, info };
  }

  /** One text line: the best arm now and its true value, and the last pull. */
  override render(): string {
    return renderLine(`${NAME} k=${this.k}`, this.means, this.last);
  }
}
