/**
 * `tune()`: random search or successive halving over the documented agent options
 * (`./space.ts`, `./halving.ts`), every trial trained on the tuning seeds on the compare worker
 * pool and scored by the area under its learning curves (`./score.ts`); the best trial becomes a
 * preset file (`./preset-file.ts`) that `train --preset` and `compare --preset` take.
 *
 * ## The tune folder
 * `<out>/<env>__tune__<hash>/`, `<hash>` the first 10 hex digits of the sha256 of the tune's
 * identity ({@link TuneConfig}: env, estimator, method, trials, budget, η, minimum budget, seeds,
 * sampling seed, searched options, the base options, the imports). It holds
 * - `tune.json`: the config and the rungs, written first;
 * - `trials.jsonl`: one line per trial and rung as soon as all its seeds have finished (values,
 *   budget, per-seed area and final return, score, run folders, or the error of a failed run);
 * - `trials.csv`: the same, one row each (`trial,rung,budget,score,final_return,<options>`);
 * - `best-preset.json`: the best trial so far at the highest rung reached, rewritten after each line;
 * - `runs/r<rung>-t<trial>/`: the run folders, as `train` writes them.
 *
 * ## Resuming, stopping, failures
 * Running the same tune again resumes it: the recorded lines are kept (a half-written last line is
 * dropped), the folders of unrecorded (trial, rung) pairs are deleted and redone, and the trials of
 * each rung follow again from the recorded scores (they are a pure function of them). A folder of
 * another config is a {@link TuneConfigError}. Aborting `signal` (Ctrl-C) stops cleanly: running runs
 * end as `interrupted` and their trial is not recorded; everything recorded stays. A run that throws
 * (for instance an option combination the agent refuses) records its trial with no score and the
 * error, and the search goes on.
 * @module
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AgentOptions } from '../../agents/options.js';
import type { EnvKwargs } from '../core/registry.js';
import type { EstimatorId } from '../estimators/index.js';
import { PoolAbortedError, WorkerPool } from '../train/pool.js';
import { readEpisodes, writeJsonAtomic } from '../train/run-folder.js';
import { envSlug, type RunConfig, type RunProgress, type RunSummary } from '../train/worker.js';
import type { BackendRequest } from '../tensor/backend.js';
import { finalReturn } from '../stats/index.js';
import { halvingPlan, rank, rungMembers, type Rung, type TuneMethod } from './halving.js';
import { PRESET_FILE_KIND, writePresetFile, type PresetFile } from './preset-file.js';
import { runAuc, trialScore } from './score.js';
import { sampleTrials, type ParamName, type SearchSpace, type TrialParams } from './space.js';
import { TUNE_WORKER_MARKER, type TuneTask } from './worker.js';

/** The options every trial starts from (the command's defaults and the env's preset), before its sampled values. */
export interface TuneBase {
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** The agent options (without `estimator`: that is {@link TuneConfig.estimator}). */
  readonly agent: AgentOptions;
  /** Options for `make`. */
  readonly envKwargs: EnvKwargs;
}

/** What identifies a tune (see the module doc). */
export interface TuneConfig {
  readonly env: string;
  readonly estimator: EstimatorId;
  readonly method: TuneMethod;
  /** Trials T. */
  readonly trials: number;
  /** Env steps per run at the last rung. */
  readonly budget: number;
  /** η of successive halving. */
  readonly eta: number;
  /** The smallest rung budget (halving). */
  readonly minBudget: number;
  /** Tuning seeds; each trial trains one run per seed. */
  readonly seeds: readonly number[];
  /** Seed of the trial sampler. */
  readonly seed: number;
  /** The searched options and their distributions. */
  readonly space: SearchSpace;
  /** What the trials start from. */
  readonly base: TuneBase;
  /** `--import` modules (they may register the env). */
  readonly imports: readonly string[];
}

