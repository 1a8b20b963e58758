import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOptionKeys, checkState, parseResetBounds, readBoolean, readChoice, readFinite, readRenderMode } from '../../../envs/classic/options.js';
import { throwsWith } from '../../helpers.js';

test('parseResetBounds: defaults, each bound on its own, and named errors', () => {
  assert.equal(parseResetBounds({}, -1, 1, 'X.reset'), [-1, 1]);
  assert.equal(parseResetBounds({ options: {} }, -1, 1, 'X.reset'), [-1, 1]);
  assert.equal(parseResetBounds({ options: { low: 0 } }, -1, 1, 'X.reset'), [0, 1]);
  assert.equal(parseResetBounds({ options: { high: 0 } }, -1, 1, 'X.reset'), [-1, 0]);
  assert.equal(parseResetBounds({ options: { low: 0.5, high: 0.5, other: 'ignored' } }, -1, 1, 'X.reset'), [0.5, 0.5]);
  throwsWith(() => parseResetBounds({ options: { low: 2 } }, -1, 1, 'X.reset'), 'X.reset', 'options.low must be <= options.high', 'low=2', 'high=1');
  throwsWith(() => parseResetBounds({ options: { high: null } }, -1, 1, 'X.reset'), 'options.high', 'null');
  throwsWith(() => parseResetBounds({ options: { low: Number.NaN } }, -1, 1, 'X.reset'), 'options.low', 'NaN');
});

test('option readers name the option and the value', () => {
  const o = checkOptionKeys({ a: true, b: 2, c: 'x' }, ['a', 'b', 'c', 'renderMode'], 'X');
  assert.is(readBoolean(o, 'a', false, 'X'), true);
  assert.is(readBoolean(o, 'missing', false, 'X'), false);
  assert.is(readFinite(o, 'b', 0, 'X'), 2);
  assert.is(readChoice(o, 'c', ['x', 'y'], 'y', 'X'), 'x');
  assert.is(readRenderMode(o, 'X'), undefined);
  throwsWith(() => readBoolean(o, 'b', false, 'X'), 'X: b must be a boolean, got 2');
  throwsWith(() => readFinite(o, 'c', 0, 'X'), 'X: c must be a finite number, got "x"');
  throwsWith(() => readChoice(o, 'c', ['p', 'q'], 'p', 'X'), "c must be one of 'p', 'q'", '"x"');
  throwsWith(() => readRenderMode({ renderMode: 'human' }, 'X'), 'renderMode', '"human"');
  throwsWith(() => checkOptionKeys({ z: 1 }, ['a'], 'X'), "X: unknown option 'z'", 'value 1', 'known options: a');
  throwsWith(() => checkOptionKeys(5, ['a'], 'X'), 'options must be an object', '5');
  assert.equal(checkOptionKeys(undefined, ['a'], 'X'), {});
});

test('checkState accepts arrays and typed arrays of the right length only', () => {
  assert.equal(Array.from(checkState([1, 2], 2, 'X')), [1, 2]);
  assert.equal(Array.from(checkState(new Float32Array([1, 2]), 2, 'X')), [1, 2]);
  throwsWith(() => checkState([1, '2'], 2, 'X'), 'X: state must be 2 numbers', '[1, "2"]');
  throwsWith(() => checkState(3, 2, 'X'), 'state must be 2 numbers', '3');
});

test.run();
