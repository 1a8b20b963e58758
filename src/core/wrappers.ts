/**
 * The standard wrappers, after Gymnasium 1.x's `gymnasium/wrappers`.
 *
 * - {@link TimeLimit}: the only place an episode is truncated.
 * - {@link OrderEnforcing}: `step` before `reset`, or after the episode ended, is an error.
 * - {@link PassiveEnvChecker}: checks every action, reward and observation against the contract
 *   (an observation outside its space warns once, as in Gymnasium; `strict` makes it an error).
 * - {@link RecordEpisodeStatistics}: episode return, length and wall time in `info.episode`.
 * - {@link OneHotObservation}: a `Discrete` observation as a one-hot `Float32Array`, the vector
 *   input that binary neurons need.
 *
 * @module
 */
import { Env, ObservationWrapper, Wrapper, type ResetOptions, type ResetResult, type StepResult } from './env.js';
import { Box, Discrete, describeValue } from './spaces.js';

/** `info.episode` as written by {@link RecordEpisodeStatistics} when an episode ends. */
export interface EpisodeStatistics {
  /** Sum of rewards. */
  readonly r: number;
  /** Number of steps. */
  readonly l: number;
  /** Wall-clock seconds since the episode's reset. */
  readonly t: number;
}

/**
 * Truncates an episode after `maxEpisodeSteps` steps: the step that reaches the limit returns
 * `truncated: true` (and keeps `terminated` as the env set it).
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  /** The step limit. */
  readonly maxEpisodeSteps: number;
  private elapsed = 0;

  /**
   * @param env the env to limit
   * @param maxEpisodeSteps a positive integer
   */
  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }
  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.elapsed += 1;
    return this.elapsed >= this.maxEpisodeSteps ? { ...r, truncated: true } : r;
  }
}

/**
 * Makes `step` before the first `reset` an error, and `step` after a terminal or truncated step
 * without a `reset` in between. Gymnasium only warns about the second; a silent step past the end
 * corrupts every return computed from it, so rewardcast refuses it.
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private hasReset = false;
  private ended = false;
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    this.hasReset = true;
    this.ended = false;
    return this.env.reset(opts);
  }
  override step(action: Act): StepResult<Obs> {
    const id = this.spec?.id ?? this.env.unwrapped.constructor.name;
    if (!this.hasReset) throw new Error(`${id}: step() called before reset(); call reset() first`);
    if (this.ended) throw new Error(`${id}: step() called after the episode ended (terminated or truncated); call reset() first`);
    const r = this.env.step(action);
    this.ended = r.terminated || r.truncated;
    return r;
  }
  /** Whether `reset` has been called. */
  get hasResetOnce(): boolean {
    return this.hasReset;
  }
}

/** Options of {@link PassiveEnvChecker}. */
export interface PassiveEnvCheckerOptions {
  /**
   * Throw when an observation leaves the observation space, instead of warning once. @default false
   * (Gymnasium's behaviour: a CartPole state past its bounds, say after termination or when set
   * through `unwrapped.state`, is a legitimate transition.)
   */
  readonly strict?: boolean;
  /** Where the warning goes. @default one line on stderr */
  readonly warn?: (message: string) => void;
}

/**
 * Checks each step against the contract. The action must lie in the action space, the reward must
 * be a finite number, and `terminated` and `truncated` must be booleans: breaking those throws,
 * naming the value. An observation outside the observation space is, as in Gymnasium's passive
 * checker, a warning naming the value, given once per env (the transition is returned as it is);
 * with `strict: true` it throws instead. `checkEnv` reports it either way.
 */
export class PassiveEnvChecker<Obs, Act> extends Wrapper<Obs, Act> {
  private stepCount = 0;
  private warned = false;
  private readonly strict: boolean;
  private readonly warn: (message: string) => void;

