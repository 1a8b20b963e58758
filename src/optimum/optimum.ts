/**
 * The exact optimum of a registered env, as the learning curves measure return: the optimal
 * expected undiscounted episode return from the initial-state distribution, within the step limit
 * the run trains under (the spec's `maxEpisodeSteps`, or the `maxEpisodeSteps` of its env kwargs).
 *
 * - Envs with a transition table (`env.unwrapped.P`: FrozenLake, CliffWalking, Taxi, ASCII
 *   gridworlds): finite-horizon value iteration, `./value-iteration.ts`, which also gives a return a
 *   stationary policy reaches ({@link OptimumValue.stationary}).
 * - Stationary bandits: the best arm mean of each instance, `./bandits.ts`; per seed.
 * - Everything else (continuous control, the non-stationary bandit, a tabular env whose dynamics
 *   are not all in its table, such as Taxi's fickle passenger): {@link OptimumUnavailable} with the
 *   reason.
 * @module
 */
import { make, spec as envSpec, type EnvKwargs } from '../core/registry.js';
import { DiscreteEnv, isDiscreteEnv } from '../../envs/gridworlds/discrete-env.js';
import { Taxi } from '../../envs/gridworlds/taxi.js';
import { banditOptimum, banditUnavailable, isBandit } from './bandits.js';
import { finiteHorizonValues, NotConvergedError, stationaryLowerBound } from './value-iteration.js';

/** An exact optimum. */
export interface OptimumValue {
  readonly kind: 'exact';
  /** Env id. */
  readonly env: string;
  /** The optimal expected episode return (for a bandit run: mean over its sub-envs' instances). */
  readonly value: number;
  /**
   * A return that a stationary policy (what the agent has: it sees the state, not the time)
   * provably reaches under the same step limit; ≤ `value`. Equal to `value` for bandits.
   */
  readonly stationary: number;
  /** The step limit the optimum is taken under; null when there is none. */
  readonly horizon: number | null;
  /** How it was computed. */
  readonly method: 'finite-horizon value iteration' | 'value iteration to convergence' | 'arm means';
  /** Whether it depends on the seed (bandits: the seed draws the arm means). */
  readonly perInstance: boolean;
}

/** No exact optimum for this env, and why. */
export interface OptimumUnavailable {
  readonly kind: 'unavailable';
  /** Env id. */
  readonly env: string;
  /** Why, in a sentence. */
  readonly reason: string;
}

/** What {@link envOptimum} returns. */
export type Optimum = OptimumValue | OptimumUnavailable;

/** The run an optimum is for. */
export interface OptimumRun {
  /** Options for `make`, as the run passes them (may set `maxEpisodeSteps`). @default {} */
  readonly envKwargs?: EnvKwargs;
  /** The run's seed (bandits only: it draws the instances). @default 1 */
  readonly seed?: number;
  /** Parallel sub-envs (bandits only: sub-env i is seeded seed + i). @default 1 */
  readonly numEnvs?: number;
}

/** Tabular optima by spec (a re-registered id gets a new spec object) and env kwargs. */
const tabularCache = new WeakMap<object, Map<string, Optimum>>();

/** Whether a tabular env's dynamics are all in its table (the hook `afterTransition` is not overridden, or is Taxi's with a steady passenger). */
function tableHoldsDynamics(env: DiscreteEnv): string | undefined {
  if (env instanceof Taxi) return env.ficklePassenger ? 'the fickle passenger changes the destination outside the transition table' : undefined;
  const base = (DiscreteEnv.prototype as unknown as { afterTransition: unknown }).afterTransition;
  const own = (env as unknown as { afterTransition: unknown }).afterTransition;
  return own === base ? undefined : 'the env overrides afterTransition, so its dynamics are not all in its transition table';
}

function tabularOptimum(envId: string, env: DiscreteEnv, horizon: number | null): Optimum {
  const why = tableHoldsDynamics(env);
  if (why !== undefined) return { kind: 'unavailable', env: envId, reason: why };
  try {
    const result = finiteHorizonValues(env, horizon);
    const bound = stationaryLowerBound(env, result);
    return {
      kind: 'exact',
      env: envId,
      value: result.value,
      stationary: Math.min(bound.value, result.value),
      horizon,
      method: horizon === null ? 'value iteration to convergence' : 'finite-horizon value iteration',
      perInstance: false,
    };
  } catch (e) {
    if (e instanceof NotConvergedError) return { kind: 'unavailable', env: envId, reason: e.message };
    throw e;
  }
}

/**
 * The exact optimum of `envId` for one run (see the module doc). Tabular results are cached per
 * registration and kwargs; bandits are recomputed (they are cheap).
 * @throws RangeError for an unknown env id
 */
export function envOptimum(envId: string, run: OptimumRun = {}): Optimum {
  const registered = envSpec(envId);
  const envKwargs = run.envKwargs ?? {};
  const key = JSON.stringify(envKwargs);
  let bySpec = tabularCache.get(registered);
  if (!bySpec) tabularCache.set(registered, (bySpec = new Map()));
  const cached = bySpec.get(key);
  if (cached) return cached;
  const env = make(envId, envKwargs);
  try {
    const inner = env.unwrapped;
    const horizon = env.spec?.maxEpisodeSteps ?? null;
    if (isDiscreteEnv(inner)) {
      const o = tabularOptimum(envId, inner, horizon);
      bySpec.set(key, o);
      return o;
    }
    if (isBandit(inner)) {
      const why = banditUnavailable(inner);
      if (why !== undefined) return { kind: 'unavailable', env: envId, reason: why };
      const value = banditOptimum(envId, envKwargs, run.seed ?? 1, run.numEnvs ?? 1);
      return { kind: 'exact', env: envId, value, stationary: value, horizon: 1, method: 'arm means', perInstance: true };
    }
    return { kind: 'unavailable', env: envId, reason: 'no transition table (env.unwrapped.P) and not a stationary bandit' };
  } finally {
    env.close();
  }
}

/** The optimum of a comparison: one value per seed (the same for all seeds unless per instance). */
export interface SeedsOptimum {
  /** The env's optimum for the first seed (its kind, method and horizon hold for every seed). */
  readonly optimum: Optimum;
  /** Per seed, the exact optimum of that seed's run. Empty when unavailable. */
  readonly perSeed: ReadonlyMap<number, number>;
  /** The mean over the seeds of their optima (what the chart's dashed line shows); null when unavailable. */
  readonly mean: number | null;
}

/** The optimum of every seed of a comparison (seeds as the runs use them). */
export function seedsOptimum(envId: string, seeds: readonly number[], run: Omit<OptimumRun, 'seed'> = {}): SeedsOptimum {
  const first = envOptimum(envId, { ...run, seed: seeds[0] ?? 1 });
  if (first.kind !== 'exact') return { optimum: first, perSeed: new Map(), mean: null };
  const perSeed = new Map<number, number>();
  for (const seed of seeds) perSeed.set(seed, first.perInstance ? (envOptimum(envId, { ...run, seed }) as OptimumValue).value : first.value);
  const values = [...perSeed.values()];
  return { optimum: first, perSeed, mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null };
}
