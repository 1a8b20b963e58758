/**
 * `src/estimators/per-weight-baseline.ts`: the fused per-weight update against its formula, its
 * agreement with `reinforceUpdate` when every weight's ratio equals its unit's, the running ratios,
 * save/load, and an agent trained with `baseline: 'optimal-per-weight'` (option checks, its
 * per-synapse state, save/load).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BroadcastAgent } from '../../agents/agent.js';
import '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { baselineFor, emptyPerWeightMoments, PerWeightOptimalBaseline, perWeightUpdate, reinforceUpdate } from '../../src/estimators/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runTraining } from '../../src/train/loop.js';
import { assertAllClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

function batch(M: number, nIn: number, nOut: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const x = Float32Array.from({ length: M * nIn }, () => rng.normal());
  const p = Float32Array.from({ length: M * nOut }, () => rng.uniform(0.05, 0.95));
  const h = Float32Array.from(p, (q) => (rng.random() < q ? 1 : 0));
  const R = Float32Array.from({ length: M }, () => rng.normal(1, 2));
  const LW = Float32Array.from({ length: nIn * nOut }, () => rng.normal());
  const Lb = Float32Array.from({ length: nOut }, () => rng.normal());
  return { x, p, h, R, LW, Lb };
}

test('perWeightUpdate: ΔW, Δb and the batch moments by their formulas', () => {
  const [M, nIn, nOut] = [7, 3, 2];
  const { x, p, h, R, LW, Lb } = batch(M, nIn, nOut, 1);
  const out = { dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut), moments: emptyPerWeightMoments(nIn, nOut) };
  perWeightUpdate(x, h, p, R, LW, Lb, M, nIn, nOut, out);
  const dW = new Float64Array(nIn * nOut);
  const db = new Float64Array(nOut);
  const x2e2 = new Float64Array(nIn * nOut);
  const x2e2R = new Float64Array(nIn * nOut);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < nOut; i++) {
      const e = h[m * nOut + i]! - p[m * nOut + i]!;
      db[i] += (e * (R[m]! - Lb[i]!)) / M;
      for (let j = 0; j < nIn; j++) {
        const xj = x[m * nIn + j]!;
        dW[j * nOut + i] += (xj * e * (R[m]! - LW[j * nOut + i]!)) / M;
        x2e2[j * nOut + i] += (xj * xj * e * e) / M;
        x2e2R[j * nOut + i] += (xj * xj * e * e * R[m]!) / M;
      }
    }
  }
  assertAllClose(out.dW, dW, 1e-6, 'ΔW');
  assertAllClose(out.db, db, 1e-6, 'Δb');
  assertAllClose(out.moments.x2e2, x2e2, 1e-9, 'x²e²');
  assertAllClose(out.moments.x2e2Signal, x2e2R, 1e-9, 'x²e²R');
});

test('perWeightUpdate equals reinforceUpdate when every weight’s ratio is its unit’s', () => {
  const [M, nIn, nOut] = [33, 5, 4];
  const { x, p, h, R, Lb } = batch(M, nIn, nOut, 2);
  const LW = new Float32Array(nIn * nOut).map((_, k) => Lb[k % nOut]!);
  const a = { dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut), moments: emptyPerWeightMoments(nIn, nOut) };
  perWeightUpdate(x, h, p, R, LW, Lb, M, nIn, nOut, a);
  const b = { dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut), moments: { signal: 0, e2: new Float64Array(nOut), e2Signal: new Float64Array(nOut) } };
  reinforceUpdate(x, h, p, R, Lb, M, nIn, nOut, b);
  assertAllClose(a.dW, b.dW, 1e-5, 'ΔW');
  assertAllClose(a.db, b.db, 1e-6, 'Δb');
  assertAllClose(a.moments.e2, b.moments.e2, 1e-9, 'e²');
  assertAllClose(a.moments.e2Signal, b.moments.e2Signal, 1e-9, 'e²R');
  assert.ok(Math.abs(a.moments.signal - b.moments.signal) < 1e-6);
});

test('PerWeightOptimalBaseline: running ratios per synapse, save/load, and the per-unit paths refused', () => {
  const bl = baselineFor('optimal-per-weight').create(2, 0.5, 3) as PerWeightOptimalBaseline;
  assert.ok(bl instanceof PerWeightOptimalBaseline);
  const m = emptyPerWeightMoments(3, 2);
  m.x2e2.set([1, 2, 3, 4, 5, 6]);
  m.x2e2Signal.set([2, 2, 2, 2, 2, 2]);
  m.e2.set([1, 1]);
  m.e2Signal.set([3, 4]);
  bl.updatePerWeight(m);
  // num = 0.5·1e-6 + 0.5·s, den = 0.5·1e-6 + 0.5·q
  assertAllClose(bl.weightValues(), [1, 2, 3, 4, 5, 6].map((q) => (0.5e-6 + 1) / (0.5e-6 + 0.5 * q)), 1e-6, 'L̄ᵢⱼ');
  assertAllClose(bl.valueArray(2), [(0.5e-6 + 1.5) / (0.5e-6 + 0.5), (0.5e-6 + 2) / (0.5e-6 + 0.5)], 1e-6, 'L̄ᵢ');
  const copy = new PerWeightOptimalBaseline(3, 2, 0.5);
  copy.load(bl.state());
  assert.equal(Array.from(copy.weightValues()), Array.from(bl.weightValues()));
  throwsWith(() => copy.load({ numW: [1] }), 'numW', '6');
  throwsWith(() => bl.update(), 'typed update path');
  throwsWith(() => baselineFor('optimal-per-weight').create(2, 0.9), 'inputs');
});

const cartPole = make('CartPole-v1');

test("agent option baseline 'optimal-per-weight': checked, trained on the typed path, saved and loaded", async () => {
  throwsWith(() => new BroadcastAgent(cartPole.observationSpace, cartPole.actionSpace, { estimator: 'st', baseline: 'optimal-per-weight' }), "'optimal-per-weight'", "'st'");
  throwsWith(() => new BroadcastAgent(cartPole.observationSpace, cartPole.actionSpace, { estimator: 'reinforce-optimal', baseline: 'optimal-per-weight', updatePath: 'tfjs' }), 'typed', "'tfjs'");
  const run = await runTraining({ env: 'CartPole-v1', steps: 1500, numEnvs: 2, seed: 3, agent: { estimator: 'reinforce-optimal', baseline: 'optimal-per-weight', hidden: [6], batchSize: 64 } });
  const a = run.agent;
  const layers = a.estimatorState.baselines;
  assert.is(layers.length, 2);
  for (const [l, b] of layers.entries()) {
    assert.ok(b instanceof PerWeightOptimalBaseline, `layer ${l}`);
    const w = b.weightValues();
    assert.is(w.length, l === 0 ? 4 * 6 : 6 * 1);
    assert.ok(w.some((v) => Math.abs(v - 1) > 1e-3), 'the ratios moved from their start');
  }
  const snap = JSON.parse(JSON.stringify(a.toJSON()));
  const b = new BroadcastAgent(cartPole.observationSpace, cartPole.actionSpace, snap.options);
  b.loadJSON(snap);
  assert.equal(JSON.parse(JSON.stringify(b.toJSON())), snap);
  a.dispose();
  b.dispose();
});

test.run();
