/**
 * Exact measurement of the gradient estimators by enumerating every configuration of a small
 * network of stochastic binary units (ESTIMATORS.md, "Measuring an estimator"). It answers the open
 * question of Bengio et al. 2013, §5: how bias and variance scale with the number of noise sources.
 *
 * ## The test networks
 *
 * Both have one fixed input x ∈ ℝ^d (d = {@link EXACT_INPUTS}), so the problem is a one-state
 * bandit and ∇_a J is the target: the chain rule to the weights is local (∇_W aᵢ = x, ∇_b aᵢ = 1).
 *
 * - **`one-layer`**: n stochastic binary units, a = x·W + b, pᵢ = σ(aᵢ), hᵢ = 1[u < pᵢ]. The
 *   expected reward is a table R̄(h) over the 2ⁿ configurations. No unit's effect on R passes
 *   through another unit, so nothing can be backpropagated: only the REINFORCE family applies.
 * - **`two-layer`**: the same n units are hidden units that feed one binary output unit,
 *   a_o = h·w_o + b_o, o = 1[u < σ(a_o)]. The output's firing determines, with the hidden
 *   configuration, the reward: a table R̄(h, o) over 2ⁿ⁺¹ configurations. Under the REINFORCE
 *   family every unit (hidden and output) uses its own local rule. Under the straight-through family
 *   the output unit uses REINFORCE with the Eq. 7 baseline (the env is a black box, as in the agent)
 *   and the hidden units get the backpropagated estimate Ĝⱼ = w_oⱼ·ĝ_o (`st`), times pⱼ(1 − pⱼ)
 *   (`st-sigmoid`), or its learned correction (`learned-correction`). Note that backprop only sees
 *   the path h → o → R: the direct dependence of R̄ on h is invisible to it, which is part of what
 *   straight-through gets wrong.
 *
 * Random draws (all from {@link Rng}, seeded per (seed, network, n, index), see {@link netRng}):
 * xₖ ~ N(0, 1); W ~ N(0, 1/d), so aᵢ has variance about 1; b ~ N(0, 0.5²); w_o ~ N(0, 4/n), so
 * a_o keeps a variance of about 2 at every n; b_o ~ N(0, 0.5²). The reward model
 * ({@link RewardModel}) over the m reward bits z (z = h, or z = (h, o)):
 * - `structured` (default): R̄(z) = c₀ + Σᵢ cᵢzᵢ + m^(−1/2)·Σ_{i<j} cᵢⱼzᵢzⱼ, every c ~ N(0, 1).
 *   Every unit keeps an effect on R of order 1 as m grows (its own term plus its interactions),
 *   which is the setting of the "one reward shared by n units" theory (Werfel, Xie & Seung 2005).
 * - `iid`: R̄(z) ~ N(0, 1) independently for every configuration: a rugged landscape in which each
 *   unit's effect shrinks like 2^(−m/2), so every estimator's SNR falls exponentially.
 *
 * The table is rounded to {@link REWARD_DECIMALS} decimals. In the two-layer network it depends on
 * (h, o) by default (`rewardOf: 'all'`); with `rewardOf: 'output'` it depends on o alone, as in RL
 * where the env sees only the action, and then the only path from a hidden unit to the reward is
 * the one backprop follows.
 *
 * ## Exact quantities
 *
 * With P(z) the probability of a configuration:
 * - J = Σ P(z)·R̄(z);
 * - ∇J by the *difference* form, ∂J/∂aᵢ = pᵢ·Σ_{z: zᵢ=0} P(z)·(Q(z + eᵢ) − Q(z)) with Q the
 *   expected reward given the hidden configuration, and ∂J/∂w_oⱼ = Σ_h P(h)·hⱼ·p_o(1 − p_o)·(R̄(h,1)
 *   − R̄(h,0)). It never forms (h − p)·R, so it is independent of the estimators it judges; the
 *   score-function form Σ P·R̄·Σᵢ(zᵢ − pᵢ)∇aᵢ is {@link scoreGradient}, and tests check both against
 *   central finite differences of J.
 * - For an estimator ĝ that is a deterministic function of the configuration: E ĝ = Σ P·ĝ and
 *   Var ĝ = Σ P·(ĝ − E ĝ)², per parameter, in float64.
 *
 * Baselines are the ideal constants the running baselines converge to: `reinforce` 0;
 * `reinforce-mean` L̄ = E[R]; `reinforce-optimal` the exact Eq. 7 per unit, L̄ᵢ = E[(zᵢ − pᵢ)²R] /
 * E[(zᵢ − pᵢ)²]; `reinforce-critic` V(s) = E[R], because with one fixed input the critic's target
 * E[G | s] is E[R] (so it coincides with `reinforce-mean` here). The learned correction's map
 * 𝒢ⱼ(Ĝ) = αⱼ + βⱼĜ is the least-squares fit of the REINFORCE estimate on Ĝ under P, computed by the
 * real {@link LinearCorrection} from the exact moments (so E 𝒢 = E ĝ: the ideal fit is unbiased).
 *
 * ## Precision
 *
 * Every number reported is float64. The estimator functions of `src/estimators` are float32 tfjs
 * ops, which would put a floor of about 1e-7 under every bias; so the per-configuration estimates are
 * formed here in float64 from the same formulas, one configuration at a time, and
 * {@link tfjsEstimateRows} runs the real tfjs functions (`reinforceGrad`, `MeanBaseline`,
 * `advantageSignal`, `exactOptimalBaseline`, `straightThrough`, `straightThroughSigmoid`,
 * `LinearCorrection`) in one batched call per estimator, so that {@link tfjsCheck} (and `diagnose`)
 * can show that both agree to float32 rounding.
 *
 * ## Layout
 *
 * Configuration index k: bit i of k is unit i (hidden units 0 … n − 1), and in the two-layer network
 * bit n is the output unit. Parameters are flat: W (d × n, row-major: W[k·n + i] connects input k to
 * unit i), b (n), then, in the two-layer network, w_o (n) and b_o.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../core/rng.js';
import { LinearCorrection, type CorrectionCoefficients } from './learned-correction.js';
import { reinforceGrad } from './reinforce.js';
import { advantageSignal } from './reinforce-critic.js';
import { MeanBaseline } from './reinforce-mean.js';
import { exactOptimalBaseline } from './reinforce-optimal.js';
import { straightThrough } from './st.js';
import { straightThroughSigmoid } from './st-sigmoid.js';
import type { BaselineKind, EstimatorId } from './types.js';

/** Largest n that is enumerated (the two-layer network then has 2¹⁷ configurations). */
export const MAX_EXACT_UNITS = 16;
/** d, the size of the fixed input x. */
export const EXACT_INPUTS = 4;

