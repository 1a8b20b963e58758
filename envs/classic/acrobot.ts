/**
 * Acrobot-v1: swing a two-link pendulum up, after Gymnasium 1.x's
 * `gymnasium/envs/classic_control/acrobot.py` (itself from RLPy's `Domains/Acrobot.py`).
 *
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Box, Discrete, describeValue } from '../../src/core/spaces.js';
import {
  checkOptionKeys,
  checkState,
  parseResetBounds,
  readChoice,
  readFinite,
  readRenderMode,
  type ClassicRenderMode,
} from './options.js';

// Constants: values from Gymnasium 1.x `AcrobotEnv` class attributes and `_dsdt` (acrobot.py).

/** Time integrated by one step, s. (acrobot.py `dt`) */
export const ACROBOT_DT = 0.2;
/** Length of link 1, m. (acrobot.py `LINK_LENGTH_1`) */
export const ACROBOT_LINK_LENGTH_1 = 1.0;
/** Length of link 2, m; used for the goal height and drawing only. (acrobot.py `LINK_LENGTH_2`) */
export const ACROBOT_LINK_LENGTH_2 = 1.0;
/** Mass of link 1, kg. (acrobot.py `LINK_MASS_1`) */
export const ACROBOT_LINK_MASS_1 = 1.0;
/** Mass of link 2, kg. (acrobot.py `LINK_MASS_2`) */
export const ACROBOT_LINK_MASS_2 = 1.0;
/** Distance from joint 1 to link 1's centre of mass, m. (acrobot.py `LINK_COM_POS_1`) */
export const ACROBOT_LINK_COM_POS_1 = 0.5;
/** Distance from joint 2 to link 2's centre of mass, m. (acrobot.py `LINK_COM_POS_2`) */
export const ACROBOT_LINK_COM_POS_2 = 0.5;
/** Moment of inertia of each link, kg·m². (acrobot.py `LINK_MOI`) */
export const ACROBOT_LINK_MOI = 1.0;
/** Gravitational acceleration, m/s². (acrobot.py `_dsdt`, `g = 9.8`) */
export const ACROBOT_GRAVITY = 9.8;
/** Largest |θ̇1|, rad/s: 4π; the velocity is clipped to it. (acrobot.py `MAX_VEL_1`) */
export const ACROBOT_MAX_VEL_1 = 4 * Math.PI;
/** Largest |θ̇2|, rad/s: 9π; the velocity is clipped to it. (acrobot.py `MAX_VEL_2`) */
export const ACROBOT_MAX_VEL_2 = 9 * Math.PI;
/** Torque of each action, N·m. (acrobot.py `AVAIL_TORQUE`) */
export const ACROBOT_AVAIL_TORQUE: readonly number[] = Object.freeze([-1.0, 0.0, 1.0]);
/** Default bounds of each start-state component (rad or rad/s). (acrobot.py `reset`) */
export const ACROBOT_RESET_LOW = -0.1;
/** Default upper bound; see {@link ACROBOT_RESET_LOW}. */
export const ACROBOT_RESET_HIGH = 0.1;

/**
 * Which equations of motion to use: `'book'` (Sutton & Barto's book and RLPy's Java code; the
 * default, and what the published results used) or `'nips'` (Sutton 1996, which lacks the
 * `m2·l1·lc2·θ̇1²·sin θ2` term in θ̈2).
 */
export type AcrobotDynamics = 'book' | 'nips';

/**
 * The time derivative of the augmented state `[θ1, θ2, θ̇1, θ̇2, τ]`, written into `out` as
 * `[θ̇1, θ̇2, θ̈1, θ̈2, 0]` (Gymnasium's `_dsdt`; the torque τ is held constant). Equations, with
 * m, l, lc, I the link masses, lengths, centre-of-mass positions and inertias:
 *
 * ```
 * d1 = m1·lc1² + m2·(l1² + lc2² + 2·l1·lc2·cos θ2) + I1 + I2
 * d2 = m2·(lc2² + l1·lc2·cos θ2) + I2
 * φ2 = m2·lc2·g·cos(θ1 + θ2 − π/2)
 * φ1 = −m2·l1·lc2·θ̇2²·sin θ2 − 2·m2·l1·lc2·θ̇2·θ̇1·sin θ2 + (m1·lc1 + m2·l1)·g·cos(θ1 − π/2) + φ2
 * θ̈2 = (τ + d2/d1·φ1 − m2·l1·lc2·θ̇1²·sin θ2 − φ2) / (m2·lc2² + I2 − d2²/d1)   ('book')
 * θ̈2 = (τ + d2/d1·φ1 − φ2) / (m2·lc2² + I2 − d2²/d1)                          ('nips')
 * θ̈1 = −(d2·θ̈2 + φ1) / d1
 * ```
 */
