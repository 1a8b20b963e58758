/**
 * Reading run and compare folders back, and everything `compare` and `plot` draw from them: the
 * statistics (`stats.json` and a terminal table), the learning curves (`curves.svg`/`curves.png`,
 * or `curve.svg`/`curve.png` for a single run) and `report.html`. Everything here works from the
 * files alone, so `rewardcast plot` redraws exactly what `compare` wrote.
 *
 * ## The statistics of a comparison
 * Per estimator, over its finished runs (seeds 1..N), after Agarwal et al. (2021) (rliable):
 * - **final return**: per run, the mean return of its last 100 episodes; aggregated as the IQM over
 *   seeds with a 95 % stratified-bootstrap percentile interval.
 * - **area under the curve**: per run, the curve is the mean return of the last 100 episodes
 *   sampled on a grid of 100 evenly spaced env steps (`resampleToGrid`); its normalised area
 *   (`areaUnderCurve`, the curve's average height, in return units) is taken over the part of the
 *   grid where every run of every estimator has finished an episode, so that all runs integrate
 *   over the same steps. IQM over seeds, with its interval.
 * - **steps to threshold** (envs with a `rewardThreshold` only): per run, the first env step at
 *   which the mean of 100 consecutive episode returns reaches the threshold (Gymnasium's "solved"
 *   rule, `stepsToThreshold`). Runs that never reach it have no value, and treating them as the
 *   budget would make the number depend on the budget. So it is reported as **k of N seeds
 *   reached it**, and the **median over the k seeds that did**, with a bootstrap interval over those
 *   k (conditional on reaching). The median rather than the IQM: k is small and varies between
 *   estimators, and for k < 4 the IQM is the plain mean, which one slow seed drags. Read it
 *   together with k: a fast median from 2 of 10 seeds is not a fast estimator.
 * - **stability** (envs with a threshold only): whether a solve lasts. The seeds whose final
 *   return (the last 100 episodes at the budget) is at or above the threshold, as k of N; and per
 *   run that reached the threshold, the share of 100-episode windows from the first solve to the
 *   end that stay at or above it (`stayedSolved`: 1 for a run that never falls back), as the
 *   median over those runs with a bootstrap interval. A run that solves early and then drifts
 *   or collapses has a good steps-to-threshold and a low share.
 * - **probability of improvement** of each estimator X over the first one Y: P(X > Y) on the
 *   per-run final returns (Mann–Whitney U / (N·K)), with an interval from resampling X and Y
 *   independently.
 * - **the curve**: at each grid step, the IQM over seeds with a pointwise 95 % band. Points where
 *   not every seed has finished an episode yet are left out of the chart (they are biased toward the
 *   seeds whose first episodes were short).
 *
 * Bootstrap: 2000 replicates, 95 %, percentile intervals. Each statistic draws from its own
 * {@link Rng} seeded by {@link bootstrapSeed}: the first 4 bytes (big-endian) of
 * sha256(`<config hash>:<statistic>:<estimator>`), the config hash being the one in `compare.json`.
 * The same comparison thus always gets the same intervals, whatever the estimators' order.
 *
 * Only runs whose `summary.json` says `finished` enter the statistics; unfinished or interrupted
 * runs are listed as skipped.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { isRegistered, spec as envSpec } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import { htmlReport, type ReportSection } from '../plot/report.js';
import { learningCurveSpec, runCurveSpec, type CurveSeries } from '../plot/learning-curves.js';
import { writeChart } from '../plot/render.js';
import type { TopLevelSpec } from 'vega-lite';
import {
  areaUnderCurve,
  commonGrid,
  DEFAULT_CONFIDENCE,
  DEFAULT_REPS,
  DEFAULT_WINDOW,
  finalReturn,
  iqm,
  iqmCurveWithBand,
  median,
  probabilityOfImprovementCI,
  resampleToGrid,
  stayedSolved,
  stepsToThreshold,
  stratifiedBootstrapCI,
  type Episode,
} from '../stats/index.js';
import type { CompareConfig } from './compare.js';
import { readEpisodes, writeJsonAtomic, type EpisodeRow } from './run-folder.js';
import { envSlug, type RunSummary } from './worker.js';
import { estimatorIdSchema, trainingFieldSchemas } from './schemas.js';

/** Bad or missing data in a run or compare folder; the message names the file (and line). */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

/** The file that marks a comparison folder and holds its config. */
export const COMPARE_FILE = 'compare.json';

