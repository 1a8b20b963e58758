import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register, unregister } from '../../../src/core/registry.js';
import { Discrete } from '../../../src/core/spaces.js';
import { specs } from '../../../envs/bandits/index.js';
import type { BanditStepInfo } from '../../../envs/bandits/common.js';
import { throwsWith } from '../../helpers.js';

const IDS = ['BernoulliBandit-v0', 'GaussianBandit-v0', 'NonstationaryBandit-v0', 'ContextualBandit-v0'];

test('specs: the four ids, each with a description, no step limit and no reward threshold', () => {
  assert.equal(
    specs.map((s) => s.id),
    IDS,
  );
  for (const s of specs) {
    assert.type(s.create, 'function');
    assert.ok(typeof s.description === 'string' && s.description.length > 0, `${s.id} description`);
    assert.is(s.maxEpisodeSteps, undefined, `${s.id} maxEpisodeSteps`);
    assert.is(s.rewardThreshold, undefined, `${s.id} rewardThreshold`);
  }
});

test('checkEnv reports ok for every spec built with its defaults', () => {
  for (const s of specs) {
    const report = checkEnv(() => s.create({}));
    assert.ok(report.ok, `${s.id}: ${report.problems.join('\n')}`);
  }
});

test('create passes options to the constructor and rejects unknown ones', () => {
  for (const s of specs) {
    const env = s.create({ k: 3 });
    assert.is((env.actionSpace as Discrete).n, 3, s.id);
    throwsWith(() => s.create({ bogus: 1 }), "unknown option 'bogus'");
  }
});

test('made through the registry (checker, order enforcing): one pull per episode, ok for checkEnv', () => {
  const mine = specs.filter((s) => !isRegistered(s.id));
  for (const s of mine) register(s);
  try {
    for (const id of IDS) {
      const report = checkEnv(() => make(id));
      assert.ok(report.ok, `${id}: ${report.problems.join('\n')}`);
      const env = make<number, number>(id, { k: 2 });
      env.reset({ seed: 0 });
      const s = env.step(1);
      assert.is(s.terminated, true);
      assert.type((s.info as BanditStepInfo).regret, 'number');
      throwsWith(() => env.step(0), 'call reset() first');
      env.reset();
      env.step(0);
    }
  } finally {
    for (const s of mine) unregister(s.id);
  }
});

test.run();