/** The two test networks. */
export type NetKind = 'one-layer' | 'two-layer';
/** How the reward table is drawn (see the module header). */
export type RewardModel = 'structured' | 'iid';
/** The valid reward models. */
export const REWARD_MODELS: readonly RewardModel[] = ['structured', 'iid'];

/** The estimators whose estimate is a deterministic function of a binary configuration. */
export type ExactEstimatorId = Extract<EstimatorId, 'reinforce' | 'reinforce-mean' | 'reinforce-optimal' | 'reinforce-critic' | 'st' | 'st-sigmoid' | 'learned-correction'>;

/** Each measurable estimator, with the networks it is measured on. */
export const EXACT_ESTIMATORS: Readonly<Record<ExactEstimatorId, readonly NetKind[]>> = {
  reinforce: ['one-layer', 'two-layer'],
  'reinforce-mean': ['one-layer', 'two-layer'],
  'reinforce-optimal': ['one-layer', 'two-layer'],
  'reinforce-critic': ['one-layer', 'two-layer'],
  st: ['two-layer'],
  'st-sigmoid': ['two-layer'],
  'learned-correction': ['two-layer'],
};

/** The ids of {@link EXACT_ESTIMATORS}, in listing order. */
export const EXACT_ESTIMATOR_IDS = Object.keys(EXACT_ESTIMATORS) as ExactEstimatorId[];

/** The estimators whose exact rule lives in their own file (multi-sample or noise-based: `exact-moments.ts`). */
export type OwnExactEstimatorId = Extract<EstimatorId, 'rloo' | 'arm' | 'disarm' | 'hnca' | 'weight-max' | 'node-perturbation'>;

/** Why the other estimators cannot be measured by enumeration. */
export const NOT_ENUMERABLE: Readonly<Record<Exclude<EstimatorId, ExactEstimatorId | OwnExactEstimatorId>, string>> = {
  'noisy-relu': 'its hidden units add Gaussian noise (h = max(0, a + z)), so there is no finite set of configurations to enumerate',
  sts: 'its hidden outputs b·√p are not binary, so it defines a different network whose objective a table over binary configurations does not give',
  backprop: 'its hidden units are deterministic tanh units under a softmax head, a different network with no binary noise sources',
};

/** The one-layer network: n units, a = x·W + b, reward table over 2ⁿ configurations. */
export interface OneLayerNet {
  readonly kind: 'one-layer';
  /** Number of stochastic binary units. */
  readonly n: number;
  /** The fixed input x, length d. */
  readonly x: Float64Array;
  /** W, d × n row-major. */
  readonly W: Float64Array;
  /** b, length n. */
  readonly b: Float64Array;
  /** R̄ by configuration index (bit i = unit i), length 2ⁿ. */
  readonly reward: Float64Array;
}

/** The two-layer network: n hidden units → one output unit; reward table over 2ⁿ⁺¹ configurations. */
export interface TwoLayerNet {
  readonly kind: 'two-layer';
  /** Number of hidden stochastic binary units. */
  readonly n: number;
  /** The fixed input x, length d. */
  readonly x: Float64Array;
  /** Hidden W, d × n row-major. */
  readonly W: Float64Array;
  /** Hidden b, length n. */
  readonly b: Float64Array;
  /** Output weights w_o, length n. */
  readonly wOut: Float64Array;
  /** Output bias b_o. */
  readonly bOut: number;
  /** R̄ by configuration index (bit i = hidden unit i, bit n = output), length 2ⁿ⁺¹. */
  readonly reward: Float64Array;
}

/** Either test network. */
export type ExactNet = OneLayerNet | TwoLayerNet;

/** Logistic sigmoid in float64. */
export const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** Number of stochastic units: n, or n + 1 with the output unit (last). */
export function unitCount(net: ExactNet): number {
  return net.kind === 'two-layer' ? net.n + 1 : net.n;
}

/** Number of parameters: d·n + n, plus n + 1 in the two-layer network. */
export function paramCount(net: ExactNet): number {
  return net.x.length * net.n + net.n + (net.kind === 'two-layer' ? net.n + 1 : 0);
}

function checkUnits(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_EXACT_UNITS) {
    throw new RangeError(`${fn}: n must be an integer in [1, ${MAX_EXACT_UNITS}] for exact enumeration, got ${n}`);
  }
}

/** What the two-layer network's reward depends on (see the module header). */
export type RewardOf = 'all' | 'output';
/** The valid values of {@link RewardOf}. */
export const REWARD_OF: readonly RewardOf[] = ['all', 'output'];

/** Largest number of random networks per (seed, kind, n). */
export const MAX_NETS = 100;

/** Options of {@link randomNet}. */
export interface RandomNetOptions {
  /**
   * How the reward table is drawn.
   * @default 'structured'
   */
  readonly reward?: RewardModel;
  /**
   * Two-layer network only: whether R̄ depends on the hidden configuration and the output
   * (`'all'`), or on the output alone (`'output'`, as in RL, where the env sees only the action).
   * @default 'all'
   */
  readonly rewardOf?: RewardOf;
  /**
   * Which of the random networks of (seed, kind, n) to draw, 0 … {@link MAX_NETS} − 1.
   * @default 0
   */
  readonly index?: number;
}

/**
 * The random stream of network number `index` of (`kind`, `n`) under `seed`: child number
 * 34·index + 2n + (0 for one-layer, 1 for two-layer) of `Rng.fromSeed(seed)`, made with
 * {@link Rng.spawn}. A network therefore depends only on (seed, kind, n, index) and the reward
 * options, never on which other networks are drawn with it.
 */
