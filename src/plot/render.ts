/**
 * Turns a vega-lite spec into an SVG string and a PNG, and writes both next to each other.
 *
 * vega-lite compiles the spec to vega; a headless vega `View` (renderer `none`) lays it out and
 * serialises SVG; resvg rasterises that SVG at a fixed pixel width on a white background. Fonts for
 * the PNG come from {@link chartFonts}.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFonts, resvgFontOptions } from './fonts.js';
import { useDejaVuTextMetrics } from './text-metrics.js';

/** Options for {@link renderVegaLite} and {@link writeChart}. */
export interface RenderOptions {
  /**
   * Width of the PNG in pixels; the height follows the SVG's aspect ratio.
   * @default 1200
   */
  readonly pngWidth?: number;
  /**
   * PNG background, any CSS colour.
   * @default 'white'
   */
  readonly background?: string;
  /**
   * Font files for PNG text, instead of searching the system (see {@link chartFonts}).
   * @default undefined
   */
  readonly fontFiles?: readonly string[];
}

/** A rendered chart. */
export interface RenderedChart {
  /** Standalone SVG markup, starting with `<svg`. */
  readonly svg: string;
  /** PNG file bytes. */
  readonly png: Uint8Array;
}

/** Paths written by {@link writeChart}. */
export interface WrittenChart {
  /** `<base>.svg` */
  readonly svgPath: string;
  /** `<base>.png` */
  readonly pngPath: string;
}

/**
 * A loader that refuses every URL: charts here are rendered from inline data only, so a spec can
 * never make the renderer read a file or reach the network. vega only logs a failed load and goes
 * on rendering, so the refused URIs are collected for the caller to turn into an error.
 */
function inlineOnlyLoader(refused: string[]): vega.Loader {
  const refuse = (uri: string): Promise<never> => {
    refused.push(uri);
    return Promise.reject(new Error(`renderVegaLite: spec must use inline data (data.values), got a reference to ${JSON.stringify(uri)}`));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

/**
 * Renders a vega-lite spec to SVG and to a PNG `pngWidth` pixels wide on a white background.
 *
 * The spec must carry its data inline (`data.values`); URLs are refused. If no font is usable for
 * the PNG a warning is emitted once (see {@link chartFonts}) and the PNG has no text.
 *
 * @throws Error naming `renderVegaLite` when the spec does not compile, references external data,
 *   or fails while vega renders it (e.g. an expression reading a missing field).
 *
 * ## Example
 * ```ts
 * const { svg, png } = await renderVegaLite(learningCurveSpec(series, { title: 'CartPole-v1' }));
 * ```
 */
export async function renderVegaLite(spec: TopLevelSpec, options: RenderOptions = {}): Promise<RenderedChart> {
  const pngWidth = options.pngWidth ?? 1200;
  if (!Number.isInteger(pngWidth) || pngWidth <= 0 || pngWidth > 20000) {
    throw new RangeError(`renderVegaLite: pngWidth must be an integer in [1, 20000], got ${pngWidth}`);
  }
  if (spec === null || typeof spec !== 'object') {
    throw new TypeError(`renderVegaLite: spec must be a vega-lite spec object, got ${String(spec)}`);
  }
  let vgSpec: vega.Spec;
  try {
    vgSpec = compile(spec).spec;
  } catch (e) {
    throw new Error(`renderVegaLite: spec does not compile: ${(e as Error).message}`, { cause: e });
  }
  useDejaVuTextMetrics();
  const refused: string[] = [];
  // vega logs errors met while rendering (a failed load, a bad expression) and still produces an
  // SVG; collect them and throw instead, so a broken chart is never written.
  const errors: string[] = [];
  const logger = vega.logger(vega.Error, 'error', (_method, _level, args) => {
    errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  });
  let runtime: vega.Runtime;
  try {
    runtime = vega.parse(vgSpec);
  } catch (e) {
    throw new Error(`renderVegaLite: spec does not compile: ${(e as Error).message}`, { cause: e });
  }
  const view = new vega.View(runtime, { renderer: 'none', loader: inlineOnlyLoader(refused), logger });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  if (refused.length > 0) {
    throw new Error(`renderVegaLite: spec must use inline data (data.values), got a reference to ${JSON.stringify(refused[0])}`);
  }
  if (errors.length > 0) throw new Error(`renderVegaLite: vega failed to render the spec: ${errors.join('; ')}`);
  const fonts = chartFonts(options.fontFiles);
  const image = await renderAsync(svg, {
    fitTo: { mode: 'width', value: pngWidth },
    background: options.background ?? 'white',
    font: resvgFontOptions(fonts),
  });
  const png = image.asPng();
  return { svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
}

/** Writes `data` to `path` by writing a sibling temporary file and renaming it over `path`. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Renders `spec` and writes `<basePath>.svg` and `<basePath>.png`, creating the parent folder.
 * Each file is written to a temporary sibling and renamed into place, so a reader never sees a
 * half-written chart.
 *
 * @param basePath output path without extension, e.g. `runs/cartpole/plots/learning-curves`.
 * @returns the two paths written.
 *
 * ## Example
 * ```ts
 * await writeChart(diagnoseSpec(rows), 'out/diagnose'); // out/diagnose.svg, out/diagnose.png
 * ```
 */
export async function writeChart(spec: TopLevelSpec, basePath: string, options: RenderOptions = {}): Promise<WrittenChart> {
  if (typeof basePath !== 'string' || basePath === '') {
    throw new TypeError(`writeChart: basePath must be a non-empty path, got ${JSON.stringify(basePath)}`);
  }
  const { svg, png } = await renderVegaLite(spec, options);
  const svgPath = `${basePath}.svg`;
  const pngPath = `${basePath}.png`;
  await mkdir(dirname(svgPath), { recursive: true });
  await writeAtomic(svgPath, svg);
  await writeAtomic(pngPath, png);
  return { svgPath, pngPath };
}
