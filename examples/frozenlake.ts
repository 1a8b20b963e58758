/**
 * The FrozenLake-v1 (4x4, slippery) rows of BENCHMARKS.md: env steps until the success rate over
 * 100 consecutive episodes reaches 0.70 (Gymnasium's reward threshold), and until it is within
 * 0.03 of the optimum (0.74419, the exact success probability of the best policy within the
 * 100-step limit; issue 13), within 200 000 steps, per estimator, with the env's preset; the final
 * success rate and the regret to optimal.
 *
 * Run: `node dist/examples/frozenlake.js [--seeds 10] [--first-seed 1]` (or `--from <compare folder>`)
 * @module
 */
import { pathToFileURL } from 'node:url';
import { seedsFromArgs } from './common.js';
import { fromArg, runTabularTask, type TabularTask } from './tabular.js';

/** The task. */
export const FROZENLAKE: TabularTask = {
  env: 'FrozenLake-v1',
  budget: 200_000,
  target: (optimum) => optimum - 0.03,
  targetLabel: 'success ≥ opt − 0.03',
  alsoTarget: { value: 0.7, label: 'success ≥ 0.70' },
  estimators: ['reinforce-optimal', 'reinforce-critic', 'st', 'backprop'],
};

export async function main(): Promise<void> {
  await runTabularTask(FROZENLAKE, seedsFromArgs(), fromArg());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
