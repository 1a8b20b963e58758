/**
 * `weight-perturbation` (SPSA) as a training estimator: its ascent's arithmetic, its update
 * direction against the exact gradient on a 3-armed bandit (fixed seed, tolerance from the
 * standard error), and learning on the 10-armed bandit preset above chance.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs-core';
import { BroadcastAgent } from '../../agents/agent.js';
import '../../envs/index.js';
import { Rng } from '../../src/core/rng.js';
import { makeVec } from '../../src/core/registry.js';
import { estimatorFor } from '../../src/estimators/index.js';
import { SPSA_PERTURBATION, spsaAscent, weightPerturbation } from '../../src/estimators/weight-perturbation.js';
import { BroadcastVectorEnv } from '../../src/stream/broadcast.js';
import { initBackend } from '../../src/tensor/backend.js';
import { presetAgentOptions, presetFor } from '../../src/train/presets.js';
import { runTraining } from '../../src/train/loop.js';
import { compare } from '../../src/train/compare.js';
import { throwsWith } from '../helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

await initBackend('cpu', () => {});

test('registered: a pairing, common-noise, broadcast estimator that perturbs weights', () => {
  const e = estimatorFor('weight-perturbation');
  assert.is(e, weightPerturbation);
  assert.is(e.information, 'broadcast');
  assert.is(e.pairing, true);
  assert.is(e.pairNoise, 'common');
  assert.ok(e.perturbation);
  assert.ok(e.exactMoments, 'diagnose measures it');
});

test('direction: ±1 per parameter, a function of the seed alone, balanced', () => {
  const a = new Float32Array(1000);
  const b = new Float32Array(1000);
  SPSA_PERTURBATION.direction(5, a);
  SPSA_PERTURBATION.direction(5, b);
  assert.equal(Array.from(a), Array.from(b));
  assert.ok(a.every((v) => v === 1 || v === -1));
  SPSA_PERTURBATION.direction(6, b);
  assert.not.equal(Array.from(a), Array.from(b));
  // The sum of 1000 fair signs has SD √1000 ≈ 31.6; 4 SD.
  assert.ok(Math.abs(a.reduce((s, v) => s + v, 0)) < 4 * Math.sqrt(1000));
});

test('spsaAscent: the mean over pairs of signal·Δ, laid out W₀, b₀, W₁, b₁', () => {
  const shapes = [
    { nIn: 2, nOut: 3 },
    { nIn: 3, nOut: 1 },
  ];
  const pairs = [
    { seed: 1, plus: 3, minus: 1 },
    { seed: 2, plus: 0, minus: 2 },
  ];
  const c = 0.5;
  const signal = Float32Array.from(pairs, (p) => SPSA_PERTURBATION.pairSignal(p, c));
  assert.equal(Array.from(signal), [2, -2]);
  const g = spsaAscent(pairs, signal, shapes);
  assert.equal(
    g.map((x) => x.length),
    [6, 3, 3, 1],
  );
  const d1 = new Float32Array(13);
  const d2 = new Float32Array(13);
  SPSA_PERTURBATION.direction(1, d1);
  SPSA_PERTURBATION.direction(2, d2);
  const flat = g.flatMap((x) => Array.from(x));
  for (let k = 0; k < 13; k++) assert.is(flat[k], (2 * d1[k]! - 2 * d2[k]!) / 2);
  assert.ok(spsaAscent([], new Float32Array(0), shapes).every((x) => x.every((v) => v === 0)));
  throwsWith(() => spsaAscent(pairs, new Float32Array(1), shapes), 'one number per pair (2), got 1');
});

test('hiddenGradient is never the route: the learner uses the perturbation ascent', () => {
  throwsWith(() => weightPerturbation.hiddenGradient({} as never), 'perturbation ascent');
});

/** J(θ) of a categorical head over a constant one-hot input: Σ softmax(W₀ⱼ + bⱼ)·μⱼ. */
function banditJ(theta: readonly number[], mu: readonly number[]): number {
  const k = mu.length;
  const a = mu.map((_, j) => theta[j]! + theta[k + j]!);
  const m = Math.max(...a);
  const e = a.map((v) => Math.exp(v - m));
  const z = e.reduce((s, v) => s + v, 0);
  return e.reduce((s, v, j) => s + (v / z) * mu[j]!, 0);
}

