/**
 * Taxi-v3: pick up a passenger and drop them at their destination, after Gymnasium 1.x's
 * `gymnasium/envs/toy_text/taxi.py` (registered in `gymnasium/envs/__init__.py`), itself the taxi
 * task of Dietterich (2000).
 *
 * @module
 */
import type { Info, ResetOptions, ResetResult } from '../../src/core/env.js';
import type { EnvSpec } from '../../src/core/registry.js';
import { describeValue } from '../../src/core/spaces.js';
import { DiscreteEnv, type Transition } from './discrete-env.js';
import { checkOptionKeys, colorize, readBoolean, readRenderMode, type GridRenderMode } from './options.js';

// Constants: values from Gymnasium 1.x (1.2), taxi.py (module constants and TaxiEnv), and
// gymnasium/envs/__init__.py for the registration.

/**
 * The map. Taxi cell (row, col) is character `2·col + 1` of line `row + 1`; the character to its
 * right, `2·col + 2`, is `:` where the taxi may drive east and `|` where a wall stops it (and the
 * character to its left, `2·col`, likewise for west). (taxi.py `MAP`)
 */
export const TAXI_MAP: readonly string[] = Object.freeze([
  '+---------+',
  '|R: | : :G|',
  '| : | : : |',
  '| : : : : |',
  '| | : | : |',
  '|Y| : |B: |',
  '+---------+',
]);
/** Rows and columns of the taxi grid. (taxi.py `num_rows = num_columns = 5`) */
export const TAXI_SIZE = 5;
/** Pick-up and drop-off locations `[row, col]`: Red, Green, Yellow, Blue. (taxi.py `locs`) */
export const TAXI_LOCS: readonly (readonly [number, number])[] = Object.freeze([
  Object.freeze([0, 0] as const),
  Object.freeze([0, 4] as const),
  Object.freeze([4, 0] as const),
  Object.freeze([4, 3] as const),
]);
/** Passenger location meaning "in the taxi". (taxi.py: `pass_idx == 4`) */
export const TAXI_IN_TAXI = 4;
/** Number of states: 25 taxi cells × 5 passenger locations × 4 destinations. (taxi.py `num_states = 500`) */
export const TAXI_N_STATES = 500;
/** Number of actions. (taxi.py `num_actions = 6`) */
export const TAXI_N_ACTIONS = 6;
/** Action 0: drive south (row + 1). */
export const TAXI_SOUTH = 0;
/** Action 1: drive north (row − 1). */
export const TAXI_NORTH = 1;
/** Action 2: drive east (column + 1), unless a wall is in the way. */
export const TAXI_EAST = 2;
/** Action 3: drive west (column − 1), unless a wall is in the way. */
export const TAXI_WEST = 3;
/** Action 4: pick the passenger up. */
export const TAXI_PICKUP = 4;
/** Action 5: drop the passenger off. */
export const TAXI_DROPOFF = 5;
/** Reward of every step that triggers no other reward, including moves into walls, reward units. (taxi.py `reward = -1`) */
export const TAXI_STEP_REWARD = -1;
/** Reward for delivering the passenger to the destination. (taxi.py `_dropoff`: `20`) */
export const TAXI_DELIVERY_REWARD = 20;
/** Reward for an illegal pick-up or drop-off. (taxi.py `_pickup`, `_dropoff`: `-10`) */
export const TAXI_ILLEGAL_REWARD = -10;
/** With `isRainy`, probability that a move goes in the intended direction. (taxi.py `_build_rainy_transitions`: `0.8`) */
export const TAXI_RAINY_INTENDED = 0.8;
/** With `isRainy`, probability of each of the two sideways slips. (taxi.py `_build_rainy_transitions`: `0.1`) */
export const TAXI_RAINY_SLIP = 0.1;
/** With `ficklePassenger`, probability per episode that the passenger will change destination. (taxi.py `np_random.random() < 0.3`) */
export const TAXI_FICKLE_PROB = 0.3;
/** Step limit of Taxi-v3, steps. (envs/__init__.py `max_episode_steps=200`) */
export const TAXI_MAX_STEPS = 200;
/**
 * Solved threshold of Taxi-v3: mean return over 100 episodes. (envs/__init__.py `reward_threshold=8`)
 * It lies above the optimum: finite-horizon value iteration on `P` under the 200-step limit gives an
 * optimal expected return of 7.93 from the uniform start (`rewardcast envs --optimum`,
 * src/optimum), so only a 100-episode mean above its expectation reaches it. The 8.46 once quoted
 * (openai/gym#345) predates Taxi-v3.
 */
