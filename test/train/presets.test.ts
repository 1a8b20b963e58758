import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../envs/index.js';
import { isRegistered } from '../../src/core/registry.js';
import { resolveAgentOptions } from '../../agents/agent.js';
import { make } from '../../src/core/registry.js';
import { ESTIMATOR_IDS } from '../../src/estimators/index.js';
import { PRESETS, presetAgentOptions, presetFor } from '../../src/train/presets.js';
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

test('an env without a preset gets an empty one', () => {
  assert.equal(presetFor('Acrobot-v1').agent, {});
});

test('the tabular presets of issue 13 are what train resolves: one sub-env, a categorical head without biases, their budgets', () => {
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
    assert.is(o.agent.headBias, false, env);
    assert.equal(o.agent.hidden, [], env);
    // st backpropagates into hidden units, so it needs a layer: the preset gives it 8 units.
    assert.equal(resolveTrainOptions({ env, estimator: 'st' }, {}).agent.hidden, [8], `${env} st`);
    // Every one has an exact optimum under the step limit train uses (the dashed line of its plots).
    assert.is(envOptimum(env, { envKwargs: o.envKwargs }).kind, 'exact', env);
  }
  assert.is(resolveTrainOptions({ env: 'Taxi-v3', lr: '0.5' }, {}).agent.learningRate, 0.5, 'a flag still wins over the preset');
});

test.run();