test('update direction on a 3-armed bandit: E ĝ as enumerated over all 2⁶ Δ, within 4 SE; ∇J within 4 SE + the exact O(c²) bias', () => {
  const mu = [0.2, 0.5, 0.8];
  const c = 0.3;
  const venv = new BroadcastVectorEnv(makeVec('BernoulliBandit-v0', 2, { probs: mu, autoresetMode: 'same-step', pairing: 'pairs' }));
  // One pair per update (episodes are one pull); SGD at 1e-9 keeps θ fixed to ~1e-5.
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, {
    estimator: 'weight-perturbation',
    hidden: [],
    head: 'categorical',
    batchSize: 2,
    optimizer: 'sgd',
    learningRate: 1e-9,
    perturbationScale: c,
    gamma: 1,
    seed: 4,
  });
  const snap = agent.toJSON().network;
  const theta = [...snap.W[0]!, ...snap.b[0]!];
  const P = theta.length;
  assert.is(P, 6);
  const N = 6000;
  const sum = new Float64Array(P);
  const sum2 = new Float64Array(P);
  let updates = 0;
  let failure: unknown;
  const sub = agent.learnFrom(venv.events$).subscribe({
    next: () => {
      const g = agent.lastGradients().flatMap((x) => Array.from(x));
      for (let k = 0; k < P; k++) {
        sum[k] += g[k]!;
        sum2[k] += g[k]! ** 2;
      }
      updates += 1;
    },
    error: (e: unknown) => (failure = e),
  });
  let { observations } = venv.reset({ seed: 12 });
  while (updates < N && failure === undefined) observations = venv.step(agent.act(observations)).observations;
  sub.unsubscribe();
  assert.is(failure, undefined);
  const after = agent.toJSON().network;
  const drift = Math.max(...[...after.W[0]!, ...after.b[0]!].map((v, k) => Math.abs(v - theta[k]!)));
  assert.ok(drift < 1e-4, `θ stayed put (${drift})`);
  agent.dispose();
  // E ĝ exactly: the average over every Δ ∈ {±1}⁶ of (J(θ + cΔ) − J(θ − cΔ))Δ/(2c).
  const expected = new Float64Array(P);
  for (let m = 0; m < 2 ** P; m++) {
    const d = Array.from({ length: P }, (_, k) => ((m >> k) & 1 ? 1 : -1));
    const D = (banditJ(theta.map((v, k) => v + c * d[k]!), mu) - banditJ(theta.map((v, k) => v - c * d[k]!), mu)) / (2 * c);
    for (let k = 0; k < P; k++) expected[k] += (D * d[k]!) / 2 ** P;
  }
  // ∇J: ∂J/∂aⱼ = πⱼ(μⱼ − J), the same for W₀ⱼ and bⱼ (the input is 1).
  const J = banditJ(theta, mu);
  const a = mu.map((_, j) => theta[j]! + theta[3 + j]!);
  const z = a.reduce((s, v) => s + Math.exp(v), 0);
  const dJ = mu.map((m, j) => (Math.exp(a[j]!) / z) * (m - J));
  const grad = [...dJ, ...dJ];
  for (let k = 0; k < P; k++) {
    const mean = sum[k]! / N;
    const se = Math.sqrt(Math.max(0, sum2[k]! / N - mean * mean) / N);
    assert.ok(se > 0, 'the estimate is noisy');
    assert.ok(Math.abs(mean - expected[k]!) < 4 * se, `param ${k}: mean ${mean} vs E ĝ ${expected[k]} (SE ${se})`);
    const bias = Math.abs(expected[k]! - grad[k]!);
    assert.ok(bias < 0.05 * Math.max(...grad.map(Math.abs)), `param ${k}: O(c²) bias ${bias} is small`);
    assert.ok(Math.abs(mean - grad[k]!) < 4 * se + bias, `param ${k}: mean ${mean} vs ∇J ${grad[k]} (SE ${se}, bias ${bias})`);
  }
});

test('the bias is O(c²): E ĝ − ∇J shrinks by about 9× when c shrinks 3× (exact, enumerated)', () => {
  const mu = [0.2, 0.5, 0.8];
  const theta = [0.3, -0.2, 0.1, 0, 0.4, -0.5];
  const P = 6;
  const biasAt = (c: number): number => {
    const J = banditJ(theta, mu);
    const a = mu.map((_, j) => theta[j]! + theta[3 + j]!);
    const z = a.reduce((s, v) => s + Math.exp(v), 0);
    const dJ = mu.map((m, j) => (Math.exp(a[j]!) / z) * (m - J));
    const grad = [...dJ, ...dJ];
    let worst = 0;
    for (let k = 0; k < P; k++) {
      let e = 0;
      for (let m = 0; m < 2 ** P; m++) {
        const d = Array.from({ length: P }, (_, i) => ((m >> i) & 1 ? 1 : -1));
        e += (((banditJ(theta.map((v, i) => v + c * d[i]!), mu) - banditJ(theta.map((v, i) => v - c * d[i]!), mu)) / (2 * c)) * d[k]!) / 2 ** P;
      }
      worst = Math.max(worst, Math.abs(e - grad[k]!));
    }
    return worst;
  };
  const ratio = biasAt(0.3) / biasAt(0.1);
  assert.ok(ratio > 7 && ratio < 11, `bias ratio ${ratio}`);
});