export const TAXI_REWARD_THRESHOLD = 8;

/** Names of the actions, for the renderer. */
const ACTION_NAMES = ['South', 'North', 'East', 'West', 'Pickup', 'Dropoff'] as const;
const MAX = TAXI_SIZE - 1;

/** The four parts of a Taxi state. */
export interface TaxiState {
  /** Taxi row, 0 … 4 (0 at the top). */
  readonly taxiRow: number;
  /** Taxi column, 0 … 4 (0 at the left). */
  readonly taxiCol: number;
  /** Passenger location: 0 Red, 1 Green, 2 Yellow, 3 Blue, 4 in the taxi. */
  readonly passengerLocation: number;
  /** Destination: 0 Red, 1 Green, 2 Yellow, 3 Blue. */
  readonly destination: number;
}

/**
 * A Taxi state as one integer: `((taxiRow · 5 + taxiCol) · 5 + passengerLocation) · 4 + destination`.
 * (taxi.py `encode`)
 */
export function taxiEncode(taxiRow: number, taxiCol: number, passengerLocation: number, destination: number): number {
  checkIndex(taxiRow, TAXI_SIZE, 'taxiRow');
  checkIndex(taxiCol, TAXI_SIZE, 'taxiCol');
  checkIndex(passengerLocation, 5, 'passengerLocation');
  checkIndex(destination, 4, 'destination');
  return ((taxiRow * 5 + taxiCol) * 5 + passengerLocation) * 4 + destination;
}

/** The parts of a Taxi state integer, the inverse of {@link taxiEncode}. (taxi.py `decode`) */
export function taxiDecode(state: number): TaxiState {
  checkIndex(state, TAXI_N_STATES, 'state');
  return {
    taxiRow: Math.floor(state / 100),
    taxiCol: Math.floor(state / 20) % 5,
    passengerLocation: Math.floor(state / 4) % 5,
    destination: state % 4,
  };
}

function checkIndex(v: number, n: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= n) throw new RangeError(`Taxi: ${name} must be an integer in [0, ${n - 1}], got ${describeValue(v)}`);
}

/** Index of the pick-up location at (row, col), or −1. */
function locIndex(row: number, col: number): number {
  return TAXI_LOCS.findIndex(([r, c]) => r === row && c === col);
}

/** Whether the map lets the taxi drive east from (row, col). (taxi.py: `desc[1 + row, 2 * col + 2] == b":"`) */
function canGoEast(row: number, col: number): boolean {
  return TAXI_MAP[1 + row]![2 * col + 2] === ':';
}

/** Whether the map lets the taxi drive west from (row, col). (taxi.py: `desc[1 + row, 2 * col] == b":"`) */
function canGoWest(row: number, col: number): boolean {
  return TAXI_MAP[1 + row]![2 * col] === ':';
}

/**
 * Which actions change the state (1) and which do nothing (0), as Gymnasium's `action_mask`.
 * Moves: in the grid and, east and west, no wall. Pick-up: the taxi is at the waiting passenger.
 * Drop-off: the passenger is in the taxi and the taxi is at one of the four locations.
 */
export function taxiActionMask(state: number): Int8Array {
  const { taxiRow: r, taxiCol: c, passengerLocation: p } = taxiDecode(state);
  const mask = new Int8Array(TAXI_N_ACTIONS);
  if (r < MAX) mask[TAXI_SOUTH] = 1;
  if (r > 0) mask[TAXI_NORTH] = 1;
  if (c < MAX && canGoEast(r, c)) mask[TAXI_EAST] = 1;
  if (c > 0 && canGoWest(r, c)) mask[TAXI_WEST] = 1;
  if (p < TAXI_IN_TAXI && locIndex(r, c) === p) mask[TAXI_PICKUP] = 1;
  if (p === TAXI_IN_TAXI && locIndex(r, c) >= 0) mask[TAXI_DROPOFF] = 1;
  return mask;
}

