/**
 * Exact planning on a transition table `P[s][a] = [prob, next, reward, terminated][]` (the table
 * every gridworld exposes as `env.unwrapped.P`, see `envs/gridworlds/discrete-env.ts`).
 *
 * ## What is computed
 * The **optimal expected undiscounted return within the step limit H**, from the initial-state
 * distribution `isd`:
 *
 * ```
 * V_0(s) = 0
 * V_k(s) = max_a Σ_{(p, s', r, done) ∈ P[s][a]}  p · (r + (done ? 0 : V_{k−1}(s')))
 * optimum = Σ_s isd(s) · V_H(s)
 * ```
 *
 * This is backward induction (finite-horizon value iteration): `V_k` is the best expected return
 * with k steps left, over **all** policies, including time-dependent ones (the best action may
 * depend on the steps left as well as on the state). An episode that `TimeLimit` truncates after H
 * steps scores what it collected so far, exactly as in the learning curves. With a reward of 1 at
 * the goal and 0 elsewhere (FrozenLake) the optimum is the best success probability within H steps.
 *
 * Without a step limit (`horizon: null`, e.g. Gymnasium's CliffWalking) the iteration runs until
 * `V_k` stops changing (sup-norm change ≤ {@link CONVERGENCE_TOLERANCE}); that is the optimal
 * expected total reward of the episodic (stochastic-shortest-path) problem. When the values do not
 * settle (rewards that can be collected forever) the optimum is undefined and
 * {@link NotConvergedError} says so.
 *
 * ## Can the agent's policy reach it?
 * Not necessarily. The agent sees the state only (a one-hot `Discrete` observation), not how many
 * steps are left, so its policy is **stationary**: the same action distribution in a state at every
 * time. The optimum above is over time-dependent policies and is therefore an upper bound on what
 * any stationary policy, deterministic or stochastic, can score. {@link stationaryLowerBound}
 * evaluates exactly, under the same step limit, the stationary greedy policies of every `V_k`
 * (k = 1 … H, distinct ones only), keeps the best, and improves it by changing one state's action
 * at a time: a value that a stationary deterministic policy provably reaches. The best stationary
 * policy lies between the two. Measured (`rewardcast envs --optimum`):
 *
 * | env (step limit) | optimum | stationary policy reaches |
 * |---|---|---|
 * | FrozenLake-v1 (100) | 0.74419 | 0.74016 |
 * | FrozenLake8x8-v1 (200) | 0.91322 | 0.89357 |
 * | CliffWalking-v1 (none, or 200) | −13 | −13 |
 * | CliffWalkingSlippery-v1 (none) | −64.709 | −64.709 |
 * | Taxi-v3 (200) | 7.93 | 7.93 |
 *
 * So on the slippery lakes the last steps before truncation are worth a different, riskier action
 * than the same state earlier, and a stationary agent can fall short of the optimum by up to the
 * gap (0.004 and 0.020); a stochastic stationary policy may close part of it. Elsewhere the agent's
 * policy class reaches the optimum.
 *
 * ## Exactness
 * Sums are in float64 over the table's probabilities as stored (Gymnasium's 1/3 splits included),
 * so values are exact to rounding (≈ 1e-15 relative per step). Nothing is sampled.
 * @module
 */
import type { TransitionTable } from '../../envs/gridworlds/discrete-env.js';

/** Sup-norm change of `V_k` below which an unlimited-horizon iteration counts as converged. */
export const CONVERGENCE_TOLERANCE = 1e-12;
/** Iterations after which an unlimited-horizon iteration that has not converged gives up. */
export const MAX_ITERATIONS = 1_000_000;
/** At most this many distinct stationary policies are evaluated by {@link stationaryLowerBound}. */
export const MAX_STATIONARY_CANDIDATES = 64;

/** What the planner needs of a tabular env (a `DiscreteEnv` has all four). */
export interface TabularModel {
  /** Number of states. */
  readonly nS: number;
  /** Number of actions. */
  readonly nA: number;
  /** `P[s][a]`: the outcomes `[prob, next, reward, terminated]` of action a in state s. */
  readonly P: TransitionTable;
  /** Initial-state distribution, `nS` probabilities. */
  readonly isd: ArrayLike<number>;
}

/** The result of {@link finiteHorizonValues}. */
export interface FiniteHorizonResult {
  /** Σ_s isd(s) · V_H(s): the optimal expected return from the start within H steps. */
  readonly value: number;
  /** The step limit H, or null when there is none (iterated to convergence). */
  readonly horizon: number | null;
  /** Backward-induction steps taken (H, or the iterations to convergence). */
  readonly iterations: number;
  /** V_H(s) per state (H = `iterations`). */
  readonly values: Float64Array;
  /**
   * The optimal time-dependent policy: `actions[k − 1][s]` is a best action in s with k steps left
   * (lowest index on ties). With no step limit only the last (stationary, converged) row is kept.
   */
  readonly actions: readonly Uint16Array[];
}