export function acrobotDerivatives(s: ArrayLike<number>, dynamics: AcrobotDynamics, out: Float64Array): Float64Array {
  const m1 = ACROBOT_LINK_MASS_1;
  const m2 = ACROBOT_LINK_MASS_2;
  const l1 = ACROBOT_LINK_LENGTH_1;
  const lc1 = ACROBOT_LINK_COM_POS_1;
  const lc2 = ACROBOT_LINK_COM_POS_2;
  const i1 = ACROBOT_LINK_MOI;
  const i2 = ACROBOT_LINK_MOI;
  const g = ACROBOT_GRAVITY;
  const theta1 = s[0]!;
  const theta2 = s[1]!;
  const dtheta1 = s[2]!;
  const dtheta2 = s[3]!;
  const a = s[4]!;
  // Same operation order as Gymnasium's `_dsdt`.
  const d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 =
    dynamics === 'nips'
      ? (a + (d2 / d1) * phi1 - phi2) / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1)
      : (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2) / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
  out[4] = 0.0;
  return out;
}

/**
 * One classical 4th-order Runge–Kutta step of length `dt` (Gymnasium's `rk4` with `t = [0, dt]`):
 *
 * ```
 * k1 = f(y),  k2 = f(y + dt/2·k1),  k3 = f(y + dt/2·k2),  k4 = f(y + dt·k3)
 * y' = y + dt/6·(k1 + 2·k2 + 2·k3 + k4)
 * ```
 *
 * @param derivs writes dy/dt at its first argument into its second, and returns the second
 * @param y0 the state at the start of the step (not modified)
 * @param dt the step length
 * @returns the state after the step, a new array of `y0.length` numbers
 */
export function rk4(derivs: (y: Float64Array, out: Float64Array) => Float64Array, y0: ArrayLike<number>, dt: number): Float64Array {
  const n = y0.length;
  const y = Float64Array.from(y0);
  const tmp = new Float64Array(n);
  const k1 = derivs(y, new Float64Array(n));
  const dt2 = dt / 2.0;
  for (let i = 0; i < n; i++) tmp[i] = y[i]! + dt2 * k1[i]!;
  const k2 = derivs(tmp, new Float64Array(n));
  for (let i = 0; i < n; i++) tmp[i] = y[i]! + dt2 * k2[i]!;
  const k3 = derivs(tmp, new Float64Array(n));
  for (let i = 0; i < n; i++) tmp[i] = y[i]! + dt * k3[i]!;
  const k4 = derivs(tmp, new Float64Array(n));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = y[i]! + (dt / 6.0) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  return out;
}

/**
 * Wraps `x` into `[m, M]` by adding or subtracting `M − m` (Gymnasium's `wrap`): `x` already inside
 * is returned unchanged, so the endpoints stay as they are.
 */
