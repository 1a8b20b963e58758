/**
 * FrozenLake-v1 and FrozenLake8x8-v1: cross a frozen lake without falling through, after Gymnasium
 * 1.x's `gymnasium/envs/toy_text/frozen_lake.py` (registered in `gymnasium/envs/__init__.py`).
 *
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { describeValue } from '../../src/core/spaces.js';
import { DiscreteEnv, type Transition } from './discrete-env.js';
import {
  checkGridRows,
  checkOptionKeys,
  colorize,
  readBoolean,
  readProbability,
  readRenderMode,
  type GridRenderMode,
} from './options.js';

// Constants: values from Gymnasium 1.x, frozen_lake.py (module constants and FrozenLakeEnv.__init__),
// and gymnasium/envs/__init__.py for the registrations.

/** Action 0: move one cell left (column − 1). (frozen_lake.py `LEFT`) */
export const FROZEN_LAKE_LEFT = 0;
/** Action 1: move one cell down (row + 1). (frozen_lake.py `DOWN`) */
export const FROZEN_LAKE_DOWN = 1;
/** Action 2: move one cell right (column + 1). (frozen_lake.py `RIGHT`) */
export const FROZEN_LAKE_RIGHT = 2;
/** Action 3: move one cell up (row − 1). (frozen_lake.py `UP`) */
export const FROZEN_LAKE_UP = 3;
/** Number of actions. (frozen_lake.py `nA = 4`) */
export const FROZEN_LAKE_N_ACTIONS = 4;

/** The preset maps, rows top to bottom. (frozen_lake.py `MAPS`) */
export const FROZEN_LAKE_MAPS: Readonly<Record<'4x4' | '8x8', readonly string[]>> = Object.freeze({
  '4x4': Object.freeze(['SFFF', 'FHFH', 'FFFH', 'HFFG']),
  '8x8': Object.freeze(['SFFFFFFF', 'FFFFFFFF', 'FFFHFFFF', 'FFFFFHFF', 'FFFHFFFF', 'FHHFFFHF', 'FHFFHFHF', 'FFFHFFFG']),
});

/**
 * Default probability of moving in the intended direction on slippery ice, dimensionless. The rest,
 * 1 − this, is split equally between the two perpendicular directions, each
 * `(1 − successRate) / 2`. (frozen_lake.py `success_rate=1.0 / 3.0`, `fail_rate`)
 */
export const FROZEN_LAKE_SUCCESS_RATE = 1.0 / 3.0;
/**
 * Default rewards for landing on a goal, a hole and any other tile (frozen or start), in that
 * order, reward units. (frozen_lake.py `reward_schedule=(1, 0, 0)`)
 */
export const FROZEN_LAKE_REWARD_SCHEDULE: readonly [goal: number, hole: number, frozen: number] = Object.freeze([1, 0, 0] as const);
/** Reward of the self-loop from a goal or hole tile (never reached in an episode). (frozen_lake.py `(1.0, s, 0, True)`) */
export const FROZEN_LAKE_TERMINAL_REWARD = 0;
/** Side of the random map made when neither `desc` nor `mapName` is given, cells. (frozen_lake.py `generate_random_map(size=8)`) */
export const FROZEN_LAKE_RANDOM_SIZE = 8;
/** Probability that a tile of a random map is frozen. (frozen_lake.py `generate_random_map(p=0.8)`) */
export const FROZEN_LAKE_RANDOM_P = 0.8;
/** Step limit of FrozenLake-v1, steps. (envs/__init__.py `max_episode_steps=100`) */
export const FROZEN_LAKE_4X4_MAX_STEPS = 100;
/** Solved threshold of FrozenLake-v1: mean return over 100 episodes (optimum ≈ 0.74). (envs/__init__.py `reward_threshold=0.70`) */
export const FROZEN_LAKE_4X4_REWARD_THRESHOLD = 0.7;
/** Step limit of FrozenLake8x8-v1, steps. (envs/__init__.py `max_episode_steps=200`) */
export const FROZEN_LAKE_8X8_MAX_STEPS = 200;
/** Solved threshold of FrozenLake8x8-v1 (optimum ≈ 0.91). (envs/__init__.py `reward_threshold=0.85`) */
export const FROZEN_LAKE_8X8_REWARD_THRESHOLD = 0.85;

