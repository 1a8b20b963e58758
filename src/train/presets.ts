/**
 * Tuned defaults per env: what `rewardcast train --env X` (and `compare`) use unless a flag or a
 * config file says otherwise. Precedence, lowest first: the global defaults of the command, the
 * env's preset, the `--config` file, the flags.
 *
 * Every setting here is an ordinary, documented option; no env gets a hidden special case. The
 * evidence for each preset (seeds, commands, medians with confidence intervals) is in BENCHMARKS.md,
 * and each task's script in examples/ reproduces it.
 *
 * @module
 */
import type { AgentOptions } from '../../agents/options.js';
import { estimatorFor, hasEstimator, listEstimators } from '../estimators/index.js';
import type { EnvKwargs } from '../core/registry.js';

/** A preset: loop settings and agent options. */
export interface Preset {
  /** Parallel sub-envs. */
  readonly numEnvs?: number;
  /** Env steps of a default run. */
  readonly steps?: number;
  /** Options for `make` (for example `maxEpisodeSteps`, for an env registered without a limit, or `rewardShaping`, the explicit shaping wrapper of `src/core/shaping.ts`). */
  readonly envKwargs?: EnvKwargs;
  /** Agent options (estimator-independent unless `byEstimator` overrides them). */
  readonly agent: AgentOptions;
  /** Agent options for particular estimators, over `agent`. */
  readonly byEstimator?: Readonly<Partial<Record<NonNullable<AgentOptions['estimator']>, AgentOptions>>>;
  /** Why these values, in a sentence or two. */
  readonly note: string;
}

/**
 * Estimators that need a hidden layer get one of 8 units, for presets that have none: every
 * registered estimator with `needsHidden`, looked up when a preset is read (so estimators that user
 * code registers later count too).
 */
const HIDDEN_FOR_BACKPROP: Preset['byEstimator'] = new Proxy(
  {},
  {
    get: (_target, id) => (typeof id === 'string' && hasEstimator(id) && estimatorFor(id).needsHidden ? { hidden: [8] } : undefined),
    has: (_target, id) => typeof id === 'string' && hasEstimator(id) && estimatorFor(id).needsHidden,
    ownKeys: () => listEstimators().filter((e) => e.needsHidden).map((e) => e.id),
    getOwnPropertyDescriptor: (_target, id) =>
      typeof id === 'string' && hasEstimator(id) && estimatorFor(id).needsHidden ? { value: { hidden: [8] }, enumerable: true, configurable: true } : undefined,
  },
);

/**
 * Bandits: one sub-env, because sub-env i is seeded with seed + i and so draws its own arm means:
 * several sub-envs would be several different bandits behind one constant observation.
 */
const BANDIT: Preset = {
  numEnvs: 1,
  steps: 5000,
  agent: { hidden: [], head: 'categorical', batchSize: 16, learningRate: 0.05 },
  byEstimator: HIDDEN_FOR_BACKPROP,
  note: 'No hidden layer (the observation is constant); a categorical head, since a binary code can lock onto a wrong bit pattern; small batches and a large step for 5 000 pulls. Estimators that backprop into hidden units get one layer of 8.',
};

/**
 * CartPole-v1 entries of the estimators since 2013, each the best trial of its `rewardcast tune`
 * (successive halving of 9 trials over learningRate and batchSize, weight-perturbation 27 over
 * those, hidden and perturbationScale; 100 000 steps; seeds 101–102, weight-perturbation 101–104),
 * kept only where its tune score beat the preset's default on the same seeds (BENCHMARKS.md, "The
 * estimators since 2013"). arm and node-perturbation keep the default, which scored higher.
 */
const CARTPOLE_SINCE_2013: Preset['byEstimator'] = {
  rloo: { learningRate: 0.0943, batchSize: 128 },
  disarm: { learningRate: 0.0943, batchSize: 128 },
  hnca: { learningRate: 0.0115, batchSize: 32 },
  'weight-max': { learningRate: 0.0115, batchSize: 32 },
  'weight-perturbation': { hidden: [], batchSize: 256, learningRate: 0.223, perturbationScale: 0.03 },
};

