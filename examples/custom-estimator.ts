/**
 * Writing a new estimator in one file: the maths, its running state, its fast path and its exact
 * rule, then one `registerEstimator` call. Once this module is loaded (`--import`), `train`,
 * `compare` and `diagnose` know the id like a built-in one:
 *
 *     npx rewardcast diagnose --import ./dist/examples/custom-estimator.js --estimators reinforce-optimal,reinforce-shared-eq7
 *     npx rewardcast train --import ./dist/examples/custom-estimator.js --env CartPole-v1 --estimator reinforce-shared-eq7
 *
 * Run it alone (`node dist/examples/custom-estimator.js`) for a short CartPole run and its exact
 * measurement next to the per-unit Eq. 7 estimator.
 *
 * ## The estimator: `reinforce-shared-eq7`
 *
 *     gᵢ = (hᵢ − pᵢ)·(R − L̄),   L̄ = Σᵢ E[(hᵢ − pᵢ)² R] / Σᵢ E[(hᵢ − pᵢ)²]   (one L̄ per layer)
 *
 * REINFORCE (Bengio, Léonard & Courville 2013, §3.1, Theorem 1) with one baseline shared by every
 * unit of a layer: the constant that minimises the *sum* of the layer's variances, Σᵢ Var gᵢ (set
 * the derivative of Σᵢ E[(hᵢ − pᵢ)²(R − L̄)²] to 0). Eq. 7 minimises each unit's variance with its
 * own constant, so per unit it can only do as well or better; the shared one needs one running
 * ratio per layer instead of per unit. The running ratio decays with c = `baselineDecay`, as Eq. 7's
 * does.
 *
 * Information used: `broadcast`. Each unit uses its own h, p and x and the broadcast R; L̄ is a
 * function of the layer's past batches, formed outside the unit like any running baseline.
 *
 * Unbiasedness: exact for any L̄ that does not depend on the current sample (§3.1), which holds
 * because a batch sees L̄ from before its own update; with the ideal constant (what `diagnose`
 * measures) it is unbiased to rounding. What breaks it: folding a batch into L̄ before forming that
 * batch's estimate.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  baselineFor,
  EQ7_INIT,
  hasEstimator,
  localEstimate,
  registerEstimator,
  reinforceRows,
  reinforceUpdate,
  tfjsReinforce,
  type Baseline,
  type BatchMoments,
  type Estimator,
  type ExactNetwork,
} from '../src/estimators/index.js';

/** The running shared ratio L̄ = num / den of one layer. */
export class SharedEq7Baseline implements Baseline {
  private num = EQ7_INIT;
  private den = EQ7_INIT;
  /** @param decay c, the weight of the old averages, in [0, 1) */
  constructor(readonly decay: number) {}
  value(): tf.Tensor2D {
    return tf.tensor2d([[this.num / this.den]]);
  }
  valueArray(): Float32Array {
    return Float32Array.of(this.num / this.den);
  }
  update(h: tf.Tensor2D, p: tf.Tensor2D, signal: tf.Tensor2D): void {
    const [e2, e2R] = tf.tidy(() => {
      const sq = tf.square(tf.sub(h, p));
      return [tf.mean(sq, 0).dataSync(), tf.mean(tf.mul(sq, signal), 0).dataSync()];
    });
    this.updateFromMoments({ signal: Number.NaN, e2: Float64Array.from(e2!), e2Signal: Float64Array.from(e2R!) });
  }
  updateFromMoments(m: BatchMoments): void {
    let num = 0;
    let den = 0;
    for (let i = 0; i < m.e2.length; i++) {
      num += m.e2Signal[i]!;
      den += m.e2[i]!;
    }
    this.num = this.decay * this.num + (1 - this.decay) * num;
    this.den = this.decay * this.den + (1 - this.decay) * den;
  }
  state(): Record<string, number[]> {
    return { num: [this.num], den: [this.den] };
  }
  load(state: Record<string, number[]>): void {
    const [num, den] = [state['num']?.[0], state['den']?.[0]];
    if (!Number.isFinite(num) || !Number.isFinite(den)) throw new RangeError(`SharedEq7Baseline.load: num and den must be one finite number each, got ${JSON.stringify(state)}`);
    this.num = num!;
    this.den = den!;
  }
  dispose(): void {}
}