export function netRng(seed: number, kind: NetKind, n: number, index = 0): Rng {
  checkUnits('netRng', n);
  if (!Number.isInteger(index) || index < 0 || index >= MAX_NETS) throw new RangeError(`netRng: index must be an integer in [0, ${MAX_NETS}), got ${index}`);
  const root = Rng.fromSeed(seed);
  let child = root.spawn();
  const target = 2 * (MAX_EXACT_UNITS + 1) * index + 2 * n + (kind === 'two-layer' ? 1 : 0);
  for (let k = 0; k < target; k++) child = root.spawn();
  return child;
}

/**
 * Reward tables are rounded to this many decimals. k / 10³ is the double nearest to the decimal, which
 * is what JSON.stringify prints and JSON.parse reads back, so the printed table holds exactly the
 * numbers that were used, in a few characters each.
 */
export const REWARD_DECIMALS = 3;

/** Draws the reward table over m bits with the given model (see the module header). */
function rewardTable(rng: Rng, m: number, model: RewardModel): Float64Array {
  const size = 2 ** m;
  const out = new Float64Array(size);
  if (model === 'iid') {
    for (let k = 0; k < size; k++) out[k] = rng.normal();
  } else {
    const c0 = rng.normal();
    const c = Float64Array.from({ length: m }, () => rng.normal());
    const s = 1 / Math.sqrt(m);
    const cc = new Float64Array(m * m); // cc[i·m + j] for i < j
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) cc[i * m + j] = s * rng.normal();
    // Built bit by bit: R(k + 2^i) = R(k) + cᵢ + Σ_{j<i, j ∈ k} cⱼᵢ for k < 2^i.
    out[0] = c0;
    for (let i = 0; i < m; i++) {
      const half = 1 << i;
      for (let k = 0; k < half; k++) {
        let v = out[k]! + c[i]!;
        for (let j = 0; j < i; j++) if ((k >> j) & 1) v += cc[j * m + i]!;
        out[half + k] = v;
      }
    }
  }
  const scale = 10 ** REWARD_DECIMALS;
  for (let k = 0; k < size; k++) out[k] = Math.round(out[k]! * scale) / scale;
  return out;
}

/**
 * A random test network, reproducible from (seed, kind, n, options); see the module header for the
 * distributions.
 *
 * @param kind `'one-layer'` or `'two-layer'`
 * @param n number of (hidden) stochastic binary units, 1 … {@link MAX_EXACT_UNITS}
 * @param seed integer in [0, 2^32)
 */
export function randomNet(kind: NetKind, n: number, seed: number, options: RandomNetOptions = {}): ExactNet {
  checkUnits('randomNet', n);
  const reward = options.reward ?? 'structured';
  const rewardOf = options.rewardOf ?? 'all';
  if (kind !== 'one-layer' && kind !== 'two-layer') throw new RangeError(`randomNet: kind must be one-layer or two-layer, got ${JSON.stringify(kind)}`);
  if (!REWARD_MODELS.includes(reward)) throw new RangeError(`randomNet: reward must be one of ${REWARD_MODELS.join(', ')}, got ${JSON.stringify(reward)}`);
  if (!REWARD_OF.includes(rewardOf)) throw new RangeError(`randomNet: rewardOf must be one of ${REWARD_OF.join(', ')}, got ${JSON.stringify(rewardOf)}`);
  const rng = netRng(seed, kind, n, options.index ?? 0);
  const d = EXACT_INPUTS;
  const x = Float64Array.from({ length: d }, () => rng.normal());
  const W = Float64Array.from({ length: d * n }, () => rng.normal(0, 1 / Math.sqrt(d)));
  const b = Float64Array.from({ length: n }, () => rng.normal(0, 0.5));
  if (kind === 'one-layer') return { kind, n, x, W, b, reward: rewardTable(rng, n, reward) };
  const wOut = Float64Array.from({ length: n }, () => rng.normal(0, 2 / Math.sqrt(n)));
  const bOut = rng.normal(0, 0.5);
  let table: Float64Array;
  if (rewardOf === 'all') table = rewardTable(rng, n + 1, reward);
  else {
    const r = rewardTable(rng, 1, reward);
    const H = 2 ** n;
    table = new Float64Array(2 * H);
    table.fill(r[0]!, 0, H);
    table.fill(r[1]!, H);
  }
  return { kind, n, x, W, b, wOut, bOut, reward: table };
}

/** The parameters of `net`, flat (see the module header for the layout). */
export function getParams(net: ExactNet): Float64Array {
  const out = new Float64Array(paramCount(net));
  out.set(net.W, 0);
  out.set(net.b, net.W.length);
  if (net.kind === 'two-layer') {
    out.set(net.wOut, net.W.length + net.n);
    out[out.length - 1] = net.bOut;
  }
  return out;
}

/** A copy of `net` with the flat parameters `theta` (same reward table). */
export function withParams(net: ExactNet, theta: ArrayLike<number>): ExactNet {
  if (theta.length !== paramCount(net)) throw new RangeError(`withParams: theta must hold ${paramCount(net)} numbers, got ${theta.length}`);
  const t = Float64Array.from(theta);
  const nW = net.W.length;
  const W = t.slice(0, nW);
  const b = t.slice(nW, nW + net.n);
  if (net.kind === 'one-layer') return { ...net, W, b };
  return { ...net, W, b, wOut: t.slice(nW + net.n, nW + 2 * net.n), bOut: t[t.length - 1]! };
}

/** Every configuration of a network with its probability. */
export interface Enumeration {
  /** The network. */
  readonly net: ExactNet;
  /** Number of configurations: 2ⁿ (one-layer) or 2ⁿ⁺¹ (two-layer). */
  readonly rows: number;
  /** Number of stochastic units: n, or n + 1 with the output unit last. */
  readonly units: number;
  /** Hidden pre-activations a = x·W + b, length n. */
  readonly a: Float64Array;
  /** Hidden firing probabilities σ(a), length n. */
  readonly p: Float64Array;
  /** P(h) of each hidden configuration, length 2ⁿ. */
  readonly probHidden: Float64Array;
  /** Two-layer only: the output's a_o(h) and σ(a_o(h)) by hidden configuration, length 2ⁿ. */
  readonly aOut: Float64Array | undefined;
  readonly pOut: Float64Array | undefined;
  /** P(configuration), length {@link Enumeration.rows}. */
  readonly prob: Float64Array;
  /** J = Σ P·R̄. */
  readonly objective: number;
}

