/**
 * CartPole-v1: balance a pole on a cart, after Gymnasium 1.x's
 * `gymnasium/envs/classic_control/cartpole.py` (itself from Sutton's `pole.c`).
 *
 * The dynamics live in one pure function, {@link cartPoleStep}, over a `Float64Array` of states, so
 * that {@link CartPole} and the batched `CartPoleVectorEnv` share them.
 *
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import type { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import {
  checkOptionKeys,
  checkState,
  parseResetBounds,
  readBoolean,
  readChoice,
  readRenderMode,
  type ClassicRenderMode,
} from './options.js';

// Constants: values from Gymnasium 1.x `CartPoleEnv.__init__` (cartpole.py), which takes them from
// Barto, Sutton & Anderson (1983) via Sutton's pole.c.

/** Gravitational acceleration, m/s². (cartpole.py `gravity`) */
export const CARTPOLE_GRAVITY = 9.8;
/** Mass of the cart, kg. (cartpole.py `masscart`) */
export const CARTPOLE_MASS_CART = 1.0;
/** Mass of the pole, kg. (cartpole.py `masspole`) */
export const CARTPOLE_MASS_POLE = 0.1;
/** Cart plus pole, kg. (cartpole.py `total_mass = masspole + masscart`, in that order) */
export const CARTPOLE_TOTAL_MASS = CARTPOLE_MASS_POLE + CARTPOLE_MASS_CART;
/** HALF the pole's length, m: the distance from pivot to the pole's centre of mass. (cartpole.py `length`) */
export const CARTPOLE_HALF_LENGTH = 0.5;
/** Pole mass × half length, kg·m. (cartpole.py `polemass_length`) */
export const CARTPOLE_POLEMASS_LENGTH = CARTPOLE_MASS_POLE * CARTPOLE_HALF_LENGTH;
/** Magnitude of the push on the cart, N. (cartpole.py `force_mag`) */
export const CARTPOLE_FORCE_MAG = 10.0;
/** Time between state updates, s. (cartpole.py `tau`) */
export const CARTPOLE_TAU = 0.02;
/** Pole angle beyond which the episode terminates, rad: 12° = 12·2π/360. (cartpole.py `theta_threshold_radians`) */
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
/** Cart position beyond which the episode terminates, m. (cartpole.py `x_threshold`) */
export const CARTPOLE_X_THRESHOLD = 2.4;
/** Default lower bound of each start-state component, in its own unit (m, m/s, rad, rad/s). (cartpole.py `reset`) */
export const CARTPOLE_RESET_LOW = -0.05;
/** Default upper bound of each start-state component; see {@link CARTPOLE_RESET_LOW}. */
export const CARTPOLE_RESET_HIGH = 0.05;

/**
 * Upper bound of the observation box, as float32 (Gymnasium builds it with `dtype=np.float32`):
 * twice the termination thresholds, so a failing state is still observable, and `np.inf` for the
 * velocities.
 */
export const CARTPOLE_OBSERVATION_HIGH: Float32Array = Float32Array.from([
  CARTPOLE_X_THRESHOLD * 2,
  Infinity,
  CARTPOLE_THETA_THRESHOLD * 2,
  Infinity,
]);

/**
 * How the state is integrated over one {@link CARTPOLE_TAU}:
 * - `'euler'` (Gymnasium's default): positions move with the OLD velocities, then velocities move;
 * - `'semi-implicit-euler'`: velocities move first and positions move with the NEW velocities.
 */
export type CartPoleIntegrator = 'euler' | 'semi-implicit-euler';

