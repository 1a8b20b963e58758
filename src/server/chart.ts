/**
 * The vega-lite spec of the live learning-curve chart: the look of `curves.svg`
 * (`src/plot/learning-curves.ts`, the shared theme and Okabe–Ito colours) with the data left as a
 * named dataset, `curves`, which the page replaces on every update without rebuilding the view.
 * Rows of `curves`: `{ estimator, step, iqm, lo, hi, n }`.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, OKABE_ITO } from '../plot/theme.js';
import { formatNumber } from '../train/report.js';
import type { LiveMeta } from './model.js';

/** The name of the dataset the page fills. */
export const CURVES_DATA = 'curves';

const THRESHOLD_COLOR = '#555';
/** The optimum's line: darker than the threshold's, as in `curves.svg`. */
const OPTIMUM_COLOR = '#222';

/**
 * A dashed horizontal rule at `value` with its label (twice: a white halo, then the text). The
 * threshold's is dashed 8/5 and labelled above its left end; the optimum's (`right`) is dashed
 * finer, darker and labelled above its right end, so that the two labels do not overlap when the
 * threshold is close to the optimum (the layout of `src/plot/learning-curves.ts`). The layers carry
 * one-row data, so they draw once, and share the y scale, so the line is always in the y domain.
 */
function ruleLayers(value: number, label: string, right: boolean) {
  const one = { values: [{}] };
  const color = right ? OPTIMUM_COLOR : THRESHOLD_COLOR;
  return [
    { data: one, mark: { type: 'rule' as const, strokeDash: right ? [3, 3] : [8, 5], strokeWidth: 1.5, color }, encoding: { y: { datum: value, type: 'quantitative' as const } } },
    ...[true, false].map((halo) => ({
      data: one,
      mark: {
        type: 'text' as const,
        align: right ? ('right' as const) : ('left' as const),
        baseline: 'bottom' as const,
        dx: right ? -6 : 6,
        dy: -5,
        color,
        ...(halo ? { stroke: 'white', strokeWidth: 4, strokeJoin: 'round' as const, strokeOpacity: 0.9 } : {}),
      },
      encoding: { y: { datum: value, type: 'quantitative' as const }, x: { value: right ? ('width' as const) : 0 }, text: { value: label } },
    })),
  ];
}

/**
 * The live chart of `meta`: IQM line and band per estimator against env steps, the threshold
 * dashed, and the exact optimum (`meta.optimum`, when the env has one) dashed finer beside it.
 */
export function liveChartSpec(meta: LiveMeta): TopLevelSpec {
  const single = meta.kind === 'run';
  const yTitle = single ? ['Episodic return', '(mean of the last 100 episodes)'] : ['Episodic return', '(IQM over seeds, 95 % bootstrap CI)'];
  const x = {
    field: 'step',
    type: 'quantitative' as const,
    title: 'Environment steps',
    axis: { labelExpr: "datum.value === 0 ? '0' : format(datum.value, '~s')", tickCount: 10, labelOverlap: 'parity' as const },
    scale: { domain: [0, meta.steps], nice: false },
  };
  const color = {
    field: 'estimator',
    type: 'nominal' as const,
    title: 'Estimator',
    scale: { domain: [...meta.estimators], range: OKABE_ITO.slice(0, meta.estimators.length) },
    legend: { symbolType: 'stroke', orient: 'top' as const, direction: 'horizontal' as const, title: null },
  };
  const y = { type: 'quantitative' as const, title: yTitle, scale: { zero: false } };
  const threshold = meta.threshold;
  const label = threshold === null ? '' : `Reward threshold (${formatNumber(threshold)})`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 440,
    autosize: { type: 'fit-x', contains: 'padding' },
    config: { ...chartConfig(), padding: { left: 4, right: 16, top: 8, bottom: 4 } },
    layer: [
      {
        data: { name: CURVES_DATA },
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
          { mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x, y: { ...y, field: 'iqm' }, color } },
          {
            mark: { type: 'point', filled: true, size: 60, opacity: 0 },
            encoding: {
              x,
              y: { ...y, field: 'iqm' },
              color,
              tooltip: [
                { field: 'estimator', type: 'nominal' },
                { field: 'step', type: 'quantitative', title: 'env steps', format: ',' },
                { field: 'iqm', type: 'quantitative', title: single ? 'mean return' : 'IQM', format: '.4~r' },
                { field: 'lo', type: 'quantitative', title: 'CI low', format: '.4~r' },
                { field: 'hi', type: 'quantitative', title: 'CI high', format: '.4~r' },
                { field: 'n', type: 'quantitative', title: 'seeds' },
              ],
            },
          },
        ],
      },
      ...(threshold === null ? [] : ruleLayers(threshold, label, false)),
      ...(meta.optimum === undefined ? [] : ruleLayers(meta.optimum.value, meta.optimum.label, true)),
    ],
  } as TopLevelSpec;
}
