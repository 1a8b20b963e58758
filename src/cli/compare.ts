/**
 * `rewardcast compare`: every estimator × seed run of one env on a pool of worker threads, then
 * learning curves, statistics and a report in one comparison folder. See `src/train/compare.ts`
 * for the folder, resuming and stopping, and `src/train/report.ts` for the statistics.
 *
 * Output: a progress display and logs on stderr (a bar when stderr is a terminal, plain lines
 * otherwise); the result, the summary table and the report's path, on stdout (or, with `--json`,
 * only the JSON).
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import type { AgentOptions } from '../../agents/options.js';
import { spec as envSpec } from '../core/registry.js';
import { ESTIMATOR_IDS, estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { OKABE_ITO } from '../plot/theme.js';
import { compare, CompareConfigError, type CompareEvent, type CompareResult, type RunExecutor } from '../train/compare.js';
import { parseGrid, type GridAxis } from '../train/grid.js';
import { QueueConnectionError } from '../queue/connection.js';
import { openQueueSubmitter } from '../queue/submit.js';
import { RunFolderError } from '../train/folders.js';
import { formatSteps } from '../train/report.js';
import { FolderError } from '../train/run-folder.js';
import { backendSchema, compareConfigSchema, RUN_DEFAULTS } from '../train/schemas.js';
import { presetFor, type Preset } from '../train/presets.js';
import { reportNoPreset, resolvePreset } from '../tune/hooks.js';
import { UsageError, parseIntFlag } from './errors.js';
import { importOption, importsOf, loadCliImports } from './imports.js';
import { addAgentFlags, addShapingFlags, agentFromFlags, backendFrom, checkShapingKwargs, definedKeys, envKwargsWithShaping, readConfigFile, shapingNotice } from './options.js';
import { presetHelpForArgv } from './preset-help.js';
import { exitCodeOf, stopOnSignals } from './signals.js';
import { serveFromFlags } from '../server/flags.js';

/**
 * The options of `rewardcast compare`, declared once: the comparison's config
 * (`compareConfigSchema` in `src/train/schemas.ts`: env, estimators, seeds, steps, numEnvs, the
 * shared `agent` options, `perEstimator`, `envKwargs`, the `grid` of a sweep) and how to run it.
 */
export const compareOptionsSchema = compareConfigSchema.extend({
  /** Worker threads, each running one run at a time. */
  workers: z.number().int().positive(),
  /** Parent folder of the comparison folder. */
  out: z.string().min(1),
  /** tfjs backend of every worker. */
  backend: backendSchema,
  /** Print the result as JSON on stdout (and no progress bar). */
  json: z.boolean(),
  /** User modules (`--import`, repeatable) that register envs or estimators, loaded here and in every worker. */
  imports: z.array(z.string().min(1)).readonly(),
  /** Train on the workers of this Redis queue (`redis://…` or `rediss://…`, see src/queue/) instead of local threads. @default REWARDCAST_QUEUE, else local */
  queue: z.string().min(1).optional(),
});

/** Options of `rewardcast compare`; see {@link compareOptionsSchema} for each field and {@link COMPARE_DEFAULTS}. */
export type CompareCommandOptions = Readonly<z.output<typeof compareOptionsSchema>> & {
  readonly steps: number;
  readonly numEnvs: number;
  readonly agent: AgentOptions;
  readonly perEstimator: Readonly<Partial<Record<EstimatorId, AgentOptions>>>;
  readonly envKwargs: Readonly<Record<string, unknown>>;
};

/** The defaults of {@link CompareCommandOptions} (the agent's are `AGENT_DEFAULTS`; an env's preset comes over them). */
export const COMPARE_DEFAULTS: CompareCommandOptions = {
  env: RUN_DEFAULTS.env,
  estimators: ['reinforce-optimal', 'reinforce-critic', 'st', 'st-sigmoid', 'backprop'],
  seeds: 10,
  steps: RUN_DEFAULTS.steps,
  numEnvs: RUN_DEFAULTS.numEnvs,
  agent: {},
  perEstimator: {},
  envKwargs: {},
  workers: availableParallelism(),
  out: 'runs',
  backend: 'auto',
  json: false,
  imports: [],
};

