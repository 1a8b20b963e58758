/**
 * The new estimators inside the agent: every one learns the 10-armed Bernoulli bandit with a
 * fixed seed, leaks no tensor; HNCA's factors equal the children's likelihoods computed directly;
 * keeping the uniforms draws the same stream; NVIL's normalisation uses earlier batches only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { BroadcastAgent } from '../../agents/agent.js';
import '../../envs/index.js';
import { makeVec } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { hncaFactor, hncaFactors } from '../../src/estimators/hnca.js';
import { RunningSignalNormalizer } from '../../src/estimators/nvil.js';
import { rlooSignal } from '../../src/estimators/rloo.js';
import { BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { initBackend } from '../../src/tensor/backend.js';
import { assertClose, throwsWith } from '../helpers.js';

await initBackend('cpu', () => {});

const sig = (a: number): number => 1 / (1 + Math.exp(-a));

test('hncaFactors equal p(1 − p)(L₁ − L₀)/(pL₁ + (1 − p)L₀) with the likelihoods computed directly', () => {
  const rng = Rng.fromSeed(4);
  const rows = 5;
  const n = 3;
  const m = 4;
  const W = Float32Array.from({ length: n * m }, () => rng.normal());
  const h = Float32Array.from({ length: rows * n }, () => (rng.random() < 0.5 ? 1 : 0));
  const p = Float32Array.from({ length: rows * n }, () => 0.1 + 0.8 * rng.random());
  const base = Float32Array.from({ length: rows * m }, () => rng.normal());
  const a = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) for (let j = 0; j < m; j++) {
    let s = base[r * m + j]!;
    for (let i = 0; i < n; i++) s += h[r * n + i]! * W[i * m + j]!;
    a[r * m + j] = s;
  }
  const hc = Float32Array.from({ length: rows * m }, () => (rng.random() < 0.5 ? 1 : 0));
  const f = hncaFactors(h, p, a, hc, W, rows, n, m, false);
  const onehot = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) onehot[r * m + (r % m)] = 1;
  const fc = hncaFactors(h, p, a, onehot, W, rows, n, m, true);
  for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) {
    const like = (b: number, cat: boolean): number => {
      const z = Array.from({ length: m }, (_, j) => a[r * m + j]! + (b - h[r * n + i]!) * W[i * m + j]!);
      if (cat) return Math.exp(z[r % m]!) / z.reduce((s, v) => s + Math.exp(v), 0);
      return z.reduce((s, v, j) => s * (hc[r * m + j] ? sig(v) : 1 - sig(v)), 1);
    };
    const pi = p[r * n + i]!;
    assertClose(f[r * n + i]!, hncaFactor(pi, like(1, false), like(0, false)), 1e-6, `bernoulli children r${r} i${i}`);
    assertClose(fc[r * n + i]!, hncaFactor(pi, like(1, true), like(0, true)), 1e-6, `categorical child r${r} i${i}`);
  }
});

test('rlooSignal subtracts the other episodes\' mean return at the same step', () => {
  const s = rlooSignal(Float32Array.of(3, 2, 1, 5, 4), [3, 2]);
  assert.equal(Array.from(s), [3 - 5, 2 - 4, 1 - 0, 5 - 3, 4 - 2]);
});

test("NVIL normalisation: the first batch passes through, later ones use the earlier batches' moments", () => {
  const n = new RunningSignalNormalizer(0.8);
  const a = Float32Array.of(10, 20, 30);
  n.apply(a, 3);
  assert.equal(Array.from(a), [10, 20, 30]);
  const b = Float32Array.of(20, 20);
  n.apply(b, 2);
  const sd = Math.sqrt(200 / 3);
  assertClose(b[0]!, 0, 1e-5, 'centred by the first batch mean');
  const c = Float32Array.of(40);
  n.apply(c, 1);
  const mean = 0.8 * 20 + 0.2 * 20;
  const v = 0.8 * (200 / 3) + 0.2 * 0;
  assertClose(c[0]!, (40 - mean) / Math.sqrt(v), 1e-4, 'running moments');
  assert.ok(sd > 1);
  throwsWith(() => new RunningSignalNormalizer(1), 'decay must be in [0, 1), got 1');
});

test('keeping the uniforms (node perturbation) acts exactly as the default stream does', () => {
  const venv = makeVec('CartPole-v1', 3, { autoresetMode: 'same-step' });
  const x = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { estimator: 'reinforce-mean', hidden: [6], seed: 5 });
  const y = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { estimator: 'node-perturbation', hidden: [6], seed: 5 });
  let { observations } = venv.reset({ seed: 2 });
  for (let t = 0; t < 30; t++) {
    const ax = x.act(observations).slice();
    const ay = y.act(observations).slice();
    assert.equal(Array.from(ax), Array.from(ay), `step ${t}`);
    observations = venv.step(ax).observations;
  }
  x.dispose();
  y.dispose();
});

/** Mean reward of pulls 1 500 … 2 000 on BernoulliBandit-v0 (env seed 7), and the tensors gained after the first update. */
function banditRun(estimator: string, extra: Record<string, unknown> = {}): { late: number; leaked: number } {
  const numEnvs = estimator === 'disarm' || estimator === 'arm' ? 2 : 1;
  const venv = new BroadcastVectorEnv(makeVec('BernoulliBandit-v0', numEnvs, { autoresetMode: 'same-step', ...(numEnvs === 2 ? { pairing: 'pairs' as const } : {}) }));
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, {
    estimator: estimator as 'rloo',
    hidden: estimator === 'hnca' || estimator === 'weight-max' ? [8] : [],
    head: 'categorical',
    batchSize: 16,
    learningRate: 0.05,
    seed: 1,
    ...extra,
  });
  let failure: unknown;
  let updates = 0;
  let before = -1;
  const sub = agent.learnFrom(venv.events$).subscribe({
    next: () => {
      // After the first update: Adam's moment variables exist from then on.
      if (++updates === 1) before = tf.memory().numTensors;
    },
    error: (e: unknown) => (failure = e),
  });
  let { observations } = venv.reset({ seed: 7 });
  let late = 0;
  let count = 0;
  for (let t = 0; t < 2000 / numEnvs; t++) {
    const r = venv.step(agent.act(observations));
    observations = r.observations;
    if (t >= 1500 / numEnvs) for (const v of r.rewards) (late += v), (count += 1);
  }
  sub.unsubscribe();
  if (failure !== undefined) throw failure;
  const leaked = before < 0 ? Number.NaN : tf.memory().numTensors - before;
  agent.dispose();
  venv.close();
  return { late: late / count, leaked };
}

const uniformPolicy = (() => {
  // The mean reward of uniformly random pulls on the same bandit (env seed 7): the arms' mean.
  const env = makeVec('BernoulliBandit-v0', 1, { autoresetMode: 'same-step' });
  env.reset({ seed: 7 });
  let s = 0;
  const N = 20000;
  const rng = Rng.fromSeed(9);
  for (let t = 0; t < N; t++) s += env.step([Math.floor(rng.random() * 10)]).rewards[0]!;
  env.close();
  return s / N;
})();

for (const estimator of ['rloo', 'arm', 'disarm', 'hnca', 'weight-max', 'node-perturbation']) {
  test(`${estimator} learns the 10-armed bandit (late pulls well above random) and leaks no tensor`, () => {
    const { late, leaked } = banditRun(estimator);
    // 500 late pulls: the standard error of their mean is at most 0.5/√500 ≈ 0.022.
    assert.ok(late > uniformPolicy + 0.15, `${estimator}: late mean reward ${late.toFixed(3)} vs random ${uniformPolicy.toFixed(3)}`);
    assert.is(leaked, 0, 'tensor count flat');
  });
}

test.run();
