/**
 * `BroadcastAgent`: option checking, the error path of the reward stream, temporal credit,
 * save/load, and a smoke run of every estimator.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { BroadcastAgent, loadAgent, saveAgent, type AgentOptions, type AgentSnapshot } from '../../agents/agent.js';
import '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { SyncVectorEnv } from '../../src/core/vector.js';
import { ESTIMATOR_IDS, type EstimatorId } from '../../src/estimators/index.js';
import { BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import type { RewardEvent, StepEvent } from '../../src/stream/events.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runTraining } from '../../src/train/loop.js';
import { assertAllClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const cartPole = make('CartPole-v1');
const OBS = cartPole.observationSpace;
const ACT = cartPole.actionSpace;
const newAgent = (options: AgentOptions): BroadcastAgent => new BroadcastAgent(OBS, ACT, options);

// ---- bad input ----

test('an unknown estimator id is an error that lists the valid ids', () => {
  throwsWith(() => newAgent({ estimator: 'reinforce-best' as EstimatorId }), '"reinforce-best"', 'valid estimators', ...ESTIMATOR_IDS);
});

test('st (and every estimator that backprops into hidden units) refuses hidden: []', () => {
  throwsWith(() => newAgent({ estimator: 'st', hidden: [] }), "'st'", 'hidden: []');
  for (const id of ['st-sigmoid', 'learned-correction', 'noisy-relu', 'sts'] as const) throwsWith(() => newAgent({ estimator: id, hidden: [] }), `'${id}'`);
  newAgent({ estimator: 'reinforce-optimal', hidden: [] }).dispose();
});

test('hidden sizes must be positive integers, and the error names the value', () => {
  for (const hidden of [[0], [-3], [1.5], [NaN], [8, 0]]) throwsWith(() => newAgent({ hidden }), 'hidden', JSON.stringify(hidden));
  throwsWith(() => newAgent({ hidden: 'abc' as unknown as number[] }), 'hidden', '"abc"');
});

test('the learning rate must be finite and > 0, and the error names the value', () => {
  throwsWith(() => newAgent({ learningRate: 0 }), 'learningRate', 'got 0');
  throwsWith(() => newAgent({ learningRate: -0.1 }), 'learningRate', 'got -0.1');
  throwsWith(() => newAgent({ learningRate: NaN }), 'learningRate', 'got NaN');
  throwsWith(() => newAgent({ learningRate: Infinity }), 'learningRate', 'got Infinity');
});

test('other options are checked too', () => {
  throwsWith(() => newAgent({ gamma: 1.5 }), 'gamma', '1.5');
  throwsWith(() => newAgent({ batchSize: 0 }), 'batchSize', '0');
  throwsWith(() => newAgent({ credit: 'traces', estimator: 'reinforce-optimal' }), 'traces', "'optimal'");
  throwsWith(() => newAgent({ credit: 'traces', estimator: 'st' }), 'traces', "'st'");
  throwsWith(() => newAgent({ head: 'softmax' as 'categorical' }), 'head', '"softmax"');
  const a = newAgent({ hidden: [] });
  throwsWith(() => a.act([0, 0, 0]), 'act', '4', '3');
  a.dispose();
});

test('learnFrom refuses a second active subscription, and accepts a new one after unsubscribing', () => {
  const agent = newAgent({ hidden: [], batchSize: 1 });
  const events = new Subject<RewardEvent>();
  let first = 0;
  const sub = agent.learnFrom(events).subscribe({ next: () => (first += 1) });
  let failure: unknown;
  const second = agent.learnFrom(events).subscribe({ error: (e: unknown) => (failure = e) });
  assert.ok(failure instanceof Error && /already learning/.test(failure.message), String(failure));
  const obs = new Float32Array([0.01, 0, -0.02, 0]);
  events.next({ kind: 'reset', envId: 'Handmade-v0', numEnvs: 1, envSteps: 0, observations: obs });
  agent.act(obs);
  events.next({ kind: 'step', envId: 'Handmade-v0', numEnvs: 1, t: 0, envSteps: 1, rewards: Float64Array.of(1), terminated: Uint8Array.of(1), truncated: Uint8Array.of(0), observations: obs });
  assert.is(first, 1, 'the first subscription learned once');
  assert.is(agent.updates, 1, 'one update, not two: the refused subscription did not learn');
  sub.unsubscribe();
  second.unsubscribe();
  let again = 0;
  const third = agent.learnFrom(events).subscribe({ next: () => (again += 1) });
  agent.act(obs);
  events.next({ kind: 'step', envId: 'Handmade-v0', numEnvs: 1, t: 1, envSteps: 2, rewards: Float64Array.of(1), terminated: Uint8Array.of(1), truncated: Uint8Array.of(0), observations: obs });
  assert.is(again, 1, 'a new subscription after unsubscribing learns');
  assert.is(agent.updates, 2);
  third.unsubscribe();
  agent.dispose();
});

/** A hand-made broadcast: one reset, one step per act, with the given rewards. */
async function feed(agent: BroadcastAgent, rewards: number[], envId = 'Handmade-v0'): Promise<unknown> {
  const events = new Subject<RewardEvent>();
  const done = lastValueFrom(agent.learnFrom(events.asObservable()).pipe(toArray()));
  const obs = new Float32Array([0.01, 0, -0.02, 0]);
  events.next({ kind: 'reset', envId, numEnvs: 1, envSteps: 0, observations: obs });
  rewards.forEach((r, t) => {
    agent.act(obs);
    const step: StepEvent = {
      kind: 'step',
      envId,
      numEnvs: 1,
      t,
      envSteps: t + 1,
      rewards: Float64Array.of(r),
      terminated: Uint8Array.of(0),
      truncated: Uint8Array.of(0),
      observations: obs,
    };
    events.next(step);
  });
  events.complete();
  try {
    await done;
    return undefined;
  } catch (e) {
    return e;
  }
}

