/**
 * `rewardcast compare`: every estimator × seed run of one env on a pool of worker threads, then
 * learning curves, statistics and a report in one comparison folder. See `src/train/compare.ts`
 * for the folder, resuming and stopping, and `src/train/report.ts` for the statistics.
 *
 * Output: a progress display on stderr (a bar when stderr is a terminal, plain lines otherwise),
 * then the summary table on stderr. stdout carries nothing unless `--json` is given.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { CreditMode } from '../../agents/agent.js';
import { spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { OKABE_ITO } from '../plot/theme.js';
import { parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { compare, CompareConfigError, type CompareEvent, type CompareResult, type RunExecutor } from '../train/compare.js';
import { formatSteps, RunFolderError } from '../train/report.js';
import { UsageError, readConfigFile, parseIntFlag, parseIntList, parsePositiveFlag } from './errors.js';
import { TRAIN_DEFAULTS } from './train.js';
import { presetAgentOptions, presetFor, presetRunOptions } from '../train/presets.js';
import type { AgentOptions } from '../../agents/agent.js';
import { backendSchema, estimatorIdSchema, trainingFieldSchemas } from '../train/schemas.js';
import { parseGrid, type GridAxis } from '../train/grid.js';
import { QueueConnectionError } from '../queue/connection.js';
import { openQueueSubmitter } from '../queue/submit.js';

/** Options of `rewardcast compare`, each with its default. */
export interface CompareCommandOptions {
  /** Registered env id. @default 'CartPole-v1' */
  readonly env: string;
  /** Estimators to compare, at most 8; the first is the reference of the probability of improvement. @default ['reinforce-optimal', 'reinforce-critic', 'st', 'st-sigmoid', 'backprop'] */
  readonly estimators: readonly EstimatorId[];
  /** Number of seeds N per estimator; the seeds are 1..N. @default 10 */
  readonly seeds: number;
  /** Env steps per run, summed over sub-envs. @default 100000 (as `train`) */
  readonly steps: number;
  /** Parallel sub-envs per run. @default 8 */
  readonly numEnvs: number;
  /** Units per hidden layer. @default [32] */
  readonly hidden: readonly number[];
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
  /** Worker threads, each running one run at a time. @default os.availableParallelism() */
  readonly workers: number;
  /** Parent folder of the comparison folder. @default 'runs' */
  readonly out: string;
  /** tfjs backend of every worker. @default 'auto' (or REWARDCAST_BACKEND) */
  readonly backend: BackendRequest;
  /** Print the result as JSON on stdout (and no progress bar). @default false */
  readonly json: boolean;
  /** Per-estimator agent options from the env's preset (not a flag). @default {} */
  readonly perEstimator: Readonly<Partial<Record<EstimatorId, AgentOptions>>>;
  /** Options for `make`, from the env's preset (e.g. a step limit). @default {} */
  readonly envKwargs: Readonly<Record<string, unknown>>;
  /** Agent options swept as grid axes (`--grid name=v1,v2`, repeatable; see src/train/grid.ts). @default [] */
  readonly grid: readonly GridAxis[];
  /** Train on the workers of this Redis queue instead of local threads (see src/queue/). @default undefined */
  readonly queue?: string;
}

/** The defaults of {@link CompareCommandOptions}; the training options are those of `train`. */
export const COMPARE_DEFAULTS: CompareCommandOptions = {
  env: TRAIN_DEFAULTS.env,
  estimators: ['reinforce-optimal', 'reinforce-critic', 'st', 'st-sigmoid', 'backprop'],
  seeds: 10,
  steps: TRAIN_DEFAULTS.steps,
  numEnvs: TRAIN_DEFAULTS.numEnvs,
  hidden: TRAIN_DEFAULTS.hidden,
  lr: TRAIN_DEFAULTS.lr,
  optimizer: TRAIN_DEFAULTS.optimizer,
  credit: TRAIN_DEFAULTS.credit,
  gamma: TRAIN_DEFAULTS.gamma,
  batchSize: TRAIN_DEFAULTS.batchSize,
  workers: availableParallelism(),
  out: TRAIN_DEFAULTS.out,
  backend: 'auto',
  json: false,
  perEstimator: {},
  envKwargs: {},
  grid: [],
};

