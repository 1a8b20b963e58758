/**
 * The critic: a state-value network V(s), separate from the policy neurons.
 *
 * V is an ordinary deterministic network (one tanh hidden layer, linear output) trained by
 * regression: it minimises mean[(V(s) − target)²] with Adam, where the target is the return G_t
 * (episodic credit) or the TD target r + γV(s′) (online credit). Its only use is to centre the
 * broadcast signal (R − V(s), or the TD error) and to bootstrap truncated returns; the policy's
 * neurons never see its gradients.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../src/core/rng.js';

let nextCriticId = 0;

/** V(s) with its own optimiser. */
export class Critic {
  private readonly vars: tf.Variable[];
  private readonly optimizer: tf.Optimizer;
  /** Inputs per row. */
  readonly inputSize: number;
  /** Hidden units. */
  readonly hidden: number;

  /**
   * @param inputSize encoded inputs per row
   * @param hidden tanh units @default 64
   * @param learningRate Adam step size @default 0.005
   * @param rng draws the initial weights
   */
  constructor(inputSize: number, hidden: number, learningRate: number, rng: Rng) {
    const name = `rewardcast_critic${nextCriticId++}`;
    this.inputSize = inputSize;
    this.hidden = hidden;
    const init = (nIn: number, nOut: number): Float32Array => {
      const limit = Math.sqrt(6 / (nIn + nOut));
      return Float32Array.from({ length: nIn * nOut }, () => rng.uniform(-limit, limit));
    };
    this.vars = [
      tf.variable(tf.tensor2d(init(inputSize, hidden), [inputSize, hidden]), true, `${name}/W0`),
      tf.variable(tf.zeros([1, hidden]), true, `${name}/b0`),
      tf.variable(tf.tensor2d(init(hidden, 1), [hidden, 1]), true, `${name}/W1`),
      tf.variable(tf.zeros([1, 1]), true, `${name}/b1`),
    ];
    this.optimizer = tf.train.adam(learningRate);
  }

  private predict(x: tf.Tensor2D): tf.Tensor2D {
    const [W0, b0, W1, b1] = this.vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, W0), b0)), W1), b1) as tf.Tensor2D;
  }

  /** V for `rows` encoded inputs. */
  values(x: Float32Array, rows: number): Float32Array {
    if (rows === 0) return new Float32Array(0);
    return tf.tidy(() => this.predict(tf.tensor2d(x.subarray(0, rows * this.inputSize), [rows, this.inputSize])).dataSync() as Float32Array).slice();
  }

  /** V as a tensor (M × 1) for a batch already on the backend. The caller disposes it. */
  valuesTensor(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.predict(x));
  }

  /** One Adam step on mean[(V(x) − target)²]; returns the loss before the step. */
  fit(x: tf.Tensor2D, target: tf.Tensor2D): number {
    const loss = this.optimizer.minimize(() => tf.mean(tf.square(tf.sub(this.predict(x), target))) as tf.Scalar, true);
    const v = loss ? loss.dataSync()[0]! : Number.NaN;
    loss?.dispose();
    return v;
  }

  /** The weights, for saving. */
  snapshot(): number[][] {
    return this.vars.map((v) => Array.from(v.dataSync()));
  }

  /** Restores {@link Critic.snapshot}. */
  restore(snap: number[][]): void {
    if (!Array.isArray(snap) || snap.length !== this.vars.length) throw new RangeError(`Critic.restore: expected ${this.vars.length} tensors, got ${Array.isArray(snap) ? snap.length : 'none'}`);
    tf.tidy(() => {
      for (const [i, v] of this.vars.entries()) {
        if (snap[i]!.length !== v.size) throw new RangeError(`Critic.restore: tensor ${i} must hold ${v.size} numbers, got ${snap[i]!.length}`);
        v.assign(tf.tensor(snap[i]!, v.shape));
      }
    });
  }

  /** Releases the variables and the optimiser's slots. */
  dispose(): void {
    this.optimizer.dispose();
    for (const v of this.vars) v.dispose();
  }
}
