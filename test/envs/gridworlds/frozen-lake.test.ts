import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register, spec } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { Discrete } from '../../../src/core/spaces.js';
import {
  FROZEN_LAKE_DOWN,
  FROZEN_LAKE_LEFT,
  FROZEN_LAKE_MAPS,
  FROZEN_LAKE_RIGHT,
  FROZEN_LAKE_UP,
  FrozenLake,
  generateRandomMap,
} from '../../../envs/gridworlds/frozen-lake.js';
import { specs } from '../../../envs/gridworlds/index.js';
import { stripAnsi } from '../../../envs/gridworlds/options.js';
import { throwsWith } from '../../helpers.js';

function registerGridworlds(): void {
  for (const s of specs) if (!isRegistered(s.id)) register(s);
}

/** Gymnasium 1.x's probabilities: success_rate = 1/3 and fail_rate = (1 - success_rate) / 2. */
const SUCCESS = 1.0 / 3.0;
const FAIL = (1.0 - SUCCESS) / 2.0;

test('default is the slippery 4x4 map with Discrete(16) observations and Discrete(4) actions', () => {
  const env = new FrozenLake();
  assert.equal(env.desc, ['SFFF', 'FHFH', 'FFFH', 'HFFG']);
  assert.ok(env.observationSpace instanceof Discrete && env.observationSpace.n === 16);
  assert.ok(env.actionSpace instanceof Discrete && env.actionSpace.n === 4);
  assert.is(env.isSlippery, true);
  assert.is(env.successRate, 1 / 3);
  assert.equal(env.isd, [1, ...new Array(15).fill(0)]);
  const big = new FrozenLake({ mapName: '8x8' });
  assert.is(big.nS, 64);
  assert.equal(big.desc, FROZEN_LAKE_MAPS['8x8']);
});

test('slippery P: outcomes for (a-1)%4, a, (a+1)%4 in that order, with Gymnasium 1.x probabilities', () => {
  const { P } = new FrozenLake();
  // The default fail rate is not exactly 1/3 in floating point, as in Gymnasium 1.x.
  assert.is(FAIL, 0.33333333333333337);
  // State 0 (start, top-left corner).
  assert.equal(P[0]![FROZEN_LAKE_LEFT], [
    [FAIL, 0, 0, false], // up: off the edge
    [SUCCESS, 0, 0, false], // left: off the edge
    [FAIL, 4, 0, false], // down
  ]);
  assert.equal(P[0]![FROZEN_LAKE_DOWN], [
    [FAIL, 0, 0, false],
    [SUCCESS, 4, 0, false],
    [FAIL, 1, 0, false],
  ]);
  // State 4 (row 1, col 0), right: down to 8, right into the hole at 5, up to 0.
  assert.equal(P[4]![FROZEN_LAKE_RIGHT], [
    [FAIL, 8, 0, false],
    [SUCCESS, 5, 0, true],
    [FAIL, 0, 0, false],
  ]);
  // State 14 (row 3, col 2), right: the goal at 15 pays 1 and terminates.
  assert.equal(P[14]![FROZEN_LAKE_RIGHT], [
    [FAIL, 14, 0, false],
    [SUCCESS, 15, 1, true],
    [FAIL, 10, 0, false],
  ]);
  // State 10 (row 2, col 2), up: right to 11 is a hole; up to 6; left to 9.
  assert.equal(P[10]![FROZEN_LAKE_UP], [
    [FAIL, 11, 0, true],
    [SUCCESS, 6, 0, false],
    [FAIL, 9, 0, false],
  ]);
});

test('holes and the goal loop on themselves: [1, s, 0, true] for every action', () => {
  const { P, desc } = new FrozenLake();
  const flat = desc.join('');
  for (let s = 0; s < 16; s++) {
    if (flat[s] !== 'H' && flat[s] !== 'G') continue;
    for (let a = 0; a < 4; a++) assert.equal(P[s]![a], [[1, s, 0, true]], `P[${s}][${a}]`);
  }
});

