import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { learningCurveSpec, runCurveSpec, type CurveSeries } from '../../src/plot/learning-curves.js';
import { renderVegaLite } from '../../src/plot/render.js';
import { OKABE_ITO } from '../../src/plot/theme.js';
import { assertAllClose, throwsWith } from '../helpers.js';
import { objectsWhere, pngHeader, valuesOf } from './plot-helpers.js';

function series(label: string, scale: number, n?: number): CurveSeries {
  return {
    label,
    points: [0, 50_000, 100_000, 150_000].map((step, i) => {
      const center = scale * (i + 1);
      return n === undefined ? { step, center, lo: center - 5, hi: center + 5 } : { step, center, lo: center - 5, hi: center + 5, n };
    }),
  };
}

const two = [series('REINFORCE', 40, 10), series('Straight-through', 60, 10)];

test('learningCurveSpec: band from lo to hi and a line at center, per estimator', () => {
  const spec = learningCurveSpec(two, { title: 'CartPole-v1' });
  const area = objectsWhere(spec, (o) => (o['mark'] as { type?: string } | undefined)?.type === 'area');
  const line = objectsWhere(spec, (o) => (o['mark'] as { type?: string } | undefined)?.type === 'line');
  assert.is(area.length, 1);
  assert.is(line.length, 1);
  const areaEnc = area[0]!['encoding'] as Record<string, { field?: string }>;
  assert.is(areaEnc['y']!.field, 'lo');
  assert.is(areaEnc['y2']!.field, 'hi');
  assert.is(areaEnc['x']!.field, 'step');
  assert.is(areaEnc['color']!.field, 'estimator');
  const lineEnc = line[0]!['encoding'] as Record<string, { field?: string }>;
  assert.is(lineEnc['y']!.field, 'center');
  assert.is(lineEnc['color']!.field, 'estimator');
  const rows = valuesOf(spec, 'values').flat() as { estimator?: string }[];
  assert.is(rows.filter((r) => r.estimator === 'REINFORCE').length, 4);
  assert.is(rows.filter((r) => r.estimator === 'Straight-through').length, 4);
});

test('learningCurveSpec: titles, legend "Estimator", Okabe-Ito colours in series order, SI step labels', () => {
  const spec = learningCurveSpec(two, { title: 'CartPole-v1', subtitle: '10 seeds' });
  assert.equal((spec as { title?: unknown }).title, { text: 'CartPole-v1', subtitle: '10 seeds' });
  assert.ok(valuesOf(spec, 'title').includes('Environment steps'));
  assert.ok(valuesOf(spec, 'title').includes('Estimator'));
  const scales = objectsWhere(spec, (o) => Array.isArray(o['domain']) && (o['domain'] as unknown[]).includes('REINFORCE'));
  assert.ok(scales.length > 0);
  for (const s of scales) {
    assert.equal(s['domain'], ['REINFORCE', 'Straight-through']);
    assert.equal(s['range'], OKABE_ITO.slice(0, 2));
  }
  const labelExpr = valuesOf(spec, 'labelExpr');
  assert.ok(labelExpr.some((e) => typeof e === 'string' && e.includes("'~s'")), 'x labels use SI prefixes');
});

test('learningCurveSpec: default y title counts seeds from n, from options.seeds, or says "across seeds"', () => {
  const yTitles = (s: unknown): string[] => valuesOf(s, 'title').filter(Array.isArray).map((t) => (t as string[]).join(' '));
  assert.ok(yTitles(learningCurveSpec(two)).includes('Episodic return (IQM over 10 seeds, 95 % stratified-bootstrap CI)'));
  assert.ok(yTitles(learningCurveSpec(two, { seeds: 5 })).some((t) => t.includes('IQM over 5 seeds')));
  assert.ok(yTitles(learningCurveSpec([series('a', 1)])).some((t) => t.includes('IQM across seeds')));
  assert.ok(valuesOf(learningCurveSpec(two, { yTitle: 'Return' }), 'title').includes('Return'));
  assert.ok(valuesOf(learningCurveSpec(two, { yTitle: 'Return\n(mean)' }), 'title').some((t) => Array.isArray(t) && t[1] === '(mean)'));
});

test('learningCurveSpec: threshold adds one dashed rule and its label, drawn once', () => {
  const none = learningCurveSpec(two);
  assert.is(objectsWhere(none, (o) => (o['mark'] as { type?: string } | undefined)?.type === 'rule').length, 0);
  const spec = learningCurveSpec(two, { threshold: { value: 475, label: 'Solved (475)' } });
  const rules = objectsWhere(spec, (o) => (o['mark'] as { type?: string } | undefined)?.type === 'rule');
  assert.is(rules.length, 1);
  assert.ok(Array.isArray((rules[0]!['mark'] as { strokeDash?: unknown }).strokeDash), 'dashed');
  assert.equal(rules[0]!['data'], { values: [{}] }, 'own one-row data');
  assert.is(((rules[0]!['encoding'] as { y: { datum: number } }).y).datum, 475);
  assert.ok(valuesOf(spec, 'value').includes('Solved (475)'));
  assert.ok(valuesOf(learningCurveSpec(two, { threshold: { value: 195 } }), 'value').includes('Threshold (195)'));
});

