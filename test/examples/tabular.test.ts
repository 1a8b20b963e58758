import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromArg, measureEpisodes, presetOptimum } from '../../examples/tabular.js';

const eps = (returns: number[]) => returns.map((r, i) => ({ globalStep: 10 * (i + 1), return: r }));

test('measureEpisodes: the first step at which the window mean reaches the target, and the last window mean', () => {
  // Window 3: means 1, 2, 3, 4 at episodes 3..6 (steps 30..60).
  const e = eps([0, 1, 2, 3, 4, 5]);
  assert.equal(measureEpisodes(e, 3, 3), { reached: 50, final: 4 });
  assert.equal(measureEpisodes(e, 1, 3), { reached: 30, final: 4 }, 'not before the window is full');
  assert.equal(measureEpisodes(e, 9, 3), { reached: null, final: 4 });
  assert.equal(measureEpisodes(eps([2, 4]), 0, 3), { reached: null, final: 3 }, 'fewer episodes than the window: no reach, the mean of what there is');
});

test('presetOptimum: the exact optimum under the preset\'s step limit', () => {
  assert.ok(Math.abs(presetOptimum('Taxi-v3') - 7.93) < 1e-9);
  assert.ok(Math.abs(presetOptimum('FrozenLake8x8-v1') - 0.91322) < 1e-5);
  // CliffWalkingSlippery-v1's preset cuts episodes at 200 steps: −64.702 (−64.709 without a cut).
  assert.ok(Math.abs(presetOptimum('CliffWalkingSlippery-v1') + 64.7023) < 1e-4);
  assert.throws(() => presetOptimum('CartPole-v1'), /no exact optimum/);
});

test('fromArg: --from names a folder', () => {
  assert.is(fromArg(['--seeds', '3']), undefined);
  assert.is(fromArg(['--from', 'runs/x']), 'runs/x');
  assert.throws(() => fromArg(['--from']), /--from must name a compare folder/);
});

test.run();