/** Enumerates every configuration of `net` (float64). */
export function enumerateNet(net: ExactNet): Enumeration {
  checkUnits('enumerateNet', net.n);
  const { n, x, W, b } = net;
  const d = x.length;
  const expected = 2 ** (net.kind === 'two-layer' ? n + 1 : n);
  if (net.reward.length !== expected) throw new RangeError(`enumerateNet: reward must hold ${expected} values for a ${net.kind} net with n = ${n}, got ${net.reward.length}`);
  const a = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < d; k++) s += x[k]! * W[k * n + i]!;
    a[i] = s;
    p[i] = sigmoid(s);
  }
  const H = 2 ** n;
  // P(h) built bit by bit: P(k + 2^i) = P(k)·pᵢ and P(k) ← P(k)·(1 − pᵢ), for k < 2^i.
  const probHidden = new Float64Array(H);
  probHidden[0] = 1;
  for (let i = 0; i < n; i++) {
    const half = 1 << i;
    for (let k = 0; k < half; k++) {
      const q = probHidden[k]!;
      probHidden[half + k] = q * p[i]!;
      probHidden[k] = q * (1 - p[i]!);
    }
  }
  let aOut: Float64Array | undefined;
  let pOut: Float64Array | undefined;
  let prob = probHidden;
  if (net.kind === 'two-layer') {
    aOut = new Float64Array(H);
    pOut = new Float64Array(H);
    aOut[0] = net.bOut;
    for (let i = 0; i < n; i++) {
      const half = 1 << i;
      for (let k = 0; k < half; k++) aOut[half + k] = aOut[k]! + net.wOut[i]!;
    }
    prob = new Float64Array(2 * H);
    for (let h = 0; h < H; h++) {
      pOut[h] = sigmoid(aOut[h]!);
      prob[h] = probHidden[h]! * (1 - pOut[h]!);
      prob[H + h] = probHidden[h]! * pOut[h]!;
    }
  }
  let J = 0;
  for (let k = 0; k < prob.length; k++) J += prob[k]! * net.reward[k]!;
  return { net, rows: prob.length, units: unitCount(net), a, p, probHidden, aOut, pOut, prob, objective: J };
}

/** J = Σ P·R̄ for `net`. */
export function objective(net: ExactNet): number {
  return enumerateNet(net).objective;
}

/** Unit i's firing probability in configuration k. */
function unitP(en: Enumeration, k: number, i: number): number {
  return i < en.net.n ? en.p[i]! : en.pOut![k & ((1 << en.net.n) - 1)]!;
}

/**
 * Spreads per-unit values g (∂/∂a, length `units`) to the parameters, for a fixed input:
 * hidden W[k·n + i] = xₖ·gᵢ and bᵢ = gᵢ. The output weights are not handled here.
 */
function spreadHidden(net: ExactNet, g: ArrayLike<number>, out: Float64Array, square = false): void {
  const { n, x } = net;
  for (let k = 0; k < x.length; k++) for (let i = 0; i < n; i++) out[k * n + i] = (square ? x[k]! * x[k]! : x[k]!) * g[i]!;
  for (let i = 0; i < n; i++) out[x.length * n + i] = g[i]!;
}

/**
 * The exact gradient ∇J in parameter space, by the difference form (see the module header):
 * ∂J/∂aᵢ = pᵢ·Σ_{h: hᵢ=0} P(h)·(Q(h + eᵢ) − Q(h)), with Q(h) = R̄(h) (one-layer) or
 * (1 − p_o(h))·R̄(h, 0) + p_o(h)·R̄(h, 1) (two-layer); ∂J/∂w_oⱼ = Σ_h P(h)·hⱼ·p_o(1 − p_o)·(R̄(h, 1) −
 * R̄(h, 0)); ∂J/∂b_o likewise without hⱼ.
 */
export function exactGradient(netOrEnumeration: ExactNet | Enumeration): Float64Array {
  const en = 'rows' in netOrEnumeration ? netOrEnumeration : enumerateNet(netOrEnumeration);
  const { net, p, probHidden } = en;
  const n = net.n;
  const H = 2 ** n;
  const R = net.reward;
  let Q: Float64Array = R;
  if (net.kind === 'two-layer') {
    Q = new Float64Array(H);
    for (let h = 0; h < H; h++) Q[h] = (1 - en.pOut![h]!) * R[h]! + en.pOut![h]! * R[H + h]!;
  }
  const ga = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    let s = 0;
    for (let h = 0; h < H; h++) if (!(h & bit)) s += probHidden[h]! * (Q[h + bit]! - Q[h]!);
    ga[i] = p[i]! * s;
  }
  const out = new Float64Array(paramCount(net));
  spreadHidden(net, ga, out);
  if (net.kind === 'two-layer') {
    const o = net.x.length * n + n;
    let sb = 0;
    for (let h = 0; h < H; h++) {
      const po = en.pOut![h]!;
      const t = probHidden[h]! * po * (1 - po) * (R[H + h]! - R[h]!);
      sb += t;
      for (let j = 0; j < n; j++) if ((h >> j) & 1) out[o + j] += t;
    }
    out[o + n] = sb;
  }
  return out;
}

/**
 * The score-function form of the exact gradient, ∇J = Σ P·R̄·Σᵢ (zᵢ − pᵢ)·∇aᵢ (ESTIMATORS.md).
 * Equal to {@link exactGradient} up to rounding; kept as a second, independent computation.
 */
export function scoreGradient(netOrEnumeration: ExactNet | Enumeration): Float64Array {
  const en = 'rows' in netOrEnumeration ? netOrEnumeration : enumerateNet(netOrEnumeration);
  return paramMoments(en, reinforceKernel(en, new Float64Array(en.units)), false).mean;
}

/** Central finite differences of J with step `eps`, in parameter space. */
export function finiteDifferenceGradient(net: ExactNet, eps = 1e-5): Float64Array {
  const theta = getParams(net);
  const out = new Float64Array(theta.length);
  for (let k = 0; k < theta.length; k++) {
    const up = theta.slice();
    const down = theta.slice();
    up[k] += eps;
    down[k] -= eps;
    out[k] = (objective(withParams(net, up)) - objective(withParams(net, down))) / (2 * eps);
  }
  return out;
}

