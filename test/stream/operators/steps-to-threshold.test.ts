import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultIfEmpty, from, lastValueFrom } from 'rxjs';
import type { EpisodeEvent } from '../../../src/stream/events.js';
import { stepsToThreshold } from '../../../src/stream/operators/steps-to-threshold.js';
import { throwsWith } from '../../helpers.js';

const episodes = (returns: number[]): EpisodeEvent[] =>
  returns.map((r, i) => ({ kind: 'episode', envId: 'x', env: 0, episode: i, return: r, length: 1, terminated: true, envSteps: 10 * (i + 1), wallSeconds: 0 }));

test('emits the env step at which the full-window mean first reaches the threshold', async () => {
  // windows of 3: [1,2,3]=2, [2,3,4]=3, [3,4,5]=4 -> reaches 3 at the 4th episode, env step 40
  const at = await lastValueFrom(from(episodes([1, 2, 3, 4, 5])).pipe(stepsToThreshold(3, 3)));
  assert.is(at, 40);
});

test('a mean of fewer than `window` episodes does not count', async () => {
  const at = await lastValueFrom(from(episodes([10, 10, 0])).pipe(stepsToThreshold(5, 3)));
  // first full window [10,10,0] has mean 6.67 >= 5: env step 30, not 10
  assert.is(at, 30);
});

test('not reached: nothing is emitted, and defaultIfEmpty makes it explicit', async () => {
  const at = await lastValueFrom(from(episodes([1, 1, 1, 1])).pipe(stepsToThreshold(2, 2), defaultIfEmpty(null)));
  assert.is(at, null);
});

test('bad arguments are refused with their values', () => {
  throwsWith(() => stepsToThreshold(Number.NaN), 'threshold', 'NaN');
  throwsWith(() => stepsToThreshold(1, 2.5), 'window', '2.5');
});

test.run();
