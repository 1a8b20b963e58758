import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIAS_TITLE, diagnoseSpec, SNR_TITLE, UNITS_TITLE, type DiagnoseRow } from '../../src/plot/diagnose.js';
import { renderVegaLite } from '../../src/plot/render.js';
import { throwsWith } from '../helpers.js';
import { objectsWhere, pngHeader, valuesOf } from './plot-helpers.js';

const rows: DiagnoseRow[] = [];
for (const [estimator, snr0, bias] of [
  ['REINFORCE', 0.05, 0],
  ['Straight-through', 2, 0.3],
] as const) {
  for (const units of [1, 4, 16, 64]) rows.push({ estimator, units, snr: snr0 / units, relBias: bias * Math.log2(2 * units), cosine: 0.9, mse: 1 / units });
}

test('diagnoseSpec: two panels side by side, SNR on a log axis and relative bias, both against n', () => {
  const spec = diagnoseSpec(rows, { subtitle: '4096 samples per point' });
  const panels = (spec as { hconcat?: unknown[] }).hconcat;
  assert.ok(Array.isArray(panels) && panels.length === 2, 'hconcat of two panels');
  const y = panels.map((p) => (p as { encoding: { y: { field: string; title: string; scale: { type?: string } } } }).encoding.y);
  assert.is(y[0]!.field, 'snr');
  assert.is(y[0]!.title, SNR_TITLE);
  assert.is(y[0]!.scale.type, 'log');
  assert.is(y[1]!.field, 'relBias');
  assert.is(y[1]!.title, BIAS_TITLE);
  assert.is(y[1]!.scale.type, undefined, 'bias axis is linear');
  for (const p of panels) {
    const x = (p as { encoding: { x: { field: string; title: string } } }).encoding.x;
    assert.is(x.field, 'units');
    assert.is(x.title, UNITS_TITLE);
  }
  assert.is(UNITS_TITLE, 'Number of stochastic binary units n');
  assert.is(SNR_TITLE, 'Per-parameter SNR (E ĝ)² / Var ĝ');
  assert.is(BIAS_TITLE, 'Relative bias ‖E ĝ − g‖ / ‖g‖');
});

test('diagnoseSpec: one shared legend "Estimator" (colour and shape), lines with points', () => {
  const spec = diagnoseSpec(rows);
  assert.equal((spec as { resolve?: { legend?: unknown } }).resolve?.legend, { color: 'shared', shape: 'shared' });
  assert.ok(valuesOf(spec, 'title').includes('Estimator'));
  const marks = valuesOf(spec, 'mark').map((m) => (m as { type: string }).type);
  assert.equal(marks.sort(), ['line', 'line', 'point', 'point']);
  for (const s of objectsWhere(spec, (o) => Array.isArray(o['domain']))) assert.equal(s['domain'], ['REINFORCE', 'Straight-through']);
});

test('diagnoseSpec: n on a log2 axis ticked at the measured sizes; SNR ticks at powers of ten', () => {
  const spec = diagnoseSpec(rows);
  const x = (spec as { hconcat: { encoding: { x: { scale: { type?: string; base?: number }; axis: { values?: number[] } } } }[] }).hconcat[0]!.encoding.x;
  assert.is(x.scale.type, 'log');
  assert.is(x.scale.base, 2);
  assert.equal(x.axis.values, [1, 4, 16, 64]);
  const snrAxis = (spec as { hconcat: { encoding: { y: { axis: { values?: number[] } } } }[] }).hconcat[0]!.encoding.y.axis;
  // snr spans 0.05/64 ≈ 7.8e-4 .. 2
  assert.equal(snrAxis.values, [1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
  const linear = diagnoseSpec(rows.filter((r) => r.units <= 4));
  const lx = (linear as { hconcat: { encoding: { x: { scale: { type?: string } } } }[] }).hconcat[0]!.encoding.x;
  assert.is(lx.scale.type, undefined, 'n spanning less than 8x stays linear');
  const forced = diagnoseSpec(rows.filter((r) => r.units <= 4), { logUnits: true });
  assert.is((forced as { hconcat: { encoding: { x: { scale: { type?: string } } } }[] }).hconcat[0]!.encoding.x.scale.type, 'log');
});

test('diagnoseSpec: renders axis titles and legend labels into SVG and a 1200 px PNG', async () => {
  const { svg, png } = await renderVegaLite(diagnoseSpec(rows, { title: 'Bandit diagnostics' }));
  for (const text of ['Bandit diagnostics', UNITS_TITLE, SNR_TITLE, BIAS_TITLE, 'Estimator', 'REINFORCE', 'Straight-through']) {
    assert.ok(svg.includes(text), `SVG should contain ${JSON.stringify(text)}`);
  }
  assert.is(pngHeader(png).width, 1200);
});

test('diagnoseSpec: errors name the row, the field and the value', () => {
  const ok = rows[0]!;
  throwsWith(() => diagnoseSpec([]), 'diagnoseSpec: rows must be non-empty, got []');
  throwsWith(() => diagnoseSpec([{ ...ok, snr: 0 }]), 'diagnoseSpec: rows[0].snr must be > 0 (it is drawn on a log scale), got 0');
  throwsWith(() => diagnoseSpec([{ ...ok, relBias: -0.1 }]), 'rows[0].relBias must be >= 0, got -0.1');
  throwsWith(() => diagnoseSpec([{ ...ok, units: 1.5 }]), 'rows[0].units must be a positive integer, got 1.5');
  throwsWith(() => diagnoseSpec([{ ...ok, cosine: NaN }]), 'rows[0].cosine must be a finite number, got NaN');
  throwsWith(() => diagnoseSpec([{ ...ok, estimator: '' }]), 'rows[0].estimator must be a non-empty string');
  throwsWith(() => diagnoseSpec([ok, ok]), 'distinct (estimator, units) pairs, got "REINFORCE" at n = 1 twice');
  const nine = Array.from({ length: 9 }, (_, i) => ({ ...ok, estimator: `e${i}` }));
  throwsWith(() => diagnoseSpec(nine), 'at most 8 estimators', 'got 9');
});

test.run();