/**
 * The ideal shared constant on one of diagnose's networks, for the hidden units and, separately,
 * the output unit (each layer has its own): Σ P·(zᵢ − pᵢ)²·R̄ / Σ P·(zᵢ − pᵢ)² summed over the layer.
 */
export function exactSharedEq7(net: ExactNetwork): Float64Array {
  const num = [0, 0];
  const den = [0, 0];
  for (let k = 0; k < net.rows; k++) {
    const w = net.prob[k]!;
    for (let i = 0; i < net.units; i++) {
      const e = ((k >> i) & 1) - net.unitP(k, i);
      const layer = i < net.n ? 0 : 1;
      num[layer] += w * e * e * net.reward[k]!;
      den[layer] += w * e * e;
    }
  }
  return Float64Array.from({ length: net.units }, (_, i) => (i < net.n ? num[0]! / den[0]! : num[1]! / den[1]!));
}

/** The estimator. */
export const reinforceSharedEq7: Estimator = {
  id: 'reinforce-shared-eq7',
  summary: 'REINFORCE with one variance-minimising baseline per layer (Eq. 7 pooled over the layer)',
  source: 'Bengio et al. 2013, §3.1, Theorem 1 and Eq. 7 (pooled over a layer)',
  information: 'broadcast',
  hiddenKind: 'binary',
  baseline: 'optimal',
  defaultHead: 'from-space',
  needsHidden: false,
  traces: false,
  createState: (ctx) => ({
    // The user's `baseline` option still wins; the default is this estimator's shared ratio.
    baselines: ctx.shapes.map((s) => (ctx.baseline === 'optimal' ? new SharedEq7Baseline(ctx.baselineDecay) : baselineFor(ctx.baseline).create(s.nOut, ctx.baselineDecay))),
    layers: ctx.shapes.map(() => undefined),
  }),
  hiddenGradient: localEstimate,
  // A shared baseline is one number, which `reinforceUpdate` takes as it is.
  fusedUpdate: reinforceUpdate,
  exact: {
    nets: ['one-layer', 'two-layer'],
    setup: (net) => {
      const baseline = exactSharedEq7(net);
      return { rule: reinforceRows(net, baseline), baseline };
    },
    tfjs: (net, t) => tfjsReinforce(t, tf.tensor2d(Float32Array.from(exactSharedEq7(net)), [1, net.units])),
    theory: { unbiased: true },
    note: 'reinforce-shared-eq7 (examples/custom-estimator.ts) pools Eq. 7 over each layer: unbiased, with per-unit variance at least Eq. 7’s.',
  },
};

// Registered once, however many times the module is imported.
if (!hasEstimator(reinforceSharedEq7.id)) registerEstimator(reinforceSharedEq7);

async function main(): Promise<void> {
  const { initBackend } = await import('../src/tensor/backend.js');
  const { runTraining } = await import('../src/train/loop.js');
  const { enumerateNet, exactGradient, measureEstimator, randomNet } = await import('../src/diagnose/index.js');
  await import('../envs/index.js');
  await initBackend();
  const returns: number[] = [];
  const run = await runTraining({
    env: 'CartPole-v1',
    numEnvs: 8,
    steps: 20_000,
    seed: 1,
    agent: { estimator: 'reinforce-shared-eq7', hidden: [32], learningRate: 0.03 },
    onEpisode: (e) => returns.push(e.return),
  });
  const last = returns.slice(-100);
  console.log(`CartPole-v1, 20 000 steps, seed 1: ${run.updates} updates, mean return of the last ${last.length} episodes ${(last.reduce((a, b) => a + b, 0) / last.length).toFixed(1)}`);
  run.agent.dispose();
  const en = enumerateNet(randomNet('one-layer', 8, 1));
  const g = exactGradient(en);
  for (const id of ['reinforce-optimal', 'reinforce-shared-eq7']) {
    const m = measureEstimator(en, id, g);
    console.log(`${id}: relative bias ${m.relBias.toExponential(1)}, SNR ${m.snr.toFixed(3)} (one-layer network, n = 8, seed 1)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
