/**
 * The antithetic pair behind `arm` and `disarm`, on the enumerable test networks of `exact.ts`, and
 * its rule for units whose logits differ between the two members.
 *
 * ## The pair
 *
 * Two evaluations share one uniform per unit: member A samples bᵢ = 1[uᵢ < σ(φᵢ)] and member B
 * b̃ᵢ = 1[1 − uᵢ < σ(φ̃ᵢ)] (Yin & Zhou 2019, §2; Dong, Mnih & Tucker 2020, §3). For a unit whose
 * logit is the same in both members (φ = φ̃) the uniform falls in one of three intervals, with
 * m = min(σ(φ), 1 − σ(φ)):
 *
 * | u ∈ | (b, b̃) |
 * |---|---|
 * | [0, m) | (1, 0) |
 * | [m, 1 − m) | (1, 1) if σ(φ) ≥ ½, else (0, 0) |
 * | [1 − m, 1] | (0, 1) |
 *
 * In the two-layer network the hidden units share x, so their logits are equal in both members;
 * the output unit's logits φ_o(h) and φ_o(h̃) are equal exactly when h = h̃. {@link visitPairs}
 * enumerates the 3ⁿ hidden intervals and, for the output, the (at most three) intervals that the
 * break points σ(φ_o(h)) and 1 − σ(φ_o(h̃)) cut [0, 1] into, so every outcome of the pair is visited
 * with its probability. It is exact for n ≤ {@link MAX_PAIR_UNITS}.
 *
 * ## Units whose logits differ
 *
 * ARM and DisARM need φ = φ̃. A unit whose two logits differ (in the two-layer network: the output
 * unit when h ≠ h̃; in RL: every unit after the two trajectories diverge) uses instead the mean over
 * the two members of its REINFORCE estimate with the Eq. 7 baseline, ½[(b − p)(f − L̄) + (b̃ − p̃)(f̃
 * − L̄)]. This is unbiased: whether the logits coincide is decided by the noise upstream of the unit,
 * the map u ↦ 1 − u swaps the members and preserves that event and the law of the noise, so the
 * coincident outcomes contribute E[1_c·∇ᵢ] and the others ½E[1_¬c·∇ᵢ(A)] + ½E[1_¬c·∇ᵢ(B)] = E[1_¬c·∇ᵢ],
 * where ∇ᵢ is the unit's exact gradient term given its upstream. The tests check it to rounding.
 *
 * @module
 */
import type { Enumeration } from '../diagnose/enumerate.js';
import type { Emit } from './exact-moments.js';

/** The largest n for which the pair is enumerated (3ⁿ hidden outcomes). */
export const MAX_PAIR_UNITS = 12;

/** One outcome of the antithetic pair. */
export interface PairOutcome {
  /** Its probability. */
  readonly w: number;
  /** Hidden samples of member A and B (bit i = unit i). */
  readonly h: number;
  readonly ht: number;
  /** Per hidden unit: E[uᵢ − ½ | its interval] and E[(uᵢ − ½)² | its interval]. */
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  /** Rewards of member A and B: f = R̄(h, o), f̃ = R̄(h̃, õ). */
  readonly f: number;
  readonly ft: number;
  /** Two-layer: the output samples, their probabilities σ(φ_o(h)), σ(φ_o(h̃)), and the output's E[u_o − ½ | interval], E[(u_o − ½)² | interval]. */
  readonly o: number;
  readonly ot: number;
  readonly po: number;
  readonly pot: number;
  readonly c1o: number;
  readonly c2o: number;
}

/** ∫ over [lo, hi) of 1, (u − ½) and (u − ½)². */
function interval(lo: number, hi: number): [number, number, number] {
  const a = lo - 0.5;
  const b = hi - 0.5;
  return [hi - lo, (b * b - a * a) / 2, (b * b * b - a * a * a) / 3];
}

