/** The estimator registry: ids, specs, and the error for an unknown id. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ESTIMATORS, ESTIMATOR_IDS, estimatorFor, estimatorSpec, hasEstimator, listEstimators, registerEstimator } from '../../src/estimators/index.js';
import { throwsWith } from '../helpers.js';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { make } from '../../src/core/registry.js';
import { initBackend } from '../../src/tensor/backend.js';

await initBackend('cpu', () => {});

test('every id maps to a spec with that id, a summary and a source', () => {
  assert.equal(ESTIMATOR_IDS.slice(0, 10), ['reinforce-optimal', 'reinforce', 'reinforce-mean', 'reinforce-critic', 'st', 'st-sigmoid', 'learned-correction', 'noisy-relu', 'sts', 'backprop']);
  for (const id of ESTIMATOR_IDS.slice(0, 10)) {
    const s = estimatorSpec(id);
    assert.is(s.id, id);
    assert.is(ESTIMATORS[id], s, 'ESTIMATORS holds the built-ins');
    assert.ok(s.summary.length > 0 && s.source.length > 0, id);
    // Straight-through and its relatives need a hidden layer to backprop into.
    assert.is(s.needsHidden, s.information !== 'broadcast' && id !== 'backprop', `${id}.needsHidden`);
    // Exactly the estimators whose every unit learns by its local rule have the fused update and traces.
    assert.is(s.fusedUpdate !== undefined, s.information === 'broadcast', `${id}.fusedUpdate`);
    assert.is(s.traces, s.information === 'broadcast', `${id}.traces`);
  }
});

test('registerEstimator checks the id and refuses to replace a registered estimator', () => {
  throwsWith(() => registerEstimator({ ...estimatorSpec('reinforce'), id: 'reinforce' }), "'reinforce'", 'already registered');
  throwsWith(() => registerEstimator({ ...estimatorSpec('reinforce'), id: 'Bad Id' }), 'id', '"Bad Id"');
  const before = ESTIMATOR_IDS.length;
  const mine = registerEstimator({ ...estimatorSpec('reinforce'), id: 'test-registry-copy', summary: 'a copy for the registry test', exact: undefined });
  assert.is(estimatorFor('test-registry-copy'), mine);
  assert.is(hasEstimator('test-registry-copy'), true);
  assert.is(ESTIMATOR_IDS.length, before + 1, 'ESTIMATOR_IDS follows the registry');
  assert.is(listEstimators().at(-1), mine, 'listed in registration order');
});

test('a user estimator from examples/custom-estimator.ts trains, saves and loads like a built-in one', async () => {
  await import('../../examples/custom-estimator.js');
  await import('../../envs/index.js');
  const { runTraining } = await import('../../src/train/loop.js');
  const { saveAgent, loadAgent } = await import('../../agents/agent.js');
  const before = tf.memory().numTensors;
  for (const updatePath of ['typed', 'tfjs'] as const) {
    const run = await runTraining({ env: 'CartPole-v1', numEnvs: 4, steps: 1500, seed: 3, agent: { estimator: 'reinforce-shared-eq7', hidden: [6], batchSize: 64, updatePath } });
    assert.ok(run.updates >= 5, `${updatePath}: ${run.updates} updates`);
    assert.ok(run.agent.lastGradients().some((g) => g.some((v) => v !== 0)), `${updatePath}: the last update moved something`);
    const shared = run.agent.toJSON().baselines;
    assert.ok(shared.every((b) => b !== null && b['num']!.length === 1), 'one shared ratio per layer');
    const dir = mkdtempSync(join(tmpdir(), 'rewardcast-custom-'));
    saveAgent(run.agent, dir);
    const env = make('CartPole-v1');
    const back = loadAgent(dir, env.observationSpace, env.actionSpace);
    assert.equal(back.toJSON().baselines, shared);
    back.dispose();
    run.agent.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is(tf.memory().numTensors, before, 'no tensor leaks');
});

test('an unknown id is an error that names it and lists the valid ids', () => {
  throwsWith(() => estimatorSpec('reinforce-best'), '"reinforce-best"', ...ESTIMATOR_IDS);
});

test.run();
