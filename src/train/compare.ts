/**
 * `compare()`: every estimator × seed run of one env on a pool of workers, resumable, then
 * the statistics, charts and report of `./report.ts`.
 *
 * ## The comparison folder
 * `<out>/<env>__compare__<hash>/`, where `<hash>` is the first 10 hex digits of the sha256 of the
 * config's identity ({@link configIdentity}: env, the set of estimators, seeds, steps, numEnvs, the
 * shared and per-estimator agent options, envKwargs). The same arguments always name the same
 * folder; the estimators' order does not change it (it only decides which one is the reference
 * of the report), and neither do `--workers`, `--backend` or `--json`, which do not change what is
 * computed. The folder holds `compare.json` (the config), one run folder per run,
 * `<env>__<estimator>__<seed>__<time>/` (as `rewardcast train` writes them), and the report files.
 * Seeds are 1..N.
 *
 * ## Resuming
 * Running the same comparison again resumes it. Before anything is written, every run folder of
 * the config is checked:
 * - `summary.json` says `finished`, `config.json` matches and `episodes.csv` reads cleanly: the run
 *   is kept and not redone;
 * - anything else (no or corrupt `summary.json`, status `interrupted`, a corrupt `episodes.csv` or
 *   `config.json`): the folder is deleted and the run redone from scratch.
 * A folder that belongs to a different config (`compare.json` with other values, or a run whose
 * `config.json` has other values) is a {@link CompareConfigError} naming the folder and the
 * differing field, raised before anything is written or deleted.
 *
 * ## Stopping
 * Aborting `signal` (Ctrl-C) stops cleanly: no new run starts, each running run stops at its next
 * yield and writes `summary.json` with status `interrupted`, finished runs stay. No report is
 * written then; running the command again resumes. A run that fails stops the others the same way
 * and then fails the comparison with its message.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { spec as envSpec } from '../core/registry.js';
import { estimatorSpec, type EstimatorId } from '../estimators/index.js';
import { OKABE_ITO } from '../plot/theme.js';
import { parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { PoolAbortedError, WorkerPool } from './pool.js';
import { COMPARE_FILE, listRunEntries, readCompareMeta, readJsonFile, type CompareMeta } from './folders.js';
import { writeCompareReport, type CompareReport } from '../plot/compare-report.js';
import { makeFolder, readEpisodes, writeJsonAtomic } from './run-folder.js';
import { loadImports, resolveImport } from '../user/imports.js';
import { parseAgentOptions } from '../../agents/options.js';
import { RUN_DEFAULTS, type CompareConfig, type NormalizedCompareConfig } from './schemas.js';
import { gridPoints, gridSchema, seriesName, seriesOf, type GridPoint } from './grid.js';
import { envSlug, RUN_CONFIG_FIELDS, WORKER_MARKER, type RunConfig, type RunCpu, type RunProgress, type RunResult, type RunSummary, type RunTask } from './worker.js';

export type { CompareConfig, NormalizedCompareConfig } from './schemas.js';

/** The fields of {@link CompareConfig}, in the order differences are reported. */
export const COMPARE_CONFIG_FIELDS = ['env', 'estimators', 'seeds', 'steps', 'numEnvs', 'agent', 'perEstimator', 'envKwargs', 'grid'] as const;

/** Options of {@link compare}: the config, and how to run it. */
export interface CompareOptions extends CompareConfig {
  /** Parent folder of the comparison folder. @default 'runs' */
  readonly out?: string;
  /** Workers (never more than the runs left to do). @default os.availableParallelism() */
  readonly workers?: number;
  /**
   * Workers as threads or as child processes (see {@link workerIsolation}); like `workers`, it
   * does not change what is computed. @default 'auto'
   */
  readonly isolation?: 'auto' | 'thread' | 'process';
  /** tfjs backend each worker asks for. @default 'auto' */
  readonly backend?: BackendRequest;
  /**
   * User modules (paths against the current folder, or package names) that register envs or
   * estimators: loaded here and in every worker before any id is resolved. @default []
   */
  readonly imports?: readonly string[];
  /** Stops the comparison cleanly (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Receives progress as it happens; must be cheap. */
  readonly onEvent?: (e: CompareEvent) => void;
  /** Trains the planned runs somewhere else than the local worker pool (a queue: `src/queue/submit.ts`); `compare` closes it. @default a local WorkerPool */
  readonly executor?: RunExecutor;
}

