/**
 * `hnca` — Hindsight Network Credit Assignment: a Bernoulli unit is credited through the likelihood
 * its output gave its children's sampled outputs.
 *
 *     Lᵢ(b) = Π_{c ∈ children(i)} P(c's sample | parents, with hᵢ = b)      (b ∈ {0, 1})
 *     ĝᵢ    = pᵢ(1 − pᵢ) · (Lᵢ(1) − Lᵢ(0)) / (pᵢLᵢ(1) + (1 − pᵢ)Lᵢ(0)) · (R − b̄)
 *
 * Units without children (the action head) use REINFORCE, (h − p)(R − L̄) with the Eq. 7 baseline.
 * Source: Young 2022, "Hindsight network credit assignment: efficient credit assignment in networks
 * of discrete stochastic units" (AAAI), §3 (the estimator, Theorem 1 unbiasedness, Theorem 2
 * variance at most REINFORCE's); ĝᵢ is Σ_b ∇π(b)·P(children | b)/P(children)·R with ∇_φ π(1) =
 * −∇_φ π(0) = p(1 − p). b̄ is a constant baseline (here the running mean of R, the `mean` baseline).
 *
 * **Information each unit uses:** `broadcast+local messages`: its own p, the broadcast R, and from
 * each child c the two likelihoods P(c | hᵢ = 1) and P(c | hᵢ = 0) (the child's logit with and
 * without the input from i, i.e. its logit ± its weight from i, and its own sample).
 *
 * **What is unbiased.** Exactly unbiased when R depends on hᵢ only through hᵢ's children and the
 * children are conditionally independent given their parents (a layered network; in RL the hidden
 * layer reaches the return only through the action). What breaks it: a reward that sees hidden
 * units directly (diagnose's two-layer network with `--reward-of all`, where it is biased; measured),
 * a baseline that depends on the current sample.
 *
 * @module
 */
import { exactBaseline, sigmoid, type Enumeration } from './exact.js';
import { measureOutcomes, singleConfigurations, type MomentMeasure } from './exact-moments.js';

/**
 * HNCA's factor for one unit: p(1 − p)(L₁ − L₀)/(pL₁ + (1 − p)L₀), to be multiplied by R − b̄.
 */
export function hncaFactor(p: number, L1: number, L0: number): number {
  const den = p * L1 + (1 - p) * L0;
  return den > 0 ? (p * (1 - p) * (L1 - L0)) / den : 0;
}

/**
 * The exact mean and variance of HNCA on an enumerated test network: in the one-layer network the
 * units have no children and HNCA is REINFORCE with the mean baseline; in the two-layer network the
 * hidden units' child is the output unit. `baseline`: b̄ of the hidden units, by default E[R] (the
 * ideal running mean); 0 gives HNCA without a baseline.
 */
export function hncaExact(en: Enumeration, gradient?: Float64Array, baseline: number = en.objective): MomentMeasure {
  const { net, p } = en;
  const n = net.n;
  const R = net.reward;
  const two = net.kind === 'two-layer';
  const Lo = two ? exactBaseline(en, 'optimal')[n]! : 0;
  const mask = (1 << n) - 1;
  return measureOutcomes(
    en,
    baseline === 0 ? 'hnca(no baseline)' : 'hnca',
    singleConfigurations(en, (k, g, gw) => {
      const r = R[k]! - baseline;
      if (!two) {
        for (let i = 0; i < n; i++) g[i] = (((k >> i) & 1) - p[i]!) * r;
        return 0;
      }
      const h = k & mask;
      const o = (k >> n) & 1;
      const aO = en.aOut![h]!;
      for (let i = 0; i < n; i++) {
        const hi = (h >> i) & 1;
        const a1 = aO + (1 - hi) * net.wOut[i]!;
        const a0 = aO - hi * net.wOut[i]!;
        const L1 = o ? sigmoid(a1) : 1 - sigmoid(a1);
        const L0 = o ? sigmoid(a0) : 1 - sigmoid(a0);
        g[i] = hncaFactor(p[i]!, L1, L0) * r;
      }
      const go = (o - en.pOut![h]!) * (R[k]! - Lo);
      for (let j = 0; j < n; j++) gw[j] = ((h >> j) & 1) * go;
      return go;
    }),
    gradient,
  );
}
