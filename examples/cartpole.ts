/**
 * The CartPole-v1 row of BENCHMARKS.md: env steps until the mean return over 100 consecutive
 * episodes reaches 475 (Gymnasium's "solved"), per estimator, with the env's preset.
 *
 * Run: `node dist/examples/cartpole.js [--seeds 10] [--first-seed 1]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import { preset, seedsFromArgs, summarise, trainUntil } from './common.js';

const ENV = 'CartPole-v1';

/** Estimator, step budget, and the thresholds whose first crossing is reported. */
const CELLS = [
  { estimator: 'reinforce-critic', steps: 500_000, thresholds: [475] },
  { estimator: 'reinforce-optimal', steps: 1_000_000, thresholds: [400, 475] },
  { estimator: 'st', steps: 500_000, thresholds: [475] },
  { estimator: 'backprop', steps: 500_000, thresholds: [475] },
] as const;

export async function main(): Promise<void> {
  const seeds = seedsFromArgs();
  for (const cell of CELLS) {
    const { numEnvs, agent } = preset(ENV, cell.estimator);
    const found: number[][] = cell.thresholds.map(() => []);
    const t0 = performance.now();
    for (const seed of seeds) {
      const r = await trainUntil({ env: ENV, seed, steps: cell.steps, agent, numEnvs, thresholds: cell.thresholds });
      r.reached.forEach((s, k) => found[k]!.push(s ?? cell.steps));
    }
    cell.thresholds.forEach((t, k) => summarise(`${cell.estimator}: steps to mean-100 ≥ ${t}`, found[k]!, cell.steps));
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, options ${JSON.stringify(agent)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
