/**
 * The live view's state, aggregated on the server: per run, its learning curve on the grid of
 * `report.ts` (the mean of the last 100 returns at each of 100 evenly spaced env steps) built one
 * episode at a time, and per estimator the IQM across seeds with a 95 % stratified-bootstrap band
 * at each grid point (`iqmCurveWithBand` of `src/stats`), plus the run table and, once the work has
 * ended, the statistics table of `report.html` (`summaryColumns`/`summaryRows` of `stats.json`).
 *
 * ## The live curve
 * A grid point g is *settled* once an episode ending after `grid[g]` has arrived (or the run has
 * finished): from then on its value is exactly `resampleToGrid`'s, because episodes arrive in step
 * order. Only settled points are drawn, so a run's curve lags its progress by at most one grid
 * spacing (1 % of the budget), and a drawn point never moves. The band at a grid point is
 * recomputed only when the set of seeds with a settled value there changes, so the bootstrap
 * costs at most `seeds` recomputations per point over a whole comparison, each of
 * {@link LIVE_REPS} replicates (the report's 2000 would cost 4× as much for a band that
 * `stats.json` replaces at the end). Each point's bootstrap
 * has its own seed, {@link bootstrapSeed}(hash, `live-curve:<g>`, estimator), so the same data
 * always gives the same band. With one seed at a point the band is that seed's value (every
 * replicate is), so only points with two or more seeds are bootstrapped, and at most
 * `bandBudgetMs` of that per snapshot: points left over keep their previous band, over the seeds
 * they had then, and are redone at the next snapshot ({@link LiveModel.stalePoints}).
 *
 * What the live band covers: the seeds with data at that step, running ones included, so early
 * in a comparison a point may rest on one seed (zero width, shown with its `n`). When the work has
 * ended, the curves are replaced by those of `stats.json` (finished runs only, as `curves.svg`).
 *
 * Memory is O(grid + window) per run: no episode is kept.
 * @module
 */
import { Rng } from '../core/rng.js';
import { commonGrid, DEFAULT_WINDOW, iqmCurveWithBand } from '../stats/index.js';
import { WindowMean } from '../stream/window-mean.js';
import type { TopLevelSpec } from 'vega-lite';
import { liveChartSpec } from './chart.js';
import { bootstrapSeed, GRID_POINTS, summaryColumns, summaryRows, type CompareStats } from '../train/report.js';

/** Bootstrap replicates of the live band (the report's curves use 2000). */
export const LIVE_REPS = 500;

/** What is being shown: a comparison folder or one run folder. */
export interface LiveMeta {
  /** `compare` for a comparison folder, `run` for one run folder. */
  readonly kind: 'compare' | 'run';
  /** The folder's name. */
  readonly folder: string;
  /** Registered env id. */
  readonly env: string;
  /** Estimators in chart order (the first is the reference of a comparison). */
  readonly estimators: readonly string[];
  /** Seeds of each estimator. */
  readonly seeds: readonly number[];
  /** Env steps per run. */
  readonly steps: number;
  /** The env's reward threshold, or null. */
  readonly threshold: number | null;
  /**
   * The exact optimal return and its label (`optimumLine` of `src/optimum/report.ts`: the mean over
   * the seeds of their optima, under the runs' step limit and env kwargs), drawn as a second dashed
   * line; absent when the env has no exact optimum.
   */
  readonly optimum?: { readonly value: number; readonly label: string };
  /** Config hash (seeds the live bootstrap); for a run folder, its name. */
  readonly hash: string;
  /** One line describing the config. */
  readonly subtitle: string;
}

/** A run's status in the table. `stalled`: running, but its files have not changed for a minute. */
export type LiveRunStatus = 'pending' | 'running' | 'stalled' | 'finished' | 'interrupted' | 'failed';

/** Where the work is. */
export type LivePhase = 'waiting' | 'training' | 'report' | 'done' | 'interrupted' | 'failed';

/** One row of the run table. */
export interface LiveRunRow {
  readonly estimator: string;
  readonly seed: number;
  readonly status: LiveRunStatus;
  /** Env steps so far (of the last finished episode while running). */
  readonly steps: number;
  /** Env steps per run. */
  readonly total: number;
  readonly episodes: number;
  /** Mean return of the last 100 episodes (fewer at first); null before the first episode. */
  readonly mean100: number | null;
  /** Env steps per second of the run so far; null before the first episode. */
  readonly stepsPerSecond: number | null;
}

/** One estimator's curve: `[step, iqm, lo, hi, n]` per drawn grid point. */
export interface LiveSeries {
  readonly estimator: string;
  readonly points: readonly (readonly [number, number, number, number, number])[];
}

