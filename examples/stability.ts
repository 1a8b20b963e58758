/**
 * The stability rows of BENCHMARKS.md: does a solve last, and is every update on-policy? For each
 * estimator and seed, one run of the env's preset for the full budget (no early stop), reporting
 * the final-100 return at the budget, the first env step where the 100-episode mean reached the
 * env's reward threshold, the share of 100-episode windows after that which stay at or above it
 * (`stayedSolved`), and the off-policy share of the update rows with the share of env steps
 * dropped unused.
 *
 *     node dist/examples/stability.js --env CartPole-v1 --estimators reinforce-optimal,reinforce-critic,backprop --seeds 10 --steps 300000
 *     node dist/examples/stability.js --env CartPole-v1 --batching pooled   # the old batching, for comparison
 *
 * Prints one JSON line per run, then per estimator: seeds whose final-100 return is at or above
 * the threshold, the median final-100 return with its 95 % stratified-bootstrap CI, the median
 * steps to the threshold over the seeds that reached it, and the median stayed-solved share.
 *
 * @module
 */
import type { AgentOptions } from '../agents/agent.js';
import { spec } from '../src/core/registry.js';
import { finalReturn, median, stayedSolved, stepsToThreshold, stratifiedBootstrapCI, type Episode } from '../src/stats/index.js';
import { initBackend } from '../src/tensor/backend.js';
import { runTraining } from '../src/train/loop.js';
import { presetFor } from '../src/train/presets.js';
import { preset, seedsFromArgs } from './common.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
};
const env = flag('--env', 'CartPole-v1');
const estimators = flag('--estimators', 'reinforce-optimal,reinforce-critic,backprop').split(',') as NonNullable<AgentOptions['estimator']>[];
const p = presetFor(env);
const steps = Number(flag('--steps', String(p.steps ?? 100_000)));
const batching = flag('--batching', 'sync');
if (!Number.isInteger(steps) || steps <= 0) throw new RangeError(`--steps must be a positive integer, got ${JSON.stringify(flag('--steps', ''))}`);
if (batching !== 'sync' && batching !== 'pooled') throw new RangeError(`--batching must be sync or pooled, got ${JSON.stringify(batching)}`);
const seeds = seedsFromArgs(argv);
const threshold = spec(env).rewardThreshold ?? null;

await initBackend(undefined, () => {});
const fmt = (x: number | null, d = 1): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
for (const estimator of estimators) {
  const { numEnvs, agent } = preset(env, estimator);
  const finals: number[] = [];
  const solved: number[] = [];
  const stayed: number[] = [];
  let offRows = 0;
  let rows = 0;
  for (const seed of seeds) {
    const eps: Episode[] = [];
    const r = await runTraining({ env, numEnvs, steps, seed, agent: { ...agent, batching }, ...(p.envKwargs ? { envKwargs: p.envKwargs } : {}), onEpisode: (e) => eps.push({ step: e.envSteps, return: e.return }) });
    const st = r.agent.rowStats;
    r.agent.dispose();
    const final = finalReturn(eps);
    const reach = threshold === null ? null : stepsToThreshold(eps, threshold);
    const share = reach?.reached ? stayedSolved(eps, threshold!).share : null;
    finals.push(final);
    if (reach?.reached) solved.push(reach.step);
    if (share !== null) stayed.push(share);
    offRows += st.offPolicy;
    rows += st.rows;
    console.log(JSON.stringify({ env, estimator, batching, seed, steps, final100: Number(final.toFixed(2)), solvedAt: reach?.reached ? reach.step : null, stayedSolved: share, offPolicyShare: st.rows ? st.offPolicy / st.rows : null, droppedShare: st.dropped / r.envSteps, updates: r.updates }));
  }
  const ci = stratifiedBootstrapCI(finals, median, { rng: 0, reps: 2000 });
  const above = threshold === null ? '' : `final ≥ ${threshold}: ${finals.filter((f) => f >= threshold).length}/${finals.length}; `;
  console.log(
    `${env} ${estimator} (${batching}, ${steps} steps, seeds ${seeds[0]}–${seeds.at(-1)}): ${above}final-100 median ${fmt(ci.point)} [${fmt(ci.lo)}, ${fmt(ci.hi)}]; ` +
      `solved ${solved.length}/${seeds.length}, median at ${solved.length ? median(solved) : '—'}; stayed solved median ${stayed.length ? fmt(median(stayed), 2) : '—'}; off-policy share ${fmt(rows ? offRows / rows : null, 3)}`,
  );
}