/**
 * `over`'s entries merged over `base`'s (a live view, as {@link HIDDEN_FOR_BACKPROP} is): an id in
 * both gets both, `over`'s fields winning.
 */
function mergeByEstimator(base: Preset['byEstimator'], over: NonNullable<Preset['byEstimator']>): Preset['byEstimator'] {
  const b = base ?? {};
  const entry = (id: string | symbol): AgentOptions | undefined => {
    if (typeof id !== 'string') return undefined;
    const x = (b as Record<string, AgentOptions | undefined>)[id];
    const y = (over as Record<string, AgentOptions | undefined>)[id];
    return x || y ? { ...(x ?? {}), ...(y ?? {}) } : undefined;
  };
  return new Proxy(
    {},
    {
      get: (_t, id) => entry(id),
      has: (_t, id) => entry(id) !== undefined,
      ownKeys: () => [...new Set([...Reflect.ownKeys(b), ...Reflect.ownKeys(over)])].filter((k): k is string => typeof k === 'string'),
      getOwnPropertyDescriptor: (_t, id) => {
        const v = entry(id);
        return v ? { value: v, enumerable: true, configurable: true } : undefined;
      },
    },
  );
}

/**
 * The 10-armed Bernoulli bandit's entries for the estimators since 2013: each the best trial of its
 * `rewardcast tune` (9 trials; 5 000 pulls; seeds 101–104) over learningRate with the preset's
 * batches of 16 (weight-perturbation: also perturbationScale), except weight-max, whose best came
 * from the tune over learningRate and batchSize; each beat the default on the same seeds, by
 * margins within the noise of 4 seeds (BENCHMARKS.md, "The estimators since 2013").
 */
const BANDIT_SINCE_2013: NonNullable<Preset['byEstimator']> = {
  rloo: { learningRate: 0.107 },
  arm: { learningRate: 0.107 },
  disarm: { learningRate: 0.107 },
  hnca: { learningRate: 0.0943 },
  'weight-max': { learningRate: 0.0843, batchSize: 64 },
  'node-perturbation': { learningRate: 0.107 },
  'weight-perturbation': { learningRate: 0.0943, perturbationScale: 0.3 },
};

/**
 * Per-estimator options where every registered estimator with `needsHidden` gets `layer` (its hidden
 * layer and whatever goes with it; looked up when read, as {@link HIDDEN_FOR_BACKPROP}), and `extra`
 * names other estimators' options (an estimator in both gets both, `extra` over `layer`).
 */
function withHiddenLayer(layer: AgentOptions, extra: Preset['byEstimator'] = {}): Preset['byEstimator'] {
  const needs = (id: string | symbol): id is string => typeof id === 'string' && hasEstimator(id) && estimatorFor(id).needsHidden;
  const entry = (id: string | symbol): AgentOptions | undefined => {
    const own = typeof id === 'string' ? (extra as Record<string, AgentOptions | undefined>)[id] : undefined;
    return needs(id) ? { ...layer, ...own } : own;
  };
  return new Proxy(
    {},
    {
      get: (_target, id) => entry(id),
      has: (_target, id) => entry(id) !== undefined,
      ownKeys: () => [...new Set([...listEstimators().filter((e) => e.needsHidden).map((e) => e.id), ...Object.keys(extra ?? {})])],
      getOwnPropertyDescriptor: (_target, id) => {
        const v = entry(id);
        return v === undefined ? undefined : { value: v, enumerable: true, configurable: true };
      },
    },
  );
}

