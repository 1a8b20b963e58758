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

test('an env without a preset gets an empty one', () => {
  assert.equal(presetFor('Acrobot-v1').agent, {});
});

test.run();
