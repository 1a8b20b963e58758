/**
 * The online learned correction, simulated on diagnose's two-layer networks beside its exact fit.
 *
 * The exact fit (`learned-correction`'s exact rule) is the least-squares map under P of each
 * hidden unit's REINFORCE estimate on its straight-through one. The agent never has it: its
 * {@link LinearCorrection} keeps exponentially weighted moments (decay c = 0.9) of batch means and
 * applies, to each batch, the map fitted on the batches before it. This module runs that very
 * class on samples drawn from the network, at fixed weights, and measures the per-update estimate
 * against the exact gradient:
 *
 * - a sample is a context c ~ π, then h ~ P_c(h) and o ~ σ(a_o(h)), and R̄(h, o) from the context's table;
 * - each hidden unit's pair is Ĝⱼ = w_oⱼ·ĝ_o (straight-through) and ĝⱼ = (hⱼ − pⱼ)(R − L̄ⱼ)
 *   (REINFORCE), ĝ_o = (o − p_o)(R − L̄_o), with L̄ the exact Eq. 7 baseline of the mixture (the
 *   running Eq. 7 is not simulated: only the correction's online fit is);
 * - one update is a batch of M samples: `LinearCorrection.correct(Ĝ, ĝ)` gives each row's corrected
 *   estimate 𝒢ⱼ, and the per-parameter estimate is the agent's chain rule, ΔW = xᵀ𝒢 / M,
 *   Δb = mean 𝒢, Δw_o = hᵀĝ_o / M, Δb_o = mean ĝ_o;
 * - after `burnIn` updates, T updates are recorded. Their mean gives the per-update bias
 *   ‖ḡ − ∇J‖/‖∇J‖ and the cosine; their spread the per-update variance Σ Var ĝ, compared with the
 *   exact fit's per-update variance (its per-sample variance / M: the exact fit's samples are
 *   independent). Standard errors come from B = {@link ONLINE_BLOCKS} consecutive blocks (batch
 *   means), which absorbs the correlation the decaying moments put between updates. The bias's
 *   `noise` is the standard error of ‖ḡ − ∇J‖/‖∇J‖ itself: a bias below about twice it is not
 *   resolved.
 *
 * Everything is seeded ({@link Rng}); the same (network, seed, options) gives the same numbers.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng.js';
import { LinearCorrection } from '../estimators/learned-correction.js';
import type { Mixture } from './enumerate.js';
import { paramCount } from './networks.js';

/** Options of {@link simulateOnlineCorrection}. */
export interface OnlineOptions {
  /** T, updates recorded. @default 1000 */
  readonly updates?: number;
  /** M, samples per update. @default 16 */
  readonly batch?: number;
  /** Updates run first and not recorded (the moments warm up). @default 100 */
  readonly burnIn?: number;
  /** c, the decay of the correction's moments (the estimator's default). @default 0.9 */
  readonly decay?: number;
}

/** Blocks for the standard errors. */
export const ONLINE_BLOCKS = 20;

/** What {@link simulateOnlineCorrection} measured. */
export interface OnlineMeasure {
  /** T, M and the burn-in used. */
  readonly updates: number;
  readonly batch: number;
  readonly burnIn: number;
  /** ‖ḡ − ∇J‖/‖∇J‖ over all parameters, ḡ the mean of the T per-update estimates. */
  readonly relBias: number;
  /** Its standard error (from the block means). */
  readonly relBiasSe: number;
  /** cos(ḡ, ∇J) over all parameters. */
  readonly cosine: number;
  /** cos(ḡ, ∇J) over the hidden weights W only. */
  readonly hiddenCosine: number;
  /** Σ Var of the per-update estimate over all parameters. */
  readonly variance: number;
  /** Its standard error. */
  readonly varianceSe: number;
  /** Per parameter: ḡ, its standard error (block means), and the per-update variance. */
  readonly mean: Float64Array;
  readonly meanSe: Float64Array;
  readonly paramVariance: Float64Array;
}

/**
 * Simulates the online `learned-correction` on a two-layer network (see the module header).
 * Needs an initialised tfjs backend.
 *
 * @param mix the network in its input contexts (`enumerateContexts`)
 * @param gradient ∇J of the mixture (`mixtureGradient`)
 * @param rng the stream the samples are drawn from
 */
