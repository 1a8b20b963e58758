import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from 'vega-lite';
import { liveChartSpec } from '../../src/server/chart.js';
import type { LiveMeta } from '../../src/server/model.js';

const META: LiveMeta = { kind: 'compare', folder: 'f', env: 'FrozenLake-v1', estimators: ['a', 'b'], seeds: [1, 2], steps: 10_000, threshold: 0.7, hash: 'h'.repeat(64), subtitle: '' };

interface Layer {
  mark?: { type?: string; strokeDash?: number[]; align?: string };
  encoding?: { y?: { datum?: number }; x?: { value?: unknown }; text?: { value?: string } };
}

const layers = (meta: LiveMeta): Layer[] => (liveChartSpec(meta) as unknown as { layer: Layer[] }).layer;
const rules = (meta: LiveMeta): Layer[] => layers(meta).filter((l) => l.mark?.type === 'rule');
const texts = (meta: LiveMeta): string[] => layers(meta).filter((l) => l.mark?.type === 'text').map((l) => l.encoding!.text!.value!);

test('liveChartSpec: the optimum is a second dashed rule, finer than the threshold, labelled at the right end', () => {
  const meta: LiveMeta = { ...META, optimum: { value: 0.7442, label: 'Optimal (0.7442)' } };
  const r = rules(meta);
  assert.is(r.length, 2);
  assert.equal(r.map((l) => l.encoding!.y!.datum), [0.7, 0.7442]);
  assert.equal(r.map((l) => l.mark!.strokeDash), [[8, 5], [3, 3]]);
  assert.equal(texts(meta), ['Reward threshold (0.7)', 'Reward threshold (0.7)', 'Optimal (0.7442)', 'Optimal (0.7442)'], 'each label with its halo');
  const optimumText = layers(meta).filter((l) => l.mark?.type === 'text' && l.encoding!.text!.value === 'Optimal (0.7442)');
  assert.ok(optimumText.every((l) => l.mark!.align === 'right' && l.encoding!.x!.value === 'width'));
  // The spec compiles (vega-lite accepts x: { value: 'width' } and the one-row layers).
  assert.ok(compile(liveChartSpec(meta)).spec);
});

test('liveChartSpec: no optimum line without an optimum; the optimum alone without a threshold', () => {
  assert.equal(rules(META).map((l) => l.encoding!.y!.datum), [0.7]);
  assert.not.ok(texts(META).some((t) => t.startsWith('Optimal')));
  const only: LiveMeta = { ...META, threshold: null, optimum: { value: -64.71, label: 'Optimal (-64.71)' } };
  assert.equal(rules(only).map((l) => l.encoding!.y!.datum), [-64.71]);
  assert.ok(compile(liveChartSpec(only)).spec);
});

test.run();
