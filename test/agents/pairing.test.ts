/**
 * The agent half of common random numbers: the per-pair antithetic noise stream and the pool that
 * matches the members' episodes; and an agent trained with it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { BroadcastAgent } from '../../agents/agent.js';
import { PairedNoise, PairPool, emptyPairRows } from '../../agents/pairing.js';
import { TransitionBuffer } from '../../agents/rollout.js';
import '../../envs/index.js';
import { makeVec } from '../../src/core/registry.js';
import { BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runTraining } from '../../src/train/loop.js';
import { throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

test('PairedNoise: member 2k+1 gets 1 − u of member 2k, per episode index, whatever the timing', () => {
  const a = new PairedNoise(7);
  a.allocate(4);
  const u = new Float32Array(4 * 3);
  a.source(0, u, 4, 3);
  for (let k = 0; k < 3; k++) {
    assert.is(u[3 + k], 1 - u[k]!);
    assert.is(u[9 + k], 1 - u[6 + k]!);
  }
  assert.not.equal(Array.from(u.subarray(0, 3)), Array.from(u.subarray(6, 9)), 'pairs differ');
  // Member 0 finishes its episode early; member 1 keeps going one more step; both then draw the
  // first uniforms of episode 1, which must be antithetic.
  a.endEpisode(0);
  const v = new Float32Array(12);
  a.source(0, v, 4, 3);
  const first1 = v.slice(0, 3);
  a.endEpisode(1);
  a.source(0, v, 4, 3);
  for (let k = 0; k < 3; k++) assert.is(v[3 + k], 1 - first1[k]!);
  throwsWith(() => a.allocate(3), 'even number of sub-envs, got 3');
});

test('PairedNoise with common noise: both members of a pair draw the same u', () => {
  const a = new PairedNoise(7, false);
  a.allocate(2);
  const u = new Float32Array(2 * 5);
  a.source(0, u, 2, 5);
  assert.equal(Array.from(u.subarray(5)), Array.from(u.subarray(0, 5)));
  const anti = new PairedNoise(7);
  anti.allocate(2);
  const v = new Float32Array(10);
  anti.source(0, v, 2, 5);
  assert.equal(Array.from(v.subarray(0, 5)), Array.from(u.subarray(0, 5)), 'member 2k draws the same stream either way');
});

test('PairPool: episodes wait for their partner, then go to the batch with partner returns and coincidence flags', () => {
  const shapes = [{ nIn: 2, nOut: 1, kind: 'head' as const }];
  const pool = new PairPool(shapes);
  pool.allocate(2);
  const ready = new TransitionBuffer(shapes);
  const rows = emptyPairRows(shapes);
  const episode = (xs: number[][], hs: number[]): TransitionBuffer => {
    const b = new TransitionBuffer(shapes);
    xs.forEach((x, t) => b.pushRow([{ x: Float32Array.from(x), a: Float32Array.of(0), p: Float32Array.of(0.5), h: Float32Array.of(hs[t]!), aux: new Float32Array(0) }], 0, 0));
    return b;
  };
  assert.is(pool.add(0, episode([[1, 2], [3, 4], [5, 6]], [1, 0, 1]), Float32Array.of(3, 2, 1), Int32Array.of(0, 0, 1), ready, rows), false);
  assert.is(pool.waiting, 1);
  assert.is(pool.add(1, episode([[1, 2], [3, 9]], [0, 0]), Float32Array.of(2, 1), Int32Array.of(0, 0), ready, rows), true);
  assert.is(ready.rows, 5);
  assert.equal(Array.from(rows.partnerReturn.view()).map((v) => (Number.isNaN(v) ? 'none' : v)), [2, 1, 'none', 3, 2]);
  assert.equal(Array.from(rows.coincide[0]!.view()), [1, 0, 0, 1, 0]);
  assert.equal(Array.from(rows.partnerH[0]!.view()), [0, 0, 0, 1, 0]);
  assert.equal([...pool.lastStartReturns], [3, 2], 'the members\' returns from their first step');
});

for (const estimator of ['disarm', 'arm'] as const) {
  test(`${estimator}: trains on paired CartPole without leaking tensors; paired sub-envs start alike`, () => {
    const venv = new BroadcastVectorEnv(makeVec('CartPole-v1', 4, { autoresetMode: 'same-step', pairing: 'pairs' }));
    const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { estimator, hidden: [8], batchSize: 64, seed: 3 });
    let updates = 0;
    let failure: unknown;
    const sub = agent.learnFrom(venv.events$).subscribe({ next: () => (updates += 1), error: (e: unknown) => (failure = e) });
    let { observations } = venv.reset({ seed: 11 });
    assert.equal(Array.from(observations.subarray(0, 4)), Array.from(observations.subarray(4, 8)));
    // Until the first update (Adam creates its moment variables then), then 600 more steps.
    while (updates === 0 && failure === undefined) observations = venv.step(agent.act(observations)).observations;
    const before = tf.memory().numTensors;
    for (let t = 0; t < 600 && failure === undefined; t++) observations = venv.step(agent.act(observations)).observations;
    sub.unsubscribe();
    assert.is(failure, undefined);
    assert.ok(updates >= 2, `updates ${updates}`);
    assert.is(tf.memory().numTensors, before, 'no tensor leak');
    for (const g of agent.lastGradients()) assert.ok(g.every(Number.isFinite));
    agent.dispose();
    venv.close();
  });
}

test('runTraining gives a pairing estimator whole pairs: numEnvs 1 on the bandit runs one pair', async () => {
  const r = await runTraining({ env: 'BernoulliBandit-v0', seed: 4, steps: 200, numEnvs: 1, agent: { estimator: 'disarm', hidden: [], batchSize: 16 } });
  assert.is(r.interrupted, false);
  assert.is(r.agent.network.uniformSource !== undefined, true, 'the antithetic stream is attached');
  assert.is(r.envSteps, 200);
  assert.is(r.episodes, 200);
  assert.ok(r.updates >= 10, `updates ${r.updates}`);
  r.agent.dispose();
});

test('a pairing estimator refuses credit other than episode', () => {
  const venv = makeVec('CartPole-v1', 2);
  throwsWith(() => new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { estimator: 'disarm', credit: 'segment' }), "estimator 'disarm'", "needs credit 'episode'");
});

test.run();
