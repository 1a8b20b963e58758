import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Env, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Box, Discrete } from '../../src/core/spaces.js';
import {
  OneHotObservation,
  OrderEnforcing,
  PassiveEnvChecker,
  RecordEpisodeStatistics,
  TimeLimit,
  checkStepResult,
  type EpisodeStatistics,
} from '../../src/core/wrappers.js';
import { CorridorEnv } from '../../examples/custom-env.js';
import '../../envs/index.js';
import { make, type MakeOptions } from '../../src/core/registry.js';
import { checkEnv } from '../../src/core/check-env.js';
import { BrokenEnv, NoisyEnv, ScriptedEnv } from '../fixtures/core-envs.js';
import { thrown, throwsWith } from '../helpers.js';

// ---- TimeLimit ---------------------------------------------------------------------------------

test('TimeLimit truncates exactly on step maxEpisodeSteps, not before', () => {
  const env = new TimeLimit(new ScriptedEnv(), 4);
  assert.is(env.maxEpisodeSteps, 4);
  env.reset();
  for (let t = 1; t <= 3; t++) {
    const r = env.step(0);
    assert.is(r.truncated, false, `step ${t}`);
    assert.is(r.terminated, false, `step ${t}`);
    assert.is(env.elapsedSteps, t);
  }
  const last = env.step(0);
  assert.is(last.truncated, true, 'step 4');
  assert.is(last.terminated, false, 'TimeLimit leaves terminated as the env set it');
  assert.is(last.observation, 4);
  assert.equal(last.info, { t: 4 });
});

test('TimeLimit resets its count on reset', () => {
  const env = new TimeLimit(new ScriptedEnv(), 2);
  env.reset();
  env.step(0);
  assert.is(env.elapsedSteps, 1);
  env.reset();
  assert.is(env.elapsedSteps, 0);
  assert.is(env.step(0).truncated, false, 'step 1 of the new episode');
  assert.is(env.step(0).truncated, true, 'step 2 of the new episode');
  // A reset after a truncation gives a full new episode too.
  env.reset();
  assert.is(env.step(0).truncated, false);
});

test('TimeLimit keeps terminated when the limit and a terminal state coincide; termination alone is not truncation', () => {
  const both = new TimeLimit(new ScriptedEnv({ terminateAt: 3 }), 3);
  both.reset();
  both.step(0);
  both.step(0);
  const r = both.step(0);
  assert.is(r.terminated, true);
  assert.is(r.truncated, true);
  const early = new TimeLimit(new ScriptedEnv({ terminateAt: 2 }), 5);
  early.reset();
  early.step(0);
  const e = early.step(0);
  assert.is(e.terminated, true);
  assert.is(e.truncated, false);
});

test('TimeLimit with maxEpisodeSteps 1 truncates the first step', () => {
  const env = new TimeLimit(new ScriptedEnv(), 1);
  env.reset();
  assert.is(env.step(0).truncated, true);
});

test('TimeLimit refuses a bad limit, naming it', () => {
  throwsWith(() => new TimeLimit(new ScriptedEnv(), 0), 'TimeLimit: maxEpisodeSteps must be a positive integer, got 0');
  throwsWith(() => new TimeLimit(new ScriptedEnv(), 2.5), 'got 2.5');
  throwsWith(() => new TimeLimit(new ScriptedEnv(), Number.NaN), 'got NaN');
});

// ---- OrderEnforcing ----------------------------------------------------------------------------

test('OrderEnforcing: step before reset is an error, and the inner env is not stepped', () => {
  const inner = new ScriptedEnv();
  const env = new OrderEnforcing(inner);
  assert.is(env.hasResetOnce, false);
  throwsWith(() => env.step(0), 'ScriptedEnv: step() called before reset(); call reset() first');
  assert.equal(inner.actions, []);
  env.reset();
  assert.is(env.hasResetOnce, true);
  assert.is(env.step(0).observation, 1);
});

