/** The estimator registry: ids, specs, and the error for an unknown id. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ESTIMATORS, ESTIMATOR_IDS, estimatorSpec } from '../../src/estimators/index.js';
import { throwsWith } from '../helpers.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

test('every id maps to a spec with that id, a summary and a source', () => {
  assert.equal(ESTIMATOR_IDS, ['reinforce-optimal', 'reinforce', 'reinforce-mean', 'reinforce-critic', 'st', 'st-sigmoid', 'learned-correction', 'noisy-relu', 'sts', 'backprop']);
  for (const id of ESTIMATOR_IDS) {
    const s = estimatorSpec(id);
    assert.is(s.id, id);
    assert.is(ESTIMATORS[id], s);
    assert.ok(s.summary.length > 0 && s.source.length > 0, id);
    // Straight-through and its relatives need a hidden layer to backprop into.
    assert.is(s.needsHidden, s.hiddenRule !== 'local' && id !== 'backprop', `${id}.needsHidden`);
    assert.is(s.critic, s.baseline === 'critic', `${id}.critic`);
  }
});

test('an unknown id is an error that names it and lists the valid ids', () => {
  throwsWith(() => estimatorSpec('reinforce-best'), '"reinforce-best"', ...ESTIMATOR_IDS);
});

test.run();
