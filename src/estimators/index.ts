/**
 * The estimator family, one file each, and the registry that holds them. Adding an estimator is
 * one file plus one `registerEstimator` line in `builtins.ts` (or, in user code, one call; see
 * `examples/custom-estimator.ts`).
 * @module
 */
export * from './builtins.js';
export * from './types.js';
export { registerEstimator, estimatorFor, hasEstimator, listEstimators, ESTIMATOR_IDS } from './registry.js';
export { BASELINES, BASELINE_KINDS, baselineFor, type BaselineDescriptor } from './baselines.js';
export { PerWeightOptimalBaseline, perWeightUpdate, emptyPerWeightMoments, type PerWeightBatchMoments, type PerWeightUpdateOut } from './per-weight-baseline.js';
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
export { rloo, rlooSignal, rlooTransform, rlooExact, leaveOneOutSignal } from './rloo.js';
export { arm, armExact } from './arm.js';
export { disarm, disarmExact, antitheticLayer } from './disarm.js';
export { hnca, hncaExact, hncaFactors } from './hnca.js';
export { weightMax, weightMaxExact } from './weight-max.js';
export { nodePerturbation, nodePerturbationExact, nodePerturbationScale } from './node-perturbation.js';
export { RunningSignalNormalizer, NVIL_DECAY } from './nvil.js';
export { measureMoments, measureOutcomes, summarizeMoments, type MomentMeasure, type MomentSummary } from './exact-moments.js';

/** Exact-enumeration analysis of the estimators (what `rewardcast diagnose` reports; `src/diagnose/`). */
export * as exact from '../diagnose/index.js';