  /**
   * @param env the env to check
   * @param options `strict` and where warnings go
   */
  constructor(env: Env<Obs, Act>, options: PassiveEnvCheckerOptions = {}) {
    super(env);
    this.strict = options.strict ?? false;
    this.warn = options.warn ?? ((m) => void process.stderr.write(`rewardcast: warning: ${m}\n`));
  }
  private get id(): string {
    return this.spec?.id ?? this.env.unwrapped.constructor.name;
  }
  /** Throws in strict mode; else warns, the first time only. */
  private outside(message: string): void {
    if (this.strict) throw new RangeError(message);
    if (this.warned) return;
    this.warned = true;
    this.warn(`${message} (warned once per env; make(id, { strictEnvChecker: true }) makes it an error)`);
  }
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.stepCount = 0;
    if (!this.observationSpace.contains(r.observation)) {
      this.outside(`${this.id}.reset: observation ${describeValue(r.observation)} is not in ${this.observationSpace.toString()}`);
    }
    return r;
  }
  override step(action: Act): StepResult<Obs> {
    if (!this.actionSpace.contains(action)) {
      throw new RangeError(`${this.id}.step: action ${describeValue(action)} is not in the action space ${this.actionSpace.toString()}`);
    }
    const r = this.env.step(action);
    this.stepCount += 1;
    checkStepResult(r, this.id, this.stepCount, () => true, '');
    if (!this.observationSpace.contains(r.observation)) {
      this.outside(`${this.id}.step: observation ${describeValue(r.observation)} is not in ${this.observationSpace.toString()} at step ${this.stepCount}`);
    }
    return r;
  }
}

/** Throws when a step result breaks the contract. Shared by {@link PassiveEnvChecker} and `checkEnv`. */
export function checkStepResult<Obs>(
  r: StepResult<Obs>,
  id: string,
  step: number,
  inSpace: (o: Obs) => boolean,
  spaceName: string,
): void {
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) {
    throw new RangeError(`${id}.step: reward must be a finite number, got ${describeValue(r.reward)} at step ${step}`);
  }
  if (typeof r.terminated !== 'boolean') throw new TypeError(`${id}.step: terminated must be a boolean, got ${describeValue(r.terminated)} at step ${step}`);
  if (typeof r.truncated !== 'boolean') throw new TypeError(`${id}.step: truncated must be a boolean, got ${describeValue(r.truncated)} at step ${step}`);
  if (!inSpace(r.observation)) {
    throw new RangeError(`${id}.step: observation ${describeValue(r.observation)} is not in ${spaceName} at step ${step}`);
  }
}

/**
 * Adds `info.episode` ({@link EpisodeStatistics}) on the step that ends an episode.
 * Episode statistics come from this wrapper, never from the environment itself.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  private episodeReturn = 0;
  private episodeLength = 0;
  private startTime = 0;
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.startTime = performance.now();
    return this.env.reset(opts);
  }
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.episodeReturn += r.reward;
    this.episodeLength += 1;
    if (!r.terminated && !r.truncated) return r;
    const episode: EpisodeStatistics = {
      r: this.episodeReturn,
      l: this.episodeLength,
      t: (performance.now() - this.startTime) / 1000,
    };
    return { ...r, info: { ...r.info, episode } };
  }
}

/**
 * Turns a `Discrete(n, start)` observation into a one-hot `Float32Array` of length n, in the space
 * `Box(0, 1, [n])`.
 */
export class OneHotObservation<Act> extends ObservationWrapper<Float32Array, Act, number> {
  private readonly n: number;
  private readonly start: number;
  /** @param env an env whose observation space is `Discrete` */
  constructor(env: Env<number, Act>) {
    super(env);
    const space = env.observationSpace;
    if (!(space instanceof Discrete)) {
      throw new TypeError(`OneHotObservation: env's observation space must be Discrete, got ${space.toString()}`);
    }
    this.n = space.n;
    this.start = space.start;
    this.observationSpace = new Box(0, 1, [space.n]);
  }
  observation(observation: number): Float32Array {
    const out = new Float32Array(this.n);
    out[observation - this.start] = 1;
    return out;
  }
}
