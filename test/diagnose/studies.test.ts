/**
 * `src/diagnose/studies.ts`: the learned-correction and per-weight studies over diagnose's
 * networks, their rows and totals, reproducible from the seed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { correctionStudy, onlineRng, perWeightStudy, perWeightTotals } from '../../src/diagnose/index.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

const o = { units: [2, 3], seed: 71, nets: 2, reward: 'structured', rewardOf: 'all' } as const;

test('correctionStudy: one row per (K, n); the exact fit is unbiased at K = 1 and not at K = 3; seeded', () => {
  const rows = correctionStudy(o, [1, 3], { updates: 100, batch: 4 });
  assert.equal(rows.map((r) => `${r.contexts}/${r.n}`), ['1/2', '1/3', '3/2', '3/3']);
  for (const r of rows.filter((x) => x.contexts === 1)) assert.ok(r.exactRelBias < 1e-12 && Math.abs(r.exactCosine - 1) < 1e-12, `n=${r.n}`);
  for (const r of rows.filter((x) => x.contexts === 3)) assert.ok(r.exactRelBias > 1e-4, `n=${r.n}: ${r.exactRelBias}`);
  for (const r of rows) assert.ok(r.varianceRatio > 0 && r.varianceRatioMin <= r.varianceRatio && r.varianceRatio <= r.varianceRatioMax && r.onlineRelBiasSe > 0);
  assert.equal(correctionStudy(o, [3], { updates: 100, batch: 4 }), rows.slice(2));
  assert.equal(onlineRng(71, 2, 1).state(), onlineRng(71, 2, 1).state());
  assert.not.equal(onlineRng(71, 2, 1).state(), onlineRng(71, 2, 0).state());
});

test('perWeightStudy: hidden weights tie at K = 1 and favour per-weight at K > 1; output weights always; totals add up', () => {
  const rows = perWeightStudy(o, [1, 2]);
  assert.is(rows.length, 2 * 2 * 2);
  const t1 = perWeightTotals(rows, 1, 'hidden');
  const t2 = perWeightTotals(rows, 2, 'hidden');
  const w1 = perWeightTotals(rows, 1, 'output');
  assert.is(t1.weights, 2 * 2 * (4 * 2 + 4 * 3));
  assert.is(t1.perWeightWins, 0);
  assert.is(t2.perWeightWins, t2.weights);
  assert.is(w1.weights, 2 * (2 + 3));
  assert.is(w1.perWeightWins, w1.weights);
  assert.is(t1.perUnitWins + t2.perUnitWins + w1.perUnitWins, 0);
  assert.is(rows.filter((r) => r.contexts === 1).reduce((s, r) => s + r.hidden.weights, 0), t1.weights);
});

test.run();
