/**
 * `rewardcast train`: one run, streamed to a run folder.
 * @module
 */
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { initBackend, parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { runName, trainToFolder, type RunSummary } from '../train/run-folder.js';
import type { AgentOptions, CreditMode } from '../../agents/agent.js';
import { UsageError, readConfigFile, parseIntFlag, parseIntList, parsePositiveFlag } from './errors.js';
import { presetAgentOptions, presetFor, presetRunOptions } from '../train/presets.js';
import type { EnvKwargs } from '../core/registry.js';
import { backendSchema, estimatorIdSchema, trainingFieldSchemas } from '../train/schemas.js';

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
  /** Threads for the agent's forward pass and update (`AgentOptions.threads`; same numbers with any count). @default 1 */
  readonly threads: number;
  /** Further agent options (any `AgentOptions` field: head, baseline, rolloutLength, …), under the fields above. @default {} */
  readonly agent: AgentOptions;
  /** Options for the env's constructor and `make` (e.g. `maxEpisodeSteps`). @default {} (or the preset's) */
  readonly envKwargs: EnvKwargs;
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
  threads: 1,
  agent: {},
  envKwargs: {},
};

/** The schema of a `--config` file: any subset of the options. */
export const trainConfigSchema = z
  .object({
    env: z.string(),
    estimator: estimatorIdSchema,
    seed: z.number().int().min(0),
    ...trainingFieldSchemas,
    out: z.string(),
    save: z.boolean(),
    json: z.boolean(),
    backend: backendSchema,
    threads: z.number().int().min(1).max(64),
    agent: z.record(z.string(), z.unknown()),
    envKwargs: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

/** Reads and validates a config file, naming the file, the field and the problem. */
export function readTrainConfig(path: string): Partial<TrainCommandOptions> {
  return readConfigFile(path, trainConfigSchema) as Partial<TrainCommandOptions>;
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
export type TrainSummary = RunSummary;

/** Runs `train` with resolved options. `signal` aborts it (Ctrl-C). */
export async function runTrainCommand(o: TrainCommandOptions, signal?: AbortSignal, progress?: (steps: number, avg: number | null) => void): Promise<TrainSummary> {
  validateTrainOptions(o);
  const backend = await initBackend(o.backend);
  const agent: AgentOptions = { ...o.agent, estimator: o.estimator, hidden: o.hidden, learningRate: o.lr, optimizer: o.optimizer, credit: o.credit, gamma: o.gamma, batchSize: o.batchSize, threads: o.threads };
  const dir = join(o.out, runName(o.env, o.estimator, o.seed));
  return trainToFolder({
    dir,
    config: { command: 'train', ...o, backend: backend.name, agent },
    env: o.env,
    estimator: o.estimator,
    seed: o.seed,
    steps: o.steps,
    numEnvs: o.numEnvs,
    envKwargs: o.envKwargs,
    agent,
    backend: backend.name,
    save: o.save,
    ...(signal ? { signal } : {}),
    ...(progress ? { onEpisode: progress } : {}),
  });
}

/** The options an env's preset sets (see `src/train/presets.ts`), for an estimator. */
export function presetTrainOptions(env: string, estimator: EstimatorId): Partial<TrainCommandOptions> {
  const p = presetFor(env);
  return presetRunOptions(p, presetAgentOptions(p, estimator));
}

/**
 * Resolves the options of one `train` call: defaults, then the env's preset, then the config
 * file, then the flags (as commander gives them: strings, booleans or undefined).
 */
export function resolveTrainOptions(flags: Record<string, string | boolean | undefined>, env: Record<string, string | undefined> = process.env): TrainCommandOptions {
  const fromFile = typeof flags['config'] === 'string' ? readTrainConfig(flags['config']) : {};
  const str = (k: string): string | undefined => (flags[k] === undefined ? undefined : String(flags[k]));
  const fromFlags: Partial<TrainCommandOptions> = {
    ...(str('env') !== undefined ? { env: str('env')! } : {}),
    ...(str('estimator') !== undefined ? { estimator: str('estimator') as EstimatorId } : {}),
    ...(flags['seed'] !== undefined ? { seed: parseIntFlag('--seed', flags['seed'], 0) } : {}),
    ...(flags['steps'] !== undefined ? { steps: parseIntFlag('--steps', flags['steps']) } : {}),
    ...(flags['numEnvs'] !== undefined ? { numEnvs: parseIntFlag('--num-envs', flags['numEnvs']) } : {}),
    ...(flags['hidden'] !== undefined ? { hidden: parseIntList('--hidden', flags['hidden']) } : {}),
    ...(flags['lr'] !== undefined ? { lr: parsePositiveFlag('--lr', flags['lr']) } : {}),
    ...(str('optimizer') !== undefined ? { optimizer: str('optimizer') as TrainCommandOptions['optimizer'] } : {}),
    ...(str('credit') !== undefined ? { credit: str('credit') as CreditMode } : {}),
    ...(flags['gamma'] !== undefined ? { gamma: Number(flags['gamma']) } : {}),
    ...(flags['batchSize'] !== undefined ? { batchSize: parseIntFlag('--batch-size', flags['batchSize']) } : {}),
    ...(str('out') !== undefined ? { out: str('out')! } : {}),
    ...(flags['save'] ? { save: true } : {}),
    ...(flags['json'] ? { json: true } : {}),
    ...(flags['threads'] !== undefined ? { threads: parseIntFlag('--threads', flags['threads']) } : {}),
    ...(str('backend') !== undefined ? { backend: str('backend') as BackendRequest } : env['REWARDCAST_BACKEND'] ? { backend: env['REWARDCAST_BACKEND'] as BackendRequest } : {}),
  };
  const envId = fromFlags.env ?? fromFile.env ?? TRAIN_DEFAULTS.env;
  const estimator = fromFlags.estimator ?? fromFile.estimator ?? TRAIN_DEFAULTS.estimator;
  const preset = presetTrainOptions(envId, estimator);
  const o: TrainCommandOptions = {
    ...TRAIN_DEFAULTS,
    ...preset,
    ...fromFile,
    ...fromFlags,
    agent: { ...(preset.agent ?? {}), ...(fromFile.agent ?? {}) },
    envKwargs: { ...(preset.envKwargs ?? {}), ...(fromFile.envKwargs ?? {}) },
  };
  if (!['adam', 'sgd'].includes(o.optimizer)) throw new UsageError(`--optimizer must be adam or sgd, got ${JSON.stringify(o.optimizer)}`);
  if (!['episode', 'segment', 'traces'].includes(o.credit)) throw new UsageError(`--credit must be episode, segment or traces, got ${JSON.stringify(o.credit)}`);
  if (!(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= 64)) throw new UsageError(`--threads must be an integer in [1, 64], got ${JSON.stringify(flags['threads'] ?? o.threads)}`);
  if (!(o.gamma >= 0 && o.gamma <= 1)) throw new UsageError(`--gamma must be in [0, 1], got ${JSON.stringify(flags['gamma'] ?? o.gamma)}`);
  return o;
}

/** Adds the `train` command to the program. */
export function registerTrain(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('train')
    .description('train one agent on one env and write a run folder (config.json, episodes.csv, summary.json)')
    .option('--env <id>', `registered env id (default ${d.env})`)
    .option('--estimator <id>', `estimator: ${ESTIMATOR_IDS.join(', ')} (default ${d.estimator})`)
    .option('--seed <n>', `seed of everything (default ${d.seed})`)
    .option('--steps <n>', `env steps summed over sub-envs (default: the env's preset, else ${d.steps})`)
    .option('--num-envs <n>', `parallel sub-envs (default: the env's preset, else ${d.numEnvs})`)
    .option('--hidden <list>', `units per hidden layer, e.g. 64,64, or none (default: the preset, else ${d.hidden.join(',')})`)
    .option('--lr <x>', `learning rate (default: the preset, else ${d.lr})`)
    .option('--optimizer <name>', `adam or sgd (default ${d.optimizer})`)
    .option('--credit <mode>', `episode, segment or traces (default ${d.credit})`)
    .option('--gamma <x>', `discount (default ${d.gamma})`)
    .option('--batch-size <n>', `transitions per update (default: the preset, else ${d.batchSize})`)
    .option('--config <file>', 'JSON file with any of these options, and "agent" for any other agent option (flags override it)')
    .option('--out <dir>', `parent folder of run folders (default ${d.out})`)
    .option('--save', 'save the trained agent as agent.json in the run folder')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .option('--threads <n>', `threads for acting and learning, same results with any count; pays off from ~256 sub-envs (default ${d.threads})`)
    .addHelpText(
      'after',
      [
        '',
        'Defaults come from the env\'s preset (src/train/presets.ts) where it has one; a --config file and',
        'then the flags override them.',
        '',
        'Updates are exactly on-policy by default (agent option batching: \'sync\'; summary.json reports the',
        'off-policy share). reinforce-critic is unbiased only with the Monte Carlo advantage G − V(s)',
        '(episode credit, criticLambda 1); TD errors, GAE with λ < 1 and bootstrapped cuts carry the critic\'s error.',
        '',
        'Examples:',
        '  $ rewardcast train --env CartPole-v1 --steps 200000',
        '  $ rewardcast train --env BernoulliBandit-v0 --estimator reinforce --json',
        '  $ rewardcast train --config my-run.json --seed 3',
      ].join('\n'),
    )
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const o = resolveTrainOptions(flags);
      const ac = new AbortController();
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      const bar =
        !o.json && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: 'train |{bar}| {value}/{total} steps | {sps} steps/s | avg return {avg}', hideCursor: true, stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      const t0 = performance.now();
      bar?.start(o.steps, 0, { sps: '-', avg: '-' });
      try {
        const summary = await runTrainCommand(o, ac.signal, (steps, avg) =>
          bar?.update(Math.min(steps, o.steps), { sps: Math.round(steps / ((performance.now() - t0) / 1000)), avg: avg === null ? '-' : avg.toFixed(2) }),
        );
        bar?.stop();
        if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else {
          process.stderr.write(
            `${summary.status}: ${summary.envSteps} steps, ${summary.episodes} episodes, final mean return ${summary.finalReturn?.toFixed(2) ?? '-'}, ${Math.round(summary.stepsPerSecond)} steps/s\nrun folder: ${summary.runDir}\n`,
          );
        }
        if (summary.status === 'interrupted') process.exitCode = 130;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
