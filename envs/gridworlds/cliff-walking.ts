/**
 * CliffWalking-v1 and CliffWalkingSlippery-v1: walk along a cliff edge to the goal, after Gymnasium
 * 1.x's `gymnasium/envs/toy_text/cliffwalking.py` (registered in `gymnasium/envs/__init__.py`),
 * itself Example 6.6 of Sutton & Barto, *Reinforcement Learning: An Introduction* (2nd ed., 2018).
 *
 * @module
 */
import type { EnvSpec } from '../../src/core/registry.js';
import { DiscreteEnv, type Transition } from './discrete-env.js';
import { checkOptionKeys, colorize, readBoolean, readRenderMode, type GridRenderMode } from './options.js';

// Constants: values from Gymnasium 1.x, cliffwalking.py (module constants and CliffWalkingEnv),
// and gymnasium/envs/__init__.py for the registrations.

/** Action 0: move up (row − 1). (cliffwalking.py `UP`) */
export const CLIFF_WALKING_UP = 0;
/** Action 1: move right (column + 1). (cliffwalking.py `RIGHT`) */
export const CLIFF_WALKING_RIGHT = 1;
/** Action 2: move down (row + 1). (cliffwalking.py `DOWN`) */
export const CLIFF_WALKING_DOWN = 2;
/** Action 3: move left (column − 1). (cliffwalking.py `LEFT`) */
export const CLIFF_WALKING_LEFT = 3;
/** Number of actions. (cliffwalking.py `nA = 4`) */
export const CLIFF_WALKING_N_ACTIONS = 4;
/** Row and column change of each action, `[dRow, dCol]`. (cliffwalking.py `POSITION_MAPPING`) */
export const CLIFF_WALKING_MOVES: readonly (readonly [number, number])[] = Object.freeze([
  Object.freeze([-1, 0] as const),
  Object.freeze([0, 1] as const),
  Object.freeze([1, 0] as const),
  Object.freeze([0, -1] as const),
]);
/** Grid rows. (cliffwalking.py `shape = (4, 12)`) */
export const CLIFF_WALKING_ROWS = 4;
/** Grid columns. (cliffwalking.py `shape = (4, 12)`) */
export const CLIFF_WALKING_COLS = 12;
/** Start state: cell (3, 0) = 3 · 12 + 0. (cliffwalking.py `start_state_index`) */
export const CLIFF_WALKING_START = 36;
/** Goal state: cell (3, 11) = 3 · 12 + 11; entering it terminates. (cliffwalking.py `terminal_state`) */
export const CLIFF_WALKING_GOAL = 47;
/** Reward of every step that does not enter the cliff, reward units. (cliffwalking.py) */
export const CLIFF_WALKING_STEP_REWARD = -1;
/** Reward for stepping into the cliff, which also sends the agent back to the start. (cliffwalking.py) */
export const CLIFF_WALKING_CLIFF_REWARD = -100;

/** Names of the actions, for the renderer. */
const ACTION_NAMES = ['Up', 'Right', 'Down', 'Left'] as const;

/** Whether cell (row, col) is cliff: the bottom row between start and goal. (cliffwalking.py `_cliff[3, 1:-1] = True`) */
export function isCliff(row: number, col: number): boolean {
  return row === CLIFF_WALKING_ROWS - 1 && col >= 1 && col <= CLIFF_WALKING_COLS - 2;
}

/** Options of {@link CliffWalking}. As Gymnasium's keyword arguments, in camelCase. */
export interface CliffWalkingOptions {
  /**
   * Whether the agent may slip: it then moves in the intended direction or in either perpendicular
   * direction, each with probability 1/3.
   * @default false
   */
  readonly isSlippery?: boolean;
  /** `'ansi'` makes `render()` return text. @default undefined */
  readonly renderMode?: GridRenderMode;
}

const OPTION_KEYS = ['isSlippery', 'renderMode'] as const;

/**
 * ## Description
 * A 4×12 grid. The agent starts at the bottom left, (3, 0), and must reach the goal at the bottom
 * right, (3, 11). The cells between them on the bottom row, (3, 1) … (3, 10), are a cliff: stepping
 * into it costs −100 and puts the agent back at the start, but does NOT end the episode. Sutton and
 * Barto use it to contrast SARSA (which learns the safe path) with Q-learning (which learns the
 * optimal path along the edge). Optionally slippery.
 *
 * ```
 * o  o  o  o  o  o  o  o  o  o  o  o
 * o  o  o  o  o  o  o  o  o  o  o  o
 * o  o  o  o  o  o  o  o  o  o  o  o
 * S  C  C  C  C  C  C  C  C  C  C  G
 * ```
 *
 * ## Action Space
 * `Discrete(4)`: 0 up, 1 right, 2 down, 3 left (note: not FrozenLake's order). A move off the edge
 * leaves the agent in place.
 *
 * ## Observation Space
 * `Discrete(48)`:
 *
 * | Num | Observation | Min | Max |
 * |-----|-------------|-----|-----|
 * | 0   | `row · 12 + col`, the agent's cell | 0 | 47 |
 *
 * The agent is never observed on a cliff cell, nor on the goal except at the terminal step.
 *
 * ## Rewards
 * −1 per step, including the step onto the goal; −100 (instead) for a step into the cliff.
 *
 * ## Starting State
 * State 36, cell (3, 0).
 *
 * ## Episode End
 * - Termination: the agent enters state 47, cell (3, 11). Falling off the cliff does not terminate.
 * - Truncation: none registered. Gymnasium 1.x registers CliffWalking-v1 with no step limit; pass
 *   `make('CliffWalking-v1', { maxEpisodeSteps })` to add one.
 *
 * ## Transition table
 * As Gymnasium's, for every state including cliff cells and the goal (whose moves are computed like
 * any other cell's; they are never used in an episode). Without slipping, one outcome
 * `[1, next, −1, next === 47]`, or `[1, 36, −100, false]` when the move enters the cliff. With
 * slipping, three outcomes of probability 1/3 for the directions `(a − 1) mod 4`, `a`,
 * `(a + 1) mod 4`, in that order, in this env's action numbering (for `up`: left, up, right).
 * `info.prob` is the probability of the outcome drawn (1 on `reset`).
 *
 * ## Arguments
 * See {@link CliffWalkingOptions}: `isSlippery` (default false; CliffWalkingSlippery-v1 sets it),
 * `renderMode`.
 *
 * ## Version History
 * - v1 (Gymnasium 1.x): adds the slippery variant (`is_slippery`).
 * - v0: initial release.
 *
 * Sources: Farama-Foundation/Gymnasium, `gymnasium/envs/toy_text/cliffwalking.py`; R. S. Sutton and
 * A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., MIT Press, 2018, Example 6.6.
 */
