/**
 * The sample-efficiency options of `BroadcastAgent`: the linear learning-rate schedule, per-batch
 * signal normalisation, GAE(λ) returns for the critic, several critic steps, and greedy acting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BroadcastAgent, type AgentOptions } from '../../agents/agent.js';
import { AGENT_DEFAULTS, agentOptionsSchema, parseAgentOptions } from '../../agents/options.js';
import { lambdaReturns, rewardToGo, segmentLambdaReturns, segmentReturns } from '../../agents/rollout.js';
import '../../envs/index.js';
import { make } from '../../src/core/registry.js';
import { Discrete } from '../../src/core/spaces.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runTraining } from '../../src/train/loop.js';
import { assertAllClose, assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const cartPole = make('CartPole-v1');
const newAgent = (options: AgentOptions): BroadcastAgent => new BroadcastAgent(cartPole.observationSpace, cartPole.actionSpace, options);

// ---- option checking ----

test('the new options are checked, and errors name the field and value', () => {
  throwsWith(() => newAgent({ criticLambda: 1.5 }), 'criticLambda', '1.5');
  throwsWith(() => newAgent({ criticSteps: 0 }), 'criticSteps', '0');
  throwsWith(() => newAgent({ signalNormalization: 'zscore' as 'scale' }), 'signalNormalization', '"zscore"');
  throwsWith(() => newAgent({ learningRateSchedule: 'cosine' as 'linear' }), 'learningRateSchedule', '"cosine"');
  throwsWith(() => newAgent({ learningRateSchedule: 'linear' }), 'learningRateDecaySteps', 'got 0');
  throwsWith(() => newAgent({ learningRateFinal: 2 }), 'learningRateFinal', '2');
  throwsWith(() => newAgent({ perturbationScale: 0 }), 'perturbationScale must be a finite number > 0, got 0');
  throwsWith(() => newAgent({ estimator: 'weight-perturbation', baseline: 'critic' }), "estimator 'weight-perturbation' compares the returns of a pair and uses no critic, got baseline 'critic'");
  throwsWith(() => newAgent({ estimator: 'weight-perturbation', credit: 'segment' }), "estimator 'weight-perturbation' pairs whole episodes", "got credit 'segment'");
  throwsWith(() => newAgent({ estimator: 'reinforce', credit: 'traces', signalNormalization: 'scale' }), 'signalNormalization', 'traces');
  const a = newAgent({});
  assert.is(a.options.signalNormalization, 'none');
  assert.is(a.options.learningRateSchedule, 'constant');
  assert.is(a.options.criticLambda, 1);
  assert.is(a.options.criticSteps, 1);
  a.dispose();
});

test('the options are one strict schema: unknown keys and wrong types are rejected with the field and value', () => {
  throwsWith(() => newAgent({ learningRat: 0.1 } as AgentOptions), "'learningRat'", '0.1', "did you mean 'learningRate'");
  throwsWith(() => newAgent({ learningRate: 'x' } as unknown as AgentOptions), 'learningRate', '"x"');
  throwsWith(() => newAgent({ firingRateControl: 1 } as unknown as AgentOptions), 'firingRateControl', 'got 1');
  throwsWith(() => newAgent({ kernel: 'typed' } as AgentOptions), "'kernel'", 'updatePath', '"typed"');
  throwsWith(() => parseAgentOptions([1], 'cfg: '), 'cfg: ', '[1]');
  assert.equal(parseAgentOptions({ learningRate: 0.5 }), { learningRate: 0.5 }, 'a partial block stays partial');
  assert.is(agentOptionsSchema.safeParse({ seed: -1 }).success, false);
  assert.is(AGENT_DEFAULTS.learningRate, 0.01);
  const a = newAgent({ learningRate: undefined });
  assert.is(a.options.learningRate, 0.01, 'an undefined field keeps its default');
  a.dispose();
});

// ---- λ-returns ----

test('λ-returns: λ = 1 is the reward-to-go, λ = 0 the one-step TD target, and G^λ − V is GAE', () => {
  const r = [1, 0, 2, -1];
  const v = [0.5, 0.2, -0.3, 0.7];
  const gamma = 0.9;
  const boot = 0.4;
  assertAllClose(lambdaReturns(r, v, gamma, 1, boot), rewardToGo(r, gamma, boot), 1e-6, 'λ = 1');
  const td = r.map((x, t) => x + gamma * (t + 1 < r.length ? v[t + 1]! : boot));
  assertAllClose(lambdaReturns(r, v, gamma, 0, boot), td, 1e-6, 'λ = 0');
  const lam = 0.7;
  const delta = r.map((x, t) => x + gamma * (t + 1 < r.length ? v[t + 1]! : boot) - v[t]!);
  const gae = r.map((_, t) => delta.slice(t).reduce((s, d, k) => s + (gamma * lam) ** k * d, 0));
  assertAllClose(
    Array.from(lambdaReturns(r, v, gamma, lam, boot), (g, t) => g - v[t]!),
    gae,
    1e-5,
    'GAE',
  );
});

test('segment λ-returns equal the per-episode ones, and segmentReturns at λ = 1', () => {
  // 2 sub-envs × 3 steps, step-major. Sub-env 0 terminates at t = 1; sub-env 1 is truncated at t = 0.
  const B = 2;
  const T = 3;
  const rewards = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const done = Uint8Array.from([0, 2, 1, 0, 0, 0]);
  const boot = Float32Array.from([0, 0.5, 0, 0, 0, 0]);
  const tail = [0.3, 0.8];
  const values = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  const gamma = 0.9;
  const lam = 0.6;
  assertAllClose(segmentLambdaReturns(rewards, done, boot, tail, values, B, T, gamma, 1), segmentReturns(rewards, done, boot, tail, B, T, gamma), 1e-6, 'λ = 1');
  const out = segmentLambdaReturns(rewards, done, boot, tail, values, B, T, gamma, lam);
  // sub-env 0: rows 0, 2 (terminated at row 2), then row 4 starts a new episode cut by the tail.
  const e0 = lambdaReturns([1, 3], [0.1, 0.3], gamma, lam, 0);
  const e0b = lambdaReturns([5], [0.5], gamma, lam, tail[0]!);
  // sub-env 1: row 1 truncated (boot 0.5), then rows 3, 5 cut by the tail.
  const e1 = lambdaReturns([2], [0.2], gamma, lam, 0.5);
  const e1b = lambdaReturns([4, 6], [0.4, 0.6], gamma, lam, tail[1]!);
  assertAllClose(out, [e0[0]!, e1[0]!, e0[1]!, e1b[0]!, e0b[0]!, e1b[1]!], 1e-6, 'segment');
});

// ---- signal normalisation ----

test("signalNormalization 'standardize' broadcasts a signal of batch mean 0; 'scale' keeps the sign of the mean", async () => {
  const means: Record<string, number[]> = { none: [], scale: [], standardize: [] };
  for (const mode of ['none', 'scale', 'standardize'] as const) {
    const r = await runTraining({
      env: 'CartPole-v1',
      steps: 2000,
      numEnvs: 4,
      seed: 3,
      agent: { hidden: [8], batchSize: 128, signalNormalization: mode },
      onUpdate: (e) => means[mode]!.push(e.signalMean),
    });
    r.agent.dispose();
  }
  assert.ok(means['none']!.length > 3);
  for (const m of means['standardize']!) assertClose(m, 0, 1e-5, 'standardised batch mean');
  means['scale']!.forEach((m, k) => assert.ok(Math.sign(m) === Math.sign(means['none']![k]!), 'scale keeps the sign'));
  // With returns G ≥ 1 and no critic, the unnormalised mean is large; the scaled one is mean/std.
  assert.ok(means['scale']!.every((m, k) => Math.abs(m) < Math.abs(means['none']![k]!)));
});

// ---- learning-rate schedule ----

test('the linear schedule anneals the step size to learningRateFinal·learningRate, then holds', async () => {
  const seen: number[] = [];
  const r = await runTraining({
    env: 'CartPole-v1',
    steps: 4000,
    numEnvs: 4,
    seed: 1,
    agent: { hidden: [8], batchSize: 64, learningRate: 0.1, learningRateSchedule: 'linear', learningRateDecaySteps: 2000, learningRateFinal: 0.25 },
    onUpdate: (e) => seen.push(e.envSteps),
  });
  assertClose(r.agent.currentLearningRate, 0.025, 1e-12, 'after the decay');
  assert.ok(seen.length > 10);
  r.agent.dispose();
  const constant = newAgent({ learningRate: 0.07 });
  assert.is(constant.currentLearningRate, 0.07);
  constant.dispose();
});

test('a linear schedule changes the optimiser steps: same seed, different weights', async () => {
  const run = async (schedule: 'constant' | 'linear'): Promise<Float32Array[]> => {
    const r = await runTraining({
      env: 'CartPole-v1',
      steps: 3000,
      numEnvs: 4,
      seed: 2,
      agent: { hidden: [4], batchSize: 64, learningRateSchedule: schedule, learningRateDecaySteps: 1000, learningRateFinal: 0 },
    });
    const w = r.agent.network.weights.map((v) => v.dataSync() as Float32Array).map((a) => a.slice());
    r.agent.dispose();
    return w;
  };
  const a = await run('constant');
  const b = await run('linear');
  assert.ok(a[0]!.some((v, i) => Math.abs(v - b[0]![i]!) > 1e-6));
});

// ---- critic options ----

test('GAE λ < 1 and several critic steps run under episode and segment credit, and change what is learned', async () => {
  for (const credit of ['episode', 'segment'] as const) {
    const run = async (extra: AgentOptions): Promise<{ policy: number[]; critic: number[]; losses: number[] }> => {
      const losses: number[] = [];
      const r = await runTraining({
        env: 'CartPole-v1',
        steps: 3000,
        numEnvs: 4,
        seed: 5,
        agent: { estimator: 'reinforce-critic', hidden: [8], criticHidden: 8, batchSize: 128, rolloutLength: 16, credit, ...extra },
        onUpdate: (e) => losses.push(e.criticLoss),
      });
      const out = { policy: Array.from(r.agent.network.weights[0]!.dataSync()), critic: r.agent.critic!.snapshot()[0]!, losses };
      r.agent.dispose();
      return out;
    };
    const base = await run({});
    const gae = await run({ criticLambda: 0.9 });
    const steps = await run({ criticSteps: 3 });
    for (const r of [base, gae, steps]) {
      assert.ok(r.losses.length > 3, credit);
      assert.ok(r.losses.every(Number.isFinite), `${credit}: finite critic losses`);
    }
    assert.ok(gae.policy.some((v, i) => Math.abs(v - base.policy[i]!) > 1e-6), `${credit}: λ = 0.9 changes the signal`);
    assert.ok(steps.critic.some((v, i) => Math.abs(v - base.critic[i]!) > 1e-6), `${credit}: 3 critic steps change the critic`);
  }
});

test('with criticLambda = 1 the critic agent is unchanged by the new code path (same seed, same weights)', async () => {
  const run = async (extra: AgentOptions): Promise<number[]> => {
    const r = await runTraining({ env: 'CartPole-v1', steps: 2000, numEnvs: 4, seed: 7, agent: { estimator: 'reinforce-critic', hidden: [4], criticHidden: 4, batchSize: 64, ...extra } });
    const w = Array.from(r.agent.network.weights[0]!.dataSync());
    r.agent.dispose();
    return w;
  };
  assertAllClose(await run({}), await run({ criticLambda: 1, criticSteps: 1, signalNormalization: 'none' }), 0, 'weights');
});

// ---- greedy acting ----

test('greedy act is deterministic, draws no randomness and leaves training untouched', async () => {
  const opts: AgentOptions = { hidden: [], seed: 11 };
  const space = new Discrete(16);
  const lake = make('FrozenLake-v1');
  const a = new BroadcastAgent(space, lake.actionSpace, opts);
  const b = new BroadcastAgent(space, lake.actionSpace, opts);
  const obs = Float32Array.from({ length: 16 }, (_, i) => i);
  const g1 = a.act(obs, { greedy: true }).slice();
  const g2 = a.act(obs, { greedy: true }).slice();
  assert.equal(Array.from(g1), Array.from(g2));
  assert.ok(g1.every((v) => Number.isInteger(v) && v >= 0 && v < 4));
  // The sampled actions after a greedy call equal those of a twin that never made one.
  const x = Float32Array.of(0, 5, 10, 14);
  assert.equal(Array.from(a.act(x)), Array.from(b.act(x)));
  a.dispose();
  b.dispose();
});

test('greedy act picks the most probable action: the argmax logit (categorical) or each bit at p ≥ ½', () => {
  const space = new Discrete(3);
  const act = new Discrete(4);
  for (const head of ['categorical', 'binary-code'] as const) {
    const agent = new BroadcastAgent(space, act, { hidden: [], head, seed: 1 });
    const net = agent.network;
    // Set the head weights so that state s prefers action s + 1.
    const W = new Float32Array(net.shapes[0]!.nIn * net.shapes[0]!.nOut);
    const units = net.shapes[0]!.nOut;
    for (let s = 0; s < 3; s++) {
      const target = s + 1;
      for (let j = 0; j < units; j++) {
        W[s * units + j] = head === 'categorical' ? (j === target ? 3 : -3) : (target >> j) & 1 ? 3 : -3;
      }
    }
    net.restore({ W: [Array.from(W)], b: [new Array(units).fill(0)] });
    assert.equal(Array.from(agent.act([0, 1, 2], { greedy: true })), [1, 2, 3], head);
    agent.dispose();
  }
});

test('greedy act works with hidden layers and for every hidden unit kind', () => {
  for (const estimator of ['reinforce-optimal', 'noisy-relu', 'sts', 'backprop'] as const) {
    const agent = newAgent({ estimator, hidden: [6, 5], seed: 2 });
    const obs = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 0.05);
    const before = agent.encoder.state().count;
    const a1 = agent.act(obs, { greedy: true }).slice();
    assert.is(agent.encoder.state().count, before, 'input statistics untouched');
    assert.equal(Array.from(agent.act(obs, { greedy: true })), Array.from(a1), estimator);
    assert.ok(a1.every((v) => v === 0 || v === 1), estimator);
    agent.dispose();
  }
});

// ---- headBias ----

test('headBias: false keeps the head biases at zero on both update paths, while a hidden layer\'s biases learn', async () => {
  throwsWith(() => newAgent({ headBias: 'no' as unknown as boolean }), 'headBias', '"no"');
  for (const updatePath of ['typed', 'tfjs'] as const) {
    for (const hidden of [[], [4]]) {
      const run = async (headBias: boolean) => {
        const r = await runTraining({ env: 'FrozenLake-v1', steps: 3000, numEnvs: 1, seed: 4, agent: { hidden, head: 'categorical', headBias, batchSize: 32, learningRate: 0.05, updatePath } });
        const s = r.agent.network.snapshot();
        r.agent.dispose();
        return { updates: r.updates, s };
      };
      const off = await run(false);
      const on = await run(true);
      const L = off.s.b.length;
      assert.ok(off.updates >= 5, `${off.updates} updates`);
      assert.ok(off.s.b[L - 1]!.every((v) => v === 0), `${updatePath} hidden ${hidden.length}: head biases stay 0`);
      assert.ok(on.s.b[L - 1]!.some((v) => v !== 0), `${updatePath} hidden ${hidden.length}: with the default the head biases learn`);
      if (L > 1) assert.ok(off.s.b[0]!.some((v) => v !== 0), 'a hidden layer keeps learning its biases');
    }
  }
});

test.run();
