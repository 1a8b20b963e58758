import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { Discrete } from '../../../src/core/spaces.js';
import { BernoulliBandit, type BernoulliBanditOptions } from '../../../envs/bandits/bernoulli.js';
import type { BanditResetInfo, BanditStepInfo } from '../../../envs/bandits/common.js';
import { throwsWith } from '../../helpers.js';
import { meanVar, pullMany, within4SE } from './sampling.js';

const resetInfo = (env: BernoulliBandit, seed?: number): BanditResetInfo =>
  env.reset(seed === undefined ? {} : { seed }).info as BanditResetInfo;

test('defaults: 10 arms, Discrete(1) observation 0, every step terminates', () => {
  const env = new BernoulliBandit();
  assert.ok(env.actionSpace instanceof Discrete);
  assert.is(env.actionSpace.n, 10);
  assert.is(env.observationSpace.toString(), 'Discrete(1)');
  assert.is(env.k, 10);
  const r = env.reset({ seed: 0 });
  assert.is(r.observation, 0);
  for (let a = 0; a < 10; a++) {
    const s = env.step(a);
    assert.is(s.observation, 0);
    assert.is(s.terminated, true);
    assert.is(s.truncated, false);
    assert.ok(s.reward === 0 || s.reward === 1, `reward ${s.reward}`);
    env.reset();
  }
});

test('each arm pays 1 with its probability: empirical mean within 4 SE', () => {
  const probs = [0.1, 0.5, 0.9, 0.25];
  const env = new BernoulliBandit({ probs });
  env.reset({ seed: 11 });
  const n = 20_000;
  probs.forEach((p, a) => {
    const rewards = pullMany(env, a, n);
    assert.ok(rewards.every((r) => r === 0 || r === 1), `arm ${a}: rewards are 0 or 1`);
    within4SE(meanVar(rewards).mean, p, Math.sqrt((p * (1 - p)) / n), `arm ${a} mean reward`);
  });
});

test('probabilities 0 and 1 pay 0 and 1 every time', () => {
  const env = new BernoulliBandit({ probs: [0, 1] });
  env.reset({ seed: 3 });
  assert.ok(pullMany(env, 0, 1000).every((r) => r === 0));
  assert.ok(pullMany(env, 1, 1000).every((r) => r === 1));
});

test('default probabilities are U(0, 1): mean and variance within 4 SE', () => {
  const k = 20_000;
  const env = new BernoulliBandit({ k });
  const { means } = resetInfo(env, 5);
  assert.is(means.length, k);
  assert.ok(means.every((p) => p >= 0 && p < 1));
  const { mean, variance } = meanVar(means);
  within4SE(mean, 0.5, Math.sqrt(1 / 12 / k), 'mean of p_i');
  // Var of (U − 1/2)² is 1/80 − 1/144 = 1/180.
  within4SE(variance, 1 / 12, Math.sqrt(1 / 180 / k), 'variance of p_i');
});

test('info reports the optimal arm, a copy of the means, regret and optimality', () => {
  const probs = [0.2, 0.7, 0.4];
  const env = new BernoulliBandit({ probs });
  const info = resetInfo(env, 0);
  assert.is(info.optimalArm, 1);
  assert.equal(info.means, probs);
  info.means[0] = 99; // a copy: changing it does not change the env
  assert.equal(resetInfo(env).means, probs);
  const expectedRegret = [0.7 - 0.2, 0, 0.7 - 0.4];
  for (let a = 0; a < 3; a++) {
    env.reset();
    const s = env.step(a).info as BanditStepInfo;
    assert.is(s.optimalArm, 1);
    assert.equal(s.means, probs);
    assert.is(s.regret, expectedRegret[a]);
    assert.is(s.optimal, a === 1);
  }
});

test('ties: the lowest index is the optimal arm, and every tied arm is optimal with regret 0', () => {
  const env = new BernoulliBandit({ probs: [0.3, 0.6, 0.6] });
  assert.is(resetInfo(env, 0).optimalArm, 1);
  const s = env.step(2).info as BanditStepInfo;
  assert.is(s.optimalArm, 1);
  assert.is(s.regret, 0);
  assert.is(s.optimal, true);
});

test('seeding: same seed gives the same probabilities and the same rewards; another seed differs', () => {
  const run = (seed: number): { means: number[]; rewards: number[] } => {
    const env = new BernoulliBandit();
    const { means } = resetInfo(env, seed);
    const rewards: number[] = [];
    for (let t = 0; t < 200; t++) {
      rewards.push(env.step(t % 10).reward);
      env.reset();
    }
    return { means, rewards };
  };
  assert.equal(run(42), run(42));
  assert.not.equal(run(42).means, run(43).means);
});

