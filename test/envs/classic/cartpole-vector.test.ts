import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CartPole } from '../../../envs/classic/cartpole.js';
import { CartPoleVectorEnv } from '../../../envs/classic/cartpole-vector.js';
import { Rng } from '../../../src/core/rng.js';
import { SyncVectorEnv, type AutoresetMode, type VectorEnv, type VectorStepResult } from '../../../src/core/vector.js';
import { TimeLimit } from '../../../src/core/wrappers.js';
import { throwsWith } from '../../helpers.js';

/** The reference: SyncVectorEnv over TimeLimit(CartPole, 500), as make('CartPole-v1') would build. */
function syncCartPoles(n: number, mode: AutoresetMode, suttonBartoReward = false): SyncVectorEnv {
  const fns = Array.from({ length: n }, () => () => new TimeLimit(new CartPole({ suttonBartoReward }), 500));
  return new SyncVectorEnv(fns, { autoresetMode: mode });
}

/**
 * Actions from the observations: a balancing controller, overridden by a random push with a
 * probability that differs per sub-env, so that some episodes terminate early and some run to the
 * 500-step limit.
 */
function policy(obs: Float32Array, n: number, rng: Rng, out: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const balance = 10 * obs[o + 2]! + obs[o + 3]! + 0.5 * obs[o + 1]! + 0.1 * obs[o]! > 0 ? 1 : 0;
    const pRandom = i % 3 === 0 ? 0 : i % 3 === 1 ? 0.2 : 0.9;
    out[i] = rng.random() < pRandom ? rng.integers(2) : balance;
  }
  return out;
}

function sameStep(a: VectorStepResult, b: VectorStepResult, t: number): void {
  assert.equal(Array.from(a.observations), Array.from(b.observations), `observations at step ${t}`);
  assert.equal(Array.from(a.rewards), Array.from(b.rewards), `rewards at step ${t}`);
  assert.equal(Array.from(a.terminations), Array.from(b.terminations), `terminations at step ${t}`);
  assert.equal(Array.from(a.truncations), Array.from(b.truncations), `truncations at step ${t}`);
  const fa = a.info.finalObservations;
  const fb = b.info.finalObservations;
  assert.is(fa === undefined, fb === undefined, `finalObservations presence at step ${t}`);
  if (fa && fb) {
    for (let i = 0; i < fa.length; i++) {
      assert.equal(fa[i] ? Array.from(fa[i]!) : null, fb[i] ? Array.from(fb[i]!) : null, `finalObservations[${i}] at step ${t}`);
    }
  }
}

/** Steps both vector envs side by side and counts what happened. */
function compare(batched: VectorEnv, sync: VectorEnv, seed: number, steps: number): { terms: number; truncs: number } {
  const n = batched.numEnvs;
  const r0 = batched.reset({ seed });
  const r1 = sync.reset({ seed });
  assert.equal(Array.from(r0.observations), Array.from(r1.observations), 'reset observations');
  const rngA = Rng.fromSeed(seed + 1000);
  const rngB = Rng.fromSeed(seed + 1000);
  const actA = new Int32Array(n);
  const actB = new Int32Array(n);
  let obsA = Float32Array.from(r0.observations);
  let obsB = Float32Array.from(r1.observations);
  let terms = 0;
  let truncs = 0;
  for (let t = 1; t <= steps; t++) {
    const a = batched.step(policy(obsA, n, rngA, actA));
    const b = sync.step(policy(obsB, n, rngB, actB));
    sameStep(a, b, t);
    for (let i = 0; i < n; i++) {
      terms += a.terminations[i]!;
      truncs += a.truncations[i]!;
    }
    obsA = Float32Array.from(a.observations);
    obsB = Float32Array.from(b.observations);
  }
  return { terms, truncs };
}

for (const mode of ['next-step', 'same-step'] as const) {
  test(`batched and SyncVectorEnv(TimeLimit(CartPole, 500)) are identical step by step ('${mode}')`, () => {
    const n = 6;
    const { terms, truncs } = compare(new CartPoleVectorEnv(n, { autoresetMode: mode }), syncCartPoles(n, mode), 42, 1600);
    assert.ok(terms > 20, `episodes terminated (${terms})`);
    assert.ok(truncs >= 2, `episodes were truncated at 500 steps (${truncs})`);
  });
}

test('identical with suttonBartoReward too', () => {
  const { terms } = compare(new CartPoleVectorEnv(4, { autoresetMode: 'same-step', suttonBartoReward: true }), syncCartPoles(4, 'same-step', true), 7, 400);
  assert.ok(terms > 0);
});

test('identical over several resets: later unseeded resets continue each sub-env RNG', () => {
  const a = new CartPoleVectorEnv(3);
  const b = syncCartPoles(3, 'next-step');
  a.reset({ seed: 5 });
  b.reset({ seed: 5 });
  for (let k = 0; k < 3; k++) {
    assert.equal(Array.from(a.reset().observations), Array.from(b.reset().observations), `unseeded reset ${k}`);
  }
});

