/**
 * Noisy rectifier units: h = max(0, a + z), z ~ N(0, s²) (Bengio, Léonard & Courville 2013, §2,
 * "semi-hard" units). Most likely output max(0, a) (the noise at its mode, 0). Backward rule:
 * through the active units (`noisyRectifier`). The noise z is recorded. Their normals come from
 * the agent's stream after the layer's uniforms, so they have no row-split pass.
 * @module
 */
import { noisyRectifier } from '../../src/estimators/noisy-relu.js';
import { fillUniforms } from '../binary-units.js';
import { affine } from '../forward.js';
import type { UnitKind } from './types.js';

/** h = max(0, a + z) for the first n entries. */
export function rectify(a: Float32Array, z: Float32Array, h: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) h[k] = Math.max(0, a[k]! + z[k]!);
}

/** The noisy-rectifier unit kind. */
export const noisyReluUnit: UnitKind = {
  id: 'noisy-relu',
  aux: true,
  sample: (s) => {
    const n = s.rows * s.nOut;
    fillUniforms(s.rng, s.uniforms.subarray(0, n));
    affine(s.x, s.W, s.b, s.a, s.rows, s.nIn, s.nOut);
    for (let k = 0; k < n; k++) s.aux[k] = s.noiseStd * s.rng.normal();
    rectify(s.a, s.aux, s.h, n);
  },
  mode: (a, n) => {
    for (let k = 0; k < n; k++) a[k] = Math.max(0, a[k]!);
  },
  op: { forward: (a, layer) => noisyRectifier(a, layer.aux!) },
};
