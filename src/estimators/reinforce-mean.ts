/**
 * `reinforce-mean` — REINFORCE with a scalar moving-average baseline ("reinforcement comparison").
 *
 *     gᵢ = (hᵢ − pᵢ) · (R − R̄),   R̄ ← c·R̄ + (1 − c)·mean_batch(R)
 *
 * Source: Williams 1992, §4 ("reinforcement comparison"); Sutton & Barto 2018 §2.8. Any baseline
 * that does not depend on the current sample keeps the estimate unbiased (Bengio et al. 2013,
 * §3.1). R̄ starts at 0, and the batch sees R̄ from before its own update.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchMoments, Baseline, Estimator } from './types.js';
import { baselineState, localEstimate } from './rules.js';
import { reinforceUpdate } from './reinforce.js';
import { reinforceExactRule, tfjsReinforce } from './exact-rules.js';

/** The estimator. */
export const reinforceMean: Estimator = {
  id: 'reinforce-mean',
  summary: 'REINFORCE with a scalar moving-average baseline R̄',
  source: 'Williams 1992 §4; Sutton & Barto 2018 §2.8',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'mean',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: localEstimate,
  fusedUpdate: reinforceUpdate,
  exact: reinforceExactRule('mean', (net, t) => tfjsReinforce(t, new MeanBaseline(0.9, net.baseline('mean')[0]!).value()), { theory: { oneOverN: true } }),
};

/** The scalar running mean R̄ of the signal, shared by every unit of a layer. */
export class MeanBaseline implements Baseline {
  private mean: number;
  /**
   * @param decay c, the weight of the old mean, in [0, 1) @default 0.9
   * @param initial R̄ before the first batch @default 0
   */
  constructor(
    readonly decay = 0.9,
    initial = 0,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`MeanBaseline: decay must be in [0, 1), got ${decay}`);
    this.mean = initial;
  }
  value(): tf.Tensor2D {
    return tf.tensor2d([[this.mean]]);
  }
  valueArray(): Float32Array {
    return Float32Array.of(this.mean);
  }
  update(_h: tf.Tensor2D, _p: tf.Tensor2D, signal: tf.Tensor2D): void {
    this.updateFromMoments({ signal: tf.tidy(() => tf.mean(signal).dataSync()[0]!), e2: new Float64Array(0), e2Signal: new Float64Array(0) });
  }
  updateFromMoments(m: BatchMoments): void {
    this.mean = this.decay * this.mean + (1 - this.decay) * m.signal;
  }
  state(): Record<string, number[]> {
    return { mean: [this.mean] };
  }
  load(state: Record<string, number[]>): void {
    const m = state['mean']?.[0];
    if (typeof m !== 'number' || !Number.isFinite(m)) throw new RangeError(`MeanBaseline.load: mean must be one finite number, got ${JSON.stringify(state['mean'])}`);
    this.mean = m;
  }
  dispose(): void {}
}
