/**
 * `diagnose`'s science: the test networks, their enumeration, the exact measurement of every
 * estimator that has an exact rule, the analysis over sizes and the checks of the theory.
 * @module
 */
export * from './networks.js';
export * from './enumerate.js';
export * from './measure.js';
export * from './analyze.js';
export * from './theory.js';
export * from './online.js';
export * from './per-weight.js';
export * from './studies.js';