/** Grid points of the aggregated curves and of the area under the curve. */
export const GRID_POINTS = 100;

/** `compare.json`: the comparison's config and identity. */
export interface CompareMeta {
  /** Always `'rewardcast-compare'`. */
  readonly kind: 'rewardcast-compare';
  /** Format version. */
  readonly version: 1;
  /** sha256 (hex) of the config's identity; its first 10 characters end the folder name. */
  readonly hash: string;
  /** The config; `estimators` in the order of the latest run (the first is the reference). */
  readonly config: CompareConfig;
  /** The env's reward threshold when the comparison was made, or null. */
  readonly threshold: number | null;
  /** When the folder was made (ISO 8601). */
  readonly created: string;
}

const compareMetaSchema = z
  .object({
    kind: z.literal('rewardcast-compare'),
    version: z.literal(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    config: z.object({
      env: z.string().min(1),
      estimators: z.array(estimatorIdSchema).min(1),
      seeds: z.number().int().positive(),
      ...trainingFieldSchemas,
      perEstimator: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
      envKwargs: z.record(z.string(), z.unknown()).optional(),
    }),
    threshold: z.number().nullable(),
    created: z.string(),
  })
  .strict();

/** Parses a JSON file, naming the file in the error. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunFolderError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RunFolderError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads and checks `compare.json` of a comparison folder. */
export function readCompareMeta(dir: string): CompareMeta {
  const file = join(dir, COMPARE_FILE);
  const r = compareMetaSchema.safeParse(readJsonFile(file));
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new RunFolderError(`${file}: field '${issue.path.join('.') || '(top level)'}': ${issue.message}`);
  }
  return r.data as CompareMeta;
}

/** Whether `dir` is a comparison folder (holds `compare.json`). */
export function isCompareFolder(dir: string): boolean {
  return existsSync(join(dir, COMPARE_FILE));
}

/** Whether `dir` looks like a run folder (holds `episodes.csv` or `config.json`, and no `compare.json`). */
export function isRunFolder(dir: string): boolean {
  return !isCompareFolder(dir) && (existsSync(join(dir, 'episodes.csv')) || existsSync(join(dir, 'config.json')));
}

/** One run folder, read back. */
export interface RunData {
  /** The folder. */
  readonly dir: string;
  /** `config.json`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** `summary.json`, or undefined when the run never finished writing it. */
  readonly summary: RunSummary | undefined;
  /** `episodes.csv`. */
  readonly episodes: readonly EpisodeRow[];
}

/**
 * Reads a run folder: `config.json` (required), `episodes.csv` (required; a corrupt row is an
 * error naming the file and line) and `summary.json` (optional).
 */
export function readRunFolder(dir: string): RunData {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new RunFolderError(`${dir} is not a run folder: ${configPath} is missing`);
  const config = readJsonFile(configPath);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new RunFolderError(`${configPath}: expected a JSON object`);
  const csv = join(dir, 'episodes.csv');
  if (!existsSync(csv)) throw new RunFolderError(`${dir} is not a run folder: ${csv} is missing`);
  let episodes: EpisodeRow[];
  try {
    episodes = readEpisodes(csv);
  } catch (e) {
    throw new RunFolderError((e as Error).message);
  }
  const summaryPath = join(dir, 'summary.json');
  let summary: RunSummary | undefined;
  if (existsSync(summaryPath)) {
    const s = readJsonFile(summaryPath);
    if (s === null || typeof s !== 'object' || !['finished', 'interrupted'].includes((s as { status?: unknown }).status as string)) {
      throw new RunFolderError(`${summaryPath}: expected an object with status 'finished' or 'interrupted'`);
    }
    summary = s as RunSummary;
  }
  return { dir, config: config as Record<string, unknown>, summary, episodes };
}

/** A run folder inside a comparison folder, identified by its name `<env>__<estimator>__<seed>__<time>`. */
export interface RunEntry {
  readonly path: string;
  readonly estimator: string;
  readonly seed: number;
  readonly time: number;
}

/** The run folders of `env` inside a comparison folder, newest first within each (estimator, seed). */
export function listRunEntries(dir: string, env: string): RunEntry[] {
  const prefix = `${envSlug(env)}__`;
  const out: RunEntry[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(.+)__(\d+)__(\d+)$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    out.push({ path, estimator: m[1]!, seed: Number(m[2]), time: Number(m[3]) });
  }
  return out.sort((a, b) => a.estimator.localeCompare(b.estimator) || a.seed - b.seed || b.time - a.time);
}

