/**
 * The gradient-estimator diagnostics chart: how the per-parameter signal-to-noise ratio and the
 * relative bias of each estimator change with the number of stochastic binary units n.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, OKABE_ITO } from './theme.js';
import { chartSize, finite, nonEmptyArray, nonEmptyString, positiveInt, show } from './validate.js';

/** One estimator measured at one network size. */
export interface DiagnoseRow {
  /** Estimator name, shown in the legend. */
  readonly estimator: string;
  /** Number of stochastic binary units n. */
  readonly units: number;
  /** Per-parameter signal-to-noise ratio (E ĝ)² / Var ĝ, averaged over parameters; > 0. */
  readonly snr: number;
  /** Relative bias ‖E ĝ − g‖ / ‖g‖ against the exact gradient g; >= 0. */
  readonly relBias: number;
  /** Cosine between E ĝ and g (not plotted; kept for tables). */
  readonly cosine: number;
  /** Mean squared error E‖ĝ − g‖² (not plotted; kept for tables). */
  readonly mse: number;
}

/** Options for {@link diagnoseSpec}. */
export interface DiagnoseOptions {
  /**
   * Chart title.
   * @default 'Gradient-estimator diagnostics'
   */
  readonly title?: string;
  /** Optional second title line, e.g. the task and the number of samples. */
  readonly subtitle?: string;
  /**
   * Whether n is drawn on a log (base 2) scale.
   * @default true when the largest n is at least 8 times the smallest
   */
  readonly logUnits?: boolean;
  /**
   * Width of each of the two panels in SVG pixels.
   * @default 400
   */
  readonly width?: number;
  /**
   * Height of each panel in SVG pixels.
   * @default 340
   */
  readonly height?: number;
}

/** x-axis title of both panels. */
export const UNITS_TITLE = 'Number of stochastic binary units n';
/** y-axis title of the SNR panel. */
export const SNR_TITLE = 'Per-parameter SNR (E ĝ)² / Var ĝ';
/** y-axis title of the bias panel. */
export const BIAS_TITLE = 'Relative bias ‖E ĝ − g‖ / ‖g‖';

/**
 * Builds a vega-lite spec with two panels side by side, sharing one legend titled "Estimator":
 * per-parameter SNR against n on a log y axis, and relative bias against n. Each estimator is a
 * line with points, coloured with the Okabe–Ito palette and distinguished by point shape as well,
 * so the chart survives greyscale printing.
 *
 * @param rows one row per (estimator, n); at most 8 estimators; (estimator, n) pairs distinct.
 * @throws TypeError/RangeError naming the offending argument, e.g.
 *   `diagnoseSpec: rows[2].snr must be > 0 (it is drawn on a log scale), got 0`.
 *
 * ## Example
 * ```ts
 * const spec = diagnoseSpec([
 *   { estimator: 'REINFORCE', units: 16, snr: 0.02, relBias: 0.01, cosine: 0.99, mse: 3.1 },
 *   { estimator: 'straight-through', units: 16, snr: 1.4, relBias: 0.35, cosine: 0.87, mse: 0.9 },
 * ], { subtitle: '1000 samples per point' });
 * ```
 */
