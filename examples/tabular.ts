/**
 * Shared by the tabular rows of issue 13 in BENCHMARKS.md (frozenlake.ts, taxi.ts, frozenlake8x8.ts,
 * cliffwalking-slippery.ts): per estimator, with the env's preset and over the whole budget,
 * - the env steps until the mean return over 100 consecutive training episodes first reaches the
 *   target (censored at the budget when it never does), with median, 95 % stratified-bootstrap CI
 *   and the count of seeds that reach it;
 * - the final return (mean of the last 100 episodes at the budget), and the regret to optimal: the
 *   exact optimal expected return (`src/optimum`, under the preset's step limit) minus it.
 *
 *
 * With `--from <compare folder>` the same numbers are read from a `rewardcast compare` folder of
 * the task's env (its runs' `episodes.csv`) instead of training again, so the BENCHMARKS row and
 * its plot come from the same runs.
 *
 * @module
 */
import type { AgentOptions } from '../agents/agent.js';
import { envOptimum } from '../src/optimum/index.js';
import { readCompareFolder } from '../src/train/folders.js';
import { presetFor } from '../src/train/presets.js';
import { preset, summarise, trainUntil } from './common.js';

/** The env step at which the mean of `window` consecutive returns first reaches `target` (null if never), and the mean of the last `window`. */
export function measureEpisodes(episodes: readonly { readonly globalStep: number; readonly return: number }[], target: number, window = 100): { reached: number | null; final: number } {
  let sum = 0;
  let reached: number | null = null;
  episodes.forEach((e, i) => {
    sum += e.return;
    if (i >= window) sum -= episodes[i - window]!.return;
    if (reached === null && i + 1 >= window && sum / window >= target) reached = e.globalStep;
  });
  const n = Math.min(window, episodes.length);
  return { reached, final: n ? sum / n : Number.NaN };
}

/** `--from <dir>`, or undefined. */
export function fromArg(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf('--from');
  if (i < 0) return undefined;
  const dir = argv[i + 1];
  if (dir === undefined || dir.startsWith('--')) throw new RangeError(`--from must name a compare folder, got ${JSON.stringify(dir)}`);
  return dir;
}

/** One tabular task: an env, its budget, and the target a 100-episode mean must reach. */
export interface TabularTask {
  /** Registered env id. */
  readonly env: string;
  /** Env steps per run. */
  readonly budget: number;
  /** The target, in return units, given the exact optimum (for example `opt − 0.03`). */
  readonly target: (optimum: number) => number;
  /** How the target is stated, for the output. */
  readonly targetLabel: string;
  /** Estimators, the chosen one first. */
  readonly estimators: readonly NonNullable<AgentOptions['estimator']>[];
  /** A further fixed target whose steps are reported too (FrozenLake-v1: Gymnasium's threshold 0.70). */
  readonly alsoTarget?: { readonly value: number; readonly label: string };
}

/** What one estimator measured. */
export interface TabularRow {
  readonly estimator: string;
  /** Per seed: env steps to the target, or the budget when never reached. */
  readonly steps: number[];
  /** Per seed: mean return of the last 100 episodes at the budget. */
  readonly final: number[];
  /** Per seed: optimum − final. */
  readonly regret: number[];
  /** Seeds that reached the target. */
  readonly reached: number;
}

/** The exact optimum of `env` under its preset's step limit (the value `compare` draws as the dashed line). */
export function presetOptimum(env: string): number {
  const o = envOptimum(env, { envKwargs: presetFor(env).envKwargs ?? {} });
  if (o.kind !== 'exact') throw new Error(`${env} has no exact optimum: ${o.reason}`);
  return o.value;
}

/** Prints one estimator's summaries and returns its row. */
function report(task: TabularTask, estimator: string, optimum: number, steps: number[], final: number[], extra: string, also?: number[]): TabularRow {
  if (task.alsoTarget && also) {
    summarise(`${estimator}: steps to ${task.alsoTarget.label}`, also, task.budget);
    console.log(`  (reached ${also.filter((s) => s < task.budget).length}/${also.length})`);
  }
  const regret = final.map((f) => optimum - f);
  const reached = steps.filter((s) => s < task.budget).length;
  summarise(`${estimator}: steps to ${task.targetLabel}`, steps, task.budget);
  summarise(`${estimator}: final-100 return`, final);
  summarise(`${estimator}: regret to optimal`, regret);
  console.log(`  (reached ${reached}/${steps.length}${extra})`);
  return { estimator, steps, final, regret, reached };
}

/** The task's summaries from the runs of a compare folder of its env (see the module doc). */
export function tabularTaskFromFolder(task: TabularTask, dir: string): TabularRow[] {
  const folder = readCompareFolder(dir);
  const c = folder.meta.config;
  if (c.env !== task.env) throw new RangeError(`--from ${dir}: a comparison of ${c.env}, not ${task.env}`);
  if (c.steps !== task.budget) throw new RangeError(`--from ${dir}: ${c.steps} steps per run, not the task's ${task.budget}`);
  const optimum = presetOptimum(task.env);
  const target = task.target(optimum);
  console.log(`${task.env} (from ${dir}): optimum ${optimum.toPrecision(6)}; target ${task.targetLabel} = ${target.toPrecision(6)} within ${task.budget.toLocaleString('en-US')} steps; seeds 1..${c.seeds}`);
  const rows: TabularRow[] = [];
  for (const [estimator, runs] of folder.runs) {
    const m = runs.map((r) => measureEpisodes(r.episodes, target));
    const also = task.alsoTarget ? runs.map((r) => measureEpisodes(r.episodes, task.alsoTarget!.value).reached ?? task.budget) : undefined;
    rows.push(report(task, estimator, optimum, m.map((x) => x.reached ?? task.budget), m.map((x) => x.final), `, ${runs.length} finished runs`, also));
  }
  return rows;
}

/** Runs every estimator of `task` on `seeds` and prints the summaries (see the module doc); with `from`, reads a compare folder instead. */
export async function runTabularTask(task: TabularTask, seeds: readonly number[], from?: string): Promise<TabularRow[]> {
  if (from !== undefined) return tabularTaskFromFolder(task, from);
  const optimum = presetOptimum(task.env);
  const target = task.target(optimum);
  const envKwargs = presetFor(task.env).envKwargs;
  console.log(`${task.env}: optimum ${optimum.toPrecision(6)}; target ${task.targetLabel} = ${target.toPrecision(6)} within ${task.budget.toLocaleString('en-US')} steps; seeds ${seeds.join(',')}`);
  const rows: TabularRow[] = [];
  for (const estimator of task.estimators) {
    const { numEnvs, agent } = preset(task.env, estimator);
    const steps: number[] = [];
    const final: number[] = [];
    const also: number[] = [];
    const t0 = performance.now();
    for (const seed of seeds) {
      // [target, Infinity]: note when the target is reached, but train for the whole budget.
      const thresholds = [target, ...(task.alsoTarget ? [task.alsoTarget.value] : []), Infinity];
      const r = await trainUntil({ env: task.env, seed, steps: task.budget, agent, numEnvs, thresholds, ...(envKwargs ? { envKwargs } : {}) });
      steps.push(r.reached[0] ?? task.budget);
      if (task.alsoTarget) also.push(r.reached[1] ?? task.budget);
      final.push(r.finalMean);
    }
    rows.push(report(task, estimator, optimum, steps, final, `, ${((performance.now() - t0) / 1000).toFixed(0)} s, options ${JSON.stringify(agent)}`, task.alsoTarget ? also : undefined));
  }
  return rows;
}