/** The statistics table of `report.html`, from `stats.json`. */
export interface LiveStatsTable {
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly caption: string;
}

/** Everything the page shows, sent whole on every update (a few tens of kB). */
export interface LiveState {
  /** Increases with every change. */
  readonly version: number;
  readonly phase: LivePhase;
  /** Why the work failed, or what is being waited for. */
  readonly message: string | null;
  readonly meta: LiveMeta | null;
  /** The vega-lite spec of the chart (its data, `curves`, filled by the page from `curves`). */
  readonly chart: TopLevelSpec | null;
  readonly curves: { readonly final: boolean; readonly series: readonly LiveSeries[] };
  readonly runs: readonly LiveRunRow[];
  readonly totals: { readonly steps: number; readonly total: number; readonly runsDone: number; readonly runs: number };
  readonly stats: LiveStatsTable | null;
  /** Files of the folder the page may link to (served under `/files/`). */
  readonly files: readonly string[];
}

/** One episode as `episodes.csv` records it. */
export interface LiveEpisode {
  readonly step: number;
  readonly return: number;
  readonly wallSeconds: number;
}

/** A run's incremental curve: see the module doc. */
export class RunCurve {
  /** The curve on the grid; NaN where unsettled or where no episode had ended. */
  readonly values: Float64Array;
  /** Grid points settled so far, from the start. */
  settled = 0;
  private readonly recent: WindowMean;
  private mean = NaN;
  /** Episodes seen. */
  episodes = 0;
  /** Env step of the last episode. */
  lastStep = 0;
  /** Wall-clock seconds of the last episode. */
  lastWall = 0;

  constructor(
    private readonly grid: Float64Array<ArrayBufferLike>,
    window: number = DEFAULT_WINDOW,
  ) {
    this.values = new Float64Array(grid.length).fill(NaN);
    this.recent = new WindowMean(window);
  }

  /** Adds one episode; episodes must come in step order. */
  push(e: LiveEpisode): void {
    while (this.settled < this.grid.length && this.grid[this.settled]! < e.step) this.values[this.settled++] = this.mean;
    this.mean = this.recent.push(e.return);
    this.episodes += 1;
    this.lastStep = e.step;
    this.lastWall = e.wallSeconds;
  }

  /** The run is over: every remaining grid point takes the final mean. */
  finish(): void {
    while (this.settled < this.grid.length) this.values[this.settled++] = this.mean;
  }

  /** Mean of the last `window` returns, or null before the first episode. */
  get recentMean(): number | null {
    return this.episodes === 0 ? null : this.mean;
  }
}

interface Track {
  readonly estimator: string;
  readonly seed: number;
  curve: RunCurve;
  status: LiveRunStatus;
  /** From `summary.json`, once there. */
  summarySteps: number | undefined;
  summaryRate: number | undefined;
  /** Bumped when the run restarts from a new folder. */
  epoch: number;
}

interface BandCache {
  /** Per grid point, the signature of the seeds that made the cached value. */
  readonly sig: string[];
  readonly iqm: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly n: Int32Array;
}

/** Options of {@link LiveModel}. */
export interface LiveModelOptions {
  /**
   * Bootstrap replicates of the live band. Fewer than the report's 2000: every grid point is
   * recomputed once per seed that reaches it, so the live band's cost grows with seeds × grid ×
   * estimators × replicates, and it is only shown until `stats.json` (2000) replaces it. @default 500
   */
  readonly reps?: number;
  /**
   * Wall-clock milliseconds of bootstrap work per snapshot (at least one point is always done); grid points left over keep their
   * previous band (over the seeds they had then) until a later snapshot. Bounds the server's
   * share of the CPU while many points settle at once. @default 4
   */
  readonly bandBudgetMs?: number;
}

/** The live state of one folder; fed by a folder watcher, read by the server. See the module doc. */
export class LiveModel {
  private readonly bandBudgetMs: number;
  private bandDeadline = Infinity;
  private bootstrapped = 0;
  /** Grid points whose band is out of date after the last snapshot (0: all current). */
  stalePoints = 0;

  private readonly reps: number;

  constructor(options: LiveModelOptions = {}) {
    this.bandBudgetMs = options.bandBudgetMs ?? 4;
    this.reps = options.reps ?? LIVE_REPS;
  }

  private metaValue: LiveMeta | null = null;
  private grid: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private readonly tracks = new Map<string, Track>();
  private readonly bands = new Map<string, BandCache>();
  private phaseValue: LivePhase = 'waiting';
  private messageValue: string | null = null;
  private statsValue: CompareStats | null = null;
  private filesValue: readonly string[] = [];
  private versionValue = 0;
  private chartValue: TopLevelSpec | undefined;