/** The schema of a `--config` file for `compare`: any subset of the options. */
export const compareConfigSchema = z
  .object({
    env: z.string(),
    estimators: z.array(estimatorIdSchema).min(1),
    seeds: z.number().int().positive(),
    ...trainingFieldSchemas,
    workers: z.number().int().positive(),
    out: z.string(),
    backend: backendSchema,
    json: z.boolean(),
  })
  .partial()
  .strict();

/** Reads and validates a `compare` config file, naming the file, the field and the problem. */
export function readCompareConfig(path: string): Partial<CompareCommandOptions> {
  return readConfigFile(path, compareConfigSchema) as Partial<CompareCommandOptions>;
}

/** Parses `--estimators a,b,c`: known ids, distinct, at most 8. */
export function parseEstimators(flag: string, value: unknown): EstimatorId[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
  if (list.length === 0) throw new UsageError(`${flag} must be a comma-separated list of estimators, got ${JSON.stringify(value)}`);
  for (const id of list) {
    try {
      estimatorSpec(id);
    } catch (e) {
      throw new UsageError(`${flag}: ${(e as Error).message}`);
    }
  }
  const dup = list.find((e, i) => list.indexOf(e) !== i);
  if (dup !== undefined) throw new UsageError(`${flag}: ${JSON.stringify(dup)} is listed twice`);
  if (list.length > OKABE_ITO.length) throw new UsageError(`${flag}: at most ${OKABE_ITO.length} estimators can be compared in one chart, got ${list.length}`);
  return list as EstimatorId[];
}

/** Resolves the options: defaults, then REWARDCAST_BACKEND, then the config file, then the flags. */
export function resolveCompareOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): CompareCommandOptions {
  const fromFile = typeof flags['config'] === 'string' ? readCompareConfig(flags['config']) : {};
  const has = (k: string): boolean => flags[k] !== undefined;
  const envId = has('env') ? String(flags['env']) : (fromFile.env ?? COMPARE_DEFAULTS.env);
  const o0: CompareCommandOptions = {
    ...COMPARE_DEFAULTS,
    ...(env['REWARDCAST_BACKEND'] ? { backend: env['REWARDCAST_BACKEND'] as BackendRequest } : {}),
    ...presetCompareOptions(envId),
    ...fromFile,
    ...(has('env') ? { env: String(flags['env']) } : {}),
    ...(has('estimators') ? { estimators: parseEstimators('--estimators', flags['estimators']) } : {}),
    ...(has('seeds') ? { seeds: parseIntFlag('--seeds', flags['seeds']) } : {}),
    ...(has('steps') ? { steps: parseIntFlag('--steps', flags['steps']) } : {}),
    ...(has('numEnvs') ? { numEnvs: parseIntFlag('--num-envs', flags['numEnvs']) } : {}),
    ...(has('hidden') ? { hidden: parseIntList('--hidden', flags['hidden']) } : {}),
    ...(has('lr') ? { lr: parsePositiveFlag('--lr', flags['lr']) } : {}),
    ...(has('optimizer') ? { optimizer: String(flags['optimizer']) as CompareCommandOptions['optimizer'] } : {}),
    ...(has('credit') ? { credit: String(flags['credit']) as CreditMode } : {}),
    ...(has('gamma') ? { gamma: Number(flags['gamma']) } : {}),
    ...(has('batchSize') ? { batchSize: parseIntFlag('--batch-size', flags['batchSize']) } : {}),
    ...(has('workers') ? { workers: parseIntFlag('--workers', flags['workers']) } : {}),
    ...(has('out') ? { out: String(flags['out']) } : {}),
    ...(has('backend') ? { backend: String(flags['backend']) as BackendRequest } : {}),
    ...(flags['json'] ? { json: true } : {}),
    ...(has('grid') ? { grid: parseGridFlags(flags['grid']) } : {}),
    ...(has('queue') || env['REWARDCAST_QUEUE'] ? { queue: String(flags['queue'] ?? env['REWARDCAST_QUEUE']) } : {}),
  };
  // Per-estimator preset options yield to any shared value the user set by config or flag.
  const userSet = new Set([...Object.keys(fromFile), ...Object.keys(flags).filter(has)]);
  const rename: Record<string, string> = { learningRate: 'lr' };
  const perEstimator = Object.fromEntries(
    o0.estimators.map((est) => {
      const full = presetAgentOptions(presetFor(envId), est);
      const own = Object.fromEntries(
        Object.entries(full).filter(([k, v]) => {
          const shared = rename[k] ?? k;
          if (shared in COMPARE_DEFAULTS) return !userSet.has(shared) && JSON.stringify(v) !== JSON.stringify((o0 as unknown as Record<string, unknown>)[shared]);
          return true;
        }),
      );
      return [est, own];
    }).filter(([, own]) => Object.keys(own as object).length > 0),
  );
  const o: CompareCommandOptions = { ...o0, perEstimator };
  validateCompareOptions(o, flags);
  return o;
}

