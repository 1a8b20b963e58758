import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register, spec } from '../../../src/core/registry.js';
import { Discrete } from '../../../src/core/spaces.js';
import {
  CLIFF_WALKING_DOWN,
  CLIFF_WALKING_GOAL,
  CLIFF_WALKING_LEFT,
  CLIFF_WALKING_RIGHT,
  CLIFF_WALKING_START,
  CLIFF_WALKING_UP,
  CliffWalking,
  isCliff,
} from '../../../envs/gridworlds/cliff-walking.js';
import { specs } from '../../../envs/gridworlds/index.js';
import { stripAnsi } from '../../../envs/gridworlds/options.js';
import { throwsWith } from '../../helpers.js';

function registerGridworlds(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

test('4x12 grid: Discrete(48) observations, Discrete(4) actions, start 36, cliff (3,1)..(3,10)', () => {
  const env = new CliffWalking();
  assert.is(env.observationSpace.n, 48);
  assert.is(env.actionSpace.n, 4);
  assert.is(env.isSlippery, false);
  assert.is(CLIFF_WALKING_START, 36);
  assert.is(CLIFF_WALKING_GOAL, 47);
  assert.equal(env.isd.map((p, s) => (p > 0 ? s : -1)).filter((s) => s >= 0), [36]);
  const cliff = [];
  for (let c = 0; c < 12; c++) if (isCliff(3, c)) cliff.push(c);
  assert.equal(cliff, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.is(isCliff(2, 5), false);
  assert.equal(env.reset({ seed: 0 }), { observation: 36, info: { prob: 1 } });
});

test('P: the cliff costs -100 and returns to the start without terminating; the goal terminates', () => {
  const { P } = new CliffWalking();
  assert.equal(P[36]![CLIFF_WALKING_UP], [[1, 24, -1, false]]);
  assert.equal(P[36]![CLIFF_WALKING_RIGHT], [[1, 36, -100, false]]);
  assert.equal(P[36]![CLIFF_WALKING_LEFT], [[1, 36, -1, false]]);
  assert.equal(P[25]![CLIFF_WALKING_DOWN], [[1, 36, -100, false]]);
  assert.equal(P[24]![CLIFF_WALKING_DOWN], [[1, 36, -1, false]]);
  assert.equal(P[35]![CLIFF_WALKING_DOWN], [[1, 47, -1, true]]);
  // The goal's own moves are computed like any cell's (Gymnasium does not special-case it).
  assert.equal(P[47]![CLIFF_WALKING_UP], [[1, 35, -1, false]]);
  assert.equal(P[47]![CLIFF_WALKING_LEFT], [[1, 36, -100, false]]);
  assert.equal(P[47]![CLIFF_WALKING_RIGHT], [[1, 47, -1, true]]);
});

test('slippery P: (a-1)%4, a, (a+1)%4 with probability 1/3 each, in that order', () => {
  const { P } = new CliffWalking({ isSlippery: true });
  // Up from the start: left (stays), up, right (into the cliff).
  assert.equal(P[36]![CLIFF_WALKING_UP], [
    [1 / 3, 36, -1, false],
    [1 / 3, 24, -1, false],
    [1 / 3, 36, -100, false],
  ]);
  // Down from (2, 11): right (stays), down (goal), left to (2, 10).
  assert.equal(P[35]![CLIFF_WALKING_DOWN], [
    [1 / 3, 35, -1, false],
    [1 / 3, 47, -1, true],
    [1 / 3, 34, -1, false],
  ]);
});

test('stepping into the cliff: -100, back at 36, not terminated; the safe-edge path returns -13', () => {
  const env = new CliffWalking();
  env.reset({ seed: 0 });
  const fall = env.step(CLIFF_WALKING_RIGHT);
  assert.equal(fall, { observation: 36, reward: -100, terminated: false, truncated: false, info: { prob: 1 } });
  let ret = 0;
  let last = fall;
  for (const a of [CLIFF_WALKING_UP, ...new Array(11).fill(CLIFF_WALKING_RIGHT), CLIFF_WALKING_DOWN]) {
    assert.is(last.terminated, false);
    last = env.step(a);
    ret += last.reward;
  }
  assert.is(last.observation, 47);
  assert.is(last.terminated, true);
  assert.is(ret, -13);
});

test('slippery frequencies: 1/3 each (fixed seed, 4 standard errors)', () => {
  const env = new CliffWalking({ isSlippery: true });
  env.reset({ seed: 2024 });
  const n = 30_000;
  let stay = 0;
  let up = 0;
  let cliff = 0;
  for (let i = 0; i < n; i++) {
    env.reset();
    const r = env.step(CLIFF_WALKING_UP);
    if (r.reward === -100) cliff++;
    else if (r.observation === 24) up++;
    else if (r.observation === 36) stay++;
  }
  assert.is(stay + up + cliff, n);
  const p = 1 / 3;
  const se = Math.sqrt((p * (1 - p)) / n);
  for (const [what, count] of [
    ['left', stay],
    ['up', up],
    ['right (cliff)', cliff],
  ] as const) {
    assert.ok(Math.abs(count / n - p) < 4 * se, `${what}: frequency ${count / n}, expected ${p} ± ${4 * se}`);
  }
});

test('make: CliffWalking-v1 has no step limit and no threshold (as Gymnasium 1.x); a limit can be passed', () => {
  registerGridworlds();
  assert.is(spec('CliffWalking-v1').maxEpisodeSteps, undefined);
  assert.is(spec('CliffWalking-v1').rewardThreshold, undefined);
  const env = make<number, number>('CliffWalking-v1');
  env.reset({ seed: 0 });
  for (let t = 0; t < 1000; t++) {
    const r = env.step(CLIFF_WALKING_UP);
    assert.is(r.truncated, false);
    assert.is(r.terminated, false);
  }
  const limited = make<number, number>('CliffWalking-v1', { maxEpisodeSteps: 10 });
  limited.reset({ seed: 0 });
  for (let t = 1; t <= 10; t++) assert.is(limited.step(CLIFF_WALKING_LEFT).truncated, t === 10);
});

test('make: CliffWalkingSlippery-v1 is the slippery variant', () => {
  registerGridworlds();
  const env = make('CliffWalkingSlippery-v1');
  const inner = env.unwrapped as CliffWalking;
  assert.ok(inner instanceof CliffWalking);
  assert.is(inner.isSlippery, true);
  assert.is(inner.P[36]![CLIFF_WALKING_UP]!.length, 3);
  assert.ok(env.observationSpace instanceof Discrete);
});

test('checkEnv passes, plain and slippery', () => {
  for (const factory of [() => new CliffWalking(), () => new CliffWalking({ isSlippery: true, renderMode: 'ansi' })]) {
    const report = checkEnv(factory, { steps: 300 });
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('bad options and actions throw errors naming the value', () => {
  throwsWith(() => new CliffWalking({ isSlippery: 1 as unknown as boolean }), 'CliffWalking: isSlippery must be a boolean, got 1');
  throwsWith(() => new CliffWalking({ shape: [4, 12] } as never), "unknown option 'shape'");
  const env = new CliffWalking();
  env.reset({ seed: 0 });
  throwsWith(() => env.step(-1), 'CliffWalking.step: action -1 is not in the action space Discrete(4)');
  throwsWith(() => env.step(undefined as unknown as number), 'action undefined');
});

test('render: x marks the agent, C the cliff, T the goal', () => {
  const env = new CliffWalking({ renderMode: 'ansi' });
  env.reset({ seed: 0 });
  const text = stripAnsi(env.render()!);
  const rows = text.split('\n');
  assert.is(rows[0], 'o  o  o  o  o  o  o  o  o  o  o  o');
  assert.is(rows[3], 'x  C  C  C  C  C  C  C  C  C  C  T');
  env.step(CLIFF_WALKING_UP);
  const after = stripAnsi(env.render()!).split('\n');
  assert.is(after[2], 'x  o  o  o  o  o  o  o  o  o  o  o');
  assert.is(after[3], 'o  C  C  C  C  C  C  C  C  C  C  T');
  assert.is(after[4], '  (Up)');
});

test.run();
