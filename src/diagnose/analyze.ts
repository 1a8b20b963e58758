/**
 * The analysis behind `rewardcast diagnose`: for each n and each of `nets` random networks of that
 * size, the exact gradient and the exact mean and variance of every selected estimator that has an
 * exact rule, on each network its rule is defined on, aggregated per size.
 *
 * Aggregation, for each (network, n, estimator):
 * - **SNR**: per unit, (E ĝᵢ)² / Var ĝᵢ; with one fixed input this is also the per-parameter SNR
 *   of each of the unit's weights and its bias (∇_W aᵢ = x); with several input contexts it is
 *   that of its bias. Aggregated over the n (hidden)
 *   units of all networks as mean signal over mean noise, Σ (E ĝᵢ)² / Σ Var ĝᵢ (the inverse of the
 *   gradient noise scale of McCandlish et al. 2018). Not the mean of the ratios: a unit whose
 *   estimate barely varies (a learned correction with slope near 0) has an SNR in the thousands
 *   that swamps it. The median of the per-unit ratios is reported too (`snrMedian`).
 * - **relative bias, cosine, MSE, relative MSE**: over all parameters of a network, then averaged
 *   over the networks.
 *
 * With `contexts` K > 1 every network has K input contexts, and every quantity is an exact
 * expectation over contexts × unit samples (`enumerateContexts`, `measureMixture`).
 *
 * @module
 */
import { enumerateContexts, mixtureGradient, mixtureObjective } from './enumerate.js';
import { exactNets, logLogSlope, measureMixture, tfjsCheck, type EstimatorMeasure, type TfjsCheck } from './measure.js';
import { NET_KINDS, paramCount, randomNet, type ExactNet, type NetKind, type RewardModel, type RewardOf } from './networks.js';
import { theoryChecks, type TheoryCheck } from './theory.js';

/** What to analyse. */
export interface DiagnoseOptions {
  /** Numbers of (hidden) units n, each in [1, 16]. */
  readonly units: readonly number[];
  /** Estimators to measure (each with an exact rule), in listing order. */
  readonly estimators: readonly string[];
  /** Seed of the random networks. */
  readonly seed: number;
  /** Random networks per (network, n). */
  readonly nets: number;
  /** How reward tables are drawn. */
  readonly reward: RewardModel;
  /** What the two-layer network's reward depends on. */
  readonly rewardOf: RewardOf;
  /** Run the real tfjs estimator functions on the first network of each size and compare. */
  readonly check: boolean;
  /**
   * K, the number of input contexts of every network (1: one fixed input).
   * @default 1
   */
  readonly contexts?: number;
  /**
   * With K > 1: each context has its own reward table.
   * @default false
   */
  readonly contextRewards?: boolean;
}

/**
 * Largest float32-vs-float64 difference (relative to the estimates' scale) that the check accepts.
 * Float32 rounding gives about 1e-7 per row, and the float32 Eq. 7 sums over 2¹⁷ configurations up
 * to about 1e-4; a wrong formula gives differences of order 1.
 */
export const CHECK_TOLERANCE = 1e-3;

/** One random network of one size, with its exact gradient and every estimator's measurement. */
export interface NetDiagnosis {
  /** Which of the `--nets` networks of this size. */
  readonly index: number;
  /** The network (weights, biases, reward table). */
  readonly net: ExactNet;
  /** J = Σ P·R̄. */
  readonly objective: number;
  /** ∇J, flat. */
  readonly gradient: Float64Array;
  /** Per estimator. */
  readonly measures: Readonly<Record<string, EstimatorMeasure>>;
  /** The tfjs cross-check, when run. */
  readonly check: TfjsCheck | undefined;
}

/** The aggregate of one estimator at one size (see the module header). */
export interface SizeSummary {
  /** Σ (E ĝᵢ)² / Σ Var ĝᵢ over the hidden units of all networks. */
  readonly snr: number;
  /** Median per-unit SNR over the hidden units of all networks. */
  readonly snrMedian: number;
  /** Two-layer only: median over networks of the output unit's SNR. */
  readonly outputSnr: number | undefined;
  /** Mean over networks of ‖E ĝ − ∇J‖ / ‖∇J‖. */
  readonly relBias: number;
  /** Mean over networks of cos(E ĝ, ∇J). */
  readonly cosine: number;
  /** Mean over networks of E‖ĝ − ∇J‖². */
  readonly mse: number;
  /** Mean over networks of E‖ĝ − ∇J‖² / ‖∇J‖². */
  readonly relMse: number;
}

/** Every network of one (kind, n). */
export interface SizeDiagnosis {
  readonly network: NetKind;
  readonly n: number;
  /** Configurations enumerated per network. */
  readonly configurations: number;
  /** Parameters per network. */
  readonly parameters: number;
  /** The estimators measured on this network, in listing order. */
  readonly estimators: readonly string[];
  readonly nets: readonly NetDiagnosis[];
  readonly summary: Readonly<Record<string, SizeSummary>>;
  /** Wall-clock seconds for this size. */
  readonly seconds: number;
}

