/**
 * `rewardcast diagnose`: the exact bias and signal-to-noise ratio of every estimator against the
 * number of stochastic binary units n, by enumerating all configurations of small random networks.
 * It answers the question Bengio et al. 2013 leave open (§5): how the variance of these estimators
 * scales with the number of noise sources.
 *
 * For each n in `--units` and each of the `--nets` random networks of that size, the exact gradient
 * and every estimator's exact mean and variance are computed in float64 (`src/estimators/exact.ts`
 * holds the networks and the math). Which estimator is measured on which network:
 *
 * | network | units | estimators |
 * |---|---|---|
 * | one-layer | n | reinforce, reinforce-mean, reinforce-optimal, reinforce-critic |
 * | two-layer | n hidden + 1 output | all of the above (every unit local), and st, st-sigmoid, learned-correction (hidden units by backprop, output by REINFORCE + Eq. 7) |
 *
 * noisy-relu, sts and backprop are not measured: their units are not binary (see
 * {@link NOT_ENUMERABLE}).
 *
 * Aggregation, for each (network, n, estimator):
 * - **SNR**: per unit, (E ĝᵢ)² / Var ĝᵢ; because the input is fixed, this is also the per-parameter
 *   SNR of each of the unit's weights and its bias (∇_W aᵢ = x). Aggregated over the n (hidden)
 *   units of all `--nets` networks as mean signal over mean noise, Σ (E ĝᵢ)² / Σ Var ĝᵢ (the inverse
 *   of the gradient noise scale of McCandlish et al. 2018). Not the mean of the ratios: a unit
 *   whose estimate barely varies (a learned correction with slope near 0) has an SNR in the
 *   thousands that swamps it. The median of the per-unit ratios is reported too (`snrMedian`); it
 *   follows the same trend but varies more from one set of networks to the next.
 * - **relative bias, cosine, MSE, relative MSE**: over all parameters of a network, then averaged
 *   over the networks.
 *
 * Output: a table (or, with `--json`, everything needed to recompute the numbers, see
 * {@link diagnoseJson}); and, in the output folder (default `runs/diagnose__<seed>__<time>/`, time in
 * Unix seconds), `diagnose.svg`/`.png` (the two-layer network, where every estimator applies),
 * `diagnose-one-layer.svg`/`.png` (the REINFORCE family on the one-layer network) and
 * `diagnose.json` (the same document as `--json`).
 *
 * ## What it finds (defaults, seed 1; `--reward-of output` where said)
 *
 * - The REINFORCE family is unbiased to float64 rounding (relative bias ≤ 2e-14 at n = 16).
 * - Its SNR falls as 1/n: SNR ∝ n^−1.0 to n^−1.1 for reinforce-mean and reinforce-optimal on both
 *   networks (n ≥ 4; seeds 1 … 12 give −0.7 to −1.3). The mean (E ĝᵢ)² stays constant while the
 *   mean Var ĝᵢ grows in proportion to n, the number of units sharing the reward. With the `iid`
 *   reward it falls exponentially instead (n^−4.4 to n^−4.8 over 4 … 16), because each unit's
 *   effect on a random table shrinks like 2^(−n/2).
 * - Eq. 7 has the lowest variance of the constant baselines in every unit of every network; its
 *   advantage over E[R] is large at n = 2 (SNR 0.84 against 0.38) and vanishes as n grows.
 * - Straight-through: when the reward depends on h directly (the default), st and st-sigmoid miss
 *   that path and are off by about 100 % (cosine 0.1–0.5). When it depends on the output only, the
 *   RL setting, st-sigmoid is nearly unbiased (relative bias 1.5–10 %, cosine > 0.99) with an SNR
 *   of 0.7–5.5 that does not fall with n, 16–350× REINFORCE's; st (no σ′ factor) stays biased
 *   (cosine ≈ 0.8).
 *   st's variance is not always below REINFORCE's: it is w_oⱼ²·Var ĝ_o, large when w_o is.
 * - The exact-fit learned correction is unbiased by construction with an SNR of 2–15 that grows
 *   with n: an upper bound on what the online fit of §3.2.2 can reach.
 *
 * @module
 */
import { analyzeMoments, formatMomentRows, type MomentRow } from '../estimators/exact-moments.js';
import { listEstimators } from '../estimators/index.js';
import { spsaDiagnosis } from '../estimators/weight-perturbation.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  enumerateNet,
  EXACT_ESTIMATOR_IDS,
  EXACT_ESTIMATORS,
  EXACT_INPUTS,
  exactGradient,
  logLogSlope,
  MAX_EXACT_UNITS,
  MAX_NETS,
  measureEstimator,
  NOT_ENUMERABLE,
  paramCount,
  randomNet,
  REWARD_MODELS,
  REWARD_OF,
  tfjsCheck,
  type EstimatorMeasure,
  type ExactEstimatorId,
  type ExactNet,
  type NetKind,
  type RewardModel,
  type RewardOf,
  type TfjsCheck,
} from '../estimators/exact.js';
import { diagnoseSpec, writeChart, type DiagnoseRow } from '../plot/index.js';
import { BACKEND_REQUESTS, initBackend, type BackendRequest } from '../tensor/backend.js';
import { UsageError, parseIntFlag } from './errors.js';

