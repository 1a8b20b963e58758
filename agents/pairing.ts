/**
 * The agent half of common random numbers: a noise stream shared by the two members of each pair
 * of sub-envs, antithetic between them, and the pool that matches the members' episodes.
 *
 * With paired resets (`pairing: 'pairs'` in the vector env, see `src/core/vector.ts`), the j-th
 * episodes of sub-envs 2k and 2k + 1 start in the same state on the same env RNG stream. Here:
 *
 * - {@link PairedNoise}: episode j of pair k draws its uniforms from one stream, seeded with
 *   `pairEpisodeSeed(noiseSeed, k, j)`; member 2k uses u, member 2k + 1 uses 1 − u, unit for unit
 *   and step for step (every step draws the same number of uniforms, layer by layer). So the two
 *   members are the antithetic pair (b, b̃) of ARM and DisARM at every decision, whenever each
 *   member reaches it. Episodes are counted from the step events' flags, as the env counts them.
 * - {@link PairPool}: a member's finished episode waits until its partner's episode of the same
 *   index has finished too; then the two go to the update together, with, for each row, the
 *   partner's return at the same step, the partner's samples, and whether the layer's logits were
 *   the same in both members (same policy version and bitwise-equal layer input). Rows past the
 *   shorter episode have no partner.
 *
 * Nothing like this is in Gymnasium or the usual RL libraries; estimators opt in with
 * `EstimatorSpec.pairing`.
 *
 * @module
 */
import { Rng } from '../src/core/rng.js';
import { pairEpisodeSeed } from '../src/core/vector.js';
import type { PerturbedPair, WeightPerturbation } from '../src/estimators/types.js';
import type { StepEvent } from '../src/stream/events.js';
import type { Credit, CreditContext } from './credit.js';
import type { Batch, LearnEvent } from './learner.js';
import type { LayerRecord, LayerShape } from './network.js';
import { GrowBuffer, poolBatch, rewardToGo, TransitionBuffer } from './rollout.js';

/** The per-pair antithetic noise stream (see the module header). */
export class PairedNoise {
  private episodes = new Int32Array(0);
  private streams: (Rng | undefined)[] = [];

  /**
   * @param noiseSeed the seed every pair's streams derive from
   * @param antithetic whether member 2k + 1 draws 1 − u (`true`, ARM and DisARM) or the same u as
   *   member 2k (`false`: common noise, for weight perturbation) @default true
   */
  constructor(
    readonly noiseSeed: number,
    readonly antithetic = true,
  ) {}

  /** Sizes the state for `rows` sub-envs (an even number); every sub-env starts at its episode 0. */
  allocate(rows: number): void {
    if (rows % 2 !== 0) throw new RangeError(`PairedNoise: paired noise needs an even number of sub-envs, got ${rows}`);
    this.episodes = new Int32Array(rows);
    this.streams = new Array<Rng | undefined>(rows).fill(undefined);
  }

  /** Every sub-env starts over at its episode 0 (the env was reset). */
  restart(): void {
    this.episodes.fill(0);
    this.streams.fill(undefined);
  }

  /** Sub-env i's episode ended: its next uniforms come from the stream of its next episode. */
  endEpisode(i: number): void {
    this.episodes[i] += 1;
    this.streams[i] = undefined;
  }

  /** Sub-env i's current episode index. */
  episode(i: number): number {
    return this.episodes[i]!;
  }

  /**
   * Fills one layer's rows × units uniforms: row r from its pair's stream of its current episode,
   * as drawn (even rows) or as 1 − u (odd rows). A `PolicyNetwork.uniformSource`.
   */
  readonly source = (_layer: number, out: Float32Array, rows: number, units: number): void => {
    if (rows !== this.episodes.length) throw new RangeError(`PairedNoise: allocated for ${this.episodes.length} rows, asked for ${rows}`);
    for (let r = 0; r < rows; r++) {
      let s = this.streams[r];
      if (!s) {
        s = Rng.fromSeed(pairEpisodeSeed(this.noiseSeed, r >> 1, this.episodes[r]!));
        this.streams[r] = s;
      }
      const u = s.fillUniform32(out.subarray(r * units, (r + 1) * units));
      if (r & 1 && this.antithetic) for (let k = 0; k < units; k++) u[k] = 1 - u[k]!;
    }
  };
}

/** A finished episode waiting for its partner. */
interface Pending {
  readonly buf: TransitionBuffer;
  readonly returns: Float32Array;
  readonly versions: Int32Array;
}

