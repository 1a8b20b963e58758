/**
 * Named potentials for shaping MountainCar-v0's reward (`src/core/shaping.ts`); registered with
 * the built-in envs, used only when a run asks for them (`--shaping mountain-car-energy`).
 *
 * ## Where the energy comes from
 * MountainCar's dynamics (Gymnasium's `mountain_car.py`, {@link mountainCarStep}) accelerate the car
 * by −g·cos(3x) per step, g = 0.0025 (`gravity`), besides the engine. That is the force of the
 * potential U(x) = g·sin(3x)/3 per unit mass (dU/dx = g·cos(3x)), so without the engine and the
 * clipping the car keeps its mechanical energy E = g·sin(3x)/3 + ½v² (up to Euler's O(v²) error
 * per step). Divided by g/3, E is a height: sin(3x) + 3v²/(2g) is how high (in units of sin(3x),
 * the track's shape) the car's energy could lift it.
 *
 * Both potentials are measured from the flag's height sin(3·0.5), so that Φ ≈ 0 where the episode
 * terminates; Φ of a terminal state is 0 by definition (Ng et al. 1999), and this choice keeps the
 * step into the goal free of a jump. The energy potential lies in [−2, ≈ 2.9], the height
 * potential in [−2, 0.03]; `scale` gives them reward units.
 *
 * @module
 */
import type { PotentialSpec } from '../../src/core/shaping.js';
import { MOUNTAIN_CAR_GOAL_POSITION, MOUNTAIN_CAR_GRAVITY } from './mountain-car.js';

/** sin(3·goal): the track height (in units of sin 3x) of the flag. */
const GOAL_HEIGHT = Math.sin(3 * MOUNTAIN_CAR_GOAL_POSITION);

/**
 * Φ(x, v) = sin(3x) + 3v²/(2g) − sin(3·0.5): the car's mechanical energy divided by g/3, from the
 * flag's height. Rises when the car is high on either hill or fast.
 */
export function mountainCarEnergy(observation: Float32Array): number {
  const x = observation[0]!;
  const v = observation[1]!;
  return Math.sin(3 * x) + (3 * v * v) / (2 * MOUNTAIN_CAR_GRAVITY) - GOAL_HEIGHT;
}

/** Φ(x, v) = sin(3x) − sin(3·0.5): the height alone, from the flag's. */
export function mountainCarHeight(observation: Float32Array): number {
  return Math.sin(3 * observation[0]!) - GOAL_HEIGHT;
}

/** The MountainCar potentials, for `registerPotential`. */
export const MOUNTAIN_CAR_POTENTIALS: readonly PotentialSpec[] = [
  {
    id: 'mountain-car-energy',
    potential: mountainCarEnergy,
    description: 'MountainCar mechanical energy / (g/3): sin(3x) + 3v²/(2g) − sin(1.5), from the dynamics −g·cos(3x) of mountain_car.py',
    envs: ['MountainCar-v0'],
  },
  {
    id: 'mountain-car-height',
    potential: mountainCarHeight,
    description: 'MountainCar height: sin(3x) − sin(1.5), the track shape of mountain_car.py',
    envs: ['MountainCar-v0'],
  },
];
