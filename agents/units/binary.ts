/**
 * Stochastic binary units: p = σ(a), h = 1[u < p] (Bengio, Léonard & Courville 2013, §3). Most
 * likely output 1[p ≥ ½]. Backward rule: the identity (straight-through, arXiv:1308.3432 §4); the
 * REINFORCE family never uses it. On the WebAssembly kernels a whole layer (affine map, logistic,
 * sample, and the uniforms themselves) is one call, with the JavaScript loop's numbers.
 * @module
 */
import { straightThrough } from '../../src/estimators/st.js';
import { binaryLayer, binaryLayerFromRng } from '../forward.js';
import type { UnitKind } from './types.js';

/** The binary unit kind. */
export const binaryUnit: UnitKind = {
  id: 'binary',
  aux: false,
  sample: (s) => binaryLayerFromRng(s.rng, s.uniforms, s.x, s.W, s.b, s.a, s.p, s.h, s.rows, s.nIn, s.nOut),
  sampleRows: (x, W, b, u, a, p, h, _aux, rows, nIn, nOut) => binaryLayer(x, W, b, u, a, p, h, rows, nIn, nOut),
  mode: (a, n) => {
    for (let k = 0; k < n; k++) a[k] = a[k]! >= 0 ? 1 : 0;
  },
  op: { forward: (a, layer) => straightThrough(a, layer.h) },
};