test('non-slippery P has one certain outcome; duplicates are never merged when slippery', () => {
  const { P } = new FrozenLake({ isSlippery: false });
  assert.equal(P[14]![FROZEN_LAKE_RIGHT], [[1, 15, 1, true]]);
  assert.equal(P[4]![FROZEN_LAKE_RIGHT], [[1, 5, 0, true]]);
  assert.equal(P[0]![FROZEN_LAKE_UP], [[1, 0, 0, false]]);
  const slippery = new FrozenLake();
  for (let s = 0; s < 16; s++) for (let a = 0; a < 4; a++) assert.ok(slippery.P[s]![a]!.length === 3 || slippery.P[s]![a]!.length === 1);
});

test('successRate and rewardSchedule shape the table as Gymnasium 1.x', () => {
  const env = new FrozenLake({ successRate: 0.8, rewardSchedule: [10, -5, -0.1] });
  const fail = (1.0 - 0.8) / 2.0;
  assert.equal(env.P[0]![FROZEN_LAKE_DOWN], [
    [fail, 0, -0.1, false],
    [0.8, 4, -0.1, false],
    [fail, 1, -0.1, false],
  ]);
  assert.equal(env.P[4]![FROZEN_LAKE_RIGHT]![1], [0.8, 5, -5, true]);
  assert.equal(env.P[14]![FROZEN_LAKE_RIGHT]![1], [0.8, 15, 10, true]);
  // Landing back on the start tile counts as frozen.
  assert.equal(new FrozenLake({ isSlippery: false, rewardSchedule: [1, 0, -1] }).P[1]![FROZEN_LAKE_LEFT], [[1, 0, -1, false]]);
});

test('walking to the goal: rewards 0 then 1, terminated on the goal, info.prob = 1', () => {
  const env = new FrozenLake({ isSlippery: false });
  const r0 = env.reset({ seed: 0 });
  assert.is(r0.observation, 0);
  assert.equal(r0.info, { prob: 1 });
  const path = [FROZEN_LAKE_RIGHT, FROZEN_LAKE_RIGHT, FROZEN_LAKE_DOWN, FROZEN_LAKE_DOWN, FROZEN_LAKE_DOWN, FROZEN_LAKE_RIGHT];
  const states = [1, 2, 6, 10, 14, 15];
  path.forEach((a, i) => {
    const r = env.step(a);
    assert.is(r.observation, states[i]);
    assert.is(r.reward, i === path.length - 1 ? 1 : 0);
    assert.is(r.terminated, i === path.length - 1);
    assert.is(r.truncated, false);
    assert.equal(r.info, { prob: 1 });
  });
});

test('falling into a hole terminates with reward 0', () => {
  const env = new FrozenLake({ isSlippery: false });
  env.reset({ seed: 0 });
  env.step(FROZEN_LAKE_DOWN);
  const r = env.step(FROZEN_LAKE_RIGHT);
  assert.is(r.observation, 5);
  assert.is(r.reward, 0);
  assert.is(r.terminated, true);
});

test('slip frequencies match 1/3 each (fixed seed, 4 standard errors)', () => {
  const env = new FrozenLake();
  env.reset({ seed: 123 });
  const n = 30_000;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    env.reset();
    const { observation, info } = env.step(FROZEN_LAKE_DOWN);
    counts.set(observation, (counts.get(observation) ?? 0) + 1);
    assert.ok(info['prob'] === SUCCESS || info['prob'] === FAIL);
  }
  // From state 0, down: left keeps 0, down gives 4, right gives 1.
  for (const [state, p] of [
    [0, FAIL],
    [4, SUCCESS],
    [1, FAIL],
  ] as const) {
    const se = Math.sqrt((p * (1 - p)) / n);
    const freq = (counts.get(state) ?? 0) / n;
    assert.ok(Math.abs(freq - p) < 4 * se, `state ${state}: frequency ${freq}, expected ${p} ± ${4 * se}`);
  }
});

