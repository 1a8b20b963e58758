/**
 * Learning-curve charts: aggregated curves across seeds, one per estimator, and the raw curve of a
 * single run. The x axis always counts environment steps, never episodes.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, OKABE_ITO, ruleLayers } from './theme.js';
import { chartSize, finite, nonEmptyArray, nonEmptyString, positiveInt, show } from './validate.js';

/** One point of an aggregated learning curve. */
export interface CurvePoint {
  /** Environment steps taken so far (summed over vectorised copies). */
  readonly step: number;
  /** The point estimate across seeds, e.g. the IQM of the episodic returns. */
  readonly center: number;
  /** Lower end of the confidence interval. */
  readonly lo: number;
  /** Upper end of the confidence interval. */
  readonly hi: number;
  /** Number of seeds that contributed to this point, if known. */
  readonly n?: number;
}

/** One curve: a label (shown in the legend) and its points, in any order of `step`. */
export interface CurveSeries {
  /** Legend label, e.g. the estimator's name. */
  readonly label: string;
  /** The curve's points; steps must be distinct. */
  readonly points: readonly CurvePoint[];
}

/** A horizontal dashed line marking the return at which the task counts as solved. */
export interface Threshold {
  /** The return, in the units of the y axis. */
  readonly value: number;
  /**
   * Text written above the left end of the line.
   * @default `Threshold (${value})`
   */
  readonly label?: string;
}

/** Options for {@link learningCurveSpec}. */
export interface LearningCurveOptions {
  /**
   * Chart title, usually the environment id.
   * @default 'Learning curves'
   */
  readonly title?: string;
  /** Optional second title line, e.g. the budget or the network. */
  readonly subtitle?: string;
  /**
   * x-axis title.
   * @default 'Environment steps'
   */
  readonly xTitle?: string;
  /**
   * y-axis title; `\n` breaks it into lines.
   * @default 'Episodic return\n(IQM over N seeds, 95 % stratified-bootstrap CI)', N from `seeds`,
   * else from the largest `n` among the points, else "across seeds".
   */
  readonly yTitle?: string;
  /** Number of seeds, for the default y-axis title. */
  readonly seeds?: number;
  /** Reward threshold to draw as a dashed horizontal line. */
  readonly threshold?: Threshold;
  /** The exact optimal return (`src/optimum/`), drawn as a second dashed line, labelled at the right. */
  readonly optimum?: Threshold;
  /**
   * Width of the plotting area in SVG pixels.
   * @default 820
   */
  readonly width?: number;
  /**
   * Height of the plotting area in SVG pixels.
   * @default 460
   */
  readonly height?: number;
}

/** One episode's return in a single run. */
export interface RunPoint {
  /** Environment steps taken when the episode ended. */
  readonly step: number;
  /** The episode's return. */
  readonly value: number;
}

/** Options for {@link runCurveSpec}. */
export interface RunCurveOptions {
  /**
   * Chart title, e.g. the run name.
   * @default 'Training run'
   */
  readonly title?: string;
  /** Optional second title line. */
  readonly subtitle?: string;
  /**
   * x-axis title.
   * @default 'Environment steps'
   */
  readonly xTitle?: string;
  /**
   * y-axis title; `\n` breaks it into lines.
   * @default 'Episodic return'
   */
  readonly yTitle?: string;
  /**
   * Number of most recent episodes averaged by the moving-average line.
   * @default 20
   */
  readonly window?: number;
  /** Reward threshold to draw as a dashed horizontal line. */
  readonly threshold?: Threshold;
  /** The exact optimal return (`src/optimum/`), drawn as a second dashed line, labelled at the right. */
  readonly optimum?: Threshold;
  /**
   * Width of the plotting area in SVG pixels.
   * @default 1040
   */
  readonly width?: number;
  /**
   * Height of the plotting area in SVG pixels.
   * @default 500
   */
  readonly height?: number;
}

/** The default x-axis title of every learning curve. */
export const STEPS_TITLE = 'Environment steps';

/**
 * The x axis of step counts: SI prefixes without trailing zeros (50000 → "50k", 1.5e6 → "1.5M"),
 * each label formatted on its own (an axis-wide `format` would print the origin as "0k").
 */
const STEPS_AXIS = { labelExpr: "datum.value === 0 ? '0' : format(datum.value, '~s')" } as const;


function checkThreshold(fn: string, t: Threshold | undefined): { value: number; label: string } | undefined {
  if (t === undefined) return undefined;
  const value = finite(fn, 'options.threshold.value', t.value);
  const label = t.label === undefined ? `Threshold (${value})` : nonEmptyString(fn, 'options.threshold.label', t.label);
  return { value, label };
}

