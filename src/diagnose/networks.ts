/**
 * diagnose's test networks: small random networks of stochastic binary units whose every
 * configuration can be enumerated (n ≤ {@link MAX_EXACT_UNITS}). They answer the open question of
 * Bengio, Léonard & Courville 2013, §5: how the bias and variance of the estimators scale with the
 * number of noise sources.
 *
 * By default both have one fixed input x ∈ ℝ^d (d = {@link EXACT_INPUTS}), so the problem is a
 * one-state bandit and ∇_a J is the target: the chain rule to the weights is local (∇_W aᵢ = x,
 * ∇_b aᵢ = 1). With `contexts: K > 1` ({@link RandomNetOptions.contexts}) the input is drawn from a
 * distribution over K input contexts x⁽¹⁾ … x⁽ᴷ⁾ with probabilities π₁ … π_K (a contextual bandit):
 * J = Σ_c π_c·J_c, and every exact quantity is an expectation over contexts × unit samples (see
 * `enumerate.ts`). By default the reward table R̄(z) is shared by the contexts; what a context
 * changes is the input, hence every unit's firing probability and the chain rule ∇_W aᵢ = x⁽ᶜ⁾.
 * With `contextRewards` each context also has its own table R̄_c(z), drawn by the same model (a
 * contextual bandit whose best action depends on the input). Context 1 is the network's `x` (and
 * `reward`), the same as with K = 1; the others are drawn after everything else from the same
 * stream: xₖ ~ N(0, 1), then π ~ Dirichlet(1, …, 1) (π_c ∝ −log u_c), then the K − 1 further
 * tables, so a K-context network is the one-context network plus K − 1 further inputs.
 *
 * - **`one-layer`**: n stochastic binary units, a = x·W + b, pᵢ = σ(aᵢ), hᵢ = 1[u < pᵢ]. The
 *   expected reward is a table R̄(h) over the 2ⁿ configurations. No unit's effect on R passes
 *   through another unit, so nothing can be backpropagated: only estimators whose exact rule works
 *   unit by unit (the REINFORCE family) apply.
 * - **`two-layer`**: the same n units are hidden units that feed one binary output unit,
 *   a_o = h·w_o + b_o, o = 1[u < σ(a_o)]. The output's firing determines, with the hidden
 *   configuration, the reward: a table R̄(h, o) over 2ⁿ⁺¹ configurations. Each estimator's exact rule
 *   says what every unit does (its file states it); under the straight-through family, for
 *   example, the output unit uses REINFORCE with the Eq. 7 baseline (the env is a black box, as in
 *   the agent) and the hidden units the backpropagated estimate. Backprop only sees the path
 *   h → o → R: the direct dependence of R̄ on h is invisible to it.
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
 * Layout: configuration index k: bit i of k is unit i (hidden units 0 … n − 1), and in the
 * two-layer network bit n is the output unit. Parameters are flat: W (d × n, row-major: W[k·n + i]
 * connects input k to unit i), b (n), then, in the two-layer network, w_o (n) and b_o.
 *
 * @module
 */
import { Rng } from '../core/rng.js';

/** Largest n that is enumerated (the two-layer network then has 2¹⁷ configurations). */
export const MAX_EXACT_UNITS = 16;
/** d, the size of the fixed input x. */
export const EXACT_INPUTS = 4;

/** Largest number of input contexts K. */
export const MAX_CONTEXTS = 16;

/** One input context of a network with several: its input and its probability. */
export interface InputContext {
  /** The input x⁽ᶜ⁾, length d. */
  readonly x: Float64Array;
  /** π_c, its probability (the contexts' probabilities sum to 1). */
  readonly weight: number;
  /** Its own reward table R̄_c (with `contextRewards`); by default the network's `reward`, shared. */
  readonly reward?: Float64Array | undefined;
}

/** The two test networks. */
export type NetKind = 'one-layer' | 'two-layer';
/** The test networks, in the order reports list them. */
export const NET_KINDS: readonly NetKind[] = ['one-layer', 'two-layer'];

/** One description line per network, shown in diagnose's table and JSON. */
export const NETWORK_DESCRIPTIONS: Readonly<Record<NetKind, string>> = {
  'one-layer': `n stochastic binary units, a = x·W + b for one fixed input x (${EXACT_INPUTS} numbers); reward table R̄(h) over the 2^n configurations`,
  'two-layer': `n hidden stochastic binary units (a = x·W + b) → one binary output unit (a_o = h·w_o + b_o); reward table R̄(h, o) over 2^(n+1) configurations; hidden units use the estimator's rule, the output unit REINFORCE (its own baseline, Eq. 7 for the backprop family)`,
};
/** How the reward table is drawn (see the module header). */
export type RewardModel = 'structured' | 'iid';
/** The valid reward models. */
export const REWARD_MODELS: readonly RewardModel[] = ['structured', 'iid'];


