/**
 * The MountainCar-v0 row of BENCHMARKS.md (issue 13): env steps until the mean of the env's own
 * return over 100 consecutive training episodes reaches −110 (Gymnasium's reward threshold), within
 * 1 000 000 steps, per estimator, with the env's preset plus the explicit shaping wrapper
 * ({@link SHAPING}: the `mountain-car-energy` potential at scale 20, `src/core/shaping.ts`; the same
 * as `--shaping mountain-car-energy --shaping-scale 20`), and the preset alone (the preset never
 * shapes), so that the table shows what shaping buys. Recorded returns are never shaped.
 *
 * Run: `node dist/examples/mountaincar.js [--seeds 10] [--first-seed 1] [--only reinforce-critic]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { EstimatorId } from '../src/estimators/index.js';
import { presetFor } from '../src/train/presets.js';
import { preset, seedsFromArgs, summarise, trainUntil } from './common.js';

const ENV = 'MountainCar-v0';
const BUDGET = 1_000_000;
const TARGET = -110;

/** The shaping the MountainCar-v0 row asks for explicitly (`--shaping mountain-car-energy --shaping-scale 20`). */
export const SHAPING = { potential: 'mountain-car-energy', scale: 20 } as const;

/** The rows: an estimator, with the explicit shaping or without it. */
const ROWS: readonly { readonly estimator: EstimatorId; readonly shaped: boolean }[] = [
  { estimator: 'reinforce-critic', shaped: true },
  { estimator: 'reinforce-critic', shaped: false },
  { estimator: 'st', shaped: true },
  { estimator: 'backprop', shaped: true },
];

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const seeds = seedsFromArgs(argv);
  const i = argv.indexOf('--only');
  const only = i >= 0 ? argv[i + 1] : undefined;
  const unshaped = presetFor(ENV).envKwargs ?? {};
  for (const row of ROWS.filter((r) => only === undefined || r.estimator === only)) {
    const { numEnvs, agent } = preset(ENV, row.estimator);
    const envKwargs = row.shaped ? { ...unshaped, rewardShaping: SHAPING } : unshaped;
    const steps: number[] = [];
    const finals: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      const r = await trainUntil({ env: ENV, seed, steps: BUDGET, agent, numEnvs, envKwargs, thresholds: [TARGET] });
      steps.push(r.reached[0] ?? BUDGET);
      finals.push(r.finalMean);
    }
    const label = `${row.estimator}${row.shaped ? ' (shaped)' : ' (no shaping)'}`;
    summarise(`${label}: steps to mean-100 ≥ −110`, steps, BUDGET);
    console.log(`  reached −110 on ${steps.filter((s) => s < BUDGET).length}/${seeds.length} seeds; mean-100 when the run stopped (at its next yield after reaching −110, or at the budget): ${finals.map((f) => f.toFixed(1)).join(' ')}`);
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, numEnvs ${numEnvs}, envKwargs ${JSON.stringify(envKwargs)}, options ${JSON.stringify(agent)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