/** Options of `rewardcast diagnose`, each with its default. */
export interface DiagnoseCommandOptions {
  /** Numbers of (hidden) units n to measure, each in [1, 16]. @default [2, 4, 8, 12, 16] */
  readonly units: readonly number[];
  /** Estimators to measure. @default every measurable estimator */
  readonly estimators: readonly ExactEstimatorId[];
  /** Seed of the random networks. @default 1 */
  readonly seed: number;
  /** Random networks per (network, n); the metrics are aggregated over them. @default 4 */
  readonly nets: number;
  /** How reward tables are drawn. @default 'structured' */
  readonly reward: RewardModel;
  /** What the two-layer network's reward depends on. @default 'all' */
  readonly rewardOf: RewardOf;
  /** Output folder for the charts and diagnose.json. @default `runs/diagnose__<seed>__<time>` */
  readonly out?: string;
  /** Print JSON on stdout instead of a table. @default false */
  readonly json: boolean;
  /** Run the real tfjs estimator functions on the first network of each size and compare. @default true */
  readonly check: boolean;
  /** tfjs backend for the check. @default 'auto' */
  readonly backend: BackendRequest;
}

/** The defaults of {@link DiagnoseCommandOptions}. */
export const DIAGNOSE_DEFAULTS: DiagnoseCommandOptions = {
  units: [2, 4, 8, 12, 16],
  estimators: EXACT_ESTIMATOR_IDS,
  seed: 1,
  nets: 4,
  reward: 'structured',
  rewardOf: 'all',
  json: false,
  check: true,
  backend: 'auto',
};

/**
 * Largest float32-vs-float64 difference (relative to the estimates' scale) that the check accepts.
 * Float32 rounding gives about 1e-7 per row, and the float32 Eq. 7 sums over 2¹⁷ configurations up
 * to about 1e-4; a wrong formula gives differences of order 1.
 */
export const CHECK_TOLERANCE = 1e-3;

/** The REINFORCE family: each unit's own rule with a constant baseline. */
const REINFORCE_FAMILY: readonly ExactEstimatorId[] = ['reinforce', 'reinforce-mean', 'reinforce-optimal', 'reinforce-critic'];

/** One description line per network, shown in the table and the JSON. */
export const NETWORK_DESCRIPTIONS: Readonly<Record<NetKind, string>> = {
  'one-layer': `n stochastic binary units, a = x·W + b for one fixed input x (${EXACT_INPUTS} numbers); reward table R̄(h) over the 2^n configurations`,
  'two-layer': `n hidden stochastic binary units (a = x·W + b) → one binary output unit (a_o = h·w_o + b_o); reward table R̄(h, o) over 2^(n+1) configurations; hidden units use the estimator's rule, the output unit REINFORCE (its own baseline, Eq. 7 for the backprop family)`,
};

/** Parses `--units`: comma-separated integers in [1, 16], returned sorted without repeats. */
export function parseUnits(value: unknown): number[] {
  const what = `--units must be a comma-separated list of integers in [1, ${MAX_EXACT_UNITS}] (exact enumeration of 2^n configurations)`;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${what}, got ${JSON.stringify(value)}`);
  const out = value.split(',').map((part) => {
    const t = part.trim();
    const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
    if (!(n >= 1 && n <= MAX_EXACT_UNITS)) throw new UsageError(`${what}, got ${JSON.stringify(t)}${t === value.trim() ? '' : ` in ${JSON.stringify(value)}`}`);
    return n;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Parses `--estimators`: comma-separated ids (or `all`), returned in listing order. */
export function parseEstimators(value: unknown): ExactEstimatorId[] {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--estimators must be a comma-separated list of estimator ids, got ${JSON.stringify(value)}`);
  if (value.trim() === 'all') return [...EXACT_ESTIMATOR_IDS];
  const wanted = new Set<string>();
  for (const part of value.split(',')) {
    const id = part.trim();
    if (id in NOT_ENUMERABLE) throw new UsageError(`--estimators: ${id} cannot be measured by exact enumeration: ${NOT_ENUMERABLE[id as keyof typeof NOT_ENUMERABLE]}`);
    if (!(EXACT_ESTIMATOR_IDS as string[]).includes(id)) {
      throw new UsageError(`--estimators: unknown estimator ${JSON.stringify(id)}; measurable estimators: ${EXACT_ESTIMATOR_IDS.join(', ')}`);
    }
    wanted.add(id);
  }
  return EXACT_ESTIMATOR_IDS.filter((id) => wanted.has(id));
}

