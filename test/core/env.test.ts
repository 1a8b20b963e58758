import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ActionWrapper,
  Env,
  ObservationWrapper,
  RewardWrapper,
  Wrapper,
  assertAction,
} from '../../src/core/env.js';
import { Rng } from '../../src/core/rng.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import { CorridorEnv } from '../../examples/custom-env.js';
import { NoisyEnv, ScriptedEnv } from '../fixtures/core-envs.js';
import { throwsWith } from '../helpers.js';

/** Runs `actions` from a reset with `seed` (or none) and returns every observation and reward. */
function trajectory(env: Env<Float32Array, number>, actions: number[], seed?: number): number[][] {
  const out: number[][] = [Array.from(env.reset(seed === undefined ? {} : { seed }).observation)];
  for (const a of actions) {
    const r = env.step(a);
    out.push([...Array.from(r.observation), r.reward]);
  }
  return out;
}

// ---- seeding -----------------------------------------------------------------------------------

test('reset with the same seed gives the same trajectory, on one env and on two', () => {
  const actions = [0, 1, 1, 0];
  const a = new NoisyEnv({ length: 10 });
  const b = new NoisyEnv({ length: 10 });
  const first = trajectory(a, actions, 12);
  assert.equal(trajectory(a, actions, 12), first, 'same env reseeded');
  assert.equal(trajectory(b, actions, 12), first, 'another env, same seed');
  assert.not.equal(trajectory(b, actions, 13), first, 'another seed');
});

test('the RNG is replaced only when reset gets a seed; without one it continues', () => {
  const env = new NoisyEnv({ length: 100 });
  const seeded = Array.from(env.reset({ seed: 5 }).observation);
  const rng = env.npRandom;
  const twin = rng.clone();
  const o1 = Array.from(env.reset().observation);
  assert.is(env.npRandom, rng, 'reset() keeps the same Rng object');
  assert.equal(o1, [twin.random32(), twin.random32()], 'reset() draws from the continuing stream');
  assert.not.equal(o1, seeded, 'reset() does not restart the stream');
  const o2 = Array.from(env.reset().observation);
  assert.equal(o2, [twin.random32(), twin.random32()]);
  assert.equal(Array.from(env.reset({ seed: 5 }).observation), seeded, 'reset({ seed }) restarts it');
  assert.is.not(env.npRandom, rng, 'reset({ seed }) installs a new Rng');
});

test('an env never seeded gets an entropy-seeded RNG once, and keeps it', () => {
  const env = new NoisyEnv();
  const rng = env.npRandom;
  assert.ok(rng instanceof Rng);
  assert.is(env.npRandom, rng);
  env.reset();
  assert.is(env.npRandom, rng);
});

test('reset refuses a bad seed, naming it', () => {
  throwsWith(() => new NoisyEnv().reset({ seed: -1 }), 'reset: seed', '-1');
  throwsWith(() => new NoisyEnv().reset({ seed: 0.5 }), '0.5');
});

test('Env defaults: metadata, render, spec, unwrapped, toString', () => {
  const env = new ScriptedEnv();
  assert.equal(env.metadata.renderModes, ['ansi']);
  assert.is(env.renderMode, undefined);
  assert.is(env.spec, undefined);
  assert.is(env.unwrapped, env);
  assert.is(env.toString(), '<ScriptedEnv instance>');
  env.spec = { id: 'Scripted-v0' };
  assert.is(env.toString(), '<ScriptedEnv<Scripted-v0>>');
  assert.is(new NoisyEnv().render(), undefined, 'the base render renders nothing');
});

test('assertAction names the action, the space and the env', () => {
  throwsWith(() => assertAction(new Discrete(2), 2, 'Foo'), 'Foo.step: action 2 is not in the action space Discrete(2)');
  throwsWith(() => assertAction(new Box(0, 1, [2]), new Float32Array([0, 3]), 'Bar'), 'action Float32Array [0, 3]', 'Box(0, 1, [2], float32)');
  assertAction(new Discrete(2), 1, 'Foo');
  throwsWith(() => new CorridorEnv().step(7), 'Corridor.step: action 7');
});

// ---- Wrapper -----------------------------------------------------------------------------------

