/**
 * Registrations of the classic-control envs, with Gymnasium 1.x's ids, step limits and reward
 * thresholds (`gymnasium/envs/__init__.py`). The lead's `envs/index.ts` registers them.
 *
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { Acrobot, type AcrobotOptions } from './acrobot.js';
import { CartPole, type CartPoleOptions } from './cartpole.js';
import { CartPoleVectorEnv, type CartPoleVectorEnvOptions } from './cartpole-vector.js';
import { MountainCar, type MountainCarOptions } from './mountain-car.js';

/**
 * The classic-control specs. `create` hands `make`'s options to the constructor, which checks
 * them (an unknown or ill-typed option is an error naming it).
 */
export const specs: EnvSpec[] = [
  {
    id: 'CartPole-v1',
    create: (kwargs) => new CartPole(kwargs as CartPoleOptions),
    vectorCreate: (numEnvs, { autoresetMode, maxEpisodeSteps, kwargs }) =>
      new CartPoleVectorEnv(numEnvs, { ...(kwargs as CartPoleVectorEnvOptions), autoresetMode, ...(maxEpisodeSteps !== undefined ? { maxEpisodeSteps } : {}) }),
    maxEpisodeSteps: 500,
    rewardThreshold: 475.0,
    description: 'Balance a pole on a cart by pushing it left or right (Barto, Sutton & Anderson 1983).',
  },
  {
    id: 'MountainCar-v0',
    create: (kwargs) => new MountainCar(kwargs as MountainCarOptions),
    maxEpisodeSteps: 200,
    rewardThreshold: -110.0,
    description: 'Rock an under-powered car out of a valley to the flag on the right hill (Moore 1990).',
  },
  {
    id: 'Acrobot-v1',
    create: (kwargs) => new Acrobot(kwargs as AcrobotOptions),
    maxEpisodeSteps: 500,
    rewardThreshold: -100.0,
    description: 'Swing the free end of a two-link pendulum above a line by torquing the middle joint (Sutton 1996).',
  },
];
