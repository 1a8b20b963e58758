/**
 * The vega-lite spec of the live learning-curve chart: the look of `curves.svg`
 * (`src/plot/learning-curves.ts`, the shared theme and Okabe–Ito colours) with the data left as a
 * named dataset, `curves`, which the page replaces on every update without rebuilding the view.
 * Rows of `curves`: `{ estimator, step, iqm, lo, hi, n }`.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, OKABE_ITO, ruleLayers } from '../plot/theme.js';
import { formatNumber } from '../train/report.js';
import type { LiveMeta } from './model.js';

/** The name of the dataset the page fills. */
export const CURVES_DATA = 'curves';

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
      ...(threshold === null ? [] : ruleLayers({ value: threshold, label })),
      ...(meta.optimum === undefined ? [] : ruleLayers(meta.optimum, 'width')),
    ],
  } as TopLevelSpec;
}