/**
 * What the update receives for each row of a paired batch: the partner's return at the same step
 * (NaN without a partner), and per layer the partner's samples and whether the layer's logits were
 * the same in both members (1) or not (0).
 */
export interface PairRows {
  readonly partnerReturn: GrowBuffer;
  readonly coincide: GrowBuffer[];
  readonly partnerH: GrowBuffer[];
}

/** Empty {@link PairRows} for the given layers. */
export function emptyPairRows(shapes: readonly LayerShape[]): PairRows {
  return { partnerReturn: new GrowBuffer(), coincide: shapes.map(() => new GrowBuffer()), partnerH: shapes.map(() => new GrowBuffer()) };
}

/** Empties {@link PairRows}. */
export function clearPairRows(p: PairRows): void {
  p.partnerReturn.clear();
  for (const g of [...p.coincide, ...p.partnerH]) g.clear();
}

/** Matches the episodes of paired sub-envs (see the module header). */
export class PairPool {
  private queues: Pending[][] = [];
  /** Rows of member 2k in the last pair moved into the batch. */
  lastFirstRows = 0;
  /** The returns from the first step of members 2k and 2k + 1 in the last pair moved into the batch. */
  lastStartReturns: readonly [number, number] = [Number.NaN, Number.NaN];

  constructor(private readonly shapes: readonly LayerShape[]) {}

  /** Sizes the pool for `rows` sub-envs and drops any waiting episode. */
  allocate(rows: number): void {
    this.queues = Array.from({ length: rows }, () => []);
  }

  /** Drops every waiting episode (the env was reset). */
  clear(): void {
    for (const q of this.queues) q.length = 0;
  }

  /** Episodes waiting for their partner. */
  get waiting(): number {
    return this.queues.reduce((s, q) => s + q.length, 0);
  }

  /**
   * Sub-env i finished an episode (its buffer `buf`, which is emptied, its returns and the policy
   * version of each step). When the partner's episode of the same index is already there, both
   * are moved into `ready` (member 2k first) with their {@link PairRows}; returns whether they were.
   */
  add(i: number, buf: TransitionBuffer, returns: Float32Array, versions: Int32Array, ready: TransitionBuffer, rows: PairRows): boolean {
    const own = new TransitionBuffer(this.shapes);
    own.takeFrom(buf, returns);
    this.queues[i]!.push({ buf: own, returns: returns.slice(), versions: versions.slice() });
    const k = i >> 1;
    const qa = this.queues[2 * k]!;
    const qb = this.queues[2 * k + 1]!;
    if (qa.length === 0 || qb.length === 0) return false;
    const a = qa.shift()!;
    const b = qb.shift()!;
    // Both members' rows are described before either is moved (moving empties the buffer).
    this.describe(a, b, rows);
    this.describe(b, a, rows);
    this.lastFirstRows = a.buf.rows;
    this.lastStartReturns = [a.returns[0] ?? 0, b.returns[0] ?? 0];
    ready.takeFrom(a.buf, a.returns);
    ready.takeFrom(b.buf, b.returns);
    return true;
  }

  private describe(own: Pending, partner: Pending, rows: PairRows): void {
    const T = own.buf.rows;
    const Tp = partner.buf.rows;
    for (let t = 0; t < T; t++) rows.partnerReturn.pushValue(t < Tp ? partner.returns[t]! : Number.NaN);
    for (const [l, s] of this.shapes.entries()) {
      const ox = own.buf.layers[l]!.x.view();
      const px = partner.buf.layers[l]!.x.view();
      const ph = partner.buf.layers[l]!.h.view();
      for (let t = 0; t < T; t++) {
        let same = t < Tp && own.versions[t] === partner.versions[t] ? 1 : 0;
        for (let k = 0; same && k < s.nIn; k++) if (ox[t * s.nIn + k] !== px[t * s.nIn + k]) same = 0;
        rows.coincide[l]!.pushValue(same);
        if (t < Tp) rows.partnerH[l]!.push(ph, t * s.nOut, s.nOut);
        else for (let j = 0; j < s.nOut; j++) rows.partnerH[l]!.pushValue(0);
      }
    }
  }
}

/**
 * Episode credit for pairing estimators: as `EpisodeCredit`, but a member's finished episode waits
 * in the {@link PairPool} for its partner's episode of the same index, and the batch carries the
 * pairing rows. The forward pass draws from the pair's antithetic stream ({@link PairedNoise},
 * attached to the network here). Each step's policy version (the learner's update count) is kept,
 * so that rows acted under different weights never count as coincident.
 */
