/**
 * The logistic function for the typed-array forward pass, about twice as fast as
 * `1 / (1 + Math.exp(−a))` in V8.
 *
 * e^x = 2^k · e^r with k = round(x·log₂e) and r = x − k·ln 2 (|r| ≤ ln 2 / 2, ln 2 split in two
 * parts for accuracy); e^r by its Taylor polynomial to degree 8 (truncation error below 1e-9
 * relative), 2^k from a table. The result differs from the exact logistic by less than 1e-8
 * absolute, below float32 resolution, and every acting path uses this one function, so a given
 * seed samples the same units everywhere. The WebAssembly sampler (`src/kernels/`) evaluates the same
 * operations on the same constants ({@link SIGMOID_CONSTANTS}), in the same order, so it returns
 * the same doubles; its tests check that bit for bit.
 *
 * @module
 */

import { SIGMOID_CONSTANTS } from '../src/kernels/sigmoid-constants.js';

export { SIGMOID_CONSTANTS };

const { log2e: LOG2E, ln2Hi: LN2_HI, ln2Lo: LN2_LO, clamp: CLAMP } = SIGMOID_CONSTANTS;
const POW2_OFFSET = 64;
const POW2 = Float64Array.from({ length: 2 * POW2_OFFSET + 1 }, (_, i) => 2 ** (i - POW2_OFFSET));

/** σ(a) = 1 / (1 + e^(−a)). */
export function sigmoid(a: number): number {
  let x = -a;
  if (x > CLAMP) x = CLAMP;
  else if (x < -CLAMP) x = -CLAMP;
  const k = Math.round(x * LOG2E);
  const r = x - k * LN2_HI - k * LN2_LO;
  const er = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320))))))));
  return 1 / (1 + er * POW2[k + POW2_OFFSET]!);
}
