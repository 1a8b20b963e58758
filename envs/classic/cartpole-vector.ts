/**
 * A batched CartPole: N cart-poles stepped together on one `Float64Array`, for speed.
 *
 * @module
 */
import type { Info } from '../../src/core/env.js';
import { Rng, assertSeed } from '../../src/core/rng.js';
import { Box, Discrete, describeValue } from '../../src/core/spaces.js';
import { PairedResets, type AutoresetMode, type Pairing, type VectorEnv, type VectorResetResult, type VectorStepResult } from '../../src/core/vector.js';
import {
  CARTPOLE_OBSERVATION_HIGH,
  CARTPOLE_RESET_HIGH,
  CARTPOLE_RESET_LOW,
  cartPoleDrawStart,
  cartPoleReward,
  cartPoleStep,
  type CartPoleIntegrator,
} from './cartpole.js';
import { checkOptionKeys, readBoolean, readChoice } from './options.js';

/** Options of {@link CartPoleVectorEnv}. */
export interface CartPoleVectorEnvOptions {
  /** How finished sub-envs restart; see `src/core/vector.ts`. @default 'next-step' */
  readonly autoresetMode?: AutoresetMode;
  /** Steps after which a sub-env's episode is truncated (the built-in `TimeLimit`). @default 500 */
  readonly maxEpisodeSteps?: number;
  /** As `CartPole`'s option of the same name: 0 per step, −1 on termination. @default false */
  readonly suttonBartoReward?: boolean;
  /** As `CartPole`'s option of the same name. @default 'euler' */
  readonly kinematicsIntegrator?: CartPoleIntegrator;
  /**
   * Paired resets of sub-envs (2k, 2k + 1), `'pairs'` or `'episodes'` (common random numbers;
   * see `src/core/vector.ts`). @default 'none'
   */
  readonly pairing?: Pairing;
}

const OPTION_KEYS = ['autoresetMode', 'maxEpisodeSteps', 'suttonBartoReward', 'kinematicsIntegrator', 'pairing'] as const;

/**
 * N copies of `CartPole-v1` in one object, implementing {@link VectorEnv} directly on a
 * `Float64Array(N·4)` of states: no per-env objects, no wrappers, and no per-step allocation except
 * the final observations of sub-envs that end in `'same-step'` mode. The returned arrays are reused
 * by the next call, as the contract allows: copy to keep.
 *
 * It gives the same numbers as `new SyncVectorEnv(fns, { autoresetMode })` with each
 * `fns[i] = () => new TimeLimit(new CartPole(options), 500)`:
 * - the dynamics, reward and termination are {@link cartPoleStep} and {@link cartPoleReward}, the
 *   very functions {@link CartPole} uses;
 * - truncation: a vector env has no wrapper stack, so the `TimeLimit` that `make` would add is
 *   built in: a sub-env's episode is truncated on its `maxEpisodeSteps`-th step (500 by default);
 * - seeding: each sub-env has its own {@link Rng}; `reset({ seed })` seeds sub-env i with
 *   `seed + i` and draws its start state x, ẋ, θ, θ̇ in that order, as a `CartPole` does;
 *   autoresets draw from the sub-env's own RNG;
 * - autoreset: both modes exactly as documented in `src/core/vector.ts`.
 *
 * Gymnasium's own `CartPoleVectorEnv` draws all start states from one shared RNG; this one departs
 * from it to stay identical to the `SyncVectorEnv` above, which makes it checkable step by step.
 *
 * Layout: {@link CartPoleVectorEnv.state} holds sub-env i's `[x, ẋ, θ, θ̇]` at `4i … 4i+3`, the
 * same order as the observation rows.
 *
 * @example
 * ```ts
 * const venv = new CartPoleVectorEnv(256, { autoresetMode: 'same-step' });
 * let { observations } = venv.reset({ seed: 0 });
 * const r = venv.step(new Int32Array(256).fill(1));
 * ```
 */