  /** Increases with every change. */
  get version(): number {
    return this.versionValue;
  }

  /** What is shown, once known. */
  get meta(): LiveMeta | null {
    return this.metaValue;
  }

  /** Where the work is. */
  get phase(): LivePhase {
    return this.phaseValue;
  }

  private touch(): void {
    this.versionValue += 1;
  }

  /** Sets what is shown; the grid is `report.ts`'s (100 points over the budget). Resets every run. */
  setMeta(meta: LiveMeta): void {
    this.metaValue = meta;
    this.chartValue = undefined;
    this.grid = commonGrid(meta.steps, Math.min(GRID_POINTS, meta.steps));
    this.tracks.clear();
    this.bands.clear();
    for (const estimator of meta.estimators) for (const seed of meta.seeds) this.tracks.set(key(estimator, seed), this.newTrack(estimator, seed, 0));
    if (this.phaseValue === 'waiting') this.phaseValue = 'training';
    this.touch();
  }

  private newTrack(estimator: string, seed: number, epoch: number): Track {
    return { estimator, seed, curve: new RunCurve(this.grid), status: 'pending', summarySteps: undefined, summaryRate: undefined, epoch };
  }

  private track(estimator: string, seed: number): Track {
    const t = this.tracks.get(key(estimator, seed));
    if (!t) throw new RangeError(`LiveModel: no run ${estimator} seed ${seed} in ${this.metaValue?.folder ?? '(no folder yet)'}`);
    return t;
  }

  /** The run starts over (a new run folder replaced the one being read). */
  resetRun(estimator: string, seed: number): void {
    const t = this.track(estimator, seed);
    this.tracks.set(key(estimator, seed), this.newTrack(estimator, seed, t.epoch + 1));
    this.touch();
  }

  /** Episodes of a run, in step order, as they were recorded. */
  addEpisodes(estimator: string, seed: number, episodes: readonly LiveEpisode[]): void {
    if (episodes.length === 0) return;
    const t = this.track(estimator, seed);
    for (const e of episodes) t.curve.push(e);
    if (t.status === 'pending' || t.status === 'stalled') t.status = 'running';
    this.touch();
  }

  /** A run's status changed; `finished` and `interrupted` settle its curve. */
  setRunStatus(estimator: string, seed: number, status: LiveRunStatus, summary?: { readonly envSteps: number; readonly stepsPerSecond: number }): void {
    const t = this.track(estimator, seed);
    if (t.status === status && summary === undefined) return;
    t.status = status;
    if (summary) {
      t.summarySteps = summary.envSteps;
      t.summaryRate = summary.stepsPerSecond;
    }
    if (status === 'finished' || status === 'interrupted') t.curve.finish();
    this.touch();
  }

  /** The status of a run. */
  runStatus(estimator: string, seed: number): LiveRunStatus {
    return this.track(estimator, seed).status;
  }

  /** Where the work is, and why (for `failed`, or what `waiting` waits for). */
  setPhase(phase: LivePhase, message: string | null = null): void {
    if (this.phaseValue === phase && this.messageValue === message) return;
    this.phaseValue = phase;
    this.messageValue = message;
    this.touch();
  }

  /** The comparison's final statistics (`stats.json`), or null to drop them. */
  setStats(stats: CompareStats | null): void {
    this.statsValue = stats;
    this.touch();
  }

  /** The folder's files the page may link to. */
  setFiles(files: readonly string[]): void {
    if (files.length === this.filesValue.length && files.every((f, i) => f === this.filesValue[i])) return;
    this.filesValue = [...files];
    this.touch();
  }

  /** The band of one estimator over its runs' settled points, recomputing only what changed. */
  private band(estimator: string): BandCache {
    const g0 = this.grid.length;
    let cache = this.bands.get(estimator);
    if (!cache) {
      cache = { sig: new Array<string>(g0).fill(''), iqm: new Float64Array(g0).fill(NaN), lo: new Float64Array(g0).fill(NaN), hi: new Float64Array(g0).fill(NaN), n: new Int32Array(g0) };
      this.bands.set(estimator, cache);
    }
    const runs = (this.metaValue?.seeds ?? []).map((s) => this.tracks.get(key(estimator, s))!);
    for (let g = 0; g < g0; g++) {
      const with_ = runs.filter((t) => g < t.curve.settled && Number.isFinite(t.curve.values[g]!));
      const sig = with_.map((t) => `${t.seed}.${t.epoch}`).join(',');
      if (sig === cache.sig[g]) continue;
      if (with_.length > 1 && this.bootstrapped > 0 && performance.now() > this.bandDeadline) {
        this.stalePoints += 1;
        continue;
      }
      if (with_.length > 1) this.bootstrapped += 1;
      cache.sig[g] = sig;
      cache.n[g] = with_.length;
      if (with_.length === 0) {
        cache.iqm[g] = cache.lo[g] = cache.hi[g] = NaN;
        continue;
      }
      if (with_.length === 1) {
        // One seed: every bootstrap replicate is that seed's value, so the band is the value itself.
        cache.iqm[g] = cache.lo[g] = cache.hi[g] = with_[0]!.curve.values[g]!;
        continue;
      }
      const seed = bootstrapSeed(this.metaValue!.hash, `live-curve:${g}`, estimator);
      const [p] = iqmCurveWithBand(
        with_.map((t) => [t.curve.values[g]!]),
        { rng: Rng.fromSeed(seed), reps: this.reps },
      );
      cache.iqm[g] = p!.iqm;
      cache.lo[g] = p!.lo;
      cache.hi[g] = p!.hi;
    }
    return cache;
  }

