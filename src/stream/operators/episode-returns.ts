import { defer, mergeMap, type OperatorFunction } from 'rxjs';
import { EpisodeTracker } from '../episode-tracker.js';
import type { EpisodeEvent, RewardEvent } from '../events.js';

/**
 * Rebuilds finished episodes from the step events of a reward stream, ignoring any episode events
 * already in it. Each subscription keeps its own running returns, so the operator stays cold and
 * reusable.
 *
 * @returns an operator from reward events to one {@link EpisodeEvent} per finished episode
 *
 * ## Example
 * ```ts
 * venv.events$.pipe(episodeReturns(), map((e) => e.return)).subscribe(console.log);
 * ```
 */
export function episodeReturns(): OperatorFunction<RewardEvent, EpisodeEvent> {
  return (source) =>
    defer(() => {
      const tracker = new EpisodeTracker();
      const started = performance.now();
      return source.pipe(
        mergeMap((e): EpisodeEvent[] => {
          if (e.kind === 'reset') {
            tracker.reset(e.numEnvs);
            return [];
          }
          return e.kind === 'step' ? tracker.add(e, (performance.now() - started) / 1000) : [];
        }),
      );
    });
}
