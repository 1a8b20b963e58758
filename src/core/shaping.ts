/**
 * Potential-based reward shaping, as an explicit wrapper: {@link PotentialShaping}.
 *
 * ## The rule
 * Ng, Harada & Russell (1999), "Policy invariance under reward transformations: theory and
 * application to reward shaping", ICML, Theorem 1: for any potential Φ over states, the shaped
 * reward
 *
 * ```
 * r'_t = r_t + γ·Φ(s_{t+1}) − Φ(s_t),      Φ(s_{t+1}) := 0 when s_{t+1} is terminal
 * ```
 *
 * gives an MDP whose optimal policies are exactly those of the original one, for the discount γ
 * of that MDP. The reason is the telescoping sum: along any episode that terminates at step T,
 * Σ_t γ^t r'_t = Σ_t γ^t r_t − Φ(s_0), so every policy's value from s_0 moves by the same −Φ(s_0).
 * Φ of a terminal state must be 0 (any constant works, but one and the same for every terminal
 * state); this wrapper sets it so, whatever Φ would give there.
 *
 * ## What the guarantee does not cover
 * - **Another γ.** The telescoping needs the shaping's γ to be the γ of the return the agent
 *   maximises. With a shaping γ′ ≠ γ, Σ_t γ^t r'_t keeps the terms (γ′ − γ)·γ^t·Φ(s_{t+1}), which
 *   depend on the path, and the optimal policy can change (towards high-potential states when
 *   γ′ > γ). The training loop therefore sets the shaping's γ to the agent's `gamma` unless one is
 *   given. Note that rewardcast's policy-gradient estimate weighs each step's return-to-go G_t
 *   without γ^t (`agents/learner.ts`): that is the usual deviation from the discounted objective and
 *   holds with or without shaping; the shaped return-to-go is G'_t = G_t − Φ(s_t) + γ^{T−t}·Φ(s_T)
 *   (the last term 0 when s_T is terminal).
 * - **Finite-horizon truncation.** A step limit (`TimeLimit`) cuts an episode in a non-terminal
 *   state s_T; there Φ(s_T) is an ordinary state's potential (as Gymnasium's semantics require:
 *   truncation is not termination), so a truncated episode's shaped return keeps γ^T·Φ(s_T). The
 *   theorem speaks of the infinite-horizon (or properly terminating) MDP; the time-limited task
 *   whose state does not include the time left is not Markov, and in it shaping can change the
 *   best policy: it rewards ending a truncated episode in a high-potential state by up to
 *   γ^{T−t}·max Φ. For a terminating policy this term vanishes; for one that never reaches a
 *   terminal state it is the only learning signal that shaping adds beyond a baseline.
 * - **A baseline in disguise.** With Monte Carlo returns and matching γ, a terminated episode's
 *   G'_t = G_t − Φ(s_t): shaping only subtracts a state-dependent baseline, which leaves
 *   REINFORCE's gradient unbiased and changes its variance. Bootstrapped or TD credit (critic,
 *   segments, traces) sees the shaped rewards step by step, where shaping changes more.
 * - The theorem is about optimal policies, not about learning speed, nor about the policy a
 *   function approximator or an estimator with a finite budget ends up with.
 *
 * ## The env's own reward stays observable
 * The shaped reward replaces `reward` (what the agent learns from: it reaches the agent through the
 * reward broadcast like any reward), and the env's own reward goes into `info.envReward`
 * ({@link ENV_REWARD_INFO_KEY}). The reward broadcast (`src/stream/broadcast.ts`) reads it and
 * publishes it beside the rewards (`StepEvent.envRewards`), and its episode returns (hence
 * `episodes.csv`, the learning curves, steps-to-threshold and every statistic of `compare`) sum the
 * env's own rewards, never the shaped ones. A user who wraps an env by hand and records episodes
 * with `RecordEpisodeStatistics` puts that wrapper inside this one (so it sees the env's reward),
 * or reads `info.envReward`.
 *
 * ## Named potentials
 * A potential is registered under an id ({@link registerPotential}), like an estimator or an env,
 * so that a run's config can name it: `make(id, { rewardShaping: { potential: 'mountain-car-energy',
 * scale: 10 } })`, the `--shaping` flag of `train` and `compare`, or a preset's `envKwargs`. The
 * built-in MountainCar potentials are in `envs/classic/mountain-car-shaping.ts`; a user module
 * loaded with `--import` registers its own.
 *
 * @module
 */