  private liveSeries(): LiveSeries[] {
    const meta = this.metaValue;
    if (!meta) return [];
    this.stalePoints = 0;
    this.bootstrapped = 0;
    this.bandDeadline = performance.now() + this.bandBudgetMs;
    return meta.estimators.map((estimator) => {
      const b = this.band(estimator);
      const points: [number, number, number, number, number][] = [];
      for (let g = 0; g < this.grid.length; g++) if (b.n[g]! > 0) points.push([this.grid[g]!, b.iqm[g]!, b.lo[g]!, b.hi[g]!, b.n[g]!]);
      return { estimator, points };
    });
  }

  /**
   * Brings the live bands up to date (within the budget) without building a snapshot, so that a
   * page that connects later finds them computed; the server calls it while no page is connected.
   */
  refreshBands(): void {
    if (this.statsValue === null || this.phaseValue !== 'done') this.liveSeries();
  }

  /** The curves of `stats.json`, drawn as `curves.svg` draws them (points where every seed has data, else any). */
  private finalSeries(stats: CompareStats): LiveSeries[] {
    const grid = stats.curves.grid;
    return stats.curves.series.map((s) => {
      const runs = stats.estimators.find((e) => e.estimator === s.estimator)?.runs ?? 0;
      const all = grid.map((_, g) => g).filter((g) => s.n[g]! > 0 && s.iqm[g] !== null);
      const full = all.filter((g) => s.n[g] === runs);
      return { estimator: s.estimator, points: (full.length > 0 ? full : all).map((g) => [grid[g]!, s.iqm[g]!, s.lo[g]!, s.hi[g]!, s.n[g]!] as const) };
    });
  }

  /** The whole state, for the page. */
  snapshot(): LiveState {
    // Bands left over by the last snapshot's budget are computed now: that is a change.
    if (this.stalePoints > 0) this.touch();
    const meta = this.metaValue;
    const runs: LiveRunRow[] = [];
    let steps = 0;
    let runsDone = 0;
    if (meta) {
      for (const estimator of meta.estimators) {
        for (const seed of meta.seeds) {
          const t = this.tracks.get(key(estimator, seed))!;
          const c = t.curve;
          const done = t.status === 'finished';
          const s = done ? (t.summarySteps ?? meta.steps) : c.lastStep;
          steps += Math.min(s, meta.steps);
          if (done) runsDone += 1;
          const rate = t.summaryRate ?? (c.lastWall > 0 ? c.lastStep / c.lastWall : null);
          runs.push({ estimator, seed, status: t.status, steps: s, total: meta.steps, episodes: c.episodes, mean100: c.recentMean, stepsPerSecond: rate });
        }
      }
    }
    const stats = this.statsValue;
    const final = stats !== null && this.phaseValue === 'done';
    const pct = stats ? `${Math.round(stats.method.bootstrap.confidence * 100)} %` : '';
    return {
      version: this.versionValue,
      phase: this.phaseValue,
      message: this.messageValue,
      meta,
      chart: meta ? (this.chartValue ??= liveChartSpec(meta)) : null,
      curves: { final, series: final ? this.finalSeries(stats) : this.liveSeries() },
      runs,
      totals: { steps, total: meta ? meta.steps * runs.length : 0, runsDone, runs: runs.length },
      stats: final
        ? {
            columns: summaryColumns(stats),
            rows: summaryRows(stats),
            caption: `Per estimator, over its finished runs; intervals are ${pct} stratified-bootstrap percentile intervals (as report.html).`,
          }
        : null,
      files: this.filesValue,
    };
  }
}

function key(estimator: string, seed: number): string {
  return `${estimator}\u0000${seed}`;
}