/** Tiles of a FrozenLake map: `S` start, `F` frozen, `H` hole, `G` goal. */
const LEGEND = 'SFHG';
/** Names of the actions, for the renderer. */
const ACTION_NAMES = ['Left', 'Down', 'Right', 'Up'] as const;
/** Give up on drawing a random map after this many invalid ones (Gymnasium loops forever). */
const MAX_RANDOM_MAP_TRIES = 100_000;

/** Options of {@link FrozenLake}. As Gymnasium's keyword arguments, in camelCase. */
export interface FrozenLakeOptions {
  /**
   * A custom map, rows top to bottom, of `S` (start), `F` (frozen), `H` (hole) and `G` (goal);
   * every row the same length; at least one `S`. Takes precedence over `mapName`.
   * @default undefined (use `mapName`)
   */
  readonly desc?: readonly string[] | null;
  /**
   * A preset map from {@link FROZEN_LAKE_MAPS}. With `null` and no `desc`, a random 8×8 map with 80%
   * frozen tiles is drawn with {@link generateRandomMap} from OS entropy (not reproducible: pass
   * `desc: generateRandomMap(8, 0.8, seed)` for that).
   * @default '4x4'
   */
  readonly mapName?: '4x4' | '8x8' | null;
  /** Whether the ice is slippery (see {@link FrozenLakeOptions.successRate}). @default true */
  readonly isSlippery?: boolean;
  /**
   * On slippery ice, the probability of moving in the intended direction; each perpendicular
   * direction gets `(1 − successRate) / 2`. Ignored when `isSlippery` is false.
   * @default 1/3
   */
  readonly successRate?: number;
  /** Rewards for landing on `[goal, hole, frozen-or-start]`. @default [1, 0, 0] */
  readonly rewardSchedule?: readonly [number, number, number];
  /** `'ansi'` makes `render()` return text. @default undefined */
  readonly renderMode?: GridRenderMode;
}

const OPTION_KEYS = ['desc', 'mapName', 'isSlippery', 'successRate', 'rewardSchedule', 'renderMode'] as const;

/**
 * ## Description
 * The agent crosses a frozen lake from the start tile `S` (top left on the preset maps) to the goal
 * `G` (bottom right) over frozen tiles `F`, without falling into a hole `H`. The ice is slippery by
 * default, so the agent may move perpendicular to the direction it chose. From Gymnasium's toy-text
 * suite (originally OpenAI Gym's FrozenLake); the preset 4×4 map is:
 *
 * ```
 * SFFF
 * FHFH
 * FFFH
 * HFFG
 * ```
 *
 * ## Action Space
 * `Discrete(4)`: 0 left, 1 down, 2 right, 3 up. A move off the edge leaves the agent in place.
 *
 * ## Observation Space
 * `Discrete(nrow · ncol)`:
 *
 * | Num | Observation | Min | Max |
 * |-----|-------------|-----|-----|
 * | 0   | `row · ncol + col`, the agent's cell | 0 | nrow · ncol − 1 |
 *
 * e.g. the goal of the 4×4 map is 3 · 4 + 3 = 15.
 *
 * ## Rewards
 * Landing on the goal earns `rewardSchedule[0]` (default +1), on a hole `rewardSchedule[1]`
 * (default 0), on any other tile `rewardSchedule[2]` (default 0).
 *
 * ## Starting State
 * A start tile `S`, uniformly among them (state 0 on the preset maps).
 *
 * ## Episode End
 * - Termination: the agent lands on a hole or on the goal.
 * - Truncation (from `TimeLimit`, added by `make`): 100 steps for FrozenLake-v1, 200 for
 *   FrozenLake8x8-v1.
 *
 * ## Transition table
 * `P[s][a]` (see {@link DiscreteEnv}) is built as Gymnasium's: from a hole or the goal, every action
 * has the single outcome `[1, s, 0, true]`; otherwise, on slippery ice, three outcomes for the
 * directions `(a − 1) mod 4`, `a`, `(a + 1) mod 4` in that order, with probabilities
 * `(1 − successRate) / 2`, `successRate`, `(1 − successRate) / 2` (with the default these are
 * 0.33333333333333337, 0.3333333333333333, 0.33333333333333337, exactly as Gymnasium computes
 * them); without slipping, the single outcome `[1, next, reward, terminated]`. `info.prob` is the
 * probability of the outcome drawn (1 on `reset`).
 *
 * ## Arguments
 * See {@link FrozenLakeOptions}: `desc`, `mapName`, `isSlippery`, `successRate`, `rewardSchedule`,
 * `renderMode`. Gymnasium's `render_mode` values `'human'` and `'rgb_array'` are not supported.
 *
 * ## Version History
 * - v1 (Gymnasium): bug fixes to rewards; Gymnasium 1.x added the `success_rate` and
 *   `reward_schedule` arguments.
 * - v0: initial release (OpenAI Gym).
 *
 * Source: Farama-Foundation/Gymnasium, `gymnasium/envs/toy_text/frozen_lake.py`.
 */
