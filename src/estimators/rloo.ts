/**
 * `rloo` — REINFORCE with the leave-one-out baseline.
 *
 *     ĝᵢ = (1/K)·Σₖ (hᵢᵏ − pᵢᵏ)·(Rᵏ − (1/(K − 1))·Σ_{j≠k} Rʲ)
 *        = K/(K − 1) · (1/K)·Σₖ (hᵢᵏ − pᵢᵏ)·(Rᵏ − mean_j Rʲ)
 *
 * over K independent samples (episodes, or bandit pulls) of the same policy. Source: Kool, van Hoof
 * & Welling 2019, "Buy 4 REINFORCE samples, get a baseline for free!" (ICLR DeepRLStructPred
 * workshop), Eq. 2 (the second line is their Eq. 3 identity).
 *
 * In RL the K samples are the episodes of one update. Step t of episode k gets the baseline
 * (1/(K − 1))·Σ_{j≠k} Gʲ_t, the other episodes' reward-to-go at the same step (0 for an episode
 * that ended before t): a time-indexed leave-one-out baseline. It depends only on the other
 * episodes, so it is a valid baseline for every step of episode k.
 *
 * **Information each unit uses:** `broadcast`: its own h, p and x and one scalar per transition,
 * G − baseline, formed outside the network from the batch's returns.
 *
 * **What is unbiased.** Exactly unbiased when the K episodes are independent draws from the same
 * policy: each baseline is independent of the episode it is subtracted from. What breaks it: the
 * batch is the first K episodes to *end* among parallel sub-envs, so short episodes are
 * over-represented (the same length bias as every episodic batch here); a policy update inside the
 * batch; K < 2 (no other episode).
 *
 * The exact rule ({@link rlooExact}) gives E ĝ and Var ĝ in closed form from moments over the
 * enumerated configurations (the K samples are independent, so a U-statistic expansion suffices).
 *
 * @module
 */
import type { Enumeration } from '../diagnose/enumerate.js';
import { paramCount } from './exact-moments.js';
import { measureMoments, type MomentMeasure } from './exact-moments.js';
import { reinforceUpdate } from './reinforce.js';
import { baselineState, localEstimate } from './rules.js';
import type { Estimator, SignalRows } from './types.js';

/** K of the exact rule in `diagnose`: two samples, the evaluation budget of ARM and DisARM. */
export const RLOO_EXACT_SAMPLES = 2;

/** The score vector s = ∇_θ log P(configuration k) in the flat layout of `exact.ts`. */
export function scoreVector(en: Enumeration, k: number, out: Float64Array): Float64Array {
  const { net, p } = en;
  const n = net.n;
  const d = net.x.length;
  for (let i = 0; i < n; i++) {
    const e = ((k >> i) & 1) - p[i]!;
    for (let c = 0; c < d; c++) out[c * n + i] = net.x[c]! * e;
    out[d * n + i] = e;
  }
  if (net.kind === 'two-layer') {
    const h = k & ((1 << n) - 1);
    const e = ((k >> n) & 1) - en.pOut![h]!;
    for (let j = 0; j < n; j++) out[d * n + n + j] = ((h >> j) & 1) * e;
    out[d * n + 2 * n] = e;
  }
  return out;
}

/**
 * Exact E ĝ and Var ĝ of RLOO with K independent samples. With s the score and R the reward of
 * one sample, m = E[sR], E s = 0, and T₁ = (1/K)Σₖ sₖRₖ, T₂ = (1/(K(K − 1)))Σ_{k≠j} sₖRⱼ:
 * E ĝ = m; E T₁² = (E[s²R²] + (K − 1)m²)/K; E[T₁T₂] = E[s²R]·E R/K;
 * E T₂² = (E s²·E R² + (K − 2)·E s²·(E R)² + m²)/(K(K − 1)); Var ĝ = E T₁² − 2E[T₁T₂] + E T₂² − m².
 */
