/**
 * `noisy-relu` — semi-hard stochastic units: a rectifier with Gaussian noise before it.
 *
 *     forward:  h = max(0, a + z),  z ~ N(0, s²)
 *     backward: ∂L/∂a = ∂L/∂h · 1[a + z > 0]          (backprop through the active units)
 *     firing-rate control: bᵢ ← bᵢ + η·(ρ* − ρᵢ), ρᵢ the moving average of 1[hᵢ > 0]
 *
 * Source: Bengio et al. 2013, §2 (noisy rectifier, "semi-hard" neurons). The controller keeps
 * units from dying (never firing, so never learning) and from always firing.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Estimator } from './types.js';
import { backpropEstimate, baselineState } from './rules.js';

/** The estimator. */
export const noisyRelu: Estimator = {
  id: 'noisy-relu',
  summary: 'noisy rectifier hidden units (semi-hard), backprop through the active units',
  source: 'Bengio et al. 2013, §2',
  information: 'backprop',
  hiddenKind: 'noisy-relu',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: true,
  traces: false,
  createState: (ctx) => {
    const base = baselineState(ctx, false);
    const L = ctx.shapes.length;
    const o = ctx.options as { firingRateControl?: boolean; firingRateTarget?: number };
    const controllers = ctx.shapes.map((s, l) => (l < L - 1 && o.firingRateControl !== false ? new FiringRateController(s.nOut, o.firingRateTarget ?? 0.5) : undefined));
    return { ...base, biasDelta: (l, h, rows) => controllers[l]?.step(h, rows) };
  },
  hiddenGradient: (ctx) => backpropEstimate(ctx),
  noExactRule: 'its hidden units add Gaussian noise (h = max(0, a + z)), so there is no finite set of configurations to enumerate',
};

/**
 * h = max(0, a + z) for stored noise z, as a tfjs op of `a` whose gradient is dy·1[a + z > 0].
 *
 * The backward rule is written out with `tf.customGrad` rather than left to autodiff through
 * `relu(a + z)`: `@tensorflow/tfjs-core` on its own registers no gradient functions (the union
 * package `@tensorflow/tfjs` does), so `tf.grad` through built-in ops fails on a bare core install.
 */
export function noisyRectifier(a: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.relu(tf.add(x, z)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.step(tf.add(saved[0]!, z)))],
    };
  });
  return op(a) as tf.Tensor2D;
}

/**
 * The firing-rate controller of one layer: a moving average ρᵢ of 1[hᵢ > 0] and the bias
 * correction η·(ρ* − ρᵢ) it asks for.
 */
export class FiringRateController {
  /** ρᵢ, the moving-average firing rate of each unit. */
  readonly rates: Float64Array;
  /**
   * @param units number of units
   * @param target ρ*, the wanted firing rate in (0, 1) @default 0.5
   * @param gain η, the bias step per update @default 0.01
   * @param decay weight of the old average @default 0.99
   */
  constructor(
    units: number,
    readonly target = 0.5,
    readonly gain = 0.01,
    readonly decay = 0.99,
  ) {
    if (!(target > 0 && target < 1)) throw new RangeError(`FiringRateController: target must be in (0, 1), got ${target}`);
    this.rates = new Float64Array(units).fill(target);
  }
  /**
   * Folds in one batch of activity (M × units, row-major) and returns the bias change per unit.
   */
  step(h: ArrayLike<number>, rows: number): Float32Array {
    const units = this.rates.length;
    const delta = new Float32Array(units);
    for (let i = 0; i < units; i++) {
      let active = 0;
      for (let r = 0; r < rows; r++) if (h[r * units + i]! > 0) active++;
      this.rates[i] = this.decay * this.rates[i]! + (1 - this.decay) * (active / rows);
      delta[i] = this.gain * (this.target - this.rates[i]!);
    }
    return delta;
  }
}
