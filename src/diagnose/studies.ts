/**
 * diagnose's two studies beside the main tables, each run at several numbers of input contexts K:
 *
 * - {@link correctionStudy}: `learned-correction`'s exact fit (relative bias, cosine, cosine over
 *   the hidden weights W alone) and its online rule simulated at fixed weights
 *   ({@link simulateOnlineCorrection}): per-update bias with its standard error, and the per-update
 *   variance as a multiple of the exact fit's, on the two-layer networks;
 * - {@link perWeightStudy}: the per-weight Eq. 7 baseline against the per-unit one
 *   ({@link comparePerWeight}), per network kind and n, for the hidden weights and the output
 *   weights.
 *
 * Both use diagnose's random networks (same seed, sizes and indices). The online simulation of
 * network `index` of size n draws its samples from `Rng.fromSeed(seed).spawn()` advanced to child
 * 1000 + 17·index + n (independent of the network's own stream and the same for every K, so that
 * K = 1 and K > 1 see common random numbers).
 *
 * @module
 */
import { Rng } from '../core/rng.js';
import type { DiagnoseOptions } from './analyze.js';
import { enumerateContexts, mixtureGradient } from './enumerate.js';
import { measureMixture } from './measure.js';
import { NET_KINDS, randomNet, type NetKind } from './networks.js';
import { hiddenWeightCosine, simulateOnlineCorrection, type OnlineOptions } from './online.js';
import { comparePerWeight, summarizePerWeight, type PerWeightSummary } from './per-weight.js';

/** What the studies use of diagnose's options. */
export type StudyOptions = Pick<DiagnoseOptions, 'units' | 'seed' | 'nets' | 'reward' | 'rewardOf' | 'contextRewards'>;

/** One (K, n) row of {@link correctionStudy}, over the `nets` networks. */
export interface CorrectionRow {
  readonly contexts: number;
  readonly n: number;
  /** Exact fit: mean over networks of the relative bias, cosine, and cosine over W alone. */
  readonly exactRelBias: number;
  readonly exactCosine: number;
  readonly exactHiddenCosine: number;
  /** Lowest cosine over W alone among the networks. */
  readonly exactHiddenCosineMin: number;
  /** Online: mean over networks of the per-update relative bias, and its standard error. */
  readonly onlineRelBias: number;
  readonly onlineRelBiasSe: number;
  readonly onlineCosine: number;
  readonly onlineHiddenCosine: number;
  /** Online per-update variance / the exact fit's per-update variance: mean over networks, its SE, and the range. */
  readonly varianceRatio: number;
  readonly varianceRatioSe: number;
  readonly varianceRatioMin: number;
  readonly varianceRatioMax: number;
}

/** The sample stream of the online simulation of network `index` of size n (see the module header). */
export function onlineRng(seed: number, n: number, index: number): Rng {
  const root = Rng.fromSeed(seed);
  let child = root.spawn();
  for (let k = 0; k < 1000 + 17 * index + n; k++) child = root.spawn();
  return child;
}

/**
 * The exact fit and the online rule of `learned-correction` on the two-layer networks, for each K
 * in `contexts` and each n. Needs an initialised tfjs backend (the online rule is the estimator's
 * own tfjs class).
 */
