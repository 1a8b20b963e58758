/**
 * `rewardcast diagnose`: the exact bias and signal-to-noise ratio of every estimator against the
 * number of stochastic binary units n, by enumerating all configurations of small random networks.
 * It answers the question Bengio et al. 2013 leave open (§5): how the variance of these estimators
 * scales with the number of noise sources.
 *
 * The flags and the output only; the science lives in `src/diagnose/` (networks, enumeration,
 * measurement, analysis, theory checks). Every registered estimator with an exact rule is measured
 * (user estimators too, registered from a module named by `--import`), on each network its rule is
 * defined on; the others say why they cannot be enumerated. Aggregation: see
 * `src/diagnose/analyze.ts`.
 *
 * Input contexts: `--contexts K` gives every network of the main tables a distribution over K
 * inputs (default 1, one fixed input); the default output adds a section with K = `--also-contexts`
 * (default 4), and the learned-correction and per-weight studies at both K (`src/diagnose/studies.ts`).
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
 * - The exact-fit learned correction has an SNR of 2–15 that grows with n. It is unbiased only
 *   with one fixed input (the intercept of the per-unit map then holds the true gradient). With
 *   K = 4 input contexts (the default "several input contexts" section) the exact fit's relative
 *   bias is 0.09–0.15 (cosine ≥ 0.987); with `--context-rewards` 0.26–0.56 (cosine 0.76–0.95, over
 *   W alone down to −0.27). The online rule, simulated beside it (learned-correction section), has
 *   about the exact fit's bias and 1.0–3.0 times its per-update variance (16 samples per update).
 *   The exact fit is not an upper bound on the online fit (a constant map has zero variance).
 * - The per-weight Eq. 7 baseline E[(h−p)²x²R]/E[(h−p)²x²] (per-weight section) has at most the
 *   per-unit Eq. 7's variance on every weight, as it must. With one fixed input they tie on the
 *   hidden weights and it wins on all 168 output weights (worst ratio 9.4, where per-unit Eq. 7 is
 *   worse than 0 or E[R] on 86 of them); with K = 4 it wins on all 1 344 hidden weights (median
 *   ratio 1.002–1.015, worst 1.95) and all output weights (worst 16.5).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  analyzeDiagnose,
  enumerateContexts,
  exactGradient,
  randomNet,
  exactEstimatorIds,
  exactNets,
  MAX_CONTEXTS,
  MAX_EXACT_UNITS,
  MAX_NETS,
  correctionStudy,
  perWeightStudy,
  perWeightTotals,
  ONLINE_BLOCKS,
  type CorrectionRow,
  type PerWeightRow,
  NET_KINDS,
  NETWORK_DESCRIPTIONS,
  notEnumerable,
  REWARD_MODELS,
  REWARD_OF,
  type DiagnoseOptions,
  type DiagnoseResult,
  type NetKind,
  type RewardModel,
  type RewardOf,
} from '../diagnose/index.js';
import { listEstimators } from '../estimators/index.js';
import { analyzeMoments, formatMomentRows, type MomentRow } from '../estimators/exact-moments.js';
import { diagnoseSpec, writeChart, type DiagnoseRow } from '../plot/index.js';
import { BACKEND_REQUESTS, initBackend, type BackendRequest } from '../tensor/backend.js';
import { ImportError, loadImports } from '../user/imports.js';
import { UsageError, parseIntFlag } from './errors.js';

/** Options of `rewardcast diagnose`, each with its default. */
export interface DiagnoseCommandOptions extends DiagnoseOptions {
  /** Numbers of (hidden) units n to measure, each in [1, 16]. @default [2, 4, 8, 12, 16] */
  readonly units: readonly number[];
  /** Estimators to measure. @default every registered estimator with an exact rule */
  readonly estimators: readonly string[];
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
  /** Modules to import first (user estimators register themselves there), via `loadImports`. @default [] */
  readonly imports: readonly string[];
  /** K, the input contexts of every network in the main tables (1: one fixed input). @default 1 */
  readonly contexts: number;
  /**
   * K of the extra section "several input contexts", the whole analysis again with that many
   * contexts, and the second K of the learned-correction and per-weight studies (0: none).
   * @default 4
   */
  readonly alsoContexts: number;
  /** T, updates of the simulated online learned-correction per network (0: no simulation). @default 1000 */
  readonly onlineUpdates: number;
  /** M, samples per update of the simulated online learned-correction. @default 16 */
  readonly onlineBatch: number;
  /** With several contexts, give each its own reward table (else they share the network's). @default false */
  readonly contextRewards: boolean;
}