/** The schema of a `--config` file for `compare`: any subset of the options (per-estimator options come from presets). */
export const compareConfigFileSchema = compareOptionsSchema.omit({ perEstimator: true }).partial();

/** Reads and validates a `compare` config file, naming the file, the field and the value. */
export function readCompareConfig(path: string): Partial<CompareCommandOptions> {
  const o = readConfigFile(path, compareConfigFileSchema);
  if (o.agent?.estimator !== undefined) throw new UsageError(`--config ${path}: field 'agent.estimator': the estimators of a comparison go in "estimators", got ${JSON.stringify(o.agent.estimator)}`);
  return o as Partial<CompareCommandOptions>;
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

/**
 * Resolves the options: defaults, then REWARDCAST_BACKEND, then the env's preset, then the config
 * file, then the flags. The shared agent options merge field by field in that order; a preset's
 * per-estimator option yields to any value of that field the user set by config or flag.
 */
export function resolveCompareOptions(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>> = process.env): CompareCommandOptions {
  const fromFile = typeof flags['config'] === 'string' ? readCompareConfig(flags['config']) : {};
  const has = (k: string): boolean => flags[k] !== undefined;
  const envId = has('env') ? String(flags['env']) : (fromFile.env ?? COMPARE_DEFAULTS.env);
  const agentFlags = agentFromFlags(flags);
  const flagBackend = backendFrom(flags['backend'], {});
  const envBackend = backendFrom(undefined, env);
  const resolvedPreset = resolvePreset(envId, flags['preset']);
  const preset = presetCompareOptions(envId, resolvedPreset);
  const o0: CompareCommandOptions = {
    ...COMPARE_DEFAULTS,
    ...(envBackend !== undefined ? { backend: envBackend } : {}),
    ...preset,
    ...fromFile,
    ...(has('env') ? { env: String(flags['env']) } : {}),
    ...(has('estimators') ? { estimators: parseEstimators('--estimators', flags['estimators']) } : {}),
    ...(has('seeds') ? { seeds: parseIntFlag('--seeds', flags['seeds']) } : {}),
    ...(has('steps') ? { steps: parseIntFlag('--steps', flags['steps']) } : {}),
    ...(has('numEnvs') ? { numEnvs: parseIntFlag('--num-envs', flags['numEnvs']) } : {}),
    ...(has('workers') ? { workers: parseIntFlag('--workers', flags['workers']) } : {}),
    ...(has('out') ? { out: String(flags['out']) } : {}),
    ...(flagBackend !== undefined ? { backend: flagBackend } : {}),
    ...(flags['json'] ? { json: true } : {}),
    ...(has('import') ? { imports: importsOf(flags) } : {}),
    ...(has('grid') ? { grid: parseGridFlags(flags['grid']) } : {}),
    ...(has('queue') ? { queue: String(flags['queue']) } : fromFile.queue === undefined && env['REWARDCAST_QUEUE'] ? { queue: env['REWARDCAST_QUEUE'] } : {}),
    agent: { ...preset.agent, ...fromFile.agent, ...agentFlags },
    envKwargs: envKwargsWithShaping({ ...preset.envKwargs, ...fromFile.envKwargs }, flags),
    perEstimator: {},
  };
  const userSet = new Set([...definedKeys(fromFile.agent), ...definedKeys(agentFlags), ...(o0.grid ?? []).map((a) => a.name)]);
  const perEstimator = Object.fromEntries(
    o0.estimators
      .map((est) => {
        const own = Object.entries(resolvedPreset.byEstimator?.[est] ?? {}).filter(
          ([k, v]) => !userSet.has(k) && JSON.stringify(v) !== JSON.stringify((o0.agent as Record<string, unknown>)[k]),
        );
        return [est, Object.fromEntries(own)] as const;
      })
      .filter(([, own]) => Object.keys(own).length > 0),
  );
  const o: CompareCommandOptions = { ...o0, perEstimator };
  validateCompareOptions(o);
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

/**
 * The shared options a preset sets for `compare` (by default the env's, see `src/train/presets.ts`;
 * or a `--preset` file's); its per-estimator ones are resolved separately.
 */
export function presetCompareOptions(envId: string, preset: Preset = presetFor(envId)): Partial<CompareCommandOptions> & { readonly agent: AgentOptions } {
  const p = preset;
  return {
    ...(p.numEnvs !== undefined ? { numEnvs: p.numEnvs } : {}),
    ...(p.steps !== undefined ? { steps: p.steps } : {}),
    ...(p.envKwargs !== undefined ? { envKwargs: { ...p.envKwargs } } : {}),
    agent: { ...p.agent },
  };
}

/** Checks the resolved options before anything is written; errors name the flag and the value. */
export function validateCompareOptions(o: CompareCommandOptions): void {
  try {
    envSpec(o.env);
  } catch (e) {
    throw new UsageError(`--env: ${(e as Error).message}`);
  }
  parseEstimators('--estimators', [...o.estimators]);
  checkShapingKwargs(o.envKwargs);
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
 * another config, or one that cannot be created, to a {@link UsageError}.
 */
export async function runCompareCommand(o: CompareCommandOptions, signal?: AbortSignal, onEvent?: (e: CompareEvent) => void): Promise<CompareResult> {
  let executor: RunExecutor | undefined;
  try {
    // The queue is reached before anything is written (src/queue/submit.ts).
    executor = o.queue ? await openQueueSubmitter({ queue: o.queue, imports: o.imports, log: (line) => onEvent?.({ type: 'log', text: `${line}\n` }) }) : undefined;
    return await compare({
      env: o.env,
      estimators: o.estimators,
      seeds: o.seeds,
      steps: o.steps,
      numEnvs: o.numEnvs,
      agent: o.agent,
      perEstimator: o.perEstimator,
      envKwargs: o.envKwargs,
      ...(o.grid?.length ? { grid: o.grid } : {}),
      ...(executor ? { executor } : {}),
      out: o.out,
      workers: o.workers,
      backend: o.backend,
      imports: o.imports,
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
  } catch (e) {
    if (e instanceof CompareConfigError || e instanceof RunFolderError || e instanceof FolderError || e instanceof QueueConnectionError) throw new UsageError(e.message);
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
  const cmd = program
    .command('compare')
    .description('compare estimators over seeds 1..N on all cores; writes curves, stats.json and report.html in <out>/<env>__compare__<hash>/ (re-running resumes)')
    .option('--env <id>', `registered env id (default ${d.env})`)
    .option('--estimators <list>', `comma-separated estimators, at most 8, the first is the reference: ${ESTIMATOR_IDS.join(', ')} (default ${d.estimators.join(',')})`)
    .option('--seeds <n>', `number of seeds N; runs seeds 1..N (default ${d.seeds})`)
    .option('--steps <n>', `env steps per run, summed over sub-envs, e.g. 100000, 100_000 or 1e5 (default: the env's preset, else ${d.steps})`)
    .option('--num-envs <n>', `parallel sub-envs per run (default: the env's preset, else ${d.numEnvs})`);
  addAgentFlags(cmd, (fallback) => `default: the env's preset, else ${fallback}`);
  addShapingFlags(cmd);
  cmd
    .option('--workers <n>', `worker threads (default: the number of cores, here ${d.workers})`)
    .option('--out <dir>', `parent folder of the comparison folder (default ${d.out})`)
    .option('--backend <name>', 'tfjs backend: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .option('--config <file>', 'JSON file with any of these options, by their camelCase names (flags override it)')
    .option('--preset <file>', 'a preset file (from rewardcast tune) to use instead of the env\'s built-in preset')
    .addOption(importOption())
    .option('--json', 'print the result (status, folder, runs, statistics) as JSON on stdout')
    .option('--serve [port]', 'live view in the browser while it runs, kept open after it until Ctrl-C (default port 8642)')
    .option('--host <addr>', 'address the --serve page binds (default 127.0.0.1: this machine only)')
    .option('--grid <name=values>', 'sweep an agent option by its one name: e.g. learningRate=0.01,0.03 or hidden=16,32x32; repeatable (the grid is their product)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--queue <url>', 'train on the workers of this Redis queue (rewardcast worker) instead of local threads: redis://[:password@]host:port[/db] or rediss:// (default: REWARDCAST_QUEUE)')
    .addHelpText(
      'after',
      [
        '',
        'Re-running with the same arguments resumes: finished runs are kept, unfinished ones are redone.',
        'Ctrl-C, SIGTERM and SIGHUP stop cleanly (exit code 128 + the signal: 130, 143, 129); finished runs stay.',
        '',
        'Examples:',
        '  $ rewardcast compare --env CartPole-v1 --estimators reinforce-optimal,reinforce-critic,st,st-sigmoid,backprop --seeds 10 --steps 200000',
        '  $ rewardcast compare --env BernoulliBandit-v0 --estimators reinforce,reinforce-optimal --seeds 5 --steps 5000 --hidden none --num-envs 1 --batch-size 16 --lr 0.05',
        '  $ rewardcast compare --config presets/compare-cartpole.json --workers 4 --json',
        '  $ rewardcast compare --import ./dist/examples/custom-env.js --env Corridor-v0 --seeds 5 --steps 20000',
        '  $ rewardcast compare --env CartPole-v1 --grid learningRate=0.01,0.03,0.1 --grid hidden=16,32 --seeds 5',
        '  $ rewardcast compare --env CartPole-v1 --seeds 10 --queue redis://10.0.0.5:6379   # with rewardcast worker on each machine',
      ].join('\n'),
    )
    .addHelpText('after', () => `\n${presetHelpForArgv(d.env)}`)
    .action(async (flags: Record<string, unknown>) => {
      await loadCliImports(importsOf(flags));
      const o = resolveCompareOptions(flags);
      reportNoPreset(o.env, o, flags['preset']);
      const shaped = shapingNotice(o.env, o.envKwargs);
      if (shaped !== undefined) process.stderr.write(`${shaped}\n`);
      const live = await serveFromFlags(flags);
      let status: CompareResult['status'] | undefined;
      const ac = new AbortController();
      const release = stopOnSignals(ac, (signal) => process.stderr.write(`\ncompare: ${signal}: stopping; running runs are marked interrupted (again to quit at once)\n`));
      const display = progressDisplay(!o.json && process.stderr.isTTY === true);
      try {
        const result = await runCompareCommand(o, ac.signal, live ? live.tap(display.onEvent) : display.onEvent);
        status = result.status;
        display.stop();
        if (o.json) process.stdout.write(`${JSON.stringify(compareJson(result))}\n`);
        if (result.status === 'interrupted') {
          const done = result.runs.filter((r) => r.status === 'finished' || r.status === 'reused').length;
          const signal = typeof ac.signal.reason === 'string' ? ac.signal.reason : 'SIGINT';
          process.stderr.write(`interrupted by ${signal}: ${done} of ${result.runs.length} runs finished in ${result.dir}; run the same command again to resume\n`);
          process.exitCode = exitCodeOf(signal);
        } else if (!o.json && result.report) {
          process.stdout.write(`${result.report.table}\n\nreport: ${result.report.files.report}\n`);
        }
        if (result.status === 'failed') {
          process.stderr.write(`\n${formatFailedRuns(result)}\n`);
          process.exitCode = 1;
        }
      } finally {
        display.stop();
        release();
        if (status === undefined) await live?.end(undefined);
      }
      await live?.end(status);
    });
}