export class PairedEpisodeCredit implements Credit {
  records: LayerRecord[] = [];
  private episodes: TransitionBuffer[] = [];
  private versions: number[][] = [];
  private readonly ready: TransitionBuffer;
  private readonly pool: PairPool;
  private readonly rows: PairRows;
  private readonly readyEpisodes: { env: number; rows: number }[] = [];
  private readonly noise: PairedNoise;
  /** Per member: the index j of its running episode. */
  private epIndex = new Int32Array(0);
  /** Per member: whether its running episode is collected. */
  private collect = new Uint8Array(0);
  /** Per pair: for episode indices one member has started and the other not yet, whether collected. */
  private decided: Map<number, boolean>[] = [];
  /** `'sync'` batching: collected pair-episodes not yet in the ready pool (both members). */
  private openPairs = 0;
  /** `'sync'` batching: the pool holds `batchSize` rows, so pair-episodes starting now are not collected. */
  private closed = false;
  /** Rows sampled but not collected (`'sync'` batching). */
  dropped = 0;

  constructor(private readonly ctx: CreditContext) {
    const shapes = ctx.network.shapes;
    this.ready = new TransitionBuffer(shapes);
    this.pool = new PairPool(shapes);
    this.rows = emptyPairRows(shapes);
    // The pair streams derive from the agent's seed, apart from its own RNG stream.
    const est = ctx.learner.estimator;
    this.noise = new PairedNoise(pairEpisodeSeed(ctx.options.seed, 0x7fffffff, 0x5eed), est.pairNoise !== 'common');
    ctx.network.uniformSource = this.noise.source;
    if (est.perturbation) {
      this.perturbation = est.perturbation;
      this.perturbationBase = pairEpisodeSeed(ctx.options.seed, 0x7ffffffe, 0xd1ec);
      ctx.network.rowPerturbation = (row) => this.offsets[row];
    }
  }

  /** With a weight-perturbation estimator: its maths. */
  private readonly perturbation: WeightPerturbation | undefined;
  /** The seed the pair-episodes' directions derive from. */
  private readonly perturbationBase: number = 0;
  /** Per member: ±cΔ of its running episode (+ for member 2k, − for 2k + 1). */
  private offsets: Float32Array[] = [];
  /** The pair-episodes in the ready pool, in pool order. */
  private readonly perturbedPairs: PerturbedPair[] = [];

  /** The seed of the direction Δ of pair k's episode j. */
  private directionSeed(k: number, j: number): number {
    return pairEpisodeSeed(this.perturbationBase, k, j);
  }

  /** Member i's weights offset for its episode epIndex[i]: ±c times the pair-episode's Δ. */
  private perturbFor(i: number): void {
    const pert = this.perturbation;
    if (!pert) return;
    const v = (this.offsets[i] ??= new Float32Array(this.ctx.network.parameterCount));
    pert.direction(this.directionSeed(i >> 1, this.epIndex[i]!), v);
    const c = (i & 1 ? -1 : 1) * this.ctx.options.perturbationScale;
    for (let k = 0; k < v.length; k++) v[k] = c * v[k]!;
  }

  allocate(rows: number): void {
    this.noise.allocate(rows);
    this.pool.allocate(rows);
    this.records = this.ctx.network.allocRecords(rows);
    this.episodes = Array.from({ length: rows }, () => new TransitionBuffer(this.ctx.network.shapes));
    this.versions = Array.from({ length: rows }, () => []);
    this.epIndex = new Int32Array(rows);
    this.offsets = [];
    this.collect = new Uint8Array(rows);
    this.decided = Array.from({ length: Math.ceil(rows / 2) }, () => new Map<number, boolean>());
    this.openPairs = 0;
    this.closed = false;
    for (let i = 0; i < rows; i++) this.startEpisode(i);
  }

  reset(): void {
    for (const b of this.episodes) b.clear();
    for (const v of this.versions) v.length = 0;
    this.noise.restart();
    this.pool.clear();
    this.epIndex.fill(0);
    for (const m of this.decided) m.clear();
    this.openPairs = 0;
    this.closed = this.ready.rows >= this.ctx.options.batchSize;
    for (let i = 0; i < this.epIndex.length; i++) this.startEpisode(i);
  }

