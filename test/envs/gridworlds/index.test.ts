import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import { isDiscreteEnv, specs } from '../../../envs/gridworlds/index.js';

function registerGridworlds(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

test('one spec per Gymnasium 1.x id, with the registered limits and thresholds', () => {
  assert.equal(
    specs.map((s) => [s.id, s.maxEpisodeSteps, s.rewardThreshold]),
    [
      ['FrozenLake-v1', 100, 0.7],
      ['FrozenLake8x8-v1', 200, 0.85],
      ['CliffWalking-v1', undefined, undefined],
      ['CliffWalkingSlippery-v1', undefined, undefined],
      ['Taxi-v3', 200, 8],
    ],
  );
  for (const s of specs) assert.ok(typeof s.description === 'string' && s.description.length > 0, s.id);
});

test('every id makes a tabular env whose checkEnv report is clean', () => {
  registerGridworlds();
  for (const s of specs) {
    const env = make(s.id);
    assert.ok(isDiscreteEnv(env.unwrapped), s.id);
    const report = checkEnv(() => make(s.id), { steps: 300 });
    assert.ok(report.ok, `${s.id}:\n${report.problems.join('\n')}`);
  }
});

test.run();