test('Wrapper forwards reset, step, render, close, spaces, metadata and the RNG', () => {
  const inner = new ScriptedEnv({ rewards: [2, 3] });
  inner.metadata = { renderModes: ['ansi'], renderFps: 4 };
  inner.spec = { id: 'Scripted-v0' };
  const w = new Wrapper(inner);
  assert.is(w.actionSpace, inner.actionSpace);
  assert.is(w.observationSpace, inner.observationSpace);
  assert.is(w.metadata, inner.metadata);
  assert.is(w.spec, inner.spec);
  assert.equal(w.reset({ seed: 3 }), { observation: 0, info: { resetInfo: 1 } });
  assert.is(w.npRandom, inner.npRandom, 'the wrapper has no RNG of its own');
  const r = w.step(2);
  assert.equal(r, { observation: 1, reward: 2, terminated: false, truncated: false, info: { t: 1 } });
  assert.equal(inner.actions, [2]);
  assert.is(w.render(), 't=1');
  w.close();
  assert.is(inner.closes, 1);
  const rng = Rng.fromSeed(1);
  w.npRandom = rng;
  assert.is(inner.npRandom, rng, 'setting the RNG on a wrapper sets the inner env\'s');
});

test('unwrapped reaches the innermost env through any number of wrappers; toString shows the chain', () => {
  const inner = new ScriptedEnv();
  const w = new Wrapper(new Wrapper(new Wrapper(inner)));
  assert.is(w.unwrapped, inner);
  assert.is((w.env as Wrapper).unwrapped, inner);
  assert.is(w.toString(), '<Wrapper<Wrapper<Wrapper<ScriptedEnv instance>>>>');
});

test('Wrapper refuses something that is not an Env', () => {
  throwsWith(() => new Wrapper({} as unknown as Env), 'Wrapper: env must be an Env, got [object Object]');
});

test('a wrapper that sets its own spaces overrides them; others still forward', () => {
  const inner = new ScriptedEnv();
  const w = new Wrapper<number, number>(inner);
  const space = new Discrete(7);
  w.actionSpace = space;
  assert.is(w.actionSpace, space);
  assert.is(inner.actionSpace.toString(), 'Discrete(3)', 'the inner env is untouched');
  assert.is(w.observationSpace, inner.observationSpace);
  assert.is(new Wrapper(w).actionSpace, space, 'an outer wrapper forwards the overridden space');
});

class Doubled extends ObservationWrapper<number, number, number> {
  constructor(env: Env<number, number>) {
    super(env);
    this.observationSpace = new Discrete(2000);
  }
  observation(o: number): number {
    return 2 * o;
  }
}

class Scaled extends RewardWrapper<number, number> {
  reward(r: number): number {
    return 10 * r;
  }
}

class Flipped extends ActionWrapper<number, number, number> {
  action(a: number): number {
    return 2 - a;
  }
}

test('ObservationWrapper changes observations (reset and step) and nothing else', () => {
  const inner = new ScriptedEnv({ rewards: [0.5], terminateAt: 2 });
  const w = new Doubled(inner);
  assert.is(w.observationSpace.toString(), 'Discrete(2000)');
  assert.is(w.actionSpace, inner.actionSpace);
  assert.equal(w.reset(), { observation: 0, info: { resetInfo: 1 } });
  assert.equal(w.step(1), { observation: 2, reward: 0.5, terminated: false, truncated: false, info: { t: 1 } });
  assert.equal(w.step(2), { observation: 4, reward: 0.5, terminated: true, truncated: false, info: { t: 2 } });
  assert.equal(inner.actions, [1, 2], 'actions pass through unchanged');
});

test('RewardWrapper changes rewards and nothing else', () => {
  const inner = new ScriptedEnv({ rewards: [1, -2], terminateAt: 2 });
  const w = new Scaled(inner);
  assert.equal(w.reset(), { observation: 0, info: { resetInfo: 1 } });
  assert.equal(w.step(0), { observation: 1, reward: 10, terminated: false, truncated: false, info: { t: 1 } });
  assert.equal(w.step(1), { observation: 2, reward: -20, terminated: true, truncated: false, info: { t: 2 } });
  assert.equal(inner.actions, [0, 1]);
});

test('ActionWrapper changes actions and nothing else', () => {
  const inner = new ScriptedEnv({ rewards: [3] });
  const w = new Flipped(inner);
  w.reset();
  assert.equal(w.step(0), { observation: 1, reward: 3, terminated: false, truncated: false, info: { t: 1 } });
  w.step(1);
  w.step(2);
  assert.equal(inner.actions, [2, 1, 0]);
});

test('narrow wrappers compose, and unwrapped sees through them all', () => {
  const inner = new ScriptedEnv({ rewards: [1] });
  const w = new Scaled(new Doubled(new Flipped(inner)));
  w.reset();
  const r = w.step(0);
  assert.is(r.observation, 2);
  assert.is(r.reward, 10);
  assert.equal(inner.actions, [2]);
  assert.is(w.unwrapped, inner);
  assert.is(w.toString(), '<Scaled<Doubled<Flipped<ScriptedEnv instance>>>>');
});

test.run();
