/**
 * The CliffWalkingSlippery-v1 row of BENCHMARKS.md (issue 13): env steps until the mean return over
 * 100 consecutive training episodes is within 5 % of the optimal expected return (−64.709 by value
 * iteration; under the preset's step limit, if it sets one, the optimum under that limit), within
 * 300 000 steps, per estimator, with the env's preset; the final return and the regret to optimal.
 *
 * Run: `node dist/examples/cliffwalking-slippery.js [--seeds 10] [--first-seed 1]` (or `--from <compare folder>`)
 * @module
 */
import { pathToFileURL } from 'node:url';
import { seedsFromArgs } from './common.js';
import { fromArg, runTabularTask, type TabularTask } from './tabular.js';

/** The task. */
export const CLIFF_SLIPPERY: TabularTask = {
  env: 'CliffWalkingSlippery-v1',
  budget: 300_000,
  target: (optimum) => optimum - 0.05 * Math.abs(optimum),
  targetLabel: 'return ≥ 1.05·opt',
  estimators: ['reinforce-optimal', 'reinforce-critic', 'st', 'backprop'],
};

export async function main(): Promise<void> {
  await runTabularTask(CLIFF_SLIPPERY, seedsFromArgs(), fromArg());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