test('a NaN reward reaching the agent stops learning with an error naming the env and the step', async () => {
  const agent = newAgent({ hidden: [4] });
  const err = await feed(agent, [1, 1, 1, NaN, 1], 'Leaky-v3');
  agent.dispose();
  assert.instance(err, Error);
  const msg = (err as Error).message;
  assert.match(msg, 'NaN');
  assert.match(msg, "'Leaky-v3'");
  assert.match(msg, 'step 3');
});

test('an infinite reward, or a reward with no action before it, is an error too', async () => {
  const a = newAgent({ hidden: [] });
  assert.match(((await feed(a, [Infinity])) as Error).message, 'Infinity');
  a.dispose();
  const b = newAgent({ hidden: [] });
  const events = new Subject<RewardEvent>();
  const done = lastValueFrom(b.learnFrom(events).pipe(toArray())).catch((e: unknown) => e);
  events.next({ kind: 'step', envId: 'X-v0', numEnvs: 1, t: 0, envSteps: 1, rewards: Float64Array.of(1), terminated: Uint8Array.of(0), truncated: Uint8Array.of(0), observations: new Float32Array(4) });
  assert.match(((await done) as Error).message, 'did not act');
  b.dispose();
});

test('finite rewards pass through without error', async () => {
  const a = newAgent({ hidden: [] });
  assert.is(await feed(a, [1, 0, -2, 0.5]), undefined);
  a.dispose();
});

// ---- temporal credit ----

/** Runs one agent on CartPole (numEnvs 1, env seed 5) until its first update; returns the update. */
function firstUpdate(options: AgentOptions): { grads: Float32Array[]; length: number } {
  const venv = new BroadcastVectorEnv(new SyncVectorEnv([() => make('CartPole-v1')], { autoresetMode: 'same-step' }));
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, options);
  let updates = 0;
  let failure: unknown;
  const sub = agent.learnFrom(venv.events$).subscribe({ next: () => (updates += 1), error: (e: unknown) => (failure = e) });
  let { observations } = venv.reset({ seed: 5 });
  let length = 0;
  while (updates === 0 && failure === undefined) {
    observations = venv.step(agent.act(observations)).observations;
    length += 1;
  }
  sub.unsubscribe();
  venv.close();
  const grads = agent.lastGradients();
  agent.dispose();
  if (failure !== undefined) throw failure;
  return { grads, length };
}

test('λ = 1 traces summed over an episode give the same update as episodic reward-to-go', () => {
  // Why they are equal: with λ = 1 the trace after step t is e_t = Σ_{s≤t} γ^{t−s}(h_s − p_s)x_s,
  // and the summed online update is
  //   Σ_t r_t e_t = Σ_t Σ_{s≤t} γ^{t−s} r_t (h_s − p_s)x_s = Σ_s (h_s − p_s)x_s Σ_{t≥s} γ^{t−s} r_t
  //               = Σ_s (h_s − p_s)x_s G_s,
  // which is exactly the episodic REINFORCE update (no baseline), and both divide by the number of
  // transitions. The same seed gives the same weights and the same neuron noise, so both agents
  // take the same actions until this first update.
  const common: AgentOptions = { estimator: 'reinforce', hidden: [6], gamma: 0.95, optimizer: 'sgd', learningRate: 0.01, seed: 9 };
  const traces = firstUpdate({ ...common, credit: 'traces', traceUpdate: 'episode', lambda: 1 });
  const episodic = firstUpdate({ ...common, credit: 'episode', batchSize: 1 });
  assert.is(traces.length, episodic.length, 'same first episode');
  assert.ok(traces.length > 5);
  assert.is(traces.grads.length, 4);
  traces.grads.forEach((g, k) => {
    const scale = Math.max(...Array.from(episodic.grads[k]!, Math.abs));
    assert.ok(scale > 0, `block ${k} is not all zero`);
    // Float32 sums in different orders: agree to ~1e-6 relative.
    assertAllClose(g, episodic.grads[k]!, 1e-5 * scale, `block ${k}`);
  });
});

