/**
 * Gridworlds from ASCII maps: draw a map as rows of text, get a tabular env (and a spec to register
 * it under an id). The map is compiled into a transition table like the built-in toy-text envs
 * (see {@link DiscreteEnv}), so planning code can read `env.unwrapped.P`.
 *
 * ## Legend
 *
 * | Tile | Meaning | Landing on it |
 * |------|---------|---------------|
 * | `S`  | start (also floor) | `step` reward; the episode starts on an `S`, uniformly among them |
 * | `.` or `F` | floor | `step` reward |
 * | `G`  | goal  | `goal` reward; terminates |
 * | `H`  | hole  | `hole` reward; terminates |
 * | `C`  | cliff | `cliff` reward; the agent is put back on the start (uniformly among the `S` tiles); does NOT terminate |
 * | `#`  | wall  | cannot be entered: the agent stays where it was and gets the `step` reward |
 *
 * Moving off the edge of the map also leaves the agent in place. A map needs at least one `S`; it
 * may have no `G` (then only holes, or the `TimeLimit`, end an episode). `F` is accepted so that
 * FrozenLake maps work unchanged.
 *
 * ## Actions and slipping
 * `Discrete(4)`, in FrozenLake's order: 0 left, 1 down, 2 right, 3 up. With `slip = 0` (the
 * default) the agent moves as chosen. With `slip > 0` it moves as chosen with probability
 * `1 − slip` and in each of the two perpendicular directions with probability `slip / 2`; the
 * outcomes are listed in the order `(a − 1) mod 4`, `a`, `(a + 1) mod 4`, as FrozenLake's. So
 * `slip: 2/3` is FrozenLake's slippery ice, and the FrozenLake maps compile to FrozenLake's table.
 *
 * ## Observations
 * `Discrete(rows · cols)`: the agent's cell as `row · cols + col`. Wall and cliff cells are states
 * too (so the numbering stays simple) but are never observed.
 *
 * ## Rewards (defaults)
 * `step` 0, `goal` 1, `hole` 0, `cliff` −100 (Sutton & Barto's cliff and FrozenLake's goal). Every
 * move earns exactly the reward of the tile it ends on (the cliff's, not the start's). From a goal or
 * hole tile, every action loops with reward 0 and `terminated: true`, as in FrozenLake.
 *
 * @example
 * ```ts
 * import { register, make } from 'rewardcast';
 * import { gridworldSpec } from 'rewardcast/envs';
 *
 * register(gridworldSpec({
 *   id: 'Maze-v0',
 *   map: [
 *     'S..#....',
 *     '.#.#.##.',
 *     '.#...#G.',
 *   ],
 *   slip: 0.1,
 *   rewards: { step: -0.01 },
 *   maxEpisodeSteps: 100,
 * }));
 * const env = make('Maze-v0');
 * ```
 *
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { describeValue } from '../../src/core/spaces.js';
import { DiscreteEnv, type Transition } from './discrete-env.js';
import { checkGridRows, checkOptionKeys, colorize, readProbability, readRenderMode, type GridRenderMode } from './options.js';

/** The tiles an ASCII map may use; see the module doc. */
export const ASCII_GRID_LEGEND = 'S.FGHC#';
/** Action 0: move left. */
export const GRID_LEFT = 0;
/** Action 1: move down. */
export const GRID_DOWN = 1;
/** Action 2: move right. */
export const GRID_RIGHT = 2;
/** Action 3: move up. */
export const GRID_UP = 3;

/** Row and column change of each action. */
const MOVES: readonly (readonly [number, number])[] = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];
const ACTION_NAMES = ['Left', 'Down', 'Right', 'Up'] as const;

/** Reward for landing on each kind of tile, in reward units. */
export interface GridRewards {
  /** Landing on floor or start, or staying put after bumping into a wall or the edge. */
  readonly step: number;
  /** Landing on the goal `G` (terminates). */
  readonly goal: number;
  /** Landing in a hole `H` (terminates). */
  readonly hole: number;
  /** Stepping into the cliff `C` (back to the start, does not terminate). */
  readonly cliff: number;
}

/** Default {@link GridRewards}: step 0, goal 1, hole 0, cliff −100. */
export const GRID_DEFAULT_REWARDS: GridRewards = Object.freeze({ step: 0, goal: 1, hole: 0, cliff: -100 });