test('successRate 0.8: intended move 80%, each side 10% (fixed seed, 4 standard errors)', () => {
  const env = new FrozenLake({ successRate: 0.8 });
  env.reset({ seed: 7 });
  const n = 20_000;
  let down = 0;
  let left = 0;
  for (let i = 0; i < n; i++) {
    env.reset();
    const s = env.step(FROZEN_LAKE_DOWN).observation;
    if (s === 4) down++;
    if (s === 0) left++;
  }
  const check = (count: number, p: number, what: string): void => {
    const se = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(count / n - p) < 4 * se, `${what}: frequency ${count / n}, expected ${p} ± ${4 * se}`);
  };
  check(down, 0.8, 'down');
  check(left, 0.1, 'slip left');
});

test('custom desc: several starts share the start distribution', () => {
  const env = new FrozenLake({ desc: ['SS', 'FG'], isSlippery: false });
  assert.equal(env.isd, [0.5, 0.5, 0, 0]);
  env.reset({ seed: 3 });
  const seen = new Set<number>();
  for (let i = 0; i < 50; i++) seen.add(env.reset().observation);
  assert.equal([...seen].sort(), [0, 1]);
  // desc wins over mapName, as in Gymnasium.
  assert.equal(new FrozenLake({ desc: ['SG'], mapName: '8x8' }).desc, ['SG']);
});

test('bad options throw errors naming the argument and value', () => {
  throwsWith(() => new FrozenLake({ desc: ['SFFF', 'FHFH', 'FFF', 'HFFG'] }), 'FrozenLake: desc row 2 has length 3, expected 4');
  throwsWith(() => new FrozenLake({ desc: ['SFX', 'FFG'] }), 'FrozenLake: desc row 0, column 2', '"X"');
  throwsWith(() => new FrozenLake({ desc: ['FFF', 'FFG'] }), "no start tile 'S'");
  throwsWith(() => new FrozenLake({ desc: [] }), 'desc must be a non-empty array');
  throwsWith(() => new FrozenLake({ mapName: '5x5' as '4x4' }), 'mapName', '"5x5"');
  throwsWith(() => new FrozenLake({ successRate: 1.5 }), 'successRate', '1.5');
  throwsWith(() => new FrozenLake({ isSlippery: 'yes' as unknown as boolean }), 'isSlippery must be a boolean', '"yes"');
  throwsWith(() => new FrozenLake({ rewardSchedule: [1, 0] as unknown as [number, number, number] }), 'rewardSchedule', '[1, 0]');
  throwsWith(() => new FrozenLake({ is_slippery: false } as never), "unknown option 'is_slippery'");
  throwsWith(() => new FrozenLake({ renderMode: 'human' as 'ansi' }), 'renderMode', '"human"');
});

test('bad actions and stepping before reset throw clear errors', () => {
  const env = new FrozenLake();
  throwsWith(() => env.step(0), 'FrozenLake.step', 'reset');
  env.reset({ seed: 0 });
  throwsWith(() => env.step(4), 'FrozenLake.step: action 4 is not in the action space Discrete(4)');
  throwsWith(() => env.step(1.5), 'action 1.5');
  throwsWith(() => env.step('1' as unknown as number), 'action "1"');
});

test('P and isd are frozen data', () => {
  const env = new FrozenLake();
  assert.ok(Object.isFrozen(env.P) && Object.isFrozen(env.P[0]) && Object.isFrozen(env.P[0]![0]) && Object.isFrozen(env.P[0]![0]![0]));
  assert.ok(Object.isFrozen(env.isd));
  assert.throws(() => {
    (env.P[0]![0] as unknown as unknown[]).push([1, 0, 0, false]);
  });
});

test('the same seed gives the same trajectory; reset() without a seed keeps the stream', () => {
  const run = (): number[] => {
    const env = new FrozenLake();
    const out = [env.reset({ seed: 99 }).observation];
    for (let i = 0; i < 300; i++) {
      const r = env.step(i % 4);
      out.push(r.observation);
      if (r.terminated) out.push(env.reset().observation);
    }
    return out;
  };
  assert.equal(run(), run());
});