/** A comparison folder, read back: its config and its finished runs. */
export interface CompareFolder {
  readonly dir: string;
  readonly meta: CompareMeta;
  /** Finished runs per estimator, in seed order (the newest finished folder of each seed). */
  readonly runs: ReadonlyMap<string, readonly RunData[]>;
  /** The (estimator, seed) pairs of the config without a finished run, and why. */
  readonly skipped: readonly { readonly estimator: string; readonly seed: number; readonly reason: string }[];
}

/**
 * Reads a comparison folder. A finished run with a corrupt `episodes.csv` is an error naming the
 * file and line; a folder with no finished run at all is an error too.
 */
export function readCompareFolder(dir: string): CompareFolder {
  const meta = readCompareMeta(dir);
  const { env, estimators, seeds } = meta.config;
  const entries = listRunEntries(dir, env);
  const runs = new Map<string, RunData[]>();
  const skipped: { estimator: string; seed: number; reason: string }[] = [];
  for (const estimator of estimators) {
    const list: RunData[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const mine = entries.filter((e) => e.estimator === estimator && e.seed === seed);
      let found: RunData | undefined;
      let reason = 'no run folder';
      for (const e of mine) {
        const summaryPath = join(e.path, 'summary.json');
        const status = existsSync(summaryPath) ? (readJsonFile(summaryPath) as { status?: unknown } | null)?.status : undefined;
        if (status !== 'finished') {
          reason = status === 'interrupted' ? 'interrupted' : 'unfinished (no summary.json)';
          continue;
        }
        found = readRunFolder(e.path);
        break;
      }
      if (found) list.push(found);
      else skipped.push({ estimator, seed, reason });
    }
    runs.set(estimator, list);
  }
  if ([...runs.values()].every((l) => l.length === 0)) {
    throw new RunFolderError(`${dir} has no finished run (expected folders ${envSlug(env)}__<estimator>__<seed>__<time> with summary.json status 'finished')`);
  }
  return { dir, meta, runs, skipped };
}

/** The seed of one statistic's bootstrap generator (see the module doc). */
export function bootstrapSeed(hash: string, statistic: string, estimator: string): number {
  return createHash('sha256').update(`${hash}:${statistic}:${estimator}`).digest().readUInt32BE(0);
}

/** A point estimate with its interval, over `n` runs; null values where there is no data. */
export interface Estimate {
  readonly point: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  /** Runs the estimate is over. */
  readonly n: number;
}

/** One finished run's numbers. */
export interface RunStats {
  readonly seed: number;
  /** Mean return of the last 100 episodes; null without an episode. */
  readonly finalReturn: number | null;
  /** Normalised area under the grid curve; null when undefined. */
  readonly auc: number | null;
  /** First env step at which the 100-episode mean reached the threshold; null when not reached or no threshold. */
  readonly stepsToThreshold: number | null;
  /**
   * Of the 100-episode windows from the first one at or above the threshold to the last episode,
   * the share at or above it (`stayedSolved`); null when not reached or no threshold.
   */
  readonly stayedSolved: number | null;
  readonly episodes: number;
  readonly envSteps: number;
  readonly seconds: number | null;
  readonly backend: string | null;
  /** The run folder's name, inside the comparison folder. */
  readonly runDir: string;
}

/** One estimator's row of the comparison. */
export interface EstimatorStats {
  readonly estimator: string;
  /** Finished runs used. */
  readonly runs: number;
  /** IQM over seeds of the final return, with its interval. */
  readonly finalReturn: Estimate;
  /** IQM over seeds of the normalised area under the curve, with its interval. */
  readonly auc: Estimate;
  /** Null when the env has no reward threshold. */
  readonly stepsToThreshold: {
    /** Seeds that reached the threshold. */
    readonly reached: number;
    /** Seeds in all. */
    readonly of: number;
    /** Median env steps over the seeds that reached it, with its interval; null when none did. */
    readonly median: Estimate | null;
  } | null;
  /**
   * Whether the solve lasts; null when the env has no reward threshold: the seeds whose final
   * return (the last 100 episodes at the budget) is at or above the threshold, and the median
   * over the seeds that reached it of the share of 100-episode windows after the first solve that
   * stay at or above it.
   */
  readonly stability: {
    /** Seeds whose final return is at or above the threshold. */
    readonly finalAbove: number;
    /** Seeds in all. */
    readonly of: number;
    /** Median over the seeds that reached the threshold of their stayed-solved share; null when none did. */
    readonly stayedSolved: Estimate | null;
  } | null;
  /** P(this > reference) on final returns, with its interval; null for the reference itself. */
  readonly probabilityOfImprovement: Estimate | null;
  readonly perRun: readonly RunStats[];
}

