/**
 * Agents of stochastic binary neurons (and the backprop reference), trained from the reward
 * broadcast.
 * @module
 */
export * from './agent.js';
export * from './heads.js';
export * from './inputs.js';
export * from './network.js';
export * from './critic.js';
export * from './rollout.js';
export * from './learner.js';
export * from './credit.js';
export * from './units/index.js';
