/**
 * MountainCar-v0: drive an under-powered car up a hill, after Gymnasium 1.x's
 * `gymnasium/envs/classic_control/mountain_car.py` (itself from Sutton's `MountainCar1.cp`).
 *
 * @module
 */
import { Env, assertAction, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import {
  checkOptionKeys,
  checkState,
  parseResetBounds,
  readFinite,
  readRenderMode,
  type ClassicRenderMode,
} from './options.js';

// Constants: values from Gymnasium 1.x `MountainCarEnv.__init__` and `reset` (mountain_car.py).
// Units are the task's own: position in m, velocity in m per step, time in steps.

/** Leftmost position, m; the car stops dead against this wall. (mountain_car.py `min_position`) */
export const MOUNTAIN_CAR_MIN_POSITION = -1.2;
/** Rightmost position, m. (mountain_car.py `max_position`) */
export const MOUNTAIN_CAR_MAX_POSITION = 0.6;
/** Largest speed, m/step; velocity is clipped to ±this. (mountain_car.py `max_speed`) */
export const MOUNTAIN_CAR_MAX_SPEED = 0.07;
/** Position of the flag, m; reaching it ends the episode. (mountain_car.py `goal_position`) */
export const MOUNTAIN_CAR_GOAL_POSITION = 0.5;
/** Change of velocity per step from the engine, m/step². (mountain_car.py `force`) */
export const MOUNTAIN_CAR_FORCE = 0.001;
/** Gravity's coefficient on the slope term cos(3·position), m/step². (mountain_car.py `gravity`) */
export const MOUNTAIN_CAR_GRAVITY = 0.0025;
/** Default bounds of the start position, m. (mountain_car.py `reset`) */
export const MOUNTAIN_CAR_RESET_LOW = -0.6;
/** Default upper bound; see {@link MOUNTAIN_CAR_RESET_LOW}. */
export const MOUNTAIN_CAR_RESET_HIGH = -0.4;

/**
 * Advances one MountainCar state `[position, velocity]` by one step, in place, and returns whether
 * the new state is terminal. Gymnasium's equations, with action a ∈ {0, 1, 2}:
 *
 * ```
 * v' = clip(v + (a − 1)·force − cos(3·p)·gravity, −0.07, 0.07)
 * p' = clip(p + v', −1.2, 0.6);   v' = 0 if p' = −1.2 and v' < 0
 * terminated = p' ≥ 0.5 and v' ≥ goalVelocity
 * ```
 */
export function mountainCarStep(state: Float64Array, action: number, goalVelocity: number): boolean {
  let position = state[0]!;
  let velocity = state[1]!;
  velocity += (action - 1) * MOUNTAIN_CAR_FORCE + Math.cos(3 * position) * -MOUNTAIN_CAR_GRAVITY;
  velocity = Math.min(Math.max(velocity, -MOUNTAIN_CAR_MAX_SPEED), MOUNTAIN_CAR_MAX_SPEED);
  position += velocity;
  position = Math.min(Math.max(position, MOUNTAIN_CAR_MIN_POSITION), MOUNTAIN_CAR_MAX_POSITION);
  if (position === MOUNTAIN_CAR_MIN_POSITION && velocity < 0) velocity = 0;
  state[0] = position;
  state[1] = velocity;
  return position >= MOUNTAIN_CAR_GOAL_POSITION && velocity >= goalVelocity;
}

/** Options of {@link MountainCar}; `make('MountainCar-v0', options)` passes them through. */
export interface MountainCarOptions {
  /**
   * Smallest velocity, m/step, at which reaching the flag counts. Gymnasium's `goal_velocity`.
   * @default 0
   */
  readonly goalVelocity?: number;
  /** `'ansi'` makes {@link MountainCar.render} return text. @default undefined */
  readonly renderMode?: ClassicRenderMode;
}

const OPTION_KEYS = ['goalVelocity', 'renderMode'] as const;

/**
 * The mountain-car task (`MountainCar-v0`), matching Gymnasium 1.x's `MountainCarEnv`.
 *
 * ## Description
 * A car sits at the bottom of a sinusoidal valley (height sin(3x)·0.45 + 0.55). Its engine is too
 * weak to climb the right hill directly, so it must rock back and forth to build momentum. The task
 * first appeared in Andrew Moore's PhD thesis: A. W. Moore (1990), "Efficient Memory-based Learning
 * for Robot Control", University of Cambridge, Tech. Rep. UCAM-CL-TR-209.
 *
 * ## Action Space
 * `Discrete(3)`: 0 accelerates left, 1 does not accelerate, 2 accelerates right.
 *
 * ## Observation Space
 * A `Float32Array` of 2 numbers in `Box([-1.2, -0.07], [0.6, 0.07], [2], float32)`:
 *
 * | Index | Observation             | Min   | Max  |
 * |-------|-------------------------|-------|------|
 * | 0     | Car position (m)        | −1.2  | 0.6  |
 * | 1     | Car velocity (m/step)   | −0.07 | 0.07 |
 *
 * ## Rewards
 * −1 on every step, the terminating step included.
 *
 * ## Starting State
 * Position from U(−0.6, −0.4) (one draw from the env's RNG), velocity 0. `reset`'s `options.low`
 * / `options.high` change the position bounds.
 *
 * ## Episode End
 * 1. Termination: position ≥ 0.5 and velocity ≥ `goalVelocity` (default 0).
 * 2. Truncation: 200 steps, applied by the `TimeLimit` that `make` adds, never by the env.
 *
 * The dynamics (see {@link mountainCarStep}) clip the velocity to ±0.07 and the position to
 * [−1.2, 0.6]; hitting the left wall is inelastic (velocity set to 0).
 *
 * ## Arguments
 * {@link MountainCarOptions}: `goalVelocity` (default 0), `renderMode` (`'ansi'` or none).
 * `reset({ options: { low, high } })` changes the start-position bounds (default −0.6, −0.4).
 *
 * ## Version History
 * - v0: initial version; 200 steps, reward threshold −110.
 */
export class MountainCar extends Env<Float32Array, number> {
  readonly actionSpace: Discrete = new Discrete(3);
  readonly observationSpace: Box<'float32'> = new Box(
    Float32Array.from([MOUNTAIN_CAR_MIN_POSITION, -MOUNTAIN_CAR_MAX_SPEED]),
    Float32Array.from([MOUNTAIN_CAR_MAX_POSITION, MOUNTAIN_CAR_MAX_SPEED]),
    [2],
    'float32',
  );
  override metadata = { renderModes: ['ansi'], renderFps: 30 };
  /** Smallest velocity at which reaching the flag counts, m/step. */
  readonly goalVelocity: number;

  private readonly s = new Float64Array(2).fill(Number.NaN);
  private hasState = false;

  /** @param options see {@link MountainCarOptions} */
  constructor(options: MountainCarOptions = {}) {
    super();
    const o = checkOptionKeys(options, OPTION_KEYS, 'MountainCar');
    this.goalVelocity = readFinite(o, 'goalVelocity', 0, 'MountainCar');
    this.renderMode = readRenderMode(o, 'MountainCar');
  }

  /**
   * The float64 state `[position, velocity]` (Gymnasium's `env.unwrapped.state`). The getter returns
   * the live array; assigning two numbers replaces it, and the next `step` starts from them.
   */
  get state(): Float64Array {
    return this.s;
  }
  set state(value: ArrayLike<number>) {
    this.s.set(checkState(value, 2, 'MountainCar'));
    this.hasState = true;
  }

  override reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(opts);
    const [low, high] = parseResetBounds(opts, MOUNTAIN_CAR_RESET_LOW, MOUNTAIN_CAR_RESET_HIGH, 'MountainCar.reset');
    this.s[0] = this.npRandom.uniform(low, high);
    this.s[1] = 0;
    this.hasState = true;
    return { observation: Float32Array.from(this.s), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    assertAction(this.actionSpace, action, 'MountainCar');
    if (!this.hasState) throw new Error('MountainCar.step: no state yet; call reset() first');
    const terminated = mountainCarStep(this.s, action, this.goalVelocity);
    return { observation: Float32Array.from(this.s), reward: -1.0, terminated, truncated: false, info: {} };
  }

  /** With `renderMode: 'ansi'`, the state and a picture of the valley floor; otherwise nothing. */
  override render(): string | undefined {
    if (this.renderMode !== 'ansi' || !this.hasState) return undefined;
    const [p, v] = this.s;
    const width = 49;
    const span = MOUNTAIN_CAR_MAX_POSITION - MOUNTAIN_CAR_MIN_POSITION;
    const col = Math.round(((p! - MOUNTAIN_CAR_MIN_POSITION) / span) * (width - 1));
    const flag = Math.round(((MOUNTAIN_CAR_GOAL_POSITION - MOUNTAIN_CAR_MIN_POSITION) / span) * (width - 1));
    const track = Array.from({ length: width }, (_, i) => (i === col ? 'C' : i === flag ? 'F' : '_')).join('');
    return `[${track}]  position=${p!.toFixed(4)} velocity=${v!.toFixed(5)}`;
  }
}
