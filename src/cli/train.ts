/**
 * `rewardcast train`: one run, streamed to a run folder.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { initBackend, parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { runTraining } from '../train/loop.js';
import { RunWriter, runName } from '../train/run-folder.js';
import { WindowMean } from '../stream/window-mean.js';
import { saveAgent, type AgentOptions, type CreditMode } from '../../agents/agent.js';
import { UsageError } from './errors.js';

/** Options of `rewardcast train`, each with its default. */
export interface TrainCommandOptions {
  /** Registered env id. @default 'CartPole-v1' */
  readonly env: string;
  /** Estimator id. @default 'reinforce-optimal' */
  readonly estimator: EstimatorId;
  /** Seed of everything. @default 1 */
  readonly seed: number;
  /** Env steps, summed over sub-envs. @default 100000 */
  readonly steps: number;
  /** Parallel sub-envs. @default 8 */
  readonly numEnvs: number;
  /** Units per hidden layer. @default [32] */
  readonly hidden: number[];
  /** Optimiser step size. @default 0.01 */
  readonly lr: number;
  /** Optimiser. @default 'adam' */
  readonly optimizer: 'adam' | 'sgd';
  /** Temporal credit. @default 'episode' */
  readonly credit: CreditMode;
  /** Discount γ. @default 0.99 */
  readonly gamma: number;
  /** Transitions per update under episode credit. @default 256 */
  readonly batchSize: number;
  /** Parent folder of run folders. @default 'runs' */
  readonly out: string;
  /** Save the trained agent as `agent.json` in the run folder. @default false */
  readonly save: boolean;
  /** Print the summary as JSON on stdout (and no progress bar). @default false */
  readonly json: boolean;
  /** tfjs backend. @default 'auto' */
  readonly backend: BackendRequest;
}

/** The defaults of {@link TrainCommandOptions}. */
export const TRAIN_DEFAULTS: TrainCommandOptions = {
  env: 'CartPole-v1',
  estimator: 'reinforce-optimal',
  seed: 1,
  steps: 100_000,
  numEnvs: 8,
  hidden: [32],
  lr: 0.01,
  optimizer: 'adam',
  credit: 'episode',
  gamma: 0.99,
  batchSize: 256,
  out: 'runs',
  save: false,
  json: false,
  backend: 'auto',
};

/** The schema of a `--config` file: any subset of the options. */
export const trainConfigSchema = z
  .object({
    env: z.string(),
    estimator: z.enum(ESTIMATOR_IDS as [EstimatorId, ...EstimatorId[]]),
    seed: z.number().int().min(0),
    steps: z.number().int().positive(),
    numEnvs: z.number().int().positive(),
    hidden: z.array(z.number().int().positive()),
    lr: z.number().positive(),
    optimizer: z.enum(['adam', 'sgd']),
    credit: z.enum(['episode', 'segment', 'traces']),
    gamma: z.number().min(0).max(1),
    batchSize: z.number().int().positive(),
    out: z.string(),
    save: z.boolean(),
    json: z.boolean(),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
  })
  .partial()
  .strict();

/** Reads and validates a config file, naming the file, the field and the problem. */
export function readTrainConfig(path: string): Partial<TrainCommandOptions> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read it as JSON: ${(e as Error).message}`);
  }
  const r = trainConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new UsageError(`--config ${path}: field '${field}': ${issue.message}`);
  }
  return r.data as Partial<TrainCommandOptions>;
}

/** Checks the resolved options before anything is written. */
export function validateTrainOptions(o: TrainCommandOptions): void {
  try {
    envSpec(o.env);
  } catch (e) {
    throw new UsageError(`--env: ${(e as Error).message}`);
  }
  try {
    estimatorSpec(o.estimator);
  } catch (e) {
    throw new UsageError(`--estimator: ${(e as Error).message}`);
  }
  parseBackendRequest(o.backend, '--backend');
}

/** The summary written to `summary.json` and printed by `--json`. */
export interface TrainSummary {
  /** `finished`, or `interrupted` by Ctrl-C. */
  readonly status: 'finished' | 'interrupted';
  /** The run folder. */
  readonly runDir: string;
  /** Env id. */
  readonly env: string;
  /** Estimator id. */
  readonly estimator: string;
  /** Seed. */
  readonly seed: number;
  /** tfjs backend used. */
  readonly backend: string;
  /** Env steps taken. */
  readonly envSteps: number;
  /** Episodes finished. */
  readonly episodes: number;
  /** Updates run. */
  readonly updates: number;
  /** Mean return of the last 100 episodes (or fewer), null with no episode. */
  readonly finalReturn: number | null;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Env steps per second. */
  readonly stepsPerSecond: number;
}

/** Runs `train` with resolved options. `signal` aborts it (Ctrl-C). */
export async function runTrainCommand(o: TrainCommandOptions, signal?: AbortSignal, progress?: (steps: number, avg: number | null) => void): Promise<TrainSummary> {
  validateTrainOptions(o);
  const backend = await initBackend(o.backend);
  const agent: AgentOptions = { estimator: o.estimator, hidden: o.hidden, learningRate: o.lr, optimizer: o.optimizer, credit: o.credit, gamma: o.gamma, batchSize: o.batchSize };
  const dir = join(o.out, runName(o.env, o.estimator, o.seed));
  const writer = new RunWriter(dir, { command: 'train', ...o, backend: backend.name, agent });
  const recent = new WindowMean(100);
  let avg: number | null = null;
  const result = await runTraining({
    env: o.env,
    numEnvs: o.numEnvs,
    steps: o.steps,
    seed: o.seed,
    agent,
    ...(signal ? { signal } : {}),
    onEpisode: (e) => {
      writer.episode(e);
      avg = recent.push(e.return);
      progress?.(e.envSteps, avg);
    },
  });
  if (o.save) saveAgent(result.agent, dir);
  result.agent.dispose();
  const summary: TrainSummary = {
    status: result.interrupted ? 'interrupted' : 'finished',
    runDir: dir,
    env: o.env,
    estimator: o.estimator,
    seed: o.seed,
    backend: backend.name,
    envSteps: result.envSteps,
    episodes: result.episodes,
    updates: result.updates,
    finalReturn: avg,
    seconds: result.seconds,
    stepsPerSecond: result.envSteps / result.seconds,
  };
  writer.finish(summary);
  return summary;
}
