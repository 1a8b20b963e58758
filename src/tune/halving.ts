/**
 * The bookkeeping of successive halving (Jamieson & Talwalkar 2016, "Non-stochastic Best Arm
 * Identification and Hyperparameter Optimization", AISTATS; Li et al. 2018, "Hyperband", JMLR,
 * Algorithm 1's inner loop): evaluate every trial on a small budget, keep the best 1/η, give them
 * η times the budget, and so on until the last rung runs at the full budget.
 *
 * Rungs: rung k = 0 … R − 1 evaluates n_k = ⌊T / η^k⌋ trials with b_k = ⌈B / η^(R−1−k)⌉ env
 * steps per run, R being the largest count with n_{R−1} ≥ 1 and b_0 ≥ the minimum budget. Random
 * search is the one-rung plan: all T trials at B. Each rung trains from scratch on the same seeds
 * (a run keeps no checkpoint), so a rung k + 1 run repeats the first b_k steps of its rung k run.
 *
 * Promotion ranks a rung's trials by score, highest first (a trial without a score last; ties by
 * trial index, lowest first), and keeps the first n_{k+1}. Everything here is pure.
 * @module
 */

/** One rung of a plan. */
export interface Rung {
  /** Trials evaluated at this rung. */
  readonly trials: number;
  /** Env steps per run at this rung. */
  readonly budget: number;
}

/** Search methods. */
export type TuneMethod = 'halving' | 'random';

/**
 * The rungs of a search (see the module doc).
 * @param trials T ≥ 1
 * @param budget B, env steps per run at the last rung, ≥ 1
 * @param eta η ≥ 2, the factor between rungs
 * @param minBudget the smallest budget a rung may have @default ⌈B / η²⌉ (at most three rungs)
 */
export function halvingPlan(method: TuneMethod, trials: number, budget: number, eta = 3, minBudget?: number): Rung[] {
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int('trials', trials, 1);
  int('budget', budget, 1);
  int('eta', eta, 2);
  const floor = minBudget ?? Math.ceil(budget / (eta * eta));
  int('minBudget', floor, 1);
  if (method === 'random') return [{ trials, budget }];
  let rungs = 1;
  while (Math.floor(trials / eta ** rungs) >= 1 && Math.ceil(budget / eta ** rungs) >= floor) rungs += 1;
  return Array.from({ length: rungs }, (_, k) => ({ trials: Math.floor(trials / eta ** k), budget: Math.ceil(budget / eta ** (rungs - 1 - k)) }));
}

/** A trial's score at a rung; null when it has none (e.g. no episode finished). */
export interface Scored {
  readonly trial: number;
  readonly score: number | null;
}

/** `scored` ranked best first: score descending, no score last, ties by trial index. */
export function rank(scored: readonly Scored[]): Scored[] {
  return [...scored].sort((a, b) => {
    if (a.score === null || b.score === null) return a.score === b.score ? a.trial - b.trial : a.score === null ? 1 : -1;
    return b.score - a.score || a.trial - b.trial;
  });
}

/** The trials promoted from a rung: the first `n` of {@link rank}. */
export function promote(scored: readonly Scored[], n: number): number[] {
  return rank(scored)
    .slice(0, n)
    .map((s) => s.trial);
}

/**
 * The trials of each rung, given the scores recorded so far (`done.get(k)` maps trial → score at
 * rung k): rung 0 has every trial; rung k + 1 the promoted ones once rung k is complete, and is
 * undefined (not known yet) before. Used both to plan the next work and to resume.
 */
export function rungMembers(plan: readonly Rung[], done: ReadonlyMap<number, ReadonlyMap<number, number | null>>): (number[] | undefined)[] {
  const members: (number[] | undefined)[] = [Array.from({ length: plan[0]!.trials }, (_, i) => i)];
  for (let k = 0; k + 1 < plan.length; k++) {
    const here = members[k]!;
    const scores = done.get(k);
    if (!scores || !here.every((t) => scores.has(t))) {
      for (let j = k + 1; j < plan.length; j++) members.push(undefined);
      break;
    }
    members.push(promote(here.map((t) => ({ trial: t, score: scores.get(t)! })), plan[k + 1]!.trials));
  }
  return members;
}
