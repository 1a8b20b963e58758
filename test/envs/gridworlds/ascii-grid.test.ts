import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEnv } from '../../../src/core/check-env.js';
import { isRegistered, make, register } from '../../../src/core/registry.js';
import {
  AsciiGridEnv,
  GRID_DEFAULT_REWARDS,
  GRID_DOWN,
  GRID_LEFT,
  GRID_RIGHT,
  GRID_UP,
  gridworldSpec,
} from '../../../envs/gridworlds/ascii-grid.js';
import { CliffWalking } from '../../../envs/gridworlds/cliff-walking.js';
import { FROZEN_LAKE_MAPS, FrozenLake } from '../../../envs/gridworlds/frozen-lake.js';
import { stripAnsi } from '../../../envs/gridworlds/options.js';
import { assertClose, throwsWith } from '../../helpers.js';

const CLIFF_MAP = ['............', '............', '............', 'SCCCCCCCCCCG'];

test('FrozenLake maps compile to FrozenLake\'s table: slip 2/3 is its slippery ice, slip 0 its plain ice', () => {
  for (const mapName of ['4x4', '8x8'] as const) {
    const map = FROZEN_LAKE_MAPS[mapName];
    for (const [slip, isSlippery] of [
      [2 / 3, true],
      [0, false],
    ] as const) {
      const grid = new AsciiGridEnv({ map, slip });
      const lake = new FrozenLake({ mapName, isSlippery });
      assert.equal(grid.isd, lake.isd);
      for (let s = 0; s < lake.nS; s++) {
        for (let a = 0; a < 4; a++) {
          const g = grid.P[s]![a]!;
          const l = lake.P[s]![a]!;
          assert.is(g.length, l.length, `${mapName} slip ${slip} P[${s}][${a}] length`);
          g.forEach((t, i) => {
            assertClose(t[0], l[i]![0], 1e-15, `${mapName} P[${s}][${a}][${i}] prob`);
            assert.equal(t.slice(1), l[i]!.slice(1), `${mapName} P[${s}][${a}][${i}]`);
          });
        }
      }
    }
  }
});

test('a cliff map reproduces CliffWalking (all but the goal state, whose loop differs by design)', () => {
  const grid = new AsciiGridEnv({ map: CLIFF_MAP, rewards: { step: -1, goal: -1, cliff: -100 } });
  const cliff = new CliffWalking();
  // CliffWalking numbers its actions up, right, down, left.
  const toGrid = [GRID_UP, GRID_RIGHT, GRID_DOWN, GRID_LEFT];
  assert.equal(grid.isd, cliff.isd);
  for (let s = 0; s < 48; s++) {
    if (s === 47) continue;
    for (let a = 0; a < 4; a++) assert.equal(grid.P[s]![toGrid[a]!], cliff.P[s]![a], `P[${s}][${a}]`);
  }
  assert.equal(grid.P[47]![GRID_UP], [[1, 47, 0, true]]);
});

test('walls stop the agent; the edge too; cliff outcomes split over several starts', () => {
  const env = new AsciiGridEnv({ map: ['S#G', 'S.C'], rewards: { step: -1, cliff: -50 } });
  assert.equal(env.P[0]![GRID_RIGHT], [[1, 0, -1, false]]);
  assert.equal(env.P[0]![GRID_LEFT], [[1, 0, -1, false]]);
  assert.equal(env.P[0]![GRID_DOWN], [[1, 3, -1, false]]);
  assert.equal(env.P[4]![GRID_UP], [[1, 4, -1, false]]);
  // Into the cliff: back to one of the two starts, each with half the probability.
  assert.equal(env.P[4]![GRID_RIGHT], [
    [0.5, 0, -50, false],
    [0.5, 3, -50, false],
  ]);
  assert.equal(env.isd, [0.5, 0, 0, 0.5, 0, 0]);
});

test('slip: intended 1 - slip, each side slip/2, in FrozenLake\'s order; goal and hole terminate', () => {
  const env = new AsciiGridEnv({ map: ['.G.', '.S.', '.H.'], slip: 0.3, rewards: { goal: 5, hole: -5, step: -0.1 } });
  assert.equal(env.P[4]![GRID_UP], [
    [0.15, 5, -0.1, false], // (up - 1) mod 4 = right
    [1 - 0.3, 1, 5, true], // up: the goal
    [0.15, 3, -0.1, false], // (up + 1) mod 4 = left
  ]);
  assert.equal(env.P[4]![GRID_DOWN]![1], [0.7, 7, -5, true]);
  assert.equal(env.P[1]![GRID_LEFT], [[1, 1, 0, true]]);
  assert.equal(env.P[7]![GRID_RIGHT], [[1, 7, 0, true]]);
});

