/**
 * The exact optimum of the stationary bandits, from their arm means.
 *
 * A bandit pull is a one-step episode, so the best expected episode return is the best arm's mean,
 * `max_a μ_a` (for the contextual bandit, whose context is drawn uniformly and shown to the agent,
 * the mean over contexts of each context's best mean). Pulling that arm every time is a stationary
 * policy, so the agent's policy class reaches the optimum.
 *
 * ## Per instance
 * The arm means are the task instance: each bandit draws them from its RNG on a seeded `reset`
 * (unless they are fixed by `probs` / `means`). The training loop resets sub-env i with
 * `seed + i`, so every run seed, and every sub-env, is a different bandit with its own optimum. This
 * file reads the means exactly as the env draws them, from a fresh env reset with that seed (its
 * `info.means`), so nothing is estimated. A run with several sub-envs ends one episode per sub-env
 * per step, so its learning curve averages the sub-envs equally and its optimum is the mean of
 * theirs ({@link banditOptimum}).
 *
 * `NonstationaryBandit-v0` has no such number: its means take random walks, so the best arm's
 * mean changes every pull (an oracle's expected reward grows like √t); it is reported as
 * unavailable.
 * @module
 */
import { make, type EnvKwargs } from '../core/registry.js';
import { BernoulliBandit, ContextualBandit, GaussianBandit, NonstationaryBandit } from '../../envs/bandits/index.js';
import type { Env } from '../core/env.js';

/** Resets allowed while collecting every context's row of a contextual bandit. */
const MAX_CONTEXT_RESETS = 100_000;

/** Whether an unwrapped env is one of the built-in bandits. */
export function isBandit(env: unknown): boolean {
  return env instanceof BernoulliBandit || env instanceof GaussianBandit || env instanceof ContextualBandit || env instanceof NonstationaryBandit;
}

/** Why a bandit has no optimum, or undefined when it has one. */
export function banditUnavailable(env: unknown): string | undefined {
  if (env instanceof NonstationaryBandit) return 'the arm means take random walks, so the best mean changes at every pull: no fixed optimum';
  return undefined;
}

function maxOf(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  return m;
}

/**
 * The best expected return of one bandit instance: the env made with `envKwargs` and reset with
 * `seed`.
 * @throws RangeError when the env is not a stationary built-in bandit
 */
export function banditInstanceOptimum(envId: string, envKwargs: EnvKwargs, seed: number): number {
  const env = make<number, number>(envId, envKwargs);
  try {
    const inner = env.unwrapped;
    const why = banditUnavailable(inner);
    if (why !== undefined) throw new RangeError(`${envId}: ${why}`);
    if (inner instanceof ContextualBandit) return contextualOptimum(env, inner.numContexts, seed);
    if (!(inner instanceof BernoulliBandit || inner instanceof GaussianBandit)) throw new RangeError(`${envId} is not a built-in stationary bandit`);
    const { info } = env.reset({ seed });
    return maxOf(info['means'] as number[]);
  } finally {
    env.close();
  }
}

/** Mean over contexts of the best mean: each context's row comes from a reset's info (the table stays fixed between unseeded resets). */
function contextualOptimum(env: Env<number, number>, numContexts: number, seed: number): number {
  const best = new Map<number, number>();
  let { info } = env.reset({ seed });
  for (let i = 0; best.size < numContexts; i++) {
    if (i > MAX_CONTEXT_RESETS) throw new Error(`contextual bandit: saw ${best.size} of ${numContexts} contexts in ${MAX_CONTEXT_RESETS} resets`);
    best.set(info['context'] as number, maxOf(info['means'] as number[]));
    if (best.size < numContexts) ({ info } = env.reset());
  }
  let sum = 0;
  for (const v of best.values()) sum += v;
  return sum / numContexts;
}

/**
 * The optimum of one training run on a bandit: the mean over its `numEnvs` sub-envs of each
 * instance's optimum, sub-env i seeded `(seed + i) >>> 0` as the vector env does.
 */
export function banditOptimum(envId: string, envKwargs: EnvKwargs, seed: number, numEnvs: number): number {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`banditOptimum: numEnvs must be an integer >= 1, got ${numEnvs}`);
  let sum = 0;
  for (let i = 0; i < numEnvs; i++) sum += banditInstanceOptimum(envId, envKwargs, (seed + i) >>> 0);
  return sum / numEnvs;
}
