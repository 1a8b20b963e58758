/**
 * The policy network: layers of stochastic units, with weights held twice.
 *
 * - As tf.Variables, which the optimisers update and `save` reads.
 * - As Float32Array mirrors, which the forward pass reads. Acting runs one batched step per env
 *   step, and a tfjs op costs 10–40 µs to dispatch, so sampling runs on typed arrays. The mirrors
 *   are refreshed after every update.
 *
 * The forward pass draws every uniform from the agent's {@link Rng} (no tfjs random ops), so the
 * same seed gives the same actions on every backend. It records, per layer, the input x, the
 * pre-activation a, the probability p, the sample h and any noise the unit used (z for the noisy
 * rectifier, b for stochastic-times-smooth). The update reads those records.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../src/core/rng.js';
import { fillUniforms } from './binary-units.js';
import { affine, forwardRows, headLayer, type RowsLayer } from './forward.js';
import { modeHead, type HeadLayout } from './heads.js';
import { KernelPool, sharedFloat32 } from './parallel.js';
import { runsOnThreads, type UnitKind } from './units/index.js';

/** Shape and unit kind of one layer. */
export interface LayerShape {
  /** Inputs. */
  readonly nIn: number;
  /** Units. */
  readonly nOut: number;
  /** Unit kind: a hidden kind's id, or `'head'` for the output layer. */
  readonly kind: string;
}

/** What the forward pass records for one layer, rows × units each (x: rows × nIn). */
export interface LayerRecord {
  /** Inputs. */
  readonly x: Float32Array;
  /** Pre-activations. */
  readonly a: Float32Array;
  /** Probabilities (σ(a), softmax for a categorical head; for tanh and noisy rectifier units: unused zeros). */
  readonly p: Float32Array;
  /** Outputs (samples). */
  readonly h: Float32Array;
  /** Noise kept for the backward rule: z (noisy rectifier) or b (stochastic times smooth); else empty. */
  readonly aux: Float32Array;
}

let nextNetworkId = 0;

/** Weights and the typed-array forward pass. */
export class PolicyNetwork {
  /** The layers, input first, the head last. */
  readonly shapes: readonly LayerShape[];
  /** W per layer (nIn × nOut), as tf.Variables. */
  readonly weights: tf.Variable<tf.Rank.R2>[];
  /** b per layer (1 × nOut), as tf.Variables. */
  readonly biases: tf.Variable<tf.Rank.R2>[];
  private readonly wMirror: Float32Array[];
  private readonly bMirror: Float32Array[];
  /** The head layout. */
  readonly head: HeadLayout;
  /** Noise scale s of noisy-rectifier units. */
  readonly noiseStd: number;
  /** Unique prefix of this network's variable names. */
  readonly name: string;
  /** The unit kind of each hidden layer. */
  readonly units: readonly UnitKind[];
  /** The kernel threads, when the network runs on more than one. */
  readonly pool: KernelPool | undefined;
  private poolUniforms: Float32Array = new Float32Array(0);

