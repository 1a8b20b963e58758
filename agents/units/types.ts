/**
 * What a hidden-unit kind is: an object that owns how its units sample (on typed arrays, with the
 * WebAssembly kernels where they pay), their most likely output (for greedy acting), and their
 * backward rule (a differentiable tfjs op). The network loops over its layers' unit kinds and never
 * asks which kind a layer has.
 *
 * Every kind draws rows × units uniforms first, whatever it does with them (noisy rectifiers then
 * draw their normals), so that the random stream is the same whichever implementation runs.
 *
 * @module
 */
import type { Rng } from '../../src/core/rng.js';
import type { UnitOp } from '../../src/estimators/types.js';

/** The arrays and sizes of one layer's forward pass (row-major, rows × units; x: rows × nIn). */
export interface SampleArgs {
  /** Inputs. */
  readonly x: Float32Array;
  /** Weights, nIn × nOut. */
  readonly W: Float32Array;
  /** Biases, nOut. */
  readonly b: Float32Array;
  /** Pre-activations (written). */
  readonly a: Float32Array;
  /** Probabilities (written; zeros for kinds without one). */
  readonly p: Float32Array;
  /** Outputs (written). */
  readonly h: Float32Array;
  /** The noise the backward rule needs (written; empty for kinds that keep none). */
  readonly aux: Float32Array;
  /** Rows. */
  readonly rows: number;
  /** Inputs per row. */
  readonly nIn: number;
  /** Units. */
  readonly nOut: number;
  /** The agent's random stream. */
  readonly rng: Rng;
  /** Scratch for rows × nOut uniforms. */
  readonly uniforms: Float32Array;
  /** Noise scale s of kinds that add Gaussian noise. */
  readonly noiseStd: number;
}

/**
 * A layer's forward pass from uniforms drawn beforehand, for rows r0 … r1 − 1 only (the arrays are
 * those rows' views): what the kernel threads run. Only kinds whose sole randomness is one uniform
 * per unit have it.
 */
export type SampleRows = (
  x: Float32Array,
  W: Float32Array,
  b: Float32Array,
  u: Float32Array,
  a: Float32Array,
  p: Float32Array,
  h: Float32Array,
  aux: Float32Array,
  rows: number,
  nIn: number,
  nOut: number,
) => void;

/** A hidden-unit kind. */
export interface UnitKind {
  /** The id estimators name in `hiddenKind`. */
  readonly id: string;
  /** Whether the forward pass records noise (`aux`) for the backward rule. */
  readonly aux: boolean;
  /** The forward pass of one layer, drawing from `rng` (rows × nOut uniforms first). */
  sample(args: SampleArgs): void;
  /** The same pass from uniforms drawn beforehand, split by rows (see {@link SampleRows}); absent for kinds that draw more than uniforms. */
  readonly sampleRows?: SampleRows;
  /** Replaces each pre-activation in `a[0 … n)` by the unit's most likely output. */
  mode(a: Float32Array, n: number): void;
  /** The differentiable form: h as a tfjs op of a, with the kind's backward rule. */
  readonly op: UnitOp;
}
