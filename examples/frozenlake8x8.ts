/**
 * The FrozenLake8x8-v1 (slippery) row of BENCHMARKS.md (issue 13): env steps until the success rate
 * over 100 consecutive training episodes is within 0.03 of the optimum (0.91322, the exact success
 * probability of the best policy within the 200-step limit), within 1 000 000 steps, per
 * estimator, with the env's preset; the final success rate and the regret to optimal.
 *
 * Run: `node dist/examples/frozenlake8x8.js [--seeds 10] [--first-seed 1]` (or `--from <compare folder>`)
 * @module
 */
import { pathToFileURL } from 'node:url';
import { seedsFromArgs } from './common.js';
import { fromArg, runTabularTask, type TabularTask } from './tabular.js';

/** The task. */
export const FROZENLAKE_8X8: TabularTask = {
  env: 'FrozenLake8x8-v1',
  budget: 1_000_000,
  target: (optimum) => optimum - 0.03,
  targetLabel: 'success ≥ opt − 0.03',
  estimators: ['reinforce-optimal', 'reinforce-critic', 'st', 'backprop'],
};

export async function main(): Promise<void> {
  await runTabularTask(FROZENLAKE_8X8, seedsFromArgs(), fromArg());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
