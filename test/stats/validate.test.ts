import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/core/rng.js';
import { assertFiniteArray, assertInteger, describe, toRng } from '../../src/stats/validate.js';
import { throwsWith } from '../helpers.js';

test('describe renders arrays, typed arrays, objects and strings readably', () => {
  assert.is(describe([]), '[]');
  assert.is(describe(new Float64Array(0)), '[]');
  assert.is(describe([1, NaN, -Infinity]), '[1, NaN, -Infinity]');
  assert.is(describe([[1], [2, 3]]), '[[1], [2, 3]]');
  assert.is(describe({ step: 1, return: NaN }), '{ step: 1, return: NaN }');
  assert.is(describe('x'), '"x"');
  assert.is(describe(undefined), 'undefined');
  // long arrays are elided: the first 6, an ellipsis, the last, and the length
  assert.is(describe(Array.from({ length: 20 }, (_, i) => i)), '[0, 1, 2, 3, 4, 5, …, 19] (length 20)');
});

test('checks name the function, the argument and the value', () => {
  throwsWith(() => assertFiniteArray([], 'iqm', 'values'), 'iqm: values must be a non-empty array of finite numbers, got []');
  throwsWith(() => assertInteger(0, 'bootstrap', 'reps', 1), 'bootstrap: reps must be a positive integer, got 0');
  throwsWith(() => assertInteger(-1, 'f', 'k', 0), 'f: k must be a non-negative integer, got -1');
});

test('toRng passes an Rng through and seeds a fresh one from an integer', () => {
  const r = Rng.fromSeed(1);
  assert.is(toRng(r, 'f'), r);
  assert.is(toRng(5, 'f').random(), Rng.fromSeed(5).random());
  throwsWith(() => toRng(1.5, 'f'), 'f: rng must be an Rng or an integer seed in [0, 2^32), got 1.5');
  throwsWith(() => toRng(undefined, 'f'), 'got undefined');
});

test.run();
