import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as classic from '../../../envs/classic/index.js';
import { specs } from '../../../envs/classic/specs.js';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import { throwsWith } from '../../helpers.js';

function registerSpecs(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

test("ids, step limits and reward thresholds are Gymnasium's", () => {
  const table = Object.fromEntries(specs.map((s) => [s.id, [s.maxEpisodeSteps, s.rewardThreshold]]));
  assert.equal(table, {
    'CartPole-v1': [500, 475],
    'MountainCar-v0': [200, -110],
    'Acrobot-v1': [500, -100],
  });
  for (const s of specs) assert.ok(typeof s.description === 'string' && s.description.length > 20, `${s.id} has a description`);
});

test('make builds each env, wrapped in TimeLimit with the spec limit, and checkEnv passes', () => {
  registerSpecs();
  for (const s of specs) {
    const env = make(s.id);
    assert.is(env.spec?.id, s.id);
    assert.is(env.spec?.maxEpisodeSteps, s.maxEpisodeSteps);
    assert.is(env.spec?.rewardThreshold, s.rewardThreshold);
    assert.match(env.toString(), /^<OrderEnforcing<TimeLimit<PassiveEnvChecker/);
    const report = checkEnv(() => make(s.id));
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test("make passes options to the constructor, and rejects unknown ones by name", () => {
  registerSpecs();
  const cp = make('CartPole-v1', { suttonBartoReward: true }).unwrapped as classic.CartPole;
  assert.is(cp.suttonBartoReward, true);
  const mc = make('MountainCar-v0', { goalVelocity: 0.01 }).unwrapped as classic.MountainCar;
  assert.is(mc.goalVelocity, 0.01);
  const ac = make('Acrobot-v1', { bookOrNips: 'nips' }).unwrapped as classic.Acrobot;
  assert.is(ac.bookOrNips, 'nips');
  throwsWith(() => make('CartPole-v1', { gravity: 3 }), "unknown option 'gravity'", '3');
});

test('the folder index re-exports the envs and the specs', () => {
  assert.is(classic.specs, specs);
  for (const name of ['CartPole', 'CartPoleVectorEnv', 'MountainCar', 'Acrobot', 'cartPoleStep', 'mountainCarStep', 'acrobotDerivatives', 'rk4']) {
    assert.ok(name in classic, `${name} is exported`);
  }
});

test.run();