export function correctionStudy(o: StudyOptions, contexts: readonly number[], online: OnlineOptions): CorrectionRow[] {
  const rows: CorrectionRow[] = [];
  for (const K of contexts) {
    for (const n of o.units) {
      const ex: { rb: number; cos: number; hc: number }[] = [];
      const on: ReturnType<typeof simulateOnlineCorrection>[] = [];
      const ratios: number[] = [];
      const ratioSe: number[] = [];
      for (let index = 0; index < o.nets; index++) {
        const mix = enumerateContexts(randomNet('two-layer', n, o.seed, { reward: o.reward, rewardOf: o.rewardOf, index, contexts: K, contextRewards: o.contextRewards ?? false }));
        const g = mixtureGradient(mix);
        const m = measureMixture(mix, 'learned-correction', g);
        const hw = mix[0]!.en.net.x.length * n;
        ex.push({ rb: m.relBias, cos: m.cosine, hc: hiddenWeightCosine(m.mean, g, hw) });
        const sim = simulateOnlineCorrection(mix, g, onlineRng(o.seed, n, index), online);
        on.push(sim);
        const exactPerUpdate = m.totalVariance / sim.batch;
        ratios.push(sim.variance / exactPerUpdate);
        ratioSe.push(sim.varianceSe / exactPerUpdate);
      }
      const avg = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
      rows.push({
        contexts: K,
        n,
        exactRelBias: avg(ex.map((e) => e.rb)),
        exactCosine: avg(ex.map((e) => e.cos)),
        exactHiddenCosine: avg(ex.map((e) => e.hc)),
        exactHiddenCosineMin: Math.min(...ex.map((e) => e.hc)),
        onlineRelBias: avg(on.map((s) => s.relBias)),
        onlineRelBiasSe: Math.sqrt(on.reduce((s, x) => s + x.relBiasSe ** 2, 0)) / on.length,
        onlineCosine: avg(on.map((s) => s.cosine)),
        onlineHiddenCosine: avg(on.map((s) => s.hiddenCosine)),
        varianceRatio: avg(ratios),
        varianceRatioSe: Math.sqrt(ratioSe.reduce((s, x) => s + x * x, 0)) / ratioSe.length,
        varianceRatioMin: Math.min(...ratios),
        varianceRatioMax: Math.max(...ratios),
      });
    }
  }
  return rows;
}

/** One (K, network, n) row of {@link perWeightStudy}. */
export interface PerWeightRow {
  readonly contexts: number;
  readonly network: NetKind;
  readonly n: number;
  /** Over the hidden weights W. */
  readonly hidden: PerWeightSummary;
  /** Two-layer only: over the output weights w_o. */
  readonly output: PerWeightSummary | undefined;
}

/** The per-weight against the per-unit Eq. 7 baseline on every network kind, for each K and n. */
export function perWeightStudy(o: StudyOptions, contexts: readonly number[]): PerWeightRow[] {
  const rows: PerWeightRow[] = [];
  for (const K of contexts) {
    for (const network of NET_KINDS) {
      for (const n of o.units) {
        const cs = Array.from({ length: o.nets }, (_, index) => {
          const mix = enumerateContexts(randomNet(network, n, o.seed, { reward: o.reward, rewardOf: o.rewardOf, index, contexts: K, contextRewards: o.contextRewards ?? false }));
          return comparePerWeight(mix, mixtureGradient(mix));
        });
        rows.push({
          contexts: K,
          network,
          n,
          hidden: summarizePerWeight(cs, ['hidden-weight']),
          output: network === 'two-layer' ? summarizePerWeight(cs, ['output-weight']) : undefined,
        });
      }
    }
  }
  return rows;
}

/** The totals of {@link perWeightStudy}'s rows for one K and role: wins, comparisons and the worst ratios. */
export function perWeightTotals(rows: readonly PerWeightRow[], K: number, role: 'hidden' | 'output'): { weights: number; perWeightWins: number; perUnitWins: number; worstRatio: number; perUnitLosesToConstant: number; perUnitWorstVsConstant: number; perWeightLosesToConstant: number } {
  const ss = rows.filter((r) => r.contexts === K).flatMap((r) => (role === 'hidden' ? [r.hidden] : r.output ? [r.output] : []));
  return {
    weights: ss.reduce((s, x) => s + x.weights, 0),
    perWeightWins: ss.reduce((s, x) => s + x.perWeightWins, 0),
    perUnitWins: ss.reduce((s, x) => s + x.perUnitWins, 0),
    worstRatio: Math.max(0, ...ss.map((x) => x.worstRatio)),
    perUnitLosesToConstant: ss.reduce((s, x) => s + x.perUnitLosesToConstant, 0),
    perUnitWorstVsConstant: Math.max(0, ...ss.map((x) => x.perUnitWorstVsConstant)),
    perWeightLosesToConstant: ss.reduce((s, x) => s + x.perWeightLosesToConstant, 0),
  };
}
