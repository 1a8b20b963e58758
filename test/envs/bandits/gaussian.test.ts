import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { GaussianBandit, type GaussianBanditOptions } from '../../../envs/bandits/gaussian.js';
import type { BanditResetInfo, BanditStepInfo } from '../../../envs/bandits/common.js';
import { throwsWith } from '../../helpers.js';
import { meanVar, pullMany, within4SE } from './sampling.js';

const resetInfo = (env: GaussianBandit, seed?: number): BanditResetInfo =>
  env.reset(seed === undefined ? {} : { seed }).info as BanditResetInfo;

test('defaults: the 10-armed testbed with reward noise 1; every step terminates', () => {
  const env = new GaussianBandit();
  assert.is(env.actionSpace.n, 10);
  assert.is(env.observationSpace.toString(), 'Discrete(1)');
  assert.is(env.stddev, 1);
  assert.is(env.reset({ seed: 0 }).observation, 0);
  const s = env.step(4);
  assert.is(s.observation, 0);
  assert.is(s.terminated, true);
  assert.is(s.truncated, false);
});

test('rewards are N(q*(a), stddev²): mean and variance within 4 SE', () => {
  const means = [-1, 0.5, 2];
  const n = 20_000;
  for (const stddev of [1, 0.3]) {
    const env = new GaussianBandit({ means, stddev });
    env.reset({ seed: 21 });
    means.forEach((q, a) => {
      const { mean, variance } = meanVar(pullMany(env, a, n));
      within4SE(mean, q, stddev / Math.sqrt(n), `arm ${a} mean reward (stddev ${stddev})`);
      within4SE(variance, stddev ** 2, stddev ** 2 * Math.sqrt(2 / n), `arm ${a} reward variance (stddev ${stddev})`);
    });
  }
});

test('stddev 0 makes the reward the arm mean exactly', () => {
  const env = new GaussianBandit({ means: [0.25, -3], stddev: 0 });
  env.reset({ seed: 0 });
  assert.ok(pullMany(env, 0, 100).every((r) => r === 0.25));
  assert.ok(pullMany(env, 1, 100).every((r) => r === -3));
});

test('default true values are q*(a) ~ N(0, 1): mean and variance within 4 SE', () => {
  const k = 20_000;
  const { means } = resetInfo(new GaussianBandit({ k }), 8);
  const { mean, variance } = meanVar(means);
  within4SE(mean, 0, 1 / Math.sqrt(k), 'mean of q*');
  within4SE(variance, 1, Math.sqrt(2 / k), 'variance of q*');
});

test('info reports the optimal arm, a copy of the means, regret and optimality', () => {
  const means = [0.1, -0.4, 1.3, 0.9];
  const env = new GaussianBandit({ means });
  const info = resetInfo(env, 0);
  assert.is(info.optimalArm, 2);
  assert.equal(info.means, means);
  info.means[2] = -99;
  assert.equal(resetInfo(env).means, means);
  for (let a = 0; a < 4; a++) {
    env.reset();
    const s = env.step(a).info as BanditStepInfo;
    assert.is(s.optimalArm, 2);
    assert.equal(s.means, means);
    assert.is(s.regret, 1.3 - means[a]!);
    assert.ok(s.regret >= 0);
    assert.is(s.optimal, a === 2);
  }
});

test('seeding: same seed gives the same means and the same rewards; another seed differs', () => {
  const run = (seed: number): { means: number[]; rewards: number[] } => {
    const env = new GaussianBandit();
    const { means } = resetInfo(env, seed);
    const rewards: number[] = [];
    for (let t = 0; t < 200; t++) {
      rewards.push(env.step((t * 7) % 10).reward);
      env.reset();
    }
    return { means, rewards };
  };
  assert.equal(run(42), run(42));
  assert.not.equal(run(42).means, run(43).means);
});

test('a plain reset keeps the means; a seeded reset redraws them; given means stay fixed', () => {
  const env = new GaussianBandit();
  const first = resetInfo(env, 1).means;
  for (let i = 0; i < 50; i++) {
    env.step(i % 10);
    assert.equal(resetInfo(env).means, first);
  }
  assert.not.equal(resetInfo(env, 2).means, first);
  assert.equal(resetInfo(env, 1).means, first);

  const fixed = new GaussianBandit({ means: [1, 2, 3], k: 3 });
  assert.equal(resetInfo(fixed, 1).means, [1, 2, 3]);
  assert.equal(resetInfo(fixed, 2).means, [1, 2, 3]);
  assert.is(fixed.k, 3);
});

test('checkEnv reports ok', () => {
  for (const make of [() => new GaussianBandit(), () => new GaussianBandit({ means: [0, 1], stddev: 0.5 })]) {
    const report = checkEnv(make);
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('render returns one text line', () => {
  const env = new GaussianBandit({ means: [0.5, -1.25], stddev: 0 });
  assert.is(env.render(), 'GaussianBandit k=2 | not reset yet');
  env.reset({ seed: 0 });
  env.step(1);
  assert.is(env.render(), 'GaussianBandit k=2 | best arm 0 (0.50) | pulled 1 → -1.25, regret 1.75');
});

test('errors name the argument and the value', () => {
  const make = (o: unknown) => () => new GaussianBandit(o as GaussianBanditOptions);
  throwsWith(make('k=3'), 'GaussianBandit: options must be an object, got "k=3"');
  throwsWith(make({ probs: [0.5] }), "GaussianBandit: unknown option 'probs'");
  throwsWith(make({ k: -2 }), 'GaussianBandit: k must be a positive integer, got -2');
  throwsWith(make({ k: 1.5, means: [0] }), 'GaussianBandit: k must be a positive integer, got 1.5');
  throwsWith(make({ means: 'abc' }), 'GaussianBandit: means must be an array of numbers, got "abc"');
  throwsWith(make({ means: [] }), 'GaussianBandit: means must have at least one entry, got []');
  throwsWith(make({ k: 2, means: [0, 1, 2] }), 'GaussianBandit: means must have k = 2 entries, got 3');
  throwsWith(make({ means: [0, Infinity] }), 'GaussianBandit: means[1] must be a finite number, got Infinity');
  throwsWith(make({ means: [NaN] }), 'GaussianBandit: means[0] must be a finite number, got NaN');
  throwsWith(make({ stddev: -1 }), 'GaussianBandit: stddev must be a finite number >= 0, got -1');
  throwsWith(make({ stddev: Infinity }), 'GaussianBandit: stddev must be a finite number >= 0, got Infinity');
  throwsWith(make({ stddev: '1' }), 'GaussianBandit: stddev must be a finite number >= 0, got "1"');
  throwsWith(make({ renderMode: 'rgb_array' }), `GaussianBandit: renderMode must be 'ansi' or undefined, got "rgb_array"`);
});

test('step before reset and an action outside Discrete(k) are errors', () => {
  const env = new GaussianBandit();
  throwsWith(() => env.step(0), 'GaussianBandit.step:', 'call reset() before step()');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(10), 'GaussianBandit.step: action 10 is not in the action space Discrete(10)');
  throwsWith(() => env.step(-1), 'GaussianBandit.step: action -1 is not in the action space Discrete(10)');
});

test.run();