  /**
   * Member i starts its episode j = epIndex[i]. Under `'sync'` batching, whether the pair's episode
   * j is collected is decided once, when the first member starts it: yes while the pool is short of
   * `batchSize`; the other member then follows that decision, so the pool always pairs the members'
   * same episodes. Under `'pooled'` every episode is collected.
   */
  private startEpisode(i: number): void {
    this.perturbFor(i);
    if (this.ctx.options.batching === 'pooled') {
      this.collect[i] = 1;
      return;
    }
    const m = this.decided[i >> 1]!;
    const j = this.epIndex[i]!;
    let c = m.get(j);
    if (c === undefined) {
      c = !this.closed;
      m.set(j, c);
      if (c) this.openPairs += 1;
    } else m.delete(j);
    this.collect[i] = c ? 1 : 0;
  }

  /**
   * One step. Under `'sync'` batching (the default) the update is exactly on-policy, as in
   * `EpisodeCredit`, at the level of pair-episodes: once the pool holds `batchSize` rows, no new
   * pair-episode is collected, the update waits until every collected one has ended on both
   * members, and after it each member is collected again from its next episode on (the rest of a
   * running episode is dropped, and counted in {@link PairedEpisodeCredit.dropped}). Episodes are
   * chosen by start time, never by outcome. `'pooled'` keeps every episode and updates once the
   * pool is full, with rows of earlier weights (stated in `agents/options.ts`).
   */
  step(e: StepEvent): LearnEvent[] {
    const version = this.ctx.learner.updates;
    for (let i = 0; i < e.numEnvs; i++) {
      if (!this.collect[i]) {
        this.dropped += 1;
        continue;
      }
      this.episodes[i]!.pushRow(this.records, i, e.rewards[i]!, version);
      this.versions[i]!.push(version);
    }
    const critic = this.ctx.learner.critic;
    const { gamma } = this.ctx.options;
    const ended: number[] = [];
    for (let i = 0; i < e.numEnvs; i++) {
      if (!e.terminated[i] && !e.truncated[i]) continue;
      ended.push(i);
      if (this.collect[i]) {
        let bootstrap = 0;
        if (!e.terminated[i] && critic) {
          const fin = e.finalObservations?.[i];
          if (fin) bootstrap = this.ctx.valueOf(fin, 1)[0]!;
        }
        const buf = this.episodes[i]!;
        const G = rewardToGo(buf.values.view(), gamma, bootstrap);
        const before = this.ready.rows;
        const k = i >> 1;
        if (this.pool.add(i, buf, G, Int32Array.from(this.versions[i]!), this.ready, this.rows)) {
          // Both members' episodes entered the batch, member 2k first.
          const first = this.pool.lastFirstRows;
          this.readyEpisodes.push({ env: 2 * k, rows: first }, { env: 2 * k + 1, rows: this.ready.rows - before - first });
          if (this.perturbation) {
            // Both members have now finished their episode epIndex[i] of this pair.
            const [plus, minus] = this.pool.lastStartReturns;
            this.perturbedPairs.push({ seed: this.directionSeed(k, this.epIndex[i]!), plus, minus });
          }
          this.openPairs -= 1;
        }
      }
      this.versions[i]!.length = 0;
      this.noise.endEpisode(i);
    }
    const full = this.ready.rows >= this.ctx.options.batchSize;
    if (this.ctx.options.batching === 'pooled') {
      for (const i of ended) {
        this.epIndex[i]! += 1;
        this.startEpisode(i);
      }
      return full ? [this.updateFromPool()] : [];
    }
    if (full) this.closed = true;
    for (const i of ended) {
      this.epIndex[i]! += 1;
      this.startEpisode(i);
    }
    if (!this.closed || this.openPairs > 0) return [];
    const event = this.updateFromPool();
    this.closed = false;
    return [event];
  }

  /** One update from the ready pool, which it empties. */
  private updateFromPool(): LearnEvent {
    const event = this.ctx.learner.update(this.readyBatch());
    this.ready.clear();
    clearPairRows(this.rows);
    this.readyEpisodes.length = 0;
    this.perturbedPairs.length = 0;
    return event;
  }

  private readyBatch(): Batch {
    return {
      ...poolBatch(this.ready, this.readyEpisodes.slice()),
      pair: { partnerReturn: this.rows.partnerReturn.view(), coincide: this.rows.coincide.map((g) => g.view()), partnerH: this.rows.partnerH.map((g) => g.view()) },
      ...(this.perturbation ? { perturbed: this.perturbedPairs.slice() } : {}),
    };
  }
}
