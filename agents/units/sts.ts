/**
 * Stochastic-times-smooth units: p = σ(a), b = 1[u < √p], h = b·√p, so E[h] = p (Bengio, Léonard &
 * Courville 2013, arXiv:1308.3432 §2.2). Most likely output 1[√p ≥ ½]·√p. Backward rule: through
 * the smooth factor √p with b held fixed (`stochasticTimesSmooth`). The noise b is recorded.
 * @module
 */
import { stochasticTimesSmooth } from '../../src/estimators/sts.js';
import { fillUniforms } from '../binary-units.js';
import { affine } from '../forward.js';
import { sigmoid } from '../sigmoid.js';
import type { UnitKind } from './types.js';

/** p = σ(a), b = 1[u < √p], h = b·√p for the first n entries. */
export function sampleSts(a: Float32Array, p: Float32Array, h: Float32Array, b: Float32Array, u: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const q = sigmoid(a[k]!);
    const sq = Math.sqrt(q);
    p[k] = q;
    b[k] = u[k]! < sq ? 1 : 0;
    h[k] = b[k]! * sq;
  }
}

/** The stochastic-times-smooth unit kind. */
export const stsUnit: UnitKind = {
  id: 'sts',
  aux: true,
  sample: (s) => {
    const u = fillUniforms(s.rng, s.uniforms.subarray(0, s.rows * s.nOut));
    affine(s.x, s.W, s.b, s.a, s.rows, s.nIn, s.nOut);
    sampleSts(s.a, s.p, s.h, s.aux, u, s.rows * s.nOut);
  },
  sampleRows: (x, W, b, u, a, p, h, aux, rows, nIn, nOut) => {
    affine(x, W, b, a, rows, nIn, nOut);
    sampleSts(a, p, h, aux, u, rows * nOut);
  },
  mode: (a, n) => {
    for (let k = 0; k < n; k++) {
      const sq = Math.sqrt(sigmoid(a[k]!));
      a[k] = sq >= 0.5 ? sq : 0;
    }
  },
  op: { forward: (a, layer) => stochasticTimesSmooth(a, layer.aux!) },
};