test('learningCurveSpec: a series with a single point gets a dot (a line through one point is invisible)', () => {
  const mark = (o: Record<string, unknown>): string | undefined => (o['mark'] as { type?: string } | undefined)?.type;
  assert.is(objectsWhere(learningCurveSpec(two), (o) => mark(o) === 'point').length, 0);
  const spec = learningCurveSpec([...two, { label: 'Random policy', points: [{ step: 0, center: 22, lo: 20, hi: 24 }] }]);
  const dots = objectsWhere(spec, (o) => mark(o) === 'point');
  assert.is(dots.length, 1);
  assert.equal(dots[0]!['transform'], [{ filter: { field: 'estimator', oneOf: ['Random policy'] } }]);
});

test('learningCurveSpec: errors name the argument and the value', () => {
  throwsWith(() => learningCurveSpec([]), 'learningCurveSpec: series must be non-empty, got []');
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [] }]), 'learningCurveSpec: series[0].points must be non-empty, got []');
  throwsWith(() => learningCurveSpec([{ label: '', points: [{ step: 0, center: 1, lo: 0, hi: 2 }] }]), 'series[0].label must be a non-empty string');
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [{ step: 0, center: 1, lo: NaN, hi: 2 }] }]), 'series[0].points[0].lo must be a finite number, got NaN');
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [{ step: 0, center: 1, lo: 3, hi: 2 }] }]), 'series[0].points[0].lo must be <= hi, got lo 3 > hi 2');
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [{ step: -1, center: 1, lo: 0, hi: 2 }] }]), 'points[0].step must be >= 0, got -1');
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [{ step: 0, center: 1, lo: 0, hi: 2, n: 1.5 }] }]), 'points[0].n must be a positive integer, got 1.5');
  const p = { step: 0, center: 1, lo: 0, hi: 2 };
  throwsWith(() => learningCurveSpec([{ label: 'a', points: [p, p] }]), 'series[0].points must have distinct steps, got step 0 twice');
  throwsWith(() => learningCurveSpec([series('a', 1), series('a', 2)]), 'series labels must be distinct, got "a" twice');
  throwsWith(() => learningCurveSpec(Array.from({ length: 9 }, (_, i) => series(`e${i}`, i + 1))), 'at most 8 entries', 'got 9');
  throwsWith(() => learningCurveSpec(two, { width: 10 }), 'learningCurveSpec: options.width must be a number of pixels in [50, 4000], got 10');
  throwsWith(() => learningCurveSpec(two, { threshold: { value: Infinity } }), 'options.threshold.value must be a finite number, got Infinity');
  throwsWith(() => learningCurveSpec(two, { seeds: 0 }), 'options.seeds must be a positive integer, got 0');
});

test('learningCurveSpec: renders axis titles, legend title and labels into SVG and a 1200 px PNG', async () => {
  const spec = learningCurveSpec(two, { title: 'CartPole-v1', threshold: { value: 200, label: 'Solved (200)' } });
  const { svg, png } = await renderVegaLite(spec);
  for (const text of ['CartPole-v1', 'Environment steps', 'Episodic return', 'IQM over 10 seeds', 'Estimator', 'REINFORCE', 'Straight-through', 'Solved (200)', '100k']) {
    assert.ok(svg.includes(text), `SVG should contain ${JSON.stringify(text)}`);
  }
  assert.not.ok(svg.includes('>0k<'), 'the origin is labelled 0, not 0k');
  assert.is(pngHeader(png).width, 1200);
});

test('runCurveSpec: trailing moving average over `window` episodes, rows sorted by step', () => {
  const spec = runCurveSpec(
    [
      { step: 40, value: 4 },
      { step: 10, value: 1 },
      { step: 30, value: 3 },
      { step: 20, value: 2 },
    ],
    { window: 3 },
  );
  const rows = valuesOf(spec, 'values').flat().filter((r) => (r as { step?: number }).step !== undefined) as {
    step: number;
    value: number;
    movingAverage: number;
  }[];
  assert.equal(rows.map((r) => r.step), [10, 20, 30, 40]);
  assertAllClose(rows.map((r) => r.movingAverage), [1, 1.5, 2, 3], 1e-12, 'movingAverage');
  assert.ok(valuesOf(spec, 'datum').includes('Episode return'));
  assert.ok(valuesOf(spec, 'datum').includes('Moving average (last 3 episodes)'));
  assert.ok(objectsWhere(spec, (o) => (o['mark'] as { type?: string } | undefined)?.type === 'circle').length === 1, 'raw returns as points');
});

test('runCurveSpec: renders the legend labels and axis titles', async () => {
  const points = Array.from({ length: 60 }, (_, i) => ({ step: (i + 1) * 200, value: 10 + i * 3 }));
  const { svg, png } = await renderVegaLite(runCurveSpec(points, { title: 'CartPole-v1__reinforce__1', threshold: { value: 150 } }));
  for (const text of ['CartPole-v1__reinforce__1', 'Environment steps', 'Episodic return', 'Episode return', 'Moving average (last 20 episodes)', 'Threshold (150)']) {
    assert.ok(svg.includes(text), `SVG should contain ${JSON.stringify(text)}`);
  }
  assert.is(pngHeader(png).width, 1200);
});

test('runCurveSpec: errors name the argument and the value', () => {
  throwsWith(() => runCurveSpec([]), 'runCurveSpec: points must be non-empty, got []');
  throwsWith(() => runCurveSpec([{ step: 1, value: NaN }]), 'runCurveSpec: points[0].value must be a finite number, got NaN');
  throwsWith(() => runCurveSpec([{ step: 1, value: 1 }], { window: 0 }), 'runCurveSpec: options.window must be a positive integer, got 0');
  throwsWith(() => runCurveSpec([{ step: 1, value: 1 }], { height: 1e6 }), 'options.height must be a number of pixels');
});

test.run();