export function diagnoseSpec(rows: readonly DiagnoseRow[], options: DiagnoseOptions = {}): TopLevelSpec {
  const fn = 'diagnoseSpec';
  nonEmptyArray(fn, 'rows', rows);
  const { width, height } = chartSize(fn, options, { width: 400, height: 340 });
  const estimators: string[] = [];
  const seen = new Set<string>();
  const values = rows.map((r, i) => {
    const at = `rows[${i}]`;
    const estimator = nonEmptyString(fn, `${at}.estimator`, r?.estimator);
    const units = positiveInt(fn, `${at}.units`, r.units);
    const snr = finite(fn, `${at}.snr`, r.snr);
    if (snr <= 0) throw new RangeError(`${fn}: ${at}.snr must be > 0 (it is drawn on a log scale), got ${snr}`);
    const relBias = finite(fn, `${at}.relBias`, r.relBias);
    if (relBias < 0) throw new RangeError(`${fn}: ${at}.relBias must be >= 0, got ${relBias}`);
    finite(fn, `${at}.cosine`, r.cosine);
    finite(fn, `${at}.mse`, r.mse);
    const key = JSON.stringify([estimator, units]);
    if (seen.has(key)) throw new Error(`${fn}: rows must have distinct (estimator, units) pairs, got ${show(estimator)} at n = ${units} twice`);
    seen.add(key);
    if (!estimators.includes(estimator)) estimators.push(estimator);
    return { estimator, units, snr, relBias };
  });
  if (estimators.length > OKABE_ITO.length) {
    throw new RangeError(`${fn}: rows must name at most ${OKABE_ITO.length} estimators (one colourblind-safe colour each), got ${estimators.length}`);
  }
  const units = values.map((v) => v.units);
  const minN = Math.min(...units);
  const maxN = Math.max(...units);
  const logUnits = options.logUnits ?? maxN >= 8 * minN;
  const distinctN = [...new Set(units)].sort((a, b) => a - b);
  const x = {
    field: 'units',
    type: 'quantitative' as const,
    title: UNITS_TITLE,
    // A log axis gets a tick at each measured n (usually powers of two) rather than at 10^k.
    scale: logUnits ? { type: 'log' as const, base: 2, nice: false, padding: 14 } : { zero: false, padding: 14 },
    axis: logUnits && distinctN.length <= 12 ? { values: distinctN, format: 'd' } : { format: '~s' },
  };
  // Ticks and grid lines on the log SNR axis at powers of ten only, labelled 0.001, 0.01, ..., 10.
  const snrs = values.map((v) => v.snr);
  const lo = Math.floor(Math.log10(Math.min(...snrs)));
  const hi = Math.ceil(Math.log10(Math.max(...snrs)));
  const snrAxis = { values: Array.from({ length: hi - lo + 1 }, (_, k) => Number(`1e${lo + k}`)), format: '~g' };
  const color = {
    field: 'estimator',
    type: 'nominal' as const,
    title: 'Estimator',
    scale: { domain: estimators, range: OKABE_ITO.slice(0, estimators.length) },
  };
  const shape = {
    field: 'estimator',
    type: 'nominal' as const,
    title: 'Estimator',
    scale: { domain: estimators, range: ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-left', 'triangle-right'].slice(0, estimators.length) },
  };
  const panel = (field: 'snr' | 'relBias', title: string, yScale: { type: 'log' } | { zero: boolean }) => ({
    width,
    height,
    encoding: {
      x,
      y: { field, type: 'quantitative' as const, title, scale: yScale, axis: field === 'snr' ? snrAxis : { format: '~g' } },
      color,
    },
    layer: [
      { mark: { type: 'line' as const, strokeWidth: 2.5 } },
      { mark: { type: 'point' as const, filled: true, size: 90, opacity: 1 }, encoding: { shape } },
    ],
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? { text: options.title ?? 'Gradient-estimator diagnostics' } : { text: options.title ?? 'Gradient-estimator diagnostics', subtitle: options.subtitle },
    data: { values },
    spacing: 40,
    hconcat: [panel('snr', SNR_TITLE, { type: 'log' }), panel('relBias', BIAS_TITLE, { zero: true })],
    resolve: { scale: { color: 'shared', shape: 'shared', y: 'independent' }, legend: { color: 'shared', shape: 'shared' } },
    // One legend under both panels keeps the SVG under 1200 px wide (see DEFAULT_SIZE).
    config: { ...chartConfig(), legend: { ...chartConfig().legend, orient: 'bottom', direction: 'horizontal', columns: 4, symbolSize: 120 } },
  };
  return spec;
}
