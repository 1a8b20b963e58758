/**
 * The Acrobot-v1 row of BENCHMARKS.md (issue 13): env steps until the mean return over 100
 * consecutive episodes reaches −100 (Gymnasium's reward threshold), within 300 000 steps, per
 * estimator, with the env's preset; the median over seeds with its 95 % stratified-bootstrap CI,
 * and how many seeds reached it.
 *
 * Run: `node dist/examples/acrobot.js [--seeds 10] [--first-seed 1] [--estimators reinforce-critic,st]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { AgentOptions } from '../agents/agent.js';
import { preset, seedsFromArgs, summarise, trainUntil } from './common.js';

const ENV = 'Acrobot-v1';
const BUDGET = 300_000;
const THRESHOLD = -100;
/** The estimators of the row: the two that reach the target, the child-message rules, and the references. */
const ESTIMATORS = ['reinforce-critic', 'node-perturbation', 'weight-max', 'hnca', 'st', 'backprop'] as const;

/** `--estimators a,b` (default {@link ESTIMATORS}). */
function estimatorsFromArgs(argv: readonly string[] = process.argv.slice(2)): NonNullable<AgentOptions['estimator']>[] {
  const i = argv.indexOf('--estimators');
  if (i < 0) return [...ESTIMATORS];
  const list = (argv[i + 1] ?? '').split(',').filter((s) => s.length > 0);
  if (list.length === 0) throw new RangeError(`--estimators must be a comma-separated list of estimator ids, got ${JSON.stringify(argv[i + 1])}`);
  return list as NonNullable<AgentOptions['estimator']>[];
}

export async function main(): Promise<void> {
  const seeds = seedsFromArgs();
  for (const estimator of estimatorsFromArgs()) {
    const { numEnvs, agent } = preset(ENV, estimator);
    const steps: number[] = [];
    const finals: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      const r = await trainUntil({ env: ENV, seed, steps: BUDGET, agent, numEnvs, thresholds: [THRESHOLD] });
      steps.push(r.reached[0] ?? BUDGET);
      if (r.reached[0] === null) finals.push(r.finalMean);
    }
    summarise(`${estimator}: steps to mean-100 ≥ ${THRESHOLD}`, steps, BUDGET);
    const solved = steps.filter((s) => s < BUDGET).length;
    const unsolved = finals.length ? `; final mean-100 of the others: ${finals.map((f) => f.toFixed(1)).join(' ')}` : '';
    console.log(`  solved ${solved}/${seeds.length} within ${BUDGET.toLocaleString('en-US')} steps${unsolved}`);
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, options ${JSON.stringify({ numEnvs, ...agent })})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