/** `stats.json`. */
export interface CompareStats {
  readonly env: string;
  /** The comparison folder's name (paths in this file are relative to it, so it can be moved). */
  readonly folder: string;
  readonly hash: string;
  readonly config: CompareConfig;
  /** The env's reward threshold, or null. */
  readonly threshold: number | null;
  /** The first estimator, against which the probability of improvement is given. */
  readonly reference: string;
  readonly method: {
    readonly finalWindow: number;
    readonly thresholdWindow: number;
    readonly curveWindow: number;
    readonly gridPoints: number;
    readonly aucSteps: readonly [number, number] | null;
    readonly aggregate: string;
    readonly stepsToThreshold: string;
    readonly stability: string;
    readonly probabilityOfImprovement: string;
    readonly bootstrap: { readonly reps: number; readonly confidence: number; readonly interval: string; readonly seed: string };
  };
  readonly estimators: readonly EstimatorStats[];
  readonly skipped: CompareFolder['skipped'];
  /** The aggregated curves drawn in `curves.svg`: IQM over seeds and the band, per grid step. */
  readonly curves: {
    readonly grid: readonly number[];
    readonly series: readonly { readonly estimator: string; readonly iqm: readonly (number | null)[]; readonly lo: readonly (number | null)[]; readonly hi: readonly (number | null)[]; readonly n: readonly number[] }[];
  };
}

const toEpisodes = (rows: readonly EpisodeRow[]): Episode[] => rows.map((r) => ({ step: r.globalStep, return: r.return }));
const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function estimate(values: readonly number[], statistic: (x: Float64Array) => number, seed: number): Estimate {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { point: null, lo: null, hi: null, n: 0 };
  const ci = stratifiedBootstrapCI(finite, statistic, { rng: Rng.fromSeed(seed) });
  return { point: ci.point, lo: ci.lo, hi: ci.hi, n: finite.length };
}

