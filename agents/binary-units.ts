/**
 * Sampling binary stochastic units, the innermost loop of acting: p = σ(a), h = 1[u < p], with
 * the uniforms u drawn in bulk from the agent's {@link Rng}.
 *
 * Two implementations of each compute the same numbers: the WebAssembly sampler (`src/kernels/`), used when it
 * loads and the batch is large enough to amortise the call, and the JavaScript loop below. The
 * tests check that they agree bit for bit, so which one runs never changes a result.
 *
 * @module
 */
import type { Rng } from '../src/core/rng.js';
import { sigmoid } from './sigmoid.js';
import { wasmKernels } from '../src/kernels/index.js';

/** Units below which the JavaScript loop is used (a WebAssembly call and its copies cost ~1 µs). */
export const WASM_MIN_UNITS = 32;

/** Binary units: p = σ(a), h = 1[u < p], for the first `n` numbers. */
export function sampleBinary(a: Float32Array, p: Float32Array, h: Float32Array, u: Float32Array, n: number): void {
  const w = n >= WASM_MIN_UNITS ? wasmKernels() : undefined;
  if (w) w.sampleBinary(a, p, h, u, n);
  else sampleBinaryJs(a, p, h, u, n);
}

/** {@link sampleBinary} as a JavaScript loop over {@link sigmoid}. */
export function sampleBinaryJs(a: Float32Array, p: Float32Array, h: Float32Array, u: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const q = sigmoid(a[k]!);
    p[k] = q;
    // A number, not a branch: u < q is a coin flip, which a branch predictor cannot learn.
    h[k] = +(u[k]! < q);
  }
}

/**
 * Fills `out` with `rng`'s next float32 uniforms, the numbers `rng.fillUniform32(out)` gives, and
 * advances `rng` past them: on the WebAssembly kernel (about 4× faster) for long fills.
 */
export function fillUniforms(rng: Rng, out: Float32Array): Float32Array {
  const w = out.length >= WASM_MIN_UNITS ? wasmKernels() : undefined;
  if (!w) return rng.fillUniform32(out);
  const state = rng.state();
  w.fillUniform32(state, out);
  rng.setState(state);
  return out;
}