/** Calls `visit` once per outcome of the antithetic pair on `en` (see the module header). */
export function visitPairs(en: Enumeration, visit: (o: PairOutcome) => void): void {
  const { net, p } = en;
  const n = net.n;
  if (n > MAX_PAIR_UNITS) throw new RangeError(`visitPairs: n must be at most ${MAX_PAIR_UNITS} for the antithetic pair (3^n outcomes), got ${n}`);
  const two = net.kind === 'two-layer';
  const H = 1 << n;
  const R = net.reward;
  // Per unit, its three intervals: probability, b, b̃, conditional moments of u − ½.
  const iv = Array.from({ length: n }, (_, i) => {
    const pi = p[i]!;
    const m = Math.min(pi, 1 - pi);
    const mid = pi >= 0.5 ? 1 : 0;
    return [
      [0, m, 1, 0],
      [m, 1 - m, mid, mid],
      [1 - m, 1, 0, 1],
    ].map(([lo, hi, b, bt]) => {
      const [len, s1, s2] = interval(lo!, hi!);
      return { len, b: b!, bt: bt!, c1: len > 0 ? s1 / len : 0, c2: len > 0 ? s2 / len : 0 };
    });
  });
  const c1 = new Float64Array(n);
  const c2 = new Float64Array(n);
  const rec = (i: number, w: number, h: number, ht: number): void => {
    if (w === 0) return;
    if (i === n) {
      if (!two) {
        visit({ w, h, ht, c1, c2, f: R[h]!, ft: R[ht]!, o: 0, ot: 0, po: 0, pot: 0, c1o: 0, c2o: 0 });
        return;
      }
      const po = en.pOut![h]!;
      const pot = en.pOut![ht]!;
      // o = 1[u < po], õ = 1[u > 1 − pot]: cut [0, 1] at both points.
      const cuts = [0, Math.min(po, 1 - pot), Math.max(po, 1 - pot), 1];
      for (let s = 0; s < 3; s++) {
        const [len, s1, s2] = interval(cuts[s]!, cuts[s + 1]!);
        if (len <= 0) continue;
        const mid = (cuts[s]! + cuts[s + 1]!) / 2;
        const o = mid < po ? 1 : 0;
        const ot = mid > 1 - pot ? 1 : 0;
        visit({ w: w * len, h, ht, c1, c2, f: R[o * H + h]!, ft: R[ot * H + ht]!, o, ot, po, pot, c1o: s1 / len, c2o: s2 / len });
      }
      return;
    }
    for (const r of iv[i]!) {
      if (r.len <= 0) continue;
      c1[i] = r.c1;
      c2[i] = r.c2;
      rec(i + 1, w * r.len, h | (r.b << i), ht | (r.bt << i));
    }
  };
  rec(0, 1, 0, 0);
}

/**
 * The outcomes of an antithetic estimator for {@link measureOutcomes}: `hidden(o, i)` gives hidden
 * unit i's estimate as a conditional mean and second moment given the outcome, and the output
 * unit (two-layer) uses `coincident(o)` (mean and second moment of ĝ_o) when h = h̃, and the mean
 * of the members' REINFORCE estimates with the exact Eq. 7 baseline otherwise. A unit whose
 * estimate is linear in its uniform has a second moment above its squared mean; each outcome is
 * then emitted as two half-weight points, mean ± the conditional standard deviation, which keeps
 * every parameter's first two moments (all that the measurement uses).
 */
export function antitheticOutcomes(
  en: Enumeration,
  hidden: (o: PairOutcome, i: number) => readonly [number, number],
  coincident: (o: PairOutcome) => readonly [number, number],
): (emit: Emit) => void {
  const n = en.net.n;
  const two = en.net.kind === 'two-layer';
  const Lo = two ? en.baseline('optimal')[n]! : 0;
  const gPlus = new Float64Array(n);
  const gMinus = new Float64Array(n);
  const wPlus = new Float64Array(n);
  const wMinus = new Float64Array(n);
  return (emit) =>
    visitPairs(en, (o) => {
      for (let i = 0; i < n; i++) {
        const [m, s] = hidden(o, i);
        const sd = Math.sqrt(Math.max(0, s - m * m));
        gPlus[i] = m + sd;
        gMinus[i] = m - sd;
      }
      if (!two) {
        emit(o.w / 2, gPlus);
        emit(o.w / 2, gMinus);
        return;
      }
      let bPlus: number;
      let bMinus: number;
      if (o.h === o.ht) {
        const [m, s] = coincident(o);
        const sd = Math.sqrt(Math.max(0, s - m * m));
        bPlus = m + sd;
        bMinus = m - sd;
        for (let j = 0; j < n; j++) {
          const hj = (o.h >> j) & 1;
          wPlus[j] = hj * bPlus;
          wMinus[j] = hj * bMinus;
        }
      } else {
        const gA = (o.o - o.po) * (o.f - Lo);
        const gB = (o.ot - o.pot) * (o.ft - Lo);
        bPlus = bMinus = (gA + gB) / 2;
        for (let j = 0; j < n; j++) wPlus[j] = wMinus[j] = (((o.h >> j) & 1) * gA + ((o.ht >> j) & 1) * gB) / 2;
      }
      emit(o.w / 2, gPlus, wPlus, bPlus);
      emit(o.w / 2, gMinus, wMinus, bMinus);
    });
}
