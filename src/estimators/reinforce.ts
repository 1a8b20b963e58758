/**
 * `reinforce` — the plain local rule, with no baseline.
 *
 *     gᵢ = (hᵢ − pᵢ) · R
 *
 * Source: Bengio, Léonard & Courville 2013 (arXiv:1305.2982 v1, "Estimating or Propagating
 * Gradients Through Stochastic Neurons"), §3.1, Theorem 1: for hᵢ = 1[u < σ(aᵢ)], this is an
 * unbiased estimate of ∂E[R]/∂aᵢ. The same form, with h a one-hot sample and p = softmax(a), is
 * unbiased for a categorical unit (Williams 1992).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernels } from '../kernels/index.js';
import type { BatchMoments, Estimator } from './types.js';
import { baselineState, localEstimate } from './rules.js';
import { reinforceExactRule, tfjsReinforce } from './exact-rules.js';

/** Rows × units below which the JavaScript loops run (a WebAssembly call copies the batch in). */
const WASM_MIN_WORK = 256;
/**
 * Float32 words of a batch (x, h, p, R) above which the JavaScript loops run: the WebAssembly
 * kernels copy the whole batch into their memory, and this keeps that copy under 256 MB.
 */
const WASM_MAX_WORDS = 64 * 1024 * 1024;

/** The estimator. */
export const reinforce: Estimator = {
  id: 'reinforce',
  summary: 'REINFORCE, no baseline: g = (h − p)·R',
  source: 'Bengio et al. 2013, §3.1, Theorem 1',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'none',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: true,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: localEstimate,
  fusedUpdate: reinforceUpdate,
  exact: reinforceExactRule('none', (_net, t) => tfjsReinforce(t)),
};

/**
 * The REINFORCE estimate g = (h − p)·(signal − baseline), elementwise with broadcasting.
 * Every estimator of the REINFORCE family is this function with a different baseline.
 *
 * @param h samples, M × units
 * @param p firing probabilities at sampling time, M × units
 * @param signal the broadcast learning signal, M × 1
 * @param baseline L̄, 1 × 1 or 1 × units (omit for none)
 */
export function reinforceGrad(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D, baseline?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(h, p), baseline ? tf.sub(signal, baseline) : signal) as tf.Tensor2D);
}

/**
 * Batch moments of the tensor form, for {@link Baseline.updateFromMoments}.
 * @param h samples, M × units; @param p probabilities, M × units; @param signal R, M × 1
 */
export function batchMoments(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D): BatchMoments {
  const [r, e2, e2Signal] = tf.tidy(() => {
    const sq = tf.square(tf.sub(h, p));
    return [tf.mean(signal), tf.mean(sq, 0), tf.mean(tf.mul(sq, signal), 0)];
  });
  const m = { signal: r.dataSync()[0]!, e2: Float64Array.from(e2.dataSync()), e2Signal: Float64Array.from(e2Signal.dataSync()) };
  tf.dispose([r, e2, e2Signal]);
  return m;
}

/** Where {@link reinforceUpdate} writes. */
export interface ReinforceUpdateOut {
  /** ΔW = xᵀg / M, nIn × nOut, row-major. */
  readonly dW: Float32Array;
  /** Δb = mean over the batch of g, nOut. */
  readonly db: Float32Array;
  /** The batch's {@link BatchMoments}, per unit. */
  readonly moments: { signal: number; readonly e2: Float64Array; readonly e2Signal: Float64Array };
}

/**
 * The same estimate on typed arrays, fused with its local chain rule: one pass over the batch
 * computes gᵢ = (hᵢ − pᵢ)(R − L̄ᵢ) for every row and unit, accumulates ΔW = xᵀg / M and
 * Δb = mean(g) in float64, and the moments the running baselines need. It is the fast path of
 * {@link reinforceGrad} followed by the chain rule, for batches where a tfjs op per step of the
 * formula costs more than the arithmetic; the tests check that both agree to float tolerance.
 *
 * @param x inputs, M × nIn (row-major)
 * @param h samples, M × nOut
 * @param p probabilities, M × nOut
 * @param signal R per row, M
 * @param baseline L̄: nOut numbers, or 1 shared
 * @param j0 first unit to compute @default 0
 * @param j1 one past the last unit to compute @default nOut
 *
 * With a unit range, only those units' columns of ΔW, entries of Δb and moments are written (the
 * signal mean is always). Each unit's sums run over the rows in the same order whatever the range,
 * so threads that split the units between them reproduce the one-thread result exactly.
 */