test('OrderEnforcing: step after a terminated step without reset is an error; reset clears it', () => {
  const inner = new ScriptedEnv({ terminateAt: 2 });
  const env = new OrderEnforcing(inner);
  env.reset();
  env.step(0);
  assert.is(env.step(1).terminated, true);
  throwsWith(() => env.step(2), 'step() called after the episode ended (terminated or truncated); call reset() first');
  assert.equal(inner.actions, [0, 1], 'the refused action never reached the env');
  env.reset();
  assert.is(env.step(2).observation, 1);
});

test('OrderEnforcing: step after a truncated step without reset is an error', () => {
  const env = new OrderEnforcing(new TimeLimit(new ScriptedEnv(), 2));
  env.reset();
  env.step(0);
  assert.is(env.step(0).truncated, true);
  throwsWith(() => env.step(0), 'after the episode ended');
  env.reset();
  env.step(0);
});

test('OrderEnforcing names the spec id when there is one', () => {
  const inner = new ScriptedEnv();
  inner.spec = { id: 'Scripted-v3' };
  throwsWith(() => new OrderEnforcing(inner).step(0), 'Scripted-v3: step() called before reset()');
});

// ---- PassiveEnvChecker -------------------------------------------------------------------------

test('PassiveEnvChecker: an action outside the space is refused, naming the action and the space', () => {
  const inner = new ScriptedEnv();
  const env = new PassiveEnvChecker(inner);
  env.reset();
  throwsWith(() => env.step(3), 'ScriptedEnv.step: action 3 is not in the action space Discrete(3)');
  throwsWith(() => env.step(1.5), 'action 1.5');
  throwsWith(() => env.step('1' as unknown as number), 'action "1"');
  assert.equal(inner.actions, [], 'the checker refuses before the env sees the action');
  const box = new PassiveEnvChecker(new Flat());
  box.reset();
  throwsWith(() => box.step(new Float32Array([0.5, 2])), 'action Float32Array [0.5, 2] is not in the action space Box(-1, 1, [2], float32)');
});

test('PassiveEnvChecker: a NaN or infinite reward is an error naming the value and the step', () => {
  const nan = new PassiveEnvChecker(new BrokenEnv('nan-reward'));
  nan.reset();
  nan.step(0);
  nan.step(0);
  throwsWith(() => nan.step(0), 'BrokenEnv.step: reward must be a finite number, got NaN at step 3');
  const inf = new PassiveEnvChecker(new BrokenEnv('infinite-reward'));
  inf.reset();
  inf.step(0);
  inf.step(1);
  throwsWith(() => inf.step(1), 'got Infinity at step 3');
});

test('PassiveEnvChecker counts steps from each reset', () => {
  const env = new PassiveEnvChecker(new BrokenEnv('nan-reward'));
  env.reset();
  env.step(0);
  env.reset();
  env.step(0);
  env.step(0);
  throwsWith(() => env.step(0), 'at step 3');
});

test('PassiveEnvChecker: an observation outside the space warns once per env, naming the value (Gymnasium); strict throws', () => {
  const warnings: string[] = [];
  const obs = new PassiveEnvChecker(new BrokenEnv('obs-outside-space'), { warn: (m) => warnings.push(m) });
  obs.reset();
  obs.step(0);
  obs.step(0);
  assert.is(obs.step(0).observation, 42, 'the transition is returned as it is');
  obs.step(0);
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.ok(warnings[0]!.startsWith('BrokenEnv.step: observation 42 is not in Discrete(10) at step 3'), warnings[0]);
  const other = new PassiveEnvChecker(new BrokenEnv('obs-outside-space'), { warn: (m) => warnings.push(m) });
  other.reset();
  for (let i = 0; i < 4; i++) other.step(0);
  assert.is(warnings.length, 2, 'once per env');
  const strict = new PassiveEnvChecker(new BrokenEnv('obs-outside-space'), { strict: true });
  strict.reset();
  strict.step(0);
  strict.step(0);
  throwsWith(() => strict.step(0), 'BrokenEnv.step: observation 42 is not in Discrete(10) at step 3');
});