test('trains on paired CartPole through the agent without leaking tensors; members act with different weights', () => {
  const venv = new BroadcastVectorEnv(makeVec('CartPole-v1', 4, { autoresetMode: 'same-step', pairing: 'pairs' }));
  const agent = new BroadcastAgent(venv.singleObservationSpace, venv.singleActionSpace, { estimator: 'weight-perturbation', hidden: [8], batchSize: 64, seed: 3 });
  let updates = 0;
  let failure: unknown;
  const sub = agent.learnFrom(venv.events$).subscribe({ next: () => (updates += 1), error: (e: unknown) => (failure = e) });
  let { observations } = venv.reset({ seed: 11 });
  while (updates === 0 && failure === undefined) observations = venv.step(agent.act(observations)).observations;
  const before = tf.memory().numTensors;
  for (let t = 0; t < 600 && failure === undefined; t++) observations = venv.step(agent.act(observations)).observations;
  sub.unsubscribe();
  assert.is(failure, undefined);
  assert.ok(updates >= 2, `updates ${updates}`);
  assert.is(tf.memory().numTensors, before, 'no tensor leak');
  const g = agent.lastGradients();
  assert.equal(
    g.map((x) => x.length),
    [4 * 8, 8, 8 * 1, 1],
  );
  assert.ok(g.every((x) => x.every(Number.isFinite)));
  agent.dispose();
});

test('learns the 10-armed bandit (preset) above chance: mean reward of the last 1 000 pulls (both members), 3 SE above the arms mean (seed 1)', async () => {
  const preset = presetFor('BernoulliBandit-v0');
  const probs = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
  const chance = probs.reduce((s, p) => s + p, 0) / probs.length;
  const rewards: number[] = [];
  const run = await runTraining({
    env: 'BernoulliBandit-v0',
    envKwargs: { probs: Rng.fromSeed(77).shuffle([...probs]) },
    steps: preset.steps ?? 5000,
    numEnvs: preset.numEnvs ?? 1,
    seed: 1,
    agent: { ...presetAgentOptions(preset, 'weight-perturbation'), estimator: 'weight-perturbation' },
    onEpisode: (e) => rewards.push(e.return),
  });
  run.agent.dispose();
  const last = rewards.slice(-1000);
  const m = last.reduce((s, v) => s + v, 0) / last.length;
  const se = Math.sqrt((m * (1 - m)) / last.length);
  assert.ok(m - 3 * se > chance, `mean reward ${m} (SE ${se}) vs chance ${chance}`);
});

test('works in compare (with the CartPole preset entry) and in diagnose (its exact moments, once per network)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'rewardcast-wp-'));
  try {
    const r = await compare({ env: 'CartPole-v1', estimators: ['reinforce-optimal', 'weight-perturbation'], seeds: 2, steps: 3000, out, workers: 1, backend: 'cpu' });
    assert.is(r.status, 'finished');
    const wp = r.report!.stats.estimators.find((e) => e.estimator === 'weight-perturbation');
    assert.ok(wp && Number.isFinite(wp.finalReturn.point!), 'weight-perturbation has a final return');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const d = spawnSync(process.execPath, [cli, 'diagnose', '--units', '2', '--nets', '1', '--json', '--no-check', '--out', join(tmpdir(), `rewardcast-wp-diag-${process.pid}`)], { encoding: 'utf8' });
  assert.is(d.status, 0, d.stderr);
  const rows = (JSON.parse(d.stdout) as { since2013: { estimator: string; network: string; relBias: number }[] }).since2013.filter((x) => x.estimator === 'weight-perturbation');
  assert.equal(rows.map((x) => x.network).sort(), ['one-layer', 'two-layer']);
  for (const x of rows) assert.ok(x.relBias > 0 && x.relBias < 0.05, `SPSA's measured bias ${x.relBias}`);
});

test.run();
