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
import { kernelChoice } from '../src/kernels/index.js';
import { F32Kernels } from '../src/kernels/f32/index.js';
import { fillUniforms } from './binary-units.js';
import { affine, forwardRows, headLayer, type RowsLayer } from './forward.js';
import { binaryActions, modeHead, type HeadLayout } from './heads.js';
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
  /**
   * The float32 kernels, when the network runs on the `f32` kernel path (see `src/kernels/`):
   * then its weight mirrors and records live in their memory and pass to them without copies.
   */
  readonly f32: F32Kernels | undefined;
  private poolUniforms: Float32Array = new Float32Array(0);

  /**
   * @param inputSize encoded inputs
   * @param hidden units per hidden layer
   * @param unit unit kind of the hidden layers
   * @param head the action head
   * @param rng draws the initial weights
   * @param noiseStd s for noisy-rectifier units @default 1
   * @param threads threads for the forward pass (and the agent's typed update) on the float64
   *   paths; more than one puts the mirrors and records in shared memory (see `KernelPool`). On
   *   the `f32` path the network runs on one thread whatever this is. Only networks whose unit
   *   kind has a row-split pass use threads (binary, stochastic-times-smooth); others keep one.
   *   @default 1
   */
  constructor(inputSize: number, hidden: readonly number[], unit: UnitKind, head: HeadLayout, rng: Rng, noiseStd = 1, threads = 1) {
    this.name = `rewardcast_net${nextNetworkId++}`;
    this.units = hidden.map(() => unit);
    // The f32 path covers networks whose hidden kinds have a float32 pass (binary units).
    this.f32 = kernelChoice().name === 'f32' && (hidden.length === 0 || unit.sampleF32 !== undefined) ? F32Kernels.create() : undefined;
    this.pool = !this.f32 && threads > 1 && runsOnThreads(unit) ? new KernelPool(threads) : undefined;
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

  /**
   * A zeroed Float32Array: in the float32 kernels' memory on the `f32` path, in shared memory when
   * the network runs on threads.
   */
  alloc(n: number): Float32Array {
    if (this.f32) return this.f32.alloc(n);
    return this.pool ? sharedFloat32(n) : new Float32Array(n);
  }

  /**
   * Whether binary hidden layers and the head keep their uniforms u in the records' `aux` (for
   * estimators whose rule uses the unit's noise: node perturbation, ARM). The stream drawn is the
   * same. Set before the first records are allocated. Such networks act on the float64 loops.
   */
  keepUniforms = false;
  /**
   * Where the forward pass takes its uniforms from instead of the RNG: fills layer `layer`'s
   * rows × units uniforms (row-major), e.g. the antithetic stream of paired rows
   * (`agents/pairing.ts`). Implies {@link PolicyNetwork.keepUniforms}; runs on one thread, on the
   * float64 loops.
   */
  uniformSource: ((layer: number, out: Float32Array, rows: number, units: number) => void) | undefined = undefined;

  /**
   * Per-row weights for weight-perturbation estimators (`agents/pairing.ts`): row r acts with
   * θ + v, where v = `rowPerturbation(r)` holds one entry per parameter, laid out W₀, b₀, W₁, b₁, …
   * (row-major, see {@link PolicyNetwork.parameterCount}); undefined: θ for that row. Acting then
   * runs row by row on the float64 loops, with the uniforms drawn as for the whole batch.
   */
  rowPerturbation: ((row: number) => Float32Array | undefined) | undefined = undefined;

  /** Parameters in all: Σ over layers of nIn·nOut + nOut. */
  get parameterCount(): number {
    return this.shapes.reduce((s, sh) => s + sh.nIn * sh.nOut + sh.nOut, 0);
  }

  /** Whether layer l keeps its uniforms in `aux`. */
  private keeps(l: number): boolean {
    return (this.keepUniforms || this.uniformSource !== undefined) && (l === this.shapes.length - 1 || this.units[l]?.id === 'binary');
  }

  /**
   * Allocates records for `rows` rows (in shared memory when the network runs on threads). On the
   * `f32` path a layer's inputs x are the layer below's outputs h (one array), so nothing is copied
   * between layers.
   */
  allocRecords(rows: number): LayerRecord[] {
    const recs: LayerRecord[] = [];
    for (const [l, s] of this.shapes.entries()) {
      recs.push({
        x: this.f32 && l > 0 ? recs[l - 1]!.h : this.alloc(rows * s.nIn),
        a: this.alloc(rows * s.nOut),
        p: this.alloc(rows * s.nOut),
        h: this.alloc(rows * s.nOut),
        aux: this.units[l]?.aux || this.keeps(l) ? this.alloc(rows * s.nOut) : new Float32Array(0),
      });
    }
    return recs;
  }

  /**
   * The forward pass for `rows` rows: fills `rec` and writes the actions.
   * @param input encoded inputs, rows × inputSize
   */
  forward(input: Float32Array, rows: number, rec: LayerRecord[], rng: Rng, actions: Float32Array, uniforms: Float32Array): void {
    const L = this.shapes.length;
    rec[0]!.x.set(input.subarray(0, rows * this.shapes[0]!.nIn));
    if (this.rowPerturbation) {
      this.forwardPerturbed(this.rowPerturbation, rows, rec, rng, actions, uniforms);
      return;
    }
    const keep = this.keepUniforms || this.uniformSource !== undefined;
    if (this.pool && !keep) {
      this.forwardOnThreads(this.pool, rows, rec, rng, actions);
      return;
    }
    if (this.f32 && !keep) {
      this.forwardF32(this.f32, rows, rec, rng, actions, uniforms);
      return;
    }
    const fill = (l: number, u: Float32Array, nOut: number): Float32Array => {
      if (this.uniformSource) this.uniformSource(l, u, rows, nOut);
      else fillUniforms(rng, u);
      return u;
    };
    // Every layer draws rows × nOut uniforms first (see `units/types.ts`), so the stream is the
    // same whichever implementation runs.
    for (let l = 0; l < L - 1; l++) {
      const { nIn, nOut } = this.shapes[l]!;
      const r = rec[l]!;
      const unit = this.units[l]!;
      if (this.keeps(l) && unit.sampleRows) {
        const u = fill(l, r.aux.subarray(0, rows * nOut), nOut);
        unit.sampleRows(r.x, this.wMirror[l]!, this.bMirror[l]!, u, r.a, r.p, r.h, r.aux, rows, nIn, nOut);
      } else unit.sample({ x: r.x, W: this.wMirror[l]!, b: this.bMirror[l]!, a: r.a, p: r.p, h: r.h, aux: r.aux, rows, nIn, nOut, rng, uniforms, noiseStd: this.noiseStd });
      const next = rec[l + 1]!.x;
      if (next !== r.h) next.set(r.h.subarray(0, rows * nOut));
    }
    const { nIn, nOut } = this.shapes[L - 1]!;
    const r = rec[L - 1]!;
    const u = fill(L - 1, (this.keeps(L - 1) ? r.aux : uniforms).subarray(0, rows * nOut), nOut);
    headLayer(this.head, r.x, this.wMirror[L - 1]!, this.bMirror[L - 1]!, u, r.a, r.p, r.h, rows, nIn, actions);
  }

  private perturbedW: Float32Array[] = [];
  private perturbedB: Float32Array[] = [];

  /**
   * The forward pass with {@link PolicyNetwork.rowPerturbation}: each layer's uniforms are drawn
   * for all rows first (as in {@link PolicyNetwork.forward}), then each row runs the layer with its
   * own weights θ + v.
   */
  private forwardPerturbed(perturb: (row: number) => Float32Array | undefined, rows: number, rec: LayerRecord[], rng: Rng, actions: Float32Array, uniforms: Float32Array): void {
    const L = this.shapes.length;
    if (this.perturbedW.length !== L) {
      this.perturbedW = this.shapes.map((s) => new Float32Array(s.nIn * s.nOut));
      this.perturbedB = this.shapes.map((s) => new Float32Array(s.nOut));
    }
    const vs = Array.from({ length: rows }, (_, r) => perturb(r));
    const total = this.parameterCount;
    for (const v of vs) if (v && v.length !== total) throw new RangeError(`PolicyNetwork.rowPerturbation: expected ${total} numbers per row, got ${v.length}`);
    // Row r's weights of layer l: the mirrors plus its slice of v (or the mirrors themselves).
    const weightsOf = (l: number, r: number, offset: number): [Float32Array, Float32Array] => {
      const v = vs[r];
      const W = this.wMirror[l]!;
      const b = this.bMirror[l]!;
      if (!v) return [W, b];
      const pw = this.perturbedW[l]!;
      const pb = this.perturbedB[l]!;
      for (let k = 0; k < W.length; k++) pw[k] = W[k]! + v[offset + k]!;
      for (let k = 0; k < b.length; k++) pb[k] = b[k]! + v[offset + W.length + k]!;
      return [pw, pb];
    };
    const fill = (l: number, u: Float32Array, nOut: number): Float32Array => {
      if (this.uniformSource) this.uniformSource(l, u, rows, nOut);
      else fillUniforms(rng, u);
      return u;
    };
    let offset = 0;
    for (let l = 0; l < L; l++) {
      const { nIn, nOut } = this.shapes[l]!;
      const r = rec[l]!;
      const head = l === L - 1;
      const unit = this.units[l];
      const keeps = this.keeps(l);
      const u = fill(l, (keeps ? r.aux : uniforms).subarray(0, rows * nOut), nOut);
      for (let row = 0; row < rows; row++) {
        const [W, b] = weightsOf(l, row, offset);
        const x = r.x.subarray(row * nIn, (row + 1) * nIn);
        const o = row * nOut;
        const ur = u.subarray(o, o + nOut);
        const [a, p, h] = [r.a.subarray(o, o + nOut), r.p.subarray(o, o + nOut), r.h.subarray(o, o + nOut)];
        if (head) {
          const act = this.head.actSize;
          headLayer(this.head, x, W, b, ur, a, p, h, 1, nIn, actions.subarray(row * act, (row + 1) * act));
          continue;
        }
        const aux = r.aux.length > 0 ? r.aux.subarray(o, o + nOut) : r.aux;
        if (unit!.sampleRows) unit!.sampleRows(x, W, b, ur, a, p, h, aux, 1, nIn, nOut);
        else throw new RangeError(`PolicyNetwork: weight perturbation needs hidden units with a row pass, got '${unit!.id}'`);
      }
      if (!head) {
        const next = rec[l + 1]!.x;
        if (next !== r.h) next.set(r.h.subarray(0, rows * nOut));
      }
      offset += nIn * nOut + nOut;
    }
  }

  /**
   * The forward pass on the float32 kernels: the hidden layers' `sampleF32`, and a head of binary
   * units (every kind but categorical) as one float32 layer, each drawing its uniforms inside, in
   * the order of the other paths; a categorical head runs its JavaScript loop. Records resident in
   * the kernels' memory pass without copies; others (a caller's own) are copied.
   */
  private forwardF32(k: F32Kernels, rows: number, rec: LayerRecord[], rng: Rng, actions: Float32Array, uniforms: Float32Array): void {
    const L = this.shapes.length;
    for (let l = 0; l < L - 1; l++) {
      const { nIn, nOut } = this.shapes[l]!;
      const r = rec[l]!;
      this.units[l]!.sampleF32!(k, { x: r.x, W: this.wMirror[l]!, b: this.bMirror[l]!, a: r.a, p: r.p, h: r.h, aux: r.aux, rows, nIn, nOut, rng, uniforms, noiseStd: this.noiseStd });
      const next = rec[l + 1]!.x;
      if (next !== r.h) next.set(r.h.subarray(0, rows * nOut));
    }
    const { nIn, nOut } = this.shapes[L - 1]!;
    const r = rec[L - 1]!;
    const W = this.wMirror[L - 1]!;
    const b = this.bMirror[L - 1]!;
    if (this.head.kind === 'categorical') {
      headLayer(this.head, r.x, W, b, fillUniforms(rng, uniforms.subarray(0, rows * nOut)), r.a, r.p, r.h, rows, nIn, actions);
      return;
    }
    const state = rng.state();
    if (nOut === 1) k.singleLayer(r.x, W, b, state, r.a, r.p, r.h, rows, nIn);
    else k.binaryLayer(r.x, W, b, state, r.a, r.p, r.h, rows, nIn, nOut);
    rng.setState(state);
    binaryActions(this.head, r.h, rows, actions);
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
    this.f32?.reset();
  }
}