/** Where the planned runs are trained: {@link WorkerPool} locally, or a queue of workers. */
export interface RunExecutor {
  /** Trains one run into a folder inside `task.parent`; rejects with PoolAbortedError when stopped before it started. */
  run(task: RunTask, onProgress: (p: RunProgress) => void): Promise<RunSummary>;
  /** Stops: runs not started reject with PoolAbortedError; `reason` names the signal that stopped it, if any. */
  abort(reason?: string): void;
  /** Releases everything (idempotent). */
  close(): Promise<void>;
  /** Whether an error of `run` is that run's own failure, recorded while the others go on (the queue); else the first error stops them all (local). */
  isRunFailure?(e: unknown): boolean;
}

/**
 * Flags of a compare worker process: V8 compiles (TurboFan) and collects garbage on the worker's
 * own thread instead of on helper threads, so that a worker's CPU stays on its own core.
 */
export const WORKER_PROCESS_FLAGS: readonly string[] = ['--no-concurrent-recompilation', '--single-threaded-gc'];

/**
 * Whether `compare`'s workers are threads or processes. `'auto'`: child processes with
 * {@link WORKER_PROCESS_FLAGS} when the workers fill the cores (2 or more workers, and at least
 * as many as `cores`), threads otherwise. Worker threads share V8's helper threads (background
 * compilation, parallel and concurrent GC), which then compete with the other workers for the
 * cores: in a CartPole run at 16 sub-envs they take 30–40 % of a worker's CPU in its first second
 * and about 7 % after (`npm run bench`, section "parallel scaling"); with fewer workers than
 * cores they use the idle ones instead, so one worker stays a thread.
 */
export function workerIsolation(request: 'auto' | 'thread' | 'process', workers: number, cores: number): 'thread' | 'process' {
  if (request !== 'auto') return request;
  return workers >= 2 && workers >= cores ? 'process' : 'thread';
}

/** What {@link compare} reports while it runs. */
export type CompareEvent =
  /** The plan: how many runs in all, kept from an earlier invocation, and to do. */
  | { readonly type: 'start'; readonly dir: string; readonly runs: number; readonly reused: number; readonly toRun: number; readonly workers: number; readonly totalSteps: number; readonly isolation: 'thread' | 'process' }
  /** Env steps done over all runs (kept runs count in full). */
  | { readonly type: 'progress'; readonly steps: number; readonly totalSteps: number; readonly runsDone: number; readonly runs: number }
  /** One run ended (finished or interrupted); `cpu`: its worker thread's CPU accounting, from a local worker on Linux. */
  | { readonly type: 'run'; readonly summary: RunSummary; readonly runsDone: number; readonly runs: number; readonly cpu?: RunCpu }
  /** A line from a worker (the backend in use, a warning), each distinct text once. */
  | { readonly type: 'log'; readonly text: string }
  /** Training is over; the report is being written. */
  | { readonly type: 'report' };

/** A folder that belongs to another config; the message names the folder and the field. */
export class CompareConfigError extends Error {
  override name = 'CompareConfigError';
}

/** How one run of the grid ended up. */
export interface RunOutcome {
  readonly estimator: EstimatorId;
  readonly seed: number;
  /** The grid point's label, in a sweep. */
  readonly point?: string;
  /** `reused`: finished by an earlier invocation and kept; `not run`: stopped before it started. */
  readonly status: 'reused' | 'finished' | 'interrupted' | 'failed' | 'not run';
  /** The run folder, when there is one. */
  readonly dir?: string;
  /** Why it failed. */
  readonly error?: string;
}

/** What {@link compare} returns. */
export interface CompareResult {
  /** `interrupted` when the signal stopped it before every run finished; `failed` when an executor's runs failed on their own (the report covers the others). */
  readonly status: 'finished' | 'interrupted' | 'failed';
  /** The comparison folder. */
  readonly dir: string;
  /** Full sha256 of the config's identity. */
  readonly hash: string;
  /** Every run of the grid, seed-major (seed 1 of every estimator, then seed 2, …). */
  readonly runs: readonly RunOutcome[];
  /** The report, when every run finished. */
  readonly report: CompareReport | undefined;
}

