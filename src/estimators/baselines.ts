/**
 * The baseline kinds, as objects: what each one subtracts, whether it needs a learned critic, and
 * the running per-layer state it keeps. The agent looks a kind up here instead of branching on it.
 *
 * - `none`: L̄ = 0 (Bengio et al. 2013, §3.1, Theorem 1).
 * - `mean`: a scalar moving average R̄ of the signal (Williams 1992, §4), `MeanBaseline`.
 * - `optimal`: the per-unit variance-minimising ratio of Eq. 7 (Bengio et al. 2013, §3.1,
 *   Corollary 1), `OptimalBaseline`.
 * - `critic`: a learned V(s) forms the signal G − V(s) outside the network (Sutton & Barto 2018,
 *   §13.5); the units subtract nothing more.
 * - `optimal-per-weight`: one Eq. 7 ratio per synapse, L̄ᵢⱼ = E[(hᵢ − pᵢ)²xⱼ²R] / E[(hᵢ − pᵢ)²xⱼ²],
 *   the constant that minimises each weight's variance (Eq. 7 minimises the unit's, i.e. its
 *   bias's), `PerWeightOptimalBaseline`; typed update path only (see `per-weight-baseline.ts`).
 *   Measured against `optimal` by `rewardcast diagnose` (per-weight section): with one fixed
 *   input the two agree on the hidden weights and the per-weight form wins on every output weight
 *   (whose input hⱼ varies); with several input contexts it wins on every weight.
 *
 * Any of them leaves the REINFORCE estimate unbiased, because none depends on the sample it is
 * subtracted from (each batch sees the running baseline from before its own update).
 *
 * @module
 */
import { MeanBaseline } from './reinforce-mean.js';
import { OptimalBaseline } from './reinforce-optimal.js';
import { PerWeightOptimalBaseline } from './per-weight-baseline.js';
import type { Baseline, BaselineKind, ExactNetwork } from './types.js';

/** One baseline kind. */
export interface BaselineDescriptor {
  /** The kind. */
  readonly kind: BaselineKind;
  /** Whether the signal is G − V(s) from a learned critic V. */
  readonly critic: boolean;
  /** Whether its running state needs whole returns (so online traces cannot use it). */
  readonly needsWholeReturn: boolean;
  /** Whether it keeps a ratio per weight (then it needs the typed update path and the layer's `inputs`). */
  readonly perWeight: boolean;
  /** The running baseline of one layer of `units` units with `inputs` inputs, or undefined when it keeps none. */
  create(units: number, decay: number, inputs?: number): Baseline | undefined;
  /**
   * The ideal constant its running state converges to, per unit, on one of diagnose's networks:
   * over the whole input distribution when there are several input contexts (`net.contexts`), but
   * for a critic, whose V(s) sees the input: E[R | the network's own context].
   */
  exact(net: Omit<ExactNetwork, 'baseline'>): Float64Array;
}

/** The contexts of a network with their probabilities (the network alone, weight 1, with one fixed input). */
function contextsOf(net: Omit<ExactNetwork, 'baseline'>): readonly { readonly weight: number; readonly net: Omit<ExactNetwork, 'baseline'> }[] {
  return net.contexts && net.contexts.length > 1 ? net.contexts : [{ weight: 1, net }];
}

/**
 * The exact Eq. 7 baseline per unit: L̄ᵢ = Σ P·(zᵢ − pᵢ)²·R̄ / Σ P·(zᵢ − pᵢ)² (Bengio et al. 2013,
 * §3.1, Eq. 7), P over contexts × configurations when there are several input contexts.
 */
function exactEq7(net: Omit<ExactNetwork, 'baseline'>): Float64Array {
  const U = net.units;
  const num = new Float64Array(U);
  const den = new Float64Array(U);
  for (const { weight, net: c } of contextsOf(net)) {
    const R = c.reward;
    for (let k = 0; k < c.rows; k++) {
      const w = weight * c.prob[k]!;
      for (let i = 0; i < U; i++) {
        const e = ((k >> i) & 1) - c.unitP(k, i);
        const e2w = e * e * w;
        num[i] += e2w * R[k]!;
        den[i] += e2w;
      }
    }
  }
  const out = new Float64Array(U);
  for (let i = 0; i < U; i++) out[i] = num[i]! / den[i]!;
  return out;
}

/** E[R] over the input distribution (J of the mixture; J with one fixed input). */
function expectedReward(net: Omit<ExactNetwork, 'baseline'>): number {
  const cs = contextsOf(net);
  if (cs.length === 1) return net.objective;
  return cs.reduce((s, c) => s + c.weight * c.net.objective, 0);
}

/** Every baseline kind, by name. */
export const BASELINES: Readonly<Record<BaselineKind, BaselineDescriptor>> = {
  none: { kind: 'none', critic: false, needsWholeReturn: false, perWeight: false, create: () => undefined, exact: (net) => new Float64Array(net.units) },
  mean: { kind: 'mean', critic: false, needsWholeReturn: true, perWeight: false, create: (_units, decay) => new MeanBaseline(decay), exact: (net) => new Float64Array(net.units).fill(expectedReward(net)) },
  optimal: { kind: 'optimal', critic: false, needsWholeReturn: true, perWeight: false, create: (units, decay) => new OptimalBaseline(units, decay), exact: exactEq7 },
  // V(s): the critic sees the input, so its ideal value is E[R | this context].
  critic: { kind: 'critic', critic: true, needsWholeReturn: false, perWeight: false, create: () => undefined, exact: (net) => new Float64Array(net.units).fill(net.objective) },
  // Per unit (the bias, x = 1) it is Eq. 7; its per-weight exact values are diagnose's (`src/diagnose/per-weight.ts`).
  'optimal-per-weight': {
    kind: 'optimal-per-weight',
    critic: false,
    needsWholeReturn: true,
    perWeight: true,
    create: (units, decay, inputs) => {
      if (inputs === undefined) throw new RangeError("baseline 'optimal-per-weight' needs the layer's number of inputs");
      return new PerWeightOptimalBaseline(inputs, units, decay);
    },
    exact: exactEq7,
  },
};

/** The valid baseline kinds, in listing order. */
export const BASELINE_KINDS = Object.keys(BASELINES) as BaselineKind[];

/** The descriptor of a baseline kind; an unknown kind is an error listing the valid ones. */
export function baselineFor(kind: string): BaselineDescriptor {
  const d = (BASELINES as Record<string, BaselineDescriptor>)[kind];
  if (!d) throw new RangeError(`baseline must be one of ${BASELINE_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  return d;
}
