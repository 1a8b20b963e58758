/**
 * The theory's predictions, tested against the measurements. Which estimators a claim concerns
 * comes from their exact rules' `theory` roles (see `TheoryRoles` in `src/estimators/types.ts`),
 * so user estimators take part by declaring roles. The claims:
 * 1. estimators unbiased by a theorem (the REINFORCE family: Bengio et al. 2013, §3.1, Theorem 1,
 *    with any constant baseline) are unbiased: largest relative bias below 1e-9 (float64 rounding
 *    gives about 1e-14);
 * 2. their per-unit SNR falls roughly as 1/n when n units share one reward (Werfel, Xie & Seung
 *    2005), on the one-layer network where the claim is stated: the log–log slope of the SNR
 *    against n, fitted over n ≥ 4, lies in {@link ONE_OVER_N_SLOPES} for the estimators with the
 *    `oneOverN` role. Sizes below 4 are left out: the noise a unit sees comes from the n − 1
 *    others, so at small n the curve is steeper than 1/n. Over seeds 1 … 12 with the defaults the
 *    slopes lie in [−1.26, −0.72]; an exponential fall (the `iid` reward) gives slopes below −3;
 * 3. Eq. 7 has the lowest variance among constant baselines (Bengio et al. 2013, §3.1,
 *    Corollary 1): for every unit of every network, Var under the `optimal` baseline ≤ Var under
 *    each other constant baseline, up to 1e-9 relative (with several input contexts a unit's
 *    variance is its bias's, and a critic's V(s), which varies with the input, is left out);
 * 4. straight-through has lower variance but is biased (§4; two-layer network): relative bias
 *    above 1e-3, and a total variance of the hidden units' estimates below the Eq. 7 REINFORCE
 *    estimator's, in every network (`partly` when in most networks but not all).
 * @module
 */
import { baselineFor, estimatorFor, listEstimators, type TheoryRoles } from '../estimators/index.js';
import type { SizeDiagnosis } from './analyze.js';
import { exactEstimatorIds, logLogSlope, type EstimatorMeasure } from './measure.js';
import { NET_KINDS } from './networks.js';

/** What the measurements say about a claim; `untested` when the selected estimators or sizes cannot test it. */
export type Verdict = 'holds' | 'partly' | 'fails' | 'untested';

/** One claim of the theory and whether the measurements bear it out. */
export interface TheoryCheck {
  /** The claim. */
  readonly claim: string;
  readonly verdict: Verdict;
  /** The numbers behind the verdict. */
  readonly detail: string;
}

/** Slopes of the one-layer REINFORCE family that count as "roughly 1/n" (SNR ∝ n^s). */
export const ONE_OVER_N_SLOPES = [-1.5, -0.5] as const;

/** The registered estimators with a theory role, in diagnose's order ({@link exactEstimatorIds}). */
function withRole(test: (roles: TheoryRoles) => boolean): string[] {
  return exactEstimatorIds().filter((id) => {
    const roles = estimatorFor(id).exact?.theory;
    return roles !== undefined && test(roles);
  });
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(digits - 1) : x.toPrecision(digits)) : String(x));