test('make(CartPole-v1): a state past the bounds set through unwrapped.state returns the transition (warning once); strictEnvChecker throws; checkEnv still reports', () => {
  const run = (options: MakeOptions): StepResult<Float32Array> => {
    const env = make<Float32Array, number>('CartPole-v1', options);
    env.reset({ seed: 0 });
    (env.unwrapped as unknown as { state: Float64Array }).state.set([0, 0, 0.5, 0]);
    return env.step(1);
  };
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
  let r: StepResult<Float32Array>;
  try {
    r = run({});
  } finally {
    process.stderr.write = write;
  }
  assert.ok(r.terminated, 'θ = 0.5 rad is past the 12° threshold');
  assert.ok(r.observation[2]! > 0.418);
  assert.is(lines.length, 1, lines.join(''));
  assert.match(lines[0]!, /^rewardcast: warning: CartPole-v1\.step: observation Float32Array \[.*0\.5.*\] is not in Box/);
  throwsWith(() => run({ strictEnvChecker: true }), 'CartPole-v1.step: observation Float32Array');
  const report = checkEnv(new BrokenEnv('obs-outside-space'));
  assert.not.ok(report.ok);
  assert.ok(report.problems.some((p) => p.includes('observation 42 is not in Discrete(10)')), report.problems.join('\n'));
});

test('PassiveEnvChecker: a non-boolean flag or a bad reset observation (strict) is an error naming it', () => {
  const term = new PassiveEnvChecker(new BrokenEnv('non-boolean-terminated'));
  term.reset();
  term.step(0);
  term.step(0);
  throwsWith(() => term.step(0), 'terminated must be a boolean, got 0 at step 3');
  const reset = new PassiveEnvChecker(new BadReset(), { strict: true });
  throwsWith(() => reset.reset(), 'BadReset.reset: observation 9 is not in Discrete(2)');
  const warned: string[] = [];
  new PassiveEnvChecker(new BadReset(), { warn: (m) => warned.push(m) }).reset();
  assert.is(warned.length, 1);
});

test('PassiveEnvChecker lets a well-behaved episode through unchanged', () => {
  const env = new PassiveEnvChecker(new CorridorEnv({ length: 4 }));
  const plain = new CorridorEnv({ length: 4 });
  assert.equal(env.reset({ seed: 8 }), plain.reset({ seed: 8 }));
  for (let t = 0; t < 3; t++) {
    const r = env.step(1);
    assert.equal(r, plain.step(1));
    if (r.terminated) return;
  }
  assert.unreachable('walking right in a corridor of 4 ends within 3 steps');
});

test('checkStepResult reports the truncated flag too', () => {
  const err = thrown(() =>
    checkStepResult({ observation: 0, reward: 0, terminated: false, truncated: 'no' as unknown as boolean, info: {} }, 'X-v0', 7, () => true, 'S'),
  );
  assert.ok(err instanceof TypeError);
  assert.is(err.message, 'X-v0.step: truncated must be a boolean, got "no" at step 7');
  checkStepResult({ observation: 0, reward: -1, terminated: true, truncated: false, info: {} }, 'X-v0', 1, () => true, 'S');
});

// ---- RecordEpisodeStatistics -------------------------------------------------------------------

test('RecordEpisodeStatistics adds info.episode with return and length on the last step only', () => {
  const env = new RecordEpisodeStatistics(new ScriptedEnv({ rewards: [1, 2.5], terminateAt: 3 }));
  env.reset();
  assert.is(env.step(0).info['episode'], undefined);
  assert.is(env.step(0).info['episode'], undefined);
  const last = env.step(0);
  assert.is(last.terminated, true);
  const ep = last.info['episode'] as EpisodeStatistics;
  assert.is(ep.r, 1 + 2.5 + 1);
  assert.is(ep.l, 3);
  assert.ok(ep.t >= 0 && ep.t < 60, `t = ${ep.t}`);
  assert.is(last.info['t'], 3, 'the env\'s own info is kept');
  // The next episode starts from zero.
  env.reset();
  env.step(0);
  env.step(0);
  const ep2 = env.step(0).info['episode'] as EpisodeStatistics;
  assert.is(ep2.r, 4.5);
  assert.is(ep2.l, 3);
});

