/**
 * `rewardcast train`: one run, streamed to a run folder.
 * @module
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { AGENT_DEFAULTS, agentOptionsSchema, type AgentOptions } from '../../agents/options.js';
import { spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { initBackend, parseBackendRequest } from '../tensor/backend.js';
import { envSlug, FolderError, runName, trainToFolder, type RunSummary } from '../train/run-folder.js';
import { presetAgentOptions } from '../train/presets.js';
import { reportNoPreset, resolvePreset } from '../tune/hooks.js';
import { backendSchema, RUN_DEFAULTS, runFields } from '../train/schemas.js';
import { UsageError, parseIntFlag } from './errors.js';
import { importOption, importsOf, loadCliImports } from './imports.js';
import { presetHelpForArgv } from './preset-help.js';
import { exitCodeOf, stopOnSignals } from './signals.js';
import { addAgentFlags, addShapingFlags, agentFromFlags, backendFrom, checkShapingKwargs, envKwargsWithShaping, readConfigFile, shapingNotice } from './options.js';
import { serveFromFlags } from '../server/flags.js';

/**
 * The options of `rewardcast train`, declared once: the run's fields (`src/train/schemas.ts`), the
 * agent's options (`agents/options.ts`, one name each: `learningRate`, never `lr`), and how to run
 * it. The type, the defaults and the `--config` schema all derive from it.
 */
export const trainOptionsSchema = z.strictObject({
  ...runFields,
  /** Seed of everything (envs, weights, neuron noise). */
  seed: z.number().int().min(0),
  /**
   * Agent options: `estimator`, `hidden`, `learningRate`, `threads` and every other `AgentOptions`
   * field. The flags `--estimator`, `--hidden`, `--learning-rate`, … set fields of it.
   */
  agent: agentOptionsSchema,
  /** Parent folder of run folders. */
  out: z.string().min(1),
  /** Save the trained agent as `agent.json` in the run folder. */
  save: z.boolean(),
  /** Print the summary as JSON on stdout (and no progress bar). */
  json: z.boolean(),
  /** tfjs backend. */
  backend: backendSchema,
  /** User modules (`--import`, repeatable) that register envs or estimators, loaded before any id is resolved. */
  imports: z.array(z.string().min(1)).readonly(),
});

/** Options of `rewardcast train`; see {@link trainOptionsSchema} for each field and {@link TRAIN_DEFAULTS}. */
export type TrainCommandOptions = Readonly<z.output<typeof trainOptionsSchema>>;

/** The defaults of {@link TrainCommandOptions} (the agent's are `AGENT_DEFAULTS`; an env's preset comes over them). */
export const TRAIN_DEFAULTS: TrainCommandOptions = {
  ...RUN_DEFAULTS,
  seed: 1,
  agent: {},
  out: 'runs',
  save: false,
  json: false,
  backend: 'auto',
  imports: [],
};

/** The schema of a `--config` file: any subset of the options. */
export const trainConfigSchema = trainOptionsSchema.partial();

/** Reads and validates a config file, naming the file, the field and the value. */
export function readTrainConfig(path: string): Partial<TrainCommandOptions> {
  return readConfigFile(path, trainConfigSchema);
}

/** The estimator of resolved options. */
export function estimatorOf(o: TrainCommandOptions): EstimatorId {
  return o.agent.estimator ?? AGENT_DEFAULTS.estimator;
}

/** Checks the resolved options before anything is written. */
export function validateTrainOptions(o: TrainCommandOptions): void {
  try {
    envSpec(o.env);
  } catch (e) {
    throw new UsageError(`--env: ${(e as Error).message}`);
  }
  try {
    estimatorSpec(estimatorOf(o));
  } catch (e) {
    throw new UsageError(`--estimator: ${(e as Error).message}`);
  }
  parseBackendRequest(o.backend, '--backend');
  checkShapingKwargs(o.envKwargs);
}

/** The summary written to `summary.json` and printed by `--json`. */
export type TrainSummary = RunSummary;

