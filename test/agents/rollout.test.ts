/** Rollout storage and the discounted reward-to-go. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GrowBuffer, TransitionBuffer, rewardToGo, segmentReturns } from '../../agents/rollout.js';
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
  a.push(Float32Array.of(1, 2, 3, 4, 5), 1, 4);
  assert.equal(Array.from(a.view()), [2, 3, 4, 5]);
  const b = new GrowBuffer(1);
  b.pushValue(9);
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

test('segmentReturns: per sub-env reward-to-go over a step-major segment, restarting at episode ends', () => {
  // B = 2 sub-envs, T = 3 steps, γ = 0.5; row t·2 + i.
  // sub-env 0: rewards 1, 2, 3, no end; tail V = 8   -> G2 = 3 + 0.5·8 = 7, G1 = 2 + 3.5 = 5.5, G0 = 1 + 2.75 = 3.75
  // sub-env 1: rewards 1, 1, 1; terminated at t = 0, truncated at t = 2 with boot 4; tail 100 unused
  //   G2 = 1 + 0.5·4 = 3, G1 = 1 + 1.5 = 2.5, G0 = 1 + 0 = 1 (terminated)
  const rewards = Float32Array.of(1, 1, 2, 1, 3, 1);
  const done = Uint8Array.of(0, 1, 0, 0, 0, 2);
  const boot = Float32Array.of(0, 0, 0, 0, 0, 4);
  const G = segmentReturns(rewards, done, boot, [8, 100], 2, 3, 0.5);
  assertAllClose(G, [3.75, 1, 5.5, 2.5, 7, 3], 1e-6, 'G');
});

test('segmentReturns agrees with rewardToGo on one sub-env without ends', () => {
  const r = Float32Array.of(0.5, -1, 2, 0.25);
  const a = segmentReturns(r, new Uint8Array(4), new Float32Array(4), [1.5], 1, 4, 0.9);
  const b = rewardToGo(r, 0.9, 1.5);
  assertAllClose(a, b, 1e-6, 'G');
});

test.run();
