/**
 * The forward pass on typed arrays: the affine map, the binary layer, the action head, and the
 * row-split pass the kernel threads run. They are small functions over plain typed arrays because
 * V8 optimises these far better than the same loops reading their arrays through an object inside
 * one large method (measured: about 2.5× on the whole pass). The unit kinds (`./units/`) build on
 * them; `PolicyNetwork.forward` and the threads run exactly these functions, so a pass split over
 * rows between threads computes every number as the one-thread pass does.
 *
 * @module
 */
import type { Rng } from '../src/core/rng.js';
import { fillUniforms, sampleBinary, WASM_MIN_UNITS } from './binary-units.js';
import { wasmKernels } from '../src/kernels/index.js';
import { binaryActions, sampleHead, type HeadLayout } from './heads.js';
import type { UnitKind } from './units/types.js';

export { sampleBinary };

/**
 * a = x·W + b for `rows` rows (W is nIn × nOut, row-major). Wide layers accumulate row by row of
 * W; narrow ones (the action head) take one dot product per unit, which avoids an inner loop of
 * one or two iterations. Zero inputs are not skipped: with binary inputs the test would
 * mispredict half the time and cost more than the multiply.
 */
export function affine(x: Float32Array, W: Float32Array, b: Float32Array, a: Float32Array, rows: number, nIn: number, nOut: number): void {
  if (nOut <= 4) {
    for (let row = 0; row < rows; row++) {
      const xo = row * nIn;
      for (let j = 0; j < nOut; j++) {
        let sum = b[j]!;
        for (let i = 0; i < nIn; i++) sum += x[xo + i]! * W[i * nOut + j]!;
        a[row * nOut + j] = sum;
      }
    }
    return;
  }
  for (let row = 0; row < rows; row++) {
    const xo = row * nIn;
    const ao = row * nOut;
    for (let j = 0; j < nOut; j++) a[ao + j] = b[j]!;
    for (let i = 0; i < nIn; i++) {
      const xi = x[xo + i]!;
      const wo = i * nOut;
      for (let j = 0; j < nOut; j++) a[ao + j] += xi * W[wo + j]!;
    }
  }
}


/** One layer of a {@link forwardRows} pass: its shape, weights and records (all rows × units). */
export interface RowsLayer {
  /** Inputs. */
  readonly nIn: number;
  /** Units. */
  readonly nOut: number;
  /** The layer's unit kind (one with a row-split pass), or undefined for the action head. */
  readonly unit: UnitKind | undefined;
  /** W, nIn × nOut. */
  readonly W: Float32Array;
  /** b, nOut. */
  readonly b: Float32Array;
  /** Inputs x (layer 0: filled by the caller; later layers: written here from the layer below). */
  readonly x: Float32Array;
  /** Pre-activations. */
  readonly a: Float32Array;
  /** Probabilities. */
  readonly p: Float32Array;
  /** Samples. */
  readonly h: Float32Array;
  /** The unit's recorded noise (else empty). */
  readonly aux: Float32Array;
  /** This layer's uniforms, drawn beforehand, rows × nOut. */
  readonly u: Float32Array;
}

/**
 * The forward pass of rows `r0 … r1 − 1` through every layer, from uniforms drawn beforehand. A row
 * depends on no other row, so threads that take disjoint row ranges compute, together, exactly
 * what one pass over all rows computes.
 */
export function forwardRows(layers: readonly RowsLayer[], head: HeadLayout, actions: Float32Array, r0: number, r1: number): void {
  const rows = r1 - r0;
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l]!;
    const { nIn, nOut } = L;
    const lo = r0 * nOut;
    const hi = r1 * nOut;
    const x = L.x.subarray(r0 * nIn, r1 * nIn);
    const a = L.a.subarray(lo, hi);
    const p = L.p.subarray(lo, hi);
    const h = L.h.subarray(lo, hi);
    const u = L.u.subarray(lo, hi);
    if (L.unit) L.unit.sampleRows!(x, L.W, L.b, u, a, p, h, L.aux.subarray(lo, hi), rows, nIn, nOut);
    else headLayer(head, x, L.W, L.b, u, a, p, h, rows, nIn, actions.subarray(r0 * head.actSize, r1 * head.actSize));
    if (l + 1 < layers.length) layers[l + 1]!.x.set(h, r0 * layers[l + 1]!.nIn);
  }
}

/**
 * A layer of binary units: a = x·W + b (W is nIn × nOut, row-major), p = σ(a), h = 1[u < p], for
 * `rows` rows: `affine` then {@link sampleBinary}, fused into one WebAssembly call when the kernels
 * are loaded and nOut is even, with the same numbers either way.
 */
export function binaryLayer(
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  u: Float32Array,
  a: Float32Array,
  p: Float32Array,
  h: Float32Array,
  rows: number,
  nIn: number,
  nOut: number,
): void {
  const w = nOut % 2 === 0 && rows * nOut >= WASM_MIN_UNITS ? wasmKernels() : undefined;
  if (w) {
    w.binaryLayer(x, W, b, u, a, p, h, rows, nIn, nOut);
    return;
  }
  affine(x, W, b, a, rows, nIn, nOut);
  sampleBinary(a, p, h, u, rows * nOut);
}

/**
 * The action head for `rows` rows: its affine map, its sampling and the actions. A head of one
 * binary unit (Bernoulli) runs as one WebAssembly call when the kernels are loaded; every head
 * computes the same numbers either way.
 */
export function headLayer(
  head: HeadLayout,
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  u: Float32Array,
  a: Float32Array,
  p: Float32Array,
  h: Float32Array,
  rows: number,
  nIn: number,
  actions: Float32Array,
): void {
  const w = head.kind === 'bernoulli' && rows >= WASM_MIN_UNITS ? wasmKernels() : undefined;
  if (w) {
    w.singleLayer(x, W, b, u, a, p, h, rows, nIn);
    binaryActions(head, h, rows, actions);
    return;
  }
  affine(x, W, b, a, rows, nIn, head.units);
  sampleHead(head, a, p, h, u, rows, actions);
}

/**
 * {@link binaryLayer} with its uniforms drawn from `rng`: the same numbers as
 * `binaryLayer(…, fillUniforms(rng, u), …)`. On the WebAssembly kernel the draws happen inside the
 * layer's loop, where they overlap with the arithmetic, and the uniforms are never stored.
 */
export function binaryLayerFromRng(
  rng: Rng,
  uScratch: Float32Array,
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  a: Float32Array,
  p: Float32Array,
  h: Float32Array,
  rows: number,
  nIn: number,
  nOut: number,
): void {
  const w = nOut % 2 === 0 && rows * nOut >= WASM_MIN_UNITS ? wasmKernels() : undefined;
  if (w) {
    const state = rng.state();
    w.binaryLayer(x, W, b, state, a, p, h, rows, nIn, nOut);
    rng.setState(state);
    return;
  }
  binaryLayer(x, W, b, fillUniforms(rng, uScratch.subarray(0, rows * nOut)), a, p, h, rows, nIn, nOut);
}