/** The defaults of {@link DiagnoseCommandOptions}. */
export const DIAGNOSE_DEFAULTS: DiagnoseCommandOptions = {
  units: [2, 4, 8, 12, 16],
  get estimators(): readonly string[] {
    return exactEstimatorIds();
  },
  seed: 1,
  nets: 4,
  reward: 'structured',
  rewardOf: 'all',
  json: false,
  check: true,
  backend: 'auto',
  imports: [],
  contexts: 1,
  alsoContexts: 4,
  onlineUpdates: 1000,
  onlineBatch: 16,
  contextRewards: false,
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
export function parseEstimators(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--estimators must be a comma-separated list of estimator ids, got ${JSON.stringify(value)}`);
  const measurable = exactEstimatorIds();
  if (value.trim() === 'all') return measurable;
  const why = notEnumerable();
  const wanted = new Set<string>();
  for (const part of value.split(',')) {
    const id = part.trim();
    if (id in why) throw new UsageError(`--estimators: ${id} cannot be measured by exact enumeration: ${why[id]}`);
    if (!measurable.includes(id)) throw new UsageError(`--estimators: unknown estimator ${JSON.stringify(id)}; measurable estimators: ${measurable.join(', ')}`);
    wanted.add(id);
  }
  return measurable.filter((id) => wanted.has(id));
}

/** Parses `--import` (repeatable): module specifiers, as given. */
export function parseImports(value: unknown): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  for (const v of list) if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--import must name a module (a path or a package), got ${JSON.stringify(v)}`);
  return list as string[];
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
  const inRange = (flag: string, key: string, min: number, max: number, dflt: number): number => {
    if (flags[key] === undefined) return dflt;
    const v = /^\s*\d+\s*$/.test(String(flags[key])) ? Number(flags[key]) : Number.NaN;
    if (!(v >= min && v <= max)) throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(flags[key])}`);
    return v;
  };
  const onlineUpdates = inRange('--online-updates', 'onlineUpdates', 0, 1_000_000, d.onlineUpdates);
  if (onlineUpdates > 0 && onlineUpdates < ONLINE_BLOCKS) throw new UsageError(`--online-updates must be 0 or an integer >= ${ONLINE_BLOCKS}, got ${JSON.stringify(flags['onlineUpdates'])}`);
  return {
    contexts: inRange('--contexts', 'contexts', 1, MAX_CONTEXTS, d.contexts),
    alsoContexts: inRange('--also-contexts', 'alsoContexts', 0, MAX_CONTEXTS, d.alsoContexts),
    onlineUpdates,
    onlineBatch: inRange('--online-batch', 'onlineBatch', 1, 100_000, d.onlineBatch),
    contextRewards: flags['contextRewards'] === true,
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
    imports: parseImports(flags['import']),
  };
}

/** The estimators with exact moments (rloo, arm, disarm, hnca, weight-max, node perturbation, and SPSA) on diagnose's networks; memoised per options. */
const momentCache = new WeakMap<object, MomentRow[]>();
function momentRows(o: DiagnoseOptions): MomentRow[] {
  let rows = momentCache.get(o);
  if (!rows) {
    rows = analyzeMoments(listEstimators(), o, (kind, n, index) => enumerateContexts(randomNet(kind, n, o.seed, { reward: o.reward, rewardOf: o.rewardOf, index, contexts: o.contexts ?? 1, contextRewards: o.contextRewards ?? false })), exactGradient);
    momentCache.set(o, rows);
  }
  return rows;
}

/**
 * What diagnose shows beside the main tables (see `src/diagnose/studies.ts`): the whole analysis
 * again with `alsoContexts` input contexts, learned-correction's exact fit and online rule, and
 * the per-weight Eq. 7 baseline against the per-unit one, both at K = `contexts` and `alsoContexts`.
 */
export interface DiagnoseExtras {
  /** The analysis with K = `alsoContexts` input contexts (no tfjs check), when that differs from `contexts`. */
  readonly contextsSection: DiagnoseResult | undefined;
  /** learned-correction: exact fit and simulated online rule, when selected and `onlineUpdates` > 0. */
  readonly correction: readonly CorrectionRow[] | undefined;
  /** The per-weight against the per-unit Eq. 7 baseline. */
  readonly perWeight: readonly PerWeightRow[];
  /** The K values of the two studies. */
  readonly studyContexts: readonly number[];
}

/** Runs the studies of {@link DiagnoseExtras}. The online simulation needs an initialised tfjs backend. */
export function analyzeExtras(o: DiagnoseCommandOptions): DiagnoseExtras {
  const Ks = [...new Set([o.contexts, ...(o.alsoContexts > 0 ? [o.alsoContexts] : [])])];
  const contextsSection = o.alsoContexts > 0 && o.alsoContexts !== o.contexts ? analyzeDiagnose({ ...o, contexts: o.alsoContexts, check: false }) : undefined;
  const correction =
    o.onlineUpdates > 0 && o.estimators.includes('learned-correction')
      ? correctionStudy(o, Ks, { updates: o.onlineUpdates, batch: o.onlineBatch })
      : undefined;
  return { contextsSection, correction, perWeight: perWeightStudy(o, Ks), studyContexts: Ks };
}

/** The per-network tables of one analysis, with its scaling fits. */
function networkTables(result: DiagnoseResult, lines: string[]): void {
  const header = ['estimator', 'n', 'SNR', 'SNR median', 'rel. bias', 'cosine', 'rel. MSE'];
  for (const network of NET_KINDS) {
    const rows = result.sizes.filter((s) => s.network === network);
    if (!rows.length) continue;
    const K = result.options.contexts ?? 1;
    lines.push('', `${network} network${K > 1 ? ` with ${K} input contexts` : ''}: ${NETWORK_DESCRIPTIONS[network]}`);
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
}

/** A text table, the first `left` columns left-aligned. */
function textTable(table: readonly (readonly string[])[], left = 1): string[] {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  return table.map((r) => r.map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

/** The lines of the studies (see {@link DiagnoseExtras}). */
export function formatExtras(extras: DiagnoseExtras, o: DiagnoseOptions & { readonly onlineUpdates?: number; readonly onlineBatch?: number }): string[] {
  const lines: string[] = [];
  const sec = extras.contextsSection;
  if (sec) {
    const K = sec.options.contexts ?? 1;
    lines.push(
      '',
      `several input contexts (K = ${K}): the same networks, each with ${K - 1} further inputs x⁽ᶜ⁾ ~ N(0, I)${sec.options.contextRewards ? ', each with its own reward table,' : ' (one reward table shared by the contexts)'} and probabilities π ~ Dirichlet(1, …, 1) (drawn from the seed); every number is an exact expectation over contexts × unit samples. SNR is the biases'.`,
    );
    networkTables(sec, lines);
    const since = formatMomentRows(momentRows(sec.options));
    if (since.length) lines.push('', ...since);
    lines.push('', `theory (K = ${K}):`);
    for (const t of sec.theory) lines.push(`  [${t.verdict}] ${t.claim}: ${t.detail}`);
  }
  if (extras.correction?.length) {
    const c0 = extras.correction;
    lines.push(
      '',
      `learned-correction, exact fit and online rule (two-layer network; online: the estimator's LinearCorrection, decay 0.9, on ${o.onlineUpdates} updates of ${o.onlineBatch} samples after 100 warm-up updates, at fixed weights, seed-fixed samples; ± one standard error from ${ONLINE_BLOCKS} blocks; variance ratio: online per-update Σ Var over the exact fit's, mean over networks [range]):`,
    );
    const table: string[][] = [['K', 'n', 'exact bias', 'exact cos', 'exact cos(W)', 'online bias', 'online cos', 'online var / exact var']];
    for (const r of c0) {
      table.push([
        String(r.contexts),
        String(r.n),
        fmt(r.exactRelBias, 2),
        r.exactCosine.toFixed(3),
        `${r.exactHiddenCosine.toFixed(3)} (min ${r.exactHiddenCosineMin.toFixed(2)})`,
        `${fmt(r.onlineRelBias, 2)} ± ${fmt(r.onlineRelBiasSe, 1)}`,
        r.onlineCosine.toFixed(3),
        `${r.varianceRatio.toFixed(2)} ± ${r.varianceRatioSe.toFixed(2)} [${r.varianceRatioMin.toFixed(2)}, ${r.varianceRatioMax.toFixed(2)}]`,
      ]);
    }
    lines.push(...textTable(table, 0));
  }
  if (extras.perWeight.length) {
    lines.push(
      '',
      'per-weight Eq. 7 baseline L̄ᵢⱼ = E[(h−p)²x²R]/E[(h−p)²x²] against per-unit Eq. 7 (exact variance of each weight; a win beats the other by more than 1e-9 relative; ratio = Var(per-unit)/Var(per-weight)):',
    );
    const table: string[][] = [['K', 'network', 'n', 'weights', 'per-weight wins', 'per-unit wins', 'ratio median', 'ratio worst', 'per-unit worse than 0 or E[R]', 'worst vs 0/E[R]']];
    for (const r of extras.perWeight) {
      for (const [role, s] of [['W', r.hidden], ['w_o', r.output]] as const) {
        if (!s) continue;
        table.push([String(r.contexts), `${r.network} ${role}`, String(r.n), String(s.weights), String(s.perWeightWins), String(s.perUnitWins), s.medianRatio.toFixed(4), fmt(s.worstRatio), String(s.perUnitLosesToConstant), fmt(s.perUnitWorstVsConstant)]);
      }
    }
    lines.push(...textTable(table, 2));
    for (const K of extras.studyContexts) {
      const h = perWeightTotals(extras.perWeight, K, 'hidden');
      const w = perWeightTotals(extras.perWeight, K, 'output');
      lines.push(
        `K = ${K}: per-weight below per-unit in ${h.perWeightWins} of ${h.weights} hidden weights (worst ratio ${fmt(h.worstRatio)}) and ${w.perWeightWins} of ${w.weights} output weights (worst ${fmt(w.worstRatio)}); per-unit below per-weight in ${h.perUnitWins + w.perUnitWins}; per-unit Eq. 7 worse than 0 or E[R] in ${w.perUnitLosesToConstant} output weights (worst ${fmt(w.perUnitWorstVsConstant)}×) and ${h.perUnitLosesToConstant} hidden weights, per-weight in ${h.perWeightLosesToConstant + w.perWeightLosesToConstant}`,
      );
    }
  }
  return lines;
}