/** Options of {@link Taxi}. As Gymnasium's keyword arguments, in camelCase. */
export interface TaxiOptions {
  /**
   * Whether moves slip: a move goes in the intended direction with probability 0.8 and to either
   * side with 0.1 each (see the class doc for Gymnasium's exact rule).
   * @default false
   */
  readonly isRainy?: boolean;
  /**
   * Whether the passenger may change their mind: with probability 0.3 per episode, the first time
   * the taxi moves to another cell with the passenger aboard, the destination changes to one of the
   * other three, uniformly.
   * @default false
   */
  readonly ficklePassenger?: boolean;
  /** `'ansi'` makes `render()` return text. @default undefined */
  readonly renderMode?: GridRenderMode;
}

const OPTION_KEYS = ['isRainy', 'ficklePassenger', 'renderMode'] as const;

/**
 * ## Description
 * A taxi drives in a 5×5 grid with walls. A passenger waits at one of four marked locations (Red,
 * Green, Yellow, Blue) and wants to go to another. The taxi must drive to the passenger, pick them
 * up, drive to the destination and drop them off; the episode ends with the drop-off.
 *
 * ```
 * +---------+
 * |R: | : :G|
 * | : | : : |
 * | : : : : |
 * | | : | : |
 * |Y| : |B: |
 * +---------+
 * ```
 *
 * ## Action Space
 * `Discrete(6)`: 0 south, 1 north, 2 east, 3 west, 4 pick up, 5 drop off. A move into a wall or
 * off the grid leaves the taxi in place.
 *
 * ## Observation Space
 * `Discrete(500)`, one integer from {@link taxiEncode}:
 *
 * | Num | Observation | Min | Max |
 * |-----|-------------|-----|-----|
 * | 0   | `((taxiRow · 5 + taxiCol) · 5 + passengerLocation) · 4 + destination` | 0 | 499 |
 *
 * with passenger locations 0 Red, 1 Green, 2 Yellow, 3 Blue, 4 in the taxi, and destinations 0 Red,
 * 1 Green, 2 Yellow, 3 Blue. 400 states are reachable during an episode, plus 4 right after a
 * delivery.
 *
 * ## Rewards
 * −1 per step; +20 (instead) for delivering the passenger; −10 (instead) for a pick-up where the
 * passenger is not waiting or a drop-off that is not allowed. Dropping the passenger at one of the
 * other three locations is allowed (−1): they wait there again.
 *
 * ## Starting State
 * Uniform over the 300 states where the passenger waits at a location that is not their
 * destination: 25 taxi cells × 4 passenger locations × 3 destinations.
 *
 * ## Episode End
 * - Termination: the passenger is dropped off at their destination.
 * - Truncation (from `TimeLimit`, added by `make`): 200 steps.
 *
 * ## Transition table and info
 * `P[s][a]` (see {@link DiscreteEnv}) has one outcome per action, except with `isRainy`, where each
 * move has three outcomes `[0.8, intended], [0.1, left], [0.1, right]` (all reward −1), in that
 * order. The sideways cells are Gymnasium's: for south and north, west then east, each taken only if
 * the wall check passes; for east and west, south then north, where Gymnasium's check reads the map
 * character beside the *landing* cell (right of it for south, left of it for north), so the taxi
 * never slips south in column 4 nor north in column 0. A blocked east or west move gives three
 * outcomes that all stay put. This is reproduced as is so that `P` matches Gymnasium.
 *
 * The fickle passenger cannot be held in the table: it is applied after the draw, so with
 * `ficklePassenger` the observation can differ from the table's next state (in the destination).
 *
 * `info` has `prob` (the drawn outcome's probability, 1 on `reset`) and `action_mask`, an
 * `Int8Array` from {@link taxiActionMask}, as in Gymnasium.
 *
 * ## Arguments
 * See {@link TaxiOptions}: `isRainy`, `ficklePassenger`, `renderMode`.
 *
 * ## Version History
 * - v3: map correction and cleaner domain description; action masking in `info` (Gym 0.25). In
 *   Gymnasium 1.2.0 the `is_rainy` and `fickle_passenger` arguments were added, after Dietterich's
 *   stochastic variants.
 * - v2: start location may not equal the goal; observations updated in rollouts; reward threshold
 *   updated.
 * - v1: (3, 2) removed from the locations; `passidx < 4` check added.
 * - v0: initial release.
 *
 * Sources: Farama-Foundation/Gymnasium, `gymnasium/envs/toy_text/taxi.py`; T. G. Dietterich,
 * "Hierarchical Reinforcement Learning with the MAXQ Value Function Decomposition", *Journal of
 * Artificial Intelligence Research* 13:227–303, 2000, doi:10.1613/jair.639.
 */