test("updatePath 'typed' and updatePath 'tfjs' give the same update (episode and segment credit, with and without a critic)", () => {
  for (const extra of [
    { estimator: 'reinforce-optimal', credit: 'episode', batchSize: 64 },
    { estimator: 'reinforce-mean', credit: 'segment', rolloutLength: 16 },
    { estimator: 'reinforce-critic', credit: 'segment', rolloutLength: 16 },
  ] as AgentOptions[]) {
    const common: AgentOptions = { hidden: [6], optimizer: 'sgd', learningRate: 0.01, seed: 4, ...extra };
    const typed = firstUpdate({ ...common, updatePath: 'typed' });
    const tensor = firstUpdate({ ...common, updatePath: 'tfjs' });
    assert.is(typed.length, tensor.length, `${extra.estimator}: same steps before the first update`);
    typed.grads.forEach((g, k) => {
      const scale = Math.max(...Array.from(tensor.grads[k]!, Math.abs));
      assert.ok(scale > 0, `${extra.estimator}: block ${k} is not all zero`);
      assertAllClose(g, tensor.grads[k]!, 1e-5 * scale, `${extra.estimator} block ${k}`);
    });
  }
});

test("updatePath 'typed' refuses estimators that backprop into hidden units", () => {
  throwsWith(() => newAgent({ estimator: 'st', updatePath: 'typed' }), "updatePath 'typed'", "'st'");
});

test('the equality is not vacuous: λ < 1 gives a different update', () => {
  const common: AgentOptions = { estimator: 'reinforce', hidden: [6], gamma: 0.95, optimizer: 'sgd', learningRate: 0.01, seed: 9 };
  const traces = firstUpdate({ ...common, credit: 'traces', traceUpdate: 'episode', lambda: 0.5 });
  const episodic = firstUpdate({ ...common, credit: 'episode', batchSize: 1 });
  const diff = Math.max(...traces.grads[3]!.map((v, k) => Math.abs(v - episodic.grads[3]![k]!)));
  assert.ok(diff > 1e-3, `difference ${diff}`);
});

// ---- save / load ----

const roundTrip = (snap: AgentSnapshot): AgentSnapshot => JSON.parse(JSON.stringify(snap)) as AgentSnapshot;

for (const estimator of ['reinforce-optimal', 'reinforce-critic', 'learned-correction'] as const) {
  test(`save/load (${estimator}): weights, baselines, critic, config and RNG come back identical`, async () => {
    const run = await runTraining({ env: 'CartPole-v1', steps: 2000, numEnvs: 4, seed: 1, agent: { estimator, hidden: [8], batchSize: 64 } });
    const a = run.agent;
    const snap = roundTrip(a.toJSON());
    if (estimator === 'reinforce-optimal') assert.ok(snap.baselines.every((b) => b !== null));
    if (estimator === 'reinforce-critic') assert.ok(snap.critic !== null);
    if (estimator === 'learned-correction') assert.ok(snap.corrections[0] !== null);
    const b = new BroadcastAgent(OBS, ACT, snap.options);
    b.loadJSON(snap);
    assert.equal(roundTrip(b.toJSON()), snap);
    // Same RNG state ⇒ same actions, step after step.
    const obs = new Float32Array([0.02, -0.1, 0.03, 0.2, -0.01, 0.3, -0.05, -0.4]);
    for (let k = 0; k < 20; k++) assert.equal(Array.from(b.act(obs)), Array.from(a.act(obs)));
    if (a.critic) assert.equal(Array.from(b.critic!.values(new Float32Array(obs), 2)), Array.from(a.critic.values(new Float32Array(obs), 2)));
    a.dispose();
    b.dispose();
  });
}

test('loading into a different architecture is an error that names both shapes', () => {
  const a = newAgent({ hidden: [8] });
  const b = newAgent({ hidden: [16] });
  throwsWith(() => b.loadJSON(roundTrip(a.toJSON())), 'loadJSON', '[[4,8],[8,1]]', '[[4,16],[16,1]]');
  const c = newAgent({ hidden: [8], estimator: 'reinforce' });
  throwsWith(() => c.loadJSON(roundTrip(a.toJSON())), "'reinforce-optimal'", "'reinforce'");
  throwsWith(() => c.loadJSON({ format: 'nope' } as unknown as AgentSnapshot), 'format', '"nope"');
  for (const x of [a, b, c]) x.dispose();
});