/** The human-readable report: one table per network, the scaling fits and the theory checks, then the studies of `extras`. */
export function formatDiagnoseTable(result: DiagnoseResult, extras?: DiagnoseExtras): string {
  const o = result.options;
  const lines: string[] = [];
  const K = o.contexts ?? 1;
  lines.push(
    `diagnose: exact enumeration, seed ${o.seed}, ${o.nets} random network${o.nets === 1 ? '' : 's'} per size, reward ${o.reward}${o.rewardOf === 'output' ? ', two-layer reward of the output only' : ''}${K > 1 ? `, ${K} input contexts${o.contextRewards ? ' with their own reward tables' : ''}` : ', one fixed input'}`,
  );
  lines.push(
    `SNR: per unit (E ĝᵢ)²/Var ĝᵢ, ${K > 1 ? "that of the unit's bias" : 'also the per-parameter SNR of its weights and bias'}; aggregated as Σ(E ĝᵢ)²/Σ Var ĝᵢ over the (hidden) units of all networks, with the median of the per-unit ratios beside it. Bias, cosine, MSE: over all parameters, mean over networks.`,
  );
  networkTables(result, lines);
  const since2013 = formatMomentRows(momentRows(result.options));
  if (since2013.length) lines.push('', ...since2013);
  const notes = diagnoseNotes(result.options.estimators);
  if (notes.length) lines.push('', ...notes);
  lines.push('', 'not measured (not binary): ' + Object.entries(notEnumerable()).map(([id, why]) => `${id}: ${why}`).join('; '));
  lines.push('', 'theory:');
  for (const t of result.theory) lines.push(`  [${t.verdict}] ${t.claim}: ${t.detail}`);
  if (result.checkWorst !== undefined) lines.push('', `tfjs check: the estimator functions of src/estimators agree with the float64 analysis to ${fmt(result.checkWorst, 2)} (relative, float32 rounding)`);
  if (extras) lines.push(...formatExtras(extras, o));
  return lines.join('\n');
}

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(digits - 1) : x.toPrecision(digits)) : String(x));