test('make: FrozenLake-v1 truncates at 100 steps, FrozenLake8x8-v1 at 200; thresholds 0.70 and 0.85', () => {
  registerGridworlds();
  assert.is(spec('FrozenLake-v1').maxEpisodeSteps, 100);
  assert.is(spec('FrozenLake-v1').rewardThreshold, 0.7);
  assert.is(spec('FrozenLake8x8-v1').maxEpisodeSteps, 200);
  assert.is(spec('FrozenLake8x8-v1').rewardThreshold, 0.85);
  for (const [id, limit] of [
    ['FrozenLake-v1', 100],
    ['FrozenLake8x8-v1', 200],
  ] as const) {
    const env = make<number, number>(id, { isSlippery: false });
    env.reset({ seed: 0 });
    for (let t = 1; t <= limit; t++) {
      // Left from the top-left corner never moves, so only the time limit ends the episode.
      const r = env.step(FROZEN_LAKE_LEFT);
      assert.is(r.truncated, t === limit, `${id} step ${t}`);
      assert.is(r.terminated, false);
    }
    assert.is((env.observationSpace as Discrete).n, id === 'FrozenLake-v1' ? 16 : 64);
  }
});

test('checkEnv passes for the preset maps, non-slippery, custom successRate and a random map', () => {
  const desc = generateRandomMap(6, 0.7, 11);
  for (const factory of [
    () => new FrozenLake(),
    () => new FrozenLake({ mapName: '8x8' }),
    () => new FrozenLake({ isSlippery: false }),
    () => new FrozenLake({ successRate: 0.9, renderMode: 'ansi' }),
    () => new FrozenLake({ desc }),
  ]) {
    const report = checkEnv(factory);
    assert.ok(report.ok, report.problems.join('\n'));
  }
});

test('generateRandomMap: reproducible from a seed, S and G in the corners, a path exists', () => {
  const a = generateRandomMap(8, 0.8, 5);
  assert.equal(a, generateRandomMap(8, 0.8, Rng.fromSeed(5)));
  assert.is(a.length, 8);
  assert.ok(a.every((row) => row.length === 8 && /^[SFHG]+$/.test(row)));
  assert.is(a[0]![0], 'S');
  assert.is(a[7]![7], 'G');
  // A non-slippery lake built from it can reach the goal: breadth-first search over P.
  for (let seed = 0; seed < 20; seed++) {
    const env = new FrozenLake({ desc: generateRandomMap(5, 0.6, seed), isSlippery: false });
    const seen = new Set([0]);
    const queue = [0];
    let reached = false;
    while (queue.length > 0 && !reached) {
      const s = queue.shift()!;
      for (let act = 0; act < 4; act++) {
        const [, next, reward, terminated] = env.P[s]![act]![0]!;
        if (reward === 1) reached = true;
        if (!terminated && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    assert.ok(reached, `seed ${seed}: no path to the goal`);
  }
  assert.is(generateRandomMap(4, 1, 0).join(''), 'SFFFFFFFFFFFFFFG');
});

test('generateRandomMap rejects a size below 2 and p outside (0, 1]', () => {
  throwsWith(() => generateRandomMap(1, 0.8, 0), 'size must be an integer >= 2, got 1');
  throwsWith(() => generateRandomMap(4, 0, 0), 'p must be a probability in (0, 1], got 0');
  throwsWith(() => generateRandomMap(4, 1.2, 0), 'got 1.2');
});

test('mapName: null draws a random 8x8 map', () => {
  const env = new FrozenLake({ mapName: null });
  assert.is(env.nrow, 8);
  assert.is(env.desc[0]![0], 'S');
  assert.is(env.desc[7]![7], 'G');
});

test('render: nothing without renderMode; with ansi, the map with the agent and the last action', () => {
  const quiet = new FrozenLake();
  quiet.reset({ seed: 0 });
  assert.is(quiet.render(), undefined);
  const env = new FrozenLake({ isSlippery: false, renderMode: 'ansi' });
  env.reset({ seed: 0 });
  const first = env.render()!;
  assert.ok(first.includes('\x1b[41mS\x1b[0m'), JSON.stringify(first));
  assert.is(stripAnsi(first), '\nSFFF\nFHFH\nFFFH\nHFFG\n');
  env.step(FROZEN_LAKE_DOWN);
  assert.is(stripAnsi(env.render()!), '  (Down)\nSFFF\nFHFH\nFFFH\nHFFG\n');
  assert.ok(env.render()!.includes('\x1b[41mF\x1b[0m'));
});

test.run();
