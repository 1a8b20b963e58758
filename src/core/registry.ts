/**
 * The environment registry, after Gymnasium's `gymnasium.envs.registration`.
 *
 * Ids are versioned: `Name-vN`. {@link make} builds an env from its spec and wraps it, innermost
 * first, in {@link PassiveEnvChecker} (unless disabled; it warns once on an observation outside the
 * space, or throws with `strictEnvChecker`), {@link TimeLimit} when the spec or the
 * call sets a step limit, {@link PotentialShaping} when the call asks for `rewardShaping` (never by
 * default), and {@link OrderEnforcing}. Gymnasium puts `TimeLimit` outermost; here
 * `OrderEnforcing` is outermost so that it sees truncations too and refuses a step after one.
 *
 * @module
 */
import type { Env } from './env.js';
import { OrderEnforcing, PassiveEnvChecker, TimeLimit } from './wrappers.js';
import { PotentialShaping, parseRewardShaping, type RewardShapingOptions } from './shaping.js';
import { SyncVectorEnv, type AutoresetMode, type Pairing, type VectorEnv } from './vector.js';

/** Options passed through to an env's constructor. */
export type EnvKwargs = Record<string, unknown>;

/** Everything needed to make an env by id. */
export interface EnvSpec {
  /** Versioned id: `Name-vN`, e.g. `CartPole-v1`. */
  readonly id: string;
  /** Builds the bare env from its options. */
  readonly create: (kwargs: EnvKwargs) => Env<unknown, unknown>;
  /** Step limit, applied by {@link TimeLimit}. */
  readonly maxEpisodeSteps?: number;
  /** Mean return over 100 consecutive episodes at which the task counts as solved. */
  readonly rewardThreshold?: number;
  /** Whether the env is nondeterministic even with a seed. */
  readonly nondeterministic?: boolean;
  /** Default options for `create`; `make`'s own options override them. */
  readonly kwargs?: EnvKwargs;
  /** One line for listings. */
  readonly description?: string;
  /**
   * A batched vector env that behaves exactly like {@link SyncVectorEnv} over `make(id)` copies, as
   * Gymnasium's `vector_entry_point`; {@link makeVec} prefers it.
   */
  readonly vectorCreate?: (numEnvs: number, options: VectorCreateOptions) => VectorEnv;
}

/** What {@link EnvSpec.vectorCreate} receives. */
export interface VectorCreateOptions {
  /** The autoreset mode. */
  readonly autoresetMode: AutoresetMode;
  /** The step limit: the spec's, or the caller's override. */
  readonly maxEpisodeSteps: number | undefined;
  /** The env's own options (the spec's defaults, then the caller's). */
  readonly kwargs: EnvKwargs;
}

/** Options of {@link makeVec}; any other key goes to the env's constructor. */
export interface MakeVecOptions extends MakeOptions {
  /** How finished sub-envs restart. @default 'next-step' */
  readonly autoresetMode?: AutoresetMode;
  /** Paired resets of sub-envs (2k, 2k + 1), `'pairs'` or `'episodes'`; see `vector.ts`. @default 'none' */
  readonly pairing?: Pairing;
}

/** Options of {@link make}; any other key goes to the env's constructor. */
export interface MakeOptions extends EnvKwargs {
  /** Overrides the spec's step limit. @default the spec's `maxEpisodeSteps` */
  readonly maxEpisodeSteps?: number;
  /** Leaves out the {@link PassiveEnvChecker}. @default false */
  readonly disableEnvChecker?: boolean;
  /** Makes the {@link PassiveEnvChecker} throw on an observation outside the space, instead of warning once. @default false */
  readonly strictEnvChecker?: boolean;
  /**
   * Adds a {@link PotentialShaping} wrapper outside {@link TimeLimit} (the training loop sets its
   * `gamma` to the agent's). The env's own reward stays in `info.envReward`,
   * and the reward broadcast records episode returns from it. @default no shaping
   */
  readonly rewardShaping?: RewardShapingOptions;
}

const ID_RE = /^(?:[\w.-]+\/)?([\w.:-]+?)-v(\d+)$/;
const registry = new Map<string, EnvSpec>();

/** Registers an env under its versioned id. Registering an id twice is an error. */
export function register(spec: EnvSpec): void {
  if (typeof spec?.id !== 'string' || !ID_RE.test(spec.id)) {
    throw new RangeError(`register: id must look like 'Name-vN', got ${JSON.stringify(spec?.id)}`);
  }
  if (typeof spec.create !== 'function') throw new TypeError(`register: create must be a function, for id '${spec.id}'`);
  if (spec.maxEpisodeSteps !== undefined && (!Number.isInteger(spec.maxEpisodeSteps) || spec.maxEpisodeSteps <= 0)) {
    throw new RangeError(`register: maxEpisodeSteps must be a positive integer, got ${spec.maxEpisodeSteps} for id '${spec.id}'`);
  }
  if (registry.has(spec.id)) throw new Error(`register: id '${spec.id}' is already registered`);
  registry.set(spec.id, Object.freeze({ ...spec }));
}

