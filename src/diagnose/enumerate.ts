/**
 * Exact quantities of diagnose's test networks by enumerating every configuration, in float64.
 *
 * With P(z) the probability of a configuration:
 * - J = Σ P(z)·R̄(z);
 * - ∇J by the *difference* form, ∂J/∂aᵢ = pᵢ·Σ_{z: zᵢ=0} P(z)·(Q(z + eᵢ) − Q(z)) with Q the
 *   expected reward given the hidden configuration, and ∂J/∂w_oⱼ = Σ_h P(h)·hⱼ·p_o(1 − p_o)·(R̄(h,1)
 *   − R̄(h,0)). It never forms (h − p)·R, so it is independent of the estimators it judges; the
 *   score-function form Σ P·R̄·Σᵢ(zᵢ − pᵢ)∇aᵢ (Williams 1992, Eq. 9; Bengio et al. 2013, §3.1) is
 *   {@link scoreGradient}, and tests check both against central finite differences of J.
 *
 * An {@link Enumeration} is the `ExactNetwork` each estimator's exact rule is set up on; its
 * baselines are the ideal constants the running baselines converge to (`baselines.ts` in
 * `src/estimators/`).
 *
 * ## Several input contexts
 *
 * A network with K > 1 input contexts ({@link ExactNet.contexts}) is enumerated as a
 * {@link Mixture}: one Enumeration per context, each with its probability π_c. A sample is a
 * context c ~ π, then the unit samples z ~ P_c, so every exact quantity is an expectation over
 * contexts × configurations: J = Σ π_c J_c, ∇J = Σ π_c ∇J_c ({@link mixtureGradient}), and an
 * estimator's E ĝ = Σ π_c E[ĝ | c], E ĝ² = Σ π_c E[ĝ² | c] (`measureMixture` in `measure.ts`).
 * The per-context Enumerations share what one agent state must serve across inputs: the ideal
 * constant baselines (over the mixture, but a critic's V(s) = J_c) and, through
 * `ExactNetwork.contexts`, a learned correction's fit. With K = 1 the mixture is the one
 * Enumeration, and every number is the one-fixed-input number, bit for bit.
 *
 * @module
 */
import { baselineFor, type BaselineKind, type ExactNetwork } from '../estimators/index.js';
import { reinforceRows } from '../estimators/exact-rules.js';
import { checkUnits, contextCount, contextNets, getParams, paramCount, sigmoid, unitCount, withParams, type ExactNet } from './networks.js';
import { paramMoments } from './measure.js';

/** Every configuration of a network with its probability: the network estimators' exact rules are set up on. */
export interface Enumeration extends ExactNetwork {
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
  /** Two-layer only: σ(a_o(h)) by hidden configuration, length 2ⁿ. */
  readonly pOut: Float64Array | undefined;
  /** P(configuration), length {@link Enumeration.rows}. */
  readonly prob: Float64Array;
  /** J = Σ P·R̄. */
  readonly objective: number;
}

/** Enumerates every configuration of `net` (float64), a network with one fixed input (for several, {@link enumerateContexts}). */
export function enumerateNet(net: ExactNet): Enumeration {
  if (contextCount(net) > 1) throw new RangeError(`enumerateNet: the network has ${contextCount(net)} input contexts; enumerate it with enumerateContexts`);
  return enumerateOne(net, undefined);
}

/** The baselines shared by the contexts of a mixture (all but the per-context critic), and the list of contexts. */
interface Shared {
  readonly cache: Map<BaselineKind, Float64Array>;
  readonly contexts: { weight: number; net: Enumeration }[];
}

