import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TopLevelSpec } from 'vega-lite';
import { chartFonts } from '../../src/plot/fonts.js';
import { renderVegaLite, writeChart } from '../../src/plot/render.js';
import { textWidth } from '../../src/plot/text-metrics.js';
import { throwsWith } from '../helpers.js';
import { firstPixel, PNG_SIGNATURE, pngHeader, rejection } from './plot-helpers.js';

const spec: TopLevelSpec = {
  width: 300,
  height: 200,
  title: 'Tiny chart',
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative', title: 'Steps (k)' }, y: { field: 'y', type: 'quantitative', title: 'Return' } },
};

test('renderVegaLite: SVG with the titles, PNG with the PNG signature, 1200 px wide, same aspect, white', async () => {
  const { svg, png } = await renderVegaLite(spec);
  assert.ok(svg.startsWith('<svg'), 'standalone SVG');
  for (const text of ['Tiny chart', 'Steps (k)', 'Return']) assert.ok(svg.includes(text), `SVG should contain ${text}`);
  assert.equal([...png.subarray(0, 8)], PNG_SIGNATURE);
  const { width, height, bitDepth, colorType } = pngHeader(png);
  assert.is(width, 1200);
  const m = /width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
  assert.ok(Math.abs(height - Math.round((1200 * Number(m[2])) / Number(m[1]))) <= 1, `height ${height} keeps the SVG's aspect ratio`);
  assert.is(bitDepth, 8);
  assert.is(colorType, 6, 'RGBA');
  assert.equal(firstPixel(png), [255, 255, 255, 255], 'white background');
});

test('renderVegaLite: pngWidth and background options', async () => {
  const { png } = await renderVegaLite({ ...spec, config: { background: null } } as unknown as TopLevelSpec, { pngWidth: 600, background: '#000000' });
  assert.is(pngHeader(png).width, 600);
  assert.equal(firstPixel(png), [0, 0, 0, 255]);
});

test('renderVegaLite: errors name the argument', async () => {
  assert.match((await rejection(() => renderVegaLite(spec, { pngWidth: 0 }))).message, 'renderVegaLite: pngWidth must be an integer in [1, 20000], got 0');
  const remote = { ...spec, data: { url: 'file:///etc/passwd' } } as TopLevelSpec;
  assert.match((await rejection(() => renderVegaLite(remote))).message, /renderVegaLite: spec must use inline data/);
  const broken = { ...spec, mark: 'no-such-mark' } as unknown as TopLevelSpec;
  assert.match((await rejection(() => renderVegaLite(broken))).message, /^renderVegaLite: spec does not compile/);
  const badExpr = { ...spec, encoding: { ...spec.encoding, x: { field: 'x', type: 'quantitative', axis: { labelExpr: 'nosuch(datum.value)' } } } } as TopLevelSpec;
  assert.match((await rejection(() => renderVegaLite(badExpr))).message, 'renderVegaLite: spec does not compile: Unrecognized function: nosuch');
  const runtimeError = { ...spec, transform: [{ calculate: 'datum.q.r', as: 'z' }] } as TopLevelSpec;
  assert.match((await rejection(() => renderVegaLite(runtimeError))).message, /^renderVegaLite: vega failed to render the spec: .*reading 'r'/);
  assert.match((await rejection(() => renderVegaLite(null as unknown as TopLevelSpec))).message, 'renderVegaLite: spec must be a vega-lite spec object, got null');
});

test('writeChart: writes <base>.svg and <base>.png, creating folders, leaving no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewardcast-plot-'));
  try {
    const base = join(dir, 'nested', 'chart');
    const written = await writeChart(spec, base);
    assert.equal(written, { svgPath: `${base}.svg`, pngPath: `${base}.png` });
    assert.ok(readFileSync(written.svgPath, 'utf8').includes('Tiny chart'));
    const png = readFileSync(written.pngPath);
    assert.equal([...png.subarray(0, 8)], PNG_SIGNATURE);
    assert.is(pngHeader(png).width, 1200);
    assert.equal(readdirSync(join(dir, 'nested')).sort(), ['chart.png', 'chart.svg']);
    // Overwrites in place.
    await writeChart({ ...spec, title: 'Second' } as TopLevelSpec, base);
    assert.ok(readFileSync(written.svgPath, 'utf8').includes('Second'));
    assert.equal(readdirSync(join(dir, 'nested')).sort(), ['chart.png', 'chart.svg']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeChart: rejects an empty base path', async () => {
  assert.match((await rejection(() => writeChart(spec, ''))).message, 'writeChart: basePath must be a non-empty path, got ""');
});

test('chartFonts: finds a font here and PNG text is drawn with it', () => {
  const fonts = chartFonts();
  assert.ok(fonts.textRenders, `text should render; chose ${JSON.stringify(fonts)}`);
  assert.ok(fonts.files.length > 0 || fonts.source === 'system-scan');
});

test('chartFonts: a file that is no font gives textRenders false, one warning, and rendering still works', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewardcast-font-'));
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  try {
    const bogus = join(dir, 'not-a-font.ttf');
    writeFileSync(bogus, 'this is not a font');
    const fonts = chartFonts([bogus]);
    assert.is(fonts.textRenders, false);
    assert.is(fonts.source, 'option');
    const { png } = await renderVegaLite(spec, { fontFiles: [bogus] });
    assert.is(pngHeader(png).width, 1200);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'REWARDCAST_NO_FONT');
    assert.is(ours.length, 1);
    assert.match(ours[0]!.message, 'REWARDCAST_FONT_FILES');
  } finally {
    process.off('warning', onWarning);
    await rm(dir, { recursive: true, force: true });
  }
  throwsWith(() => chartFonts([join(dir, 'missing.ttf')]), 'chartFonts: fontFiles must exist, missing');
  assert.not.ok(existsSync(dir));
});

test('textWidth: DejaVu Sans advance widths, bold wider, wide scripts 1 em', () => {
  assert.is(textWidth('', 16), 0);
  assert.is(textWidth('0', 10), 6.36);
  assert.ok(textWidth('iiii', 14) < textWidth('MMMM', 14));
  assert.ok(textWidth('Estimator', 14, true) > textWidth('Estimator', 14));
  assert.is(textWidth('ĝ', 10), 6.35);
  assert.is(textWidth('学', 20), 20);
});

test.run();
