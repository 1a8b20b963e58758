/**
 * The diagnostics chart of the estimators since 2013 (RLOO, ARM, DisARM, HNCA, Weight
 * Maximization, node and weight perturbation): per network kind, the aggregated hidden-unit SNR
 * Σ(E ĝ)²/Σ Var ĝ and the relative bias ‖E ĝ − ∇J‖/‖∇J‖ against the number of units n, both on
 * log axes (the unbiased estimators sit at float64 rounding, the biased ones at 10⁻³–1).
 *
 * It reads what `rewardcast diagnose --json` prints (its `since2013` rows, `MomentRow` in
 * `src/estimators/exact-moments.ts`), or the `diagnose.json` of a diagnose folder, and nothing
 * else: `rewardcast diagnose-plot <file> --out docs/diagnose-since2013` draws it from the file.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../cli/errors.js';
import { writeChart, type WrittenChart } from './render.js';
import { chartConfig, OKABE_ITO } from './theme.js';
import { finite, nonEmptyString, positiveInt, show } from './validate.js';

/** One estimator on one network kind and size, as diagnose measures it. */
export interface Since2013Row {
  /** The estimator id. */
  readonly estimator: string;
  /** The network kind. */
  readonly network: 'one-layer' | 'two-layer';
  /** Units n. */
  readonly n: number;
  /** Aggregated hidden-unit SNR, > 0. */
  readonly snr: number;
  /** Mean relative bias over the random networks, ≥ 0. */
  readonly relBias: number;
}

/** Bias values below this are drawn at it (exact zeros cannot sit on a log axis). */
export const BIAS_FLOOR = 1e-17;
/** The dashed line of the bias panels: below it, a bias is float64 rounding. */
export const ROUNDING_LINE = 1e-12;

/**
 * The `since2013` rows of a parsed `diagnose --json` output (or the bare array of rows), checked
 * field by field.
 * @throws TypeError/RangeError naming the row and field, e.g. `since2013Rows: since2013[3].snr must be a finite number, got null`
 */
export function since2013Rows(json: unknown): Since2013Row[] {
  const fn = 'since2013Rows';
  const raw = Array.isArray(json) ? json : (json as { since2013?: unknown } | null)?.since2013;
  if (!Array.isArray(raw) || raw.length === 0) throw new TypeError(`${fn}: expected diagnose --json output with a non-empty 'since2013' array, got ${show(raw)}`);
  return raw.map((r: Record<string, unknown>, i) => {
    const at = `since2013[${i}]`;
    const network = r?.['network'];
    if (network !== 'one-layer' && network !== 'two-layer') throw new RangeError(`${fn}: ${at}.network must be 'one-layer' or 'two-layer', got ${show(network)}`);
    const snr = finite(fn, `${at}.snr`, r['snr']);
    if (snr <= 0) throw new RangeError(`${fn}: ${at}.snr must be > 0 (it is drawn on a log scale), got ${snr}`);
    const relBias = finite(fn, `${at}.relBias`, r['relBias']);
    if (relBias < 0) throw new RangeError(`${fn}: ${at}.relBias must be >= 0, got ${relBias}`);
    return { estimator: nonEmptyString(fn, `${at}.estimator`, r['estimator']), network, n: positiveInt(fn, `${at}.n`, r['n']), snr, relBias };
  });
}

/** Options of {@link since2013Spec}. */
export interface Since2013Options {
  /** Second title line, e.g. the diagnose command. */
  readonly subtitle?: string;
  /** Width of each panel in SVG pixels. @default 330 */
  readonly width?: number;
  /** Height of each panel in SVG pixels. @default 220 */
  readonly height?: number;
}

/**
 * A vega-lite spec: one row of two panels (SNR, bias) per network kind present, one shared legend.
 * At most 8 estimators (one Okabe–Ito colour and one point shape each).
 */