/** A title with `\n` line breaks as the list of lines vega-lite draws one under the other. */
function lines(text: string): string | string[] {
  return text.includes('\n') ? text.split('\n') : text;
}

function titleBlock(text: string, subtitle: string | undefined): { text: string; subtitle?: string } {
  return subtitle === undefined ? { text } : { text, subtitle };
}

/**
 * Builds a vega-lite spec of aggregated learning curves: one line per series (the point estimate,
 * e.g. the IQM across seeds) over a shaded band from `lo` to `hi` (e.g. a 95 % stratified-bootstrap
 * CI), coloured with the Okabe–Ito palette, with a legend titled "Estimator" and an optional dashed
 * reward threshold. Steps are labelled with SI prefixes (50k, 100k, 1M).
 *
 * @param series one entry per estimator, at most 8 (the palette's size), with distinct labels.
 * @throws TypeError/RangeError naming the offending argument, e.g.
 *   `learningCurveSpec: series must be non-empty, got []`.
 *
 * ## Example
 * ```ts
 * const spec = learningCurveSpec(
 *   [{ label: 'REINFORCE', points: [{ step: 50_000, center: 120, lo: 95, hi: 140 }] }],
 *   { title: 'CartPole-v1', seeds: 10, threshold: { value: 475, label: 'Solved (475)' } },
 * );
 * await writeChart(spec, 'out/cartpole');
 * ```
 */
export function learningCurveSpec(series: readonly CurveSeries[], options: LearningCurveOptions = {}): TopLevelSpec {
  const fn = 'learningCurveSpec';
  nonEmptyArray(fn, 'series', series);
  if (series.length > OKABE_ITO.length) {
    throw new RangeError(`${fn}: series must have at most ${OKABE_ITO.length} entries (one colourblind-safe colour each), got ${series.length}`);
  }
  const { width, height } = chartSize(fn, options);
  const threshold = checkThreshold(fn, options.threshold);
  const optimum = checkThreshold(fn, options.optimum);
  const labels: string[] = [];
  const rows: { estimator: string; step: number; center: number; lo: number; hi: number }[] = [];
  let maxN = 0;
  series.forEach((s, i) => {
    const label = nonEmptyString(fn, `series[${i}].label`, s?.label);
    if (labels.includes(label)) throw new Error(`${fn}: series labels must be distinct, got ${show(label)} twice`);
    labels.push(label);
    nonEmptyArray(fn, `series[${i}].points`, s.points);
    const steps = new Set<number>();
    s.points.forEach((p, j) => {
      const at = `series[${i}].points[${j}]`;
      const step = finite(fn, `${at}.step`, p?.step);
      if (step < 0) throw new RangeError(`${fn}: ${at}.step must be >= 0, got ${step}`);
      if (steps.has(step)) throw new Error(`${fn}: series[${i}].points must have distinct steps, got step ${step} twice`);
      steps.add(step);
      const center = finite(fn, `${at}.center`, p.center);
      const lo = finite(fn, `${at}.lo`, p.lo);
      const hi = finite(fn, `${at}.hi`, p.hi);
      if (lo > hi) throw new RangeError(`${fn}: ${at}.lo must be <= hi, got lo ${lo} > hi ${hi}`);
      if (p.n !== undefined) maxN = Math.max(maxN, positiveInt(fn, `${at}.n`, p.n));
      rows.push({ estimator: label, step, center, lo, hi });
    });
  });
  const single = series.filter((s) => s.points.length === 1).map((s) => s.label);
  const seeds = options.seeds === undefined ? maxN : positiveInt(fn, 'options.seeds', options.seeds);
  const over = seeds > 0 ? `over ${seeds} seed${seeds === 1 ? '' : 's'}` : 'across seeds';
  // Two lines: on one line the default title is longer than the plot is tall.
  const yTitle = lines(options.yTitle ?? `Episodic return\n(IQM ${over}, 95 % stratified-bootstrap CI)`);
  const xTitle = options.xTitle ?? STEPS_TITLE;
  // Identical in the band and the line layer, so vega-lite merges them into one legend.
  const color = {
    field: 'estimator',
    type: 'nominal' as const,
    title: 'Estimator',
    scale: { domain: labels, range: OKABE_ITO.slice(0, labels.length) },
    legend: { symbolType: 'stroke' },
  };
  const x = { field: 'step', type: 'quantitative' as const, title: xTitle, axis: STEPS_AXIS, scale: { nice: false } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options.title ?? 'Learning curves', options.subtitle),
    width,
    height,
    config: chartConfig(),
    layer: [
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'area', opacity: 0.18 },
            encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { field: 'hi' }, color },
          },
          {
            mark: { type: 'line', strokeWidth: 2.5 },
            encoding: { x, y: { field: 'center', type: 'quantitative', title: yTitle }, color },
          },
          // A line through one point draws nothing, so such series get a dot.
          ...(single.length === 0
            ? []
            : [
                {
                  transform: [{ filter: { field: 'estimator', oneOf: single } }],
                  mark: { type: 'point' as const, filled: true, size: 70, opacity: 1 },
                  encoding: { x, y: { field: 'center', type: 'quantitative' as const, title: yTitle }, color },
                },
              ]),
        ],
      },
      ...(threshold === undefined ? [] : ruleLayers(threshold)),
      ...(optimum === undefined ? [] : ruleLayers(optimum, width)),
    ],
  };
  return spec;
}

