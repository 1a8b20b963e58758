/**
 * The reward broadcast: the one channel through which rewards reach an agent.
 *
 * {@link BroadcastVectorEnv} decorates a vector env, and {@link BroadcastEnv} wraps a plain env.
 * Each keeps its RxJS Subject private and hands out `events$` (`subject.asObservable()`), a hot
 * stream of {@link RewardEvent}s:
 * - a {@link ResetEvent} on every `reset`;
 * - a {@link StepEvent} on every `step`, carrying the rewards;
 * - one {@link EpisodeEvent} per episode that the step ended, right after it.
 *
 * Delivery is synchronous: by the time `step` returns, every subscriber has seen its events. The
 * stream completes on `close()`. A non-finite reward is refused before it is published, with an
 * error naming the env, the sub-env and the step.
 *
 * When the sub-envs' rewards were shaped ({@link PotentialShaping}, which reports the env's own
 * reward in `info.envReward`), the step event carries both: `rewards`, the shaped learning signal,
 * and `envRewards`, the env's own; episode returns are summed from the latter, so every recorded
 * return and statistic is the env's.
 *
 * @module
 */
import { Subject, type Observable } from 'rxjs';
import { Env, Wrapper, type Info, type ResetOptions, type ResetResult, type StepResult } from '../core/env.js';
import { envRewardOf, type PotentialShaping } from '../core/shaping.js';
import { VectorWrapper, type VectorEnv, type VectorResetResult, type VectorStepResult } from '../core/vector.js';
import { SnapshotArena } from './arena.js';
import { EpisodeTracker } from './episode-tracker.js';
import type { RewardEvent, StepEvent } from './events.js';

/** Publishes the events of one env; shared by the two broadcast classes. */
class Publisher {
  private readonly subject = new Subject<RewardEvent>();
  private readonly tracker = new EpisodeTracker();
  private readonly arena = new SnapshotArena();
  private readonly started = performance.now();
  private t = 0;
  private envSteps = 0;
  private closed = false;
  readonly events$: Observable<RewardEvent> = this.subject.asObservable();

  constructor(private readonly envId: string) {}

  reset(numEnvs: number, observations: Float32Array): void {
    this.assertOpen('reset');
    this.tracker.reset(numEnvs);
    this.subject.next({ kind: 'reset', envId: this.envId, numEnvs, envSteps: this.envSteps, observations: this.arena.float32(observations) });
  }

  step(
    rewards: ArrayLike<number>,
    terminated: ArrayLike<number>,
    truncated: ArrayLike<number>,
    observations: Float32Array,
    finalObservations: readonly (Float32Array | null)[] | undefined,
    envRewards?: ArrayLike<number>,
  ): void {
    this.assertOpen('step');
    const n = rewards.length;
    for (let i = 0; i < n; i++) {
      const r = rewards[i]!;
      if (!Number.isFinite(r)) {
        throw new RangeError(
          `reward broadcast: env '${this.envId}' returned a non-finite reward ${r}${n > 1 ? ` in sub-env ${i}` : ''} at step ${this.t} (env step ${this.envSteps + i + 1})`,
        );
      }
    }
    this.envSteps += n;
    let anyDone = false;
    const term = this.arena.uint8(n);
    const trunc = this.arena.uint8(n);
    for (let i = 0; i < n; i++) {
      if (terminated[i]) term[i] = 1;
      if (truncated[i]) trunc[i] = 1;
      anyDone ||= term[i] === 1 || trunc[i] === 1;
    }
    const event: StepEvent = {
      kind: 'step',
      envId: this.envId,
      numEnvs: n,
      t: this.t++,
      envSteps: this.envSteps,
      rewards: this.arena.float64(rewards),
      ...(envRewards ? { envRewards: this.arena.float64(envRewards) } : {}),
      terminated: term,
      truncated: trunc,
      observations: this.arena.float32(observations),
      ...(anyDone && finalObservations ? { finalObservations: finalObservations.map((o) => (o ? this.arena.float32(o) : null)) } : {}),
    };
    this.subject.next(event);
    const ended = this.tracker.add(event, anyDone ? (performance.now() - this.started) / 1000 : 0);
    for (const ep of ended) this.subject.next(ep);
  }

