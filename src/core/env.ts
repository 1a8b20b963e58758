/**
 * The environment contract, after Gymnasium 1.x's `gymnasium/core.py`.
 *
 * Every environment subclasses {@link Env} and sets, in its constructor:
 * - `actionSpace` and `observationSpace` (required);
 * - `metadata` and `renderMode` (optional).
 *
 * It implements `step`, and `reset` (calling `super.reset(opts)` first, which replaces the env's RNG
 * when a seed is given). An environment never truncates: that is {@link TimeLimit}'s job, which
 * `make` adds from the registered `maxEpisodeSteps`.
 *
 * Wrappers ({@link Wrapper} and its three narrow kinds) sit on top of an env and each override one
 * method.
 *
 * Environments are plain TypeScript: numbers and typed arrays, no tfjs and no RxJS.
 *
 * @module
 */
import { Rng, assertSeed } from './rng.js';
import { describeValue, type Space } from './spaces.js';

/** Extra information returned by `reset` and `step`. Values are plain data. */
export type Info = Record<string, unknown>;

/** Arguments of {@link Env.reset}. */
export interface ResetOptions {
  /** Reseeds the env's RNG (and only then is it replaced). An integer in [0, 2^32). */
  readonly seed?: number;
  /** Env-specific reset options. */
  readonly options?: Record<string, unknown>;
}

/** What {@link Env.reset} returns. */
export interface ResetResult<Obs> {
  /** The first observation of the episode. */
  readonly observation: Obs;
  /** Auxiliary information. */
  readonly info: Info;
}

/** What {@link Env.step} returns. */
export interface StepResult<Obs> {
  /** The observation after the step. */
  readonly observation: Obs;
  /** The reward for the step, including the terminating one. */
  readonly reward: number;
  /** Whether a terminal state of the MDP was reached. */
  readonly terminated: boolean;
  /** Whether the episode was cut short from outside the MDP (by {@link TimeLimit}). */
  readonly truncated: boolean;
  /** Auxiliary information. */
  readonly info: Info;
}

/** Static facts about an env, as Gymnasium's `metadata`. */
export interface EnvMetadata {
  /** Render modes the env supports. `'ansi'` returns text. */
  readonly renderModes: readonly string[];
  /** Frames per second for human rendering, where it applies. */
  readonly renderFps?: number;
}

/** The registration an env was made from; set by `make`. */
export interface EnvSpecInfo {
  /** Versioned id, e.g. `CartPole-v1`. */
  readonly id: string;
  /** Step limit applied by {@link TimeLimit}, if any. */
  readonly maxEpisodeSteps?: number;
  /** Mean return over 100 episodes at which the task counts as solved, if any. */
  readonly rewardThreshold?: number;
}

/**
 * The base class of every environment.
 *
 * @typeParam Obs the observation type
 * @typeParam Act the action type
 */
export abstract class Env<Obs = unknown, Act = unknown> {
  /** The space every action must lie in. */
  abstract readonly actionSpace: Space<Act>;
  /** The space every observation lies in. */
  abstract readonly observationSpace: Space<Obs>;
  /** Static facts. Subclasses may override. */
  metadata: EnvMetadata = { renderModes: ['ansi'] };
  /** The render mode chosen at construction, if any. */
  renderMode: string | undefined = undefined;
  /** The registration this env was made from (set by `make`). */
  spec: EnvSpecInfo | undefined = undefined;

  private rngInternal: Rng | undefined;

  /**
   * The env's one RNG. Created from OS entropy on first use if no seed was ever given; replaced only
   * when `reset` receives a seed.
   */
  get npRandom(): Rng {
    if (!this.rngInternal) this.rngInternal = Rng.fromEntropy();
    return this.rngInternal;
  }
  set npRandom(rng: Rng) {
    this.rngInternal = rng;
  }

  /**
   * Starts a new episode. Subclasses call `super.reset(opts)` first.
   * @returns the first observation and info
   */
  reset(opts: ResetOptions = {}): ResetResult<Obs> {
    if (opts.seed !== undefined) {
      assertSeed(opts.seed, 'reset: seed');
      this.rngInternal = Rng.fromSeed(opts.seed);
    }
    // Subclasses return the real observation; the base only seeds.
    return undefined as unknown as ResetResult<Obs>;
  }

  /** Advances the env by one action. */
  abstract step(action: Act): StepResult<Obs>;

