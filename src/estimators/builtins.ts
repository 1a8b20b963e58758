/**
 * The built-in estimators, registered in the order listings show them (the default first). Adding
 * a built-in estimator is its file plus one line here.
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
import { rloo } from './rloo.js';
import { arm } from './arm.js';
import { disarm } from './disarm.js';
import { hnca } from './hnca.js';
import { weightMax } from './weight-max.js';
import { nodePerturbation } from './node-perturbation.js';
import { weightPerturbation } from './weight-perturbation.js';
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
registerEstimator(rloo);
registerEstimator(arm);
registerEstimator(disarm);
registerEstimator(hnca);
registerEstimator(weightMax);
registerEstimator(nodePerturbation);
registerEstimator(weightPerturbation);

/** The registered estimators by id (a snapshot taken now; see {@link listEstimators} for a live list). */
export function estimatorsById(): Readonly<Record<string, Estimator>> {
  return Object.fromEntries(listEstimators().map((e) => [e.id, e]));
}

/** @deprecated The old name of {@link estimatorFor}. */
export const estimatorSpec = estimatorFor;

/** The built-in estimators by id, as registered above. */
export const ESTIMATORS: Readonly<Record<string, Estimator>> = estimatorsById();


