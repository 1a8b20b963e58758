/**
 * Charts and reports: vega-lite specs for learning curves and estimator diagnostics, rendering to
 * SVG and PNG, and a self-contained HTML report. Pure rendering from plain data: reading run
 * folders is the job of `train`/`cli`.
 * @module
 */
export { chartConfig, DEFAULT_SIZE, FONT_SIZE, FONT_STACK, OKABE_ITO } from './theme.js';
export { chartFonts, type ChartFonts } from './fonts.js';
export { renderVegaLite, writeChart, type RenderedChart, type RenderOptions, type WrittenChart } from './render.js';
export {
  learningCurveSpec,
  runCurveSpec,
  STEPS_TITLE,
  type CurvePoint,
  type CurveSeries,
  type LearningCurveOptions,
  type RunCurveOptions,
  type RunPoint,
  type Threshold,
} from './learning-curves.js';
export { BIAS_TITLE, diagnoseSpec, SNR_TITLE, UNITS_TITLE, type DiagnoseOptions, type DiagnoseRow } from './diagnose.js';
export {
  escapeHtml,
  htmlReport,
  type CellValue,
  type ChartBlock,
  type ReportBlock,
  type ReportColumn,
  type ReportInput,
  type ReportSection,
  type TableBlock,
  type TextBlock,
} from './report.js';
