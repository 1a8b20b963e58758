/**
 * The statistics of a comparison folder (`stats.json` and the terminal table), computed from its
 * files alone, so that `rewardcast plot` recomputes exactly what `compare` wrote. Reading the
 * folders is `./folders.ts` (re-exported here); drawing the charts and `report.html` is
 * `src/plot/compare-report.ts`.
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
import { basename } from 'node:path';
import { Rng } from '../core/rng.js';
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
import type { CompareFolder } from './folders.js';
import type { EpisodeRow } from './run-folder.js';
import type { NormalizedCompareConfig } from './schemas.js';
import { optimumStats, runRegret, type OptimumStats } from '../optimum/report.js';
import { seriesOf } from './grid.js';

export * from './folders.js';

/** Grid points of the aggregated curves and of the area under the curve. */
export const GRID_POINTS = 100;

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
  /** This seed's exact optimum minus the final return (`src/optimum/report.ts`); null without an optimum. */
  readonly regretToOptimal: number | null;
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
  /** IQM over seeds of the regret to optimal, with its interval; null when the env has no exact optimum. */
  readonly regretToOptimal: Estimate | null;
  readonly perRun: readonly RunStats[];
}

/** `stats.json`. */
export interface CompareStats {
  readonly env: string;
  /** The comparison folder's name (paths in this file are relative to it, so it can be moved). */
  readonly folder: string;
  readonly hash: string;
  readonly config: NormalizedCompareConfig;
  /** The env's reward threshold, or null. */
  readonly threshold: number | null;
  /** The exact optimal return per seed and its mean (`src/optimum/report.ts`), or why there is none. */
  readonly optimum: OptimumStats;
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
  // In a sweep, each estimator at each grid point is one series (`./grid.ts`), named `<estimator>@<point>`.
  const seriesNames = seriesOf(config).map((s) => s.name);
  const present = seriesNames.filter((e) => (folder.runs.get(e)?.length ?? 0) > 0);
  const episodesOf = new Map(present.map((e) => [e, folder.runs.get(e)!.map((r) => toEpisodes(r.episodes))]));
  const curvesOf = new Map(present.map((e) => [e, episodesOf.get(e)!.map((eps) => resampleToGrid(eps, grid, DEFAULT_WINDOW))]));
  // The AUC is taken from the first grid step at which every run of every estimator has a value.
  let aucFrom = 0;
  for (const curves of curvesOf.values()) for (const c of curves) while (aucFrom < grid.length && Number.isNaN(c[aucFrom]!)) aucFrom++;
  const aucGrid = grid.subarray(aucFrom);
  const aucSteps: [number, number] | null = aucGrid.length > 0 ? [aucGrid[0]!, aucGrid[aucGrid.length - 1]!] : null;
  const reference = seriesNames[0]!;
  const optimum = optimumStats(config, Array.from({ length: config.seeds }, (_, i) => i + 1));
  const finalsOf = new Map<string, number[]>();
  const rows: Omit<EstimatorStats, 'probabilityOfImprovement'>[] = [];
  for (const estimator of seriesNames) {
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
        regretToOptimal: runRegret(optimum, Number(run.config['seed']), orNull(fr)),
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
      regretToOptimal: optimum.kind === 'exact' ? estimate(perRun.map((r) => r.regretToOptimal ?? NaN), iqm, seedOf('regretToOptimal', estimator)) : null,
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
    optimum,
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

/** An estimate with its interval, as the tables show it. */
export function withCi(e: Estimate | null, fmt: (x: number | null) => string = formatNumber): string {
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
    ...(e.regretToOptimal === null ? {} : { regret: withCi(e.regretToOptimal) }),
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
    ...(stats.optimum?.kind === 'exact' ? [{ key: 'regret', label: `regret to optimal ${formatNumber(stats.optimum.value)} (IQM [${pct}])` }] : []),
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