export function reinforceUpdate(
  x: Float32Array,
  h: Float32Array,
  p: Float32Array,
  signal: Float32Array,
  baseline: Float32Array,
  M: number,
  nIn: number,
  nOut: number,
  out: ReinforceUpdateOut,
  j0 = 0,
  j1 = nOut,
): void {
  const words = M * (nIn + 2 * nOut + 1);
  const w = M * (j1 - j0) >= WASM_MIN_WORK && words <= WASM_MAX_WORDS ? wasmKernels() : undefined;
  if (w && nOut === 1) {
    w.updateSingle(x, h, p, signal, baseline, M, nIn, out);
    out.moments.signal = meanOf(signal, M);
    return;
  }
  if (nIn <= 4) {
    // On the WebAssembly kernel two units at a time; an odd last unit in JavaScript.
    const even = w ? j0 + ((j1 - j0) & ~1) : j0;
    if (even > j0) w!.updateFew(x, h, p, signal, baseline, M, nIn, nOut, out, j0, even);
    updateFewInputs(x, h, p, signal, baseline, M, nIn, nOut, out, even, j1);
    return;
  }
  const dW = new Float64Array(nIn * nOut);
  const db = new Float64Array(nOut);
  const e2 = out.moments.e2;
  const e2R = out.moments.e2Signal;
  e2.fill(0, j0, j1);
  e2R.fill(0, j0, j1);
  const g = new Float64Array(nOut);
  const shared = baseline.length === 1;
  // Skipping zero inputs saves a row of multiply-adds when the row is long; for a short one the
  // test costs more than it saves (binary inputs make it a coin flip). Both give the same sums:
  // a skipped term is ±0.
  const skipZeros = j1 - j0 >= 16;
  let sumR = 0;
  for (let r = 0; r < M; r++) {
    const R = signal[r]!;
    sumR += R;
    const ho = r * nOut;
    for (let j = j0; j < j1; j++) {
      const e = h[ho + j]! - p[ho + j]!;
      const gj = e * (R - (shared ? baseline[0]! : baseline[j]!));
      g[j] = gj;
      db[j] += gj;
      const ee = e * e;
      e2[j] += ee;
      e2R[j] += ee * R;
    }
    const xo = r * nIn;
    for (let i = 0; i < nIn; i++) {
      const xi = x[xo + i]!;
      if (skipZeros && xi === 0) continue;
      const wo = i * nOut;
      for (let j = j0; j < j1; j++) dW[wo + j] += xi * g[j]!;
    }
  }
  for (let i = 0; i < nIn; i++) for (let j = j0; j < j1; j++) out.dW[i * nOut + j] = dW[i * nOut + j]! / M;
  for (let j = j0; j < j1; j++) {
    out.db[j] = db[j]! / M;
    e2[j] /= M;
    e2R[j] /= M;
  }
  out.moments.signal = sumR / M;
}

/**
 * {@link reinforceUpdate} for layers of at most 4 inputs (an env's raw observation, e.g.
 * CartPole's), unit by unit: each unit's sums stay in registers instead of arrays, which is about
 * 2.4× faster for CartPole's first layer. Every sum runs over the rows in the same order as the
 * row-by-row loop, so the results are the same to the bit.
 */
function updateFewInputs(
  x: Float32Array,
  h: Float32Array,
  p: Float32Array,
  signal: Float32Array,
  baseline: Float32Array,
  M: number,
  nIn: number,
  nOut: number,
  out: ReinforceUpdateOut,
  j0: number,
  j1: number,
): void {
  const shared = baseline.length === 1;
  for (let j = j0; j < j1; j++) {
    const bj = shared ? baseline[0]! : baseline[j]!;
    let db = 0;
    let e2 = 0;
    let e2R = 0;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    for (let r = 0, ho = j, xo = 0; r < M; r++, ho += nOut, xo += nIn) {
      const R = signal[r]!;
      const e = h[ho]! - p[ho]!;
      const g = e * (R - bj);
      db += g;
      const ee = e * e;
      e2 += ee;
      e2R += ee * R;
      w0 += x[xo]! * g;
      if (nIn > 1) w1 += x[xo + 1]! * g;
      if (nIn > 2) w2 += x[xo + 2]! * g;
      if (nIn > 3) w3 += x[xo + 3]! * g;
    }
    out.dW[j] = w0 / M;
    if (nIn > 1) out.dW[nOut + j] = w1 / M;
    if (nIn > 2) out.dW[2 * nOut + j] = w2 / M;
    if (nIn > 3) out.dW[3 * nOut + j] = w3 / M;
    out.db[j] = db / M;
    out.moments.e2[j] = e2 / M;
    out.moments.e2Signal[j] = e2R / M;
  }
  out.moments.signal = meanOf(signal, M);
}

/** The mean of the first M numbers, summed in order. */
function meanOf(signal: Float32Array, M: number): number {
  let sum = 0;
  for (let r = 0; r < M; r++) sum += signal[r]!;
  return sum / M;
}
