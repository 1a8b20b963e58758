/**
 * Action heads: how the output layer's units become an env action.
 *
 * - `'bernoulli'` — `Discrete(2)`: one binary unit; the action is its sample h ∈ {0, 1}.
 * - `'binary-code'` — `Discrete(k)`: m = ⌈log₂ k⌉ binary units read as a binary number, unit j
 *   being bit j (least significant first). A code c ≥ k is mapped to c mod k, so actions below
 *   2^m − k get two codes each; the estimator is unaffected (each unit still sees its own h − p),
 *   only the reachable action distribution is skewed at the start. Every unit stays local.
 * - `'categorical'` — `Discrete(k)`: k units with p = softmax(a); one action is drawn by inverse
 *   CDF from one uniform; h is its one-hot. The REINFORCE term is (onehot − π)·R.
 * - `'multibinary'` — `MultiBinary(n)`: n binary units; the action is the vector of samples.
 *
 * @module
 */
import { Discrete, MultiBinary, type Space } from '../src/core/spaces.js';
import { sampleBinary } from './binary-units.js';

/** The kinds of action head. */
export type HeadKind = 'bernoulli' | 'binary-code' | 'categorical' | 'multibinary';

/** The valid head kinds. */
export const HEAD_KINDS: readonly HeadKind[] = ['bernoulli', 'binary-code', 'categorical', 'multibinary'];

/** How the output units map to actions, for one action space. */
export interface HeadLayout {
  /** The head kind. */
  readonly kind: HeadKind;
  /** Output units. */
  readonly units: number;
  /** Numbers per action row (1 for Discrete, n for MultiBinary). */
  readonly actSize: number;
  /** Number of discrete actions (`Discrete`), or bits (`MultiBinary`). */
  readonly n: number;
  /** Smallest action (`Discrete.start`). */
  readonly start: number;
}

/**
 * The head for an action space. `preferred` picks between the heads that fit; by default
 * `Discrete(2)` gets `'bernoulli'`, `Discrete(k > 2)` gets `'binary-code'` (or `'categorical'` when
 * `categoricalDefault` is set, as for the backprop reference) and `MultiBinary` gets `'multibinary'`.
 */
export function headFor(space: Space<unknown>, preferred?: HeadKind, categoricalDefault = false): HeadLayout {
  if (preferred !== undefined && !HEAD_KINDS.includes(preferred)) {
    throw new RangeError(`head must be one of ${HEAD_KINDS.join(', ')}, got ${JSON.stringify(preferred)}`);
  }
  if (space instanceof Discrete) {
    const k = space.n;
    const kind: HeadKind = preferred ?? (categoricalDefault ? 'categorical' : k === 2 ? 'bernoulli' : 'binary-code');
    if (kind === 'bernoulli') {
      if (k !== 2) throw new RangeError(`head 'bernoulli' needs Discrete(2), got ${space.toString()}`);
      return { kind, units: 1, actSize: 1, n: 2, start: space.start };
    }
    if (kind === 'binary-code') return { kind, units: Math.max(1, Math.ceil(Math.log2(k))), actSize: 1, n: k, start: space.start };
    if (kind === 'categorical') return { kind, units: k, actSize: 1, n: k, start: space.start };
    throw new RangeError(`head '${kind}' does not fit the action space ${space.toString()}`);
  }
  if (space instanceof MultiBinary) {
    if (preferred !== undefined && preferred !== 'multibinary') throw new RangeError(`head '${preferred}' does not fit the action space ${space.toString()}`);
    return { kind: 'multibinary', units: space.n, actSize: space.n, n: space.n, start: 0 };
  }
  throw new TypeError(`no action head for the action space ${space.toString()} (supported: Discrete, MultiBinary)`);
}

/**
 * Samples the output layer of `rows` rows in place and writes the actions.
 *
 * @param head the layout
 * @param a pre-activations, rows × units (read)
 * @param p probabilities, rows × units (written: σ(a) or softmax(a))
 * @param h samples, rows × units (written: bits or one-hot)
 * @param u uniforms, rows × units (read; categorical uses the first of each row)
 * @param actions rows × actSize (written)
 */
export function sampleHead(head: HeadLayout, a: Float32Array, p: Float32Array, h: Float32Array, u: Float32Array, rows: number, actions: Float32Array): void {
  const m = head.units;
  if (head.kind === 'categorical') {
    for (let r = 0; r < rows; r++) {
      const o = r * m;
      let max = -Infinity;
      for (let j = 0; j < m; j++) max = Math.max(max, a[o + j]!);
      let z = 0;
      for (let j = 0; j < m; j++) {
        const e = Math.exp(a[o + j]! - max);
        p[o + j] = e;
        z += e;
      }
      const x = u[o]!;
      let c = 0;
      let chosen = m - 1;
      for (let j = 0; j < m; j++) {
        p[o + j] = p[o + j]! / z;
        c += p[o + j]!;
        if (chosen === m - 1 && x < c) chosen = j;
        h[o + j] = 0;
      }
      h[o + chosen] = 1;
      actions[r] = head.start + chosen;
    }
    return;
  }
  sampleBinary(a, p, h, u, rows * m);
  binaryActions(head, h, rows, actions);
}

/**
 * The actions of a head of binary units (every kind but categorical) from its samples h: the bits
 * themselves (multibinary), the bit (bernoulli), or the bits read as a binary number, modulo the
 * number of actions (binary-code).
 */
export function binaryActions(head: HeadLayout, h: Float32Array, rows: number, actions: Float32Array): void {
  const m = head.units;
  if (head.kind === 'multibinary') {
    actions.set(h.subarray(0, rows * m));
    return;
  }
  for (let r = 0; r < rows; r++) {
    let code = 0;
    for (let j = 0; j < m; j++) code |= h[r * m + j]! << j;
    actions[r] = head.start + (head.kind === 'bernoulli' ? code : code % head.n);
  }
}

/**
 * The deterministic (greedy) choice of the output layer, for `rows` rows: the categorical head
 * takes argmax a (the most probable action; the first on ties); the bit heads take each bit's mode
 * 1[a ≥ 0], i.e. 1[p ≥ ½] (for `'binary-code'` the most probable code, read mod k as when sampling).
 *
 * @param a pre-activations, rows × units (read)
 * @param actions rows × actSize (written)
 */
export function modeHead(head: HeadLayout, a: Float32Array, rows: number, actions: Float32Array): void {
  const m = head.units;
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    if (head.kind === 'categorical') {
      let best = 0;
      for (let j = 1; j < m; j++) if (a[o + j]! > a[o + best]!) best = j;
      actions[r] = head.start + best;
    } else if (head.kind === 'multibinary') {
      for (let j = 0; j < m; j++) actions[o + j] = a[o + j]! >= 0 ? 1 : 0;
    } else {
      let code = 0;
      for (let j = 0; j < m; j++) if (a[o + j]! >= 0) code |= 1 << j;
      actions[r] = head.start + (head.kind === 'bernoulli' ? code : code % head.n);
    }
  }
}
