/**
 * The Taxi-v3 row of BENCHMARKS.md (issue 13): env steps until the mean return over 100 consecutive
 * training episodes reaches 8 (Gymnasium's reward threshold), within 1 000 000 steps, per
 * estimator, with the env's preset; the final return and the regret to optimal.
 *
 * The exact optimum under the 200-step limit is 7.93 (`rewardcast envs --optimum`), below 8: no
 * policy reaches 8 in expectation, so the target is met only by a 100-episode mean above its
 * expectation (at the optimum the return's standard deviation over start states is 2.59, so a
 * window mean of a near-optimal policy is ≥ 8 with probability ≈ 0.39).
 *
 * Run: `node dist/examples/taxi.js [--seeds 10] [--first-seed 1]` (or `--from <compare folder>`)
 * @module
 */
import { pathToFileURL } from 'node:url';
import { seedsFromArgs } from './common.js';
import { fromArg, runTabularTask, type TabularTask } from './tabular.js';

/** The task. */
export const TAXI: TabularTask = {
  env: 'Taxi-v3',
  budget: 1_000_000,
  target: () => 8,
  targetLabel: 'return ≥ 8',
  estimators: ['reinforce-critic', 'reinforce-optimal', 'st', 'backprop'],
};

export async function main(): Promise<void> {
  await runTabularTask(TAXI, seedsFromArgs(), fromArg());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