/** Computes the statistics of a comparison folder (see the module doc). */
export function compareStats(folder: CompareFolder): CompareStats {
  const { meta } = folder;
  const { config, hash } = meta;
  const threshold = meta.threshold;
  const grid = commonGrid(config.steps, Math.min(GRID_POINTS, config.steps));
  const seedOf = (statistic: string, estimator: string): number => bootstrapSeed(hash, statistic, estimator);
  const present = config.estimators.filter((e) => (folder.runs.get(e)?.length ?? 0) > 0);
  const episodesOf = new Map(present.map((e) => [e, folder.runs.get(e)!.map((r) => toEpisodes(r.episodes))]));
  const curvesOf = new Map(present.map((e) => [e, episodesOf.get(e)!.map((eps) => resampleToGrid(eps, grid, DEFAULT_WINDOW))]));
  // The AUC is taken from the first grid step at which every run of every estimator has a value.
  let aucFrom = 0;
  for (const curves of curvesOf.values()) for (const c of curves) while (aucFrom < grid.length && Number.isNaN(c[aucFrom]!)) aucFrom++;
  const aucGrid = grid.subarray(aucFrom);
  const aucSteps: [number, number] | null = aucGrid.length > 0 ? [aucGrid[0]!, aucGrid[aucGrid.length - 1]!] : null;
  const reference = config.estimators[0]!;
  const finalsOf = new Map<string, number[]>();
  const rows: Omit<EstimatorStats, 'probabilityOfImprovement'>[] = [];
  for (const estimator of config.estimators) {
    const runs = folder.runs.get(estimator) ?? [];
    const episodes = episodesOf.get(estimator) ?? [];
    const curves = curvesOf.get(estimator) ?? [];
    const perRun: RunStats[] = runs.map((run, i) => {
      const eps = episodes[i]!;
      const fr = finalReturn(eps, DEFAULT_WINDOW);
      const auc = aucGrid.length > 0 ? areaUnderCurve(aucGrid, curves[i]!.subarray(aucFrom)) : NaN;
      const stt = threshold === null ? undefined : stepsToThreshold(eps, threshold, DEFAULT_WINDOW);
      const summary = run.summary;
      return {
        seed: Number(run.config['seed']),
        finalReturn: orNull(fr),
        auc: orNull(auc),
        stepsToThreshold: stt?.reached ? stt.step : null,
        stayedSolved: stt?.reached && threshold !== null ? orNull(stayedSolved(eps, threshold, DEFAULT_WINDOW).share) : null,
        episodes: eps.length,
        envSteps: summary?.envSteps ?? eps.at(-1)?.step ?? 0,
        seconds: summary?.seconds ?? null,
        backend: summary?.backend ?? null,
        runDir: basename(run.dir),
      };
    });
    const finals = perRun.map((r) => r.finalReturn ?? NaN);
    finalsOf.set(estimator, finals.filter((v) => Number.isFinite(v)));
    const reachedSteps = perRun.map((r) => r.stepsToThreshold).filter((s): s is number => s !== null);
    const stayed = perRun.map((r) => r.stayedSolved).filter((s): s is number => s !== null);
    rows.push({
      estimator,
      runs: runs.length,
      finalReturn: estimate(finals, iqm, seedOf('finalReturn', estimator)),
      auc: estimate(perRun.map((r) => r.auc ?? NaN), iqm, seedOf('auc', estimator)),
      stepsToThreshold:
        threshold === null
          ? null
          : { reached: reachedSteps.length, of: runs.length, median: reachedSteps.length > 0 ? estimate(reachedSteps, median, seedOf('stepsToThreshold', estimator)) : null },
      stability:
        threshold === null
          ? null
          : {
              finalAbove: perRun.filter((r) => r.finalReturn !== null && r.finalReturn >= threshold).length,
              of: runs.length,
              stayedSolved: stayed.length > 0 ? estimate(stayed, median, seedOf('stayedSolved', estimator)) : null,
            },
      perRun,
    });
  }
  const refFinals = finalsOf.get(reference) ?? [];
  const estimators: EstimatorStats[] = rows.map((row) => {
    const mine = finalsOf.get(row.estimator) ?? [];
    let poi: Estimate | null = null;
    if (row.estimator !== reference) {
      if (mine.length === 0 || refFinals.length === 0) poi = { point: null, lo: null, hi: null, n: mine.length };
      else {
        const ci = probabilityOfImprovementCI(mine, refFinals, { rng: Rng.fromSeed(seedOf(`probabilityOfImprovement:${reference}`, row.estimator)) });
        poi = { point: ci.point, lo: ci.lo, hi: ci.hi, n: mine.length };
      }
    }
    return { ...row, probabilityOfImprovement: poi };
  });
  const series = present.map((estimator) => {
    const band = iqmCurveWithBand(curvesOf.get(estimator)!, { rng: Rng.fromSeed(seedOf('curve', estimator)) });
    return {
      estimator,
      iqm: band.map((p) => orNull(p.iqm)),
      lo: band.map((p) => orNull(p.lo)),
      hi: band.map((p) => orNull(p.hi)),
      n: band.map((p) => p.n),
    };
  });
  return {
    env: config.env,
    folder: basename(folder.dir),
    hash,
    config,
    threshold,
    reference,
    method: {
      finalWindow: DEFAULT_WINDOW,
      thresholdWindow: DEFAULT_WINDOW,
      curveWindow: DEFAULT_WINDOW,
      gridPoints: grid.length,
      aucSteps,
      aggregate: 'IQM over seeds (25 % trimmed mean, as rliable)',
      stepsToThreshold: `first env step at which the mean of ${DEFAULT_WINDOW} consecutive episode returns reaches the threshold; median over the seeds that reached it, interval conditional on reaching`,
      stability: `seeds whose final return (mean of the last ${DEFAULT_WINDOW} episodes at the budget) is at or above the threshold; and, over the seeds that reached it, the median share of ${DEFAULT_WINDOW}-episode windows from the first solve on that stay at or above it`,
      probabilityOfImprovement: `P(X > ${reference}) on per-run final returns (Mann-Whitney U / (N K)), X and the reference resampled independently`,
      bootstrap: {
        reps: DEFAULT_REPS,
        confidence: DEFAULT_CONFIDENCE,
        interval: 'percentile',
        seed: "first 4 bytes (big-endian) of sha256('<hash>:<statistic>:<estimator>')",
      },
    },
    estimators,
    skipped: folder.skipped,
    curves: { grid: [...grid], series },
  };
}

