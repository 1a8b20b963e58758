/**
 * Stopping on a signal: `train` and `compare` treat SIGINT (Ctrl-C), SIGTERM (`kill`, a job
 * scheduler) and SIGHUP (a closed terminal) alike. The first signal stops cleanly: finished
 * episodes and runs are kept and `summary.json` says `"status": "interrupted"` with the signal. A
 * second one quits at once. The exit code is 128 + the signal's number (130, 143, 129).
 * @module
 */
import { constants } from 'node:os';

/** The signals that stop a run. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit code of a process stopped by `signal`: 128 + its number. */
export function exitCodeOf(signal: string | undefined): number {
  const n = (constants.signals as Record<string, number>)[signal ?? 'SIGINT'] ?? constants.signals.SIGINT;
  return 128 + n;
}

/**
 * Aborts `controller` with the signal's name as its reason on the first stop signal, and calls
 * `onFirst` (to say what is happening); on a second one, exits at once. Returns the function that
 * removes the handlers.
 */
export function stopOnSignals(controller: AbortController, onFirst: (signal: StopSignal) => void = () => {}): () => void {
  let stopped = false;
  const handlers = STOP_SIGNALS.map((signal) => {
    const h = (): void => {
      if (stopped) process.exit(exitCodeOf(signal));
      stopped = true;
      onFirst(signal);
      controller.abort(signal);
    };
    process.on(signal, h);
    return [signal, h] as const;
  });
  return () => {
    for (const [signal, h] of handlers) process.off(signal, h);
  };
}
