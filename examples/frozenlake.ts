/**
 * The FrozenLake-v1 (4x4, slippery) row of BENCHMARKS.md: env steps until the success rate over
 * 100 consecutive episodes reaches 0.70 (Gymnasium's reward threshold), within 200 000 steps, per
 * estimator, with the env's preset; and the success rate of the last 100 episodes.
 *
 * Run: `node dist/examples/frozenlake.js [--seeds 10] [--first-seed 1]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import { preset, seedsFromArgs, summarise, trainUntil } from './common.js';

const ENV = 'FrozenLake-v1';
const BUDGET = 200_000;
const ESTIMATORS = ['reinforce-critic', 'reinforce-optimal', 'st', 'backprop'] as const;

export async function main(): Promise<void> {
  const seeds = seedsFromArgs();
  for (const estimator of ESTIMATORS) {
    const { numEnvs, agent } = preset(ENV, estimator);
    const steps: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      const r = await trainUntil({ env: ENV, seed, steps: BUDGET, agent, numEnvs, thresholds: [0.7] });
      steps.push(r.reached[0] ?? BUDGET);
    }
    summarise(`${estimator}: steps to success ≥ 0.70`, steps, BUDGET);
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, options ${JSON.stringify(agent)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
