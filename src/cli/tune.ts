/**
 * `rewardcast tune`: search the documented agent options for an env on the tuning seeds, and write
 * the best as a preset file for `train --preset` and `compare --preset`. See `src/tune/tune.ts`
 * for the folder, resuming and stopping, `src/tune/space.ts` for the search space and
 * `src/tune/score.ts` for the score.
 *
 * Output: one line per recorded trial on stderr, then the best trials and the preset's path;
 * `--json` prints the result on stdout instead of the table.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { make, spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { AGENT_DEFAULTS, type AgentOptions } from '../../agents/options.js';
import { presetAgentOptions } from '../train/presets.js';
import { RUN_DEFAULTS } from '../train/schemas.js';
import { halvingPlan, type TuneMethod } from '../tune/halving.js';
import { resolvePreset } from '../tune/hooks.js';
import { PARAM_NAMES, searchSpace } from '../tune/space.js';
import { tune, TuneConfigError, type TuneEvent, type TuneOptions, type TuneResult } from '../tune/tune.js';
import { UsageError, parseIntFlag } from './errors.js';
import { importOption, importsOf, loadCliImports } from './imports.js';

/** The tuning seeds: tune on these, report on 1–10 (never the same). */
export const TUNING_SEEDS = { first: 101, last: 120 } as const;

/** Options of `rewardcast tune`, each with its default. */
export interface TuneCommandOptions {
  /** Registered env id (after `--import`). @default 'CartPole-v1' */
  readonly env: string;
  /** The estimator the options are tuned for. @default 'reinforce-optimal' */
  readonly estimator: EstimatorId;
  /** Env steps per run at the full budget (the last rung). @default 100000 */
  readonly budget: number;
  /** Trials T (sampled option sets). @default 27 */
  readonly trials: number;
  /** Tuning seeds, a subset of 101–120. @default [101, 102, 103] */
  readonly seeds: readonly number[];
  /** `halving` (successive halving) or `random` (every trial at the full budget). @default 'halving' */
  readonly method: TuneMethod;
  /** η of successive halving. @default 3 */
  readonly eta: number;
  /** The smallest rung budget. @default ⌈budget / η²⌉ */
  readonly minBudget: number | undefined;
  /** Options to search (names from the search space). @default every one that applies */
  readonly params: readonly string[] | undefined;
  /** Seed of the trial sampler. @default 0 */
  readonly seed: number;
  /** A preset file to start from instead of the env's built-in preset. @default undefined */
  readonly preset: string | undefined;
  /** Modules to load first, in this process and in every worker. @default [] */
  readonly imports: readonly string[];
  /** Worker threads. @default os.availableParallelism() */
  readonly workers: number;
  /** Parent folder of the tune folder. @default 'runs' */
  readonly out: string;
  /** tfjs backend of the workers. @default 'auto' (or REWARDCAST_BACKEND) */
  readonly backend: BackendRequest;
  /** Print the result as JSON on stdout. @default false */
  readonly json: boolean;
}

/** The defaults of {@link TuneCommandOptions}. */
export const TUNE_DEFAULTS: TuneCommandOptions = {
  env: 'CartPole-v1',
  estimator: 'reinforce-optimal',
  budget: 100_000,
  trials: 27,
  seeds: [101, 102, 103],
  method: 'halving',
  eta: 3,
  minBudget: undefined,
  params: undefined,
  seed: 0,
  preset: undefined,
  imports: [],
  workers: availableParallelism(),
  out: 'runs',
  backend: 'auto',
  json: false,
};

/** Parses `--seeds 101,102` or `--seeds 101..105`: distinct tuning seeds in 101–120. */
export function parseTuningSeeds(flag: string, value: unknown): number[] {
  const text = typeof value === 'string' ? value.trim() : '';
  const bad = (): never => {
    throw new UsageError(`${flag} must be tuning seeds in ${TUNING_SEEDS.first}..${TUNING_SEEDS.last}, as a list (101,102) or a range (101..105), got ${JSON.stringify(value)}`);
  };
  let seeds: number[];
  const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(text);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) bad();
    seeds = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    if (!/^\d+(\s*,\s*\d+)*$/.test(text)) bad();
    seeds = text.split(',').map((s) => Number(s.trim()));
  }
  if (seeds.some((s) => s < TUNING_SEEDS.first || s > TUNING_SEEDS.last)) bad();
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`${flag}: seed ${dup} is listed twice`);
  return seeds;
}