export class CliffWalking extends DiscreteEnv {
  /** Whether the agent may slip. */
  readonly isSlippery: boolean;

  /** @param options see {@link CliffWalkingOptions} */
  constructor(options: CliffWalkingOptions = {}) {
    const o = checkOptionKeys(options, OPTION_KEYS, 'CliffWalking');
    const isSlippery = readBoolean(o, 'isSlippery', false, 'CliffWalking');
    const renderMode = readRenderMode(o, 'CliffWalking');
    super('CliffWalking', compileCliffWalking(isSlippery), renderMode);
    this.isSlippery = isSlippery;
  }

  /** The grid: `x` the agent, `T` the goal, `C` the cliff, `o` other cells; then the last action. */
  toAnsi(): string {
    const lines: string[] = [];
    for (let r = 0; r < CLIFF_WALKING_ROWS; r++) {
      const cells: string[] = [];
      for (let c = 0; c < CLIFF_WALKING_COLS; c++) {
        const s = r * CLIFF_WALKING_COLS + c;
        if (s === this.s) cells.push(colorize('x', 'red', { highlight: true }));
        else if (s === CLIFF_WALKING_GOAL) cells.push('T');
        else if (isCliff(r, c)) cells.push('C');
        else cells.push('o');
      }
      lines.push(cells.join('  '));
    }
    const footer = this.lastAction !== undefined ? `  (${ACTION_NAMES[this.lastAction]})\n` : '\n';
    return `${lines.join('\n')}\n${footer}`;
  }
}

/** Builds CliffWalking's transition table, as `CliffWalkingEnv._calculate_transition_prob`. */
function compileCliffWalking(isSlippery: boolean): { nS: number; nA: number; P: Transition[][][]; isd: number[] } {
  const nS = CLIFF_WALKING_ROWS * CLIFF_WALKING_COLS;
  const nA = CLIFF_WALKING_N_ACTIONS;
  const P: Transition[][][] = [];
  for (let s = 0; s < nS; s++) {
    const row = Math.floor(s / CLIFF_WALKING_COLS);
    const col = s % CLIFF_WALKING_COLS;
    P[s] = [];
    for (let a = 0; a < nA; a++) {
      const directions = isSlippery ? [(a + nA - 1) % nA, a, (a + 1) % nA] : [a];
      // Gymnasium: 1 / len(deltas), i.e. 1 or 1/3.
      const prob = 1 / directions.length;
      P[s]![a] = directions.map((d): Transition => {
        const [dr, dc] = CLIFF_WALKING_MOVES[d]!;
        const nr = Math.min(Math.max(row + dr, 0), CLIFF_WALKING_ROWS - 1);
        const nc = Math.min(Math.max(col + dc, 0), CLIFF_WALKING_COLS - 1);
        if (isCliff(nr, nc)) return [prob, CLIFF_WALKING_START, CLIFF_WALKING_CLIFF_REWARD, false];
        const next = nr * CLIFF_WALKING_COLS + nc;
        return [prob, next, CLIFF_WALKING_STEP_REWARD, next === CLIFF_WALKING_GOAL];
      });
    }
  }
  const isd = new Array<number>(nS).fill(0);
  isd[CLIFF_WALKING_START] = 1;
  return { nS, nA, P, isd };
}

/**
 * Registrations of CliffWalking-v1 and CliffWalkingSlippery-v1, as in Gymnasium 1.x's
 * `envs/__init__.py`: no step limit and no reward threshold.
 */
export const cliffWalkingSpecs: readonly EnvSpec[] = Object.freeze([
  {
    id: 'CliffWalking-v1',
    create: (kwargs) => new CliffWalking(kwargs as CliffWalkingOptions),
    description: 'Walk a 4x12 cliff edge to the goal: -1 per step, -100 and back to the start for falling off (no step limit).',
  },
  {
    id: 'CliffWalkingSlippery-v1',
    create: (kwargs) => new CliffWalking(kwargs as CliffWalkingOptions),
    kwargs: { isSlippery: true },
    description: 'CliffWalking where each move slips to a perpendicular direction with probability 2/3 (no step limit).',
  },
]);