export class Taxi extends DiscreteEnv {
  /** Whether moves slip. */
  readonly isRainy: boolean;
  /** Whether the passenger may change destination once per episode. */
  readonly ficklePassenger: boolean;
  /**
   * Whether the fickle change is still due this episode. Drawn at each `reset` (probability 0.3 when
   * `ficklePassenger` is set) and cleared when it happens.
   */
  protected fickleStep = false;

  /** @param options see {@link TaxiOptions} */
  constructor(options: TaxiOptions = {}) {
    const o = checkOptionKeys(options, OPTION_KEYS, 'Taxi');
    const isRainy = readBoolean(o, 'isRainy', false, 'Taxi');
    const ficklePassenger = readBoolean(o, 'ficklePassenger', false, 'Taxi');
    const renderMode = readRenderMode(o, 'Taxi');
    super('Taxi', compileTaxi(isRainy), renderMode);
    this.isRainy = isRainy;
    this.ficklePassenger = ficklePassenger;
    // Gymnasium also draws fickle_step here, from the unseeded RNG; it only matters for a step
    // before the first reset, which rewardcast refuses, so the draw is left to reset.
  }

  /** {@link taxiEncode}, as Gymnasium's `env.encode`. */
  encode(taxiRow: number, taxiCol: number, passengerLocation: number, destination: number): number {
    return taxiEncode(taxiRow, taxiCol, passengerLocation, destination);
  }

  /** {@link taxiDecode}, as Gymnasium's `env.decode`. */
  decode(state: number): TaxiState {
    return taxiDecode(state);
  }

  /** {@link taxiActionMask}, as Gymnasium's `env.action_mask`. */
  actionMask(state: number): Int8Array {
    return taxiActionMask(state);
  }

  /** Draws the start state, then (with `ficklePassenger`) whether the passenger will be fickle. */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    const result = super.reset(opts);
    // Same draw order as Gymnasium: the start state first, then the fickle coin.
    this.fickleStep = this.ficklePassenger && this.npRandom.random() < TAXI_FICKLE_PROB;
    return result;
  }

  /** `{ prob, action_mask }`, as Gymnasium's Taxi. */
  protected override infoFor(prob: number, state: number): Info {
    return { prob, action_mask: taxiActionMask(state) };
  }

  /**
   * The fickle passenger, as Gymnasium's `step`: on the first step of the episode that starts with
   * the passenger aboard and moves the taxi, the destination changes to one of the other three.
   */
  protected override afterTransition(prev: number, _action: number, next: number): number {
    if (!this.ficklePassenger || !this.fickleStep) return next;
    const before = taxiDecode(prev);
    const after = taxiDecode(next);
    if (before.passengerLocation !== TAXI_IN_TAXI) return next;
    if (after.taxiRow === before.taxiRow && after.taxiCol === before.taxiCol) return next;
    this.fickleStep = false;
    const others = [0, 1, 2, 3].filter((d) => d !== before.destination);
    const destination = others[this.npRandom.integers(others.length)]!;
    return taxiEncode(after.taxiRow, after.taxiCol, after.passengerLocation, destination);
  }

  /**
   * The map with the taxi highlighted (yellow when empty, green with the passenger aboard), the
   * waiting passenger in blue and the destination in magenta; then the last action.
   */
  toAnsi(): string {
    const out = TAXI_MAP.map((line) => line.split(''));
    const { taxiRow, taxiCol, passengerLocation, destination } = taxiDecode(this.s);
    const at = (r: number, c: number): string => out[1 + r]![2 * c + 1]!;
    const set = (r: number, c: number, text: string): void => {
      out[1 + r]![2 * c + 1] = text;
    };
    if (passengerLocation < TAXI_IN_TAXI) {
      set(taxiRow, taxiCol, colorize(at(taxiRow, taxiCol), 'yellow', { highlight: true }));
      const [pr, pc] = TAXI_LOCS[passengerLocation]!;
      set(pr, pc, colorize(at(pr, pc), 'blue', { bold: true }));
    } else {
      const under = at(taxiRow, taxiCol);
      set(taxiRow, taxiCol, colorize(under === ' ' ? '_' : under, 'green', { highlight: true }));
    }
    const [dr, dc] = TAXI_LOCS[destination]!;
    set(dr, dc, colorize(at(dr, dc), 'magenta'));
    const footer = this.lastAction !== undefined ? `  (${ACTION_NAMES[this.lastAction]})\n` : '\n';
    return `${out.map((line) => line.join('')).join('\n')}\n${footer}`;
  }
}