/** A number for a table: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** Env steps with an SI suffix: 45200 → "45.2k", 1500000 → "1.5M". */
export function formatSteps(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((x / 1e3).toPrecision(3))}k`;
  return String(Math.round(x));
}

function withCi(e: Estimate | null, fmt: (x: number | null) => string = formatNumber): string {
  if (e === null || e.point === null) return '—';
  return `${fmt(e.point)} [${fmt(e.lo)}, ${fmt(e.hi)}]`;
}

/** The text of one estimator's steps-to-threshold cell. */
function thresholdCell(s: EstimatorStats['stepsToThreshold']): string {
  if (s === null) return 'no threshold';
  if (s.reached === 0 || s.median === null) return `not reached (0/${s.of})`;
  return `${withCi(s.median, formatSteps)} (${s.reached}/${s.of})`;
}

/** The text of one estimator's stability cell. */
function stabilityCell(s: EstimatorStats['stability']): string {
  if (s === null) return 'no threshold';
  const share = s.stayedSolved === null ? 'never solved' : withCi(s.stayedSolved, (x) => (x === null ? '—' : x.toFixed(2)));
  return `${s.finalAbove}/${s.of}; ${share}`;
}

/** The summary table's rows as strings, one per estimator; shared by the terminal and the HTML. */
export function summaryRows(stats: CompareStats): Record<string, string>[] {
  return stats.estimators.map((e) => ({
    estimator: e.estimator,
    runs: `${e.runs}/${stats.config.seeds}`,
    finalReturn: withCi(e.finalReturn),
    stepsToThreshold: thresholdCell(e.stepsToThreshold),
    stability: stabilityCell(e.stability),
    auc: withCi(e.auc),
    poi: e.probabilityOfImprovement === null ? 'reference' : withCi(e.probabilityOfImprovement, (x) => (x === null ? '—' : x.toFixed(2))),
  }));
}

/** The column headers of {@link summaryRows}. */
export function summaryColumns(stats: CompareStats): { key: string; label: string }[] {
  const pct = `${Math.round(stats.method.bootstrap.confidence * 100)} % CI`;
  return [
    { key: 'estimator', label: 'estimator' },
    { key: 'runs', label: 'runs' },
    { key: 'finalReturn', label: `final return (IQM [${pct}])` },
    { key: 'stepsToThreshold', label: stats.threshold === null ? 'steps to threshold' : `steps to ${formatNumber(stats.threshold)} (median of reached [${pct}] (k/N))` },
    { key: 'stability', label: stats.threshold === null ? 'stays solved' : `final ≥ ${formatNumber(stats.threshold)} (k/N); stays solved (median share [${pct}])` },
    { key: 'auc', label: `AUC (IQM [${pct}])` },
    { key: 'poi', label: `P(X > ${stats.reference}) [${pct}]` },
  ];
}

/** The summary as a plain-text table for the terminal. */
export function formatStatsTable(stats: CompareStats): string {
  const columns = summaryColumns(stats);
  const rows = summaryRows(stats);
  const width = columns.map((c) => Math.max(c.label.length, ...rows.map((r) => r[c.key]!.length)));
  const line = (cells: string[]): string => cells.map((c, j) => c.padEnd(width[j]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.label)), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c.key]!)))].join('\n');
}

/** The files `writeCompareReport` writes. */
export interface CompareReportFiles {
  readonly curvesSvg: string;
  readonly curvesPng: string;
  readonly stats: string;
  readonly report: string;
}

/** What {@link writeCompareReport} returns. */
export interface CompareReport {
  readonly stats: CompareStats;
  readonly files: CompareReportFiles;
  /** {@link formatStatsTable} of the stats. */
  readonly table: string;
}

/** The learning-curve series drawn from the stats: points where every seed has data (or, failing that, any). */
function curveSeries(stats: CompareStats): CurveSeries[] {
  const grid = stats.curves.grid;
  return stats.curves.series.map((s) => {
    const runs = stats.estimators.find((e) => e.estimator === s.estimator)?.runs ?? 0;
    const at = (g: number) => ({ step: grid[g]!, center: s.iqm[g]!, lo: s.lo[g]!, hi: s.hi[g]!, n: s.n[g]! });
    const all = grid.map((_, g) => g).filter((g) => s.n[g]! > 0);
    const full = all.filter((g) => s.n[g] === runs);
    return { label: s.estimator, points: (full.length > 0 ? full : all).map(at) };
  });
}

/**
 * Reads a comparison folder and writes `curves.svg`, `curves.png`, `stats.json` and `report.html`
 * into it. The same folder always gives the same files (the bootstrap is seeded from the config).
 */
export async function writeCompareReport(dir: string): Promise<CompareReport> {
  const folder = readCompareFolder(dir);
  const stats = compareStats(folder);
  const { config } = stats;
  const seriesList = curveSeries(stats).filter((s) => s.points.length > 0);
  const maxRuns = Math.max(...stats.estimators.map((e) => e.runs));
  const subtitle = `${config.estimators.length} estimator${config.estimators.length === 1 ? '' : 's'} × ${config.seeds} seed${config.seeds === 1 ? '' : 's'} × ${formatSteps(config.steps)} env steps · ${config.numEnvs} envs · hidden ${config.hidden.length ? config.hidden.join('×') : 'none'} · ${config.optimizer} lr ${config.lr}`;
  const spec = learningCurveSpec(seriesList, {
    title: `${config.env}: learning curves`,
    subtitle,
    seeds: maxRuns,
    ...(stats.threshold === null ? {} : { threshold: { value: stats.threshold, label: `Reward threshold (${formatNumber(stats.threshold)})` } }),
  });
  const { svgPath, pngPath } = await writeChart(withStepDomain(spec, config.steps), join(dir, 'curves'));
  const statsPath = join(dir, 'stats.json');
  writeJsonAtomic(statsPath, stats);
  const svg = readFileSync(svgPath, 'utf8');
  const reportPath = join(dir, 'report.html');
  const html = htmlReport({
    title: `${config.env}: estimator comparison`,
    subtitle: `${basename(dir)} · ${subtitle}`,
    sections: reportSections(stats, svg),
  });
  writeTextAtomic(reportPath, html);
  return { stats, files: { curvesSvg: svgPath, curvesPng: pngPath, stats: statsPath, report: reportPath }, table: formatStatsTable(stats) };
}

/**
 * The chart with its x axis spanning 0..budget. learningCurveSpec lets the data set the x domain,
 * which then starts at the first grid step (budget/100) and ends on an odd tick: its labels came
 * out as 10k, 30k, …, 190k, with neither 0 nor the budget shown. learningCurveSpec has no option
 * for the domain, so it is set here on every x encoding of a step field.
 */
function withStepDomain(spec: TopLevelSpec, steps: number): TopLevelSpec {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = walk(v);
    const x = (o['encoding'] as { x?: { field?: unknown; scale?: object } } | undefined)?.x;
    if (x?.field === 'step') {
      out['encoding'] = { ...(out['encoding'] as object), x: { ...x, scale: { ...(x.scale ?? {}), domain: [0, steps] } } };
    }
    return out;
  };
  return walk(spec) as TopLevelSpec;
}

/** Writes a text file atomically (temp file, then rename), as `writeJsonAtomic`. */
function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function reportSections(stats: CompareStats, svg: string): ReportSection[] {
  const pct = `${Math.round(stats.method.bootstrap.confidence * 100)} %`;
  const runsTable = stats.estimators.flatMap((e) =>
    e.perRun.map((r) => ({
      estimator: e.estimator,
      seed: r.seed,
      finalReturn: r.finalReturn,
      auc: r.auc,
      stepsToThreshold: stats.threshold === null ? 'no threshold' : r.stepsToThreshold === null ? 'not reached' : formatSteps(r.stepsToThreshold),
      episodes: r.episodes,
      seconds: r.seconds === null ? null : Number(r.seconds.toFixed(1)),
      backend: r.backend,
      folder: r.runDir,
    })),
  );
  const thresholdText =
    stats.threshold === null
      ? `${stats.env} has no reward threshold, so there is no steps-to-threshold column.`
      : `Steps to threshold: the first env step at which the mean of ${stats.method.thresholdWindow} consecutive episode returns reaches ${formatNumber(stats.threshold)} (Gymnasium's "solved" rule). The cell gives the median over the k of N seeds that reached it, with a bootstrap interval over those k seeds, and "not reached" when none did.`;
  const aucText =
    stats.method.aucSteps === null
      ? 'AUC: undefined (some run never finished an episode).'
      : `AUC: the normalised area under each run's curve (its average height, in return units) from ${formatSteps(stats.method.aucSteps[0])} to ${formatSteps(stats.method.aucSteps[1])} env steps, where every run has finished an episode.`;
  return [
    {
      heading: 'Learning curves',
      blocks: [
        {
          kind: 'chart',
          svg,
          caption: `Episodic return (mean of the last ${stats.method.curveWindow} episodes) against env steps: IQM over seeds with a pointwise ${pct} stratified-bootstrap band.`,
        },
      ],
    },
    {
      heading: 'Summary',
      blocks: [
        { kind: 'table', columns: summaryColumns(stats), rows: summaryRows(stats), caption: `Per estimator, over its finished runs; intervals are ${pct} stratified-bootstrap percentile intervals.` },
        {
          kind: 'text',
          text: [
            `Final return: the mean return of each run's last ${stats.method.finalWindow} episodes; IQM over seeds.`,
            aucText,
            thresholdText,
            `P(X > ${stats.reference}): the probability that a run of X ends with a higher final return than a run of ${stats.reference} (0.5: neither is ahead).`,
            `Bootstrap: ${stats.method.bootstrap.reps} replicates, seeded from the config hash ${stats.hash.slice(0, 10)}, so the intervals are reproducible.`,
          ].join('\n\n'),
        },
      ],
    },
    {
      heading: 'Runs',
      blocks: [
        {
          kind: 'table',
          columns: [
            'estimator',
            'seed',
            { key: 'finalReturn', label: 'final return' },
            { key: 'auc', label: 'AUC' },
            { key: 'stepsToThreshold', label: 'steps to threshold' },
            'episodes',
            { key: 'seconds', label: 'seconds' },
            'backend',
            'folder',
          ],
          rows: runsTable,
        },
        ...(stats.skipped.length === 0
          ? []
          : [{ kind: 'text' as const, text: `Not included (no finished run): ${stats.skipped.map((s) => `${s.estimator} seed ${s.seed} (${s.reason})`).join(', ')}.` }]),
      ],
    },
  ];
}