  complete(): void {
    if (this.closed) return;
    this.closed = true;
    this.subject.complete();
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`reward broadcast: ${what}() called on env '${this.envId}' after close()`);
  }
}

/**
 * A vector env whose every step is broadcast. It requires `'same-step'` autoreset, so that every
 * published step is a real transition of every sub-env (under `'next-step'`, a reset step would
 * publish a reward of 0 that no action earned).
 *
 * @example
 * ```ts
 * const venv = new BroadcastVectorEnv(new SyncVectorEnv(fns, { autoresetMode: 'same-step' }));
 * const returns$ = venv.events$.pipe(filter(isEpisode), map((e) => e.return));
 * ```
 */
export class BroadcastVectorEnv extends VectorWrapper {
  private readonly publisher: Publisher;
  /** The hot stream of reward events. */
  readonly events$: Observable<RewardEvent>;

  /** @param env a vector env with `autoresetMode: 'same-step'` */
  constructor(env: VectorEnv) {
    if (env.autoresetMode !== 'same-step') {
      throw new RangeError(`BroadcastVectorEnv: env '${env.id}' must use autoresetMode 'same-step', got '${env.autoresetMode}'`);
    }
    super(env);
    this.publisher = new Publisher(env.id);
    this.events$ = this.publisher.events$;
  }
  override reset(opts: { readonly seed?: number } = {}): VectorResetResult {
    const r = this.env.reset(opts);
    this.publisher.reset(this.env.numEnvs, r.observations);
    return r;
  }
  override step(actions: ArrayLike<number>): VectorStepResult {
    const r = this.env.step(actions);
    this.publisher.step(r.rewards, r.terminations, r.truncations, r.observations, r.info.finalObservations, this.envRewards(r.info.infos));
    return r;
  }
  /** Closes the env and completes `events$`. */
  override close(): void {
    this.env.close();
    this.publisher.complete();
  }
  private envBuffer: Float64Array | undefined;
  /**
   * The env's own rewards, when the sub-envs report them in `info.envReward` (shaped sub-envs, all
   * wrapped alike: sub-env 0 decides), else undefined.
   */
  private envRewards(infos: readonly Info[] | undefined): Float64Array | undefined {
    if (!infos || envRewardOf(infos[0]) === undefined) return undefined;
    const n = infos.length;
    const out = (this.envBuffer ??= new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const v = envRewardOf(infos[i]);
      if (v === undefined) throw new RangeError(`reward broadcast: env '${this.env.id}': sub-env ${i} reports no info.envReward while sub-env 0 does; shape every sub-env alike`);
      out[i] = v;
    }
    return out;
  }
}

/**
 * A plain env whose every step is broadcast as a one-sub-env {@link StepEvent}. Observations are
 * published flattened by the observation space.
 */
export class BroadcastEnv<Obs, Act> extends Wrapper<Obs, Act> {
  private readonly publisher: Publisher;
  private readonly flat: Float32Array;
  /** The hot stream of reward events. */
  readonly events$: Observable<RewardEvent>;

  /** @param env the env to broadcast */
  constructor(env: Env<Obs, Act>) {
    super(env);
    this.publisher = new Publisher(env.spec?.id ?? env.unwrapped.constructor.name);
    this.events$ = this.publisher.events$;
    this.flat = new Float32Array(env.observationSpace.flatSize);
  }
  override reset(opts: ResetOptions = {}): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.observationSpace.flatten(r.observation, this.flat, 0);
    this.publisher.reset(1, this.flat);
    return r;
  }
  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.observationSpace.flatten(r.observation, this.flat, 0);
    const done = r.terminated || r.truncated;
    const envReward = envRewardOf(r.info);
    this.publisher.step([r.reward], [r.terminated ? 1 : 0], [r.truncated ? 1 : 0], this.flat, done ? [this.flat] : undefined, envReward !== undefined ? [envReward] : undefined);
    return r;
  }
  /** Closes the env and completes `events$`. */
  override close(): void {
    this.env.close();
    this.publisher.complete();
  }
}
