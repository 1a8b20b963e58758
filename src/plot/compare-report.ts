/**
 * Drawing a comparison or a run from its folder: `curves.svg`/`curves.png`, `stats.json` and
 * `report.html` of a comparison (the statistics of `src/train/report.ts`), `curve.svg`/`curve.png`
 * of a single run, and {@link plotFolder}, which `rewardcast plot` calls. Everything works from the
 * files alone (read by `src/train/folders.ts`), so `plot` redraws exactly what `compare` wrote.
 * @module
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { AGENT_DEFAULTS } from '../../agents/options.js';
import { isRegistered, spec as envSpec } from '../core/registry.js';
import { COMPARE_FILE, isCompareFolder, isRunFolder, readCompareFolder, readRunFolder, RunFolderError } from '../train/folders.js';
import { compareStats, formatNumber, formatStatsTable, formatSteps, summaryColumns, summaryRows, withCi, type CompareStats } from '../train/report.js';
import { chartedSeries, gridPoints, gridTable, seriesOf } from '../train/grid.js';
import { OKABE_ITO } from './theme.js';
import { writeJsonAtomic } from '../train/run-folder.js';
import { optimumLine, optimumStats, optimumText } from '../optimum/report.js';
import { learningCurveSpec, runCurveSpec, type CurveSeries } from './learning-curves.js';
import { writeChart } from './render.js';
import { htmlReport, type ReportSection } from './report.js';

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
  const shared = { ...AGENT_DEFAULTS, ...config.agent };
  const charted = new Set(chartedSeries(config, stats.estimators, OKABE_ITO.length));
  const seriesList = curveSeries(stats).filter((s) => s.points.length > 0 && charted.has(s.label));
  const maxRuns = Math.max(...stats.estimators.map((e) => e.runs));
  const subtitle = `${config.estimators.length} estimator${config.estimators.length === 1 ? '' : 's'} × ${config.grid?.length ? `${gridPoints(config.grid).length} grid points × ` : ''}${config.seeds} seed${config.seeds === 1 ? '' : 's'} × ${formatSteps(config.steps)} env steps · ${config.numEnvs} envs · hidden ${shared.hidden.length ? shared.hidden.join('×') : 'none'} · ${shared.optimizer} learning rate ${shared.learningRate}`;
  const spec = learningCurveSpec(seriesList, {
    title: `${config.env}: learning curves`,
    subtitle,
    seeds: maxRuns,
    ...(stats.threshold === null ? {} : { threshold: { value: stats.threshold, label: `Reward threshold (${formatNumber(stats.threshold)})` } }),
    ...((o) => (o ? { optimum: o } : {}))(optimumLine(stats.optimum)),
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
      regret: r.regretToOptimal,
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
            ...((t) => (t ? [t] : []))(optimumText(stats.optimum, stats.method.finalWindow)),
            `P(X > ${stats.reference}): the probability that a run of X ends with a higher final return than a run of ${stats.reference} (0.5: neither is ahead).`,
            `Bootstrap: ${stats.method.bootstrap.reps} replicates, seeded from the config hash ${stats.hash.slice(0, 10)}, so the intervals are reproducible.`,
          ].join('\n\n'),
        },
      ],
    },
    ...(stats.config.grid?.length
      ? [
          {
            heading: 'Grid',
            blocks: [
              {
                kind: 'table' as const,
                ...gridTable(stats.config, stats.estimators, (e) => withCi({ ...e, n: 0 })),
                caption: `Final return (IQM [${pct} CI]) of each estimator at each grid point; ★ marks each estimator's best point.${seriesOf(stats.config).length > OKABE_ITO.length ? " The chart shows each estimator's best point only." : ''}`,
              },
            ],
          },
        ]
      : []),
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
            ...(stats.optimum?.kind === 'exact' ? [{ key: 'regret', label: 'regret to optimal' }] : []),
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
      ...((o) => (o ? { optimum: o } : {}))(env === undefined ? undefined : optimumLine(optimumStats({ env, numEnvs: Number(run.config['numEnvs'] ?? 1), envKwargs: run.config['envKwargs'] as Record<string, unknown> | undefined }, [Number(run.config['seed'] ?? 1)]))),
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
