/** Action heads: which head fits which space, and how unit samples become actions. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headFor, sampleHead } from '../../agents/heads.js';
import { Box, Discrete, MultiBinary } from '../../src/core/spaces.js';
import { assertAllClose, throwsWith } from '../helpers.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

test('headFor picks the head from the action space', () => {
  assert.equal(headFor(new Discrete(2)), { kind: 'bernoulli', units: 1, actSize: 1, n: 2, start: 0 });
  assert.equal(headFor(new Discrete(10)), { kind: 'binary-code', units: 4, actSize: 1, n: 10, start: 0 });
  assert.equal(headFor(new Discrete(4, 1)).units, 2);
  assert.equal(headFor(new Discrete(10), undefined, true).kind, 'categorical');
  assert.equal(headFor(new Discrete(10), 'categorical').units, 10);
  assert.equal(headFor(new MultiBinary(5)), { kind: 'multibinary', units: 5, actSize: 5, n: 5, start: 0 });
});

test('headFor errors name the head and the space', () => {
  throwsWith(() => headFor(new Discrete(3), 'bernoulli'), "'bernoulli'", 'Discrete(3)');
  throwsWith(() => headFor(new Discrete(3), 'softmax' as 'categorical'), 'head', '"softmax"');
  throwsWith(() => headFor(new MultiBinary(2), 'categorical'), "'categorical'");
  throwsWith(() => headFor(new Box(-1, 1, [2])), 'Box');
});

test('binary-code: unit j is bit j, and a code ≥ k maps to code mod k', () => {
  const head = headFor(new Discrete(10, 3));
  // rows: all bits on (code 15 → 5), bits 0 and 2 on (code 5), nothing on (code 0)
  const a = Float32Array.from([9, 9, 9, 9, 9, -9, 9, -9, -9, -9, -9, -9]);
  const u = new Float32Array(12).fill(0.5);
  const p = new Float32Array(12);
  const h = new Float32Array(12);
  const actions = new Float32Array(3);
  sampleHead(head, a, p, h, u, 3, actions);
  assert.equal(Array.from(h), [1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0]);
  assert.equal(Array.from(actions), [3 + 5, 3 + 5, 3 + 0]);
});

test('categorical: p = softmax(a), the action by inverse CDF of one uniform, h its one-hot', () => {
  const head = headFor(new Discrete(3), 'categorical');
  const a = Float32Array.from([0, Math.log(2), Math.log(5), 0, Math.log(2), Math.log(5)]);
  const p = new Float32Array(6);
  const h = new Float32Array(6);
  const actions = new Float32Array(2);
  // CDF: 0.125, 0.375, 1
  sampleHead(head, a, p, h, Float32Array.from([0.2, 0, 0, 0.99, 0, 0]), 2, actions);
  assertAllClose(Array.from(p), [0.125, 0.25, 0.625, 0.125, 0.25, 0.625], 1e-6, 'p');
  assert.equal(Array.from(h), [0, 1, 0, 0, 0, 1]);
  assert.equal(Array.from(actions), [1, 2]);
});

test('bernoulli and multibinary: the samples are the action', () => {
  const p = new Float32Array(4);
  const h = new Float32Array(4);
  const actions = new Float32Array(4);
  sampleHead(headFor(new MultiBinary(2)), Float32Array.from([0, 0, 0, 0]), p, h, Float32Array.from([0.4, 0.6, 0.6, 0.4]), 2, actions);
  assert.equal(Array.from(actions), [1, 0, 0, 1]);
  assert.equal(Array.from(p), [0.5, 0.5, 0.5, 0.5]);
  sampleHead(headFor(new Discrete(2)), Float32Array.from([0, 0]), p, h, Float32Array.from([0.4, 0.6]), 2, actions);
  assert.equal(Array.from(actions.subarray(0, 2)), [1, 0]);
});

test.run();