export function rlooExact(en: Enumeration, gradient: Float64Array, K: number = RLOO_EXACT_SAMPLES): MomentMeasure {
  if (!Number.isInteger(K) || K < 2) throw new RangeError(`rlooExact: K must be an integer >= 2, got ${K}`);
  const P = paramCount(en.net);
  const s = new Float64Array(P);
  const sR = new Float64Array(P);
  const s2 = new Float64Array(P);
  const s2R = new Float64Array(P);
  const s2R2 = new Float64Array(P);
  let mR = 0;
  let mR2 = 0;
  const R = en.net.reward;
  for (let k = 0; k < en.rows; k++) {
    const w = en.prob[k]!;
    const r = R[k]!;
    mR += w * r;
    mR2 += w * r * r;
    scoreVector(en, k, s);
    for (let q = 0; q < P; q++) {
      const v = s[q]!;
      const wv2 = w * v * v;
      sR[q] += w * v * r;
      s2[q] += wv2;
      s2R[q] += wv2 * r;
      s2R2[q] += wv2 * r * r;
    }
  }
  const variance = new Float64Array(P);
  for (let q = 0; q < P; q++) {
    const m = sR[q]!;
    const t11 = (s2R2[q]! + (K - 1) * m * m) / K;
    const t12 = (s2R[q]! * mR) / K;
    const t22 = (s2[q]! * mR2 + (K - 2) * s2[q]! * mR * mR + m * m) / (K * (K - 1));
    variance[q] = Math.max(0, t11 - 2 * t12 + t22 - m * m);
  }
  return measureMoments(en, K === RLOO_EXACT_SAMPLES ? 'rloo' : `rloo(K=${K})`, sR, variance, gradient);
}

/**
 * The leave-one-out baselines of a batch of episodes: for step t of episode k,
 * (1/(K − 1))·Σ_{j≠k} Gʲ_t with Gʲ_t = 0 past the end of episode j. `returns[k]` holds episode k's
 * reward-to-go G_0 … G_{T−1}; the result holds, per episode, G_t − baseline_t.
 */
export function leaveOneOutSignal(returns: readonly ArrayLike<number>[]): Float32Array[] {
  const K = returns.length;
  if (K < 2) throw new RangeError(`leaveOneOutSignal: needs at least 2 episodes, got ${K}`);
  const T = Math.max(...returns.map((r) => r.length));
  const sum = new Float64Array(T);
  for (const r of returns) for (let t = 0; t < r.length; t++) sum[t] += r[t]!;
  return returns.map((r) => {
    const out = new Float32Array(r.length);
    for (let t = 0; t < r.length; t++) out[t] = r[t]! - (sum[t]! - r[t]!) / (K - 1);
    return out;
  });
}

/**
 * The batch signal of `rloo`: the rows of the batch are its episodes one after another (lengths
 * `lengths`); each row's return minus the leave-one-out baseline at its step.
 */
export function rlooSignal(returns: Float32Array, lengths: readonly number[]): Float32Array {
  const eps: Float32Array[] = [];
  let o = 0;
  for (const n of lengths) {
    eps.push(returns.subarray(o, o + n));
    o += n;
  }
  const out = new Float32Array(o);
  o = 0;
  for (const s of leaveOneOutSignal(eps)) {
    out.set(s, o);
    o += s.length;
  }
  return out;
}

/**
 * The signal of `rloo` from the batch's rows: rows of one episode are contiguous and in step order
 * (`SignalRows.episode`); each row's return minus the mean return of the batch's other episodes at
 * the same step. A batch of one episode has no other: its signal stays the return (plain REINFORCE,
 * still unbiased).
 */
export function rlooTransform(signal: Float32Array, rows: SignalRows): void {
  const lengths: number[] = [];
  for (let r = 0; r < rows.rows; r++) {
    if (r === 0 || rows.episode[r] !== rows.episode[r - 1]) lengths.push(0);
    lengths[lengths.length - 1] += 1;
  }
  if (lengths.length < 2) return;
  signal.set(rlooSignal(signal.subarray(0, rows.rows), lengths));
}

/** The estimator. */
export const rloo: Estimator = {
  id: 'rloo',
  summary: 'REINFORCE with the leave-one-out baseline of the other episodes of the batch',
  source: 'Kool, van Hoof & Welling 2019, Eq. 2',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'none',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  createState: (ctx) => baselineState(ctx, true),
  hiddenGradient: localEstimate,
  fusedUpdate: reinforceUpdate,
  transformSignal: (signal, rows) => rlooTransform(signal, rows),
  exactMoments: { nets: ['one-layer', 'two-layer'], maxUnits: 16, measure: (en, g) => rlooExact(en, g) },
};