export class FrozenLake extends DiscreteEnv {
  /** The map, rows top to bottom. */
  readonly desc: readonly string[];
  /** Number of rows. */
  readonly nrow: number;
  /** Number of columns. */
  readonly ncol: number;
  /** Whether the ice is slippery. */
  readonly isSlippery: boolean;
  /** Probability of moving in the intended direction on slippery ice. */
  readonly successRate: number;
  /** Rewards for landing on `[goal, hole, other]`. */
  readonly rewardSchedule: readonly [number, number, number];

  /** @param options see {@link FrozenLakeOptions} */
  constructor(options: FrozenLakeOptions = {}) {
    const o = checkOptionKeys(options, OPTION_KEYS, 'FrozenLake');
    const desc = resolveMap(o);
    const isSlippery = readBoolean(o, 'isSlippery', true, 'FrozenLake');
    const successRate = readProbability(o, 'successRate', FROZEN_LAKE_SUCCESS_RATE, 'FrozenLake');
    const rewardSchedule = readRewardSchedule(o['rewardSchedule']);
    const renderMode = readRenderMode(o, 'FrozenLake');
    super('FrozenLake', compileFrozenLake(desc, isSlippery, successRate, rewardSchedule), renderMode);
    this.desc = Object.freeze(desc);
    this.nrow = desc.length;
    this.ncol = desc[0]!.length;
    this.isSlippery = isSlippery;
    this.successRate = successRate;
    this.rewardSchedule = rewardSchedule;
  }

  /** The map with the agent's tile highlighted, after the last action's name (as Gymnasium's text render). */
  toAnsi(): string {
    const row = Math.floor(this.s / this.ncol);
    const col = this.s % this.ncol;
    const lines = this.desc.map((line, r) =>
      r === row ? line.slice(0, col) + colorize(line[col]!, 'red', { highlight: true }) + line.slice(col + 1) : line,
    );
    const header = this.lastAction !== undefined ? `  (${ACTION_NAMES[this.lastAction]})\n` : '\n';
    return `${header}${lines.join('\n')}\n`;
  }
}

/**
 * Builds FrozenLake's transition table and start distribution from a checked map, as
 * `FrozenLakeEnv.__init__` does.
 */
