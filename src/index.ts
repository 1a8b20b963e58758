/**
 * rewardcast: reinforcement learning with networks of stochastic binary neurons that learn only
 * from a broadcast reward.
 *
 * Importing this module registers every built-in environment.
 *
 * @example
 * ```ts
 * import { make, checkEnv } from 'rewardcast';
 * const env = make('CartPole-v1');
 * const { observation } = env.reset({ seed: 0 });
 * ```
 * @module
 */
import '../envs/index.js';

export * from './core/index.js';
export * from './stream/index.js';
export * from './tensor/index.js';
export * from './estimators/index.js';
export { runTraining, agentSeedFor, type LoopOptions, type LoopResult } from './train/loop.js';
export { BroadcastAgent, AGENT_DEFAULTS, resolveAgentOptions, saveAgent, loadAgent, type AgentOptions, type LearnEvent, type AgentSnapshot, type CreditMode } from '../agents/agent.js';
export { registerBuiltins } from '../envs/index.js';
export { compare, type CompareConfig, type CompareOptions, type CompareResult } from './train/compare.js';
export * from './user/index.js';
export { plotFolder, writeCompareReport, writeRunPlot } from './plot/compare-report.js';
export { PRESETS, presetFor, type Preset } from './train/presets.js';
