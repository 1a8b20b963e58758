import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isVector, toColumns, toRows } from '../../src/stats/score-matrix.js';
import { throwsWith } from '../helpers.js';

test('toColumns stores runs × tasks by task', () => {
  // 3 runs × 2 tasks → columns [1, 3, 5] and [2, 4, 6]
  const m = toColumns([[1, 2], [3, 4], [5, 6]], 'f', 'scores');
  assert.is(m.runs, 3);
  assert.is(m.tasks, 2);
  assert.equal(Array.from(m.columns[0]!), [1, 3, 5]);
  assert.equal(Array.from(m.columns[1]!), [2, 4, 6]);
  assert.equal(toRows(m.columns, m.runs), [[1, 2], [3, 4], [5, 6]]);
});

test('a plain array or Float64Array is one task; Float64Array rows are accepted', () => {
  const v = toColumns([7, 8], 'f', 'scores');
  assert.is(v.runs, 2);
  assert.is(v.tasks, 1);
  assert.is(toColumns(Float64Array.of(1, 2, 3), 'f', 's').runs, 3);
  assert.is(toColumns([Float64Array.of(1, 2), Float64Array.of(3, 4)], 'f', 's').tasks, 2);
  assert.ok(isVector([1]));
  assert.ok(isVector(Float64Array.of(1)));
  assert.not.ok(isVector([[1]]));
});

test('malformed matrices are rejected with the offending entry named', () => {
  throwsWith(() => toColumns([], 'g', 'scores'), 'g: scores must be a non-empty runs × tasks matrix', 'got []');
  throwsWith(() => toColumns([[]], 'g', 'scores'), 'scores[0] = []');
  throwsWith(() => toColumns([[1, 2], [3]], 'g', 'scores'), 'scores[1] = [3], expected a row of 2 tasks');
  throwsWith(() => toColumns([[1, 2], [3, Infinity]], 'g', 'scores'), 'scores[1][1] = Infinity');
  throwsWith(() => toColumns([1, NaN], 'g', 'x'), 'x[1] = NaN');
});

test.run();