/**
 * The JSON document: the options, the conventions needed to read it, and for each network kind and
 * n, every random network with its weights, biases and reward table, J, the exact gradient ∇J, and
 * for each estimator its exact mean and variance per parameter, per-unit SNRs, the baselines used and
 * the summary metrics. Anyone can recompute ∇J from the printed weights and table.
 */
export function diagnoseJson(result: DiagnoseResult, extra: Record<string, unknown> = {}, extras?: DiagnoseExtras): Record<string, unknown> {
  const o = result.options;
  return {
    command: 'diagnose',
    seed: o.seed,
    units: o.units,
    nets: o.nets,
    reward: o.reward,
    rewardOf: o.rewardOf,
    contexts: o.contexts ?? 1,
    contextRewards: o.contextRewards ?? false,
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
      contexts:
        'with K > 1 input contexts a net lists contexts[c] = { x, weight: π_c, and with contextRewards its own reward table for c ≥ 1 } (contexts[0].x = x, its table reward); a sample is c ~ π then the units; J = Σ π_c J_c, gradient = Σ π_c ∇J_c; mean and variance are over contexts × configurations; baselines are fitted over the mixture (reinforce-critic: V = J_c of the first context), as is the learned correction; unitSnr is that of each unit’s bias',
    },
    networks: Object.fromEntries(
      NET_KINDS.map((k) => [k, { description: NETWORK_DESCRIPTIONS[k], estimators: exactEstimatorIds().filter((id) => exactNets(id).includes(k)) }]),
    ),
    notes: diagnoseNotes(o.estimators),
    notMeasured: notEnumerable(),
    results: resultsJson(result),
    scaling: result.scaling,
    theory: result.theory,
    tfjsCheckWorst: result.checkWorst ?? null,
    seconds: result.seconds,
    ...(extras ? extrasJson(extras) : {}),
    ...extra,
  };
}