/** Checks a config, with errors naming the field and the value. */
export function validateCompareConfig(c: CompareConfig): void {
  envSpec(c.env);
  if (!Array.isArray(c.estimators) || c.estimators.length === 0) throw new RangeError(`estimators must be a non-empty list, got ${JSON.stringify(c.estimators)}`);
  for (const e of c.estimators) estimatorSpec(e);
  const dup = c.estimators.find((e, i) => c.estimators.indexOf(e) !== i);
  if (dup !== undefined) throw new RangeError(`estimators must be distinct, got ${JSON.stringify(dup)} twice`);
  if (c.estimators.length > OKABE_ITO.length) {
    throw new RangeError(`estimators: at most ${OKABE_ITO.length} can be compared (one colourblind-safe colour each), got ${c.estimators.length}`);
  }
  const int = (name: string, v: unknown, min: number): void => {
    if (!Number.isSafeInteger(v) || (v as number) < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  int('seeds', c.seeds, 1);
  int('steps', c.steps ?? RUN_DEFAULTS.steps, 1);
  int('numEnvs', c.numEnvs ?? RUN_DEFAULTS.numEnvs, 1);
  const shared = parseAgentOptions(c.agent ?? {}, 'agent: ');
  if (shared.estimator !== undefined) throw new RangeError(`agent: estimator ${JSON.stringify(shared.estimator)} cannot be shared; list the estimators in estimators`);
  for (const [e, o] of Object.entries(c.perEstimator ?? {})) parseAgentOptions(o ?? {}, `perEstimator.${e}: `);
  if (c.grid !== undefined && c.grid.length > 0) {
    gridSchema.parse(c.grid);
    for (const p of gridPoints(c.grid)) parseAgentOptions(p?.options ?? {}, `grid point ${p?.label ?? ''}: `);
  }
}

/** The config with its defaults filled in and its fields in a fixed order, as stored in `compare.json`. */
function normalized(c: CompareConfig): NormalizedCompareConfig {
  const full: NormalizedCompareConfig = {
    env: c.env,
    estimators: Array.isArray(c.estimators) ? [...c.estimators] : c.estimators,
    seeds: c.seeds,
    steps: c.steps ?? RUN_DEFAULTS.steps,
    numEnvs: c.numEnvs ?? RUN_DEFAULTS.numEnvs,
    agent: sortedKeys(withoutUndefined(c.agent ?? {})),
    perEstimator: perEstimatorIdentity(c.perEstimator),
    envKwargs: c.envKwargs && Object.keys(c.envKwargs).length ? sortedKeys(c.envKwargs) : undefined,
    // Absent without a grid, so that a comparison without one keeps its hash.
    grid: c.grid?.length ? c.grid.map((g) => ({ name: g.name, values: g.values.map((v) => (Array.isArray(v) ? [...v] : v)) })) : undefined,
  };
  return Object.fromEntries(COMPARE_CONFIG_FIELDS.map((k) => [k, full[k]])) as unknown as NormalizedCompareConfig;
}

/** The entries of an object whose value is defined. */
function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `perEstimator` without empty entries and with sorted keys; undefined (left out of JSON) when empty. */
function perEstimatorIdentity(p: CompareConfig['perEstimator']): CompareConfig['perEstimator'] {
  const entries = Object.entries(p ?? {})
    .map(([k, v]) => [k, withoutUndefined(v ?? {})] as const)
    .filter(([, v]) => Object.keys(v).length > 0)
    .map(([k, v]) => [k, sortedKeys(v)] as const);
  return entries.length ? sortedKeys(Object.fromEntries(entries)) : undefined;
}

/** A copy of an object with its keys sorted, so that its JSON does not depend on insertion order. */
function sortedKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/** What identifies a comparison: the config in a fixed field order, with the estimators sorted. */
export function configIdentity(c: CompareConfig): NormalizedCompareConfig {
  return { ...normalized(c), estimators: [...c.estimators].sort() };
}

/** sha256 (hex) of {@link configIdentity}'s JSON. */
export function configHash(c: CompareConfig): string {
  return createHash('sha256').update(JSON.stringify(configIdentity(c))).digest('hex');
}

/** The comparison folder's name: `<env>__compare__<first 10 hex digits of the config hash>`. */
export function compareFolderName(c: CompareConfig): string {
  return `${envSlug(c.env)}__compare__${configHash(c).slice(0, 10)}`;
}

/** The config of one run: the shared agent options, then the estimator's own, then the grid point's. */
export function runConfig(c: CompareConfig, estimator: EstimatorId, seed: number, point?: GridPoint): RunConfig {
  const n = normalized(c);
  return {
    env: n.env,
    estimator,
    seed,
    steps: n.steps,
    numEnvs: n.numEnvs,
    agent: sortedKeys({ ...n.agent, ...(n.perEstimator?.[estimator] ?? {}), ...(point?.options ?? {}), estimator }),
    envKwargs: sortedKeys(n.envKwargs ?? {}),
    ...(point ? { point: point.label } : {}),
  };
}

/** One run of the plan: keep a finished folder, or (re)do it after removing stale ones. */
export interface RunPlan {
  readonly estimator: EstimatorId;
  readonly seed: number;
  /** The grid point, in a sweep. */
  readonly point?: GridPoint | undefined;
  /** The finished run folder to keep, if any. */
  readonly keep: string | undefined;
  /** Unfinished or corrupt folders of this run, deleted before it is redone. */
  readonly remove: readonly string[];
}

/** What {@link planCompare} found. */
export interface ComparePlan {
  readonly dir: string;
  readonly hash: string;
  /** Whether the folder exists already with a matching `compare.json`. */
  readonly resumed: boolean;
  /** `compare.json` of the folder, if it exists. */
  readonly meta: CompareMeta | undefined;
  /** Seed-major: seed 1 of every estimator, then seed 2, … */
  readonly runs: readonly RunPlan[];
}

const show = (v: unknown): string => JSON.stringify(v);

/** JSON with every object's keys sorted, so that key order never makes two configs differ. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, y]) => [k, sort(y)])) : x;
  return JSON.stringify(sort(v)) ?? 'undefined';
}

/** The first field in which two configs differ (estimators compared as sets), or undefined. */
function differingField(there: Record<string, unknown>, here: NormalizedCompareConfig): string | undefined {
  for (const k of COMPARE_CONFIG_FIELDS) {
    const a = k === 'estimators' && Array.isArray(there[k]) ? [...(there[k] as string[])].sort() : there[k];
    const b = k === 'estimators' ? [...here.estimators].sort() : here[k];
    if (canonical(a) !== canonical(b)) return `field '${k}' is ${show(there[k])} there, ${show(here[k])} here`;
  }
  return undefined;
}

/** Whether a run folder is a finished run of `expected`; throws when it belongs to another config. */
function runIsFinished(path: string, expected: RunConfig): boolean {
  let config: unknown;
  try {
    config = readJsonFile(join(path, 'config.json'));
  } catch {
    return false; // unreadable: redone
  }
  if (config === null || typeof config !== 'object') return false;
  const c = config as Record<string, unknown>;
  for (const k of RUN_CONFIG_FIELDS) {
    if (canonical(c[k]) !== canonical(expected[k])) {
      throw new CompareConfigError(
        `${path} belongs to a different config: field '${k}' is ${show(c[k])} in its config.json, ${show(expected[k])} here; choose another --out or move the folder away`,
      );
    }
  }
  try {
    const summary = readJsonFile(join(path, 'summary.json')) as { status?: unknown } | null;
    if (summary?.status !== 'finished') return false;
    readEpisodes(join(path, 'episodes.csv'));
  } catch {
    return false;
  }
  return true;
}

/**
 * Works out what a comparison has to do in `out`, reading only: the folder, whether it resumes,
 * and per run whether to keep a finished folder or (re)do it. Throws a {@link CompareConfigError}
 * when the folder belongs to a different config.
 */
export function planCompare(config: CompareConfig, out: string): ComparePlan {
  const c = normalized(config);
  const hash = configHash(c);
  const dir = join(out, compareFolderName(c));
  let meta: CompareMeta | undefined;
  if (existsSync(dir)) {
    if (existsSync(join(dir, COMPARE_FILE))) {
      try {
        meta = readCompareMeta(dir);
      } catch (e) {
        throw new CompareConfigError(`${dir} cannot be resumed: ${(e as Error).message}; choose another --out or move the folder away`);
      }
      const diff = differingField(meta.config as unknown as Record<string, unknown>, c);
      if (diff !== undefined) throw new CompareConfigError(`${dir} belongs to a different config: ${diff} (${COMPARE_FILE}); choose another --out or move the folder away`);
    } else if (readdirSync(dir).length > 0) {
      throw new CompareConfigError(`${dir} exists but is not a comparison folder (no ${COMPARE_FILE}); choose another --out or move the folder away`);
    }
  }
  const entries = meta ? listRunEntries(dir, c.env) : [];
  const runs: RunPlan[] = [];
  for (let seed = 1; seed <= c.seeds; seed++) {
    for (const { estimator: est, point, name } of seriesOf(c)) {
      const estimator = est as EstimatorId;
      const expected = runConfig(c, estimator, seed, point);
      let keep: string | undefined;
      const remove: string[] = [];
      for (const e of entries.filter((x) => x.estimator === name && x.seed === seed)) {
        // Every folder is checked, so that one from another config is refused even next to a finished one.
        if (runIsFinished(e.path, expected)) keep ??= e.path;
        else remove.push(e.path);
      }
      runs.push({ estimator, seed, point, keep, remove });
    }
  }
  return { dir, hash, resumed: meta !== undefined, meta, runs };
}

/**
 * Runs a comparison (see the module doc): plans it, trains what is left on a worker pool, and
 * writes the report when every run has finished.
 *
 * @throws RangeError for a bad config, {@link CompareConfigError} for a folder of another config
 *   (both before anything is written), or an Error naming the run that failed.
 *
 * ## Example
 * ```ts
 * const result = await compare({
 *   env: 'CartPole-v1', estimators: ['reinforce-optimal', 'st'], seeds: 5, steps: 50_000,
 *   agent: { hidden: [32], learningRate: 0.03 },
 * });
 * console.log(result.report?.table);
 * ```
 */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const imports = (options.imports ?? []).map((s) => resolveImport(s));
  await loadImports(options.imports ?? []);
  const config = normalized(options);
  validateCompareConfig(config);
  const backend = parseBackendRequest(options.backend ?? 'auto', 'backend');
  const workersWanted = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(workersWanted) || workersWanted < 1) throw new RangeError(`workers must be an integer >= 1, got ${JSON.stringify(workersWanted)}`);
  const isolationWanted = options.isolation ?? 'auto';
  if (!['auto', 'thread', 'process'].includes(isolationWanted)) throw new RangeError(`isolation must be one of auto, thread, process, got ${JSON.stringify(isolationWanted)}`);
  const plan = planCompare(config, options.out ?? 'runs');
  const { dir, hash } = plan;
  const emit = options.onEvent ?? (() => {});

  // Everything is checked; from here on the folder is written.
  makeFolder(dir);
  const threshold = envSpec(config.env).rewardThreshold ?? null;
  const meta: CompareMeta = { kind: 'rewardcast-compare', version: 1, hash, config, threshold, created: plan.meta?.created ?? new Date().toISOString() };
  writeJsonAtomic(join(dir, COMPARE_FILE), meta);
  for (const r of plan.runs) for (const p of r.remove) rmSync(p, { recursive: true, force: true });

  const outcomes = new Map<string, RunOutcome>();
  const key = (r: RunPlan): string => `${seriesName({ estimator: r.estimator, point: r.point?.label })}\u0000${r.seed}`;
  const id = (r: RunPlan): Pick<RunOutcome, 'estimator' | 'seed' | 'point'> => ({ estimator: r.estimator, seed: r.seed, ...(r.point ? { point: r.point.label } : {}) });
  for (const r of plan.runs) outcomes.set(key(r), r.keep ? { ...id(r), status: 'reused', dir: r.keep } : { ...id(r), status: 'not run' });
  const todo = plan.runs.filter((r) => r.keep === undefined);
  const total = plan.runs.length;
  const totalSteps = total * config.steps;
  const stepsOf = new Map<string, number>();
  for (const r of plan.runs) if (r.keep) stepsOf.set(key(r), config.steps);
  let runsDone = total - todo.length;
  const stepsDone = (): number => {
    let s = 0;
    for (const v of stepsOf.values()) s += Math.min(v, config.steps);
    return s;
  };
  const workers = Math.min(workersWanted, Math.max(1, todo.length));
  const isolation = workerIsolation(isolationWanted, workers, availableParallelism());
  emit({ type: 'start', dir, runs: total, reused: total - todo.length, toRun: todo.length, workers, totalSteps, isolation });

  let failure: { run: RunPlan; error: Error } | undefined;
  if (todo.length > 0) {
    const seen = new Set<string>();
    const once = (text: string): void => {
      if (seen.has(text)) return;
      seen.add(text);
      emit({ type: 'log', text });
    };
    const pool: RunExecutor =
      options.executor ??
      new WorkerPool<RunTask, RunResult, RunProgress>(new URL('./worker.js', import.meta.url), {
        size: workers,
        workerData: WORKER_MARKER,
        isolation,
        ...(isolation === 'process' ? { processFlags: WORKER_PROCESS_FLAGS } : {}),
        onLog: (line) => once(`${line}\n`),
        onOutput: (text) => once(text),
      });
    const onAbort = (): void => pool.abort(typeof options.signal?.reason === 'string' ? options.signal.reason : undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    try {
      await Promise.all(
        todo.map(async (r) => {
          const k = key(r);
          const task: RunTask = { parent: dir, config: runConfig(config, r.estimator, r.seed, r.point), backend, compareHash: hash, imports };
          try {
            const { cpu, ...summary }: RunResult = await pool.run(task, (p) => {
              stepsOf.set(k, p.steps);
              emit({ type: 'progress', steps: stepsDone(), totalSteps, runsDone, runs: total });
            });
            stepsOf.set(k, summary.status === 'finished' ? config.steps : summary.envSteps);
            outcomes.set(k, { ...id(r), status: summary.status, dir: summary.runDir });
            if (summary.status === 'finished') runsDone += 1;
            emit({ type: 'run', summary, runsDone, runs: total, ...(cpu ? { cpu } : {}) });
            emit({ type: 'progress', steps: stepsDone(), totalSteps, runsDone, runs: total });
          } catch (e) {
            if (e instanceof PoolAbortedError) return; // stopped before it started: stays 'not run'
            const error = e as Error;
            outcomes.set(k, { ...id(r), status: 'failed', error: error.message });
            if (pool.isRunFailure?.(e)) {
              emit({ type: 'log', text: `run ${seriesName({ estimator: r.estimator, point: r.point?.label })} seed ${r.seed} failed: ${error.message}\n` });
              return;
            }
            // The first failure stops the others cleanly, then fails the comparison.
            if (!failure) {
              failure = { run: r, error };
              pool.abort();
            }
          }
        }),
      );
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await pool.close();
    }
  }
  const runs = plan.runs.map((r) => outcomes.get(key(r))!);
  if (failure) {
    throw new Error(`run ${seriesName({ estimator: failure.run.estimator, point: failure.run.point?.label })} seed ${failure.run.seed} failed: ${failure.error.message}`, { cause: failure.error });
  }
  if (runs.some((r) => r.status === 'failed') && !runs.some((r) => r.status === 'not run' || r.status === 'interrupted')) {
    // Runs failed on their own (after the executor's retries): report the others, name the failures.
    const report = runs.some((r) => r.status === 'reused' || r.status === 'finished') ? (emit({ type: 'report' }), await writeCompareReport(dir)) : undefined;
    return { status: 'failed', dir, hash, runs, report };
  }
  const complete = runs.every((r) => r.status === 'reused' || r.status === 'finished');
  if (!complete) return { status: 'interrupted', dir, hash, runs, report: undefined };
  emit({ type: 'report' });
  const report = await writeCompareReport(dir);
  return { status: 'finished', dir, hash, runs, report };
}