/**
 * The ideal constant baseline L̄ of each unit (length `units`) for a baseline kind:
 * `none` 0; `mean` and `critic` E[R] (with one fixed input, V(s) = E[R]); `optimal` Eq. 7,
 * L̄ᵢ = Σ P·(zᵢ − pᵢ)²·R̄ / Σ P·(zᵢ − pᵢ)².
 */
export function exactBaseline(en: Enumeration, kind: BaselineKind): Float64Array {
  let cache = baselineCache.get(en);
  if (!cache) baselineCache.set(en, (cache = new Map()));
  let out = cache.get(kind);
  if (!out) cache.set(kind, (out = computeBaseline(en, kind)));
  return out.slice();
}

/** Baselines already computed, per enumeration (Eq. 7 is a pass over every configuration). */
const baselineCache = new WeakMap<Enumeration, Map<BaselineKind, Float64Array>>();

function computeBaseline(en: Enumeration, kind: BaselineKind): Float64Array {
  const U = en.units;
  const out = new Float64Array(U);
  if (kind === 'none') return out;
  if (kind === 'mean' || kind === 'critic') return out.fill(en.objective);
  if (kind !== 'optimal') throw new RangeError(`exactBaseline: kind must be none, mean, optimal or critic, got ${JSON.stringify(kind)}`);
  const num = new Float64Array(U);
  const den = new Float64Array(U);
  const R = en.net.reward;
  for (let k = 0; k < en.rows; k++) {
    const w = en.prob[k]!;
    for (let i = 0; i < U; i++) {
      const e = ((k >> i) & 1) - unitP(en, k, i);
      const e2w = e * e * w;
      num[i] += e2w * R[k]!;
      den[i] += e2w;
    }
  }
  for (let i = 0; i < U; i++) out[i] = num[i]! / den[i]!;
  return out;
}

/**
 * Writes the estimate of every unit (∂/∂a, output unit last) in configuration k into `out`.
 * Estimates are formed one configuration at a time rather than stored for all of them: at n = 16
 * the two-layer network would need 2¹⁷ × 17 float64 per estimator.
 */
type RowKernel = (k: number, out: Float64Array) => void;

/** The REINFORCE kernel (zᵢ − pᵢ)(R̄ − L̄ᵢ) for every unit. */
function reinforceKernel(en: Enumeration, baseline: ArrayLike<number>): RowKernel {
  const n = en.net.n;
  const two = en.units > n;
  const mask = (1 << n) - 1;
  const R = en.net.reward;
  const p = en.p;
  const pOut = en.pOut;
  const L = Float64Array.from(baseline);
  return (k, out) => {
    const r = R[k]!;
    for (let i = 0; i < n; i++) out[i] = (((k >> i) & 1) - p[i]!) * (r - L[i]!);
    if (two) out[n] = (((k >> n) & 1) - pOut![k & mask]!) * (r - L[n]!);
  };
}

/**
 * The backprop-family kernel: the output unit's REINFORCE estimate ĝ_o with L̄_o, and each hidden
 * unit αⱼ + cⱼ·ĝ_o, where cⱼ·ĝ_o is the backpropagated estimate (cⱼ = w_oⱼ for st, w_oⱼ·pⱼ(1 − pⱼ)
 * for st-sigmoid, βⱼ·w_oⱼ for the learned correction) and αⱼ the correction's intercept (else 0).
 */
function backpropKernel(en: Enumeration, outputBaseline: number, c: Float64Array, alpha: Float64Array): RowKernel {
  const n = en.net.n;
  const mask = (1 << n) - 1;
  const R = en.net.reward;
  const pOut = en.pOut!;
  return (k, out) => {
    const go = (((k >> n) & 1) - pOut[k & mask]!) * (R[k]! - outputBaseline);
    out[n] = go;
    for (let j = 0; j < n; j++) out[j] = alpha[j]! + c[j]! * go;
  };
}

/**
 * The exact moments under P of each hidden unit's pair (Ĝ = straight-through estimate w_oⱼ·ĝ_o,
 * ĝ = REINFORCE estimate with the Eq. 7 baseline), in the form {@link LinearCorrection.load} takes:
 * the fit they give is the least-squares regression of ĝ on Ĝ under P.
 */
export function exactCorrectionState(en: Enumeration): Record<string, number[]> {
  if (en.net.kind !== 'two-layer') throw new RangeError(`exactCorrectionState: learned-correction needs the two-layer network, got ${en.net.kind}`);
  const n = en.net.n;
  const wOut = en.net.wOut;
  const rf = reinforceKernel(en, exactBaseline(en, 'optimal'));
  const g = new Float64Array(en.units);
  const mx = new Float64Array(n);
  const my = new Float64Array(n);
  const mxx = new Float64Array(n);
  const mxy = new Float64Array(n);
  for (let k = 0; k < en.rows; k++) {
    const w = en.prob[k]!;
    rf(k, g);
    for (let j = 0; j < n; j++) {
      const X = wOut[j]! * g[n]!;
      const Y = g[j]!;
      mx[j] += w * X;
      my[j] += w * Y;
      mxx[j] += w * X * X;
      mxy[j] += w * X * Y;
    }
  }
  return { mx: Array.from(mx), my: Array.from(my), mxx: Array.from(mxx), mxy: Array.from(mxy), seen: [1] };
}

/** The REINFORCE-family baseline of each exact estimator; the backprop family uses Eq. 7 at the output. */
const BASELINE_OF: Readonly<Record<ExactEstimatorId, BaselineKind>> = {
  reinforce: 'none',
  'reinforce-mean': 'mean',
  'reinforce-optimal': 'optimal',
  'reinforce-critic': 'critic',
  st: 'optimal',
  'st-sigmoid': 'optimal',
  'learned-correction': 'optimal',
};