/** Options of {@link tune}: the config, and how to run it. */
export interface TuneOptions extends TuneConfig {
  /** Parent folder of the tune folder. @default 'runs' */
  readonly out?: string;
  /** Worker threads. @default 1 */
  readonly workers?: number;
  /** tfjs backend of the workers. @default 'auto' */
  readonly backend?: BackendRequest;
  /** Stops the tune cleanly. */
  readonly signal?: AbortSignal;
  /** Progress, as it happens. */
  readonly onEvent?: (e: TuneEvent) => void;
  /** What `--import` paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

/** One line of `trials.jsonl`. */
export interface TrialRecord {
  readonly trial: number;
  readonly rung: number;
  readonly budget: number;
  readonly params: TrialParams;
  readonly seeds: readonly number[];
  /** Per seed, the normalised area under the run's curve. */
  readonly auc: readonly (number | null)[];
  /** Per seed, the mean return of the run's last 100 episodes. */
  readonly finalReturn: readonly (number | null)[];
  /** Mean of `auc`; null when a run has none or failed. */
  readonly score: number | null;
  /** The run folders, relative to the tune folder. */
  readonly runs: readonly string[];
  /** Why a run failed, when one did. */
  readonly error?: string;
}

/** What {@link tune} reports while it runs. */
export type TuneEvent =
  | { readonly type: 'start'; readonly dir: string; readonly rungs: readonly Rung[]; readonly recorded: number; readonly workers: number }
  | { readonly type: 'trial'; readonly record: TrialRecord; readonly done: number; readonly total: number }
  | { readonly type: 'rung'; readonly rung: number; readonly trials: readonly number[]; readonly budget: number }
  | { readonly type: 'log'; readonly text: string };

/** What {@link tune} returns. */
export interface TuneResult {
  readonly status: 'finished' | 'interrupted';
  readonly dir: string;
  readonly hash: string;
  readonly rungs: readonly Rung[];
  /** Every recorded line, in recording order. */
  readonly records: readonly TrialRecord[];
  /** The best trial at the highest rung reached, if any has a score. */
  readonly best: TrialRecord | undefined;
  /** `best-preset.json`, when written. */
  readonly presetFile: string | undefined;
}

/** A tune folder of another config. */
export class TuneConfigError extends Error {
  override name = 'TuneConfigError';
}

/** The file that marks a tune folder. */
export const TUNE_FILE = 'tune.json';
/** The preset of the best trial. */
export const BEST_PRESET_FILE = 'best-preset.json';

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortedKeys(x)]));
}

/** sha256 (hex) of the config with sorted keys. */
export function tuneHash(c: TuneConfig): string {
  return createHash('sha256').update(JSON.stringify(sortedKeys(c))).digest('hex');
}

/** The run config of one trial at one rung and seed: the base, then the trial's values. */
export function trialRunConfig(c: TuneConfig, params: TrialParams, budget: number, seed: number): RunConfig {
  // Every searched name but numEnvs is an AgentOptions field (see ./space.ts).
  const { numEnvs, ...agentParams } = params as Partial<Record<ParamName, unknown>>;
  return {
    env: c.env,
    estimator: c.estimator,
    seed,
    steps: budget,
    numEnvs: (numEnvs as number | undefined) ?? c.base.numEnvs,
    agent: sortedKeys({ ...c.base.agent, ...agentParams, estimator: c.estimator }) as AgentOptions,
    envKwargs: sortedKeys(c.base.envKwargs) as EnvKwargs,
  };
}

/** The preset file of a trial: the base options with its values, for `train --preset`. */
export function trialPreset(c: TuneConfig, dir: string, record: TrialRecord): PresetFile {
  const r = trialRunConfig(c, record.params, c.budget, c.seeds[0]!);
  const { estimator: _estimator, ...agent } = r.agent;
  const how = c.method === 'halving' ? `successive halving (η ${c.eta})` : 'random search';
  return {
    kind: PRESET_FILE_KIND,
    version: 1,
    env: c.env,
    numEnvs: r.numEnvs,
    steps: c.budget,
    ...(Object.keys(c.base.envKwargs).length ? { envKwargs: { ...c.base.envKwargs } } : {}),
    agent,
    note: `tuned by rewardcast tune for ${c.estimator}: trial ${record.trial} of ${c.trials} by ${how}, area under the curve ${record.score === null ? 'none' : Number(record.score.toPrecision(4))} at ${record.budget} steps, mean over seeds ${c.seeds.join(', ')}; folder ${dir}`,
    tuning: { dir, trial: record.trial, score: record.score ?? Number.NaN, seeds: [...c.seeds], estimator: c.estimator, budget: record.budget },
  };
}

const CSV_HEADER_FIXED = ['trial', 'rung', 'budget', 'score', 'final_return'] as const;

function csvHeader(c: TuneConfig): string {
  return [...CSV_HEADER_FIXED, ...Object.keys(c.space)].join(',');
}

function csvValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return `"${v.length ? v.join('x') : 'none'}"`;
  return String(v);
}

function csvRow(c: TuneConfig, r: TrialRecord): string {
  const finals = r.finalReturn.filter((x): x is number => x !== null);
  const meanFinal = finals.length === r.finalReturn.length && finals.length > 0 ? finals.reduce((a, b) => a + b, 0) / finals.length : null;
  return [r.trial, r.rung, r.budget, csvValue(r.score), csvValue(meanFinal), ...Object.keys(c.space).map((k) => csvValue((r.params as Record<string, unknown>)[k]))].join(',');
}

/** Reads `trials.jsonl`, dropping a half-written last line. */
export function readTrialRecords(dir: string): TrialRecord[] {
  const file = join(dir, 'trials.jsonl');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: TrialRecord[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as TrialRecord);
    } catch (e) {
      if (i >= lines.length - 2) break; // the last line, cut short by a kill
      throw new TuneConfigError(`${file}:${i + 1}: not valid JSON: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The best record at the highest rung that has one (see {@link rank}). */
export function bestRecord(records: readonly TrialRecord[]): TrialRecord | undefined {
  const top = Math.max(-1, ...records.map((r) => r.rung));
  const at = records.filter((r) => r.rung === top);
  const first = rank(at.map((r) => ({ trial: r.trial, score: r.score })))[0];
  return first === undefined || first.score === null ? undefined : at.find((r) => r.trial === first.trial);
}

/** Checks a config, naming the field and the value. */
export function validateTuneConfig(c: TuneConfig): void {
  if (c.seeds.length === 0) throw new RangeError(`seeds must be a non-empty list, got []`);
  const dup = c.seeds.find((s, i) => c.seeds.indexOf(s) !== i);
  if (dup !== undefined) throw new RangeError(`seeds must be distinct, got ${dup} twice`);
  if (Object.keys(c.space).length === 0) throw new RangeError('the search space is empty: name at least one option that applies to this env and estimator');
  halvingPlan(c.method, c.trials, c.budget, c.eta, c.minBudget);
}

/** Runs a tune (see the module doc). */
export async function tune(options: TuneOptions): Promise<TuneResult> {
  const { out = 'runs', workers: workersWanted = 1, backend = 'auto', signal, onEvent, cwd = process.cwd(), ...config } = options;
  const c: TuneConfig = config;
  validateTuneConfig(c);
  const emit = onEvent ?? (() => {});
  const hash = tuneHash(c);
  const dir = join(out, `${envSlug(c.env)}__tune__${hash.slice(0, 10)}`);
  const rungs = halvingPlan(c.method, c.trials, c.budget, c.eta, c.minBudget);
  const trials = sampleTrials(c.space, c.trials, c.seed);
  const metaPath = join(dir, TUNE_FILE);
  let created = new Date().toISOString();
  if (existsSync(dir)) {
    if (existsSync(metaPath)) {
      let meta: { hash?: unknown; created?: unknown };
      try {
        meta = JSON.parse(readFileSync(metaPath, 'utf8')) as typeof meta;
      } catch (e) {
        throw new TuneConfigError(`${metaPath} cannot be resumed: ${(e as Error).message}; choose another --out or move the folder away`);
      }
      if (meta.hash !== hash) throw new TuneConfigError(`${dir} belongs to another tune (${TUNE_FILE} hash ${String(meta.hash).slice(0, 10)}); choose another --out or move the folder away`);
      if (typeof meta.created === 'string') created = meta.created;
    } else if (readdirSync(dir).length > 0) {
      throw new TuneConfigError(`${dir} exists but is not a tune folder (no ${TUNE_FILE}); choose another --out or move the folder away`);
    }
  }
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeJsonAtomic(metaPath, { kind: 'rewardcast-tune', version: 1, hash, config: c, rungs, trials, created });

  // Resume: keep the recorded lines (rewritten whole, so a cut last line is gone), redo the rest.
  const records = readTrialRecords(dir);
  writeFileSync(join(dir, 'trials.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(join(dir, 'trials.csv'), `${csvHeader(c)}\n${records.map((r) => `${csvRow(c, r)}\n`).join('')}`);
  const done = new Map<number, Map<number, number | null>>();
  for (const r of records) {
    if (!done.has(r.rung)) done.set(r.rung, new Map());
    done.get(r.rung)!.set(r.trial, r.score);
  }
  const recordedKeys = new Set(records.map((r) => `r${r.rung}-t${r.trial}`));
  for (const name of readdirSync(join(dir, 'runs'))) if (!recordedKeys.has(name)) rmSync(join(dir, 'runs', name), { recursive: true, force: true });

  const total = rungs.reduce((s, r) => s + r.trials, 0);
  let presetFile: string | undefined;
  const writeBest = (): void => {
    const best = bestRecord(records);
    if (!best) return;
    presetFile = join(dir, BEST_PRESET_FILE);
    writePresetFile(presetFile, trialPreset(c, dir, best));
  };
  writeBest();
  const record = (r: TrialRecord): void => {
    records.push(r);
    appendFileSync(join(dir, 'trials.jsonl'), `${JSON.stringify(r)}\n`);
    appendFileSync(join(dir, 'trials.csv'), `${csvRow(c, r)}\n`);
    if (!done.has(r.rung)) done.set(r.rung, new Map());
    done.get(r.rung)!.set(r.trial, r.score);
    writeBest();
    emit({ type: 'trial', record: r, done: records.length, total });
  };

  const workers = Math.max(1, workersWanted);
  emit({ type: 'start', dir, rungs, recorded: records.length, workers });
  const seen = new Set<string>();
  const once = (text: string): void => {
    if (seen.has(text)) return;
    seen.add(text);
    emit({ type: 'log', text });
  };
  let pool: WorkerPool<TuneTask, RunSummary, RunProgress> | undefined;
  let interrupted = signal?.aborted ?? false;
  const onAbort = (): void => {
    interrupted = true;
    pool?.abort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let k = 0; k < rungs.length && !interrupted; k++) {
      const members = rungMembers(rungs, done)[k];
      if (members === undefined) break;
      const todo = members.filter((t) => !done.get(k)?.has(t));
      emit({ type: 'rung', rung: k, trials: members, budget: rungs[k]!.budget });
      if (todo.length === 0) continue;
      pool ??= new WorkerPool<TuneTask, RunSummary, RunProgress>(new URL('./worker.js', import.meta.url), {
        size: workers,
        workerData: TUNE_WORKER_MARKER,
        onLog: (line) => once(`${line}\n`),
        onOutput: (text) => once(text),
      });
      const budget = rungs[k]!.budget;
      await Promise.all(
        todo.map(async (trial) => {
          const parent = join(dir, 'runs', `r${k}-t${trial}`);
          mkdirSync(parent, { recursive: true });
          const outcomes = await Promise.all(
            c.seeds.map(async (seed) => {
              const task: TuneTask = { run: { parent, config: trialRunConfig(c, trials[trial]!, budget, seed), backend, compareHash: hash }, imports: c.imports, cwd };
              try {
                return { summary: await pool!.run(task) };
              } catch (e) {
                if (e instanceof PoolAbortedError) return { aborted: true as const };
                return { error: (e as Error).message };
              }
            }),
          );
          if (outcomes.some((o) => 'aborted' in o || ('summary' in o && o.summary!.status !== 'finished'))) return; // stopped: not recorded
          const error = outcomes.find((o): o is { error: string } => 'error' in o)?.error;
          const aucs: (number | null)[] = [];
          const finals: (number | null)[] = [];
          const runs: string[] = [];
          for (const o of outcomes) {
            if (!('summary' in o) || !o.summary) {
              aucs.push(null);
              finals.push(null);
              continue;
            }
            const eps = readEpisodes(join(o.summary.runDir, 'episodes.csv')).map((e) => ({ step: e.globalStep, return: e.return }));
            aucs.push(runAuc(eps, budget));
            const fr = finalReturn(eps);
            finals.push(Number.isFinite(fr) ? fr : null);
            runs.push(relative(dir, o.summary.runDir));
          }
          record({ trial, rung: k, budget, params: trials[trial]!, seeds: [...c.seeds], auc: aucs, finalReturn: finals, score: error === undefined ? trialScore(aucs) : null, runs, ...(error === undefined ? {} : { error }) });
        }),
      );
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool?.close();
  }
  const complete = rungs.every((r, k) => (done.get(k)?.size ?? 0) >= r.trials);
  return { status: complete ? 'finished' : 'interrupted', dir, hash, rungs, records, best: bestRecord(records), presetFile };
}
