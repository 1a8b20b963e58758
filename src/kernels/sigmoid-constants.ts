/**
 * The constants of rewardcast's logistic function, shared by its JavaScript form
 * (`agents/sigmoid.ts`) and its WebAssembly form (`kernels-wat.ts`), which evaluate the same
 * operations on them in the same order and so return the same doubles.
 *
 * e^x = 2^k · e^r with k = round(x·log₂e) and r = x − k·ln 2, ln 2 split in a high and a low part
 * for accuracy (Cody & Waite 1980, ch. 6); e^r by its Taylor polynomial to degree 8; |a| clamped
 * at 40, beyond which σ(a) is 0 or 1 to double precision.
 * @module
 */

/** log₂e, ln 2 in two parts, the clamp on |a|, and the Taylor coefficients 1/i! (i = 0…8) of e^r, each the nearest double. */
export const SIGMOID_CONSTANTS = {
  log2e: Math.LOG2E,
  ln2Hi: 0.6931471803691238,
  ln2Lo: 1.9082149292705877e-10,
  clamp: 40,
  taylor: [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320],
} as const;