/** Options of {@link AsciiGridEnv}. */
export interface AsciiGridOptions {
  /** The map, rows top to bottom, one character per cell; see the module doc for the legend. */
  readonly map: readonly string[];
  /** Name used in error messages and `toString`. @default 'AsciiGrid' */
  readonly name?: string;
  /** Probability of slipping to one of the two perpendicular directions (split equally). @default 0 */
  readonly slip?: number;
  /** Rewards by tile; missing keys take {@link GRID_DEFAULT_REWARDS}. */
  readonly rewards?: Partial<GridRewards>;
  /** `'ansi'` makes `render()` return text. @default undefined */
  readonly renderMode?: GridRenderMode;
}

const OPTION_KEYS = ['map', 'name', 'slip', 'rewards', 'renderMode'] as const;
const REWARD_KEYS = ['step', 'goal', 'hole', 'cliff'] as const;

/** A checked map definition, ready to compile. */
interface GridDefinition {
  readonly name: string;
  readonly map: readonly string[];
  readonly slip: number;
  readonly rewards: GridRewards;
  readonly renderMode: GridRenderMode | undefined;
}

/**
 * A gridworld compiled from an ASCII map; see the module doc for the legend, actions, slipping,
 * rewards and what terminates. Built on {@link DiscreteEnv}: `P`, `isd`, `info.prob` and `render`
 * work as in the built-in gridworlds.
 */
export class AsciiGridEnv extends DiscreteEnv {
  /** The map, rows top to bottom. */
  readonly map: readonly string[];
  /** Number of rows. */
  readonly nrow: number;
  /** Number of columns. */
  readonly ncol: number;
  /** Probability of slipping sideways. */
  readonly slip: number;
  /** Rewards by tile. */
  readonly rewards: GridRewards;

  /** @param options see {@link AsciiGridOptions} */
  constructor(options: AsciiGridOptions) {
    const def = checkDefinition(options);
    super(def.name, compileAsciiGrid(def), def.renderMode);
    this.map = Object.freeze([...def.map]);
    this.nrow = def.map.length;
    this.ncol = def.map[0]!.length;
    this.slip = def.slip;
    this.rewards = def.rewards;
  }

  /** The map with the agent's cell highlighted, after the last action's name. */
  toAnsi(): string {
    const row = Math.floor(this.s / this.ncol);
    const col = this.s % this.ncol;
    const lines = this.map.map((line, r) =>
      r === row ? line.slice(0, col) + colorize(line[col]!, 'red', { highlight: true }) + line.slice(col + 1) : line,
    );
    const header = this.lastAction !== undefined ? `  (${ACTION_NAMES[this.lastAction]})\n` : '\n';
    return `${header}${lines.join('\n')}\n`;
  }

  /** The spec's id when made with `make`, else the name and size. */
  override toString(): string {
    return this.spec ? super.toString() : `<AsciiGridEnv ${this.envName} ${this.nrow}x${this.ncol}>`;
  }
}

/** What {@link gridworldSpec} takes: the env's options plus the registration. */
export interface GridworldSpecOptions extends AsciiGridOptions {
  /** Versioned id, e.g. `'Maze-v0'`. */
  readonly id: string;
  /** Step limit applied by `TimeLimit` when made with `make`. */
  readonly maxEpisodeSteps?: number;
  /** Mean return over 100 episodes at which the task counts as solved. */
  readonly rewardThreshold?: number;
  /** One line for listings. @default a line with the map's size and slip */
  readonly description?: string;
}

/**
 * An {@link EnvSpec} for a gridworld drawn as ASCII, ready for `register`. The map is checked now,
 * so a bad map fails here rather than at `make`. `make(id, { slip, rewards, renderMode })` overrides
 * those options per env.
 *
 * The env's `name` defaults to the id's name part (`'Maze'` for `'Maze-v0'`).
 */