import { Env, Wrapper, type ResetOptions, type ResetResult, type StepResult } from './env.js';
import { describeValue } from './spaces.js';

/** The `info` key under which {@link PotentialShaping} reports the env's own reward. */
export const ENV_REWARD_INFO_KEY = 'envReward';

/**
 * A potential Φ over states, read from the flattened observation (`Float32Array` of
 * `observationSpace.flatSize` numbers: for a `Box`, its elements; for a `Discrete`, its index).
 * It must return a finite number and must not keep or change the array.
 */
export type Potential = (observation: Float32Array) => number;

/** A named potential, for {@link registerPotential}. */
export interface PotentialSpec {
  /** Its id, e.g. `mountain-car-energy`: lower case, digits and dashes. */
  readonly id: string;
  /** Φ itself. */
  readonly potential: Potential;
  /** One line: the formula and its source. */
  readonly description: string;
  /** Env ids it is meant for (a check at `make`: another env is refused). @default any env */
  readonly envs?: readonly string[];
}

/** Options of {@link PotentialShaping}, and the `rewardShaping` option of `make`. */
export interface RewardShapingOptions {
  /** A registered potential's id ({@link registerPotential}). */
  readonly potential: string;
  /** Φ is multiplied by this (in reward units). @default 1 */
  readonly scale?: number;
  /**
   * The shaping's discount γ; it must be the agent's for the theorem to hold (see the module
   * header). The training loop fills in the agent's `gamma` when it is absent; elsewhere (an env
   * made by hand, or made only to read its spaces) it is {@link SHAPING_DEFAULT_GAMMA}.
   * @default 0.99
   */
  readonly gamma?: number;
}

/**
 * The shaping's γ when none is given: the agent's default `gamma` (`agents/options.ts`; a test
 * keeps the two equal). A run with another agent γ gets its own from the training loop.
 */
export const SHAPING_DEFAULT_GAMMA = 0.99;

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const potentials = new Map<string, PotentialSpec>();

/** Registers a named potential. An id registered twice is an error. */
export function registerPotential(spec: PotentialSpec): void {
  if (typeof spec?.id !== 'string' || !ID_RE.test(spec.id)) throw new RangeError(`registerPotential: id must be lower case letters, digits and dashes, got ${describeValue(spec?.id)}`);
  if (typeof spec.potential !== 'function') throw new TypeError(`registerPotential: potential must be a function, for id '${spec.id}'`);
  if (potentials.has(spec.id)) throw new Error(`registerPotential: id '${spec.id}' is already registered`);
  potentials.set(spec.id, Object.freeze({ ...spec }));
}

/** Whether a potential id is registered. */
export function hasPotential(id: string): boolean {
  return potentials.has(id);
}

/** Every registered potential, in registration order. */
export function listPotentials(): PotentialSpec[] {
  return [...potentials.values()];
}

/** The potential registered under `id`; throws naming the id and the registered ones. */
export function potentialSpec(id: string): PotentialSpec {
  const s = potentials.get(id);
  if (s) return s;
  const known = [...potentials.keys()];
  throw new RangeError(`unknown potential ${describeValue(id)}; registered: ${known.length ? known.join(', ') : 'none'}`);
}

/**
 * Checks a `rewardShaping` value (from a config, a preset or `make`), with errors naming `where`,
 * the field and the value: `rewardShaping.scale must be a finite number, got "x"`.
 * @param value the value to check
 * @param where the name to report, e.g. `envKwargs.rewardShaping`
 */
