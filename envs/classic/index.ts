/**
 * Classic-control environments after Gymnasium 1.x: CartPole-v1, MountainCar-v0, Acrobot-v1, and
 * a batched CartPole vector env. `specs` holds their registrations.
 * @module
 */
export * from './cartpole.js';
export * from './cartpole-vector.js';
export * from './mountain-car.js';
export * from './acrobot.js';
export { specs } from './specs.js';
export type { ClassicRenderMode } from './options.js';
