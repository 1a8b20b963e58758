import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { isRegistered } from '../../src/core/registry.js';
import { resolveAgentOptions } from '../../agents/agent.js';
import { make } from '../../src/core/registry.js';
import { ESTIMATOR_IDS } from '../../src/estimators/index.js';
import { PRESETS, presetAgentOptions, presetFor } from '../../src/train/presets.js';

test('every preset names a registered env and gives valid agent options for every estimator that fits', () => {
  for (const [id, p] of Object.entries(PRESETS)) {
    assert.ok(isRegistered(id), id);
    assert.ok(p.note.length > 10, `${id} explains itself`);
    const space = make(id).actionSpace;
    for (const est of ESTIMATOR_IDS) {
      const opts = presetAgentOptions(p, est);
      resolveAgentOptions({ ...opts, estimator: est }, space);
    }
  }
});

test('the estimators since 2013: CartPole and bandit entries over the shared options; the bandit keeps hidden [8] for estimators that need it', () => {
  const cp = presetAgentOptions(PRESETS['CartPole-v1']!, 'weight-perturbation');
  assert.equal([cp.hidden, cp.learningRate, cp.perturbationScale, cp.learningRateSchedule], [[], 0.223, 0.03, 'linear']);
  assert.is(presetAgentOptions(PRESETS['CartPole-v1']!, 'arm').learningRate, PRESETS['CartPole-v1']!.agent.learningRate, 'arm keeps the default');
  const bandit = PRESETS['BernoulliBandit-v0']!;
  assert.equal(presetAgentOptions(bandit, 'hnca'), { ...bandit.agent, hidden: [8], learningRate: 0.0943 });
  assert.equal(presetAgentOptions(bandit, 'st').hidden, [8], 'needsHidden estimators without an entry keep their hidden layer');
  assert.equal(presetAgentOptions(bandit, 'reinforce-optimal'), bandit.agent);
  assert.ok(Object.keys(bandit.byEstimator!).includes('weight-perturbation') && Object.keys(bandit.byEstimator!).includes('st'));
  assert.equal(presetAgentOptions(PRESETS['GaussianBandit-v0']!, 'rloo'), PRESETS['GaussianBandit-v0']!.agent, 'tuned on the Bernoulli bandit only');
});

test('an env without a preset gets an empty one', () => {
  assert.equal(presetFor('Acrobot-v1').agent, {});
});

test.run();