function checkApplies(fn: string, en: Enumeration, id: ExactEstimatorId): void {
  const nets = EXACT_ESTIMATORS[id];
  if (!nets) throw new RangeError(`${fn}: unknown estimator ${JSON.stringify(id)}; measurable estimators: ${EXACT_ESTIMATOR_IDS.join(', ')}`);
  if (!nets.includes(en.net.kind)) throw new RangeError(`${fn}: ${id} needs the ${nets.join(' or ')} network, got ${en.net.kind}`);
}

/** An estimator set up on one enumerated network: its kernel and what it was formed with. */
interface ExactRule {
  readonly kernel: RowKernel;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** learned-correction only: the fitted map of each hidden unit. */
  readonly correction?: CorrectionCoefficients;
}

function exactRule(en: Enumeration, id: ExactEstimatorId): ExactRule {
  checkApplies('exactRule', en, id);
  const baseline = exactBaseline(en, BASELINE_OF[id]);
  if (id !== 'st' && id !== 'st-sigmoid' && id !== 'learned-correction') return { kernel: reinforceKernel(en, baseline), baseline };
  const net = en.net as TwoLayerNet;
  const n = net.n;
  const c = Float64Array.from(net.wOut);
  const alpha = new Float64Array(n);
  if (id === 'st-sigmoid') for (let j = 0; j < n; j++) c[j] *= en.p[j]! * (1 - en.p[j]!);
  if (id !== 'learned-correction') return { kernel: backpropKernel(en, baseline[n]!, c, alpha), baseline };
  const lc = new LinearCorrection(n);
  lc.load(exactCorrectionState(en));
  const correction = lc.coefficients();
  for (let j = 0; j < n; j++) {
    c[j] *= correction.slope[j]!;
    alpha[j] = correction.intercept[j]!;
  }
  return { kernel: backpropKernel(en, baseline[n]!, c, alpha), baseline, correction };
}

/** The per-configuration estimates of one estimator and what it was formed with. */
export interface EstimateRows {
  /** ĝ of each unit (∂/∂a) in every configuration, rows × units (row-major). */
  readonly rows: Float64Array;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** learned-correction only: the fitted map of each hidden unit. */
  readonly correction?: CorrectionCoefficients;
}

/**
 * The float64 estimate of estimator `id` in every configuration of `en` (or in the listed
 * configurations only, in that order).
 */
export function estimateRows(en: Enumeration, id: ExactEstimatorId, configurations?: ArrayLike<number>): EstimateRows {
  const { kernel, baseline, correction } = exactRule(en, id);
  const U = en.units;
  const M = configurations ? configurations.length : en.rows;
  const rows = new Float64Array(M * U);
  for (let r = 0; r < M; r++) kernel(configurations ? configurations[r]! : r, rows.subarray(r * U, (r + 1) * U));
  return correction ? { rows, baseline, correction } : { rows, baseline };
}

/**
 * E ĝ and Var ĝ under P, per unit and per parameter, in one pass over the configurations.
 * Per parameter: hidden W[k·n + i] has mean xₖ·E ĝᵢ and variance xₖ²·Var ĝᵢ; the output weight
 * w_oⱼ's estimate is hⱼ·ĝ_o, whose moments are Σ over the hidden configurations with hⱼ = 1 of the
 * moments of ĝ_o accumulated per hidden configuration.
 *
 * Variances are E[ĝ²] − (E ĝ)², whose relative rounding error is about 1e-16·(1 + SNR): at most
 * 1e-11 for the SNRs met here, so the second pass that centring would cost is not needed.
 */
function paramMoments(en: Enumeration, kernel: RowKernel, withVariance = true): { mean: Float64Array; variance: Float64Array; unitMean: Float64Array; unitVariance: Float64Array } {
  const { net, rows, units: U, prob } = en;
  const n = net.n;
  const H = 1 << n;
  const unitMean = new Float64Array(U);
  const unitSquare = new Float64Array(U);
  const P = paramCount(net);
  const mean = new Float64Array(P);
  const variance = new Float64Array(P);
  const o = net.x.length * n + n;
  const two = net.kind === 'two-layer';
  // Σ_o P·ĝ_o and Σ_o P·ĝ_o² per hidden configuration (two-layer only).
  const byHidden1 = two ? new Float64Array(H) : undefined;
  const byHidden2 = two ? new Float64Array(H) : undefined;
  const g = new Float64Array(U);
  for (let k = 0; k < rows; k++) {
    const w = prob[k]!;
    kernel(k, g);
    for (let i = 0; i < U; i++) {
      const wg = w * g[i]!;
      unitMean[i] += wg;
      unitSquare[i] += wg * g[i]!;
    }
    if (two) {
      const h = k & (H - 1);
      const wg = w * g[n]!;
      byHidden1![h] += wg;
      byHidden2![h] += wg * g[n]!;
    }
  }
  const unitVariance = unitSquare.map((q, i) => Math.max(0, q - unitMean[i]! ** 2));
  spreadHidden(net, unitMean, mean);
  if (withVariance) spreadHidden(net, unitVariance, variance, true);
  if (two) {
    mean[o + n] = unitMean[n]!;
    variance[o + n] = unitVariance[n]!;
    const square = new Float64Array(n);
    for (let h = 1; h < H; h++) {
      const a = byHidden1![h]!;
      const b = byHidden2![h]!;
      for (let j = 0; j < n; j++) {
        if ((h >> j) & 1) {
          mean[o + j] += a;
          square[j] += b;
        }
      }
    }
    for (let j = 0; j < n; j++) variance[o + j] = withVariance ? Math.max(0, square[j]! - mean[o + j]! ** 2) : 0;
  }
  return { mean, variance, unitMean, unitVariance };
}