/** An unlimited-horizon iteration whose values never settled: the optimal return is unbounded or undefined. */
export class NotConvergedError extends Error {
  override name = 'NotConvergedError';
}

function checkModel(m: TabularModel, fn: string): void {
  if (!Number.isInteger(m.nS) || m.nS <= 0) throw new RangeError(`${fn}: nS must be a positive integer, got ${m.nS}`);
  if (!Number.isInteger(m.nA) || m.nA <= 0 || m.nA > 0xffff) throw new RangeError(`${fn}: nA must be an integer in [1, 65535], got ${m.nA}`);
  if (m.P.length !== m.nS) throw new RangeError(`${fn}: P has ${m.P.length} states, expected nS = ${m.nS}`);
  if (m.isd.length !== m.nS) throw new RangeError(`${fn}: isd has ${m.isd.length} entries, expected nS = ${m.nS}`);
}

/** One Bellman backup: `out(s) = max_a Q(s, a)` against `prev`, best actions into `act`. */
function backup(m: TabularModel, prev: Float64Array, out: Float64Array, act: Uint16Array): void {
  for (let s = 0; s < m.nS; s++) {
    const row = m.P[s]!;
    let best = -Infinity;
    let arg = 0;
    for (let a = 0; a < m.nA; a++) {
      let q = 0;
      for (const [p, next, r, done] of row[a]!) q += p * (r + (done ? 0 : prev[next]!));
      if (q > best) {
        best = q;
        arg = a;
      }
    }
    out[s] = best;
    act[s] = arg;
  }
}

function startValue(isd: ArrayLike<number>, v: Float64Array): number {
  let x = 0;
  for (let s = 0; s < v.length; s++) x += isd[s]! * v[s]!;
  return x;
}

/**
 * Finite-horizon value iteration (see the module doc): the optimal expected undiscounted return
 * within `horizon` steps, or, with `horizon: null`, to convergence.
 *
 * @throws RangeError for a bad model or horizon; {@link NotConvergedError} when an unlimited
 *   horizon does not converge within {@link MAX_ITERATIONS}.
 */
export function finiteHorizonValues(m: TabularModel, horizon: number | null): FiniteHorizonResult {
  const fn = 'finiteHorizonValues';
  checkModel(m, fn);
  if (horizon !== null && (!Number.isInteger(horizon) || horizon < 0)) throw new RangeError(`${fn}: horizon must be an integer >= 0 or null, got ${horizon}`);
  let prev = new Float64Array(m.nS);
  let next = new Float64Array(m.nS);
  const actions: Uint16Array[] = [];
  if (horizon !== null) {
    for (let k = 1; k <= horizon; k++) {
      const act = new Uint16Array(m.nS);
      backup(m, prev, next, act);
      actions.push(act);
      [prev, next] = [next, prev];
    }
    return { value: startValue(m.isd, prev), horizon, iterations: horizon, values: prev, actions };
  }
  const act = new Uint16Array(m.nS);
  for (let k = 1; k <= MAX_ITERATIONS; k++) {
    backup(m, prev, next, act);
    let change = 0;
    let scale = 1;
    for (let s = 0; s < m.nS; s++) {
      change = Math.max(change, Math.abs(next[s]! - prev[s]!));
      scale = Math.max(scale, Math.abs(next[s]!));
    }
    [prev, next] = [next, prev];
    if (!Number.isFinite(change)) break;
    if (change <= CONVERGENCE_TOLERANCE * scale) return { value: startValue(m.isd, prev), horizon: null, iterations: k, values: prev, actions: [act] };
  }
  throw new NotConvergedError(`${fn}: the values did not converge within ${MAX_ITERATIONS} iterations without a step limit (rewards that can be collected forever?); set maxEpisodeSteps`);
}

/**
 * The exact expected undiscounted return of a stationary deterministic policy (`policy[s]` the
 * action in s) from `isd`, within `horizon` steps (or to convergence with `null`).
 *
 * @throws RangeError for a bad policy; {@link NotConvergedError} as {@link finiteHorizonValues}.
 */