export class CartPoleVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Box<'float32'> = new Box(
    CARTPOLE_OBSERVATION_HIGH.map((v) => -v),
    CARTPOLE_OBSERVATION_HIGH,
    [4],
    'float32',
  );
  readonly singleActionSpace: Discrete = new Discrete(2);
  readonly obsSize = 4;
  readonly actSize = 1;
  readonly autoresetMode: AutoresetMode;
  readonly id = 'CartPole-v1';
  /** Step limit per episode of each sub-env. */
  readonly maxEpisodeSteps: number;
  /** Whether Sutton & Barto's reward is used. */
  readonly suttonBartoReward: boolean;
  /** The integration scheme. */
  readonly kinematicsIntegrator: CartPoleIntegrator;
  /** The pairing of sub-envs. */
  readonly pairing: Pairing;
  /** The paired-reset seeds, with `pairing: 'pairs'`. */
  readonly pairs: PairedResets | undefined;
  /** The float64 states, four per sub-env (see the class doc). Writable, for tests and tools. */
  readonly state: Float64Array;

  private readonly rngs: (Rng | undefined)[];
  private readonly steps: Int32Array;
  private readonly needsReset: Uint8Array;
  private readonly obs: Float32Array;
  private readonly rewards: Float64Array;
  private readonly terms: Uint8Array;
  private readonly truncs: Uint8Array;
  private readonly infos: readonly Info[];
  private readonly finals: (Float32Array | null)[];
  private hasReset = false;

  /**
   * @param numEnvs number of sub-envs, a positive integer
   * @param options see {@link CartPoleVectorEnvOptions}
   */
  constructor(numEnvs: number, options: CartPoleVectorEnvOptions = {}) {
    if (!Number.isInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`CartPoleVectorEnv: numEnvs must be a positive integer, got ${describeValue(numEnvs)}`);
    const o = checkOptionKeys(options, OPTION_KEYS, 'CartPoleVectorEnv');
    this.autoresetMode = readChoice(o, 'autoresetMode', ['next-step', 'same-step'], 'next-step', 'CartPoleVectorEnv');
    this.pairing = readChoice(o, 'pairing', ['none', 'pairs', 'episodes'], 'none', 'CartPoleVectorEnv');
    this.pairs = this.pairing !== 'none' ? new PairedResets(numEnvs, 'CartPoleVectorEnv', this.pairing) : undefined;
    const limit = o['maxEpisodeSteps'] ?? 500;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit <= 0) {
      throw new RangeError(`CartPoleVectorEnv: maxEpisodeSteps must be a positive integer, got ${describeValue(limit)}`);
    }
    this.maxEpisodeSteps = limit;
    this.suttonBartoReward = readBoolean(o, 'suttonBartoReward', false, 'CartPoleVectorEnv');
    this.kinematicsIntegrator = readChoice(o, 'kinematicsIntegrator', ['euler', 'semi-implicit-euler'], 'euler', 'CartPoleVectorEnv');
    this.numEnvs = numEnvs;
    this.state = new Float64Array(numEnvs * 4);
    this.rngs = new Array<Rng | undefined>(numEnvs).fill(undefined);
    this.steps = new Int32Array(numEnvs);
    this.needsReset = new Uint8Array(numEnvs);
    this.obs = new Float32Array(numEnvs * 4);
    this.rewards = new Float64Array(numEnvs);
    this.terms = new Uint8Array(numEnvs);
    this.truncs = new Uint8Array(numEnvs);
    // CartPole's info is always empty: share frozen empty objects rather than allocate per step.
    this.infos = Object.freeze(Array.from({ length: numEnvs }, () => Object.freeze({})));
    this.finals = new Array<Float32Array | null>(numEnvs).fill(null);
  }

  /** Sub-env i's RNG, created from OS entropy on first use as an env's is. */
  private rng(i: number): Rng {
    let r = this.rngs[i];
    if (!r) {
      r = Rng.fromEntropy();
      this.rngs[i] = r;
    }
    return r;
  }

  /** Draws sub-env i's start state and writes its observation row. */
  private resetOne(i: number, first = false): void {
    const o = i * 4;
    if (this.pairs) {
      const seed = first ? this.pairs.seed(i) : this.pairs.next(i);
      if (seed !== undefined) this.rngs[i] = Rng.fromSeed(seed);
    }
    cartPoleDrawStart(this.rng(i), this.state, o, CARTPOLE_RESET_LOW, CARTPOLE_RESET_HIGH);
    this.writeObs(i);
    this.steps[i] = 0;
  }

  private writeObs(i: number): void {
    const o = i * 4;
    const s = this.state;
    const out = this.obs;
    out[o] = s[o]!;
    out[o + 1] = s[o + 1]!;
    out[o + 2] = s[o + 2]!;
    out[o + 3] = s[o + 3]!;
  }

  /** Resets every sub-env; with a seed, sub-env i's RNG is replaced by one seeded with `seed + i`. */
  reset(opts: { readonly seed?: number } = {}): VectorResetResult {
    if (opts.seed !== undefined) assertSeed(opts.seed, 'CartPoleVectorEnv.reset: seed');
    this.pairs?.start(opts.seed, () => Rng.fromEntropy().uint32());
    for (let i = 0; i < this.numEnvs; i++) {
      if (opts.seed !== undefined && !this.pairs) this.rngs[i] = Rng.fromSeed((opts.seed + i) >>> 0);
      this.resetOne(i, true);
    }
    this.needsReset.fill(0);
    this.hasReset = true;
    return { observations: this.obs, info: { infos: this.infos } };
  }

  /**
   * Steps every sub-env with its action (`actions[i]` ∈ {0, 1}). All actions are checked before
   * any sub-env moves, so a bad action leaves the batch untouched.
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    const n = this.numEnvs;
    if (actions == null || actions.length !== n) {
      throw new RangeError(`CartPoleVectorEnv.step: actions must hold ${n} numbers (numEnvs ${n} × actSize 1), got ${actions == null ? String(actions) : actions.length}`);
    }
    if (!this.hasReset) throw new Error('CartPoleVectorEnv.step: called before reset(); call reset() first');
    for (let i = 0; i < n; i++) {
      const a = actions[i];
      if (a !== 0 && a !== 1) {
        throw new RangeError(`CartPoleVectorEnv.step: actions[${i}] = ${describeValue(a)} is not in the action space Discrete(2)`);
      }
    }
    const sameStep = this.autoresetMode === 'same-step';
    const finals = sameStep ? this.finals.fill(null) : undefined;
    const state = this.state;
    const integrator = this.kinematicsIntegrator;
    const sb = this.suttonBartoReward;
    for (let i = 0; i < n; i++) {
      if (this.needsReset[i]) {
        // 'next-step': this call resets the sub-env, ignores its action, and reports reward 0.
        this.resetOne(i);
        this.rewards[i] = 0;
        this.terms[i] = 0;
        this.truncs[i] = 0;
        this.needsReset[i] = 0;
        continue;
      }
      const terminated = cartPoleStep(state, i * 4, actions[i]!, integrator);
      const steps = this.steps[i]! + 1;
      this.steps[i] = steps;
      const truncated = steps >= this.maxEpisodeSteps;
      this.rewards[i] = cartPoleReward(terminated, sb);
      this.terms[i] = terminated ? 1 : 0;
      this.truncs[i] = truncated ? 1 : 0;
      if (terminated || truncated) {
        if (finals) {
          const o = i * 4;
          const fin = new Float32Array(4);
          fin[0] = state[o]!;
          fin[1] = state[o + 1]!;
          fin[2] = state[o + 2]!;
          fin[3] = state[o + 3]!;
          finals[i] = fin;
          this.resetOne(i);
        } else {
          this.writeObs(i);
          this.needsReset[i] = 1;
        }
      } else {
        this.writeObs(i);
      }
    }
    return {
      observations: this.obs,
      rewards: this.rewards,
      terminations: this.terms,
      truncations: this.truncs,
      info: finals ? { infos: this.infos, finalObservations: finals } : { infos: this.infos },
    };
  }

  /** Nothing to release. */
  close(): void {}

  /** Readable name. */
  toString(): string {
    return `CartPoleVectorEnv(${this.id}, numEnvs=${this.numEnvs}, autoresetMode=${this.autoresetMode})`;
  }
}