/** Resolves the flags (as commander gives them) over the defaults, naming the flag of any bad value. */
export function resolveTuneOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): TuneCommandOptions {
  const has = (k: string): boolean => flags[k] !== undefined;
  const str = (k: string): string => String(flags[k]);
  const o: TuneCommandOptions = {
    ...TUNE_DEFAULTS,
    ...(env['REWARDCAST_BACKEND'] ? { backend: env['REWARDCAST_BACKEND'] as BackendRequest } : {}),
    ...(has('env') ? { env: str('env') } : {}),
    ...(has('estimator') ? { estimator: str('estimator') as EstimatorId } : {}),
    ...(has('budget') ? { budget: parseIntFlag('--budget', flags['budget']) } : {}),
    ...(has('trials') ? { trials: parseIntFlag('--trials', flags['trials']) } : {}),
    ...(has('seeds') ? { seeds: parseTuningSeeds('--seeds', flags['seeds']) } : {}),
    ...(has('method') ? { method: str('method') as TuneMethod } : {}),
    ...(has('eta') ? { eta: parseIntFlag('--eta', flags['eta'], 2) } : {}),
    ...(has('minBudget') ? { minBudget: parseIntFlag('--min-budget', flags['minBudget']) } : {}),
    ...(has('params') ? { params: str('params').split(',').map((s) => s.trim()).filter((s) => s !== '') } : {}),
    ...(has('seed') ? { seed: parseIntFlag('--seed', flags['seed'], 0) } : {}),
    ...(has('preset') ? { preset: str('preset') } : {}),
    ...(has('import') ? { imports: importsOf(flags) } : {}),
    ...(has('workers') ? { workers: parseIntFlag('--workers', flags['workers']) } : {}),
    ...(has('out') ? { out: str('out') } : {}),
    ...(has('backend') ? { backend: str('backend') as BackendRequest } : {}),
    ...(flags['json'] ? { json: true } : {}),
  };
  if (!['halving', 'random'].includes(o.method)) throw new UsageError(`--method must be halving or random, got ${JSON.stringify(o.method)}`);
  if (o.params !== undefined) {
    if (o.params.length === 0) throw new UsageError(`--params must list options to search (${PARAM_NAMES.join(', ')}), got ${JSON.stringify(flags['params'])}`);
    const unknown = o.params.find((p) => !(PARAM_NAMES as readonly string[]).includes(p));
    if (unknown !== undefined) throw new UsageError(`--params: unknown option ${JSON.stringify(unknown)}; searchable options: ${PARAM_NAMES.join(', ')}`);
  }
  if (o.seed > 0xffffffff) throw new UsageError(`--seed must be an integer in [0, 4294967295], got ${JSON.stringify(flags['seed'])}`);
  try {
    estimatorSpec(o.estimator);
  } catch (e) {
    throw new UsageError(`--estimator: ${(e as Error).message}`);
  }
  try {
    parseBackendRequest(o.backend, '--backend');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  try {
    halvingPlan(o.method, o.trials, o.budget, o.eta, o.minBudget);
  } catch (e) {
    throw new UsageError(`--min-budget: ${(e as Error).message}`);
  }
  return o;
}

/** The {@link TuneOptions} of resolved command options (after the imports are loaded: the env must be registered). */
export function tuneOptionsFor(o: TuneCommandOptions): TuneOptions {
  try {
    envSpec(o.env);
  } catch (e) {
    throw new UsageError(`--env: ${(e as Error).message}`);
  }
  const preset = resolvePreset(o.env, o.preset);
  const envKwargs = preset.envKwargs ?? {};
  const { estimator: _estimator, ...presetAgent } = presetAgentOptions(preset, o.estimator);
  // The loop's main options stay explicit in the tune's identity and in the preset it writes.
  const agent: AgentOptions = {
    hidden: [...AGENT_DEFAULTS.hidden],
    learningRate: AGENT_DEFAULTS.learningRate,
    optimizer: AGENT_DEFAULTS.optimizer,
    credit: AGENT_DEFAULTS.credit,
    gamma: AGENT_DEFAULTS.gamma,
    batchSize: AGENT_DEFAULTS.batchSize,
    ...presetAgent,
  };
  const e = make(o.env, envKwargs);
  const actionSpace = e.actionSpace;
  e.close();
  const space = searchSpace(o.estimator, actionSpace, o.params);
  if (Object.keys(space).length === 0) throw new UsageError(`--params: none of ${JSON.stringify(o.params?.join(','))} applies to ${o.env} with ${o.estimator}`);
  const halving = halvingPlan(o.method, o.trials, o.budget, o.eta, o.minBudget);
  return {
    env: o.env,
    estimator: o.estimator,
    method: o.method,
    trials: o.trials,
    budget: o.budget,
    eta: o.eta,
    minBudget: o.minBudget ?? halving[0]!.budget,
    seeds: [...o.seeds],
    seed: o.seed,
    space,
    base: { numEnvs: preset.numEnvs ?? RUN_DEFAULTS.numEnvs, agent, envKwargs },
    imports: [...o.imports],
    out: o.out,
    workers: o.workers,
    backend: o.backend,
  };
}

function fmt(x: number | null): string {
  return x === null ? '-' : String(Number(x.toPrecision(4)));
}

function paramsText(p: Readonly<Record<string, unknown>>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? (v.length ? v.join('x') : 'none') : String(v)}`)
    .join(' ');
}

/** The end-of-tune table: the best trials of the highest rung. */
export function formatTuneTable(r: TuneResult, top = 5): string {
  const rung = Math.max(-1, ...r.records.map((x) => x.rung));
  const rows = r.records
    .filter((x) => x.rung === rung)
    .sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.trial - b.trial)
    .slice(0, top);
  const lines = rows.map((x) => `  trial ${String(x.trial).padStart(3)}  score ${fmt(x.score).padStart(9)}  ${paramsText(x.params)}${x.error ? `  (failed: ${x.error})` : ''}`);
  return [`best trials at rung ${rung} (${rows[0]?.budget ?? '-'} steps; score = area under the curve, mean over seeds):`, ...lines].join('\n');
}

/** Runs `tune` with resolved options. */
export async function runTuneCommand(o: TuneCommandOptions, signal?: AbortSignal, onEvent?: (e: TuneEvent) => void): Promise<TuneResult> {
  await loadCliImports(o.imports);
  const options = tuneOptionsFor(o);
  try {
    return await tune({ ...options, ...(signal ? { signal } : {}), ...(onEvent ? { onEvent } : {}) });
  } catch (e) {
    if (e instanceof TuneConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Adds the `tune` command to the program. */
export function registerTune(program: Command): void {
  const d = TUNE_DEFAULTS;
  program
    .command('tune')
    .description('search agent options for an env on tuning seeds (successive halving or random search, scored by the area under the learning curve); writes the best as a preset file')
    .option('--env <id>', `registered env id (default ${d.env})`)
    .option('--estimator <id>', `estimator to tune for: ${ESTIMATOR_IDS.join(', ')} (default ${d.estimator})`)
    .option('--budget <n>', `env steps per run at the full budget, the last rung (default ${d.budget})`)
    .option('--trials <n>', `option sets to sample (default ${d.trials})`)
    .option('--seeds <list>', `tuning seeds in ${TUNING_SEEDS.first}..${TUNING_SEEDS.last}, e.g. 101,102 or 101..105 (default ${d.seeds.join(',')})`)
    .option('--method <name>', `halving (successive halving) or random (default ${d.method})`)
    .option('--eta <n>', `successive halving keeps the best 1/eta of each rung (default ${d.eta})`)
    .option('--min-budget <n>', 'the smallest rung budget (default budget / eta^2)')
    .option('--params <list>', `options to search (default: every one that applies): ${PARAM_NAMES.join(', ')}`)
    .option('--seed <n>', `seed of the trial sampler (default ${d.seed})`)
    .option('--preset <file>', "a preset file to start from instead of the env's built-in preset")
    .addOption(importOption())
    .option('--workers <n>', `worker threads (default: the number of cores, here ${d.workers})`)
    .option('--out <dir>', `parent folder of the tune folder (default ${d.out})`)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Writes <out>/<env>__tune__<hash>/ with tune.json, trials.jsonl, trials.csv, best-preset.json and the run folders.',
        'Re-running the same command resumes it; Ctrl-C (exit 130) or SIGTERM (exit 143) stops cleanly and keeps every recorded trial.',
        'Tune on seeds 101-120; report with compare on seeds 1-10: rewardcast compare --env X --preset <tune folder>/best-preset.json',
        '',
        'Examples:',
        '  $ rewardcast tune --env Acrobot-v1 --budget 300000 --trials 27',
        '  $ rewardcast tune --env BernoulliBandit-v0 --budget 2000 --trials 8 --method random --params learningRate,batchSize',
        '  $ rewardcast tune --env Corridor-v0 --import ./corridor.js --budget 20000 --trials 9 --seeds 101..105',
      ].join('\n'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const o = resolveTuneOptions(flags);
      const ac = new AbortController();
      let interrupts = 0;
      let exitCode = 130;
      const onSignal = (signal: NodeJS.Signals): void => {
        interrupts += 1;
        exitCode = signal === 'SIGTERM' ? 143 : 130;
        if (interrupts === 1) {
          process.stderr.write(`\ntune: ${signal}: stopping; recorded trials are kept (Ctrl-C again to quit at once)\n`);
          ac.abort();
        } else process.exit(exitCode);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const log = (text: string): void => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      try {
        const result = await runTuneCommand(o, ac.signal, (e) => {
          if (e.type === 'start') log(`tune: ${e.dir}: rungs ${e.rungs.map((r) => `${r.trials}x${r.budget}`).join(' → ')} (trials x steps), ${e.recorded} already recorded, ${e.workers} worker${e.workers === 1 ? '' : 's'}`);
          else if (e.type === 'rung') log(`rung ${e.rung}: ${e.trials.length} trials at ${e.budget} steps`);
          else if (e.type === 'trial') log(`[${e.done}/${e.total}] rung ${e.record.rung} trial ${e.record.trial}: score ${fmt(e.record.score)}  ${paramsText(e.record.params)}${e.record.error ? `  (failed: ${e.record.error})` : ''}`);
          else log(e.text);
        });
        if (o.json) process.stdout.write(`${JSON.stringify({ status: result.status, dir: result.dir, hash: result.hash, rungs: result.rungs, best: result.best, presetFile: result.presetFile })}\n`);
        else if (result.records.length > 0) log(`\n${formatTuneTable(result)}`);
        if (result.presetFile) log(`preset: ${result.presetFile}`);
        if (result.status === 'interrupted') {
          log(`interrupted: ${result.records.length} trial results recorded in ${result.dir}; run the same command again to resume`);
          process.exitCode = exitCode;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