export function evaluatePolicy(m: TabularModel, policy: ArrayLike<number>, horizon: number | null): number {
  const fn = 'evaluatePolicy';
  checkModel(m, fn);
  if (policy.length !== m.nS) throw new RangeError(`${fn}: policy has ${policy.length} entries, expected nS = ${m.nS}`);
  for (let s = 0; s < m.nS; s++) {
    const a = policy[s]!;
    if (!Number.isInteger(a) || a < 0 || a >= m.nA) throw new RangeError(`${fn}: policy[${s}] must be an action in [0, ${m.nA}), got ${a}`);
  }
  let prev = new Float64Array(m.nS);
  let next = new Float64Array(m.nS);
  const step = (): number => {
    let change = 0;
    for (let s = 0; s < m.nS; s++) {
      let q = 0;
      for (const [p, n, r, done] of m.P[s]![policy[s]!]!) q += p * (r + (done ? 0 : prev[n]!));
      next[s] = q;
      change = Math.max(change, Math.abs(q - prev[s]!));
    }
    [prev, next] = [next, prev];
    return change;
  };
  if (horizon !== null) {
    for (let k = 0; k < horizon; k++) step();
    return startValue(m.isd, prev);
  }
  for (let k = 1; k <= MAX_ITERATIONS; k++) {
    const change = step();
    if (!Number.isFinite(change)) break;
    let scale = 1;
    for (let s = 0; s < m.nS; s++) scale = Math.max(scale, Math.abs(prev[s]!));
    if (change <= CONVERGENCE_TOLERANCE * scale) return startValue(m.isd, prev);
  }
  throw new NotConvergedError(`${fn}: the policy's values did not converge within ${MAX_ITERATIONS} iterations without a step limit`);
}

/** What {@link stationaryLowerBound} found. */
export interface StationaryBound {
  /** The exact return, within the same step limit, of the best stationary policy found. */
  readonly value: number;
  /** That policy: `policy[s]` is its action in s. */
  readonly policy: Uint16Array;
  /** Distinct greedy policies evaluated. */
  readonly candidates: number;
  /** Single-state changes that improved the best greedy policy (the local search). */
  readonly improvements: number;
}

/**
 * Outcome visits that {@link stationaryLowerBound}'s local search may spend (one visit is one
 * `p · (r + V)` term); beyond it the search stops with the best policy so far.
 */
export const LOCAL_SEARCH_BUDGET = 300_000_000;

/**
 * A return that a stationary deterministic policy provably reaches within the step limit. First the
 * best, evaluated exactly by {@link evaluatePolicy}, of the greedy policies `actions[k − 1]` of
 * {@link finiteHorizonValues} (distinct ones, from k = H down, at most
 * {@link MAX_STATIONARY_CANDIDATES}); then, while it is below the optimum, a local search that
 * changes one state's action at a time and keeps every change that raises the exact value, until no
 * single change helps or {@link LOCAL_SEARCH_BUDGET} is spent. A lower bound on the best stationary
 * policy, while the optimum is an upper bound on it (see the module doc).
 */
export function stationaryLowerBound(m: TabularModel, result: FiniteHorizonResult): StationaryBound {
  const seen = new Set<string>();
  let best: { value: number; policy: Uint16Array } | undefined;
  let candidates = 0;
  for (let k = result.actions.length - 1; k >= 0 && candidates < MAX_STATIONARY_CANDIDATES; k--) {
    const policy = result.actions[k]!;
    const key = Buffer.from(policy.buffer, policy.byteOffset, policy.byteLength).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    candidates += 1;
    const value = evaluatePolicy(m, policy, result.horizon);
    if (best === undefined || value > best.value) best = { value, policy };
  }
  // Horizon 0: every policy scores 0.
  if (best === undefined) return { value: result.value, policy: new Uint16Array(m.nS), candidates: 0, improvements: 0 };
  const policy = Uint16Array.from(best.policy);
  let value = best.value;
  let improvements = 0;
  const gapTolerance = 1e-12 * Math.max(1, Math.abs(result.value));
  if (result.horizon !== null && result.value - value > gapTolerance) {
    let outcomes = 0;
    for (const row of m.P) for (const list of row) outcomes += list.length;
    const evalCost = result.horizon * (outcomes / m.nA);
    let spent = 0;
    let improved = true;
    while (improved && value < result.value - gapTolerance) {
      improved = false;
      for (let s = 0; s < m.nS && spent < LOCAL_SEARCH_BUDGET; s++) {
        const keep = policy[s]!;
        let bestA = keep;
        for (let a = 0; a < m.nA; a++) {
          if (a === keep) continue;
          policy[s] = a;
          spent += evalCost;
          const v = evaluatePolicy(m, policy, result.horizon);
          if (v > value + gapTolerance) {
            value = v;
            bestA = a;
          }
        }
        policy[s] = bestA;
        if (bestA !== keep) {
          improved = true;
          improvements += 1;
        }
      }
      if (spent >= LOCAL_SEARCH_BUDGET) break;
    }
  }
  return { value, policy, candidates, improvements };
}
