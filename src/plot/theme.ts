/**
 * The look shared by every chart: a colourblind-safe palette, font sizes that stay readable in a
 * 1200 px PNG, and the vega-lite `config` block that applies them.
 * @module
 */
import type { Config } from 'vega-lite';

/**
 * The Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), distinguishable under the
 * common forms of colour blindness. Reordered so that the first colours are the most contrasting
 * on white; yellow, the weakest on white, comes last.
 */
export const OKABE_ITO: readonly string[] = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
];

/**
 * The font stack written into every SVG. The first family that the viewer (a browser, or resvg for
 * the PNG) has wins; DejaVu Sans comes first because it covers the symbols used in axis titles
 * (ĝ, ‖, −, ²), which Arial and Helvetica do not all have.
 */
export const FONT_STACK = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/**
 * Default size of the plotting area in SVG pixels. With axes, titles and a legend on the right the
 * whole SVG stays just under 1200 px wide, so the 1200 px PNG is drawn at a scale of at least 1 and
 * no font ends up smaller than its size in {@link FONT_SIZE}.
 */
export const DEFAULT_SIZE = { width: 820, height: 460 } as const;

/**
 * Font sizes in SVG pixels. The PNG is rendered at 1200 px wide from an SVG that is at most about
 * 1200 px wide, so these are also lower bounds on the sizes in the PNG.
 */
export const FONT_SIZE = { label: 15, title: 16, chartTitle: 20, subtitle: 15 } as const;

/** The vega-lite `config` shared by every chart in this module. */
export function chartConfig(): Config {
  return {
    font: FONT_STACK,
    background: 'white',
    padding: 12,
    view: { stroke: null },
    title: {
      fontSize: FONT_SIZE.chartTitle,
      subtitleFontSize: FONT_SIZE.subtitle,
      subtitleColor: '#444',
      anchor: 'start',
      offset: 12,
      fontWeight: 'bold',
    },
    axis: {
      labelFontSize: FONT_SIZE.label,
      titleFontSize: FONT_SIZE.title,
      titleFontWeight: 'normal',
      titleColor: '#222',
      labelColor: '#333',
      titlePadding: 10,
      gridColor: '#e6e6e6',
      domainColor: '#888',
      tickColor: '#888',
      // Axis titles carry units and can be long; never truncate them with an ellipsis.
      titleLimit: 0,
    },
    legend: {
      labelFontSize: FONT_SIZE.label,
      titleFontSize: FONT_SIZE.title,
      titleFontWeight: 'normal',
      labelLimit: 320,
      symbolSize: 160,
      symbolStrokeWidth: 3,
      // Legend symbols show the series' colour at full strength, not the faint band or point opacity.
      symbolOpacity: 1,
      rowPadding: 6,
    },
    text: { fontSize: FONT_SIZE.label },
    range: { category: [...OKABE_ITO] },
  };
}

const THRESHOLD_COLOR = '#555';
const OPTIMUM_COLOR = '#111';

/**
 * A dashed horizontal rule at `t.value` with its label, for a reward threshold (`right` unset:
 * labelled above the left end, where learning curves are still low) or the exact optimum (`right`
 * given: darker, dashed finer, labelled at the right end, so the two labels do not overlap when
 * they are close; `right` is the plot's width in pixels, or `'width'` for vega-lite's width
 * signal when the width is the container's). The layers carry their own one-row data and no x
 * field, so they draw once rather than once per data row, and they share the y scale, so the value
 * is always inside the y domain. The label is drawn twice, a thick white outline as a halo and then
 * the text, so it stays legible where it crosses a curve or a band. Used by `curves.svg` and the
 * live page.
 */
export function ruleLayers(t: { readonly value: number; readonly label: string }, right?: number | 'width') {
  const data = { values: [{}] };
  const at = right !== undefined;
  const color = at ? OPTIMUM_COLOR : THRESHOLD_COLOR;
  return [
    {
      data,
      mark: { type: 'rule' as const, strokeDash: at ? [3, 3] : [8, 5], strokeWidth: 1.5, color },
      encoding: { y: { datum: t.value, type: 'quantitative' as const } },
    },
    ...[true, false].map((halo) => ({
      data,
      mark: {
        type: 'text' as const,
        align: at ? ('right' as const) : ('left' as const),
        baseline: 'bottom' as const,
        dx: at ? -6 : 6,
        dy: -5,
        color,
        ...(halo ? { stroke: 'white', strokeWidth: 4, strokeJoin: 'round' as const, strokeOpacity: 0.9 } : {}),
      },
      encoding: {
        y: { datum: t.value, type: 'quantitative' as const },
        x: { value: right ?? 0 },
        text: { value: t.label },
      },
    })),
  ];
}
