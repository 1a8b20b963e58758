import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { from, lastValueFrom, toArray } from 'rxjs';
import { movingAverage } from '../../../src/stream/operators/moving-average.js';
import { throwsWith } from '../../helpers.js';

test('movingAverage averages what has arrived, then the last `window` values', async () => {
  const out = await lastValueFrom(from([2, 4, 6, 8, 10]).pipe(movingAverage(3), toArray()));
  // 2, (2+4)/2, (2+4+6)/3, (4+6+8)/3, (6+8+10)/3
  assert.equal(out, [2, 3, 4, 6, 8]);
});

test('each subscription keeps its own window (the operator is cold)', async () => {
  const src = from([1, 3]).pipe(movingAverage(2));
  assert.equal(await lastValueFrom(src.pipe(toArray())), [1, 2]);
  assert.equal(await lastValueFrom(src.pipe(toArray())), [1, 2]);
});

test('a bad window is refused with its value', () => {
  throwsWith(() => movingAverage(0), 'window', '0');
});

test.run();