function enumerateOne(net: ExactNet, shared: Shared | undefined): Enumeration {
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
  const mask = (1 << n) - 1;
  const own = new Map<BaselineKind, Float64Array>();
  const en: Enumeration = {
    net,
    kind: net.kind,
    n,
    reward: net.reward,
    wOut: net.kind === 'two-layer' ? net.wOut : undefined,
    rows: prob.length,
    units: unitCount(net),
    a,
    p,
    probHidden,
    aOut,
    pOut,
    prob,
    objective: J,
    unitP: (k, i) => (i < n ? p[i]! : pOut![k & mask]!),
    // Cached: Eq. 7 is a pass over every configuration. Callers get a copy. With several
    // contexts the cache is shared, except for a critic's V(s), which is the context's own.
    baseline: (kind) => {
      const cache = shared && !baselineFor(kind).critic ? shared.cache : own;
      let out = cache.get(kind);
      if (!out) cache.set(kind, (out = baselineFor(kind).exact(en)));
      return out.slice();
    },
    contexts: shared?.contexts,
  };
  return en;
}

/** One input context of a network: its Enumeration and its probability π_c. */
export interface ContextEnumeration {
  /** π_c. */
  readonly weight: number;
  /** The network in this context, enumerated. */
  readonly en: Enumeration;
}

/** A network under its input distribution: one {@link ContextEnumeration} per context (one, of weight 1, with a fixed input). */
export type Mixture = readonly ContextEnumeration[];

/**
 * Enumerates `net` in every input context (see the module header). With one fixed input, the
 * one {@link enumerateNet} Enumeration with weight 1.
 */
export function enumerateContexts(net: ExactNet): Mixture {
  if (contextCount(net) === 1) return [{ weight: 1, en: enumerateOne(net, undefined) }];
  const shared: Shared = { cache: new Map(), contexts: [] };
  const out = contextNets(net).map((c) => ({ weight: c.weight, en: enumerateOne(c.net, shared) }));
  for (const c of out) shared.contexts.push({ weight: c.weight, net: c.en });
  return out;
}

/** J = Σ π_c·J_c of a mixture. */
export function mixtureObjective(mix: Mixture): number {
  if (mix.length === 1) return mix[0]!.en.objective;
  return mix.reduce((s, c) => s + c.weight * c.en.objective, 0);
}

/** ∇J = Σ π_c·∇J_c, each by {@link exactGradient}; with one context, that context's gradient itself. */
export function mixtureGradient(mix: Mixture): Float64Array {
  if (mix.length === 1) return exactGradient(mix[0]!.en);
  const out = new Float64Array(paramCount(mix[0]!.en.net));
  for (const { weight, en } of mix) {
    const g = exactGradient(en);
    for (let k = 0; k < out.length; k++) out[k] += weight * g[k]!;
  }
  return out;
}

/** J = Σ P·R̄ for `net` (Σ π_c·J_c with several input contexts). */
export function objective(net: ExactNet): number {
  return contextCount(net) === 1 ? enumerateNet(net).objective : mixtureObjective(enumerateContexts(net));
}

/**
 * Spreads per-unit values g (∂/∂a, length `units`) to the parameters, for a fixed input:
 * hidden W[k·n + i] = xₖ·gᵢ and bᵢ = gᵢ. The output weights are not handled here.
 */
export function spreadHidden(net: ExactNet, g: ArrayLike<number>, out: Float64Array, square = false): void {
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
 * The score-function form of the exact gradient, ∇J = Σ P·R̄·Σᵢ (zᵢ − pᵢ)·∇aᵢ (Williams 1992, Eq. 9).
 * Equal to {@link exactGradient} up to rounding; kept as a second, independent computation.
 */
export function scoreGradient(netOrEnumeration: ExactNet | Enumeration): Float64Array {
  const en = 'rows' in netOrEnumeration ? netOrEnumeration : enumerateNet(netOrEnumeration);
  return paramMoments(en, reinforceRows(en, new Float64Array(en.units)), false).mean;
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
 * The ideal constant baseline L̄ of each unit (length `units`) for a baseline kind: `none` 0;
 * `mean` E[R] and `critic` V(s) = E[R | context] (the same with one fixed input); `optimal` Eq. 7,
 * L̄ᵢ = Σ P·(zᵢ − pᵢ)²·R̄ / Σ P·(zᵢ − pᵢ)², P over contexts × configurations. (The same as `en.baseline(kind)`.)
 */
export function exactBaseline(en: Enumeration, kind: BaselineKind): Float64Array {
  return en.baseline(kind);
}
