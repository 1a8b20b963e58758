/**
 * The zod validators of the training options that `train`'s and `compare`'s config files and a
 * comparison's `compare.json` share, so that a field is checked the same way everywhere.
 * @module
 */
import { z } from 'zod';
import { ESTIMATOR_IDS, type EstimatorId } from '../estimators/index.js';

/** One estimator id. */
export const estimatorIdSchema = z.enum(ESTIMATOR_IDS as [EstimatorId, ...EstimatorId[]]);

/** The fields that shape a training run, by name (spread them into an object schema). */
export const trainingFieldSchemas = {
  steps: z.number().int().positive(),
  numEnvs: z.number().int().positive(),
  hidden: z.array(z.number().int().positive()),
  lr: z.number().positive(),
  optimizer: z.enum(['adam', 'sgd']),
  credit: z.enum(['episode', 'segment', 'traces']),
  gamma: z.number().min(0).max(1),
  batchSize: z.number().int().positive(),
};

/** `--backend` and `REWARDCAST_BACKEND` values. */
export const backendSchema = z.enum(['auto', 'tensorflow', 'wasm', 'cpu']);
