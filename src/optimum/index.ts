/**
 * The exact optimum of tabular envs and bandits: value iteration on `env.unwrapped.P` under the
 * step limit, and arm means. See `./optimum.ts` for what is computed for which env, and
 * `./value-iteration.ts` for the maths and whether the agent's stationary policy can reach it.
 * @module
 */
export * from './value-iteration.js';
export * from './bandits.js';
export * from './optimum.js';