/** The presets, by env id. The measurements behind each are in BENCHMARKS.md. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  'CartPole-v1': {
    numEnvs: 1,
    steps: 300_000,
    agent: { hidden: [32], batchSize: 256, learningRate: 0.05, learningRateSchedule: 'linear', learningRateDecaySteps: 300_000, learningRateFinal: 0.1, criticLearningRate: 0.02 },
    byEstimator: { backprop: { learningRate: 0.01 }, ...CARTPOLE_SINCE_2013 },
    note:
      'One sub-env: every batch is whole episodes sampled by the weights it updates, with no row dropped (with 8 sub-envs, sync batching dropped 35 % of the steps and updated 6 times less often, and reinforce-optimal reached 475 on 0 of 5 tuning seeds). ' +
      'One hidden layer of 32 binary units; Adam at 0.05 on batches of at least 256 transitions, decayed linearly to 0.005 over 300 000 steps so that a solved policy settles (constant 0.03: final-100 ≥ 475 on 6 of 10 tuning seeds; decayed: 10 of 10). ' +
      'The critic at Adam 0.02. backprop at 0.01 (at 0.03 it ended below 475 on 3 of 4 tuning seeds). The budget, 300 000 steps, is what the default needs to solve on 9 of 10 seeds. Per-batch signal normalisation and GAE λ < 1 did not help here.',
  },
  'FrozenLake-v1': {
    numEnvs: 1,
    steps: 200_000,
    agent: { hidden: [], head: 'categorical', headBias: false, gamma: 1, batchSize: 64, learningRate: 0.03, criticLearningRate: 0.02, criticLambda: 0.95 },
    byEstimator: HIDDEN_FOR_BACKPROP,
    note:
      'One sub-env, so that exactly on-policy (sync) batches drop nothing: with 8 sub-envs they reached 0.70 on 1 (reinforce-optimal) and 4 (critic) of seeds 1–10, against 8 and 8 with the old pooled batching; with one, 5 and 4 of tuning seeds 101–105. ' +
      'A tabular problem: one-hot states straight into a categorical head (the 2-bit binary code stalls at 0.3–0.5 success). ' +
      'No head biases (issue 13): a bias is shared by all 16 states, and early noise in it pushed one action up everywhere, so reinforce-optimal locked into a poor policy on some seeds; without it, success ≥ 0.714 (optimum − 0.03) within 200 000 steps on 17 of tuning seeds 101–120, against 14 with the bias. ' +
      'The step and batch were kept: `rewardcast tune --env FrozenLake-v1 --params learningRate,batchSize --trials 9 --seeds 101,102,103` (no head bias) ranked lr 0.0943, batch 128 first by area, but it reached 0.714 on 8 of seeds 101–112, against 11 for lr 0.03, batch 64. ' +
      'γ = 1, because the objective is the success rate within the 100-step limit and discounting favours short, risky routes. ' +
      'With the critic (the best variant): critic Adam at 0.02 and GAE λ = 0.95. A layer of 8 for estimators that need one.',
  },
  'CliffWalking-v1': {
    numEnvs: 1,
    steps: 100_000,
    envKwargs: { maxEpisodeSteps: 200 },
    agent: { hidden: [], batchSize: 64, learningRate: 0.05, signalNormalization: 'standardize' },
    byEstimator: HIDDEN_FOR_BACKPROP,
    note:
      'One sub-env, as FrozenLake (with 8 and sync batching the greedy return was −13 on 0 of seeds 1–10; with one, on 5 of tuning seeds 101–105). ' +
      'Tabular: one-hot states into the 2-bit action code. Per-batch standardised signals make the step size independent of the −100 cliff penalty and ' +
      'carry the policy past the safe path (−17) to the edge path (−13). Gymnasium registers no step limit, and an untrained agent can wander for thousands of steps, so training episodes are cut at 200 steps.',
  },
  'BernoulliBandit-v0': { ...BANDIT, byEstimator: mergeByEstimator(HIDDEN_FOR_BACKPROP, BANDIT_SINCE_2013) },
  'GaussianBandit-v0': BANDIT,
  'NonstationaryBandit-v0': BANDIT,
  'ContextualBandit-v0': { ...BANDIT, note: 'As the other bandits; the one-hot context feeds the action units directly.' },
  'Acrobot-v1': {
    numEnvs: 8,
    steps: 300_000,
    agent: {
      hidden: [],
      head: 'categorical',
      gamma: 0.95,
      credit: 'segment',
      rolloutLength: 8,
      learningRate: 0.0382,
      criticLearningRate: 0.00858,
      criticLambda: 0.95,
      signalNormalization: 'standardize',
    },
    byEstimator: withHiddenLayer({ hidden: [64], learningRate: 0.00272 }, { arm: { credit: 'episode' }, disarm: { credit: 'episode' }, 'weight-perturbation': { credit: 'episode' }, 'node-perturbation': { baseline: 'critic' } }),
    note:
      'Tuned for reinforce-critic by `rewardcast tune` (trial 2 of 18, successive halving 100 000 → 300 000 steps, seeds 101–104: final-100 −93, −87, −98, −91; BENCHMARKS.md, Acrobot-v1) from a hand-probed base. ' +
      'No hidden layer: the three action units see the six observations directly through a categorical head (a linear softmax policy is enough for Acrobot, and with 32 or 64×32 binary hidden units the same settings escaped the −500 plateau on 1 of 2 probe seeds). ' +
      'Segment credit every 8 steps of 8 sub-envs, bootstrapped by the critic with GAE λ = 0.95 and γ = 0.95, and the per-batch standardised signal: whole-episode credit over 500-step failures stayed at −500. ' +
      'Estimators that need hidden units (weight-max, hnca, st, …) get one layer of 64 binary units and Adam at 0.00272, tuned for weight-max (trial 1 of 9, seeds 101–103: final-100 −113, −150, −123; at 32 units and 0.0382 no trial left −500 within 100 000 steps) and used untuned for the others. ' +
      'arm, disarm and weight-perturbation pair whole episodes and so use episode credit. node-perturbation centres on the critic (with its own running mean it stayed at −500 on seeds 1–10; with the critic it reached −100 at 125 232 and 82 328 steps on seeds 101, 102).',
  },
  'MountainCar-v0': {
    numEnvs: 1,
    steps: 1_000_000,
    agent: { hidden: [], head: 'categorical', batchSize: 128, learningRate: 0.0943, criticLearningRate: 0.00322, criticLambda: 0.9 },
    byEstimator: HIDDEN_FOR_BACKPROP,
    note:
      'For reinforce-critic, with shaping turned on explicitly: `--shaping mountain-car-energy --shaping-scale 20` (the potential-based wrapper of src/core/shaping.ts with the car\'s mechanical energy; recorded returns stay the env\'s). The preset itself never shapes: shaping changes the learning signal, so a user asks for it. ' +
      'Without shaping not one episode reached the flag in 1 000 000 steps on tuning seeds 101–102 (every estimator tried), with it 3 of 3 tuning seeds reach −110. ' +
      'One sub-env (with 8, sync batching updated too rarely: best mean-100 −120 to −125); no hidden layer, the scaled (x, v) straight into a categorical head (32 binary hidden units never reached the flag, with 8 or 1 sub-envs); ' +
      'GAE λ = 0.9 so that the per-step energy gain credits each action. Step sizes from `rewardcast tune --env MountainCar-v0 --estimator reinforce-critic --budget 1000000 --trials 9 --seeds 101..103 ' +
      '--params learningRate,batchSize,criticLambda,criticLearningRate` (trial 1: Adam 0.0943, batch 128, critic 0.00322, λ 0.9; −110 reached at 605 771, 479 658 and 455 521 steps). Estimators that need one get a hidden layer of 8.',
  },
  'Taxi-v3': {
    numEnvs: 1,
    steps: 1_000_000,
    agent: { hidden: [], head: 'categorical', headBias: false, gamma: 0.99, batchSize: 256, learningRate: 0.02, signalNormalization: 'standardize', criticLearningRate: 0.02, criticLambda: 0.95 },
    byEstimator: HIDDEN_FOR_BACKPROP,
    note:
      'Issue 13. One sub-env; one-hot states (500) into a categorical head over the 6 actions, with no head biases: with them, the illegal pick-ups and drop-offs (−10 in most states) drove those two biases down in every state, the agent stopped delivering (5 % of random episodes deliver, 0 % after 300 000 steps) and settled at −200 on every setting tried (Adam 0.02–0.3, SGD, γ 0.9–0.99, the critic). ' +
      'Without them, reinforce-optimal reached a 100-episode mean of 8 within 1 000 000 steps on tuning seeds 101, 102, 103 (at 732 586, 999 299, 650 051). Per-batch standardised signals, γ = 0.99, Adam 0.02 on batches of 256, chosen by hand on those seeds; ' +
      '`rewardcast tune --env Taxi-v3 --params learningRate,batchSize,gamma --trials 9 --seeds 101,102 --budget 1000000` from this base (no head bias) found nothing better (its best, lr 0.107, batch 256, γ 0.9, ended at −164 and −190). The exact optimum is 7.93, below the threshold 8. On seeds 1–10: 8 reached on 7, median 917 925 steps (BENCHMARKS.md).',
  },
  'FrozenLake8x8-v1': {
    numEnvs: 1,
    steps: 1_000_000,
    agent: { hidden: [], head: 'categorical', gamma: 1, batchSize: 512, learningRate: 0.03, criticLearningRate: 0.02, criticLambda: 0.95 },
    byEstimator: HIDDEN_FOR_BACKPROP,
    note:
      'Issue 13. One sub-env, one-hot states into a categorical head (with its biases), γ = 1 for the success rate within the 200-step limit, Adam 0.03 on batches of 512. ' +
      'On tuning seeds 101–120 it reached success ≥ 0.883 (optimum 0.913 − 0.03) within 1 000 000 steps on 15 of 20 (the misses ended at a best mean-100 of 0.83–0.88); batches of 256 at 0.05 and of 512 at 0.05 also gave 15/20, and the first preset (the FrozenLake-v1 one: no head biases, batches of 64) 4/12 on 101–112. ' +
      'Larger batches trade early lock-ins on a poor policy for slower, less noisy steps. On seeds 1–10: 8 of 10 reach 0.883, median 709 836 steps (BENCHMARKS.md, tabular tasks).',
  },
  'CliffWalkingSlippery-v1': {
    numEnvs: 1,
    steps: 300_000,
    envKwargs: { maxEpisodeSteps: 200 },
    agent: { hidden: [], head: 'categorical', headBias: false, gamma: 0.99, batchSize: 256, learningRate: 0.223, signalNormalization: 'none', criticLearningRate: 0.02, criticLambda: 0.95 },
    byEstimator: withHiddenLayer({ hidden: [8] }, { 'reinforce-critic': { learningRate: 0.1, signalNormalization: 'standardize' } }),
    note:
      'Issue 13. One sub-env; one-hot states into a categorical head without biases. Gymnasium registers no step limit and a fall into the cliff (−100) does not end the episode, so training episodes are cut at 200 steps (the optimum under that cut is −64.702, against −64.709 without). ' +
      'From `rewardcast tune --env CliffWalkingSlippery-v1 --params learningRate,batchSize,gamma,signalNormalization --trials 9 --seeds 101,102 --budget 300000` (base: batch 64, lr 0.05, γ 0.99, standardised signals): its best, Adam 0.223 on batches of 256, γ 0.99, raw signals, ended at −221 and −310 on the tuning seeds, far from the target −67.9 (1.05 × the optimum); the critic (GAE λ 0.95) ended at −158 and −147. The target is not met at this budget (BENCHMARKS.md). reinforce-critic gets Adam 0.1 with standardised signals (by hand on seeds 101–112: −67.94 reached on 3 of 12, most others ending at −70…−90): on seeds 1–10 it ends at a median of −93.9, against −204 for reinforce-optimal.',
  },
};

/** The preset of an env id, or an empty one. */
export function presetFor(env: string): Preset {
  return PRESETS[env] ?? { agent: {}, note: 'no preset: the global defaults' };
}

/** The agent options of a preset for one estimator. */
export function presetAgentOptions(p: Preset, estimator: NonNullable<AgentOptions['estimator']>): AgentOptions {
  return { ...p.agent, ...(p.byEstimator?.[estimator] ?? {}) };
}