/** Tests the claims of the module header against the measurements. */
export function theoryChecks(sizes: readonly SizeDiagnosis[]): TheoryCheck[] {
  const out: TheoryCheck[] = [];
  const all = sizes.flatMap((s) => s.nets.map((d) => ({ s, d })));
  const unbiased = withRole((r) => r.unbiased === true);
  const sameAs = new Map(listEstimators().flatMap((e) => (e.exact?.theory?.sameAs ? [[e.id, e.exact.theory.sameAs] as const] : [])));
  // 1. unbiasedness
  const rf = all.flatMap(({ d }) => unbiased.flatMap((id) => (d.measures[id] ? [d.measures[id]!.relBias] : [])));
  out.push({
    claim: 'REINFORCE (any constant baseline) is unbiased',
    verdict: rf.length ? (Math.max(...rf) < 1e-9 ? 'holds' : 'fails') : 'untested',
    detail: rf.length ? `largest relative bias over ${rf.length} measurements: ${fmt(Math.max(...rf), 2)}` : 'no REINFORCE-family estimator selected',
  });
  // 2. 1/n
  const oneOverN = withRole((r) => r.oneOverN === true);
  const slopes: string[] = [];
  let ok: boolean | undefined;
  for (const network of NET_KINDS) {
    const rows = sizes.filter((s) => s.network === network && s.n >= 4);
    if (new Set(rows.map((r) => r.n)).size < 2) continue;
    for (const id of unbiased) {
      const twin = sameAs.get(id);
      if (!rows[0]!.summary[id] || (twin !== undefined && rows[0]!.summary[twin])) continue;
      const s = logLogSlope(rows.map((r) => r.n), rows.map((r) => r.summary[id]!.snr));
      slopes.push(`${id} (${network}) n^${s.toFixed(2)}`);
      if (network === 'one-layer' && oneOverN.includes(id)) ok = (ok ?? true) && s >= ONE_OVER_N_SLOPES[0] && s <= ONE_OVER_N_SLOPES[1];
    }
  }
  out.push({
    claim: "REINFORCE's per-unit SNR falls roughly as 1/n",
    verdict: ok === undefined ? 'untested' : ok ? 'holds' : 'fails',
    detail: slopes.length
      ? `SNR ∝ ${slopes.join(', ')}, fitted over n ≥ 4; the verdict asks for a slope in [${ONE_OVER_N_SLOPES.join(', ')}] from the one-layer ${oneOverN.join(' and ')}`
      : 'needs a REINFORCE-family estimator and two sizes n ≥ 4',
  });
  // 3. Eq. 7
  const eq7 = withRole((r) => r.constantBaseline === 'optimal')[0];
  const others = withRole((r) => r.constantBaseline !== undefined && r.constantBaseline !== 'optimal');
  let units = 0;
  let violations = 0;
  let worstGap = 0;
  for (const { d } of all) {
    const opt = eq7 === undefined ? undefined : d.measures[eq7];
    if (!opt) continue;
    for (const id of others) {
      const other = d.measures[id];
      if (!other) continue;
      // With several input contexts a critic's V(s) is not a constant: the corollary does not cover it.
      if (d.net.contexts && baselineFor(estimatorFor(id).exact!.theory!.constantBaseline!).critic) continue;
      for (let i = 0; i < opt.unitVariance.length; i++) {
        units += 1;
        const gap = (opt.unitVariance[i]! - other.unitVariance[i]!) / other.unitVariance[i]!;
        worstGap = Math.max(worstGap, gap);
        if (gap > 1e-9) violations += 1;
      }
    }
  }
  out.push({
    claim: 'Eq. 7 has the lowest variance among constant baselines',
    verdict: units ? (violations === 0 ? 'holds' : 'fails') : 'untested',
    detail: units
      ? `${units - violations} of ${units} unit comparisons have Var(Eq. 7) ≤ Var(other baseline)${violations ? `; worst excess ${fmt(worstGap, 2)}` : ''}`
      : `needs ${eq7 ?? 'an Eq. 7 estimator'} and another REINFORCE-family estimator`,
  });
  // 4. straight-through
  const two = all.filter(({ s }) => s.network === 'two-layer');
  const parts: string[] = [];
  const verdicts: Verdict[] = [];
  for (const id of withRole((r) => r.lowVarianceBiased === true)) {
    const pairs = eq7 === undefined ? [] : two.filter(({ d }) => d.measures[id] && d.measures[eq7]);
    if (!pairs.length) continue;
    let lower = 0;
    let minBias = Number.POSITIVE_INFINITY;
    for (const { s, d } of pairs) {
      const hv = (m: EstimatorMeasure): number => m.unitVariance.subarray(0, s.n).reduce((a, v) => a + v, 0);
      if (hv(d.measures[id]!) < hv(d.measures[eq7!]!)) lower += 1;
      minBias = Math.min(minBias, d.measures[id]!.relBias);
    }
    parts.push(`${id}: hidden-unit variance below ${eq7!}'s in ${lower} of ${pairs.length} networks, relative bias ≥ ${fmt(minBias, 2)}`);
    verdicts.push(minBias <= 1e-3 || lower * 2 < pairs.length ? 'fails' : lower === pairs.length ? 'holds' : 'partly');
  }
  out.push({
    claim: 'straight-through has lower variance but is biased',
    verdict: verdicts.length === 0 ? 'untested' : verdicts.includes('fails') ? 'fails' : verdicts.includes('partly') ? 'partly' : 'holds',
    detail: parts.length ? parts.join('; ') : `needs st or st-sigmoid, and ${eq7 ?? 'an Eq. 7 estimator'}`,
  });
  return out;
}
