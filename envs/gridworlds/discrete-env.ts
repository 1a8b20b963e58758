/**
 * The tabular base of the gridworlds, after the pattern of Gymnasium's toy-text envs
 * (`gymnasium/envs/toy_text/frozen_lake.py`, `cliffwalking.py`, `taxi.py` and `utils.py`).
 *
 * A gridworld is compiled once, in its constructor, into a transition table
 *
 * ```
 * P[s][a] = [[prob, nextState, reward, terminated], …]
 * ```
 *
 * and an initial-state distribution `isd`. `reset` draws the first state from `isd` and `step`
 * draws one outcome of `P[s][a]`, both with `this.npRandom.categorical`, which follows Gymnasium's
 * `categorical_sample`: one uniform draw `u`, then the first outcome whose cumulative probability
 * exceeds `u`. So the table fully describes the dynamics, and planning code (value iteration,
 * exact policy evaluation) can read it from `env.unwrapped.P`.
 *
 * The table is plain read-only data. Outcomes keep the order in which the env lists them (which is
 * Gymnasium's order for the built-in envs), and outcomes that lead to the same next state are NOT
 * merged, so `P[s][a]` matches Gymnasium's entry for entry.
 *
 * @module
 */
import { Env, assertAction, type Info, type ResetOptions, type ResetResult, type StepResult } from '../../src/core/env.js';
import { Discrete } from '../../src/core/spaces.js';
import type { GridRenderMode } from './options.js';

/** One outcome of an action: `[probability, next state, reward, terminated]`. */
export type Transition = readonly [prob: number, nextState: number, reward: number, terminated: boolean];

/** `P[s][a]`: the outcomes of action `a` in state `s`, in a fixed order. */
export type TransitionTable = readonly (readonly (readonly Transition[])[])[];

/** What a tabular env is built from. */
export interface TabularModel {
  /** Number of states; observations are `0 … nS − 1`. */
  readonly nS: number;
  /** Number of actions; actions are `0 … nA − 1`. */
  readonly nA: number;
  /** The transition table, `nS` rows of `nA` non-empty outcome lists, each summing to 1. */
  readonly P: readonly (readonly (readonly Transition[])[])[];
  /** Initial-state distribution: `nS` probabilities summing to 1. */
  readonly isd: ArrayLike<number>;
}

/** How far a probability row may sum from 1 before the table is rejected. */
const PROB_SUM_TOLERANCE = 1e-9;

/**
 * Base class of the tabular envs: observation space `Discrete(nS)`, action space `Discrete(nA)`,
 * dynamics from {@link DiscreteEnv.P}, first state from {@link DiscreteEnv.isd}.
 *
 * `info` is `{ prob }` on both `reset` (`prob: 1`) and `step` (the probability of the outcome that
 * was drawn), as in Gymnasium. Subclasses add keys by overriding {@link DiscreteEnv.infoFor}.
 *
 * Subclasses implement {@link DiscreteEnv.toAnsi}; `render()` returns it when the env was made with
 * `renderMode: 'ansi'` and `undefined` otherwise, as Gymnasium's `render()` returns `None` without
 * a render mode.
 */
export abstract class DiscreteEnv extends Env<number, number> {
  /** `Discrete(nS)`: the state index. */
  readonly observationSpace: Discrete;
  /** `Discrete(nA)`. */
  readonly actionSpace: Discrete;
  /** Number of states. */
  readonly nS: number;
  /** Number of actions. */
  readonly nA: number;
  /**
   * The transition table: `P[s][a]` lists `[prob, nextState, reward, terminated]` outcomes in
   * Gymnasium's order, duplicates not merged. Frozen: read it, do not change it.
   */
  readonly P: TransitionTable;
  /** The initial-state distribution (Gymnasium's `initial_state_distrib`). Frozen. */
  readonly isd: readonly number[];
  /** Text rendering only; 4 frames per second, as Gymnasium's toy-text envs. */
  override metadata = { renderModes: ['ansi'], renderFps: 4 };

  /** Name used in error messages, e.g. `'FrozenLake'`. */
  protected readonly envName: string;
  /** The current state; −1 before the first `reset`. */
  protected s = -1;
  /** The last action taken, or `undefined` right after `reset` (shown by the renderers). */
  protected lastAction: number | undefined = undefined;
  /** `P[s][a]`'s probabilities as arrays, so that `step` allocates nothing. */
  private readonly probs: readonly (readonly Float64Array[])[];