function compileFrozenLake(
  desc: readonly string[],
  isSlippery: boolean,
  successRate: number,
  rewardSchedule: readonly [number, number, number],
): { nS: number; nA: number; P: Transition[][][]; isd: number[] } {
  const nrow = desc.length;
  const ncol = desc[0]!.length;
  const nS = nrow * ncol;
  const nA = FROZEN_LAKE_N_ACTIONS;
  // Computed as Gymnasium does, so the probabilities agree to the last bit.
  const failRate = (1.0 - successRate) / 2.0;
  const toS = (r: number, c: number): number => r * ncol + c;
  const move = (r: number, c: number, a: number): [number, number] => {
    if (a === FROZEN_LAKE_LEFT) c = Math.max(c - 1, 0);
    else if (a === FROZEN_LAKE_DOWN) r = Math.min(r + 1, nrow - 1);
    else if (a === FROZEN_LAKE_RIGHT) c = Math.min(c + 1, ncol - 1);
    else if (a === FROZEN_LAKE_UP) r = Math.max(r - 1, 0);
    return [r, c];
  };
  const land = (r: number, c: number, a: number): [number, number, boolean] => {
    const [nr, nc] = move(r, c, a);
    const tile = desc[nr]![nc]!;
    const reward = tile === 'G' ? rewardSchedule[0] : tile === 'H' ? rewardSchedule[1] : rewardSchedule[2];
    return [toS(nr, nc), reward, tile === 'G' || tile === 'H'];
  };

  const P: Transition[][][] = [];
  for (let r = 0; r < nrow; r++) {
    for (let c = 0; c < ncol; c++) {
      const s = toS(r, c);
      const tile = desc[r]![c]!;
      P[s] = [];
      for (let a = 0; a < nA; a++) {
        const outcomes: Transition[] = [];
        if (tile === 'G' || tile === 'H') {
          outcomes.push([1.0, s, FROZEN_LAKE_TERMINAL_REWARD, true]);
        } else if (isSlippery) {
          for (const b of [(a + nA - 1) % nA, a, (a + 1) % nA]) {
            outcomes.push([b === a ? successRate : failRate, ...land(r, c, b)]);
          }
        } else {
          outcomes.push([1.0, ...land(r, c, a)]);
        }
        P[s]![a] = outcomes;
      }
    }
  }

  const starts = desc.join('').split('').map((t) => (t === 'S' ? 1 : 0));
  const count = starts.reduce<number>((x, y) => x + y, 0);
  return { nS, nA, P, isd: starts.map((x) => x / count) };
}

function resolveMap(o: Record<string, unknown>): string[] {
  const desc = o['desc'];
  const mapName = o['mapName'];
  let rows: string[];
  if (desc !== undefined && desc !== null) {
    rows = checkGridRows(desc, LEGEND, 'FrozenLake', 'desc');
  } else if (mapName === null) {
    rows = generateRandomMap(FROZEN_LAKE_RANDOM_SIZE, FROZEN_LAKE_RANDOM_P);
  } else {
    const name = mapName ?? '4x4';
    if (name !== '4x4' && name !== '8x8') {
      throw new RangeError(`FrozenLake: mapName must be '4x4', '8x8' or null, got ${describeValue(name)}`);
    }
    rows = [...FROZEN_LAKE_MAPS[name]];
  }
  if (!rows.some((row) => row.includes('S'))) {
    throw new RangeError(`FrozenLake: desc has no start tile 'S', got ${describeValue(rows)}`);
  }
  return rows;
}

function readRewardSchedule(v: unknown): readonly [number, number, number] {
  if (v === undefined) return FROZEN_LAKE_REWARD_SCHEDULE;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new RangeError(`FrozenLake: rewardSchedule must be three finite numbers [goal, hole, frozen], got ${describeValue(v)}`);
  }
  return Object.freeze([v[0], v[1], v[2]] as [number, number, number]);
}

