/** Rollout storage and the discounted reward-to-go. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GrowBuffer, TransitionBuffer, rewardToGo } from '../../agents/rollout.js';
import type { LayerRecord, LayerShape } from '../../agents/network.js';
import { assertAllClose } from '../helpers.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

test('rewardToGo: G_t = r_t + γ·G_{t+1}, starting from the bootstrap value', () => {
  assertAllClose(rewardToGo([1, 2, 3], 0.5, 0), [2.75, 3.5, 3], 1e-6, 'G');
  assertAllClose(rewardToGo([1, 2, 3], 0.5, 4), [3.25, 4.5, 5], 1e-6, 'G with bootstrap');
  assertAllClose(rewardToGo([1, 1, 1, 1], 1, 0), [4, 3, 2, 1], 0, 'γ = 1');
  assert.is(rewardToGo([], 0.9, 7).length, 0);
});

test('GrowBuffer grows, appends and clears', () => {
  const a = new GrowBuffer(2);
  a.push([1, 2, 3, 4, 5], 1, 4);
  assert.equal(Array.from(a.view()), [2, 3, 4, 5]);
  const b = new GrowBuffer(1);
  b.push([9], 0, 1);
  b.append(a);
  assert.equal(Array.from(b.view()), [9, 2, 3, 4, 5]);
  b.clear();
  assert.is(b.view().length, 0);
});

test('TransitionBuffer keeps each row of a batched record, and takeFrom swaps rewards for returns', () => {
  const shapes: LayerShape[] = [
    { nIn: 2, nOut: 3, kind: 'binary' },
    { nIn: 3, nOut: 1, kind: 'head' },
  ];
  const rec: LayerRecord[] = shapes.map((s) => ({
    x: Float32Array.from({ length: 2 * s.nIn }, (_, k) => k + 10 * s.nOut),
    a: Float32Array.from({ length: 2 * s.nOut }, (_, k) => -k),
    p: new Float32Array(2 * s.nOut).fill(0.5),
    h: Float32Array.from({ length: 2 * s.nOut }, (_, k) => k % 2),
    aux: new Float32Array(0),
  }));
  const ep = new TransitionBuffer(shapes);
  ep.pushRow(rec, 1, 2);
  ep.pushRow(rec, 0, 3);
  assert.is(ep.rows, 2);
  assert.equal(Array.from(ep.layers[0]!.x.view()), [32, 33, 30, 31]);
  assert.equal(Array.from(ep.layers[0]!.h.view()), [1, 0, 1, 0, 1, 0]);
  assert.equal(Array.from(ep.values.view()), [2, 3]);
  const pool = new TransitionBuffer(shapes);
  pool.takeFrom(ep, rewardToGo(ep.values.view(), 1, 0));
  assert.is(ep.rows, 0);
  assert.is(pool.rows, 2);
  assert.equal(Array.from(pool.values.view()), [5, 3]);
  assert.equal(Array.from(pool.layers[1]!.x.view()), [13, 14, 15, 10, 11, 12]);
});

test.run();
