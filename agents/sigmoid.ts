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

const LOG2E = Math.LOG2E;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** |a| beyond which σ(a) is 0 or 1 to double precision. */
const CLAMP = 40;

/**
 * The constants of {@link sigmoid}, for other implementations of the same operations: log₂e, ln 2
 * in a high and a low part, the clamp on |a|, and the Taylor coefficients of e^r (1/i!, i = 0…8,
 * as the double nearest to each).
 */
export const SIGMOID_CONSTANTS = {
  log2e: LOG2E,
  ln2Hi: LN2_HI,
  ln2Lo: LN2_LO,
  clamp: CLAMP,
  taylor: [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320],
} as const;
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
