/**
 * Deterministic tanh units, h = tanh(a): the hidden units of the backprop reference (Williams
 * 1992). Their own output is their most likely one; backward rule 1 − tanh²(a) (`tanhUnit`).
 * @module
 */
import { tanhUnit } from '../../src/estimators/backprop.js';
import { fillUniforms } from '../binary-units.js';
import { affine } from '../forward.js';
import type { UnitKind } from './types.js';

/** The tanh unit kind. */
export const tanhUnitKind: UnitKind = {
  id: 'tanh',
  aux: false,
  sample: (s) => {
    const n = s.rows * s.nOut;
    fillUniforms(s.rng, s.uniforms.subarray(0, n));
    affine(s.x, s.W, s.b, s.a, s.rows, s.nIn, s.nOut);
    for (let k = 0; k < n; k++) s.h[k] = Math.tanh(s.a[k]!);
  },
  mode: (a, n) => {
    for (let k = 0; k < n; k++) a[k] = Math.tanh(a[k]!);
  },
  op: { forward: (a) => tanhUnit(a) },
};
