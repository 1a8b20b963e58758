/** Observation encoding: one-hot, scaled boxes, running normalisation, bits. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputEncoder } from '../../agents/inputs.js';
import { Box, Discrete, MultiBinary } from '../../src/core/spaces.js';
import { assertAllClose, throwsWith } from '../helpers.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

test('Discrete(n): one-hot of length n, respecting start', () => {
  const enc = new InputEncoder(new Discrete(4, 2));
  assert.is(enc.size, 4);
  assert.equal(Array.from(enc.encode([2, 5], 2, new Float32Array(8))), [1, 0, 0, 0, 0, 0, 0, 1]);
});

test('Box with finite bounds: scaled linearly to [−1, 1]', () => {
  const enc = new InputEncoder(new Box([0, -2], [10, 2]));
  assertAllClose(Array.from(enc.encode([0, -2, 5, 0, 10, 1], 3, new Float32Array(6))), [-1, -1, 0, 0, 1, 0.5], 1e-6, 'encoded');
});

test('Box with infinite bounds: running (x − mean)/std, clipped to ±5; stats can be frozen, saved, restored', () => {
  const enc = new InputEncoder(new Box([-Infinity], [Infinity]));
  const out = new Float32Array(4);
  enc.encode([1, 3, 5, 7], 4, out);
  // mean 4, sample std √(20/3)
  assertAllClose(Array.from(out), [1, 3, 5, 7].map((x) => (x - 4) / Math.sqrt(20 / 3)), 1e-6, 'normalised');
  enc.updateStats = false;
  const one = new Float32Array(1);
  enc.encode([1000], 1, one);
  assert.is(one[0], 5);
  assert.equal(enc.state(), { count: 4, mean: [4], m2: [20] });
  const other = new InputEncoder(new Box([-Infinity], [Infinity]));
  other.load(enc.state());
  assert.equal(other.state(), enc.state());
  throwsWith(() => other.load({ count: 1, mean: [1, 2], m2: [0, 0] }), 'InputEncoder.load', '1');
});

test('MultiBinary: the bits as they are', () => {
  const enc = new InputEncoder(new MultiBinary(3));
  assert.equal(Array.from(enc.encode([1, 0, 1], 1, new Float32Array(3))), [1, 0, 1]);
});

test.run();
