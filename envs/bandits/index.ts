/**
 * The bandit family, after Sutton & Barto (2018) chapter 2: its env classes, their info types, and
 * the `specs` that `envs/index.ts` registers.
 *
 * Every bandit pull is a one-step episode, so no spec sets `maxEpisodeSteps`. None sets
 * `rewardThreshold` either: the best achievable mean return depends on the drawn task instance
 * (the arm means), so no fixed threshold marks the task as solved. Measure regret and % optimal
 * from `info` instead.
 *
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { BernoulliBandit, type BernoulliBanditOptions } from './bernoulli.js';
import { ContextualBandit, type ContextualBanditOptions } from './contextual.js';
import { GaussianBandit, type GaussianBanditOptions } from './gaussian.js';
import { NonstationaryBandit, type NonstationaryBanditOptions } from './nonstationary.js';

export { BernoulliBandit, type BernoulliBanditOptions } from './bernoulli.js';
export { GaussianBandit, type GaussianBanditOptions } from './gaussian.js';
export { NonstationaryBandit, type NonstationaryBanditOptions } from './nonstationary.js';
export {
  ContextualBandit,
  type ContextualBanditOptions,
  type ContextualBanditResetInfo,
  type ContextualBanditStepInfo,
} from './contextual.js';
export type { BanditRenderMode, BanditResetInfo, BanditStepInfo } from './common.js';

// `make` hands the constructors untyped kwargs; each constructor checks every option at run time
// (unknown keys, types, ranges) and names the bad one, so the casts below are safe.

/** The bandit envs, for registration by `envs/index.ts`. */
export const specs: EnvSpec[] = [
  {
    id: 'BernoulliBandit-v0',
    create: (kwargs) => new BernoulliBandit(kwargs as BernoulliBanditOptions),
    description: 'k-armed bandit with Bernoulli rewards, p_i ~ U(0, 1) (Sutton & Barto 2018, §2.3)',
  },
  {
    id: 'GaussianBandit-v0',
    create: (kwargs) => new GaussianBandit(kwargs as GaussianBanditOptions),
    description: 'The 10-armed testbed: q*(a) ~ N(0, 1), R ~ N(q*(a), 1) (Sutton & Barto 2018, §2.3)',
  },
  {
    id: 'NonstationaryBandit-v0',
    create: (kwargs) => new NonstationaryBandit(kwargs as NonstationaryBanditOptions),
    description: 'Testbed whose q*(a) take random walks, N(0, 0.01²) per step (Sutton & Barto 2018, ex. 2.5)',
  },
  {
    id: 'ContextualBandit-v0',
    create: (kwargs) => new ContextualBandit(kwargs as ContextualBanditOptions),
    description: 'Bernoulli bandits, one per observed context, drawn uniformly (Sutton & Barto 2018, §2.9)',
  },
];
