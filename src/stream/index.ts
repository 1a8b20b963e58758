/**
 * The reward stream: event types, the broadcast that publishes them, and operators over them.
 * @module
 */
export * from './events.js';
export * from './broadcast.js';
export * from './episode-tracker.js';
export * from './window-mean.js';
export { episodeReturns } from './operators/episode-returns.js';
export { movingAverage } from './operators/moving-average.js';
export { stepsToThreshold } from './operators/steps-to-threshold.js';
export * from './arena.js';
