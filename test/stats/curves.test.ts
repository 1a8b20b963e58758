import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  areaUnderCurve,
  commonGrid,
  finalReturn,
  stayedSolved,
  resampleToGrid,
  stepsToThreshold,
  type Episode,
} from '../../src/stats/curves.js';
import { assertAllClose, throwsWith } from '../helpers.js';

/** Episodes with the given returns, ending at steps 10, 20, 30, … */
function every10(returns: number[]): Episode[] {
  return returns.map((r, i) => ({ step: 10 * (i + 1), return: r }));
}

test('commonGrid: k·maxStep/points for k = 1..points, rounded to whole steps', () => {
  // 1000/4 = 250 → 250, 500, 750, 1000
  assert.equal(Array.from(commonGrid(1000, 4)), [250, 500, 750, 1000]);
  // 10/3: 3.33 → 3, 6.67 → 7, 10 → 10
  assert.equal(Array.from(commonGrid(10, 3)), [3, 7, 10]);
  assert.equal(Array.from(commonGrid(5, 1)), [5]);
  assert.equal(Array.from(commonGrid(5, 5)), [1, 2, 3, 4, 5]);
});

test('resampleToGrid: NaN before the first episode, then the mean of the last `window` episodes', () => {
  const eps: Episode[] = [
    { step: 10, return: 1 },
    { step: 20, return: 3 },
    { step: 30, return: 5 },
    { step: 30, return: 7 }, // two sub-envs finished on the same step
  ];
  const v = resampleToGrid(eps, [5, 10, 25, 30, 100], 2);
  assert.ok(Number.isNaN(v[0]), 'step 5: no episode yet → NaN');
  // step 10: only [1] has ended → 1 (a partial window counts on the curve)
  // step 25: [1, 3] → 2
  // step 30: last two of [1, 3, 5, 7] → (5 + 7)/2 = 6
  // step 100: nothing new → 6
  assertAllClose(v.subarray(1), [1, 2, 6, 6], 0, 'curve');
  // default window (100) averages everything so far: (1 + 3 + 5 + 7)/4 = 4
  assert.is(resampleToGrid(eps, [30])[0], 4);
});

test('resampleToGrid of a run with no episodes is all NaN', () => {
  const v = resampleToGrid([], [1, 2, 3], 10);
  assert.ok(Array.from(v).every(Number.isNaN));
});

test('areaUnderCurve of a linear ramp is its mean height', () => {
  // values 2·step on steps 0..4: trapezoids (0+2)/2 + (2+4)/2 + (4+6)/2 + (6+8)/2 = 1 + 3 + 5 + 7 = 16;
  // span 4 − 0 = 4 → 16/4 = 4 (= (0 + 8)/2, the ramp's mean)
  assert.is(areaUnderCurve([0, 1, 2, 3, 4], [0, 2, 4, 6, 8]), 4);
  // uneven grid [0, 1, 3] on y = step: (0+1)/2·1 + (1+3)/2·2 = 0.5 + 4 = 4.5; span 3 → 1.5
  assert.is(areaUnderCurve([0, 1, 3], [0, 1, 3]), 1.5);
  // on a grid that does not start at 0: [250, 500, 750, 1000], constant 200 → 200
  assert.is(areaUnderCurve(commonGrid(1000, 4), [200, 200, 200, 200]), 200);
});

test('areaUnderCurve: one point is its value; NaN anywhere gives NaN', () => {
  assert.is(areaUnderCurve([7], [3]), 3);
  assert.ok(Number.isNaN(areaUnderCurve([1, 2, 3], [NaN, 1, 2])));
});

test('stepsToThreshold: reached, exactly at the threshold, not reached', () => {
  const eps = every10([1, 2, 3, 4]);
  // windows of 2: (1,2) = 1.5 at step 20, (2,3) = 2.5 at step 30, (3,4) = 3.5 at step 40
  assert.equal(stepsToThreshold(eps, 2.5, 2), { reached: true, step: 30 }); // exactly 2.5 ≥ 2.5
  assert.equal(stepsToThreshold(eps, 2.6, 2), { reached: true, step: 40 });
  assert.equal(stepsToThreshold(eps, 3.5, 2), { reached: true, step: 40 }); // exactly at, on the last window
  assert.equal(stepsToThreshold(eps, 3.6, 2), { reached: false });
  // window 1 is the first single episode ≥ threshold: return 3 at step 30
  assert.equal(stepsToThreshold(eps, 3, 1), { reached: true, step: 30 });
});