/**
 * Draws a random square map with a path from the start (top left) to the goal (bottom right), as
 * Gymnasium's `generate_random_map`: every tile is frozen with probability `p` (one
 * `rng.categorical([p, 1 − p])` per tile, row by row), then the corners are set to `S` and `G`,
 * and the draw is repeated until a depth-first search finds a path that avoids holes.
 *
 * Where it departs from Gymnasium: `size` must be at least 2 and `p` must lie in (0, 1] (Gymnasium
 * clamps `p` above 1 and loops forever on `size = 1` or `p = 0`), and it gives up with an error
 * after 100 000 invalid maps.
 *
 * @param size side of the square, cells (default 8)
 * @param p probability that a tile is frozen (default 0.8)
 * @param rng an {@link Rng}, or a seed for a new one; default: a generator from OS entropy
 * @returns the map, rows top to bottom
 *
 * @example
 * ```ts
 * const env = new FrozenLake({ desc: generateRandomMap(8, 0.8, 42) });
 * ```
 */
export function generateRandomMap(size = FROZEN_LAKE_RANDOM_SIZE, p = FROZEN_LAKE_RANDOM_P, rng?: Rng | number): string[] {
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`generateRandomMap: size must be an integer >= 2, got ${describeValue(size)}`);
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new RangeError(`generateRandomMap: p must be a probability in (0, 1], got ${describeValue(p)}`);
  const gen = rng === undefined ? Rng.fromEntropy() : typeof rng === 'number' ? Rng.fromSeed(rng) : rng;
  if (!(gen instanceof Rng)) throw new TypeError(`generateRandomMap: rng must be an Rng or a seed, got ${describeValue(rng)}`);
  const probs = [p, 1 - p];
  for (let attempt = 0; attempt < MAX_RANDOM_MAP_TRIES; attempt++) {
    const board: string[][] = [];
    for (let r = 0; r < size; r++) {
      const row: string[] = [];
      for (let c = 0; c < size; c++) row.push(gen.categorical(probs) === 0 ? 'F' : 'H');
      board.push(row);
    }
    board[0]![0] = 'S';
    board[size - 1]![size - 1] = 'G';
    if (hasPath(board, size)) return board.map((row) => row.join(''));
  }
  throw new Error(`generateRandomMap: no map with a path from start to goal after ${MAX_RANDOM_MAP_TRIES} tries (size ${size}, p ${p}); raise p`);
}

/** Depth-first search from (0, 0) for `G` through non-hole tiles, as Gymnasium's `is_valid`. */
function hasPath(board: readonly (readonly string[])[], size: number): boolean {
  const frontier: [number, number][] = [[0, 0]];
  const seen = new Set<number>();
  const dirs = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ] as const;
  while (frontier.length > 0) {
    const [r, c] = frontier.pop()!;
    if (seen.has(r * size + c)) continue;
    seen.add(r * size + c);
    for (const [dr, dc] of dirs) {
      const nr = r + dr;
      const nc = c + dc;
      if (nr < 0 || nr >= size || nc < 0 || nc >= size) continue;
      if (board[nr]![nc] === 'G') return true;
      if (board[nr]![nc] !== 'H') frontier.push([nr, nc]);
    }
  }
  return false;
}

/** Registrations of FrozenLake-v1 and FrozenLake8x8-v1, as in Gymnasium's `envs/__init__.py`. */
export const frozenLakeSpecs: readonly EnvSpec[] = Object.freeze([
  {
    id: 'FrozenLake-v1',
    create: (kwargs) => new FrozenLake(kwargs as FrozenLakeOptions),
    kwargs: { mapName: '4x4' },
    maxEpisodeSteps: FROZEN_LAKE_4X4_MAX_STEPS,
    rewardThreshold: FROZEN_LAKE_4X4_REWARD_THRESHOLD,
    description: 'Cross a slippery 4x4 frozen lake to the goal without falling into a hole (reward 1 at the goal).',
  },
  {
    id: 'FrozenLake8x8-v1',
    create: (kwargs) => new FrozenLake(kwargs as FrozenLakeOptions),
    kwargs: { mapName: '8x8' },
    maxEpisodeSteps: FROZEN_LAKE_8X8_MAX_STEPS,
    rewardThreshold: FROZEN_LAKE_8X8_REWARD_THRESHOLD,
    description: 'Cross a slippery 8x8 frozen lake to the goal without falling into a hole (reward 1 at the goal).',
  },
]);