/** Builds Taxi's transition table and start distribution, as `TaxiEnv.__init__`. */
function compileTaxi(isRainy: boolean): { nS: number; nA: number; P: Transition[][][]; isd: number[] } {
  const P: Transition[][][] = Array.from({ length: TAXI_N_STATES }, () => []);
  const isd = new Array<number>(TAXI_N_STATES).fill(0);
  for (let row = 0; row < TAXI_SIZE; row++) {
    for (let col = 0; col < TAXI_SIZE; col++) {
      for (let pass = 0; pass <= TAXI_IN_TAXI; pass++) {
        for (let dest = 0; dest < TAXI_LOCS.length; dest++) {
          const s = taxiEncode(row, col, pass, dest);
          if (pass < TAXI_IN_TAXI && pass !== dest) isd[s] += 1;
          for (let a = 0; a < TAXI_N_ACTIONS; a++) {
            P[s]![a] = isRainy ? rainyOutcomes(row, col, pass, dest, a) : [dryOutcome(row, col, pass, dest, a)];
          }
        }
      }
    }
  }
  const total = isd.reduce((x, y) => x + y, 0);
  return { nS: TAXI_N_STATES, nA: TAXI_N_ACTIONS, P, isd: isd.map((x) => x / total) };
}

/** Pick-up: `[new passenger location, reward]`. (taxi.py `_pickup`) */
function pickup(row: number, col: number, pass: number): [number, number] {
  if (pass < TAXI_IN_TAXI && locIndex(row, col) === pass) return [TAXI_IN_TAXI, TAXI_STEP_REWARD];
  return [pass, TAXI_ILLEGAL_REWARD];
}

/** Drop-off: `[new passenger location, reward, terminated]`. (taxi.py `_dropoff`) */
function dropoff(row: number, col: number, pass: number, dest: number): [number, number, boolean] {
  const loc = locIndex(row, col);
  if (loc === dest && pass === TAXI_IN_TAXI) return [dest, TAXI_DELIVERY_REWARD, true];
  if (loc >= 0 && pass === TAXI_IN_TAXI) return [loc, TAXI_STEP_REWARD, false];
  return [pass, TAXI_ILLEGAL_REWARD, false];
}

/** The single outcome of an action without rain. (taxi.py `_build_dry_transitions`) */
function dryOutcome(row: number, col: number, pass: number, dest: number, a: number): Transition {
  let newRow = row;
  let newCol = col;
  let newPass = pass;
  let reward = TAXI_STEP_REWARD;
  let terminated = false;
  if (a === TAXI_SOUTH) newRow = Math.min(row + 1, MAX);
  else if (a === TAXI_NORTH) newRow = Math.max(row - 1, 0);
  else if (a === TAXI_EAST) newCol = canGoEast(row, col) ? Math.min(col + 1, MAX) : col;
  else if (a === TAXI_WEST) newCol = canGoWest(row, col) ? Math.max(col - 1, 0) : col;
  else if (a === TAXI_PICKUP) [newPass, reward] = pickup(row, col, pass);
  else [newPass, reward, terminated] = dropoff(row, col, pass, dest);
  return [1.0, taxiEncode(newRow, newCol, newPass, dest), reward, terminated];
}

