/**
 * The search space of `rewardcast tune`: one declared distribution per documented option, and the
 * deterministic sampler of trials.
 *
 * | option | distribution | why |
 * |---|---|---|
 * | `learningRate` | log-uniform [1e-3, 0.3] | a step size: its scale matters, not its digits |
 * | `batchSize` | one of 32, 64, 128, 256, 512 | transitions per update (episode credit) |
 * | `hidden` | one of none, 8, 16, 32, 64 (one layer) | none only for estimators that can do without |
 * | `numEnvs` | one of 1, 4, 8, 16 | parallel sub-envs (a loop setting of the preset) |
 * | `gamma` | one of 0.9, 0.95, 0.99, 1 | discount of the credited return |
 * | `credit` | one of episode, segment | whole-episode returns, or rollout segments bootstrapped by the critic |
 * | `signalNormalization` | one of none, scale, standardize | per-batch scaling of the broadcast signal |
 * | `baselineDecay` | one of 0.5, 0.9, 0.99 | c of the running baselines |
 * | `head` | one of binary-code, categorical | only for `Discrete(k > 2)` actions |
 * | `criticLearningRate` | log-uniform [1e-3, 0.1] | only with a critic (`reinforce-critic`) |
 * | `criticLambda` | one of 0.9, 0.95, 1 | only with a critic |
 * | `perturbationScale` | one of 0.03, 0.1, 0.3 | c of weight perturbation; only for estimators that perturb weights |
 *
 * Sampling: one {@link Rng} seeded with the tune's `seed`; trial i's values are drawn in the order
 * of {@link SEARCH_SPACE}'s keys, for trials 0, 1, … in turn. The same seed, trial count and space
 * give the same trials, so a tune folder is resumable and every trial can be redone by hand from
 * its recorded values. Log-uniform draws are rounded to 3 significant digits (recorded as drawn).
 * @module
 */
import { Rng } from '../core/rng.js';
import { Discrete, type Space } from '../core/spaces.js';
import { estimatorFor, hasEstimator, type EstimatorId } from '../estimators/index.js';

/** A value an option can take. */
export type ParamValue = number | string | readonly number[];

/** The distribution of one option. */
export type ParamDistribution =
  | { readonly kind: 'log-uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'choice'; readonly values: readonly ParamValue[] };

/** Whether an estimator needs a hidden layer (it backpropagates into hidden units): its registry entry says so. */
const needsHidden = (estimator: EstimatorId): boolean => hasEstimator(estimator) && estimatorFor(estimator).needsHidden;

/** The declared search space (see the module doc). The names are `AgentOptions` fields, plus `numEnvs`. */
export const SEARCH_SPACE = {
  learningRate: { kind: 'log-uniform', low: 1e-3, high: 0.3 },
  batchSize: { kind: 'choice', values: [32, 64, 128, 256, 512] },
  hidden: { kind: 'choice', values: [[], [8], [16], [32], [64]] },
  numEnvs: { kind: 'choice', values: [1, 4, 8, 16] },
  gamma: { kind: 'choice', values: [0.9, 0.95, 0.99, 1] },
  credit: { kind: 'choice', values: ['episode', 'segment'] },
  signalNormalization: { kind: 'choice', values: ['none', 'scale', 'standardize'] },
  baselineDecay: { kind: 'choice', values: [0.5, 0.9, 0.99] },
  head: { kind: 'choice', values: ['binary-code', 'categorical'] },
  criticLearningRate: { kind: 'log-uniform', low: 1e-3, high: 0.1 },
  criticLambda: { kind: 'choice', values: [0.9, 0.95, 1] },
  perturbationScale: { kind: 'choice', values: [0.03, 0.1, 0.3] },
} as const satisfies Record<string, ParamDistribution>;

/** A searchable option. */
export type ParamName = keyof typeof SEARCH_SPACE;

/** Every searchable option, in sampling order. */
export const PARAM_NAMES = Object.keys(SEARCH_SPACE) as ParamName[];

/** One trial's values. */
export type TrialParams = Readonly<Partial<Record<ParamName, ParamValue>>>;

/** The space actually searched: a subset of {@link SEARCH_SPACE}, restricted to what fits. */
export type SearchSpace = Readonly<Partial<Record<ParamName, ParamDistribution>>>;

/**
 * The options that apply to an estimator and an action space, from `names` (default: all): the
 * head only for `Discrete(k > 2)`, the critic's options only for `reinforce-critic`, c only for
 * weight-perturbation estimators, no "none"
 * hidden layer for estimators that backpropagate into hidden units.
 * @throws RangeError naming an unknown option
 */
export function searchSpace(estimator: EstimatorId, actionSpace: Space<unknown>, names?: readonly string[]): SearchSpace {
  for (const n of names ?? []) {
    if (!PARAM_NAMES.includes(n as ParamName)) throw new RangeError(`unknown option ${JSON.stringify(n)} to search; searchable options: ${PARAM_NAMES.join(', ')}`);
  }
  const wanted = (names ?? PARAM_NAMES) as readonly ParamName[];
  const out: Partial<Record<ParamName, ParamDistribution>> = {};
  for (const name of PARAM_NAMES) {
    if (!wanted.includes(name)) continue;
    if (name === 'head' && !(actionSpace instanceof Discrete && actionSpace.n > 2)) continue;
    if ((name === 'criticLearningRate' || name === 'criticLambda') && estimator !== 'reinforce-critic') continue;
    if (name === 'perturbationScale' && !(hasEstimator(estimator) && estimatorFor(estimator).perturbation)) continue;
    let d: ParamDistribution = SEARCH_SPACE[name];
    if (name === 'hidden' && needsHidden(estimator)) d = { kind: 'choice', values: SEARCH_SPACE.hidden.values.filter((h) => h.length > 0) };
    out[name] = d;
  }
  return out;
}

/** `x` rounded to 3 significant digits. */
function round3(x: number): number {
  return Number(x.toPrecision(3));
}

/** One draw from a distribution. */
export function sampleParam(d: ParamDistribution, rng: Rng): ParamValue {
  if (d.kind === 'log-uniform') {
    const lo = Math.log(d.low);
    const hi = Math.log(d.high);
    return round3(Math.exp(lo + rng.random() * (hi - lo)));
  }
  return d.values[rng.integers(d.values.length)]!;
}

/** `trials` trials drawn from `space` with one RNG seeded `seed` (see the module doc). */
export function sampleTrials(space: SearchSpace, trials: number, seed: number): TrialParams[] {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be an integer >= 1, got ${trials}`);
  const rng = Rng.fromSeed(seed);
  const out: TrialParams[] = [];
  for (let i = 0; i < trials; i++) {
    const p: Partial<Record<ParamName, ParamValue>> = {};
    for (const name of PARAM_NAMES) {
      const d = space[name];
      if (d !== undefined) p[name] = sampleParam(d, rng);
    }
    out.push(p);
  }
  return out;
}
