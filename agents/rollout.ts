/**
 * Rollout storage: per-env episode buffers, and the pool of transitions ready for an update.
 *
 * Each step's records (per layer: x, a, p, h, aux) are appended to the buffer of the sub-env they
 * belong to. When a sub-env's episode ends, or a segment is cut, its buffer is *flushed*: the
 * discounted reward-to-go G_t = r_t + γ·G_{t+1} is computed backwards from a bootstrap value
 * (0 after termination; V(s) from the critic after a truncation or a cut, when there is a critic;
 * else 0), and its rows move to the ready pool.
 *
 * @module
 */
import type { LayerRecord, LayerShape } from './network.js';
import type { Batch } from './learner.js';

/** A growable Float32Array. */
export class GrowBuffer {
  /** Backing store; only the first `length` numbers are in use. */
  data: Float32Array;
  /** Numbers in use. */
  length = 0;
  constructor(capacity = 64) {
    this.data = new Float32Array(Math.max(1, capacity));
  }
  /** Appends `n` numbers of `src` from `offset`. */
  push(src: Float32Array, offset: number, n: number): void {
    this.reserve(this.length + n);
    this.data.set(src.subarray(offset, offset + n), this.length);
    this.length += n;
  }
  /** Appends one number. */
  pushValue(v: number): void {
    this.reserve(this.length + 1);
    this.data[this.length++] = v;
  }
  /** Appends every number of `other`. */
  append(other: GrowBuffer): void {
    this.reserve(this.length + other.length);
    this.data.set(other.data.subarray(0, other.length), this.length);
    this.length += other.length;
  }
  /** The numbers in use (a view). */
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
  /** Empties the buffer, keeping its capacity. */
  clear(): void {
    this.length = 0;
  }
  private reserve(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length;
    while (cap < n) cap *= 2;
    const next = new Float32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** The records of many transitions: per layer x, a, p, h, aux, plus rewards or returns. */
export class TransitionBuffer {
  /** Per layer: [x, a, p, h, aux]. */
  readonly layers: { x: GrowBuffer; a: GrowBuffer; p: GrowBuffer; h: GrowBuffer; aux: GrowBuffer }[];
  /** One number per transition: the reward (episode buffers) or the return G_t (ready pool). */
  readonly values = new GrowBuffer();
  /** Per transition: the update count (weights version) under which it was sampled. */
  readonly versions = new GrowBuffer();
  /** Transitions held. */
  rows = 0;

  constructor(readonly shapes: readonly LayerShape[]) {
    this.layers = shapes.map(() => ({ x: new GrowBuffer(), a: new GrowBuffer(), p: new GrowBuffer(), h: new GrowBuffer(), aux: new GrowBuffer() }));
  }

  /** Appends row `row` of a batched forward record, with its reward. */
  pushRow(rec: readonly LayerRecord[], row: number, value: number, version = 0): void {
    for (const [l, s] of this.shapes.entries()) {
      const r = rec[l]!;
      const b = this.layers[l]!;
      b.x.push(r.x, row * s.nIn, s.nIn);
      b.a.push(r.a, row * s.nOut, s.nOut);
      b.p.push(r.p, row * s.nOut, s.nOut);
      b.h.push(r.h, row * s.nOut, s.nOut);
      if (r.aux.length > 0) b.aux.push(r.aux, row * s.nOut, s.nOut);
    }
    this.values.pushValue(value);
    this.versions.pushValue(version);
    this.rows += 1;
  }

  /** Moves every row of `other` here, replacing its rewards by `returns`, and empties `other`. */
  takeFrom(other: TransitionBuffer, returns: Float32Array): void {
    for (const [l, b] of this.layers.entries()) {
      const o = other.layers[l]!;
      b.x.append(o.x);
      b.a.append(o.a);
      b.p.append(o.p);
      b.h.append(o.h);
      b.aux.append(o.aux);
    }
    this.values.push(returns, 0, returns.length);
    this.versions.append(other.versions);
    this.rows += other.rows;
    other.clear();
  }

  /** Empties the buffer. */
  clear(): void {
    for (const b of this.layers) for (const g of [b.x, b.a, b.p, b.h, b.aux]) g.clear();
    this.values.clear();
    this.versions.clear();
    this.rows = 0;
  }
}

/**
 * Discounted reward-to-go, computed backwards: G_t = r_t + γ·G_{t+1}, with G after the last
 * reward equal to `bootstrap`.
 */
export function rewardToGo(rewards: ArrayLike<number>, gamma: number, bootstrap: number, out = new Float32Array(rewards.length)): Float32Array {
  let g = bootstrap;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t]! + gamma * g;
    out[t] = g;
  }
  return out;
}