/** The exact measurement of one estimator on one network. */
export interface EstimatorMeasure {
  /** The estimator. */
  readonly estimator: ExactEstimatorId;
  /** E ĝ per parameter (flat layout). */
  readonly mean: Float64Array;
  /** Var ĝ per parameter. */
  readonly variance: Float64Array;
  /** E ĝᵢ of each unit's estimate of ∂J/∂aᵢ (output unit last in the two-layer network). */
  readonly unitMean: Float64Array;
  /** Var ĝᵢ of each unit. */
  readonly unitVariance: Float64Array;
  /** (E ĝᵢ)² / Var ĝᵢ of each unit. For a (hidden) unit this is also the per-parameter SNR of its W column and b. */
  readonly unitSnr: Float64Array;
  /**
   * Σᵢ (E ĝᵢ)² / Σᵢ Var ĝᵢ over the n (hidden) units: the mean per-unit signal over the mean per-unit
   * noise, the inverse of the "gradient noise scale" tr Σ / ‖G‖² of McCandlish et al. 2018 restricted
   * to these units. Unlike the mean of {@link EstimatorMeasure.unitSnr}, one unit whose estimate
   * barely varies cannot swamp it.
   */
  readonly snr: number;
  /** Two-layer only: the output unit's SNR (that of ∂J/∂b_o). */
  readonly outputSnr: number | undefined;
  /** ‖E ĝ − ∇J‖ / ‖∇J‖ over all parameters. */
  readonly relBias: number;
  /** cos(E ĝ, ∇J) over all parameters. */
  readonly cosine: number;
  /** E‖ĝ − ∇J‖² = ‖E ĝ − ∇J‖² + Σ Var ĝ, over all parameters. */
  readonly mse: number;
  /** mse / ‖∇J‖². */
  readonly relMse: number;
  /** Σ Var ĝ over all parameters. */
  readonly totalVariance: number;
  /** L̄ of each unit used by the REINFORCE terms. */
  readonly baseline: Float64Array;
  /** learned-correction only: the fitted map of each hidden unit. */
  readonly correction?: CorrectionCoefficients;
}

/** (E)² / Var, with 0/0 read as 0 and x/0 as Infinity. */
function snrOf(m: number, v: number): number {
  if (v > 0) return (m * m) / v;
  return m === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/**
 * Measures estimator `id` exactly on the enumerated network.
 *
 * @param gradient ∇J, if already computed (default: {@link exactGradient})
 */
export function measureEstimator(en: Enumeration, id: ExactEstimatorId, gradient: Float64Array = exactGradient(en)): EstimatorMeasure {
  const est = exactRule(en, id);
  const { mean, variance, unitMean, unitVariance } = paramMoments(en, est.kernel);
  const n = en.net.n;
  const unitSnr = unitMean.map((m, i) => snrOf(m, unitVariance[i]!));
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    signal += unitMean[i]! ** 2;
    noise += unitVariance[i]!;
  }
  const snr = snrOf(Math.sqrt(signal), noise);
  let d2 = 0;
  let g2 = 0;
  let m2 = 0;
  let mg = 0;
  let tv = 0;
  for (let k = 0; k < gradient.length; k++) {
    const d = mean[k]! - gradient[k]!;
    d2 += d * d;
    g2 += gradient[k]! ** 2;
    m2 += mean[k]! ** 2;
    mg += mean[k]! * gradient[k]!;
    tv += variance[k]!;
  }
  const mse = d2 + tv;
  return {
    estimator: id,
    mean,
    variance,
    unitMean,
    unitVariance,
    unitSnr,
    snr,
    outputSnr: en.net.kind === 'two-layer' ? unitSnr[n]! : undefined,
    relBias: Math.sqrt(d2 / g2),
    cosine: mg / Math.sqrt(m2 * g2),
    mse,
    relMse: mse / g2,
    totalVariance: tv,
    baseline: est.baseline,
    ...(est.correction ? { correction: est.correction } : {}),
  };
}

/** The configurations' h (bits), p and R̄ as float32 arrays, for the listed rows. */
function tfjsInputs(en: Enumeration, rows: ArrayLike<number>): { h: Float32Array; p: Float32Array; R: Float32Array } {
  const U = en.units;
  const M = rows.length;
  const h = new Float32Array(M * U);
  const p = new Float32Array(M * U);
  const R = new Float32Array(M);
  for (let r = 0; r < M; r++) {
    const k = rows[r]!;
    R[r] = en.net.reward[k]!;
    for (let i = 0; i < U; i++) {
      h[r * U + i] = (k >> i) & 1;
      p[r * U + i] = unitP(en, k, i);
    }
  }
  return { h, p, R };
}

/**
 * The exact Eq. 7 baseline of every unit (1 × units) as the real float32 `exactOptimalBaseline`
 * computes it, over every configuration weighted by P.
 */
export function tfjsOptimalBaseline(en: Enumeration): Float32Array {
  const all = Int32Array.from({ length: en.rows }, (_, k) => k);
  const { h, p, R } = tfjsInputs(en, all);
  const M = en.rows;
  const U = en.units;
  const result = tf.tidy(() =>
    exactOptimalBaseline(tf.tensor2d(h, [M, U]), tf.tensor2d(p, [M, U]), tf.tensor2d(R, [M, 1]), tf.tensor2d(Float32Array.from(en.prob), [M, 1])),
  );
  const out = (result.dataSync() as Float32Array).slice();
  result.dispose();
  return out;
}

/** Options of {@link tfjsEstimateRows}. */
export interface TfjsRowsOptions {
  /**
   * The configurations to estimate, by index.
   * @default every configuration
   */
  readonly rows?: ArrayLike<number>;
  /**
   * The Eq. 7 baseline (1 × units) for the estimators that use it.
   * @default {@link tfjsOptimalBaseline}(en)
   */
  readonly optimalBaseline?: ArrayLike<number>;
}

/**
 * The same per-configuration estimates as {@link estimateRows}, formed by the real float32 tfjs
 * functions of `src/estimators` in one batched call (as the agent calls them: a vector–Jacobian
 * product through the `tf.customGrad` op with dy = ĝ_o·w_oᵀ for the straight-through family). Needs
 * an initialised tfjs backend. Returns (listed rows) × units.
 */