function oneOf<T extends string>(flag: string, value: unknown, valid: readonly T[]): T {
  if (typeof value === 'string' && (valid as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${valid.join(', ')}, got ${JSON.stringify(value)}`);
}

/** Resolves the command's flags (as commander gives them) against {@link DIAGNOSE_DEFAULTS}. */
export function resolveDiagnoseOptions(flags: Record<string, unknown>): DiagnoseCommandOptions {
  const d = DIAGNOSE_DEFAULTS;
  const envBackend = process.env['REWARDCAST_BACKEND'];
  const seed = flags['seed'] !== undefined ? parseIntFlag('--seed', flags['seed'], 0) : d.seed;
  if (seed > 0xffffffff) throw new UsageError(`--seed must be an integer in [0, 2^32), got ${JSON.stringify(flags['seed'])}`);
  const nets = flags['nets'] !== undefined ? parseIntFlag('--nets', flags['nets'], 1) : d.nets;
  if (nets > MAX_NETS) throw new UsageError(`--nets must be an integer in [1, ${MAX_NETS}], got ${JSON.stringify(flags['nets'])}`);
  return {
    units: flags['units'] !== undefined ? parseUnits(flags['units']) : d.units,
    estimators: flags['estimators'] !== undefined ? parseEstimators(flags['estimators']) : d.estimators,
    seed,
    nets,
    reward: flags['reward'] !== undefined ? oneOf('--reward', flags['reward'], REWARD_MODELS) : d.reward,
    rewardOf: flags['rewardOf'] !== undefined ? oneOf('--reward-of', flags['rewardOf'], REWARD_OF) : d.rewardOf,
    ...(flags['out'] !== undefined ? { out: String(flags['out']) } : {}),
    json: flags['json'] === true,
    check: flags['check'] !== false,
    backend:
      flags['backend'] !== undefined
        ? oneOf('--backend', flags['backend'], BACKEND_REQUESTS)
        : envBackend
          ? oneOf('REWARDCAST_BACKEND', envBackend, BACKEND_REQUESTS)
          : d.backend,
  };
}

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
  readonly measures: Readonly<Partial<Record<ExactEstimatorId, EstimatorMeasure>>>;
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
  readonly estimators: readonly ExactEstimatorId[];
  readonly nets: readonly NetDiagnosis[];
  readonly summary: Readonly<Partial<Record<ExactEstimatorId, SizeSummary>>>;
  /** Wall-clock seconds for this size. */
  readonly seconds: number;
}

/** What the measurements say about a claim; `untested` when the selected estimators or sizes cannot test it. */
export type Verdict = 'holds' | 'partly' | 'fails' | 'untested';

/** One claim of the theory and whether the measurements bear it out. */
export interface TheoryCheck {
  /** The claim, as ESTIMATORS.md states it. */
  readonly claim: string;
  readonly verdict: Verdict;
  /** The numbers behind the verdict. */
  readonly detail: string;
}

/** Everything `diagnose` computed. */
export interface DiagnoseResult {
  readonly options: DiagnoseCommandOptions;
  readonly sizes: readonly SizeDiagnosis[];
  /** Least-squares slope s of log SNR against log n (SNR ∝ n^s), per network and estimator. */
  readonly scaling: Readonly<Partial<Record<NetKind, Partial<Record<ExactEstimatorId, number>>>>>;
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
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Measures every selected estimator on `nets` random networks of each size, for each network kind
 * an estimator applies to. With `check`, a tfjs backend must be initialised first, and the first
 * network of each size is also run through the real tfjs functions ({@link tfjsCheck}); a
 * disagreement beyond {@link CHECK_TOLERANCE} is an error.
 */
export function analyzeDiagnose(options: DiagnoseCommandOptions): DiagnoseResult {
  const t0 = performance.now();
  const sizes: SizeDiagnosis[] = [];
  let checkWorst: number | undefined;
  for (const network of ['one-layer', 'two-layer'] as const) {
    const ids = options.estimators.filter((id) => EXACT_ESTIMATORS[id].includes(network));
    if (ids.length === 0) continue;
    for (const n of options.units) {
      const ts = performance.now();
      const nets: NetDiagnosis[] = [];
      for (let index = 0; index < options.nets; index++) {
        const net = randomNet(network, n, options.seed, { reward: options.reward, rewardOf: options.rewardOf, index });
        const en = enumerateNet(net);
        const gradient = exactGradient(en);
        const measures: Partial<Record<ExactEstimatorId, EstimatorMeasure>> = {};
        for (const id of ids) measures[id] = measureEstimator(en, id, gradient);
        // Once per size is enough to show that the formulas agree; it costs more than the analysis.
        const check = options.check && index === 0 ? tfjsCheck(en, ids) : undefined;
        if (check) {
          checkWorst = Math.max(checkWorst ?? 0, check.worst);
          if (!(check.worst <= CHECK_TOLERANCE)) {
            const [id, d] = [['the Eq. 7 baseline (exactOptimalBaseline)', check.optimalBaseline ?? 0] as const, ...Object.entries(check.estimators)].sort((a, b) => b[1] - a[1])[0]!;
            throw new Error(
              `diagnose: the float64 analysis disagrees with the tfjs estimator functions on the ${network} network, n = ${n}, net ${index}: ${id} differs by ${d} (relative; tolerance ${CHECK_TOLERANCE})`,
            );
          }
        }
        nets.push({ index, net, objective: en.objective, gradient, measures, check });
      }
      const summary: Partial<Record<ExactEstimatorId, SizeSummary>> = {};
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
  const scaling: Partial<Record<NetKind, Partial<Record<ExactEstimatorId, number>>>> = {};
  for (const network of ['one-layer', 'two-layer'] as const) {
    const rows = sizes.filter((s) => s.network === network);
    if (rows.length === 0) continue;
    const per: Partial<Record<ExactEstimatorId, number>> = {};
    for (const id of rows[0]!.estimators) per[id] = logLogSlope(rows.map((s) => s.n), rows.map((s) => s.summary[id]!.snr));
    scaling[network] = per;
  }
  return { options, sizes, scaling, theory: theoryChecks(sizes), checkWorst, seconds: (performance.now() - t0) / 1000 };
}

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(digits - 1) : x.toPrecision(digits)) : String(x));

/** Slopes of the one-layer REINFORCE family that count as "roughly 1/n" (SNR ∝ n^s). */
export const ONE_OVER_N_SLOPES = [-1.5, -0.5] as const;

/**
 * Tests ESTIMATORS.md's predictions against the measurements:
 * 1. the REINFORCE family is unbiased: largest relative bias below 1e-9 (float64 rounding gives
 *    about 1e-14);
 * 2. its per-unit SNR falls roughly as 1/n, on the one-layer network where the claim is stated (n
 *    units sharing one reward): the log–log slope of the SNR against n, fitted over n ≥ 4,
 *    lies in {@link ONE_OVER_N_SLOPES} for reinforce-mean and reinforce-optimal. Sizes below 4 are
 *    left out: the noise a unit sees comes from the n − 1 others, so at small n the curve is
 *    steeper than 1/n. Over seeds 1 … 12 with the defaults the slopes lie in [−1.26, −0.72]; an
 *    exponential fall (the `iid` reward) gives slopes below −3;
 * 3. Eq. 7 has the lowest variance among constant baselines: for every unit of every network,
 *    Var under Eq. 7 ≤ Var under 0 and under E[R], up to 1e-9 relative;
 * 4. straight-through has lower variance but is biased (two-layer network): relative bias above
 *    1e-3, and a total variance of the hidden units' estimates below reinforce-optimal's, in every
 *    network (`partly` when in most networks but not all).
 */
export function theoryChecks(sizes: readonly SizeDiagnosis[]): TheoryCheck[] {
  const out: TheoryCheck[] = [];
  const all = sizes.flatMap((s) => s.nets.map((d) => ({ s, d })));
  // 1. unbiasedness
  const rf = all.flatMap(({ d }) => REINFORCE_FAMILY.flatMap((id) => (d.measures[id] ? [d.measures[id]!.relBias] : [])));
  out.push({
    claim: 'REINFORCE (any constant baseline) is unbiased',
    verdict: rf.length ? (Math.max(...rf) < 1e-9 ? 'holds' : 'fails') : 'untested',
    detail: rf.length ? `largest relative bias over ${rf.length} measurements: ${fmt(Math.max(...rf), 2)}` : 'no REINFORCE-family estimator selected',
  });
  // 2. 1/n
  const slopes: string[] = [];
  let ok: boolean | undefined;
  for (const network of ['one-layer', 'two-layer'] as const) {
    const rows = sizes.filter((s) => s.network === network && s.n >= 4);
    if (new Set(rows.map((r) => r.n)).size < 2) continue;
    for (const id of REINFORCE_FAMILY) {
      if (!rows[0]!.summary[id] || (id === 'reinforce-critic' && rows[0]!.summary['reinforce-mean'])) continue;
      const s = logLogSlope(rows.map((r) => r.n), rows.map((r) => r.summary[id]!.snr));
      slopes.push(`${id} (${network}) n^${s.toFixed(2)}`);
      if (network === 'one-layer' && (id === 'reinforce-optimal' || id === 'reinforce-mean')) {
        ok = (ok ?? true) && s >= ONE_OVER_N_SLOPES[0] && s <= ONE_OVER_N_SLOPES[1];
      }
    }
  }
  out.push({
    claim: "REINFORCE's per-unit SNR falls roughly as 1/n",
    verdict: ok === undefined ? 'untested' : ok ? 'holds' : 'fails',
    detail: slopes.length
      ? `SNR ∝ ${slopes.join(', ')}, fitted over n ≥ 4; the verdict asks for a slope in [${ONE_OVER_N_SLOPES.join(', ')}] from the one-layer reinforce-mean and reinforce-optimal`
      : 'needs a REINFORCE-family estimator and two sizes n ≥ 4',
  });
  // 3. Eq. 7
  let units = 0;
  let violations = 0;
  let worstGap = 0;
  for (const { d } of all) {
    const opt = d.measures['reinforce-optimal'];
    if (!opt) continue;
    for (const id of ['reinforce', 'reinforce-mean', 'reinforce-critic'] as const) {
      const other = d.measures[id];
      if (!other) continue;
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
      : 'needs reinforce-optimal and another REINFORCE-family estimator',
  });
  // 4. straight-through
  const two = all.filter(({ s }) => s.network === 'two-layer');
  const parts: string[] = [];
  const verdicts: Verdict[] = [];
  for (const id of ['st', 'st-sigmoid'] as const) {
    const pairs = two.filter(({ d }) => d.measures[id] && d.measures['reinforce-optimal']);
    if (!pairs.length) continue;
    let lower = 0;
    let minBias = Number.POSITIVE_INFINITY;
    for (const { s, d } of pairs) {
      const hv = (m: EstimatorMeasure): number => m.unitVariance.subarray(0, s.n).reduce((a, v) => a + v, 0);
      if (hv(d.measures[id]!) < hv(d.measures['reinforce-optimal']!)) lower += 1;
      minBias = Math.min(minBias, d.measures[id]!.relBias);
    }
    parts.push(`${id}: hidden-unit variance below reinforce-optimal's in ${lower} of ${pairs.length} networks, relative bias ≥ ${fmt(minBias, 2)}`);
    verdicts.push(minBias <= 1e-3 || lower * 2 < pairs.length ? 'fails' : lower === pairs.length ? 'holds' : 'partly');
  }
  out.push({
    claim: 'straight-through has lower variance but is biased',
    verdict: verdicts.length === 0 ? 'untested' : verdicts.includes('fails') ? 'fails' : verdicts.includes('partly') ? 'partly' : 'holds',
    detail: parts.length ? parts.join('; ') : 'needs st or st-sigmoid, and reinforce-optimal',
  });
  return out;
}

/** The estimators with exact moments (rloo, arm, disarm, hnca, weight-max, node perturbation) on diagnose's networks; memoised per options. */
const momentCache = new WeakMap<DiagnoseCommandOptions, MomentRow[]>();
function momentRows(o: DiagnoseCommandOptions): MomentRow[] {
  let rows = momentCache.get(o);
  if (!rows) {
    rows = analyzeMoments([...listEstimators(), spsaDiagnosis], o, (kind, n, index) => enumerateNet(randomNet(kind, n, o.seed, { reward: o.reward, rewardOf: o.rewardOf, index })));
    momentCache.set(o, rows);
  }
  return rows;
}

/** The human-readable report: one table per network, the scaling fits and the theory checks. */
export function formatDiagnoseTable(result: DiagnoseResult): string {
  const o = result.options;
  const lines: string[] = [];
  lines.push(
    `diagnose: exact enumeration, seed ${o.seed}, ${o.nets} random network${o.nets === 1 ? '' : 's'} per size, reward ${o.reward}${o.rewardOf === 'output' ? ', two-layer reward of the output only' : ''}`,
  );
  lines.push(
    'SNR: per unit (E ĝᵢ)²/Var ĝᵢ, also the per-parameter SNR of its weights and bias; aggregated as Σ(E ĝᵢ)²/Σ Var ĝᵢ over the (hidden) units of all networks, with the median of the per-unit ratios beside it. Bias, cosine, MSE: over all parameters, mean over networks.',
  );
  const header = ['estimator', 'n', 'SNR', 'SNR median', 'rel. bias', 'cosine', 'rel. MSE'];
  for (const network of ['one-layer', 'two-layer'] as const) {
    const rows = result.sizes.filter((s) => s.network === network);
    if (!rows.length) continue;
    lines.push('', `${network} network: ${NETWORK_DESCRIPTIONS[network]}`);
    const table: string[][] = [header];
    for (const id of rows[0]!.estimators) {
      for (const s of rows) {
        const m = s.summary[id]!;
        table.push([id, String(s.n), fmt(m.snr), fmt(m.snrMedian), fmt(m.relBias, 2), m.cosine.toFixed(4), fmt(m.relMse)]);
      }
    }
    const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table) lines.push(r.map((cell, c) => (c < 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    const sc = result.scaling[network] ?? {};
    lines.push(`SNR ∝ n^s over n = ${rows.map((r) => r.n).join(', ')}: ${Object.entries(sc).map(([id, s]) => `${id} ${Number.isFinite(s) ? s.toFixed(2) : '-'}`).join(', ')}`);
    lines.push(`seconds per size: ${rows.map((r) => `n=${r.n} ${r.seconds.toFixed(2)}`).join(', ')}`);
  }
  const since2013 = formatMomentRows(momentRows(result.options));
  if (since2013.length) lines.push('', ...since2013);
  const notes = diagnoseNotes(result.options.estimators);
  if (notes.length) lines.push('', ...notes);
  lines.push('', 'not measured (not binary): ' + Object.entries(NOT_ENUMERABLE).map(([id, why]) => `${id}: ${why}`).join('; '));
  lines.push('', 'theory:');
  for (const t of result.theory) lines.push(`  [${t.verdict}] ${t.claim}: ${t.detail}`);
  if (result.checkWorst !== undefined) lines.push('', `tfjs check: the estimator functions of src/estimators agree with the float64 analysis to ${fmt(result.checkWorst, 2)} (relative, float32 rounding)`);
  return lines.join('\n');
}

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

/**
 * The JSON document: the options, the conventions needed to read it, and for each network kind and
 * n, every random network with its weights, biases and reward table, J, the exact gradient ∇J, and
 * for each estimator its exact mean and variance per parameter, per-unit SNRs, the baselines used and
 * the summary metrics. Anyone can recompute ∇J from the printed weights and table.
 */
export function diagnoseJson(result: DiagnoseResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const o = result.options;
  return {
    command: 'diagnose',
    seed: o.seed,
    units: o.units,
    nets: o.nets,
    reward: o.reward,
    rewardOf: o.rewardOf,
    estimators: o.estimators,
    since2013: momentRows(o),
    conventions: {
      unit: 'h = 1[u < σ(a)], σ the logistic sigmoid; p = σ(a)',
      oneLayer: 'a = x·W + b; W is inputs × n, row-major: W[k*n + i] connects input k to unit i',
      twoLayer: 'hidden as one-layer; output a_o = Σ_i wOut[i]·h_i + bOut',
      configurationIndex: 'reward[k]: bit i of k is unit i (hidden units 0..n-1); in the two-layer network bit n is the output unit',
      probability: 'P(k) = Π_i p_i^{h_i}(1 − p_i)^{1 − h_i}, with the output unit’s p_o depending on h',
      objective: 'J = Σ_k P(k)·reward[k]',
      parameters: 'flat: W (inputs·n), b (n), then in the two-layer network wOut (n), bOut',
      gradient: '∂J/∂parameter, ascending (the reward is maximised)',
      estimates: 'mean[j] = Σ_k P(k)·ĝ_j(k), variance[j] = Σ_k P(k)·(ĝ_j(k) − mean[j])², per parameter',
      unitSnr: '(E ĝ_i)²/Var ĝ_i of unit i’s estimate of ∂J/∂a_i (output unit last in the two-layer network)',
      snr: 'Σ mean_i² / Σ variance_i over the (hidden) units i of all networks of that size (unit estimates of ∂J/∂a_i); snrMedian is the median of unitSnr over the same units',
      relBias: '‖mean − gradient‖/‖gradient‖ over all parameters; cosine likewise; mse = ‖mean − gradient‖² + Σ variance; relMse = mse/‖gradient‖²; summaries average these over networks',
      baselines: 'ideal constants: reinforce 0, reinforce-mean E[R], reinforce-critic V = E[R] (one fixed input), reinforce-optimal Eq. 7 per unit; the backprop family uses Eq. 7 at the output unit',
      learnedCorrection: 'α_j + β_j·Ĝ_j, with (α, β) the least-squares fit under P of unit j’s REINFORCE (Eq. 7) estimate on its straight-through estimate Ĝ_j = wOut[j]·ĝ_o',
    },
    networks: Object.fromEntries(
      (['one-layer', 'two-layer'] as const).map((k) => [k, { description: NETWORK_DESCRIPTIONS[k], estimators: EXACT_ESTIMATOR_IDS.filter((id) => EXACT_ESTIMATORS[id].includes(k)) }]),
    ),
    notes: diagnoseNotes(o.estimators),
    notMeasured: NOT_ENUMERABLE,
    results: result.sizes.map((s) => ({
      network: s.network,
      n: s.n,
      configurations: s.configurations,
      parameters: s.parameters,
      seconds: s.seconds,
      summary: s.summary,
      nets: s.nets.map((d) => ({
        index: d.index,
        x: arr(d.net.x),
        W: arr(d.net.W),
        b: arr(d.net.b),
        ...(d.net.kind === 'two-layer' ? { wOut: arr(d.net.wOut), bOut: d.net.bOut } : {}),
        reward: arr(d.net.reward),
        objective: d.objective,
        gradient: arr(d.gradient),
        estimators: Object.fromEntries(
          Object.entries(d.measures).map(([id, m]) => [
            id,
            {
              mean: arr(m.mean),
              variance: arr(m.variance),
              unitSnr: arr(m.unitSnr),
              baseline: arr(m.baseline),
              ...(m.correction ? { correction: m.correction } : {}),
              relBias: m.relBias,
              cosine: m.cosine,
              mse: m.mse,
              relMse: m.relMse,
            },
          ]),
        ),
        ...(d.check ? { tfjsCheck: d.check } : {}),
      })),
    })),
    scaling: result.scaling,
    theory: result.theory,
    tfjsCheckWorst: result.checkWorst ?? null,
    seconds: result.seconds,
    ...extra,
  };
}

/**
 * Relative biases below this are float64 rounding (about 1e-15 to 1e-13, growing with 2ⁿ) and are
 * drawn as 0: on the chart's linear bias axis they would otherwise draw a rising curve of noise.
 * Tables and JSON keep the exact numbers.
 */
export const ROUNDING_BIAS = 1e-9;

/** Legend names that differ from the id. */
const CHART_LABELS: Partial<Record<ExactEstimatorId, string>> = { 'learned-correction': 'learned-correction (exact fit)' };

/** Notes printed under the table (and in the JSON) when the estimators they concern are selected. */
export function diagnoseNotes(estimators: readonly ExactEstimatorId[]): string[] {
  const has = (id: ExactEstimatorId): boolean => estimators.includes(id);
  const notes: string[] = [];
  if (has('reinforce-critic')) notes.push('reinforce-critic equals reinforce-mean here: with one fixed input the ideal critic is V(s) = E[R].');
  if (has('st') || has('st-sigmoid')) {
    notes.push(
      'st and st-sigmoid have the same per-unit SNR: each hidden estimate is the output unit’s REINFORCE estimate ĝ_o times a constant (w_oⱼ, or w_oⱼ·pⱼ(1 − pⱼ)); pooled over units their SNRs differ only by those weights. Backprop follows only the path h → o → R, so with --reward-of all it misses the direct effect of h on R.',
    );
  }
  if (has('learned-correction')) {
    notes.push(
      'learned-correction uses the exact least-squares fit under P; its intercept αⱼ = E ĝⱼ − βⱼ·E Ĝⱼ contains the true gradient, so it is unbiased by construction: the best an online fit can reach, not what it reaches.',
    );
  }
  return notes;
}

/** The chart rows of one network: one line per estimator, reinforce-critic left out when reinforce-mean is drawn (identical here). */
export function diagnoseRows(result: DiagnoseResult, network: NetKind): DiagnoseRow[] {
  const sizes = result.sizes.filter((s) => s.network === network);
  if (!sizes.length) return [];
  const ids = sizes[0]!.estimators.filter((id) => !(id === 'reinforce-critic' && sizes[0]!.estimators.includes('reinforce-mean')));
  return ids.flatMap((id) =>
    sizes
      .filter((s) => Number.isFinite(s.summary[id]!.snr) && s.summary[id]!.snr > 0)
      .map((s) => {
        const m = s.summary[id]!;
        return { estimator: CHART_LABELS[id] ?? id, units: s.n, snr: m.snr, relBias: m.relBias < ROUNDING_BIAS ? 0 : m.relBias, cosine: m.cosine, mse: m.mse };
      }),
  );
}

/** Paths written by {@link writeDiagnoseOutputs}. */
export interface DiagnoseFiles {
  readonly dir: string;
  readonly charts: readonly string[];
  readonly json: string;
}

/**
 * Writes the charts and `diagnose.json` into `dir`, and returns the paths with the JSON text (the
 * document of {@link diagnoseJson} with the paths under `out`), which `--json` prints as is.
 */
export async function writeDiagnoseOutputs(result: DiagnoseResult, dir: string): Promise<DiagnoseFiles & { text: string }> {
  mkdirSync(dir, { recursive: true });
  const o = result.options;
  const charts: string[] = [];
  const sub = `seed ${o.seed} · ${o.nets} net${o.nets === 1 ? '' : 's'} per n · ${o.reward} reward · SNR: Σ(E ĝ)²/Σ Var ĝ over units · bias < 1e-9 drawn as 0`;
  const subOutput = sub.replace(' reward ·', ' reward of o only ·');
  for (const [network, base, title, subtitle] of [
    ['two-layer', 'diagnose', 'Exact estimator diagnostics: n hidden binary units → 1 binary output', o.rewardOf === 'output' ? subOutput : sub],
    ['one-layer', 'diagnose-one-layer', 'Exact estimator diagnostics: one layer of n binary units', sub],
  ] as const) {
    const rows = diagnoseRows(result, network);
    if (!rows.length) continue;
    const has = (id: ExactEstimatorId): boolean => rows.some((r) => r.estimator === (CHART_LABELS[id] ?? id));
    const same = [
      ...(o.estimators.includes('reinforce-critic') && has('reinforce-mean') ? ['critic ≡ mean'] : []),
      ...(has('st') && has('st-sigmoid') ? ['st ≈ st-sigmoid in SNR'] : []),
    ];
    const written = await writeChart(diagnoseSpec(rows, { title, subtitle: [subtitle, ...same].join(' · ') }), join(dir, base));
    charts.push(written.svgPath, written.pngPath);
  }
  const json = join(dir, 'diagnose.json');
  const files: DiagnoseFiles = { dir, charts, json };
  const text = `${JSON.stringify(diagnoseJson(result, { out: files }))}\n`;
  writeFileSync(json, text);
  return { ...files, text };
}

/** The default output folder: `runs/diagnose__<seed>__<time>` (Unix seconds). */
export function defaultDiagnoseDir(seed: number, time = Math.floor(Date.now() / 1000)): string {
  return join('runs', `diagnose__${seed}__${time}`);
}

/** Runs the command: analysis, files, and the report on stdout. */
export async function runDiagnoseCommand(options: DiagnoseCommandOptions): Promise<{ result: DiagnoseResult; files: DiagnoseFiles }> {
  if (options.check) await initBackend(options.backend === 'auto' ? undefined : options.backend);
  const result = analyzeDiagnose(options);
  const { text, ...files } = await writeDiagnoseOutputs(result, options.out ?? defaultDiagnoseDir(options.seed));
  if (options.json) process.stdout.write(text);
  else process.stdout.write(`${formatDiagnoseTable(result)}\n\nwrote ${[...files.charts, files.json].join(', ')}\n`);
  return { result, files };
}

/** Adds the `diagnose` command to the program. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('exact bias and SNR of every binary-unit estimator against the number of units n, by enumerating all 2^n configurations of random networks')
    .option('--units <list>', `numbers of units n, each in [1, ${MAX_EXACT_UNITS}] (default ${DIAGNOSE_DEFAULTS.units.join(',')})`)
    .option('--estimators <list>', `estimators to measure, or all (default all: ${EXACT_ESTIMATOR_IDS.join(', ')})`)
    .option('--seed <n>', `seed of the random networks (default ${DIAGNOSE_DEFAULTS.seed})`)
    .option('--nets <n>', `random networks per size; metrics are aggregated over them (default ${DIAGNOSE_DEFAULTS.nets})`)
    .option('--reward <model>', `reward tables: structured (per-unit and pairwise effects) or iid (default ${DIAGNOSE_DEFAULTS.reward})`)
    .option('--reward-of <what>', `two-layer reward depends on all units, or on the output only (default ${DIAGNOSE_DEFAULTS.rewardOf})`)
    .option('--out <dir>', 'folder for diagnose.svg/.png, diagnose-one-layer.svg/.png and diagnose.json (default runs/diagnose__<seed>__<time>)')
    .option('--json', 'print everything as JSON: weights, reward tables, exact gradients, each estimator’s exact mean and variance')
    .option('--no-check', 'skip running the real tfjs estimator functions against the float64 analysis')
    .option('--backend <name>', 'tfjs backend for the check: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .addHelpText(
      'after',
      [
        '',
        'Networks: one-layer (n units; the REINFORCE family) and two-layer (n hidden units feeding one',
        'binary output unit; every estimator, hidden units by backprop for st, st-sigmoid and',
        'learned-correction). noisy-relu, sts and backprop have no binary units to enumerate.',
        '',
        'Examples:',
        '  $ rewardcast diagnose',
        '  $ rewardcast diagnose --units 2,4,8 --estimators reinforce,reinforce-optimal,st --json',
        '  $ rewardcast diagnose --reward-of output --nets 8 --out runs/diag-output',
      ].join('\n'),
    )
    .action(async (flags: Record<string, unknown>) => {
      await runDiagnoseCommand(resolveDiagnoseOptions(flags));
    });
}