/** Whether an id is registered. */
export function isRegistered(id: string): boolean {
  return registry.has(id);
}

/** The spec registered under `id`; throws with suggestions when there is none. */
export function spec(id: string): EnvSpec {
  const s = registry.get(id);
  if (s) return s;
  throw new RangeError(unknownIdMessage(id));
}

/** All registered specs, in registration order. */
export function registeredSpecs(): EnvSpec[] {
  return [...registry.values()];
}

/** Removes an id; for tests and for re-registering in a REPL. */
export function unregister(id: string): boolean {
  return registry.delete(id);
}

/**
 * Makes a registered env, wrapped as described in this module's header.
 *
 * @example
 * ```ts
 * const env = make('CartPole-v1');
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated, truncated } = env.step(1);
 * ```
 */
export function make<Obs = unknown, Act = unknown>(id: string, options: MakeOptions = {}): Env<Obs, Act> {
  const s = spec(id);
  const { maxEpisodeSteps, disableEnvChecker, strictEnvChecker, rewardShaping, ...rest } = options;
  const shaping = rewardShaping !== undefined ? parseRewardShaping(rewardShaping, `make('${s.id}'): rewardShaping`) : undefined;
  const kwargs = { ...(s.kwargs ?? {}), ...rest };
  let env = s.create(kwargs) as Env<Obs, Act>;
  const limit = maxEpisodeSteps ?? s.maxEpisodeSteps;
  env.unwrapped.spec = { id: s.id, ...(limit !== undefined ? { maxEpisodeSteps: limit } : {}), ...(s.rewardThreshold !== undefined ? { rewardThreshold: s.rewardThreshold } : {}) };
  env.spec = env.unwrapped.spec;
  if (!disableEnvChecker) env = new PassiveEnvChecker(env, { strict: strictEnvChecker ?? false });
  if (limit !== undefined) env = new TimeLimit(env, limit);
  if (shaping !== undefined) env = new PotentialShaping(env, shaping);
  return new OrderEnforcing(env);
}

/**
 * Makes `numEnvs` copies of a registered env as one vector env, as Gymnasium's `make_vec`: the
 * spec's batched {@link EnvSpec.vectorCreate} when it has one (and no `rewardShaping` is asked for:
 * the wrapper shapes one env), else {@link SyncVectorEnv} over `make(id, options)`.
 *
 * @example
 * ```ts
 * const venv = makeVec('CartPole-v1', 16, { autoresetMode: 'same-step' });
 * ```
 */
export function makeVec(id: string, numEnvs: number, options: MakeVecOptions = {}): VectorEnv {
  const s = spec(id);
  if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`makeVec: numEnvs must be a positive integer, got ${numEnvs}`);
  const { autoresetMode = 'next-step', pairing, ...makeOptions } = options;
  if (s.vectorCreate && makeOptions.rewardShaping === undefined) {
    const { maxEpisodeSteps, disableEnvChecker: _ignored, strictEnvChecker: _alsoIgnored, ...rest } = makeOptions;
    return s.vectorCreate(numEnvs, { autoresetMode, maxEpisodeSteps: maxEpisodeSteps ?? s.maxEpisodeSteps, kwargs: { ...(s.kwargs ?? {}), ...rest, ...(pairing ? { pairing } : {}) } });
  }
  return new SyncVectorEnv(
    Array.from({ length: numEnvs }, () => () => make(id, makeOptions)),
    { autoresetMode, ...(pairing ? { pairing } : {}) },
  );
}

function unknownIdMessage(id: string): string {
  const m = ID_RE.exec(String(id));
  const ids = [...registry.keys()];
  if (m) {
    const sameName = ids.filter((k) => ID_RE.exec(k)?.[1] === m[1]);
    if (sameName.length > 0) {
      return `Unknown env id '${id}': version v${m[2]} of '${m[1]}' is not registered; registered versions: ${sameName.join(', ')}`;
    }
  }
  const near = ids
    .map((k) => ({ k, d: editDistance(String(id).toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.k);
  return `Unknown env id '${id}'${near.length ? `; did you mean ${near.map((k) => `'${k}'`).join(', ')}?` : ' (no envs are registered)'}`;
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
