import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { isRegistered } from '../../src/core/registry.js';
import { resolveAgentOptions } from '../../agents/agent.js';
import { make } from '../../src/core/registry.js';
import { ESTIMATOR_IDS } from '../../src/estimators/index.js';
import { PRESETS, presetAgentOptions, presetFor } from '../../src/train/presets.js';
import { presetFileSchema } from '../../src/tune/preset-file.js';
import { resolveTrainOptions } from '../../src/cli/train.js';
import { envOptimum } from '../../src/optimum/index.js';

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

test('an env without a preset gets an empty one', async () => {
  await import('../../examples/custom-env.js');
  assert.equal(presetFor('Corridor-v0').agent, {});
});

test('the Acrobot-v1 preset parses as a preset file and is what train resolves to', () => {
  const p = presetFor('Acrobot-v1');
  assert.ok(Object.prototype.hasOwnProperty.call(PRESETS, 'Acrobot-v1'), 'a built-in preset');
  presetFileSchema.parse({ kind: 'rewardcast-preset', version: 1, env: 'Acrobot-v1', ...p });
  const t = resolveTrainOptions({ env: 'Acrobot-v1' }, {});
  assert.is(t.numEnvs, p.numEnvs);
  assert.is(t.steps, p.steps);
  for (const [k, v] of Object.entries(p.agent)) assert.equal((t.agent as Record<string, unknown>)[k], v, `train uses the preset's ${k}`);
  const hidden = resolveTrainOptions({ env: 'Acrobot-v1', estimator: 'weight-max' }, {});
  assert.equal(hidden.agent.hidden, p.byEstimator?.['weight-max']?.hidden, 'an estimator that needs hidden units gets its byEstimator layer');
  assert.ok((hidden.agent.hidden ?? []).length > 0);
  assert.equal(presetAgentOptions(p, 'hnca').hidden, presetAgentOptions(p, 'weight-max').hidden, 'every estimator that needs hidden units gets the layer');
  assert.is(presetAgentOptions(p, 'arm').credit, 'episode', 'paired estimators get episode credit');
  assert.is(presetAgentOptions(p, 'arm').hidden, p.agent.hidden, 'and keep the shared options');
  assert.ok(Object.keys(p.byEstimator ?? {}).includes('disarm') && Object.keys(p.byEstimator ?? {}).includes('st'), 'the per-estimator options list both kinds');
  // Every estimator resolves against the env's action space, Discrete(3).
  for (const est of ESTIMATOR_IDS) resolveAgentOptions({ ...presetAgentOptions(p, est), estimator: est }, make('Acrobot-v1').actionSpace);
});

test('the tabular presets of issue 13 are what train resolves: one sub-env, a categorical head (without biases but on FrozenLake8x8), their budgets', () => {
  const expected: Record<string, { steps: number; envKwargs: Record<string, unknown> }> = {
    'FrozenLake-v1': { steps: 200_000, envKwargs: {} },
    'FrozenLake8x8-v1': { steps: 1_000_000, envKwargs: {} },
    'Taxi-v3': { steps: 1_000_000, envKwargs: {} },
    'CliffWalkingSlippery-v1': { steps: 300_000, envKwargs: { maxEpisodeSteps: 200 } },
  };
  for (const [env, e] of Object.entries(expected)) {
    const o = resolveTrainOptions({ env }, {});
    assert.is(o.numEnvs, 1, env);
    assert.is(o.steps, e.steps, `${env}: the preset's budget`);
    assert.equal(o.envKwargs, e.envKwargs, env);
    assert.is(o.agent.head, 'categorical', env);
    assert.is(o.agent.headBias, env === 'FrozenLake8x8-v1' ? undefined : false, env);
    assert.equal(o.agent.hidden, [], env);
    // st backpropagates into hidden units, so it needs a layer: the preset gives it 8 units.
    assert.equal(resolveTrainOptions({ env, estimator: 'st' }, {}).agent.hidden, [8], `${env} st`);
    // Every one has an exact optimum under the step limit train uses (the dashed line of its plots).
    assert.is(envOptimum(env, { envKwargs: o.envKwargs }).kind, 'exact', env);
  }
  assert.is(resolveTrainOptions({ env: 'Taxi-v3', lr: '0.5' }, {}).agent.learningRate, 0.5, 'a flag still wins over the preset');
});

test.run();
