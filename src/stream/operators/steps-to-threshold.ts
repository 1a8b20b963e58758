import { defer, filter, map, take, type OperatorFunction } from 'rxjs';
import type { EpisodeEvent } from '../events.js';
import { WindowMean } from '../window-mean.js';

/**
 * Emits the env step at which the mean return of the last `window` episodes first reaches
 * `threshold` (>=), then completes. The mean needs `window` full episodes, as Gymnasium's
 * "solved" criterion (average over 100 consecutive episodes) does. If the source completes first,
 * nothing is emitted: use `defaultIfEmpty(null)` to make "not reached" explicit.
 *
 * @param threshold the return to reach, e.g. the env's `rewardThreshold`
 * @param window consecutive episodes averaged @default 100
 *
 * ## Example
 * ```ts
 * const solvedAt = await firstValueFrom(venv.events$.pipe(filter(isEpisode), stepsToThreshold(475), defaultIfEmpty(null)));
 * ```
 */
export function stepsToThreshold(threshold: number, window = 100): OperatorFunction<EpisodeEvent, number> {
  if (!Number.isFinite(threshold)) throw new RangeError(`stepsToThreshold: threshold must be a finite number, got ${threshold}`);
  if (!Number.isInteger(window) || window <= 0) throw new RangeError(`stepsToThreshold: window must be a positive integer, got ${window}`);
  return (source) =>
    defer(() => {
      const mean = new WindowMean(window);
      return source.pipe(
        filter((e) => {
          const m = mean.push(e.return);
          return mean.full && m >= threshold;
        }),
        take(1),
        map((e) => e.envSteps),
      );
    });
}
