/**
 * Turning observations into network inputs.
 *
 * Rule, per observation space:
 * - `Discrete(n)`: one-hot of length n (binary neurons need vector input).
 * - `Box`, on each bounded dimension: scaled linearly from [low, high] to [−1, 1]. On each
 *   dimension with an infinite bound: running normalisation (x − mean) / std, with mean and
 *   variance from every observation seen while acting (Welford's algorithm), std floored at 1e-2,
 *   and the result clipped to [−5, 5]. CartPole's velocities are such dimensions.
 * - `MultiBinary(n)`: the bits as they are.
 *
 * A constant bias input is not added: every layer has its own biases.
 *
 * @module
 */
import { Box, Discrete, MultiBinary, type Space } from '../src/core/spaces.js';

/** The running statistics of unbounded dimensions, for saving. */
export interface InputEncoderState {
  /** Observations folded in. */
  readonly count: number;
  /** Running means (one per observation dimension; unused ones stay 0). */
  readonly mean: number[];
  /** Running sums of squared deviations. */
  readonly m2: number[];
}

/** Encodes flattened observations (rows of `obsSize`) into network inputs (rows of `size`). */
export class InputEncoder {
  /** Inputs per row. */
  readonly size: number;
  /** Numbers per observation row. */
  readonly obsSize: number;
  private readonly kind: 'onehot' | 'box' | 'bits';
  private readonly start: number;
  private readonly scale: Float64Array;
  private readonly shift: Float64Array;
  private readonly running: Uint8Array;
  private count = 0;
  private mean: Float64Array;
  private m2: Float64Array;
  /** Whether running statistics are updated while encoding. @default true */
  updateStats = true;

  /** @param space the env's single observation space */
  constructor(space: Space<unknown>) {
    this.obsSize = space.flatSize;
    this.scale = new Float64Array(space.flatSize);
    this.shift = new Float64Array(space.flatSize);
    this.running = new Uint8Array(space.flatSize);
    this.mean = new Float64Array(space.flatSize);
    this.m2 = new Float64Array(space.flatSize);
    if (space instanceof Discrete) {
      this.kind = 'onehot';
      this.start = space.start;
      this.size = space.n;
    } else if (space instanceof Box) {
      this.kind = 'box';
      this.start = 0;
      this.size = space.flatSize;
      for (let i = 0; i < space.flatSize; i++) {
        const lo = space.low[i]!;
        const hi = space.high[i]!;
        if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) {
          this.scale[i] = 2 / (hi - lo);
          this.shift[i] = -1 - lo * this.scale[i]!;
        } else if (Number.isFinite(lo) && hi === lo) {
          this.scale[i] = 0;
          this.shift[i] = 0;
        } else {
          this.running[i] = 1;
        }
      }
    } else if (space instanceof MultiBinary) {
      this.kind = 'bits';
      this.start = 0;
      this.size = space.n;
    } else {
      throw new TypeError(`InputEncoder: observation space ${space.toString()} is not supported (use Discrete, Box or MultiBinary)`);
    }
  }

  /** Encodes `rows` observations from `obs` into `out` (rows × size). */
  encode(obs: ArrayLike<number>, rows: number, out: Float32Array): Float32Array {
    const d = this.obsSize;
    if (this.kind === 'onehot') {
      out.fill(0, 0, rows * this.size);
      for (let r = 0; r < rows; r++) out[r * this.size + (obs[r]! - this.start)] = 1;
      return out;
    }
    if (this.kind === 'bits') {
      for (let k = 0; k < rows * d; k++) out[k] = obs[k]!;
      return out;
    }
    if (this.updateStats && this.running.some((v) => v === 1)) {
      for (let r = 0; r < rows; r++) {
        this.count += 1;
        for (let i = 0; i < d; i++) {
          if (!this.running[i]) continue;
          const x = obs[r * d + i]!;
          const delta = x - this.mean[i]!;
          this.mean[i] += delta / this.count;
          this.m2[i] += delta * (x - this.mean[i]!);
        }
      }
    }
    for (let i = 0; i < d; i++) {
      if (!this.running[i]) continue;
      const std = this.count > 1 ? Math.max(Math.sqrt(this.m2[i]! / (this.count - 1)), 1e-2) : 1;
      this.scale[i] = 1 / std;
      this.shift[i] = -this.mean[i]! / std;
    }
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < d; i++) {
        const v = obs[r * d + i]! * this.scale[i]! + this.shift[i]!;
        out[r * d + i] = this.running[i] ? Math.max(-5, Math.min(5, v)) : v;
      }
    }
    return out;
  }

  /** The running statistics. */
  state(): InputEncoderState {
    return { count: this.count, mean: Array.from(this.mean), m2: Array.from(this.m2) };
  }

  /** Restores {@link InputEncoder.state}. */
  load(state: InputEncoderState): void {
    if (!state || state.mean?.length !== this.obsSize || state.m2?.length !== this.obsSize || !Number.isFinite(state.count)) {
      throw new RangeError(`InputEncoder.load: expected statistics for ${this.obsSize} observation dimensions`);
    }
    this.count = state.count;
    this.mean = Float64Array.from(state.mean);
    this.m2 = Float64Array.from(state.m2);
  }
}