test('RecordEpisodeStatistics ends an episode on truncation too', () => {
  const env = new RecordEpisodeStatistics(new TimeLimit(new ScriptedEnv({ rewards: [-1] }), 2));
  env.reset();
  env.step(0);
  const r = env.step(0);
  assert.is(r.truncated, true);
  assert.equal({ ...(r.info['episode'] as EpisodeStatistics), t: 0 }, { r: -2, l: 2, t: 0 });
});

// ---- OneHotObservation -------------------------------------------------------------------------

test('OneHotObservation maps Discrete(n, start) observations to one-hot vectors in Box(0, 1, [n])', () => {
  const env = new OneHotObservation(new Shifted());
  assert.is(env.observationSpace.toString(), 'Box(0, 1, [3], float32)');
  assert.is(env.actionSpace.toString(), 'Discrete(2)', 'the action space forwards');
  const r0 = env.reset();
  assert.ok(r0.observation instanceof Float32Array);
  assert.equal(Array.from(r0.observation), [1, 0, 0], 'observation 5 = start');
  assert.ok(env.observationSpace.contains(r0.observation));
  assert.equal(Array.from(env.step(1).observation), [0, 1, 0]);
  const r2 = env.step(1);
  assert.equal(Array.from(r2.observation), [0, 0, 1]);
  assert.is(r2.reward, 7);
  assert.is(r2.terminated, true);
  assert.is(env.unwrapped.constructor, Shifted);
});

test('OneHotObservation passes PassiveEnvChecker on CorridorEnv', () => {
  const env = new PassiveEnvChecker(new OneHotObservation(new CorridorEnv({ length: 5 })));
  const o = env.reset({ seed: 1 }).observation;
  assert.is(o.length, 5);
  assert.is(o.reduce((a, b) => a + b, 0), 1);
  let terminated = false;
  for (let t = 0; t < 4 && !terminated; t++) {
    const r = env.step(1);
    assert.is(r.observation.reduce((a, b) => a + b, 0), 1);
    terminated = r.terminated;
  }
  assert.ok(terminated, 'walking right in a corridor of 5 ends within 4 steps');
});

test('OneHotObservation refuses a non-Discrete observation space, naming it', () => {
  throwsWith(() => new OneHotObservation(new NoisyEnv() as unknown as Env<number, number>), "OneHotObservation: env's observation space must be Discrete, got Box(0, 1, [2], float32)");
});

// ---- small envs for this file ------------------------------------------------------------------

/** Observations in Discrete(3, start=5): 5, 6, 7; terminates on 7 with reward 7. */
class Shifted extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Discrete(3, 5);
  private s = 5;
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    this.s = 5;
    return { observation: this.s, info: {} };
  }
  step(): StepResult<number> {
    this.s += 1;
    return { observation: this.s, reward: this.s, terminated: this.s === 7, truncated: false, info: {} };
  }
}

/** A Box-action env that accepts anything (so only the checker can refuse). */
class Flat extends Env<number, Float32Array> {
  readonly actionSpace = new Box(-1, 1, [2]);
  readonly observationSpace = new Discrete(1);
  override reset(): ResetResult<number> {
    return { observation: 0, info: {} };
  }
  step(): StepResult<number> {
    return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

/** Resets to an observation outside its space. */
class BadReset extends Env<number, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Discrete(2);
  override reset(): ResetResult<number> {
    return { observation: 9, info: {} };
  }
  step(): StepResult<number> {
    return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

test.run();
