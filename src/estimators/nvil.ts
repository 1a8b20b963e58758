/**
 * NVIL's signal normalisation (`signalNormalization: 'nvil'`): centre the broadcast signal by a
 * running mean and divide it by a running standard deviation, both from earlier batches.
 *
 *     s = (R − c) / max(1, √v),   then   c ← α·c + (1 − α)·mean_batch R,
 *                                       v ← α·v + (1 − α)·var_batch R,   α = 0.8
 *
 * Source: Mnih & Gregor 2014, "Neural variational inference and learning in belief networks"
 * (ICML), §3.3 ("Variance normalisation": running estimates of the signal's mean and variance with
 * α = 0.8, and division by max(1, σ) so that it only ever shrinks the signal). NVIL also subtracts
 * an input-dependent baseline C(x) first; here that role is the critic's (`baseline: 'critic'`),
 * which runs before this normalisation.
 *
 * It is not today's `'standardize'`: that one uses the *current* batch's mean and std (PPO's
 * advantage normalisation), so its centring includes each row itself (biased by O(1/M)) and its
 * scale depends on the batch. Here c and v come from earlier batches only, so for a given batch
 * the transform is a baseline plus a positive factor common to every unit: every unit's estimate
 * stays unbiased up to that factor. The first batch sees c = 0 and v = 1 (no scaling).
 *
 * **Information:** a function of the broadcast scalars of earlier batches, formed before the
 * broadcast; every unit still uses its own h, p, x and one scalar.
 *
 * @module
 */

/** α of the running moments (Mnih & Gregor 2014, §3.3). */
export const NVIL_DECAY = 0.8;

/** The running normaliser. */
export class RunningSignalNormalizer {
  private mean = 0;
  private variance = 1;
  private started = false;
  /** @param decay α in [0, 1) */
  constructor(readonly decay: number = NVIL_DECAY) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`RunningSignalNormalizer: decay must be in [0, 1), got ${decay}`);
  }
  /** Normalises `signal[0 … M)` in place with the running moments, then folds the batch in. */
  apply(signal: Float32Array, M: number): void {
    const c = this.mean;
    const scale = 1 / Math.max(1, Math.sqrt(this.variance));
    let m = 0;
    for (let r = 0; r < M; r++) m += signal[r]!;
    m /= M;
    let v = 0;
    for (let r = 0; r < M; r++) v += (signal[r]! - m) ** 2;
    v /= M;
    for (let r = 0; r < M; r++) signal[r] = (signal[r]! - c) * scale;
    const a = this.started ? this.decay : 0;
    this.mean = a * this.mean + (1 - a) * m;
    this.variance = a * this.variance + (1 - a) * v;
    this.started = true;
  }
  /** The running state, for saving. */
  state(): { mean: number; variance: number; started: boolean } {
    return { mean: this.mean, variance: this.variance, started: this.started };
  }
  /** Restores {@link RunningSignalNormalizer.state}. */
  load(s: { mean: number; variance: number; started: boolean }): void {
    this.mean = s.mean;
    this.variance = s.variance;
    this.started = s.started;
  }
}