export function wrapAngle(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** Clips `x` to `[m, M]` (Gymnasium's `bound`). */
export function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

/** Whether the free end is above the goal line: `−cos θ1 − cos(θ2 + θ1) > 1` (Gymnasium's `_terminal`). */
export function acrobotTerminal(theta1: number, theta2: number): boolean {
  return -Math.cos(theta1) - Math.cos(theta2 + theta1) > 1.0;
}

/** Options of {@link Acrobot}; `make('Acrobot-v1', options)` passes them through. */
export interface AcrobotOptions {
  /** Equations of motion; see {@link AcrobotDynamics}. Gymnasium's `book_or_nips`. @default 'book' */
  readonly bookOrNips?: AcrobotDynamics;
  /**
   * Half-width, N·m, of uniform noise added to the torque on each step (drawn from the env's RNG
   * only when positive). Gymnasium's `torque_noise_max`.
   * @default 0
   */
  readonly torqueNoiseMax?: number;
  /** `'ansi'` makes {@link Acrobot.render} return text. @default undefined */
  readonly renderMode?: ClassicRenderMode;
}

const OPTION_KEYS = ['bookOrNips', 'torqueNoiseMax', 'renderMode'] as const;

/**
 * The acrobot swing-up task (`Acrobot-v1`), matching Gymnasium 1.x's `AcrobotEnv`.
 *
 * ## Description
 * Two links hang in a chain from a fixed pivot; only the joint between them is actuated. The goal
 * is to swing the free end above a line one link-length over the pivot, starting from hanging
 * down. From R. S. Sutton (1996), "Generalization in Reinforcement Learning: Successful Examples
 * Using Sparse Coarse Coding", NIPS 8, and Sutton & Barto, "Reinforcement Learning: An
 * Introduction"; the implementation follows RLPy (A. Geramifard, C. Dann, R. H. Klein, W. Dabney,
 * J. P. How (2015), "RLPy: A Value-Function-Based Reinforcement Learning Framework for Education
 * and Research", JMLR 16).
 *
 * ## Action Space
 * `Discrete(3)`: the torque on the actuated joint, 0 → −1 N·m, 1 → 0, 2 → +1 N·m.
 *
 * ## Observation Space
 * A `Float32Array` of 6 numbers in `Box(-high, high, [6], float32)`:
 *
 * | Index | Observation                 | Min             | Max            |
 * |-------|-----------------------------|-----------------|----------------|
 * | 0     | cos θ1                      | −1              | 1              |
 * | 1     | sin θ1                      | −1              | 1              |
 * | 2     | cos θ2                      | −1              | 1              |
 * | 3     | sin θ2                      | −1              | 1              |
 * | 4     | θ̇1, angular velocity (rad/s) | ≈ −12.567 (−4π) | ≈ 12.567 (4π)  |
 * | 5     | θ̇2, angular velocity (rad/s) | ≈ −28.274 (−9π) | ≈ 28.274 (9π)  |
 *
 * θ1 is the angle of link 1 from straight down; θ2 is the angle of link 2 relative to link 1.
 * The float64 state `[θ1, θ2, θ̇1, θ̇2]` is {@link Acrobot.state}.
 *
 * ## Rewards
 * −1 on every step that does not reach the goal, 0 on the terminating step. Reward threshold −100.
 *
 * ## Starting State
 * Each of θ1, θ2, θ̇1, θ̇2 is drawn from U(−0.1, 0.1), in that order, and rounded to float32 (as
 * Gymnasium's `.astype(np.float32)`); both links hang nearly straight down. `reset`'s
 * `options.low` / `options.high` change the bounds.
 *
 * ## Episode End
 * 1. Termination: the free end is above the goal line, `−cos θ1 − cos(θ2 + θ1) > 1`.
 * 2. Truncation: 500 steps, applied by the `TimeLimit` that `make` adds, never by the env.
 *
 * Each step integrates the dynamics ({@link acrobotDerivatives}) over 0.2 s with one
 * {@link rk4} step, then wraps θ1 and θ2 into [−π, π] and clips θ̇1 to ±4π and θ̇2 to ±9π.
 *
 * ## Arguments
 * {@link AcrobotOptions}: `bookOrNips` (default `'book'`; also settable later, as Gymnasium's
 * `env.unwrapped.book_or_nips`), `torqueNoiseMax` (default 0), `renderMode` (`'ansi'` or none).
 * `reset({ options: { low, high } })` changes the start-state bounds (default −0.1, 0.1).
 *
 * ## Version History
 * - v1: episode limit raised from 200 to 500 steps; the observation gives cos and sin of each angle
 *   instead of the angles.
 * - v0: initial version (not provided here).
 */
export class Acrobot extends Env<Float32Array, number> {
  readonly actionSpace: Discrete = new Discrete(3);
  readonly observationSpace: Box<'float32'> = (() => {
    const high = Float32Array.from([1, 1, 1, 1, ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_2]);
    return new Box(high.map((v) => -v), high, [6], 'float32');
  })();
  override metadata = { renderModes: ['ansi'], renderFps: 15 };
  /** Half-width of the torque noise, N·m. */
  readonly torqueNoiseMax: number;

  private dynamics: AcrobotDynamics;
  private readonly s = new Float64Array(4).fill(Number.NaN);
  private readonly augmented = new Float64Array(5);
  private hasState = false;

  /** @param options see {@link AcrobotOptions} */
  constructor(options: AcrobotOptions = {}) {
    super();
    const o = checkOptionKeys(options, OPTION_KEYS, 'Acrobot');
    this.dynamics = readChoice(o, 'bookOrNips', ['book', 'nips'], 'book', 'Acrobot');
    this.torqueNoiseMax = readFinite(o, 'torqueNoiseMax', 0, 'Acrobot');
    if (this.torqueNoiseMax < 0) throw new RangeError(`Acrobot: torqueNoiseMax must be >= 0, got ${this.torqueNoiseMax}`);
    this.renderMode = readRenderMode(o, 'Acrobot');
  }

  /** The equations of motion in use; may be changed between steps. */
  get bookOrNips(): AcrobotDynamics {
    return this.dynamics;
  }
  set bookOrNips(value: AcrobotDynamics) {
    if (value !== 'book' && value !== 'nips') throw new RangeError(`Acrobot: bookOrNips must be 'book' or 'nips', got ${describeValue(value)}`);
    this.dynamics = value;
  }

  /**
   * The float64 state `[θ1, θ2, θ̇1, θ̇2]` (Gymnasium's `env.unwrapped.state`). The getter returns
   * the live array; assigning four numbers replaces it, and the next `step` starts from them.
   */
  get state(): Float64Array {
    return this.s;
  }
  set state(value: ArrayLike<number>) {
    this.s.set(checkState(value, 4, 'Acrobot'));
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(opts);
    const [low, high] = parseResetBounds(opts, ACROBOT_RESET_LOW, ACROBOT_RESET_HIGH, 'Acrobot.reset');
    for (let k = 0; k < 4; k++) this.s[k] = Math.fround(this.npRandom.uniform(low, high));
    this.hasState = true;
    return { observation: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    assertAction(this.actionSpace, action, 'Acrobot');
    if (!this.hasState) throw new Error('Acrobot.step: no state yet; call reset() first');
    let torque = ACROBOT_AVAIL_TORQUE[action]!;
    if (this.torqueNoiseMax > 0) torque += this.npRandom.uniform(-this.torqueNoiseMax, this.torqueNoiseMax);
    this.augmented.set(this.s);
    this.augmented[4] = torque;
    const dynamics = this.dynamics;
    const ns = rk4((y, out) => acrobotDerivatives(y, dynamics, out), this.augmented, ACROBOT_DT);
    this.s[0] = wrapAngle(ns[0]!, -Math.PI, Math.PI);
    this.s[1] = wrapAngle(ns[1]!, -Math.PI, Math.PI);
    this.s[2] = bound(ns[2]!, -ACROBOT_MAX_VEL_1, ACROBOT_MAX_VEL_1);
    this.s[3] = bound(ns[3]!, -ACROBOT_MAX_VEL_2, ACROBOT_MAX_VEL_2);
    const terminated = acrobotTerminal(this.s[0], this.s[1]);
    return { observation: this.observe(), reward: terminated ? 0.0 : -1.0, terminated, truncated: false, info: {} };
  }

  private observe(): Float32Array {
    const s = this.s;
    return Float32Array.from([Math.cos(s[0]!), Math.sin(s[0]!), Math.cos(s[1]!), Math.sin(s[1]!), s[2]!, s[3]!]);
  }

  /** With `renderMode: 'ansi'`, the angles, velocities and the free end's height; otherwise nothing. */
  override render(): string | undefined {
    if (this.renderMode !== 'ansi' || !this.hasState) return undefined;
    const [t1, t2, d1, d2] = this.s;
    const height = -ACROBOT_LINK_LENGTH_1 * Math.cos(t1!) - ACROBOT_LINK_LENGTH_2 * Math.cos(t1! + t2!);
    return `θ1=${t1!.toFixed(4)} θ2=${t2!.toFixed(4)} θ̇1=${d1!.toFixed(4)} θ̇2=${d2!.toFixed(4)} tip height=${height.toFixed(4)} (goal > 1)`;
  }
}
