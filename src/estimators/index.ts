/**
 * The estimator family, one file each, and the registry that holds them. Adding an estimator is
 * one file plus one `registerEstimator` line below (or, in user code, one call; see
 * `examples/custom-estimator.ts`).
 * @module
 */
import { backprop } from './backprop.js';
import { learnedCorrection } from './learned-correction.js';
import { noisyRelu } from './noisy-relu.js';
import { estimatorFor, listEstimators, registerEstimator } from './registry.js';
import { reinforce } from './reinforce.js';
import { reinforceCritic } from './reinforce-critic.js';
import { reinforceMean } from './reinforce-mean.js';
import { reinforceOptimal } from './reinforce-optimal.js';
import { st } from './st.js';
import { stSigmoid } from './st-sigmoid.js';
import { sts } from './sts.js';
import type { Estimator } from './types.js';

// The built-in estimators, in the order listings show them (the default first).
registerEstimator(reinforceOptimal);
registerEstimator(reinforce);
registerEstimator(reinforceMean);
registerEstimator(reinforceCritic);
registerEstimator(st);
registerEstimator(stSigmoid);
registerEstimator(learnedCorrection);
registerEstimator(noisyRelu);
registerEstimator(sts);
registerEstimator(backprop);

export * from './types.js';
export { registerEstimator, estimatorFor, hasEstimator, listEstimators, ESTIMATOR_IDS } from './registry.js';
export { BASELINES, BASELINE_KINDS, baselineFor, type BaselineDescriptor } from './baselines.js';
export { localEstimate, backpropEstimate, baselineState } from './rules.js';
export { reinforceRows, backpropRows, reinforceExactRule, straightThroughExactRule, tfjsBackpropRows, tfjsReinforce } from './exact-rules.js';
export { reinforce, reinforceGrad, reinforceUpdate, batchMoments, type ReinforceUpdateOut } from './reinforce.js';
export { reinforceMean, MeanBaseline } from './reinforce-mean.js';
export { reinforceOptimal, OptimalBaseline, exactOptimalBaseline, EQ7_INIT } from './reinforce-optimal.js';
export { reinforceCritic, advantageSignal, tdErrorSignal } from './reinforce-critic.js';
export { st, straightThrough } from './st.js';
export { stSigmoid, straightThroughSigmoid } from './st-sigmoid.js';
export { learnedCorrection, LinearCorrection, exactCorrectionState, type CorrectionCoefficients, type CorrectionState } from './learned-correction.js';
export { STRAIGHT_THROUGH_NOTE } from './st.js';
export { noisyRelu, noisyRectifier, FiringRateController } from './noisy-relu.js';
export { sts, stochasticTimesSmooth } from './sts.js';
export { backprop, tanhUnit } from './backprop.js';

/** The registered estimators by id (a snapshot taken now; see {@link listEstimators} for a live list). */
export function estimatorsById(): Readonly<Record<string, Estimator>> {
  return Object.fromEntries(listEstimators().map((e) => [e.id, e]));
}

/** @deprecated The old name of {@link estimatorFor}. */
export const estimatorSpec = estimatorFor;

/** The built-in estimators by id, as registered above. */
export const ESTIMATORS: Readonly<Record<string, Estimator>> = estimatorsById();


/** Exact-enumeration analysis of the estimators (what `rewardcast diagnose` reports; `src/diagnose/`). */
export * as exact from '../diagnose/index.js';