/** Parses the repeated `--grid` flag, as a {@link UsageError} naming the value. */
function parseGridFlags(value: unknown): GridAxis[] {
  try {
    return parseGrid(Array.isArray(value) ? value.map(String) : [String(value)]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The shared options an env's preset sets for `compare` (see `src/train/presets.ts`). */
export function presetCompareOptions(envId: string): Partial<CompareCommandOptions> {
  const { agent: _perEstimatorOnly, ...shared } = presetRunOptions(presetFor(envId));
  return shared;
}

/** Checks the resolved options before anything is written; errors name the flag and the value. */
export function validateCompareOptions(o: CompareCommandOptions, flags: Record<string, unknown> = {}): void {
  try {
    envSpec(o.env);
  } catch (e) {
    throw new UsageError(`--env: ${(e as Error).message}`);
  }
  parseEstimators('--estimators', [...o.estimators]);
  if (!['adam', 'sgd'].includes(o.optimizer)) throw new UsageError(`--optimizer must be adam or sgd, got ${JSON.stringify(o.optimizer)}`);
  if (!['episode', 'segment', 'traces'].includes(o.credit)) throw new UsageError(`--credit must be episode, segment or traces, got ${JSON.stringify(o.credit)}`);
  if (!(o.gamma >= 0 && o.gamma <= 1)) throw new UsageError(`--gamma must be in [0, 1], got ${JSON.stringify(flags['gamma'] ?? o.gamma)}`);
  try {
    parseBackendRequest(o.backend, '--backend');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A progress display on stderr: a cli-progress bar on a terminal, plain lines otherwise. */
function progressDisplay(showBar: boolean): { onEvent: (e: CompareEvent) => void; stop: () => void } {
  const err = (text: string): void => void process.stderr.write(text);
  let multibar: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  const t0 = performance.now();
  let startSteps = 0;
  let lastLine = t0;
  const log = (text: string): void => {
    if (multibar) multibar.log(text.endsWith('\n') ? text : `${text}\n`);
    else err(text.endsWith('\n') ? text : `${text}\n`);
  };
  const rate = (steps: number): string => {
    const s = (performance.now() - t0) / 1000;
    return s > 0 ? formatSteps((steps - startSteps) / s) : '-';
  };
  return {
    onEvent: (e) => {
      switch (e.type) {
        case 'start':
          startSteps = e.reused * (e.totalSteps / e.runs);
          log(
            `compare: ${e.dir}: ${e.runs} runs, ${e.reused} already finished, ${e.toRun === 0 ? 'nothing to run' : `${e.toRun} to run on ${e.workers} worker${e.workers === 1 ? '' : 's'}`}`,
          );
          if (showBar && e.toRun > 0) {
            multibar = new cliProgress.MultiBar(
              { format: 'compare |{bar}| {percentage}% | {runsDone}/{runs} runs | {stepsText} steps | {sps} steps/s | eta {eta_formatted}', hideCursor: true, stream: process.stderr, clearOnComplete: false },
              cliProgress.Presets.shades_classic,
            );
            bar = multibar.create(e.totalSteps, startSteps, { runsDone: e.reused, runs: e.runs, stepsText: '-', sps: '-' });
          }
          break;
        case 'progress':
          if (bar) bar.update(e.steps, { runsDone: e.runsDone, runs: e.runs, stepsText: `${formatSteps(e.steps)}/${formatSteps(e.totalSteps)}`, sps: rate(e.steps) });
          else if (performance.now() - lastLine > 30_000) {
            lastLine = performance.now();
            log(`progress: ${Math.floor((100 * e.steps) / e.totalSteps)}% (${formatSteps(e.steps)}/${formatSteps(e.totalSteps)} steps), ${e.runsDone}/${e.runs} runs, ${rate(e.steps)} steps/s`);
          }
          break;
        case 'run': {
          const s = e.summary;
          log(
            `[${e.runsDone}/${e.runs}] ${s.estimator} seed ${s.seed} ${s.status}: ${s.envSteps} steps, ${s.episodes} episodes, final mean return ${s.finalReturn === null ? '-' : s.finalReturn.toFixed(2)}, ${s.seconds.toFixed(1)} s`,
          );
          break;
        }
        case 'log':
          log(e.text);
          break;
        case 'report':
          multibar?.stop();
          multibar = undefined;
          bar = undefined;
          log('compare: writing curves, stats and report');
          break;
      }
    },
    stop: () => {
      multibar?.stop();
      multibar = undefined;
    },
  };
}

/**
 * Runs `compare` with resolved options. `signal` stops it cleanly (Ctrl-C). Maps a folder of
 * another config to a {@link UsageError}.
 */
export async function runCompareCommand(o: CompareCommandOptions, signal?: AbortSignal, onEvent?: (e: CompareEvent) => void): Promise<CompareResult> {
  let executor: RunExecutor | undefined;
  try {
    // The queue is reached before anything is written (src/queue/submit.ts).
    executor = o.queue ? await openQueueSubmitter({ queue: o.queue, imports: (o as { imports?: readonly string[] }).imports ?? [], log: (line) => onEvent?.({ type: 'log', text: `${line}\n` }) }) : undefined;
    return await compare({
      env: o.env,
      estimators: o.estimators,
      seeds: o.seeds,
      steps: o.steps,
      numEnvs: o.numEnvs,
      hidden: o.hidden,
      lr: o.lr,
      optimizer: o.optimizer,
      credit: o.credit,
      gamma: o.gamma,
      batchSize: o.batchSize,
      perEstimator: o.perEstimator,
      envKwargs: o.envKwargs,
      ...(o.grid.length ? { grid: o.grid } : {}),
      ...(executor ? { executor } : {}),
      out: o.out,
      workers: o.workers,
      backend: o.backend,
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
  } catch (e) {
    if (e instanceof CompareConfigError || e instanceof RunFolderError || e instanceof QueueConnectionError) throw new UsageError(e.message);
    if ((e as Error).cause instanceof QueueConnectionError) throw new UsageError(((e as Error).cause as Error).message);
    throw e;
  } finally {
    await executor?.close();
  }
}

/** The runs that failed (on a queue, after their retries), as a table with their errors. */
export function formatFailedRuns(r: CompareResult): string {
  const failed = r.runs.filter((x) => x.status === 'failed');
  const name = (x: (typeof failed)[number]): string => (x.point ? `${x.estimator}@${x.point}` : x.estimator);
  const w = Math.max('run'.length, ...failed.map((x) => `${name(x)} seed ${x.seed}`.length));
  return [`${failed.length} run${failed.length === 1 ? '' : 's'} failed:`, `${'run'.padEnd(w)}  status  error`, ...failed.map((x) => `${`${name(x)} seed ${x.seed}`.padEnd(w)}  failed  ${x.error ?? ''}`)].join('\n');
}

/** The `--json` output: the result without the curves. */
export function compareJson(r: CompareResult): unknown {
  const stats = r.report ? (({ curves: _curves, ...rest }) => rest)(r.report.stats) : undefined;
  return { status: r.status, dir: r.dir, hash: r.hash, runs: r.runs, files: r.report?.files, stats };
}

/** Adds the `compare` command to the program. */
export function registerCompare(program: Command): void {
  const d = COMPARE_DEFAULTS;
  program
    .command('compare')
    .description('compare estimators over seeds 1..N on all cores; writes curves, stats.json and report.html in <out>/<env>__compare__<hash>/ (re-running resumes)')
    .option('--env <id>', `registered env id (default ${d.env})`)
    .option('--estimators <list>', `comma-separated estimators, at most 8, the first is the reference: ${ESTIMATOR_IDS.join(', ')} (default ${d.estimators.join(',')})`)
    .option('--seeds <n>', `number of seeds N; runs seeds 1..N (default ${d.seeds})`)
    .option('--steps <n>', `env steps per run, summed over sub-envs (default ${d.steps})`)
    .option('--num-envs <n>', `parallel sub-envs per run (default ${d.numEnvs})`)
    .option('--hidden <list>', `units per hidden layer, e.g. 64,64, or none (default ${d.hidden.join(',')})`)
    .option('--lr <x>', `learning rate (default ${d.lr})`)
    .option('--optimizer <name>', `adam or sgd (default ${d.optimizer})`)
    .option('--credit <mode>', `episode, segment or traces (default ${d.credit})`)
    .option('--gamma <x>', `discount (default ${d.gamma})`)
    .option('--batch-size <n>', `transitions per update (default ${d.batchSize})`)
    .option('--workers <n>', `worker threads (default: the number of cores, here ${d.workers})`)
    .option('--out <dir>', `parent folder of the comparison folder (default ${d.out})`)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .option('--config <file>', 'JSON file with any of these options, by their camelCase names (flags override it)')
    .option('--json', 'print the result (status, folder, runs, statistics) as JSON on stdout')
    .option('--grid <name=values>', 'sweep an agent option: e.g. learningRate=0.01,0.03 or hidden=16,32x32; repeatable (the grid is their product)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--queue <url>', 'train on the workers of this Redis queue (rewardcast worker) instead of local threads: redis://[:password@]host:port[/db] or rediss:// (default: REWARDCAST_QUEUE)')
    .addHelpText(
      'after',
      [
        '',
        'Re-running with the same arguments resumes: finished runs are kept, unfinished ones are redone.',
        'Ctrl-C stops cleanly (exit code 130); finished runs stay.',
        '',
        'Examples:',
        '  $ rewardcast compare --env CartPole-v1 --estimators reinforce-optimal,reinforce-critic,st,st-sigmoid,backprop --seeds 10 --steps 200000',
        '  $ rewardcast compare --env BernoulliBandit-v0 --estimators reinforce,reinforce-optimal --seeds 5 --steps 5000 --hidden none --num-envs 1 --batch-size 16 --lr 0.05',
        '  $ rewardcast compare --config presets/compare-cartpole.json --workers 4 --json',
        '  $ rewardcast compare --env CartPole-v1 --grid learningRate=0.01,0.03,0.1 --grid hidden=16,32 --seeds 5',
        '  $ rewardcast compare --env CartPole-v1 --seeds 10 --queue redis://10.0.0.5:6379   # with rewardcast worker on each machine',
      ].join('\n'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const o = resolveCompareOptions(flags);
      const ac = new AbortController();
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts += 1;
        if (interrupts === 1) {
          process.stderr.write('\ncompare: stopping; running runs are marked interrupted (Ctrl-C again to quit at once)\n');
          ac.abort();
        } else process.exit(130);
      };
      process.on('SIGINT', onSigint);
      const display = progressDisplay(!o.json && process.stderr.isTTY === true);
      try {
        const result = await runCompareCommand(o, ac.signal, display.onEvent);
        display.stop();
        if (o.json) process.stdout.write(`${JSON.stringify(compareJson(result))}\n`);
        if (result.status === 'interrupted') {
          const done = result.runs.filter((r) => r.status === 'finished' || r.status === 'reused').length;
          process.stderr.write(`interrupted: ${done} of ${result.runs.length} runs finished in ${result.dir}; run the same command again to resume\n`);
          process.exitCode = 130;
        } else if (!o.json && result.report) {
          process.stderr.write(`\n${result.report.table}\n\nreport: ${result.report.files.report}\n`);
        }
        if (result.status === 'failed') {
          process.stderr.write(`\n${formatFailedRuns(result)}\n`);
          process.exitCode = 1;
        }
      } finally {
        display.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