export function simulateOnlineCorrection(mix: Mixture, gradient: Float64Array, rng: Rng, options: OnlineOptions = {}): OnlineMeasure {
  const en0 = mix[0]!.en;
  const net = en0.net;
  if (net.kind !== 'two-layer') throw new RangeError(`simulateOnlineCorrection: learned-correction needs the two-layer network, got ${net.kind}`);
  const T = options.updates ?? 1000;
  const M = options.batch ?? 16;
  const burnIn = options.burnIn ?? 100;
  for (const [name, v, min] of [['updates', T, ONLINE_BLOCKS], ['batch', M, 1], ['burnIn', burnIn, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`simulateOnlineCorrection: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  const n = net.n;
  const d = net.x.length;
  const H = 1 << n;
  const P = paramCount(net);
  const L = en0.baseline('optimal');
  const wOut = net.wOut;
  const pi = mix.map((c) => c.weight);
  const lc = new LinearCorrection(n, options.decay ?? 0.9);
  const gST = new Float32Array(M * n);
  const gRF = new Float32Array(M * n);
  const ctx = new Int32Array(M);
  const hid = new Uint8Array(M * n);
  const gO = new Float64Array(M);
  const est = new Float64Array(P);
  const sum = new Float64Array(P);
  const sq = new Float64Array(P);
  const per = Math.floor(T / ONLINE_BLOCKS);
  const blockSum = Array.from({ length: ONLINE_BLOCKS }, () => new Float64Array(P));
  const blockSq = Array.from({ length: ONLINE_BLOCKS }, () => new Float64Array(P));
  const blockCount = new Int32Array(ONLINE_BLOCKS);
  for (let t = 0; t < burnIn + T; t++) {
    for (let m = 0; m < M; m++) {
      const c = mix.length === 1 ? 0 : rng.categorical(pi);
      const en = mix[c]!.en;
      let h = 0;
      for (let i = 0; i < n; i++) if (rng.random() < en.p[i]!) h |= 1 << i;
      const po = en.pOut![h]!;
      const o = rng.random() < po ? 1 : 0;
      const R = en.net.reward[h + o * H]!;
      const go = (o - po) * (R - L[n]!);
      ctx[m] = c;
      gO[m] = go;
      for (let j = 0; j < n; j++) {
        const hj = (h >> j) & 1;
        hid[m * n + j] = hj;
        gST[m * n + j] = wOut[j]! * go;
        gRF[m * n + j] = (hj - en.p[j]!) * (R - L[j]!);
      }
    }
    const corrected = tf.tidy(() => {
      const out = lc.correct(tf.tensor2d(gST, [M, n]), tf.tensor2d(gRF, [M, n]));
      return out;
    });
    const g = corrected.dataSync();
    corrected.dispose();
    if (t < burnIn) continue;
    est.fill(0);
    const o = d * n + n;
    for (let m = 0; m < M; m++) {
      const x = mix[ctx[m]!]!.en.net.x;
      for (let j = 0; j < n; j++) {
        const v = g[m * n + j]!;
        for (let k = 0; k < d; k++) est[k * n + j] += x[k]! * v;
        est[d * n + j] += v;
        if (hid[m * n + j]) est[o + j] += gO[m]!;
      }
      est[o + n] += gO[m]!;
    }
    const r = t - burnIn;
    const b = Math.min(ONLINE_BLOCKS - 1, Math.floor(r / per));
    blockCount[b] += 1;
    for (let k = 0; k < P; k++) {
      const v = est[k]! / M;
      sum[k] += v;
      sq[k] += v * v;
      blockSum[b]![k] += v;
      blockSq[b]![k] += v * v;
    }
  }
  const mean = sum.map((s) => s / T);
  let variance = 0;
  for (let k = 0; k < P; k++) variance += sq[k]! / T - mean[k]! ** 2;
  // Block statistics: each block's mean (for the bias's error) and its spread around the overall mean.
  const blockVar: number[] = [];
  const blockMeans: Float64Array[] = [];
  for (let b = 0; b < ONLINE_BLOCKS; b++) {
    const cnt = blockCount[b]!;
    const bm = blockSum[b]!.map((s) => s / cnt);
    blockMeans.push(bm);
    let v = 0;
    for (let k = 0; k < P; k++) v += blockSq[b]![k]! / cnt - 2 * mean[k]! * bm[k]! + mean[k]! ** 2;
    blockVar.push(v);
  }
  const sd = (xs: readonly number[]): number => {
    const mu = xs.reduce((s, x) => s + x, 0) / xs.length;
    return Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (xs.length - 1));
  };
  let g2 = 0;
  let d2 = 0;
  let mg = 0;
  let m2 = 0;
  let hg = 0;
  let hm = 0;
  let hmg = 0;
  for (let k = 0; k < P; k++) {
    const e = mean[k]! - gradient[k]!;
    d2 += e * e;
    g2 += gradient[k]! ** 2;
    mg += mean[k]! * gradient[k]!;
    m2 += mean[k]! ** 2;
    if (k < d * n) {
      hg += gradient[k]! ** 2;
      hm += mean[k]! ** 2;
      hmg += mean[k]! * gradient[k]!;
    }
  }
  // SE of ‖ḡ − ∇J‖: the spread of the block means, per parameter, projected on the bias direction
  // (delta method), or the whole noise norm when the bias is within it.
  let seProj = 0;
  let seAll = 0;
  const meanSe = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    const v = sd(blockMeans.map((bm) => bm[k]!)) ** 2 / ONLINE_BLOCKS;
    meanSe[k] = Math.sqrt(v);
    seAll += v;
    const e = mean[k]! - gradient[k]!;
    seProj += d2 > 0 ? (e * e * v) / d2 : 0;
  }
  const relBias = Math.sqrt(d2 / g2);
  return {
    updates: T,
    batch: M,
    burnIn,
    relBias,
    relBiasSe: Math.sqrt(Math.max(seProj, relBias < Math.sqrt(seAll / g2) ? seAll : 0) / g2),
    cosine: mg / Math.sqrt(m2 * g2),
    hiddenCosine: hmg / Math.sqrt(hm * hg),
    variance,
    varianceSe: sd(blockVar) / Math.sqrt(ONLINE_BLOCKS),
    mean,
    meanSe,
    paramVariance: sq.map((q, k) => Math.max(0, q / T - mean[k]! ** 2)),
  };
}

/** The cosine of the exact mean with ∇J over the hidden weights W only (the first d·n parameters). */
export function hiddenWeightCosine(mean: ArrayLike<number>, gradient: ArrayLike<number>, hiddenWeights: number): number {
  let mg = 0;
  let m2 = 0;
  let g2 = 0;
  for (let k = 0; k < hiddenWeights; k++) {
    mg += mean[k]! * gradient[k]!;
    m2 += mean[k]! ** 2;
    g2 += gradient[k]! ** 2;
  }
  return mg / Math.sqrt(m2 * g2);
}
