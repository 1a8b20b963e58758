/**
 * Vector environments: N copies of an env stepped together, with batched typed-array values.
 *
 * Layout of every batch:
 * - observations: `Float32Array` of N × `obsSize` numbers, row i for sub-env i, each observation
 *   flattened by its space (`Discrete` gives one number, a one-hot or `Box` gives its elements);
 * - actions: any `ArrayLike<number>` of N × `actSize` numbers, unflattened by the action space;
 * - rewards: `Float64Array` of N; terminations and truncations: `Uint8Array` of N (0 or 1).
 *
 * Autoreset is explicit, as in Gymnasium 1.x's `AutoresetMode`:
 * - `'next-step'` (Gymnasium's default): the step that ends an episode returns its final
 *   observation; the *next* call to `step` resets that sub-env instead of stepping it, ignores its
 *   action, and returns reward 0 with both flags false.
 * - `'same-step'`: the step that ends an episode resets the sub-env at once. The returned
 *   observation is the new episode's first; the final observation is in
 *   `infos.finalObservations[i]`. Training loops use this mode, since no step is spent on resets.
 *
 * ## Paired resets (common random numbers)
 *
 * With `pairing` set, the sub-envs form pairs (2k, 2k + 1) whose members start alike:
 * - `'pairs'`: `reset` gives both members of pair k the same seed ({@link pairEpisodeSeed}(base,
 *   k, 0), base the seed given to `reset`, or one drawn from OS entropy), and autoresets are
 *   Gymnasium's (no seed: each env's own RNG stream goes on). The members' j-th episodes therefore
 *   start alike whenever both have drawn the same random numbers before them: always for envs that
 *   draw only at reset (CartPole, Acrobot, MountainCar) or a fixed number per step (the bandits,
 *   whose task, drawn at the seeded reset, is then the same for both members).
 * - `'episodes'`: every episode j of either member of pair k is reset with pairEpisodeSeed(base,
 *   k, j), so the j-th episodes start alike and run on the same env RNG stream even in envs that
 *   draw a varying number of random numbers per episode (slippery gridworlds). Not for envs whose
 *   seeded reset redraws the task (the bandits would get a new bandit every pull).
 *
 * The members need not finish together and nothing waits. Gymnasium has nothing like it; it is the
 * env half of evaluating one policy twice under common random numbers, as ARM, DisARM and SPSA
 * need (Yin & Zhou 2019; Dong et al. 2020; Spall 1992). The agent half is a noise stream shared by
 * the pair (`agents/pairing.ts`). Without pairing (the default) resets are exactly Gymnasium's.
 *
 * @module
 */
import type { Env, Info } from './env.js';
import { assertSeed, Rng } from './rng.js';
import type { Space } from './spaces.js';

/** How a vector env restarts finished sub-envs. See the module header. */
export type AutoresetMode = 'next-step' | 'same-step';

/** Whether sub-envs run in pairs with paired resets, and how (see the module header). */
export type Pairing = 'none' | 'pairs' | 'episodes';

/**
 * The reset seed of episode `episode` of either member of pair `pair`, from the base seed: a fixed
 * 32-bit mix of the three integers (murmur3's finaliser over a combination of them), so every
 * (base, pair, episode) has its own seed and the same one in both members.
 */