export function gridworldSpec(options: GridworldSpecOptions): EnvSpec {
  if (typeof options !== 'object' || options === null) throw new TypeError(`gridworldSpec: options must be an object, got ${describeValue(options)}`);
  const { id, maxEpisodeSteps, rewardThreshold, description, ...envOptions } = options;
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`gridworldSpec: id must be a non-empty string, got ${describeValue(id)}`);
  const base: AsciiGridOptions = { ...envOptions, name: envOptions.name ?? id.replace(/-v\d+$/, '') };
  const def = checkDefinition(base);
  compileAsciiGrid(def);
  return Object.freeze({
    id,
    create: (kwargs: Record<string, unknown>) => new AsciiGridEnv({ ...base, ...kwargs } as AsciiGridOptions),
    ...(maxEpisodeSteps !== undefined ? { maxEpisodeSteps } : {}),
    ...(rewardThreshold !== undefined ? { rewardThreshold } : {}),
    description: description ?? `ASCII gridworld ${def.map.length}x${def.map[0]!.length}, slip ${def.slip}`,
  });
}

function checkDefinition(options: AsciiGridOptions): GridDefinition {
  const o = checkOptionKeys(options, OPTION_KEYS, 'AsciiGridEnv');
  const rawName = o['name'];
  if (rawName !== undefined && (typeof rawName !== 'string' || rawName.length === 0)) {
    throw new TypeError(`AsciiGridEnv: name must be a non-empty string, got ${describeValue(rawName)}`);
  }
  const name = (rawName as string | undefined) ?? 'AsciiGrid';
  if (o['map'] === undefined) throw new TypeError(`${name}: map is required (rows of text, e.g. ['S.G'])`);
  const map = checkGridRows(o['map'], ASCII_GRID_LEGEND, name, 'map');
  if (!map.some((row) => row.includes('S'))) throw new RangeError(`${name}: map has no start tile 'S', got ${describeValue(map)}`);
  const slip = readProbability(o, 'slip', 0, name);
  const rewards = checkRewards(o['rewards'], name);
  const renderMode = readRenderMode(o, name);
  return { name, map, slip, rewards, renderMode };
}

function checkRewards(v: unknown, name: string): GridRewards {
  if (v === undefined) return GRID_DEFAULT_REWARDS;
  const r = checkOptionKeys(v, REWARD_KEYS, `${name}: rewards`);
  const out: Record<string, number> = { ...GRID_DEFAULT_REWARDS };
  for (const key of REWARD_KEYS) {
    const x = r[key];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${name}: rewards.${key} must be a finite number, got ${describeValue(x)}`);
    out[key] = x;
  }
  return Object.freeze(out as unknown as GridRewards);
}

/** Compiles a checked definition into a transition table and start distribution. */
function compileAsciiGrid(def: GridDefinition): { nS: number; nA: number; P: Transition[][][]; isd: number[] } {
  const { map, slip, rewards } = def;
  const nrow = map.length;
  const ncol = map[0]!.length;
  const nS = nrow * ncol;
  const nA = MOVES.length;
  const tiles = map.join('');
  const starts: number[] = [];
  for (let s = 0; s < nS; s++) if (tiles[s] === 'S') starts.push(s);

  /** Outcomes of moving in direction `d` from (r, c), with total probability `p`. */
  const land = (r: number, c: number, d: number, p: number): Transition[] => {
    const [dr, dc] = MOVES[d]!;
    let nr = Math.min(Math.max(r + dr, 0), nrow - 1);
    let nc = Math.min(Math.max(c + dc, 0), ncol - 1);
    if (map[nr]![nc] === '#') [nr, nc] = [r, c];
    const next = nr * ncol + nc;
    const tile = map[nr]![nc]!;
    if (tile === 'G') return [[p, next, rewards.goal, true]];
    if (tile === 'H') return [[p, next, rewards.hole, true]];
    if (tile === 'C') return starts.map((s0): Transition => [p / starts.length, s0, rewards.cliff, false]);
    return [[p, next, rewards.step, false]];
  };

  const P: Transition[][][] = [];
  for (let r = 0; r < nrow; r++) {
    for (let c = 0; c < ncol; c++) {
      const s = r * ncol + c;
      const tile = map[r]![c]!;
      P[s] = [];
      for (let a = 0; a < nA; a++) {
        if (tile === 'G' || tile === 'H') P[s]![a] = [[1.0, s, 0, true]];
        else if (slip > 0) {
          P[s]![a] = [...land(r, c, (a + nA - 1) % nA, slip / 2), ...land(r, c, a, 1 - slip), ...land(r, c, (a + 1) % nA, slip / 2)];
        } else P[s]![a] = land(r, c, a, 1.0);
      }
    }
  }
  const isd = new Array<number>(nS).fill(0);
  for (const s of starts) isd[s] = 1 / starts.length;
  return { nS, nA, P, isd };
}