test('saveAgent/loadAgent go through a folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewardcast-agent-'));
  try {
    const a = newAgent({ hidden: [4], seed: 3 });
    saveAgent(a, dir);
    const b = loadAgent(dir, OBS, ACT);
    assert.equal(roundTrip(b.toJSON()), roundTrip(a.toJSON()));
    a.dispose();
    b.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- every estimator ----

const allFinite = (a: BroadcastAgent): boolean => {
  const s = a.network.snapshot();
  return [...s.W, ...s.b].every((w) => w.every(Number.isFinite));
};

for (const estimator of ESTIMATOR_IDS) {
  test(`smoke: ${estimator} trains 4 000 CartPole steps with finite weights`, async () => {
    const before = tf.memory().numTensors;
    const run = await runTraining({ env: 'CartPole-v1', steps: 4000, numEnvs: 4, seed: 2, agent: { estimator, hidden: [16], batchSize: 64 } });
    assert.ok(run.updates >= 5, `${run.updates} updates`);
    assert.ok(allFinite(run.agent), 'weights are finite');
    assert.ok(
      run.agent.lastGradients().every((g) => g.every(Number.isFinite)),
      'last gradients are finite',
    );
    assert.ok(run.agent.lastGradients().some((g) => g.some((v) => v !== 0)), 'the last update moved something');
    run.agent.dispose();
    assert.is(tf.memory().numTensors, before, 'dispose releases every tensor');
  });
}

test('learned-correction exposes its per-unit coefficients, fitted away from the identity', async () => {
  const run = await runTraining({ env: 'CartPole-v1', steps: 4000, numEnvs: 8, seed: 2, agent: { estimator: 'learned-correction', hidden: [6], batchSize: 128 } });
  const coeffs = run.agent.correctionCoefficients();
  run.agent.dispose();
  assert.is(coeffs.length, 2);
  assert.is(coeffs[1], undefined, 'the output layer has no correction');
  const c = coeffs[0]!;
  assert.is(c.slope.length, 6);
  assert.is(c.intercept.length, 6);
  assert.ok([...c.slope, ...c.intercept].every(Number.isFinite));
  assert.ok(c.slope.some((s) => Math.abs(s - 1) > 1e-3), `slopes ${c.slope.join(', ')} are still the identity`);
  assert.equal(newAgent({ hidden: [4] }).correctionCoefficients(), [undefined, undefined]);
});

/** Fraction of hidden noisy-rectifier units active over a fixed batch of observations. */
function firingRate(agent: BroadcastAgent, obs: Float32Array, rows: number): number {
  const net = agent.network;
  const rec = net.allocRecords(rows);
  const input = new Float32Array(rows * agent.encoder.size);
  agent.encoder.updateStats = false;
  agent.encoder.encode(obs, rows, input);
  agent.encoder.updateStats = true;
  net.forward(input, rows, rec, Rng.fromSeed(1), new Float32Array(rows), new Float32Array(rows * Math.max(...net.shapes.map((s) => s.nOut))));
  let active = 0;
  for (const v of rec[0]!.h) if (v > 0) active += 1;
  return active / rec[0]!.h.length;
}

test('noisy-relu: the firing-rate controller moves the hidden units toward the target rate', async () => {
  const target = 0.15;
  const rows = 512;
  const r = Rng.fromSeed(4);
  const obs = Float32Array.from({ length: rows * 4 }, () => 0.05 * r.normal());
  const rates: Record<string, [number, number]> = {};
  for (const control of [true, false]) {
    const run = await runTraining({
      env: 'CartPole-v1',
      steps: 8000,
      numEnvs: 8,
      seed: 3,
      // The controller steps once per update, and its moving average (decay 0.99) starts at the
      // target, so it needs a few hundred updates to act: segments of 2 steps give 500 here.
      agent: { estimator: 'noisy-relu', hidden: [16], credit: 'segment', rolloutLength: 2, firingRateTarget: target, firingRateControl: control },
    });
    const fresh = new BroadcastAgent(OBS, ACT, run.agent.options);
    rates[String(control)] = [firingRate(fresh, obs, rows), firingRate(run.agent, obs, rows)];
    fresh.dispose();
    run.agent.dispose();
  }
  const [before, after] = rates['true']!;
  const [, uncontrolled] = rates['false']!;
  assert.ok(before > 0.35, `untrained rate ${before}`);
  assert.ok(Math.abs(after - target) < Math.abs(before - target) / 2, `rate ${before} → ${after}, target ${target}`);
  assert.ok(Math.abs(after - target) < Math.abs(uncontrolled - target), `with control ${after}, without ${uncontrolled}`);
});

test.run();
