/**
 * The events of the reward broadcast: a tagged union on `kind`.
 *
 * Every event is an immutable snapshot: arrays in it are copies that no one writes to again, so a
 * subscriber may keep them.
 *
 * @module
 */

/** A (vector) env was reset: every sub-env starts a new episode. */
export interface ResetEvent {
  readonly kind: 'reset';
  /** Id of the env (its registration id, or its class name). */
  readonly envId: string;
  /** Number of sub-envs (1 for a plain env). */
  readonly numEnvs: number;
  /** Total env steps taken before this reset. */
  readonly envSteps: number;
  /** First observations, numEnvs × obsSize. */
  readonly observations: Float32Array;
}

/**
 * One step of every sub-env: the rewards the agent learns from. This is the broadcast signal.
 */
export interface StepEvent {
  readonly kind: 'step';
  /** Id of the env. */
  readonly envId: string;
  /** Number of sub-envs. */
  readonly numEnvs: number;
  /** Index of this (vector) step since the broadcast started, from 0. */
  readonly t: number;
  /** Total env steps after this step: the x-axis of every learning curve. */
  readonly envSteps: number;
  /** Reward of each sub-env, including the reward of a terminating step: the learning signal. */
  readonly rewards: Float64Array;
  /**
   * The env's own rewards, when a wrapper changed the learning signal (potential-based shaping,
   * `src/core/shaping.ts`); absent otherwise. Episode returns sum these, never the shaped ones.
   */
  readonly envRewards?: Float64Array;
  /** 1 where the sub-env's episode terminated on this step. */
  readonly terminated: Uint8Array;
  /** 1 where the sub-env's episode was truncated (time limit) on this step. */
  readonly truncated: Uint8Array;
  /** Observations after the step (for a finished sub-env under same-step autoreset: the next episode's first). */
  readonly observations: Float32Array;
  /**
   * For each sub-env whose episode ended on this step, its final observation (needed to bootstrap
   * a truncated episode from a critic); null elsewhere. Absent when nothing ended.
   */
  readonly finalObservations?: readonly (Float32Array | null)[];
}

/** An episode of one sub-env ended. Emitted right after the {@link StepEvent} that ended it. */
export interface EpisodeEvent {
  readonly kind: 'episode';
  /** Id of the env. */
  readonly envId: string;
  /** Which sub-env. */
  readonly env: number;
  /** Index of this episode among all finished episodes of the broadcast, from 0. */
  readonly episode: number;
  /** Sum of the episode's rewards: the env's own (`StepEvent.envRewards` where the rewards were shaped). */
  readonly return: number;
  /** Number of steps in the episode. */
  readonly length: number;
  /** Whether it ended by termination (else by truncation). */
  readonly terminated: boolean;
  /** Total env steps when it ended. */
  readonly envSteps: number;
  /** Wall-clock seconds since the broadcast started. */
  readonly wallSeconds: number;
}

/** Everything the reward broadcast emits. */
export type RewardEvent = ResetEvent | StepEvent | EpisodeEvent;

/** Narrows an event to a {@link StepEvent}. */
export function isStep(e: RewardEvent): e is StepEvent {
  return e.kind === 'step';
}

/** Narrows an event to an {@link EpisodeEvent}. */
export function isEpisode(e: RewardEvent): e is EpisodeEvent {
  return e.kind === 'episode';
}

/** Narrows an event to a {@link ResetEvent}. */
export function isReset(e: RewardEvent): e is ResetEvent {
  return e.kind === 'reset';
}