export function since2013Spec(rows: readonly Since2013Row[], options: Since2013Options = {}): TopLevelSpec {
  const fn = 'since2013Spec';
  if (rows.length === 0) throw new RangeError(`${fn}: rows must not be empty`);
  const width = options.width ?? 330;
  const height = options.height ?? 220;
  positiveInt(fn, 'options.width', width);
  positiveInt(fn, 'options.height', height);
  const estimators = [...new Set(rows.map((r) => r.estimator))];
  if (estimators.length > OKABE_ITO.length) throw new RangeError(`${fn}: rows must name at most ${OKABE_ITO.length} estimators, got ${estimators.length}`);
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.estimator}/${r.network}/${r.n}`;
    if (seen.has(key)) throw new RangeError(`${fn}: rows must have distinct (estimator, network, n), got ${key} twice`);
    seen.add(key);
  }
  const values = rows.map((r) => ({ estimator: r.estimator, network: r.network, n: r.n, snr: r.snr, bias: Math.max(BIAS_FLOOR, r.relBias) }));
  const ns = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  const color = { field: 'estimator', type: 'nominal' as const, title: 'Estimator', scale: { domain: estimators, range: OKABE_ITO.slice(0, estimators.length) } };
  const shape = {
    field: 'estimator',
    type: 'nominal' as const,
    title: 'Estimator',
    scale: { domain: estimators, range: ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-left', 'triangle-right'].slice(0, estimators.length) },
  };
  const x = { field: 'n', type: 'quantitative' as const, title: 'Units n', scale: { type: 'log' as const, base: 2, nice: false, padding: 12 }, axis: { values: ns, format: 'd' } };
  const decades = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, k) => Number(`1e${lo + k}`));
  const panel = (network: string, field: 'snr' | 'bias') => {
    const mine = values.filter((v) => v.network === network);
    const ys = mine.map((v) => v[field]);
    const lo = Math.floor(Math.log10(Math.min(...ys, field === 'bias' ? ROUNDING_LINE : Infinity)));
    const hi = Math.ceil(Math.log10(Math.max(...ys)));
    const step = hi - lo > 8 ? 3 : 1;
    const y = {
      field,
      type: 'quantitative' as const,
      title: field === 'snr' ? `${network}: hidden SNR` : `${network}: relative bias`,
      scale: { type: 'log' as const },
      axis: { values: decades(lo, hi).filter((_, k) => k % step === 0), format: '.0e' },
    };
    const layers: object[] = [
      { mark: { type: 'line' as const, strokeWidth: 2.2 }, encoding: { x, y, color } },
      { mark: { type: 'point' as const, filled: true, size: 70, opacity: 1 }, encoding: { x, y, color, shape } },
    ];
    if (field === 'bias') layers.unshift({ data: { values: [{ line: ROUNDING_LINE }] }, mark: { type: 'rule' as const, strokeDash: [5, 4], color: '#888888' }, encoding: { y: { field: 'line', type: 'quantitative' as const } } });
    return { width, height, data: { values: mine }, layer: layers };
  };
  const networks = (['one-layer', 'two-layer'] as const).filter((k) => values.some((v) => v.network === k));
  const title = 'Estimators since 2013: exact SNR and bias against n';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle === undefined ? { text: title } : { text: title, subtitle: options.subtitle },
    vconcat: networks.map((k) => ({ hconcat: [panel(k, 'snr'), panel(k, 'bias')], spacing: 40 })),
    spacing: 30,
    resolve: { scale: { color: 'shared', shape: 'shared' }, legend: { color: 'shared', shape: 'shared' } },
    config: { ...chartConfig(), legend: { ...chartConfig().legend, orient: 'bottom', direction: 'horizontal', columns: 4, symbolSize: 110 } },
  } as TopLevelSpec;
}

/**
 * Reads a `diagnose --json` file and writes `<out>.svg` and `<out>.png`.
 * @throws Error naming the file when it cannot be read or parsed
 */
export async function plotSince2013(file: string, out: string, options: Since2013Options = {}): Promise<WrittenChart & { readonly rows: number }> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RangeError(`diagnose-plot: cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const rows = since2013Rows(json);
  const written = await writeChart(since2013Spec(rows, options), out);
  return { ...written, rows: rows.length };
}

/** Adds `rewardcast diagnose-plot <file>` to the program (one line in `src/cli/main.ts`). */
export function registerDiagnosePlot(program: Command): void {
  program
    .command('diagnose-plot')
    .description("draw the since-2013 estimators' exact SNR and bias against n from a diagnose --json file")
    .argument('<file>', 'the JSON that `rewardcast diagnose --json` printed, or a diagnose folder\'s diagnose.json')
    .option('--out <base>', 'output path without extension (writes .svg and .png)', 'diagnose-since2013')
    .option('--subtitle <text>', 'second title line, e.g. the diagnose command')
    .action(async (file: string, flags: { out: string; subtitle?: string }) => {
      try {
        const r = await plotSince2013(file, flags.out, flags.subtitle === undefined ? {} : { subtitle: flags.subtitle });
        process.stdout.write(`wrote ${r.svgPath} and ${r.pngPath} (${r.rows} rows)\n`);
      } catch (e) {
        if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
        throw e;
      }
    });
}
