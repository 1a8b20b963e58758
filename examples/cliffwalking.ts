/**
 * The CliffWalking-v1 row of BENCHMARKS.md: the greedy return after 100 000 env steps of training,
 * per estimator, with the env's preset. −13 is the optimal path (along the cliff edge); −17 the
 * safe path along the top row; −100 a greedy policy that never reaches the goal in 100 steps.
 *
 * Gymnasium registers CliffWalking-v1 without a step limit, and a fall into the cliff does not end
 * the episode, so training episodes are cut at 200 steps (`envKwargs: { maxEpisodeSteps: 200 }`).
 * The greedy return is measured with `agent.act(obs, { greedy: true })` on a fresh env, cut at 100.
 *
 * Run: `node dist/examples/cliffwalking.js [--seeds 10] [--first-seed 1]`
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { BroadcastAgent } from '../agents/agent.js';
import { make } from '../src/core/registry.js';
import { preset, seedsFromArgs, summarise, trainUntil } from './common.js';

const ENV = 'CliffWalking-v1';
const STEPS = 100_000;
const TRAIN_LIMIT = 200;
const EVAL_LIMIT = 100;
const ESTIMATORS = ['reinforce-optimal', 'reinforce-critic', 'st', 'backprop'] as const;

/** The undiscounted return of one episode of the greedy policy (deterministic env, so one is enough). */
export function greedyReturn(agent: BroadcastAgent, limit = EVAL_LIMIT): number {
  const env = make<number, number>(ENV, { maxEpisodeSteps: limit });
  let { observation } = env.reset({ seed: 0 });
  let total = 0;
  for (;;) {
    const step = env.step(agent.act([observation], { greedy: true })[0]!);
    total += step.reward;
    observation = step.observation;
    if (step.terminated || step.truncated) break;
  }
  env.close();
  return total;
}

export async function main(): Promise<void> {
  const seeds = seedsFromArgs();
  for (const estimator of ESTIMATORS) {
    const { numEnvs, agent } = preset(ENV, estimator);
    const returns: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      const r = await trainUntil({ env: ENV, seed, steps: STEPS, agent, numEnvs, thresholds: [Infinity], envKwargs: { maxEpisodeSteps: TRAIN_LIMIT }, keepAgent: true });
      returns.push(greedyReturn(r.run.agent));
      r.run.agent.dispose();
    }
    summarise(`${estimator}: greedy return at 100k`, returns);
    console.log(`  (${seeds.length} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s, optimal (−13) on ${returns.filter((v) => v === -13).length}/${seeds.length}, options ${JSON.stringify(agent)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