/** The one-layer network: n units, a = x·W + b, reward table over 2ⁿ configurations. */
export interface OneLayerNet {
  readonly kind: 'one-layer';
  /** Number of stochastic binary units. */
  readonly n: number;
  /** The fixed input x, length d (with several contexts, the first context's input). */
  readonly x: Float64Array;
  /** With K > 1 input contexts: every context, the first with input `x`; undefined with one fixed input. */
  readonly contexts?: readonly InputContext[] | undefined;
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
  /** The fixed input x, length d (with several contexts, the first context's input). */
  readonly x: Float64Array;
  /** With K > 1 input contexts: every context, the first with input `x`; undefined with one fixed input. */
  readonly contexts?: readonly InputContext[] | undefined;
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

export function checkUnits(fn: string, n: number): void {
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
  /**
   * K, the number of input contexts, 1 … {@link MAX_CONTEXTS} (see the module header). With 1 the
   * network is exactly the one-fixed-input network.
   * @default 1
   */
  readonly contexts?: number;
  /**
   * With K > 1: whether each context has its own reward table (drawn as the first one), instead of
   * sharing the network's.
   * @default false
   */
  readonly contextRewards?: boolean;
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
  const K = options.contexts ?? 1;
  if (!Number.isInteger(K) || K < 1 || K > MAX_CONTEXTS) throw new RangeError(`randomNet: contexts must be an integer in [1, ${MAX_CONTEXTS}], got ${K}`);
  const rng = netRng(seed, kind, n, options.index ?? 0);
  const d = EXACT_INPUTS;
  const x = Float64Array.from({ length: d }, () => rng.normal());
  const W = Float64Array.from({ length: d * n }, () => rng.normal(0, 1 / Math.sqrt(d)));
  const b = Float64Array.from({ length: n }, () => rng.normal(0, 0.5));
  const own = options.contextRewards === true;
  if (kind === 'one-layer') {
    const table = (): Float64Array => rewardTable(rng, n, reward);
    const net: OneLayerNet = { kind, n, x, W, b, reward: table() };
    return K > 1 ? { ...net, contexts: drawContexts(rng, x, K, own ? table : undefined) } : net;
  }
  const wOut = Float64Array.from({ length: n }, () => rng.normal(0, 2 / Math.sqrt(n)));
  const bOut = rng.normal(0, 0.5);
  const table = (): Float64Array => {
    if (rewardOf === 'all') return rewardTable(rng, n + 1, reward);
    const r = rewardTable(rng, 1, reward);
    const H = 2 ** n;
    const t = new Float64Array(2 * H);
    t.fill(r[0]!, 0, H);
    t.fill(r[1]!, H);
    return t;
  };
  const net: TwoLayerNet = { kind, n, x, W, b, wOut, bOut, reward: table() };
  return K > 1 ? { ...net, contexts: drawContexts(rng, x, K, own ? table : undefined) } : net;
}

/** K − 1 further inputs after `x`, the K probabilities, and with `table` K − 1 further reward tables (see the module header). */
function drawContexts(rng: Rng, x: Float64Array, K: number, table?: () => Float64Array): InputContext[] {
  const xs = [x, ...Array.from({ length: K - 1 }, () => Float64Array.from({ length: x.length }, () => rng.normal()))];
  const g = xs.map(() => -Math.log(1 - rng.random()));
  const total = g.reduce((s, v) => s + v, 0);
  const tables = table ? [undefined, ...Array.from({ length: K - 1 }, table)] : [];
  return xs.map((xc, c) => (c > 0 && tables[c] ? { x: xc, weight: g[c]! / total, reward: tables[c] } : { x: xc, weight: g[c]! / total }));
}

/** K, the number of input contexts of `net` (1 with one fixed input). */
export function contextCount(net: ExactNet): number {
  return net.contexts?.length ?? 1;
}

/**
 * The network seen in each of its input contexts: K copies of `net` with input x⁽ᶜ⁾ and no
 * `contexts` of their own, each with its probability π_c. With one fixed input, `[{ weight: 1, net }]`.
 */
export function contextNets(net: ExactNet): { readonly weight: number; readonly net: ExactNet }[] {
  if (!net.contexts || net.contexts.length <= 1) return [{ weight: 1, net }];
  return net.contexts.map((c) => ({ weight: c.weight, net: { ...net, x: c.x, reward: c.reward ?? net.reward, contexts: undefined } as ExactNet }));
}

/** A probability distribution over K given inputs (for hand-built networks). Checks shapes and that π sums to 1. */
export function withContexts<T extends ExactNet>(net: T, contexts: readonly InputContext[]): T {
  if (contexts.length < 1 || contexts.length > MAX_CONTEXTS) throw new RangeError(`withContexts: contexts must hold 1 … ${MAX_CONTEXTS} inputs, got ${contexts.length}`);
  let total = 0;
  for (const [c, ctx] of contexts.entries()) {
    if (ctx.x.length !== net.x.length) throw new RangeError(`withContexts: context ${c} must have ${net.x.length} inputs, got ${ctx.x.length}`);
    if (!(ctx.weight > 0)) throw new RangeError(`withContexts: context ${c} must have a positive probability, got ${ctx.weight}`);
    if (ctx.reward && ctx.reward.length !== net.reward.length) throw new RangeError(`withContexts: context ${c}'s reward must hold ${net.reward.length} values, got ${ctx.reward.length}`);
    total += ctx.weight;
  }
  if (Math.abs(total - 1) > 1e-12) throw new RangeError(`withContexts: the probabilities must sum to 1, got ${total}`);
  const first = contexts[0]!;
  const reward = first.reward ?? net.reward;
  if (contexts.length === 1) return { ...net, x: first.x, reward, contexts: undefined };
  return { ...net, x: first.x, reward, contexts: contexts.map((c, k) => ({ x: Float64Array.from(c.x), weight: c.weight, ...(k > 0 && c.reward ? { reward: Float64Array.from(c.reward) } : {}) })) };
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