test('seeding: sub-env i starts as CartPole reset with seed + i', () => {
  const n = 5;
  const venv = new CartPoleVectorEnv(n);
  const { observations } = venv.reset({ seed: 100 });
  for (let i = 0; i < n; i++) {
    const single = new CartPole().reset({ seed: 100 + i }).observation;
    assert.equal(Array.from(observations.subarray(i * 4, i * 4 + 4)), Array.from(single), `sub-env ${i}`);
  }
  const other = new CartPoleVectorEnv(n).reset({ seed: 101 }).observations;
  assert.equal(Array.from(other.subarray(0, 4)), Array.from(observations.subarray(4, 8)), 'seed 101 sub-env 0 = seed 100 sub-env 1');
});

test("'next-step' autoreset: the step after an ending resets, ignores the action, reward 0, flags 0", () => {
  const venv = new CartPoleVectorEnv(2, { autoresetMode: 'next-step' });
  venv.reset({ seed: 0 });
  venv.state.set([2.39, 1, 0, 0], 0); // sub-env 0 leaves the track on this step
  const end = venv.step([1, 1]);
  assert.equal(Array.from(end.terminations), [1, 0]);
  assert.equal(Array.from(end.rewards), [1, 1]);
  assert.ok(end.observations[0]! > 2.4, 'the final observation is returned');
  assert.is(end.info.finalObservations, undefined);
  const next = venv.step([1, 1]);
  assert.equal(Array.from(next.terminations), [0, 0]);
  assert.equal(Array.from(next.truncations), [0, 0]);
  assert.is(next.rewards[0], 0);
  assert.is(next.rewards[1], 1);
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(next.observations[k]!) <= 0.05, 'sub-env 0 was reset');
});

test("'same-step' autoreset: the ending step returns the new start and the final observation in info", () => {
  const venv = new CartPoleVectorEnv(2, { autoresetMode: 'same-step' });
  venv.reset({ seed: 0 });
  venv.state.set([0, 0, 0.2, 1], 4); // sub-env 1's pole falls past 12°
  const r = venv.step([0, 0]);
  assert.equal(Array.from(r.terminations), [0, 1]);
  assert.equal(Array.from(r.rewards), [1, 1]);
  const finals = r.info.finalObservations!;
  assert.is(finals[0], null);
  assert.ok(finals[1]![2]! > (12 * 2 * Math.PI) / 360);
  for (let k = 4; k < 8; k++) assert.ok(Math.abs(r.observations[k]!) <= 0.05, 'sub-env 1 restarted at once');
});

test('truncation at maxEpisodeSteps, built in (default 500), without terminating', () => {
  const venv = new CartPoleVectorEnv(1, { maxEpisodeSteps: 500, autoresetMode: 'same-step' });
  let obs = Float32Array.from(venv.reset({ seed: 1 }).observations);
  for (let t = 1; t <= 500; t++) {
    const a = 10 * obs[2]! + obs[3]! + 0.5 * obs[1]! + 0.1 * obs[0]! > 0 ? 1 : 0;
    const r = venv.step([a]);
    obs = Float32Array.from(r.observations);
    assert.is(r.terminations[0], 0);
    assert.is(r.truncations[0], t === 500 ? 1 : 0, `truncated at step ${t}`);
  }
  const short = new CartPoleVectorEnv(1, { maxEpisodeSteps: 3 });
  short.reset({ seed: 0 });
  assert.equal([short.step([0]).truncations[0], short.step([1]).truncations[0], short.step([0]).truncations[0]], [0, 0, 1]);
});

test('bad actions are named with their index, and leave the batch untouched', () => {
  const venv = new CartPoleVectorEnv(3);
  throwsWith(() => venv.step([0, 0, 0]), 'reset()');
  venv.reset({ seed: 0 });
  const before = Float64Array.from(venv.state);
  throwsWith(() => venv.step([0, 2, 1]), 'CartPoleVectorEnv.step', 'actions[1] = 2', 'Discrete(2)');
  throwsWith(() => venv.step([0, 1, 0.5]), 'actions[2] = 0.5');
  throwsWith(() => venv.step([0, 1]), 'actions must hold 3 numbers', 'got 2');
  assert.equal(Array.from(venv.state), Array.from(before));
  venv.step(new Float32Array([1, 0, 1]));
});

test('bad constructor arguments are named', () => {
  throwsWith(() => new CartPoleVectorEnv(0), 'numEnvs', '0');
  throwsWith(() => new CartPoleVectorEnv(2.5), 'numEnvs', '2.5');
  throwsWith(() => new CartPoleVectorEnv(2, { autoresetMode: 'never' as never }), 'autoresetMode', '"never"');
  throwsWith(() => new CartPoleVectorEnv(2, { maxEpisodeSteps: 0 }), 'maxEpisodeSteps', '0');
  throwsWith(() => new CartPoleVectorEnv(2, { numEnvs: 3 } as never), "unknown option 'numEnvs'");
  throwsWith(() => new CartPoleVectorEnv(2).reset({ seed: 1.5 }), 'seed', '1.5');
});

test('unseeded reset draws in range; spaces and sizes', () => {
  const venv = new CartPoleVectorEnv(8);
  const { observations } = venv.reset();
  for (const v of observations) assert.ok(Math.abs(v) <= 0.05);
  assert.is(venv.obsSize, 4);
  assert.is(venv.actSize, 1);
  assert.is(venv.singleActionSpace.toString(), 'Discrete(2)');
  assert.is(venv.singleObservationSpace.toString(), new CartPole().observationSpace.toString());
  assert.match(venv.toString(), /numEnvs=8/);
});

test.run();