export function pairEpisodeSeed(base: number, pair: number, episode: number): number {
  let h = (Math.imul(base ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(pair + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = (h ^ Math.imul(episode + 0x7f4a7c15, 0x27d4eb2f)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The reset seeds of paired sub-envs: the base seed and each sub-env's episode count (shared by
 * {@link SyncVectorEnv} and the batched envs that support pairing).
 */
export class PairedResets {
  private base = 0;
  private readonly episodes: Int32Array;
  /**
   * @param numEnvs sub-envs, an even number
   * @param mode `'pairs'` (seeded alike at `reset` only) or `'episodes'` (every episode)
   */
  constructor(readonly numEnvs: number, owner: string, readonly mode: 'pairs' | 'episodes' = 'pairs') {
    if (numEnvs % 2 !== 0) throw new RangeError(`${owner}: pairing '${mode}' needs an even number of sub-envs, got ${numEnvs}`);
    this.episodes = new Int32Array(numEnvs);
  }
  /** Starts over from `seed` (or an entropy seed): every sub-env's next episode is its episode 0. */
  start(seed: number | undefined, entropy: () => number): void {
    this.base = seed ?? entropy();
    this.episodes.fill(0);
  }
  /** The seed of sub-env i's current episode. */
  seed(i: number): number {
    return pairEpisodeSeed(this.base, i >> 1, this.episodes[i]!);
  }
  /**
   * Sub-env i's episode ended: the next reset starts its next episode; returns that episode's seed
   * (mode `'episodes'`), or undefined (mode `'pairs'`: the env's own stream goes on).
   */
  next(i: number): number | undefined {
    this.episodes[i] += 1;
    return this.mode === 'episodes' ? this.seed(i) : undefined;
  }
  /** Sub-env i's episode count since `start`. */
  episode(i: number): number {
    return this.episodes[i]!;
  }
}

/** Per-step auxiliary data of a vector env. */
export interface VectorInfo {
  /** `'same-step'` only: final observation of each sub-env whose episode ended this step, else null. */
  readonly finalObservations?: readonly (Float32Array | null)[];
  /** The sub-envs' own info objects (of the final step, for sub-envs that ended). */
  readonly infos: readonly Info[];
}

/** What {@link VectorEnv.step} returns. Arrays may be reused by the next call: copy to keep. */
export interface VectorStepResult {
  /** N × obsSize observations. */
  readonly observations: Float32Array;
  /** One reward per sub-env. */
  readonly rewards: Float64Array;
  /** 1 where the sub-env's episode terminated this step. */
  readonly terminations: Uint8Array;
  /** 1 where the sub-env's episode was truncated this step. */
  readonly truncations: Uint8Array;
  /** Auxiliary data. */
  readonly info: VectorInfo;
}

/** What {@link VectorEnv.reset} returns. */
export interface VectorResetResult {
  /** N × obsSize observations. */
  readonly observations: Float32Array;
  /** Auxiliary data. */
  readonly info: VectorInfo;
}

/** The vector-env contract. {@link SyncVectorEnv} is the general implementation. */
export interface VectorEnv {
  /** Number of sub-envs. */
  readonly numEnvs: number;
  /** The space of one sub-env's observation. */
  readonly singleObservationSpace: Space<unknown>;
  /** The space of one sub-env's action. */
  readonly singleActionSpace: Space<unknown>;
  /** Numbers per observation row. */
  readonly obsSize: number;
  /** Numbers per action row. */
  readonly actSize: number;
  /** The autoreset mode. */
  readonly autoresetMode: AutoresetMode;
  /** Id of the sub-envs' registration, if any. */
  readonly id: string;
  /**
   * Resets every sub-env; with a seed, sub-env i is seeded with `seed + i` (with paired resets,
   * see the module header).
   */
  reset(opts?: { readonly seed?: number }): VectorResetResult;
  /** Steps every sub-env. */
  step(actions: ArrayLike<number>): VectorStepResult;
  /** Closes every sub-env. */
  close(): void;
}

/** Options of {@link SyncVectorEnv}. */
export interface SyncVectorEnvOptions {
  /** How finished sub-envs restart. @default 'next-step' */
  readonly autoresetMode?: AutoresetMode;
  /** Paired resets of sub-envs (2k, 2k + 1): `'pairs'` or `'episodes'`, see the module header. @default 'none' */
  readonly pairing?: Pairing;
}

/**
 * Runs N envs one after another in this thread.
 *
 * @example
 * ```ts
 * const venv = new SyncVectorEnv(Array.from({ length: 8 }, () => () => make('CartPole-v1')), { autoresetMode: 'same-step' });
 * const { observations } = venv.reset({ seed: 1 });
 * const r = venv.step(new Int32Array(8).fill(1));
 * ```
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly obsSize: number;
  readonly actSize: number;
  readonly autoresetMode: AutoresetMode;
  readonly id: string;
  /** The pairing of sub-envs. */
  readonly pairing: Pairing;
  /** The paired-reset seeds, with `pairing: 'pairs'`. */
  readonly pairs: PairedResets | undefined;
  /** The sub-envs. */
  readonly envs: readonly Env<unknown, unknown>[];

  private readonly obs: Float32Array;
  private readonly rewards: Float64Array;
  private readonly terms: Uint8Array;
  private readonly truncs: Uint8Array;
  private readonly needsReset: Uint8Array;

  /**
   * @param envFns one factory per sub-env
   * @param options see {@link SyncVectorEnvOptions}
   */
  constructor(envFns: readonly (() => Env<unknown, unknown>)[], options: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) {
      throw new RangeError(`SyncVectorEnv: envFns must be a non-empty array, got ${Array.isArray(envFns) ? 'an empty array' : String(envFns)}`);
    }
    const mode = options.autoresetMode ?? 'next-step';
    if (mode !== 'next-step' && mode !== 'same-step') {
      throw new RangeError(`SyncVectorEnv: autoresetMode must be 'next-step' or 'same-step', got ${String(mode)}`);
    }
    const pairing = options.pairing ?? 'none';
    if (pairing !== 'none' && pairing !== 'pairs' && pairing !== 'episodes') throw new RangeError(`SyncVectorEnv: pairing must be 'none', 'pairs' or 'episodes', got ${String(pairing)}`);
    this.pairing = pairing;
    this.pairs = pairing !== 'none' ? new PairedResets(envFns.length, 'SyncVectorEnv', pairing) : undefined;
    this.envs = envFns.map((f) => f());
    const first = this.envs[0]!;
    this.numEnvs = this.envs.length;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.obsSize = first.observationSpace.flatSize;
    this.actSize = first.actionSpace.flatSize;
    this.autoresetMode = mode;
    this.id = first.spec?.id ?? first.unwrapped.constructor.name;
    for (const [i, e] of this.envs.entries()) {
      if (e.observationSpace.toString() !== first.observationSpace.toString() || e.actionSpace.toString() !== first.actionSpace.toString()) {
        throw new RangeError(`SyncVectorEnv: sub-env ${i} has spaces ${e.observationSpace.toString()} / ${e.actionSpace.toString()}, unlike sub-env 0`);
      }
    }
    this.obs = new Float32Array(this.numEnvs * this.obsSize);
    this.rewards = new Float64Array(this.numEnvs);
    this.terms = new Uint8Array(this.numEnvs);
    this.truncs = new Uint8Array(this.numEnvs);
    this.needsReset = new Uint8Array(this.numEnvs);
  }

  reset(opts: { readonly seed?: number } = {}): VectorResetResult {
    if (opts.seed !== undefined) assertSeed(opts.seed, 'SyncVectorEnv.reset: seed');
    const infos: Info[] = [];
    this.pairs?.start(opts.seed, () => Rng.fromEntropy().uint32());
    for (let i = 0; i < this.numEnvs; i++) {
      const seed = this.pairs ? this.pairs.seed(i) : opts.seed !== undefined ? (opts.seed + i) >>> 0 : undefined;
      const r = this.envs[i]!.reset(seed !== undefined ? { seed } : {});
      this.singleObservationSpace.flatten(r.observation, this.obs, i * this.obsSize);
      infos.push(r.info);
    }
    this.needsReset.fill(0);
    return { observations: this.obs, info: { infos } };
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (actions == null || actions.length !== this.numEnvs * this.actSize) {
      throw new RangeError(`SyncVectorEnv.step: actions must hold ${this.numEnvs * this.actSize} numbers (numEnvs ${this.numEnvs} × actSize ${this.actSize}), got ${actions == null ? String(actions) : actions.length}`);
    }
    const infos: Info[] = new Array(this.numEnvs);
    const finals: (Float32Array | null)[] | undefined = this.autoresetMode === 'same-step' ? new Array(this.numEnvs).fill(null) : undefined;
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i]!;
      if (this.needsReset[i]) {
        const r = env.reset(this.resetOptions(i));
        this.singleObservationSpace.flatten(r.observation, this.obs, i * this.obsSize);
        this.rewards[i] = 0;
        this.terms[i] = 0;
        this.truncs[i] = 0;
        this.needsReset[i] = 0;
        infos[i] = r.info;
        continue;
      }
      const action = this.singleActionSpace.unflatten(actions, i * this.actSize);
      const r = env.step(action);
      this.rewards[i] = r.reward;
      this.terms[i] = r.terminated ? 1 : 0;
      this.truncs[i] = r.truncated ? 1 : 0;
      infos[i] = r.info;
      const done = r.terminated || r.truncated;
      if (done && finals) {
        const fin = new Float32Array(this.obsSize);
        this.singleObservationSpace.flatten(r.observation, fin, 0);
        finals[i] = fin;
        const rr = env.reset(this.resetOptions(i));
        this.singleObservationSpace.flatten(rr.observation, this.obs, i * this.obsSize);
      } else {
        this.singleObservationSpace.flatten(r.observation, this.obs, i * this.obsSize);
        if (done) this.needsReset[i] = 1;
      }
    }
    return {
      observations: this.obs,
      rewards: this.rewards,
      terminations: this.terms,
      truncations: this.truncs,
      info: finals ? { infos, finalObservations: finals } : { infos },
    };
  }

  close(): void {
    for (const e of this.envs) e.close();
  }

  /** The options of sub-env i's autoreset: a seed only with `pairing: 'episodes'`. */
  private resetOptions(i: number): { seed?: number } {
    const seed = this.pairs?.next(i);
    return seed !== undefined ? { seed } : {};
  }
}

/**
 * A vector env that forwards everything to the one it wraps, as Gymnasium's `VectorWrapper`.
 * Subclasses override what they change (for example `step`).
 */
export class VectorWrapper implements VectorEnv {
  /** The wrapped vector env. */
  readonly env: VectorEnv;
  /** @param env the vector env to wrap */
  constructor(env: VectorEnv) {
    this.env = env;
  }
  get numEnvs(): number {
    return this.env.numEnvs;
  }
  get singleObservationSpace(): Space<unknown> {
    return this.env.singleObservationSpace;
  }
  get singleActionSpace(): Space<unknown> {
    return this.env.singleActionSpace;
  }
  get obsSize(): number {
    return this.env.obsSize;
  }
  get actSize(): number {
    return this.env.actSize;
  }
  get autoresetMode(): AutoresetMode {
    return this.env.autoresetMode;
  }
  get id(): string {
    return this.env.id;
  }
  reset(opts: { readonly seed?: number } = {}): VectorResetResult {
    return this.env.reset(opts);
  }
  step(actions: ArrayLike<number>): VectorStepResult {
    return this.env.step(actions);
  }
  close(): void {
    this.env.close();
  }
}