test('stepsToThreshold needs `window` full episodes (Gymnasium rule)', () => {
  // one great episode is not a window of 2
  assert.equal(stepsToThreshold(every10([100]), 1, 2), { reached: false });
  // the partial window (100) would be ≥ 50, but the first full window is (100, 0) = 50 at step 20
  assert.equal(stepsToThreshold(every10([100, 0, 0]), 50, 2), { reached: true, step: 20 });
  // no episodes: not reached
  assert.equal(stepsToThreshold([], 0, 1), { reached: false });
  // default window 100: 99 episodes of return 500 are not enough, the 100th completes it
  const eps = every10(new Array(100).fill(500));
  assert.equal(stepsToThreshold(eps.slice(0, 99), 475), { reached: false });
  assert.equal(stepsToThreshold(eps, 475), { reached: true, step: 1000 });
});

test('finalReturn: mean of the last `window` episodes, all when fewer, NaN when none', () => {
  const eps = every10([5, 1, 2, 3]);
  assert.is(finalReturn(eps, 3), 2); // (1 + 2 + 3)/3
  assert.is(finalReturn(eps, 10), 2.75); // fewer than 10: (5 + 1 + 2 + 3)/4 = 11/4
  assert.is(finalReturn(eps), 2.75); // default window 100
  assert.ok(Number.isNaN(finalReturn([], 3)));
  // equals the last point of the grid curve
  assert.is(resampleToGrid(eps, [1000], 3)[0], finalReturn(eps, 3));
});

test('stayedSolved: share of windows at or above the threshold from the first solve on', () => {
  const eps = [1, 3, 3, 1, 3].map((r, i) => ({ step: i + 1, return: r }));
  // windows of 2: (1,3)=2, (3,3)=3 first solve, (3,1)=2, (1,3)=2 → 1 of 3 from the first solve
  assert.equal(stayedSolved(eps, 2.5, 2), { windows: 3, above: 1, share: 1 / 3 });
  // a run that solves and stays: share 1
  assert.equal(stayedSolved(every10([0, 5, 5, 5]), 5, 1), { windows: 3, above: 3, share: 1 });
  // never solved: no windows, share NaN
  const never = stayedSolved(every10([1, 1, 1]), 5, 2);
  assert.is(never.windows, 0);
  assert.ok(Number.isNaN(never.share));
  // fewer episodes than a window: nothing to judge
  assert.is(stayedSolved(every10([9]), 5, 2).windows, 0);
  throwsWith(() => stayedSolved(every10([1]), 1, 0), 'stayedSolved: window must be a positive integer, got 0');
});

test('errors name the function, the argument and the value', () => {
  throwsWith(() => commonGrid(0, 1), 'commonGrid: maxStep must be a positive integer, got 0');
  throwsWith(() => commonGrid(3, 4), 'commonGrid: points must be <= maxStep (3), got 4');
  throwsWith(() => resampleToGrid(every10([1]), [2, 1]), 'resampleToGrid: grid must be strictly increasing', 'grid[1] = 1 after 2');
  throwsWith(() => resampleToGrid(every10([1]), []), 'resampleToGrid: grid must be a non-empty array of finite numbers, got []');
  throwsWith(() => resampleToGrid(every10([1]), [1], 0), 'resampleToGrid: window must be a positive integer, got 0');
  throwsWith(
    () => stepsToThreshold([{ step: 20, return: 1 }, { step: 10, return: 1 }], 0),
    'stepsToThreshold: episodes must be sorted by step, got episodes[1].step = 10 after 20',
  );
  throwsWith(() => stepsToThreshold(every10([1]), NaN), 'stepsToThreshold: threshold must be a finite number, got NaN');
  throwsWith(() => finalReturn([{ step: 1, return: NaN }]), 'finalReturn: episodes must be', 'episodes[0] = { step: 1, return: NaN }');
  throwsWith(() => areaUnderCurve([1, 2], [1]), 'areaUnderCurve: values must be an array as long as grid (2), got [1]');
});

test.run();
