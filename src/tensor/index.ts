/**
 * tfjs at the boundary: backend choice, and helpers for tensors.
 * @module
 */
export * from './backend.js';