export function tfjsEstimateRows(en: Enumeration, id: ExactEstimatorId, options: TfjsRowsOptions = {}): Float32Array {
  checkApplies('tfjsEstimateRows', en, id);
  const rows = options.rows ?? Int32Array.from({ length: en.rows }, (_, k) => k);
  const { units: U, net } = en;
  const M = rows.length;
  const n = net.n;
  const inputs = tfjsInputs(en, rows);
  const needsEq7 = BASELINE_OF[id] === 'optimal';
  const eq7Baseline = needsEq7 ? (options.optimalBaseline ?? tfjsOptimalBaseline(en)) : undefined;
  // The tidy returns the tensor, not its data: tf.tidy walks a returned value looking for tensors,
  // which for a typed array of millions of entries costs seconds.
  const result = tf.tidy(() => {
    const h = tf.tensor2d(inputs.h, [M, U]);
    const p = tf.tensor2d(inputs.p, [M, U]);
    const R = tf.tensor2d(inputs.R, [M, 1]);
    const eq7 = (): tf.Tensor2D => reinforceGrad(h, p, R, tf.tensor2d(Float32Array.from(eq7Baseline!), [1, U]));
    switch (id) {
      case 'reinforce':
        return reinforceGrad(h, p, R);
      case 'reinforce-mean':
        return reinforceGrad(h, p, R, new MeanBaseline(0.9, en.objective).value());
      case 'reinforce-critic':
        return reinforceGrad(h, p, advantageSignal(R, tf.fill([M, 1], en.objective) as tf.Tensor2D));
      case 'reinforce-optimal':
        return eq7();
      default: {
        const two = net as TwoLayerNet;
        const g = eq7();
        const gOut = tf.slice(g, [0, n], [M, 1]) as tf.Tensor2D;
        const hHidden = tf.slice(h, [0, 0], [M, n]) as tf.Tensor2D;
        const aHidden = tf.tile(tf.tensor2d(Float32Array.from(en.a), [1, n]), [M, 1]) as tf.Tensor2D;
        const upstream = tf.matMul(gOut, tf.tensor2d(Float32Array.from(two.wOut), [n, 1]), false, true) as tf.Tensor2D;
        const op = id === 'st-sigmoid' ? straightThroughSigmoid : straightThrough;
        let hidden = tf.grad((a: tf.Tensor) => op(a as tf.Tensor2D, hHidden))(aHidden, upstream) as tf.Tensor2D;
        if (id === 'learned-correction') {
          const lc = new LinearCorrection(n);
          lc.load(exactCorrectionState(en));
          hidden = lc.correct(hidden, tf.slice(g, [0, 0], [M, n]) as tf.Tensor2D);
        }
        return tf.concat([hidden, gOut], 1) as tf.Tensor2D;
      }
    }
  });
  const out = (result.dataSync() as Float32Array).slice();
  result.dispose();
  return out;
}

/** The outcome of {@link tfjsCheck}. */
export interface TfjsCheck {
  /** How many configurations the per-row rules were run on. */
  readonly rows: number;
  /** max |L̄(float32) − L̄(float64)| / max |R̄|: `exactOptimalBaseline` over all configurations against the float64 Eq. 7 baseline, if used. */
  readonly optimalBaseline: number | undefined;
  /** Per estimator: max |float32 − float64| / max |float64| over the checked rows. */
  readonly estimators: Readonly<Partial<Record<ExactEstimatorId, number>>>;
  /** The largest of all the differences above. */
  readonly worst: number;
}

/**
 * Runs the real tfjs estimator functions and compares them with the float64 estimates that the
 * measurement uses. The Eq. 7 baseline is formed by `exactOptimalBaseline` over every
 * configuration; the per-configuration rules run on every configuration when there are at most
 * `maxRows`, else on `maxRows` configurations spread over all of them (index i·φ mod 2^bits with an
 * odd φ, a permutation that keeps every low-order bit pattern). Differences of order 1e-7 are float32
 * rounding; a wrong formula shows as a difference of order 1.
 */
export function tfjsCheck(en: Enumeration, ids: readonly ExactEstimatorId[], maxRows = 4096): TfjsCheck {
  const M = Math.min(en.rows, maxRows);
  const rows = en.rows <= maxRows ? Int32Array.from({ length: M }, (_, k) => k) : Int32Array.from({ length: M }, (_, i) => Number((BigInt(i) * 0x9e3779b1n) % BigInt(en.rows)));
  const usesEq7 = ids.some((id) => BASELINE_OF[id] === 'optimal');
  const eq7 = usesEq7 ? tfjsOptimalBaseline(en) : undefined;
  // Relative to the reward's scale: L̄ is subtracted from R̄, and an Eq. 7 ratio near 0 has no scale of its own.
  let rScale = 0;
  for (let k = 0; k < en.rows; k++) rScale = Math.max(rScale, Math.abs(en.net.reward[k]!));
  const exact = exactBaseline(en, 'optimal');
  const optimalBaseline = eq7 ? eq7.reduce((m, v, i) => Math.max(m, Math.abs(v - exact[i]!)), 0) / (rScale || 1) : undefined;
  const estimators: Partial<Record<ExactEstimatorId, number>> = {};
  let worst = optimalBaseline ?? 0;
  for (const id of ids) {
    const f32 = tfjsEstimateRows(en, id, eq7 ? { rows, optimalBaseline: eq7 } : { rows });
    const d = relativeRowDifference(f32, estimateRows(en, id, rows).rows);
    estimators[id] = d;
    worst = Math.max(worst, d);
  }
  return { rows: M, optimalBaseline, estimators, worst };
}

/** max |a − b| / max |b|: how far the float32 rows are from the float64 ones, relative to their scale. */
export function relativeRowDifference(float32: ArrayLike<number>, float64: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < float64.length; k++) {
    diff = Math.max(diff, Math.abs(float32[k]! - float64[k]!));
    scale = Math.max(scale, Math.abs(float64[k]!));
  }
  return scale > 0 ? diff / scale : diff;
}

/**
 * The least-squares slope s of log y against log n (y ∝ n^s), over the pairs with y > 0 and
 * finite. NaN with fewer than two distinct n.
 */
export function logLogSlope(ns: readonly number[], ys: readonly number[]): number {
  const pts = ns.map((n, i) => [Math.log(n), Math.log(ys[i]!)] as const).filter(([, ly]) => Number.isFinite(ly));
  if (new Set(pts.map(([lx]) => lx)).size < 2) return Number.NaN;
  const mx = pts.reduce((s, [lx]) => s + lx, 0) / pts.length;
  const my = pts.reduce((s, [, ly]) => s + ly, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [lx, ly] of pts) {
    sxy += (lx - mx) * (ly - my);
    sxx += (lx - mx) ** 2;
  }
  return sxy / sxx;
}