export function parseRewardShaping(value: unknown, where = 'rewardShaping'): RewardShapingOptions {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RangeError(`${where} must be an object { potential, scale?, gamma? }, got ${describeValue(value)}`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'potential' && k !== 'scale' && k !== 'gamma') throw new RangeError(`${where}: unknown field '${k}' (value ${describeValue(o[k])}); valid fields: potential, scale, gamma`);
  }
  if (typeof o['potential'] !== 'string' || !hasPotential(o['potential'])) {
    throw new RangeError(`${where}.potential must be a registered potential (${[...potentials.keys()].join(', ') || 'none'}), got ${describeValue(o['potential'])}`);
  }
  const scale = o['scale'];
  if (scale !== undefined && (typeof scale !== 'number' || !Number.isFinite(scale))) throw new RangeError(`${where}.scale must be a finite number, got ${describeValue(scale)}`);
  const gamma = o['gamma'];
  if (gamma !== undefined && (typeof gamma !== 'number' || !(gamma >= 0 && gamma <= 1))) throw new RangeError(`${where}.gamma must be a number in [0, 1], got ${describeValue(gamma)}`);
  return { potential: o['potential'], ...(scale !== undefined ? { scale } : {}), ...(gamma !== undefined ? { gamma } : {}) };
}

/**
 * Potential-based reward shaping (see the module header): `reward` becomes
 * r + γ·scale·Φ(s') − scale·Φ(s), with Φ(s') = 0 when the step terminated (and Φ(s') the ordinary
 * potential when it was only truncated), and `info.envReward` holds the env's own reward.
 *
 * Wrap outside `TimeLimit`, so that truncation reaches it as it reaches the agent (`make` does).
 *
 * @example
 * ```ts
 * const env = new PotentialShaping(make('MountainCar-v0'), { potential: 'mountain-car-energy', scale: 10, gamma: 0.99 });
 * env.reset({ seed: 1 });
 * const { reward, info } = env.step(2);   // reward shaped; info.envReward === -1
 * ```
 */
export class PotentialShaping<Obs, Act> extends Wrapper<Obs, Act> {
  /** The shaping's discount. */
  readonly gamma: number;
  /** The factor on Φ. */
  readonly scale: number;
  /** The potential's spec. */
  readonly potential: PotentialSpec;
  private readonly flat: Float32Array;
  /** scale·Φ of the current state (NaN before the first reset). */
  private phi = Number.NaN;

  /**
   * @param env the env to shape
   * @param options the potential's id, the scale and the discount (the agent's γ: see the module header)
   */
  constructor(env: Env<Obs, Act>, options: RewardShapingOptions) {
    super(env);
    const o = parseRewardShaping(options, 'PotentialShaping');
    this.potential = potentialSpec(o.potential);
    const id = env.spec?.id;
    if (this.potential.envs && id !== undefined && !this.potential.envs.includes(id)) {
      throw new RangeError(`PotentialShaping: potential '${o.potential}' is meant for ${this.potential.envs.join(', ')}, not ${id}`);
    }
    this.gamma = o.gamma ?? SHAPING_DEFAULT_GAMMA;
    this.scale = o.scale ?? 1;
    this.flat = new Float32Array(env.observationSpace.flatSize);
  }

  /** scale·Φ(observation), checked finite. */
  private potentialOf(observation: Obs): number {
    this.observationSpace.flatten(observation, this.flat, 0);
    const v = this.potential.potential(this.flat);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`PotentialShaping: potential '${this.potential.id}' returned ${describeValue(v)} for observation ${describeValue(observation)}`);
    return this.scale * v;
  }

  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.phi = this.potentialOf(r.observation);
    return r;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    const next = r.terminated ? 0 : this.potentialOf(r.observation);
    const shaped = r.reward + this.gamma * next - this.phi;
    this.phi = next;
    return { ...r, reward: shaped, info: { ...r.info, [ENV_REWARD_INFO_KEY]: r.reward } };
  }
}

/**
 * The env's own reward of a step: `info.envReward` when a {@link PotentialShaping} (or another
 * wrapper that reports it) changed the reward, else undefined.
 */
export function envRewardOf(info: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const v = info?.[ENV_REWARD_INFO_KEY];
  return typeof v === 'number' ? v : undefined;
}
