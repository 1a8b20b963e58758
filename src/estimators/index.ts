/**
 * The estimator family, one file each. {@link ESTIMATORS} lists them by id; {@link estimatorSpec}
 * looks one up with a clear error.
 * @module
 */
import { backprop } from './backprop.js';
import { learnedCorrection } from './learned-correction.js';
import { noisyRelu } from './noisy-relu.js';
import { reinforce } from './reinforce.js';
import { reinforceCritic } from './reinforce-critic.js';
import { reinforceMean } from './reinforce-mean.js';
import { reinforceOptimal } from './reinforce-optimal.js';
import { st } from './st.js';
import { stSigmoid } from './st-sigmoid.js';
import { sts } from './sts.js';
import { rloo } from './rloo.js';
import { arm } from './arm.js';
import { disarm } from './disarm.js';
import { hnca } from './hnca.js';
import { weightMax } from './weight-max.js';
import { nodePerturbation } from './node-perturbation.js';
import type { EstimatorId, EstimatorSpec } from './types.js';

export * from './types.js';
export { reinforce, reinforceGrad, reinforceUpdate, batchMoments, type ReinforceUpdateOut } from './reinforce.js';
export { reinforceMean, MeanBaseline } from './reinforce-mean.js';
export { reinforceOptimal, OptimalBaseline, exactOptimalBaseline, EQ7_INIT } from './reinforce-optimal.js';
export { reinforceCritic, advantageSignal, tdErrorSignal } from './reinforce-critic.js';
export { st, straightThrough } from './st.js';
export { stSigmoid, straightThroughSigmoid } from './st-sigmoid.js';
export { learnedCorrection, LinearCorrection, type CorrectionCoefficients } from './learned-correction.js';
export { noisyRelu, noisyRectifier, FiringRateController } from './noisy-relu.js';
export { sts, stochasticTimesSmooth } from './sts.js';
export { backprop, tanhUnit } from './backprop.js';
export { rloo, rlooSignal, rlooExact, leaveOneOutSignal } from './rloo.js';
export { hnca, hncaExact, hncaFactors } from './hnca.js';
export { weightMax, weightMaxExact } from './weight-max.js';
export { nodePerturbation, nodePerturbationExact, nodePerturbationScale } from './node-perturbation.js';
export { arm, armExact } from './arm.js';
export { disarm, disarmExact } from './disarm.js';
export { spsaExact } from './weight-perturbation.js';
export { RunningSignalNormalizer, NVIL_DECAY } from './nvil.js';

/** Every estimator, by id, in the order listings show them. */
export const ESTIMATORS: Readonly<Record<EstimatorId, EstimatorSpec>> = {
  'reinforce-optimal': reinforceOptimal,
  reinforce,
  'reinforce-mean': reinforceMean,
  'reinforce-critic': reinforceCritic,
  st,
  'st-sigmoid': stSigmoid,
  'learned-correction': learnedCorrection,
  'noisy-relu': noisyRelu,
  sts,
  backprop,
  rloo,
  arm,
  disarm,
  hnca,
  'weight-max': weightMax,
  'node-perturbation': nodePerturbation,
};

/** The ids of {@link ESTIMATORS}. */
export const ESTIMATOR_IDS = Object.keys(ESTIMATORS) as EstimatorId[];

/** The spec of an estimator id; an unknown id is an error that lists the valid ones. */
export function estimatorSpec(id: string): EstimatorSpec {
  const s = (ESTIMATORS as Record<string, EstimatorSpec>)[id];
  if (!s) throw new RangeError(`unknown estimator ${JSON.stringify(id)}; valid estimators: ${ESTIMATOR_IDS.join(', ')}`);
  return s;
}
/** Exact-enumeration analysis of the estimators (what `rewardcast diagnose` reports). */
export * as exact from './exact.js';
