import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { NonstationaryBandit, type NonstationaryBanditOptions } from '../../../envs/bandits/nonstationary.js';
import type { BanditResetInfo, BanditStepInfo } from '../../../envs/bandits/common.js';
import { throwsWith } from '../../helpers.js';
import { meanVar, pullMany, within4SE } from './sampling.js';

const resetInfo = (env: NonstationaryBandit, seed?: number): BanditResetInfo =>
  env.reset(seed === undefined ? {} : { seed }).info as BanditResetInfo;

test('defaults: 10 arms, walk 0.01, all values start at 0 and every arm is optimal at first', () => {
  const env = new NonstationaryBandit();
  assert.is(env.actionSpace.n, 10);
  assert.is(env.observationSpace.toString(), 'Discrete(1)');
  assert.is(env.walkStd, 0.01);
  assert.is(env.initialMean, 0);
  assert.is(env.stddev, 1);
  const r = env.reset({ seed: 0 });
  assert.is(r.observation, 0);
  assert.equal((r.info as BanditResetInfo).means, new Array(10).fill(0));
  const s = env.step(7);
  assert.is(s.terminated, true);
  assert.is(s.truncated, false);
  const info = s.info as BanditStepInfo;
  assert.is(info.regret, 0);
  assert.is(info.optimal, true);
  assert.is(info.optimalArm, 0);
});

test('random walk: after t steps q*(a) − q*0 has mean 0 and variance t·walkStd², within 4 SE', () => {
  const k = 4000;
  const walkStd = 0.01;
  const initialMean = 0.5;
  const env = new NonstationaryBandit({ k, walkStd, initialMean });
  env.reset({ seed: 17 });
  const checkpoints = new Set([1, 25, 100, 400]);
  for (let t = 1; t <= 400; t++) {
    env.step(0);
    const { means } = resetInfo(env); // the walked values: a plain reset keeps them
    if (!checkpoints.has(t)) continue;
    const d = means.map((q) => q - initialMean);
    const variance = t * walkStd ** 2;
    within4SE(meanVar(d).mean, 0, Math.sqrt(variance / k), `mean walk displacement at t=${t}`);
    // Variance about the known centre 0: E[d²] = t·σ², Var(d²) = 2(t·σ²)².
    const meanSquare = d.reduce((s, x) => s + x * x, 0) / k;
    within4SE(meanSquare, variance, variance * Math.sqrt(2 / k), `walk variance at t=${t}`);
  }
});

test('the reward comes from the values before the step walk; the next reset shows the walked values', () => {
  const env = new NonstationaryBandit({ k: 5, stddev: 0, walkStd: 0.1 });
  let before = resetInfo(env, 3).means;
  for (let t = 0; t < 30; t++) {
    const a = t % 5;
    const s = env.step(a);
    const info = s.info as BanditStepInfo;
    assert.equal(info.means, before, 'step info shows the values the reward came from');
    assert.is(s.reward, before[a]);
    const best = Math.max(...before);
    assert.is(info.regret, best - before[a]!);
    assert.is(info.optimal, before[a] === best);
    assert.is(before[info.optimalArm], best);
    const after = resetInfo(env).means;
    assert.not.equal(after, before, 'the values walked');
    before = after;
  }
});

test('rewards are N(q*(a), stddev²) around the current values: within 4 SE when the walk is off', () => {
  const n = 20_000;
  const env = new NonstationaryBandit({ k: 3, walkStd: 0, initialMean: 1.5, stddev: 2 });
  env.reset({ seed: 9 });
  const { mean, variance } = meanVar(pullMany(env, 1, n));
  within4SE(mean, 1.5, 2 / Math.sqrt(n), 'mean reward');
  within4SE(variance, 4, 4 * Math.sqrt(2 / n), 'reward variance');
  assert.equal(resetInfo(env).means, [1.5, 1.5, 1.5], 'walkStd 0 keeps the values still');
});

test('the walk continues across plain resets; a seeded reset restarts it at initialMean', () => {
  const env = new NonstationaryBandit({ k: 4, initialMean: -1 });
  resetInfo(env, 5);
  for (let t = 0; t < 20; t++) {
    env.step(0);
    env.reset();
  }
  const walked = resetInfo(env).means;
  assert.ok(walked.some((q) => q !== -1), 'values moved away from the start');
  assert.equal(resetInfo(env).means, walked, 'a plain reset alone does not move them');
  assert.equal(resetInfo(env, 5).means, [-1, -1, -1, -1]);
});

test('seeding: same seed gives the same rewards and the same walk; another seed differs', () => {
  const run = (seed: number): { rewards: number[]; means: number[] } => {
    const env = new NonstationaryBandit();
    env.reset({ seed });
    const rewards: number[] = [];
    for (let t = 0; t < 200; t++) {
      rewards.push(env.step(t % 10).reward);
      env.reset();
    }
    return { rewards, means: resetInfo(env).means };
  };
  assert.equal(run(4), run(4));
  assert.not.equal(run(4).means, run(5).means);
});

test('checkEnv reports ok', () => {
  for (const make of [() => new NonstationaryBandit(), () => new NonstationaryBandit({ k: 3, walkStd: 0.5, initialMean: 2 })]) {
    const report = checkEnv(make);
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('render returns one text line', () => {
  const env = new NonstationaryBandit({ k: 2, walkStd: 0, stddev: 0, initialMean: 0.5 });
  assert.is(env.render(), 'NonstationaryBandit k=2 | not reset yet');
  env.reset({ seed: 0 });
  env.step(1);
  assert.is(env.render(), 'NonstationaryBandit k=2 | best arm 0 (0.50) | pulled 1 → 0.50, regret 0');
});

test('errors name the argument and the value', () => {
  const make = (o: unknown) => () => new NonstationaryBandit(o as NonstationaryBanditOptions);
  throwsWith(make([1]), 'NonstationaryBandit: options must be an object, got [1]');
  throwsWith(make({ means: [0, 1] }), "NonstationaryBandit: unknown option 'means'");
  throwsWith(make({ k: 0 }), 'NonstationaryBandit: k must be a positive integer, got 0');
  throwsWith(make({ walkStd: -0.01 }), 'NonstationaryBandit: walkStd must be a finite number >= 0, got -0.01');
  throwsWith(make({ walkStd: NaN }), 'NonstationaryBandit: walkStd must be a finite number >= 0, got NaN');
  throwsWith(make({ initialMean: Infinity }), 'NonstationaryBandit: initialMean must be a finite number, got Infinity');
  throwsWith(make({ initialMean: '0' }), 'NonstationaryBandit: initialMean must be a finite number, got "0"');
  throwsWith(make({ stddev: -2 }), 'NonstationaryBandit: stddev must be a finite number >= 0, got -2');
  throwsWith(make({ renderMode: 'human' }), `NonstationaryBandit: renderMode must be 'ansi' or undefined, got "human"`);
});

test('step before reset and an action outside Discrete(k) are errors', () => {
  const env = new NonstationaryBandit({ k: 2 });
  throwsWith(() => env.step(0), 'NonstationaryBandit.step:', 'call reset() before step()');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(2), 'NonstationaryBandit.step: action 2 is not in the action space Discrete(2)');
});

test.run();