/** Trailing mean over the last `window` values (fewer at the start), in input order. */
function trailingMean(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}

/**
 * Builds a vega-lite spec of one training run: every episode's return as a faint point at the step
 * where the episode ended, and a trailing moving average over the last `window` episodes as a line.
 *
 * @param points one entry per finished episode, in any order; sorted by step here.
 * @throws TypeError/RangeError naming the offending argument, e.g.
 *   `runCurveSpec: points[3].value must be a finite number, got NaN`.
 *
 * ## Example
 * ```ts
 * const spec = runCurveSpec(episodes.map((e) => ({ step: e.step, value: e.return })), {
 *   title: 'CartPole-v1__reinforce__1', window: 50,
 * });
 * ```
 */
export function runCurveSpec(points: readonly RunPoint[], options: RunCurveOptions = {}): TopLevelSpec {
  const fn = 'runCurveSpec';
  nonEmptyArray(fn, 'points', points);
  // Wider than DEFAULT_SIZE: the legend sits above the plot, not beside it.
  const { width, height } = chartSize(fn, options, { width: 1040, height: 500 });
  const window = options.window === undefined ? 20 : positiveInt(fn, 'options.window', options.window);
  const threshold = checkThreshold(fn, options.threshold);
  const optimum = checkThreshold(fn, options.optimum);
  const sorted = points
    .map((p, i) => {
      const step = finite(fn, `points[${i}].step`, p?.step);
      if (step < 0) throw new RangeError(`${fn}: points[${i}].step must be >= 0, got ${step}`);
      return { step, value: finite(fn, `points[${i}].value`, p.value), i };
    })
    // Stable on ties: two episodes can end on the same step in a vectorised run.
    .sort((a, b) => a.step - b.step || a.i - b.i);
  const avg = trailingMean(
    sorted.map((p) => p.value),
    window,
  );
  const rows = sorted.map((p, k) => ({ step: p.step, value: p.value, movingAverage: avg[k]! }));
  const rawLabel = 'Episode return';
  const avgLabel = `Moving average (last ${window} episode${window === 1 ? '' : 's'})`;
  const colorScale = { domain: [rawLabel, avgLabel], range: [OKABE_ITO[0]!, OKABE_ITO[1]!] };
  // One legend above the plot; its symbols mimic the marks: a dot for episodes, a line for the average.
  const legend = {
    orient: 'top' as const,
    direction: 'horizontal' as const,
    symbolStrokeWidth: 3,
    encode: {
      symbols: {
        update: {
          shape: { signal: `datum.value === ${JSON.stringify(rawLabel)} ? 'circle' : 'stroke'` },
          stroke: { scale: 'color', field: 'value' },
          fill: { signal: `datum.value === ${JSON.stringify(rawLabel)} ? scale('color', datum.value) : 'transparent'` },
        },
      },
    },
  };
  const yTitle = lines(options.yTitle ?? 'Episodic return');
  const x = { field: 'step', type: 'quantitative' as const, title: options.xTitle ?? STEPS_TITLE, axis: STEPS_AXIS, scale: { nice: false } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleBlock(options.title ?? 'Training run', options.subtitle),
    width,
    height,
    config: chartConfig(),
    layer: [
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'circle', size: 22, opacity: 0.28 },
            encoding: {
              x,
              y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
              color: { datum: rawLabel, type: 'nominal', scale: colorScale, title: null, legend: legend },
            },
          },
          {
            mark: { type: 'line', strokeWidth: 2.5 },
            encoding: {
              x,
              y: { field: 'movingAverage', type: 'quantitative', title: yTitle },
              color: { datum: avgLabel, type: 'nominal', scale: colorScale, title: null, legend: legend },
            },
          },
        ],
      },
      ...(threshold === undefined ? [] : ruleLayers(threshold)),
      ...(optimum === undefined ? [] : ruleLayers(optimum, width)),
    ],
  };
  return spec;
}
