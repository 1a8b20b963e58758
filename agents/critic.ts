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
    // Inside tidy, so that the initial-value tensors are released (a variable keeps the data).
    this.vars = tf.tidy(() => [
      tf.variable(tf.tensor2d(init(inputSize, hidden), [inputSize, hidden]), true, `${name}/W0`),
      tf.variable(tf.zeros([1, hidden]), true, `${name}/b0`),
      tf.variable(tf.tensor2d(init(hidden, 1), [hidden, 1]), true, `${name}/W1`),
      tf.variable(tf.zeros([1, 1]), true, `${name}/b1`),
    ]);
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
    // The gradient of this two-layer regression is written out instead of taken with
    // `optimizer.minimize`: a bare @tensorflow/tfjs-core install registers no gradient functions
    // for built-in ops (the union package @tensorflow/tfjs does), so autodiff would fail.
    //   z = tanh(x·W0 + b0), V = z·W1 + b1, loss = mean[(V − target)²]
    //   dV = 2(V − target)/M, dW1 = zᵀ·dV, db1 = Σ dV, dz = dV·W1ᵀ ⊙ (1 − z²), dW0 = xᵀ·dz, db0 = Σ dz
    const [W0, b0, W1, b1] = this.vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return tf.tidy(() => {
      const z = tf.tanh(tf.add(tf.matMul(x, W0 as tf.Tensor2D), b0));
      const err = tf.sub(tf.add(tf.matMul(z, W1 as tf.Tensor2D), b1), target) as tf.Tensor2D;
      const loss = tf.mean(tf.square(err)).dataSync()[0]!;
      const dV = tf.mul(err, 2 / x.shape[0]) as tf.Tensor2D;
      const dz = tf.mul(tf.matMul(dV, W1 as tf.Tensor2D, false, true), tf.sub(1, tf.square(z))) as tf.Tensor2D;
      this.optimizer.applyGradients({
        [W0.name]: tf.matMul(x, dz, true, false),
        [b0.name]: tf.sum(dz, 0, true),
        [W1.name]: tf.matMul(z, dV, true, false),
        [b1.name]: tf.sum(dV, 0, true),
      });
      return loss;
    });
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