  /**
   * @param envName name for error messages
   * @param model the compiled table; it is checked and then frozen
   * @param renderMode `'ansi'` or `undefined`
   */
  protected constructor(envName: string, model: TabularModel, renderMode: GridRenderMode | undefined) {
    super();
    this.envName = envName;
    const { nS, nA } = model;
    checkModel(envName, model);
    this.nS = nS;
    this.nA = nA;
    this.observationSpace = new Discrete(nS);
    this.actionSpace = new Discrete(nA);
    this.P = Object.freeze(
      model.P.map((row) => Object.freeze(row.map((outcomes) => Object.freeze(outcomes.map((t) => Object.freeze([t[0], t[1], t[2], t[3]] as const)))))),
    );
    this.probs = this.P.map((row) => row.map((outcomes) => Float64Array.from(outcomes, (t) => t[0])));
    this.isd = Object.freeze(Array.from(model.isd));
    this.renderMode = renderMode;
  }

  /** The current state (−1 before the first `reset`). */
  get state(): number {
    return this.s;
  }

  /** Draws the first state from {@link DiscreteEnv.isd}. Call `super.reset(opts)` first when overriding. */
  override reset(opts: ResetOptions = {}): ResetResult<number> {
    super.reset(opts);
    this.s = this.npRandom.categorical(this.isd);
    this.lastAction = undefined;
    return { observation: this.s, info: this.infoFor(1, this.s) };
  }

  /** Draws one outcome of `P[state][action]` and moves there. */
  step(action: number): StepResult<number> {
    assertAction(this.actionSpace, action, this.envName);
    if (this.s < 0) throw new Error(`${this.envName}.step: called before reset(); call reset() first`);
    const outcomes = this.P[this.s]![action]!;
    const [prob, next, reward, terminated] = outcomes[this.npRandom.categorical(this.probs[this.s]![action]!)]!;
    const observed = this.afterTransition(this.s, action, next);
    this.s = observed;
    this.lastAction = action;
    // An environment never truncates: TimeLimit does.
    return { observation: observed, reward, terminated, truncated: false, info: this.infoFor(prob, observed) };
  }

  /** Text picture of the current state when `renderMode` is `'ansi'`, else `undefined`. */
  override render(): string | undefined {
    if (this.renderMode !== 'ansi' || this.s < 0) return undefined;
    return this.toAnsi();
  }

  /** Text picture of the current state, with ANSI colour codes; available whatever the render mode. */
  abstract toAnsi(): string;

  /** The `info` of `reset` and `step`: `{ prob }`, as Gymnasium's toy-text envs. */
  protected infoFor(prob: number, _state: number): Info {
    return { prob };
  }

  /**
   * Hook for dynamics that the table cannot hold (Taxi's fickle passenger): given the state before
   * the step, the action and the table's next state, returns the state actually reached. The
   * default returns `next`.
   */
  protected afterTransition(_prev: number, _action: number, next: number): number {
    return next;
  }
}

/** Whether `env` (typically `env.unwrapped`) is a tabular env with a transition table. */
export function isDiscreteEnv(env: unknown): env is DiscreteEnv {
  return env instanceof DiscreteEnv;
}

function checkModel(where: string, model: TabularModel): void {
  const { nS, nA, P, isd } = model;
  if (!Number.isInteger(nS) || nS <= 0) throw new RangeError(`${where}: nS must be a positive integer, got ${nS}`);
  if (!Number.isInteger(nA) || nA <= 0) throw new RangeError(`${where}: nA must be a positive integer, got ${nA}`);
  if (P.length !== nS) throw new RangeError(`${where}: P has ${P.length} states, expected ${nS}`);
  for (let s = 0; s < nS; s++) {
    const row = P[s]!;
    if (row.length !== nA) throw new RangeError(`${where}: P[${s}] has ${row.length} actions, expected ${nA}`);
    for (let a = 0; a < nA; a++) {
      const outcomes = row[a]!;
      if (outcomes.length === 0) throw new RangeError(`${where}: P[${s}][${a}] has no outcomes`);
      let sum = 0;
      for (const [p, next, r, t] of outcomes) {
        if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: P[${s}][${a}] has probability ${p}, expected one in [0, 1]`);
        if (!Number.isInteger(next) || next < 0 || next >= nS) throw new RangeError(`${where}: P[${s}][${a}] leads to state ${next}, outside [0, ${nS})`);
        if (!Number.isFinite(r)) throw new RangeError(`${where}: P[${s}][${a}] has reward ${r}, expected a finite number`);
        if (typeof t !== 'boolean') throw new TypeError(`${where}: P[${s}][${a}] has terminated ${String(t)}, expected a boolean`);
        sum += p;
      }
      if (Math.abs(sum - 1) > PROB_SUM_TOLERANCE) throw new RangeError(`${where}: P[${s}][${a}] probabilities sum to ${sum}, expected 1`);
    }
  }
  if (isd.length !== nS) throw new RangeError(`${where}: isd has ${isd.length} entries, expected ${nS}`);
  let sum = 0;
  for (let i = 0; i < isd.length; i++) {
    const p = isd[i]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: isd[${i}] is ${p}, expected a probability in [0, 1]`);
    sum += p;
  }
  if (Math.abs(sum - 1) > PROB_SUM_TOLERANCE) throw new RangeError(`${where}: isd sums to ${sum}, expected 1`);
}
