import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { registerBuiltins } from '../../envs/index.js';
import { checkEnv } from '../../src/core/check-env.js';
import { make, registeredSpecs } from '../../src/core/registry.js';

const BUILTIN_IDS = [
  'CartPole-v1',
  'MountainCar-v0',
  'Acrobot-v1',
  'FrozenLake-v1',
  'FrozenLake8x8-v1',
  'CliffWalking-v1',
  'CliffWalkingSlippery-v1',
  'Taxi-v3',
  'BernoulliBandit-v0',
  'GaussianBandit-v0',
  'NonstationaryBandit-v0',
  'ContextualBandit-v0',
];

test('every built-in id is registered, and registerBuiltins is idempotent', () => {
  registerBuiltins();
  const ids = registeredSpecs().map((s) => s.id);
  for (const id of BUILTIN_IDS) assert.ok(ids.includes(id), `${id} is registered`);
});

test('checkEnv passes on every registered id (made through make, two copies seeded alike)', () => {
  const failures: string[] = [];
  for (const s of registeredSpecs()) {
    const report = checkEnv(() => make(s.id), { seed: 3, steps: 300 });
    if (!report.ok) failures.push(...report.problems);
  }
  assert.equal(failures, []);
});

test.run();