  /**
   * @param inputSize encoded inputs
   * @param hidden units per hidden layer
   * @param unit unit kind of the hidden layers
   * @param head the action head
   * @param rng draws the initial weights
   * @param noiseStd s for noisy-rectifier units @default 1
   * @param threads threads for the forward pass (and the agent's typed update); more than one
   *   puts the mirrors and records in shared memory (see `KernelPool`). Only networks whose unit
   *   kind has a row-split pass use threads (binary, stochastic-times-smooth); others keep one.
   *   @default 1
   */
  constructor(inputSize: number, hidden: readonly number[], unit: UnitKind, head: HeadLayout, rng: Rng, noiseStd = 1, threads = 1) {
    this.name = `rewardcast_net${nextNetworkId++}`;
    this.units = hidden.map(() => unit);
    this.pool = threads > 1 && runsOnThreads(unit) ? new KernelPool(threads) : undefined;
    this.head = head;
    this.noiseStd = noiseStd;
    const sizes = [inputSize, ...hidden, head.units];
    this.shapes = sizes.slice(1).map((nOut, l) => ({ nIn: sizes[l]!, nOut, kind: l < hidden.length ? unit.id : 'head' }));
    this.wMirror = [];
    this.bMirror = [];
    this.weights = [];
    this.biases = [];
    for (const [l, s] of this.shapes.entries()) {
      // Glorot-uniform weights from the project RNG; zero biases.
      const limit = Math.sqrt(6 / (s.nIn + s.nOut));
      const w = this.alloc(s.nIn * s.nOut);
      for (let k = 0; k < w.length; k++) w[k] = rng.uniform(-limit, limit);
      const b = this.alloc(s.nOut);
      this.wMirror.push(w);
      this.bMirror.push(b);
      // Inside tidy, so that the initial-value tensors are released (a variable keeps the data).
      this.weights.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [s.nIn, s.nOut]), true, `${this.name}/W${l}`)));
      this.biases.push(tf.tidy(() => tf.variable(tf.tensor2d(b, [1, s.nOut]), true, `${this.name}/b${l}`)));
    }
  }

  /** Copies the variables into the typed mirrors; call after every change to the variables. */
  syncMirrors(): void {
    for (let l = 0; l < this.shapes.length; l++) {
      this.wMirror[l]!.set(this.weights[l]!.dataSync() as Float32Array);
      this.bMirror[l]!.set(this.biases[l]!.dataSync() as Float32Array);
    }
  }

  /** A zeroed Float32Array, in shared memory when the network runs on threads. */
  alloc(n: number): Float32Array {
    return this.pool ? sharedFloat32(n) : new Float32Array(n);
  }

  /** Allocates records for `rows` rows (in shared memory when the network runs on threads). */
  allocRecords(rows: number): LayerRecord[] {
    return this.shapes.map((s, l) => ({
      x: this.alloc(rows * s.nIn),
      a: this.alloc(rows * s.nOut),
      p: this.alloc(rows * s.nOut),
      h: this.alloc(rows * s.nOut),
      aux: this.units[l]?.aux ? this.alloc(rows * s.nOut) : new Float32Array(0),
    }));
  }

  /**
   * The forward pass for `rows` rows: fills `rec` and writes the actions.
   * @param input encoded inputs, rows × inputSize
   */
  forward(input: Float32Array, rows: number, rec: LayerRecord[], rng: Rng, actions: Float32Array, uniforms: Float32Array): void {
    const L = this.shapes.length;
    rec[0]!.x.set(input.subarray(0, rows * this.shapes[0]!.nIn));
    if (this.pool) {
      this.forwardOnThreads(this.pool, rows, rec, rng, actions);
      return;
    }
    // Every layer draws rows × nOut uniforms first (see `units/types.ts`), so the stream is the
    // same whichever implementation runs.
    for (let l = 0; l < L - 1; l++) {
      const { nIn, nOut } = this.shapes[l]!;
      const r = rec[l]!;
      this.units[l]!.sample({ x: r.x, W: this.wMirror[l]!, b: this.bMirror[l]!, a: r.a, p: r.p, h: r.h, aux: r.aux, rows, nIn, nOut, rng, uniforms, noiseStd: this.noiseStd });
      rec[l + 1]!.x.set(r.h.subarray(0, rows * nOut));
    }
    const { nIn, nOut } = this.shapes[L - 1]!;
    const r = rec[L - 1]!;
    const u = fillUniforms(rng, uniforms.subarray(0, rows * nOut));
    headLayer(this.head, r.x, this.wMirror[L - 1]!, this.bMirror[L - 1]!, u, r.a, r.p, r.h, rows, nIn, actions);
  }

  /**
   * The forward pass on the kernel threads: every layer's uniforms are drawn first, in the order
   * the one-thread pass draws them (layer by layer; nothing else draws in between for these unit
   * kinds), then the rows are split between the threads.
   */
  private forwardOnThreads(pool: KernelPool, rows: number, rec: LayerRecord[], rng: Rng, actions: Float32Array): void {
    const total = this.shapes.reduce((s, sh) => s + rows * sh.nOut, 0);
    if (this.poolUniforms.length < total) this.poolUniforms = sharedFloat32(total);
    let offset = 0;
    const layers: RowsLayer[] = this.shapes.map((s, l) => {
      const n = rows * s.nOut;
      const u = fillUniforms(rng, this.poolUniforms.subarray(offset, offset + n));
      offset += n;
      const r = rec[l]!;
      return { nIn: s.nIn, nOut: s.nOut, unit: this.units[l], W: this.wMirror[l]!, b: this.bMirror[l]!, x: r.x, a: r.a, p: r.p, h: r.h, aux: r.aux, u };
    });
    pool.forward(layers, this.head, actions, rows, (r0, r1) => forwardRows(layers, this.head, actions, r0, r1));
  }

  /**
   * The greedy forward pass: every unit takes its most probable output instead of a sample (its
   * kind's `mode`: 1[p ≥ ½] for a binary unit, max(0, a) for a noisy rectifier, …), so it draws no
   * randomness and records nothing; the head takes its mode (see {@link modeHead}). With hidden layers this is the mode of each
   * layer given the one below, a deterministic stand-in for the argmax of the marginal policy;
   * without hidden layers it is exactly the most probable action.
   *
   * @param input encoded inputs, rows × inputSize
   * @param scratch per-layer pre-activation buffers of at least rows × units (reused between calls)
   */
  forwardMode(input: Float32Array, rows: number, actions: Float32Array, scratch: Float32Array[]): void {
    let x = input;
    const L = this.shapes.length;
    for (let l = 0; l < L; l++) {
      const { nIn, nOut } = this.shapes[l]!;
      if ((scratch[l]?.length ?? 0) < rows * nOut) scratch[l] = new Float32Array(rows * nOut);
      const a = scratch[l]!;
      affine(x, this.wMirror[l]!, this.bMirror[l]!, a, rows, nIn, nOut);
      if (l === L - 1) modeHead(this.head, a, rows, actions);
      else this.units[l]!.mode(a, rows * nOut);
      x = a;
    }
  }

  /** The weights and biases as plain arrays, for saving. */
  snapshot(): { W: number[][]; b: number[][] } {
    return {
      W: this.weights.map((w) => Array.from(w.dataSync())),
      b: this.biases.map((b) => Array.from(b.dataSync())),
    };
  }

  /** Restores {@link PolicyNetwork.snapshot}; the shapes must match. */
  restore(snap: { W: number[][]; b: number[][] }): void {
    if (!Array.isArray(snap?.W) || !Array.isArray(snap?.b) || snap.W.length !== this.shapes.length || snap.b.length !== this.shapes.length) {
      throw new RangeError(`PolicyNetwork.restore: expected ${this.shapes.length} layers, got ${Array.isArray(snap?.W) ? snap.W.length : 'none'}`);
    }
    for (const [l, s] of this.shapes.entries()) {
      if (snap.W[l]!.length !== s.nIn * s.nOut || snap.b[l]!.length !== s.nOut) {
        throw new RangeError(`PolicyNetwork.restore: layer ${l} must be ${s.nIn}×${s.nOut}, got ${snap.W[l]!.length} weights and ${snap.b[l]!.length} biases`);
      }
      tf.tidy(() => {
        this.weights[l]!.assign(tf.tensor2d(snap.W[l]!, [s.nIn, s.nOut]));
        this.biases[l]!.assign(tf.tensor2d(snap.b[l]!, [1, s.nOut]));
      });
    }
    this.syncMirrors();
  }

  /** Releases the variables and stops the kernel threads. */
  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
    this.pool?.dispose();
  }
}

