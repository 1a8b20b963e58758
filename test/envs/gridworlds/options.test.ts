import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkGridRows,
  checkOptionKeys,
  colorize,
  readBoolean,
  readFinite,
  readProbability,
  readRenderMode,
  stripAnsi,
} from '../../../envs/gridworlds/options.js';
import { throwsWith } from '../../helpers.js';

test('colorize uses Gymnasium\'s codes: colour, +10 to highlight, 1 for bold', () => {
  assert.is(colorize('S', 'red', { highlight: true }), '\x1b[41mS\x1b[0m');
  assert.is(colorize('R', 'blue', { bold: true }), '\x1b[34;1mR\x1b[0m');
  assert.is(colorize('G', 'magenta'), '\x1b[35mG\x1b[0m');
  assert.is(stripAnsi(`a${colorize('b', 'green', { highlight: true, bold: true })}c`), 'abc');
});

test('checkGridRows accepts a rectangle of legend tiles and names the first problem', () => {
  assert.equal(checkGridRows(['SF', 'HG'], 'SFHG', 'Env', 'desc'), ['SF', 'HG']);
  throwsWith(() => checkGridRows(['SF', 'H'], 'SFHG', 'Env', 'desc'), 'Env: desc row 1 has length 1, expected 2');
  throwsWith(() => checkGridRows(['SF', 'Hx'], 'SFHG', 'Env', 'desc'), 'Env: desc row 1, column 1 has unknown tile "x"', 'allowed tiles: S F H G');
  throwsWith(() => checkGridRows(['SF', 3], 'SFHG', 'Env', 'desc'), 'desc row 1 must be a string, got 3');
  throwsWith(() => checkGridRows(['', ''], 'SFHG', 'Env', 'desc'), 'desc row 0 is empty');
  throwsWith(() => checkGridRows(null, 'SFHG', 'Env', 'desc'), 'desc must be a non-empty array of strings, got null');
});

test('option readers: defaults, values, and errors naming the key and value', () => {
  const o = checkOptionKeys({ a: true, p: 0.5, x: 2, renderMode: 'ansi' }, ['a', 'p', 'x', 'renderMode'], 'Env');
  assert.is(readBoolean(o, 'a', false, 'Env'), true);
  assert.is(readBoolean(o, 'missing', false, 'Env'), false);
  assert.is(readProbability(o, 'p', 0, 'Env'), 0.5);
  assert.is(readFinite(o, 'x', 0, 'Env'), 2);
  assert.is(readRenderMode(o, 'Env'), 'ansi');
  assert.equal(checkOptionKeys(undefined, [], 'Env'), {});
  throwsWith(() => checkOptionKeys({ b: 1 }, ['a'], 'Env'), "Env: unknown option 'b' (value 1); known options: a");
  throwsWith(() => checkOptionKeys(5, ['a'], 'Env'), 'Env: options must be an object, got 5');
  throwsWith(() => readProbability({ p: -0.1 }, 'p', 0, 'Env'), 'Env: p must be a probability in [0, 1], got -0.1');
  throwsWith(() => readFinite({ x: Infinity }, 'x', 0, 'Env'), 'Env: x must be a finite number, got Infinity');
  throwsWith(() => readRenderMode({ renderMode: 'rgb_array' }, 'Env'), 'renderMode', '"rgb_array"');
});

test.run();