/** Runs `train` with resolved options. `signal` aborts it (Ctrl-C; its reason, e.g. `'SIGTERM'`, goes into the summary). */
export async function runTrainCommand(o: TrainCommandOptions, signal?: AbortSignal, progress?: (steps: number, avg: number | null) => void): Promise<TrainSummary> {
  await loadCliImports(o.imports);
  validateTrainOptions(o);
  const backend = await initBackend(o.backend);
  const estimator = estimatorOf(o);
  const agent: AgentOptions = { ...o.agent, estimator };
  return trainToFolder({
    parent: o.out,
    name: runName(envSlug(o.env), estimator, o.seed),
    config: { command: 'train', ...o, estimator, backend: backend.name, agent },
    env: o.env,
    estimator,
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

/**
 * The options a preset sets, for an estimator: the env's built-in one (see `src/train/presets.ts`),
 * or, with `presetFile`, that preset file's (checked field by field).
 */
export function presetTrainOptions(env: string, estimator: EstimatorId, presetFile?: unknown): Partial<TrainCommandOptions> {
  const p = resolvePreset(env, presetFile);
  return {
    ...(p.numEnvs !== undefined ? { numEnvs: p.numEnvs } : {}),
    ...(p.steps !== undefined ? { steps: p.steps } : {}),
    ...(p.envKwargs !== undefined ? { envKwargs: { ...p.envKwargs } } : {}),
    agent: presetAgentOptions(p, estimator),
  };
}

/**
 * Resolves the options of one `train` call: defaults, then the env's preset, then the config
 * file, then the flags (as commander gives them: strings, booleans or undefined). The agent
 * options merge field by field in the same order.
 */
export function resolveTrainOptions(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>> = process.env): TrainCommandOptions {
  const fromFile = typeof flags['config'] === 'string' ? readTrainConfig(flags['config']) : {};
  const str = (k: string): string | undefined => (flags[k] === undefined ? undefined : String(flags[k]));
  const agentFlags: AgentOptions = {
    ...agentFromFlags(flags),
    ...(str('estimator') !== undefined ? { estimator: str('estimator') as EstimatorId } : {}),
    ...(flags['threads'] !== undefined ? { threads: parseIntFlag('--threads', flags['threads']) } : {}),
  };
  if (agentFlags.threads !== undefined && agentFlags.threads > 64) throw new UsageError(`--threads must be an integer in [1, 64], got ${JSON.stringify(flags['threads'])}`);
  const flagBackend = backendFrom(flags['backend'], {});
  const envBackend = backendFrom(undefined, env);
  const fromFlags: Partial<TrainCommandOptions> = {
    ...(str('env') !== undefined ? { env: str('env')! } : {}),
    ...(flags['seed'] !== undefined ? { seed: parseIntFlag('--seed', flags['seed'], 0) } : {}),
    ...(flags['steps'] !== undefined ? { steps: parseIntFlag('--steps', flags['steps']) } : {}),
    ...(flags['numEnvs'] !== undefined ? { numEnvs: parseIntFlag('--num-envs', flags['numEnvs']) } : {}),
    ...(str('out') !== undefined ? { out: str('out')! } : {}),
    ...(flags['save'] ? { save: true } : {}),
    ...(flags['json'] ? { json: true } : {}),
    ...(flags['import'] !== undefined ? { imports: importsOf(flags) } : {}),
  };
  const envId = fromFlags.env ?? fromFile.env ?? TRAIN_DEFAULTS.env;
  const estimator = agentFlags.estimator ?? fromFile.agent?.estimator ?? AGENT_DEFAULTS.estimator;
  const preset = presetTrainOptions(envId, estimator, flags['preset']);
  return {
    ...TRAIN_DEFAULTS,
    ...(envBackend !== undefined ? { backend: envBackend } : {}),
    ...preset,
    ...fromFile,
    ...fromFlags,
    ...(flagBackend !== undefined ? { backend: flagBackend } : {}),
    agent: { ...preset.agent, ...fromFile.agent, ...agentFlags, estimator },
    envKwargs: envKwargsWithShaping({ ...preset.envKwargs, ...fromFile.envKwargs }, flags),
  };
}

/** Adds the `train` command to the program. */
export function registerTrain(program: Command): void {
  const d = TRAIN_DEFAULTS;
  const cmd = program
    .command('train')
    .description('train one agent on one env and write a run folder (config.json, episodes.csv, summary.json)')
    .option('--env <id>', `registered env id (default ${d.env})`)
    .option('--estimator <id>', `estimator: ${ESTIMATOR_IDS.join(', ')} (default ${AGENT_DEFAULTS.estimator})`)
    .option('--seed <n>', `seed of everything (default ${d.seed})`)
    .option('--steps <n>', `env steps summed over sub-envs (default: the env's preset, else ${d.steps})`)
    .option('--num-envs <n>', `parallel sub-envs (default: the env's preset, else ${d.numEnvs})`);
  addAgentFlags(cmd, (fallback) => `default: the env's preset, else ${fallback}`);
  addShapingFlags(cmd);
  cmd
    .option('--config <file>', 'JSON file with any of these options by their camelCase names, agent options in "agent" (flags override it)')
    .option('--preset <file>', 'a preset file (from rewardcast tune) to use instead of the env\'s built-in preset')
    .option('--out <dir>', `parent folder of run folders (default ${d.out})`)
    .option('--save', 'save the trained agent as agent.json in the run folder')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .addOption(importOption())
    .option('--threads <n>', `threads for acting and learning, same results with any count; pays off from ~256 sub-envs (default ${AGENT_DEFAULTS.threads})`)
    .option('--serve [port]', 'live view in the browser while it runs, kept open after it until Ctrl-C (default port 8642)')
    .option('--host <addr>', 'address the --serve page binds (default 127.0.0.1: this machine only)')
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
        '  $ rewardcast train --import ./dist/examples/custom-env.js --env Corridor-v0 --steps 20000',
      ].join('\n'),
    )
    .addHelpText('after', () => `\n${presetHelpForArgv(d.env)}`)
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      await loadCliImports(importsOf(flags));
      const o = resolveTrainOptions(flags);
      reportNoPreset(o.env, o, flags['preset']);
      const shaped = shapingNotice(o.env, o.envKwargs);
      if (shaped !== undefined) process.stderr.write(`${shaped}\n`);
      const live = await serveFromFlags(flags);
      live?.watchRun(o.out, o.env, estimatorOf(o), o.seed);
      let status: TrainSummary['status'] | undefined;
      const ac = new AbortController();
      const release = stopOnSignals(ac, (signal) => process.stderr.write(`\ntrain: ${signal}: stopping; finished episodes are kept (again to quit at once)\n`));
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
        status = summary.status;
        bar?.stop();
        if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else {
          process.stdout.write(
            `${summary.status}: ${summary.envSteps} steps, ${summary.episodes} episodes, final mean return ${summary.finalReturn?.toFixed(2) ?? '-'}, ${Math.round(summary.stepsPerSecond)} steps/s\nrun folder: ${summary.runDir}\n`,
          );
        }
        if (summary.status === 'interrupted') process.exitCode = exitCodeOf(summary.signal);
      } catch (e) {
        if (e instanceof FolderError) throw new UsageError(e.message);
        throw e;
      } finally {
        bar?.stop();
        release();
        if (status === undefined) await live?.end(undefined);
      }
      await live?.end(status);
    });
}
