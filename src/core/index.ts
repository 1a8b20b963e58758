/**
 * The Gymnasium contract: envs, spaces, the RNG, the registry, wrappers, vector envs and the
 * conformance checker. Nothing here depends on tfjs or RxJS.
 * @module
 */
export * from './rng.js';
export * from './spaces.js';
export * from './env.js';
export * from './wrappers.js';
export * from './shaping.js';
export * from './registry.js';
export * from './vector.js';
export * from './check-env.js';
export * from './options.js';
