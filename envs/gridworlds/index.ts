/**
 * The gridworlds: FrozenLake, CliffWalking and Taxi after Gymnasium 1.x's toy-text envs, the
 * tabular base they share, and a builder for new gridworlds drawn as ASCII.
 *
 * `specs` lists one registration per id; `envs/index.ts` registers them.
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { cliffWalkingSpecs } from './cliff-walking.js';
import { frozenLakeSpecs } from './frozen-lake.js';
import { taxiSpecs } from './taxi.js';

export * from './discrete-env.js';
export * from './frozen-lake.js';
export * from './cliff-walking.js';
export * from './taxi.js';
export * from './ascii-grid.js';
export { colorize, stripAnsi, type AnsiColor, type GridRenderMode } from './options.js';

/**
 * Registrations of every gridworld, as Gymnasium 1.x registers them: FrozenLake-v1,
 * FrozenLake8x8-v1, CliffWalking-v1, CliffWalkingSlippery-v1 and Taxi-v3.
 */
export const specs: EnvSpec[] = [...frozenLakeSpecs, ...cliffWalkingSpecs, ...taxiSpecs];