  /** A picture of the current state: text for `'ansi'`. The default renders nothing. */
  render(): string | undefined {
    return undefined;
  }

  /** Releases resources. Safe to call more than once. */
  close(): void {}

  /** The innermost env, below every wrapper. */
  get unwrapped(): Env<unknown, unknown> {
    return this as Env<unknown, unknown>;
  }

  /** Readable name, with the wrappers around it. */
  toString(): string {
    return this.spec ? `<${this.constructor.name}<${this.spec.id}>>` : `<${this.constructor.name} instance>`;
  }
}

/**
 * Throws a clear error when `action` is outside `space`. Environments call it first in `step`,
 * as Gymnasium's envs assert `action_space.contains(action)`.
 */
export function assertAction<A>(space: Space<A>, action: unknown, envName: string): asserts action is A {
  if (!space.contains(action)) {
    throw new RangeError(`${envName}.step: action ${describeValue(action)} is not in the action space ${space.toString()}`);
  }
}

/**
 * Wraps an env and forwards everything to it. Subclasses change one thing.
 *
 * `actionSpace` and `observationSpace` default to the inner env's; a wrapper that changes them sets
 * its own in the constructor.
 */
export class Wrapper<Obs = unknown, Act = unknown, InnerObs = Obs, InnerAct = Act> extends Env<Obs, Act> {
  /** The env being wrapped. */
  readonly env: Env<InnerObs, InnerAct>;
  private obsSpaceOverride: Space<Obs> | undefined;
  private actSpaceOverride: Space<Act> | undefined;

  /** @param env the env to wrap */
  constructor(env: Env<InnerObs, InnerAct>) {
    super();
    if (!(env instanceof Env)) throw new TypeError(`Wrapper: env must be an Env, got ${describeValue(env)}`);
    this.env = env;
    this.metadata = env.metadata;
    this.renderMode = env.renderMode;
    this.spec = env.spec;
  }

  get actionSpace(): Space<Act> {
    return this.actSpaceOverride ?? (this.env.actionSpace as unknown as Space<Act>);
  }
  set actionSpace(space: Space<Act>) {
    this.actSpaceOverride = space;
  }
  get observationSpace(): Space<Obs> {
    return this.obsSpaceOverride ?? (this.env.observationSpace as unknown as Space<Obs>);
  }
  set observationSpace(space: Space<Obs>) {
    this.obsSpaceOverride = space;
  }

  /** The wrapped env's RNG. */
  override get npRandom(): Rng {
    return this.env.npRandom;
  }
  override set npRandom(rng: Rng) {
    this.env.npRandom = rng;
  }

  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    return this.env.reset(opts) as unknown as ResetResult<Obs>;
  }
  step(action: Act): StepResult<Obs> {
    return this.env.step(action as unknown as InnerAct) as unknown as StepResult<Obs>;
  }
  override render(): string | undefined {
    return this.env.render();
  }
  override close(): void {
    this.env.close();
  }
  override get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }
  override toString(): string {
    return `<${this.constructor.name}${this.env.toString()}>`;
  }
}

/** A wrapper that transforms observations: override {@link ObservationWrapper.observation}. */
export abstract class ObservationWrapper<Obs, Act, InnerObs> extends Wrapper<Obs, Act, InnerObs, Act> {
  /** Maps an inner observation to this wrapper's. */
  abstract observation(observation: InnerObs): Obs;
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    const r = this.env.reset(opts);
    return { observation: this.observation(r.observation), info: r.info };
  }
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { ...r, observation: this.observation(r.observation) };
  }
}

/** A wrapper that transforms rewards: override {@link RewardWrapper.reward}. */
export abstract class RewardWrapper<Obs, Act> extends Wrapper<Obs, Act> {
  /** Maps the inner reward to this wrapper's. */
  abstract reward(reward: number): number;
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    return { ...r, reward: this.reward(r.reward) };
  }
}

/** A wrapper that transforms actions: override {@link ActionWrapper.action}. */
export abstract class ActionWrapper<Obs, Act, InnerAct> extends Wrapper<Obs, Act, Obs, InnerAct> {
  /** Maps this wrapper's action to the inner env's. */
  abstract action(action: Act): InnerAct;
  override step(action: Act): StepResult<Obs> {
    return this.env.step(this.action(action));
  }
}