/** The per-size results of one analysis, every network with everything needed to recompute it. */
function resultsJson(result: DiagnoseResult): unknown[] {
  return result.sizes.map((s) => ({
      network: s.network,
      n: s.n,
      configurations: s.configurations,
      parameters: s.parameters,
      seconds: s.seconds,
      summary: s.summary,
      nets: s.nets.map((d) => ({
        index: d.index,
        x: arr(d.net.x),
        ...(d.net.contexts ? { contexts: d.net.contexts.map((c) => ({ x: arr(c.x), weight: c.weight, ...(c.reward ? { reward: arr(c.reward) } : {}) })) } : {}),
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
    }));
}

/** The studies in the JSON document: `contextsSection`, `learnedCorrectionOnline`, `perWeightBaseline`. */
function extrasJson(extras: DiagnoseExtras): Record<string, unknown> {
  const sec = extras.contextsSection;
  return {
    ...(sec
      ? {
          contextsSection: {
            contexts: sec.options.contexts,
            since2013: momentRows(sec.options),
            results: resultsJson(sec),
            scaling: sec.scaling,
            theory: sec.theory,
            seconds: sec.seconds,
          },
        }
      : {}),
    ...(extras.correction ? { learnedCorrectionOnline: extras.correction } : {}),
    perWeightBaseline: {
      rows: extras.perWeight,
      totals: Object.fromEntries(extras.studyContexts.map((K) => [String(K), { hidden: perWeightTotals(extras.perWeight, K, 'hidden'), output: perWeightTotals(extras.perWeight, K, 'output') }])),
    },
  };
}

/**
 * Relative biases below this are float64 rounding (about 1e-15 to 1e-13, growing with 2ⁿ) and are
 * drawn as 0: on the chart's linear bias axis they would otherwise draw a rising curve of noise.
 * Tables and JSON keep the exact numbers.
 */
export const ROUNDING_BIAS = 1e-9;

/** The exact rules of the registered estimators, by id. */
function rules(): Map<string, NonNullable<ReturnType<typeof listEstimators>[number]['exact']>> {
  return new Map(listEstimators().flatMap((e) => (e.exact ? [[e.id, e.exact] as const] : [])));
}

/** An estimator's name on the charts: its exact rule's label, else its id. */
function chartLabel(id: string): string {
  return rules().get(id)?.label ?? id;
}

/** Notes printed under the table (and in the JSON): each selected estimator's exact-rule note, once each. */
export function diagnoseNotes(estimators: readonly string[]): string[] {
  const r = rules();
  return [...new Set(estimators.flatMap((id) => (r.get(id)?.note ? [r.get(id)!.note!] : [])))];
}

/** The chart rows of one network: one line per estimator, leaving out an estimator when the one it equals here (`theory.sameAs`) is drawn. */
export function diagnoseRows(result: DiagnoseResult, network: NetKind): DiagnoseRow[] {
  const sizes = result.sizes.filter((s) => s.network === network);
  if (!sizes.length) return [];
  const r = rules();
  const shown = sizes[0]!.estimators;
  const ids = shown.filter((id) => {
    const twin = r.get(id)?.theory?.sameAs;
    return !(twin !== undefined && shown.includes(twin));
  });
  return ids.flatMap((id) =>
    sizes
      .filter((s) => Number.isFinite(s.summary[id]!.snr) && s.summary[id]!.snr > 0)
      .map((s) => {
        const m = s.summary[id]!;
        return { estimator: chartLabel(id), units: s.n, snr: m.snr, relBias: m.relBias < ROUNDING_BIAS ? 0 : m.relBias, cosine: m.cosine, mse: m.mse };
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
export async function writeDiagnoseOutputs(result: DiagnoseResult, dir: string, extras?: DiagnoseExtras): Promise<DiagnoseFiles & { text: string }> {
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
    const has = (id: string): boolean => rows.some((r) => r.estimator === chartLabel(id));
    const same = o.estimators.flatMap((id) => {
      const t = rules().get(id)?.theory;
      return [...(t?.sameAs !== undefined && has(t.sameAs) ? [`${id} ≡ ${t.sameAs}`] : []), ...(t?.sameSnrAs !== undefined && has(id) && has(t.sameSnrAs) ? [`${id} ≈ ${t.sameSnrAs} in SNR`] : [])];
    });
    const written = await writeChart(diagnoseSpec(rows, { title, subtitle: [subtitle, ...same].join(' · ') }), join(dir, base));
    charts.push(written.svgPath, written.pngPath);
  }
  const json = join(dir, 'diagnose.json');
  const files: DiagnoseFiles = { dir, charts, json };
  const text = `${JSON.stringify(diagnoseJson(result, { out: files }, extras))}\n`;
  writeFileSync(json, text);
  return { ...files, text };
}

/** The default output folder: `runs/diagnose__<seed>__<time>` (Unix seconds). */
export function defaultDiagnoseDir(seed: number, time = Math.floor(Date.now() / 1000)): string {
  return join('runs', `diagnose__${seed}__${time}`);
}

/** Runs the command: analysis, files, and the report on stdout. */
export async function runDiagnoseCommand(options: DiagnoseCommandOptions): Promise<{ result: DiagnoseResult; extras: DiagnoseExtras; files: DiagnoseFiles }> {
  await importModules(options.imports);
  const online = options.onlineUpdates > 0 && options.estimators.includes('learned-correction');
  if (options.check || online) await initBackend(options.backend === 'auto' ? undefined : options.backend);
  const result = analyzeDiagnose(options);
  const extras = analyzeExtras(options);
  const { text, ...files } = await writeDiagnoseOutputs(result, options.out ?? defaultDiagnoseDir(options.seed), extras);
  if (options.json) process.stdout.write(text);
  else process.stdout.write(`${formatDiagnoseTable(result, extras)}\n\nwrote ${[...files.charts, files.json].join(', ')}\n`);
  return { result, extras, files };
}

/** Loads the `--import` modules (once per process), reporting a failure as a usage error. */
async function importModules(specifiers: readonly string[]): Promise<void> {
  try {
    await loadImports(specifiers);
  } catch (e) {
    if (e instanceof ImportError) throw new UsageError(e.message);
    throw e;
  }
}

/** Adds the `diagnose` command to the program. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('exact bias and SNR of every binary-unit estimator against the number of units n, by enumerating all 2^n configurations of random networks')
    .option('--units <list>', `numbers of units n, each in [1, ${MAX_EXACT_UNITS}] (default ${DIAGNOSE_DEFAULTS.units.join(',')})`)
    .option('--estimators <list>', `estimators to measure, or all (default all with an exact rule: ${exactEstimatorIds().join(', ')})`)
    .option('--seed <n>', `seed of the random networks (default ${DIAGNOSE_DEFAULTS.seed})`)
    .option('--nets <n>', `random networks per size; metrics are aggregated over them (default ${DIAGNOSE_DEFAULTS.nets})`)
    .option('--reward <model>', `reward tables: structured (per-unit and pairwise effects) or iid (default ${DIAGNOSE_DEFAULTS.reward})`)
    .option('--reward-of <what>', `two-layer reward depends on all units, or on the output only (default ${DIAGNOSE_DEFAULTS.rewardOf})`)
    .option('--out <dir>', 'folder for diagnose.svg/.png, diagnose-one-layer.svg/.png and diagnose.json (default runs/diagnose__<seed>__<time>)')
    .option('--json', 'print everything as JSON: weights, reward tables, exact gradients, each estimator’s exact mean and variance')
    .option('--no-check', 'skip running the real tfjs estimator functions against the float64 analysis')
    .option('--backend <name>', 'tfjs backend for the check: auto, tensorflow, wasm or cpu (default: REWARDCAST_BACKEND or auto)')
    .option('--contexts <K>', `input contexts of every network in the main tables, 1 … ${MAX_CONTEXTS}: a distribution over K inputs; every number an exact expectation over contexts × unit samples (default ${DIAGNOSE_DEFAULTS.contexts}: one fixed input)`)
    .option('--also-contexts <K>', `K of the extra section that repeats the analysis with several input contexts, and of the learned-correction and per-weight studies; 0 for none (default ${DIAGNOSE_DEFAULTS.alsoContexts})`)
    .option('--context-rewards', 'with several contexts, give each context its own reward table (default: one table shared by the contexts)')
    .option('--online-updates <T>', `updates of the simulated online learned-correction per network; 0 for none (default ${DIAGNOSE_DEFAULTS.onlineUpdates})`)
    .option('--online-batch <M>', `samples per update of the simulated online learned-correction (default ${DIAGNOSE_DEFAULTS.onlineBatch})`)
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
        '  $ rewardcast diagnose --contexts 2 --units 2,4,8 --estimators reinforce-optimal,learned-correction',
        '  $ rewardcast diagnose --import ./dist/examples/custom-estimator.js --estimators reinforce-optimal,reinforce-clipped',
      ].join('\n'),
    )
    .option('--import <module>', 'a module to load first, e.g. one that registers an estimator with an exact rule (repeatable; a path or a package)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (flags: Record<string, unknown>) => {
      // User estimators must be registered before --estimators is resolved against the registry.
      await importModules(parseImports(flags['import']));
      await runDiagnoseCommand(resolveDiagnoseOptions(flags));
    });
}