test('slip frequencies (fixed seed, 4 standard errors)', () => {
  const env = new AsciiGridEnv({ map: ['...', '.S.', '...'], slip: 0.3 });
  env.reset({ seed: 8 });
  const n = 20_000;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    env.reset();
    const s = env.step(GRID_UP).observation;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  for (const [state, p] of [
    [1, 0.7],
    [5, 0.15],
    [3, 0.15],
  ] as const) {
    const se = Math.sqrt((p * (1 - p)) / n);
    const freq = (counts.get(state) ?? 0) / n;
    assert.ok(Math.abs(freq - p) < 4 * se, `state ${state}: frequency ${freq}, expected ${p} ± ${4 * se}`);
  }
});

test('defaults: slip 0, rewards step 0 / goal 1 / hole 0 / cliff -100', () => {
  const env = new AsciiGridEnv({ map: ['SG'] });
  assert.is(env.slip, 0);
  assert.equal(env.rewards, GRID_DEFAULT_REWARDS);
  assert.equal(GRID_DEFAULT_REWARDS, { step: 0, goal: 1, hole: 0, cliff: -100 });
  env.reset({ seed: 0 });
  assert.equal(env.step(GRID_RIGHT), { observation: 1, reward: 1, terminated: true, truncated: false, info: { prob: 1 } });
});

test('bad maps and options throw errors naming the argument and value', () => {
  throwsWith(() => new AsciiGridEnv({ map: ['S..', '..'] }), 'AsciiGrid: map row 1 has length 2, expected 3');
  throwsWith(() => new AsciiGridEnv({ name: 'Maze', map: ['S.x'] }), 'Maze: map row 0, column 2 has unknown tile "x"');
  throwsWith(() => new AsciiGridEnv({ map: ['..G'] }), "no start tile 'S'");
  throwsWith(() => new AsciiGridEnv({} as never), 'map is required');
  throwsWith(() => new AsciiGridEnv({ map: ['SG'], slip: 1.5 }), 'slip must be a probability in [0, 1], got 1.5');
  throwsWith(() => new AsciiGridEnv({ map: ['SG'], rewards: { gaol: 1 } as never }), "unknown option 'gaol'");
  throwsWith(() => new AsciiGridEnv({ map: ['SG'], rewards: { goal: Number.NaN } }), 'rewards.goal must be a finite number, got NaN');
  throwsWith(() => new AsciiGridEnv({ map: 'SG' as unknown as string[] }), 'map must be a non-empty array of strings, got "SG"');
  const env = new AsciiGridEnv({ name: 'Maze', map: ['SG'] });
  env.reset({ seed: 0 });
  throwsWith(() => env.step(7), 'Maze.step: action 7 is not in the action space Discrete(4)');
});

test('gridworldSpec: registers, makes with a time limit, options override per env; a bad map fails early', () => {
  const id = 'TestAsciiMaze-v0';
  if (!isRegistered(id)) {
    register(gridworldSpec({ id, map: ['S..#', '.#..', '...G'], rewards: { step: -0.01 }, maxEpisodeSteps: 5, rewardThreshold: 0.9 }));
  }
  const env = make<number, number>(id);
  const inner = env.unwrapped as AsciiGridEnv;
  assert.ok(inner instanceof AsciiGridEnv);
  assert.is(inner.rewards.step, -0.01);
  assert.is(env.spec?.rewardThreshold, 0.9);
  env.reset({ seed: 0 });
  for (let t = 1; t <= 5; t++) assert.is(env.step(GRID_UP).truncated, t === 5);
  const slippery = make(id, { slip: 0.5 });
  assert.is((slippery.unwrapped as AsciiGridEnv).slip, 0.5);
  throwsWith(() => gridworldSpec({ id: 'Broken-v0', map: ['S.', 'G'] }), 'Broken: map row 1 has length 1, expected 2');
});

test('checkEnv passes on a slippery maze with walls, holes and a cliff', () => {
  const map = ['S..#.....', '.#.#.##H.', '.#...#..G', '..CCC....'];
  const report = checkEnv(() => new AsciiGridEnv({ map, slip: 0.2, rewards: { step: -1 }, renderMode: 'ansi' }), { steps: 400 });
  assert.ok(report.ok, report.problems.join('\n'));
});

test('render: the map with the agent highlighted and the last action', () => {
  const env = new AsciiGridEnv({ map: ['S#', '.G'], renderMode: 'ansi' });
  env.reset({ seed: 0 });
  assert.is(stripAnsi(env.render()!), '\nS#\n.G\n');
  env.step(GRID_DOWN);
  assert.is(stripAnsi(env.render()!), '  (Down)\nS#\n.G\n');
  assert.ok(env.render()!.includes('\x1b[41m.\x1b[0m'));
  assert.is(new AsciiGridEnv({ map: ['SG'] }).toString(), '<AsciiGridEnv AsciiGrid 1x2>');
});

test.run();