/** Everything `diagnose` computed. */
export interface DiagnoseResult {
  readonly options: DiagnoseOptions;
  readonly sizes: readonly SizeDiagnosis[];
  /** Least-squares slope s of log SNR against log n (SNR ∝ n^s), per network and estimator. */
  readonly scaling: Readonly<Partial<Record<NetKind, Record<string, number>>>>;
  readonly theory: readonly TheoryCheck[];
  /** The largest float32-vs-float64 difference met by the tfjs check, if run. */
  readonly checkWorst: number | undefined;
  /** Wall-clock seconds of the whole analysis. */
  readonly seconds: number;
}

const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** The mean of xs. */
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Measures every selected estimator on `nets` random networks of each size, for each network kind
 * an estimator applies to. With `check`, a tfjs backend must be initialised first, and the first
 * network of each size is also run through the real tfjs functions ({@link tfjsCheck}); a
 * disagreement beyond {@link CHECK_TOLERANCE} is an error.
 */
export function analyzeDiagnose(options: DiagnoseOptions): DiagnoseResult {
  const t0 = performance.now();
  const sizes: SizeDiagnosis[] = [];
  let checkWorst: number | undefined;
  for (const network of NET_KINDS) {
    const ids = options.estimators.filter((id) => exactNets(id).includes(network));
    if (ids.length === 0) continue;
    for (const n of options.units) {
      const ts = performance.now();
      const nets: NetDiagnosis[] = [];
      for (let index = 0; index < options.nets; index++) {
        const net = randomNet(network, n, options.seed, { reward: options.reward, rewardOf: options.rewardOf, index, contexts: options.contexts ?? 1, contextRewards: options.contextRewards ?? false });
        const mix = enumerateContexts(net);
        const gradient = mixtureGradient(mix);
        const measures: Record<string, EstimatorMeasure> = {};
        for (const id of ids) measures[id] = measureMixture(mix, id, gradient);
        // Once per size is enough to show that the formulas agree; it costs more than the analysis.
        const check = options.check && index === 0 ? tfjsCheck(mix.length === 1 ? mix[0]!.en : mix, ids) : undefined;
        if (check) {
          checkWorst = Math.max(checkWorst ?? 0, check.worst);
          if (!(check.worst <= CHECK_TOLERANCE)) {
            const [id, d] = [['the Eq. 7 baseline (exactOptimalBaseline)', check.optimalBaseline ?? 0] as const, ...Object.entries(check.estimators)].sort((a, b) => b[1] - a[1])[0]!;
            throw new Error(
              `diagnose: the float64 analysis disagrees with the tfjs estimator functions on the ${network} network, n = ${n}, net ${index}: ${id} differs by ${d} (relative; tolerance ${CHECK_TOLERANCE})`,
            );
          }
        }
        nets.push({ index, net, objective: mixtureObjective(mix), gradient, measures, check });
      }
      const summary: Record<string, SizeSummary> = {};
      for (const id of ids) {
        const ms = nets.map((d) => d.measures[id]!);
        let signal = 0;
        let noise = 0;
        for (const m of ms) {
          for (let i = 0; i < n; i++) {
            signal += m.unitMean[i]! ** 2;
            noise += m.unitVariance[i]!;
          }
        }
        summary[id] = {
          snr: signal / noise,
          snrMedian: median(ms.flatMap((m) => Array.from(m.unitSnr.subarray(0, n)))),
          outputSnr: network === 'two-layer' ? median(ms.map((m) => m.outputSnr!)) : undefined,
          relBias: mean(ms.map((m) => m.relBias)),
          cosine: mean(ms.map((m) => m.cosine)),
          mse: mean(ms.map((m) => m.mse)),
          relMse: mean(ms.map((m) => m.relMse)),
        };
      }
      const first = nets[0]!.net;
      sizes.push({
        network,
        n,
        configurations: 2 ** (network === 'two-layer' ? n + 1 : n),
        parameters: paramCount(first),
        estimators: ids,
        nets,
        summary,
        seconds: (performance.now() - ts) / 1000,
      });
    }
  }
  const scaling: Partial<Record<NetKind, Record<string, number>>> = {};
  for (const network of NET_KINDS) {
    const rows = sizes.filter((s) => s.network === network);
    if (rows.length === 0) continue;
    const per: Record<string, number> = {};
    for (const id of rows[0]!.estimators) per[id] = logLogSlope(rows.map((s) => s.n), rows.map((s) => s.summary[id]!.snr));
    scaling[network] = per;
  }
  return { options, sizes, scaling, theory: theoryChecks(sizes), checkWorst, seconds: (performance.now() - t0) / 1000 };
}