/** What {@link writeRunPlot} returns. */
export interface RunPlot {
  readonly curveSvg: string;
  readonly curvePng: string;
  readonly episodes: number;
}

/**
 * Reads a run folder and writes `curve.svg` and `curve.png` into it: every episode's return against
 * env steps, with a moving average, and the env's reward threshold when it has one.
 */
export async function writeRunPlot(dir: string): Promise<RunPlot> {
  const run = readRunFolder(dir);
  if (run.episodes.length === 0) throw new RunFolderError(`${join(dir, 'episodes.csv')}: no finished episode to plot`);
  const env = typeof run.config['env'] === 'string' ? run.config['env'] : undefined;
  const threshold = env !== undefined && isRegistered(env) ? envSpec(env).rewardThreshold : undefined;
  const parts = [env, run.config['estimator'], run.config['seed'] === undefined ? undefined : `seed ${String(run.config['seed'])}`, run.summary ? `${formatSteps(run.summary.envSteps)} env steps, ${run.summary.status}` : 'unfinished'];
  const spec = runCurveSpec(
    run.episodes.map((e) => ({ step: e.globalStep, value: e.return })),
    {
      title: basename(dir),
      subtitle: parts.filter((p) => p !== undefined).join(' · '),
      ...(threshold === undefined ? {} : { threshold: { value: threshold, label: `Reward threshold (${formatNumber(threshold)})` } }),
    },
  );
  const { svgPath, pngPath } = await writeChart(spec, join(dir, 'curve'));
  return { curveSvg: svgPath, curvePng: pngPath, episodes: run.episodes.length };
}

/** What {@link plotFolder} did with one folder. */
export type PlotResult = ({ readonly kind: 'run'; readonly dir: string } & RunPlot) | ({ readonly kind: 'compare'; readonly dir: string } & CompareReport);

/**
 * Redraws a run folder ({@link writeRunPlot}) or a comparison folder ({@link writeCompareReport})
 * from its files alone; anything else is a {@link RunFolderError}.
 */
export async function plotFolder(dir: string): Promise<PlotResult> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFolderError(`${dir}: no such folder`);
  if (isCompareFolder(dir)) return { kind: 'compare', dir, ...(await writeCompareReport(dir)) };
  if (isRunFolder(dir)) return { kind: 'run', dir, ...(await writeRunPlot(dir)) };
  throw new RunFolderError(`${dir} has no runs: it is neither a run folder (no config.json, episodes.csv) nor a compare folder (no ${COMPARE_FILE})`);
}