/**
 * Reward-to-go over a step-major segment of T steps × B sub-envs (row t·B + i), computed
 * backwards. `done` marks how a sub-env's episode ended on a step: 0 not, 1 terminated (the
 * return after it is 0), 2 truncated (the return after it is `boot` at that row, V of the final
 * observation, or 0). After the last step, sub-env i continues with `tail[i]`. It is
 * {@link segmentLambdaReturns} at λ = 1.
 */
export function segmentReturns(rewards: Float32Array, done: Uint8Array, boot: Float32Array, tail: ArrayLike<number>, B: number, T: number, gamma: number): Float32Array {
  return segmentLambdaReturns(rewards, done, boot, tail, null, B, T, gamma, 1);
}

/**
 * λ-returns of one episode (or cut segment), computed backwards from the critic's values:
 *
 *     G^λ_t = r_t + γ·[(1 − λ)·V(s_{t+1}) + λ·G^λ_{t+1}],   with V(s_T) = G^λ_T = `bootstrap`.
 *
 * G^λ_t − V(s_t) is the generalised advantage estimate GAE(γ, λ), Σ_k (γλ)^k δ_{t+k} with
 * δ_t = r_t + γV(s_{t+1}) − V(s_t) (Schulman et al. 2016, "High-Dimensional Continuous Control
 * Using Generalized Advantage Estimation", Eq. 16; the λ-return of Sutton & Barto 2018 §12.1).
 * λ = 1 gives {@link rewardToGo}; λ = 0 the one-step TD target r_t + γV(s_{t+1}).
 *
 * @param rewards r_0 … r_{T−1}
 * @param values V(s_0) … V(s_{T−1})
 * @param bootstrap the value after the last step (0 after termination)
 */
export function lambdaReturns(rewards: ArrayLike<number>, values: ArrayLike<number>, gamma: number, lambda: number, bootstrap: number, out = new Float32Array(rewards.length)): Float32Array {
  let g = bootstrap;
  let vNext = bootstrap;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t]! + gamma * ((1 - lambda) * vNext + lambda * g);
    out[t] = g;
    vNext = values[t]!;
  }
  return out;
}

/**
 * {@link lambdaReturns} over a step-major segment, as {@link segmentReturns} lays it out: `values`
 * holds V(s) of every row (null is allowed only at λ = 1, where V is not used); an episode that terminated on a row continues with 0, one truncated
 * with `boot` at that row, and sub-env i after the last step with `tail[i]`. λ = 1 gives
 * {@link segmentReturns}.
 */
export function segmentLambdaReturns(
  rewards: Float32Array,
  done: Uint8Array,
  boot: Float32Array,
  tail: ArrayLike<number>,
  values: ArrayLike<number> | null,
  B: number,
  T: number,
  gamma: number,
  lambda: number,
): Float32Array {
  if (values === null && lambda !== 1) throw new RangeError(`segmentLambdaReturns: values are needed for lambda < 1, got lambda = ${lambda}`);
  const carry = Float64Array.from({ length: B }, (_, i) => tail[i]!);
  const out = new Float32Array(B * T);
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < B; i++) {
      const k = t * B + i;
      const d = done[k];
      const g = d === 1 ? 0 : d === 2 ? boot[k]! : carry[i]!;
      // V(s_{t+1}) enters only with weight 1 − λ; at λ = 1 (or without values) it is not read.
      const v = values === null || lambda === 1 ? 0 : d === 1 ? 0 : d === 2 ? boot[k]! : t + 1 < T ? values[k + B]! : tail[i]!;
      carry[i] = rewards[k]! + gamma * ((1 - lambda) * v + lambda * g);
      out[k] = carry[i]!;
    }
  }
  return out;
}

/**
 * A pool of whole episodes as a batch (views of `ready`, valid until it is cleared). `episodes`
 * gives each episode's sub-env and length, in pool order, for the batch's {@link Batch.signalRows}.
 */
export function poolBatch(ready: TransitionBuffer, episodes: readonly { readonly env: number; readonly rows: number }[]): Batch {
  const rows = ready.rows;
  return {
    rows,
    layers: ready.layers.map((b) => ({ x: b.x.view(), a: b.a.view(), p: b.p.view(), h: b.h.view(), aux: b.aux.view() })),
    returns: ready.values.view(),
    versions: ready.versions.view(),
    signalRows: () => {
      const env = new Int32Array(rows);
      const episode = new Int32Array(rows);
      let r = 0;
      for (const [k, ep] of episodes.entries()) {
        env.fill(ep.env, r, r + ep.rows);
        episode.fill(k, r, r + ep.rows);
        r += ep.rows;
      }
      return { rows, env, episode };
    },
  };
}
