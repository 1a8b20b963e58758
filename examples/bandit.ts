/**
 * The 10-armed Bernoulli bandit row of BENCHMARKS.md: after 2 000 pulls, the fraction of the last
 * 100 pulls (1 901–2 000) that chose the optimal arm, per estimator, with the env's preset. The
 * arm means are drawn p_i ~ U(0, 1) from the seed, so each seed is a different bandit; the gap
 * between the two best arms is printed, since below ~0.02 no learner can tell them apart in 2 000
 * pulls.
 *
 * Run: `node dist/examples/bandit.js [--seeds 10] [--first-seed 1]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import { make } from '../src/core/registry.js';
import { SyncVectorEnv, type VectorEnv } from '../src/core/vector.js';
import { runTraining } from '../src/train/loop.js';
import { initBackend } from '../src/tensor/backend.js';
import { preset, seedsFromArgs, summarise } from './common.js';

const ENV = 'BernoulliBandit-v0';
const PULLS = 2_000;
const LAST = 100;
const ESTIMATORS = ['reinforce-optimal', 'reinforce-critic', 'st', 'backprop'] as const;

/** A vector env that also records, for every pull, whether it chose the optimal arm (`info.optimal`). */
function recording(numEnvs: number, optimal: number[]): VectorEnv {
  const inner = new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => make(ENV)), { autoresetMode: 'same-step' });
  const step = inner.step.bind(inner);
  inner.step = (actions) => {
    const r = step(actions);
    for (const info of r.info.infos) optimal.push(info['optimal'] ? 1 : 0);
    return r;
  };
  return inner;
}

/** The gap between the two best arm means of a seed's bandit. */
function gap(seed: number): number {
  const means = [...(make(ENV).reset({ seed }).info['means'] as number[])].sort((a, b) => b - a);
  return means[0]! - means[1]!;
}

export async function main(): Promise<void> {
  await initBackend(undefined, () => {});
  const seeds = seedsFromArgs();
  console.log(`top-two gaps: ${seeds.map((s) => gap(s).toFixed(3)).join(' ')}`);
  for (const estimator of ESTIMATORS) {
    const { numEnvs, agent } = preset(ENV, estimator);
    const fractions: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      const optimal: number[] = [];
      const r = await runTraining({ env: ENV, seed, steps: PULLS, numEnvs, agent, vectorEnv: (n) => recording(n, optimal) });
      r.agent.dispose();
      fractions.push(optimal.slice(-LAST).reduce((a, b) => a + b, 0) / LAST);
    }
    summarise(`${estimator}: optimal pulls 1901–2000`, fractions);
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, options ${JSON.stringify(agent)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