test('a plain reset keeps the probabilities; a seeded reset redraws them', () => {
  const env = new BernoulliBandit();
  const first = resetInfo(env, 1).means;
  for (let i = 0; i < 50; i++) {
    env.step(i % 10);
    assert.equal(resetInfo(env).means, first);
  }
  assert.not.equal(resetInfo(env, 2).means, first);
  assert.equal(resetInfo(env, 1).means, first);
});

test('the first reset without a seed draws probabilities, and later plain resets keep them', () => {
  const env = new BernoulliBandit({ k: 5 });
  const first = resetInfo(env).means;
  assert.is(first.length, 5);
  env.step(0);
  assert.equal(resetInfo(env).means, first);
});

test('given probs are fixed: seeded resets keep them, and they are copied from the argument', () => {
  const probs = new Float32Array([0.25, 0.5]);
  const env = new BernoulliBandit({ probs, k: 2 });
  probs[0] = 0.75;
  assert.equal(resetInfo(env, 1).means, [0.25, 0.5]);
  assert.equal(resetInfo(env, 2).means, [0.25, 0.5]);
  assert.is(env.k, 2);
});

test('checkEnv reports ok', () => {
  const report = checkEnv(() => new BernoulliBandit());
  assert.ok(report.ok, report.problems.join('\n'));
  const fixed = checkEnv(() => new BernoulliBandit({ probs: [0.1, 0.9] }));
  assert.ok(fixed.ok, fixed.problems.join('\n'));
});

test('render returns one text line naming the best arm and the last pull', () => {
  const env = new BernoulliBandit({ probs: [0.2, 0.8], renderMode: 'ansi' });
  assert.is(env.renderMode, 'ansi');
  assert.match(env.render(), /^BernoulliBandit k=2 \| not reset yet$/);
  env.reset({ seed: 0 });
  assert.is(env.render(), 'BernoulliBandit k=2 | best arm 1 (0.80)');
  env.step(0);
  const line = env.render();
  assert.match(line, /^BernoulliBandit k=2 \| best arm 1 \(0\.80\) \| pulled 0 → [01], regret 0\.60$/);
  assert.not.match(line, /\n/);
});

test('errors name the argument and the value', () => {
  const make = (o: unknown) => () => new BernoulliBandit(o as BernoulliBanditOptions);
  throwsWith(make(5), 'BernoulliBandit: options must be an object, got 5');
  throwsWith(make(null), 'BernoulliBandit: options must be an object, got null');
  throwsWith(make({ arms: 3 }), "BernoulliBandit: unknown option 'arms'");
  for (const k of [0, -1, 2.5, NaN, '3']) {
    throwsWith(make({ k }), 'BernoulliBandit: k must be a positive integer, got');
  }
  throwsWith(make({ k: 0 }), 'k must be a positive integer, got 0');
  throwsWith(make({ k: '3' }), 'k must be a positive integer, got "3"');
  throwsWith(make({ k: 0, probs: [0.5] }), 'k must be a positive integer, got 0');
  throwsWith(make({ probs: 0.5 }), 'BernoulliBandit: probs must be an array of numbers, got 0.5');
  throwsWith(make({ probs: [] }), 'BernoulliBandit: probs must have at least one entry, got []');
  throwsWith(make({ k: 4, probs: [0.1, 0.2, 0.3] }), 'BernoulliBandit: probs must have k = 4 entries, got 3');
  throwsWith(make({ probs: [0.1, 0.2, 1.5] }), 'BernoulliBandit: probs[2] must be in [0, 1], got 1.5');
  throwsWith(make({ probs: [-0.1] }), 'probs[0] must be in [0, 1], got -0.1');
  throwsWith(make({ probs: [0.1, NaN] }), 'probs[1] must be in [0, 1], got NaN');
  throwsWith(make({ probs: [0.1, '0.2'] }), 'probs[1] must be in [0, 1], got "0.2"');
  throwsWith(make({ renderMode: 'human' }), `BernoulliBandit: renderMode must be 'ansi' or undefined, got "human"`);
});

test('step before reset, an action outside Discrete(k) and a bad seed are errors', () => {
  const env = new BernoulliBandit({ k: 3 });
  throwsWith(() => env.step(0), 'BernoulliBandit.step:', 'call reset() before step()');
  env.reset({ seed: 0 });
  for (const a of [3, -1, 1.5, NaN]) throwsWith(() => env.step(a), `BernoulliBandit.step: action ${a} is not in the action space Discrete(3)`);
  throwsWith(() => env.step('0' as unknown as number), 'BernoulliBandit.step: action "0" is not in the action space Discrete(3)');
  throwsWith(() => env.reset({ seed: -1 }), 'reset: seed must be an integer in [0, 2^32), got -1');
});

test.run();
