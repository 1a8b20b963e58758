/**
 * Per-sub-env episode accounting, shared by the broadcast (which publishes episode events) and the
 * {@link episodeReturns} operator (which rebuilds them from step events alone).
 *
 * @module
 */
import type { EpisodeEvent, StepEvent } from './events.js';

/** Running return and length of each sub-env; turns step events into finished episodes. */
export class EpisodeTracker {
  private returns: Float64Array = new Float64Array(0);
  private lengths: Float64Array = new Float64Array(0);
  private count = 0;

  /** Forgets the episodes in progress (after a reset). Finished-episode numbering goes on. */
  reset(numEnvs: number): void {
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Float64Array(numEnvs);
  }

  /**
   * Adds one step's rewards and returns the episodes that it ended, in sub-env order.
   * @param wallSeconds wall-clock time to stamp on finished episodes
   */
  add(e: StepEvent, wallSeconds: number): EpisodeEvent[] {
    if (this.returns.length !== e.numEnvs) this.reset(e.numEnvs);
    const ended: EpisodeEvent[] = [];
    // The env's own rewards where a wrapper shaped the learning signal: returns are the env's.
    const rewards = e.envRewards ?? e.rewards;
    for (let i = 0; i < e.numEnvs; i++) {
      this.returns[i] += rewards[i]!;
      this.lengths[i] += 1;
      if (e.terminated[i] || e.truncated[i]) {
        ended.push({
          kind: 'episode',
          envId: e.envId,
          env: i,
          episode: this.count++,
          return: this.returns[i]!,
          length: this.lengths[i]!,
          terminated: e.terminated[i] === 1,
          envSteps: e.envSteps,
          wallSeconds,
        });
        this.returns[i] = 0;
        this.lengths[i] = 0;
      }
    }
    return ended;
  }
}
