/**
 * The estimator registry: built-in estimators register themselves from `index.ts` (one line each),
 * and user code registers its own with {@link registerEstimator} (see
 * `examples/custom-estimator.ts`). Listings follow registration order.
 * @module
 */
import type { Estimator } from './types.js';

const registry = new Map<string, Estimator>();

/**
 * The registered ids, in registration order. The array is kept up to date by
 * {@link registerEstimator}; copy it if you need a snapshot.
 */
export const ESTIMATOR_IDS: readonly string[] = [];

const ID_RE = /^[a-z][a-z0-9-]*$/;

/**
 * Registers an estimator so that `train`, `compare` and (with an exact rule) `diagnose` can use it
 * by id. An id already taken is an error (so a typo cannot replace a built-in).
 * @returns the estimator
 */
export function registerEstimator<E extends Estimator>(estimator: E): E {
  const id = estimator?.id;
  if (typeof id !== 'string' || !ID_RE.test(id)) throw new RangeError(`registerEstimator: id must be lower-case letters, digits and dashes, got ${JSON.stringify(id)}`);
  if (registry.has(id)) throw new RangeError(`registerEstimator: estimator '${id}' is already registered`);
  for (const key of ['summary', 'source', 'information', 'hiddenKind', 'baseline', 'defaultHead'] as const) {
    if (typeof estimator[key] !== 'string') throw new RangeError(`registerEstimator: '${id}' needs a string ${key}, got ${JSON.stringify(estimator[key])}`);
  }
  if (typeof estimator.createState !== 'function' || typeof estimator.hiddenGradient !== 'function') {
    throw new RangeError(`registerEstimator: '${id}' needs createState and hiddenGradient functions`);
  }
  registry.set(id, estimator);
  (ESTIMATOR_IDS as string[]).push(id);
  return estimator;
}

/** The estimator registered under `id`; an unknown id is an error that lists the valid ones. */
export function estimatorFor(id: string): Estimator {
  const e = registry.get(id);
  if (!e) throw new RangeError(`unknown estimator ${JSON.stringify(id)}; valid estimators: ${ESTIMATOR_IDS.join(', ')}`);
  return e;
}

/** Whether `id` is registered. */
export function hasEstimator(id: string): boolean {
  return registry.has(id);
}

/** Every registered estimator, in registration order. */
export function listEstimators(): readonly Estimator[] {
  return [...registry.values()];
}