/**
 * Sideways moves of the rain model, `[dRow, dCol, column offset of the wall check]`, per action:
 * first the "left" slip, then the "right" one. (taxi.py `_build_rainy_transitions` `moves`, and
 * the `offset` passed to `_calc_new_position`)
 */
const RAIN_SLIPS: readonly (readonly [readonly [number, number, number], readonly [number, number, number]])[] = [
  [[0, -1, 2], [0, 1, 0]], // south: west, east
  [[0, -1, 2], [0, 1, 0]], // north: west, east
  [[1, 0, 2], [-1, 0, 0]], // east: south, north
  [[1, 0, 2], [-1, 0, 0]], // west: south, north
];

/**
 * A sideways cell, as Gymnasium's `_calc_new_position`: clamp to the grid, then keep the move only
 * if the map character at `2·newCol + offset` of the landing row is `:`.
 */
function slipTo(row: number, col: number, [dr, dc, offset]: readonly [number, number, number]): [number, number] {
  const nr = Math.max(0, Math.min(row + dr, MAX));
  const nc = Math.max(0, Math.min(col + dc, MAX));
  return TAXI_MAP[1 + nr]![2 * nc + offset] === ':' ? [nr, nc] : [row, col];
}

/** The outcomes of an action in the rain. (taxi.py `_build_rainy_transitions`) */
function rainyOutcomes(row: number, col: number, pass: number, dest: number, a: number): Transition[] {
  if (a === TAXI_PICKUP) {
    const [newPass, reward] = pickup(row, col, pass);
    return [[1.0, taxiEncode(row, col, newPass, dest), reward, false]];
  }
  if (a === TAXI_DROPOFF) {
    const [newPass, reward, terminated] = dropoff(row, col, pass, dest);
    return [[1.0, taxiEncode(row, col, newPass, dest), reward, terminated]];
  }
  let intended: [number, number] = [row, col];
  let left: [number, number] = [row, col];
  let right: [number, number] = [row, col];
  const allowed = a === TAXI_SOUTH || a === TAXI_NORTH || (a === TAXI_EAST && canGoEast(row, col)) || (a === TAXI_WEST && canGoWest(row, col));
  if (allowed) {
    const [dr, dc] = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ][a]!;
    intended = [Math.max(0, Math.min(row + dr!, MAX)), Math.max(0, Math.min(col + dc!, MAX))];
    const [slipLeft, slipRight] = RAIN_SLIPS[a]!;
    left = slipTo(row, col, slipLeft);
    right = slipTo(row, col, slipRight);
  }
  // Moves never pick up, drop off or terminate: every outcome is a plain step.
  return [
    [TAXI_RAINY_INTENDED, taxiEncode(intended[0], intended[1], pass, dest), TAXI_STEP_REWARD, false],
    [TAXI_RAINY_SLIP, taxiEncode(left[0], left[1], pass, dest), TAXI_STEP_REWARD, false],
    [TAXI_RAINY_SLIP, taxiEncode(right[0], right[1], pass, dest), TAXI_STEP_REWARD, false],
  ];
}

/** Registration of Taxi-v3, as in Gymnasium's `envs/__init__.py`. */
export const taxiSpecs: readonly EnvSpec[] = Object.freeze([
  {
    id: 'Taxi-v3',
    create: (kwargs) => new Taxi(kwargs as TaxiOptions),
    maxEpisodeSteps: TAXI_MAX_STEPS,
    rewardThreshold: TAXI_REWARD_THRESHOLD,
    description: 'Drive a taxi in a 5x5 grid to pick up a passenger and drop them at their destination (+20, -10 for illegal actions, -1 per step).',
  },
]);
