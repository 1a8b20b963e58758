import { defer, map, type OperatorFunction } from 'rxjs';
import { WindowMean } from '../window-mean.js';

/**
 * The mean of the last `window` values (of all values so far, until `window` have arrived).
 * The ring buffer lives in the subscription's closure.
 *
 * @param window number of values averaged, a positive integer
 * @returns an operator emitting one average per input value
 *
 * ## Example
 * ```ts
 * venv.events$.pipe(episodeReturns(), map((e) => e.return), movingAverage(100));
 * ```
 */
export function movingAverage(window: number): OperatorFunction<number, number> {
  if (!Number.isInteger(window) || window <= 0) throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  return (source) =>
    defer(() => {
      const mean = new WindowMean(window);
      return source.pipe(map((x) => mean.push(x)));
    });
}