/**
 * Advances one CartPole state by one step, in place, and returns whether the new state is terminal.
 *
 * The state is the four float64 numbers `[x, ẋ, θ, θ̇]` at `state[offset..offset+3]`. The equations
 * are Gymnasium's (from Florian 2007, "Correct equations for the dynamics of the cart-pole
 * system"), with F = ±{@link CARTPOLE_FORCE_MAG}:
 *
 * ```
 * temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
 * θ̈   = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
 * ẍ   = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
 * ```
 *
 * Termination uses strict comparisons on the float64 state: `x < −2.4 or x > 2.4 or θ < −12° or
 * θ > 12°`.
 *
 * @param state flat states, four numbers per state
 * @param offset index of `x` of the state to advance
 * @param action 1 pushes right, anything else pushes left (the caller has checked it is 0 or 1)
 * @param integrator see {@link CartPoleIntegrator}
 * @returns whether the new state is terminal
 */
export function cartPoleStep(state: Float64Array, offset: number, action: number, integrator: CartPoleIntegrator): boolean {
  let x = state[offset]!;
  let xDot = state[offset + 1]!;
  let theta = state[offset + 2]!;
  let thetaDot = state[offset + 3]!;
  const force = action === 1 ? CARTPOLE_FORCE_MAG : -CARTPOLE_FORCE_MAG;
  const cosTheta = Math.cos(theta);
  const sinTheta = Math.sin(theta);
  // Same operation order as Gymnasium, so results agree to the last bit where the libm does.
  const temp = (force + CARTPOLE_POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / CARTPOLE_TOTAL_MASS;
  const thetaAcc =
    (CARTPOLE_GRAVITY * sinTheta - cosTheta * temp) /
    (CARTPOLE_HALF_LENGTH * (4.0 / 3.0 - (CARTPOLE_MASS_POLE * (cosTheta * cosTheta)) / CARTPOLE_TOTAL_MASS));
  const xAcc = temp - (CARTPOLE_POLEMASS_LENGTH * thetaAcc * cosTheta) / CARTPOLE_TOTAL_MASS;
  if (integrator === 'euler') {
    x = x + CARTPOLE_TAU * xDot;
    xDot = xDot + CARTPOLE_TAU * xAcc;
    theta = theta + CARTPOLE_TAU * thetaDot;
    thetaDot = thetaDot + CARTPOLE_TAU * thetaAcc;
  } else {
    xDot = xDot + CARTPOLE_TAU * xAcc;
    x = x + CARTPOLE_TAU * xDot;
    thetaDot = thetaDot + CARTPOLE_TAU * thetaAcc;
    theta = theta + CARTPOLE_TAU * thetaDot;
  }
  state[offset] = x;
  state[offset + 1] = xDot;
  state[offset + 2] = theta;
  state[offset + 3] = thetaDot;
  return x < -CARTPOLE_X_THRESHOLD || x > CARTPOLE_X_THRESHOLD || theta < -CARTPOLE_THETA_THRESHOLD || theta > CARTPOLE_THETA_THRESHOLD;
}

/**
 * The reward of a step that is not past the end of an episode: 1 on every step including the
 * terminating one; with Sutton & Barto's reward, 0 per step and −1 on the terminating step.
 */
export function cartPoleReward(terminated: boolean, suttonBartoReward: boolean): number {
  if (suttonBartoReward) return terminated ? -1.0 : 0.0;
  return 1.0;
}

/**
 * Draws a start state into `state[offset..offset+3]`: x, ẋ, θ, θ̇ in that order, each
 * `rng.uniform(low, high)` (Gymnasium's `np_random.uniform(low, high, size=(4,))`).
 */
export function cartPoleDrawStart(rng: Rng, state: Float64Array, offset: number, low: number, high: number): void {
  for (let k = 0; k < 4; k++) state[offset + k] = rng.uniform(low, high);
}

/** Options of {@link CartPole}; `make('CartPole-v1', options)` passes them through. */
export interface CartPoleOptions {
  /**
   * Sutton & Barto's reward: 0 per non-terminating step, −1 on the terminating step (and on any step
   * after it). Gymnasium's `sutton_barto_reward`.
   * @default false
   */
  readonly suttonBartoReward?: boolean;
  /** Integration scheme. Gymnasium's `kinematics_integrator`. @default 'euler' */
  readonly kinematicsIntegrator?: CartPoleIntegrator;
  /** `'ansi'` makes {@link CartPole.render} return text. @default undefined */
  readonly renderMode?: ClassicRenderMode;
}

const OPTION_KEYS = ['suttonBartoReward', 'kinematicsIntegrator', 'renderMode'] as const;

/**
 * The cart-pole balancing task (`CartPole-v1`), matching Gymnasium 1.x's `CartPoleEnv`.
 *
 * ## Description
 * The cart-pole problem of Barto, Sutton & Anderson (1983), "Neuronlike adaptive elements that can
 * solve difficult learning control problems", IEEE Trans. SMC 13(5):834–846. A pole is hinged,
 * unactuated, on a cart that runs along a frictionless track. The pole starts nearly upright and
 * the agent keeps it up by pushing the cart left or right.
 *
 * ## Action Space
 * `Discrete(2)`: 0 pushes the cart left, 1 pushes it right, with a fixed force of 10 N. How much
 * the push changes the velocity depends on the pole's angle.
 *
 * ## Observation Space
 * A `Float32Array` of 4 numbers in `Box(-high, high, [4], float32)`:
 *
 * | Index | Observation           | Min                 | Max               |
 * |-------|-----------------------|---------------------|-------------------|
 * | 0     | Cart position (m)     | −4.8                | 4.8               |
 * | 1     | Cart velocity (m/s)   | −Infinity           | Infinity          |
 * | 2     | Pole angle (rad)      | ≈ −0.418 (−24°)     | ≈ 0.418 (24°)     |
 * | 3     | Pole angular velocity | −Infinity           | Infinity          |
 *
 * The bounds are twice the termination limits, so the observation of a failing state stays in the
 * box. The observation is the float32 rounding of the float64 state {@link CartPole.state}.
 *
 * ## Rewards
 * +1 for every step, the terminating step included (so the threshold 475 of v1 is near the 500-step
 * limit). With `suttonBartoReward: true`: 0 per non-terminating step and −1 on the terminating step.
 *
 * ## Starting State
 * Each of x, ẋ, θ, θ̇ is drawn from U(−0.05, 0.05), in that order, from the env's RNG. `reset`'s
 * `options.low` / `options.high` change the bounds (possibly giving states outside the box).
 *
 * ## Episode End
 * 1. Termination: the pole angle leaves [−12°, 12°] (θ < −0.2095 or θ > 0.2095 rad, strictly).
 * 2. Termination: the cart position leaves [−2.4, 2.4] (strictly).
 * 3. Truncation: 500 steps, applied by the `TimeLimit` that `make` adds, never by the env.
 *
 * Both tests are on the float64 state. A state at exactly 2.4 is not terminal, though its float32
 * observation (2.4000001) lies past the limit.
 *
 * Stepping after a terminating step (without `reset`) is undefined behaviour, as in Gymnasium: the
 * env emits a warning on the first such step and returns reward 0 (−1 with `suttonBartoReward`).
 * `make`'s `OrderEnforcing` wrapper turns such a step into an error.
 *
 * ## Arguments
 * {@link CartPoleOptions}: `suttonBartoReward` (default false), `kinematicsIntegrator` (default
 * `'euler'`), `renderMode` (`'ansi'` or none). `reset({ options: { low, high } })` changes the
 * start-state bounds (default −0.05, 0.05).
 *
 * ## Version History
 * - v1: episode limit raised to 500 steps, reward threshold 475. Gymnasium 1.0.0a2 added
 *   `sutton_barto_reward`.
 * - v0: initial version, 200 steps, reward threshold 195 (not provided here).
 *
 * @example
 * ```ts
 * const env = new CartPole();
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(1);
 * ```
 */
export class CartPole extends Env<Float32Array, number> {
  readonly actionSpace: Discrete = new Discrete(2);
  readonly observationSpace: Box<'float32'> = new Box(
    CARTPOLE_OBSERVATION_HIGH.map((v) => -v),
    CARTPOLE_OBSERVATION_HIGH,
    [4],
    'float32',
  );
  override metadata = { renderModes: ['ansi'], renderFps: 50 };
  /** Whether Sutton & Barto's reward is used. */
  readonly suttonBartoReward: boolean;
  /** The integration scheme. */
  readonly kinematicsIntegrator: CartPoleIntegrator;

  private readonly s = new Float64Array(4).fill(Number.NaN);
  private hasState = false;
  private beyondTerminated: number | undefined = undefined;

  /** @param options see {@link CartPoleOptions} */
  constructor(options: CartPoleOptions = {}) {
    super();
    const o = checkOptionKeys(options, OPTION_KEYS, 'CartPole');
    this.suttonBartoReward = readBoolean(o, 'suttonBartoReward', false, 'CartPole');
    this.kinematicsIntegrator = readChoice(o, 'kinematicsIntegrator', ['euler', 'semi-implicit-euler'], 'euler', 'CartPole');
    this.renderMode = readRenderMode(o, 'CartPole');
  }

  /**
   * The float64 state `[x, ẋ, θ, θ̇]` (Gymnasium's `env.unwrapped.state`). The getter returns the
   * live array; assigning four numbers replaces it, and the next `step` starts from them.
   */
  get state(): Float64Array {
    return this.s;
  }
  set state(value: ArrayLike<number>) {
    this.s.set(checkState(value, 4, 'CartPole'));
    this.hasState = true;
  }

  /**
   * Steps taken since the episode terminated: `undefined` until it terminates, 0 on the terminating
   * step (Gymnasium's `steps_beyond_terminated`).
   */
  get stepsBeyondTerminated(): number | undefined {
    return this.beyondTerminated;
  }

  override reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(opts);
    const [low, high] = parseResetBounds(opts, CARTPOLE_RESET_LOW, CARTPOLE_RESET_HIGH, 'CartPole.reset');
    cartPoleDrawStart(this.npRandom, this.s, 0, low, high);
    this.hasState = true;
    this.beyondTerminated = undefined;
    return { observation: Float32Array.from(this.s), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    assertAction(this.actionSpace, action, 'CartPole');
    if (!this.hasState) throw new Error('CartPole.step: no state yet; call reset() first');
    const terminated = cartPoleStep(this.s, 0, action, this.kinematicsIntegrator);
    let reward: number;
    if (!terminated) {
      reward = cartPoleReward(false, this.suttonBartoReward);
    } else if (this.beyondTerminated === undefined) {
      this.beyondTerminated = 0;
      reward = cartPoleReward(true, this.suttonBartoReward);
    } else {
      if (this.beyondTerminated === 0) {
        process.emitWarning(
          "CartPole: step() called after the episode terminated; call reset() once terminated is true. Further steps are undefined behaviour.",
          { code: 'REWARDCAST_STEP_AFTER_TERMINATED' },
        );
      }
      this.beyondTerminated += 1;
      reward = this.suttonBartoReward ? -1.0 : 0.0;
    }
    // Never truncated: the TimeLimit wrapper that make() adds does that.
    return { observation: Float32Array.from(this.s), reward, terminated, truncated: false, info: {} };
  }

  /** With `renderMode: 'ansi'`, the state and a picture of the track; otherwise nothing. */
  override render(): string | undefined {
    if (this.renderMode !== 'ansi' || !this.hasState) return undefined;
    const [x, xDot, theta, thetaDot] = this.s;
    const width = 49;
    const col = Math.round(((x! + CARTPOLE_X_THRESHOLD) / (2 * CARTPOLE_X_THRESHOLD)) * (width - 1));
    const track = Array.from({ length: width }, (_, i) => (i === col ? (theta! < -0.05 ? '\\' : theta! > 0.05 ? '/' : '|') : '-')).join('');
    const f = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(4);
    return `[${track}]  x=${f(x!)} ẋ=${f(xDot!)} θ=${f(theta!)} θ̇=${f(thetaDot!)}`;
  }
}
