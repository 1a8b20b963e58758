/**
 * Shared by the benchmark examples (cartpole.ts, bandit.ts, frozenlake.ts, cliffwalking.ts):
 * command-line seeds, a training run that stops once a moving average reaches a threshold, and
 * the one-line summary each prints (median, 95 % stratified-bootstrap CI, IQM, per-seed values).
 *
 * @module
 */
import type { AgentOptions } from '../agents/agent.js';
import '../envs/index.js';
import type { EnvKwargs } from '../src/core/registry.js';
import { iqm, median, stratifiedBootstrapCI } from '../src/stats/index.js';
import { initBackend } from '../src/tensor/backend.js';
import { presetAgentOptions, presetFor } from '../src/train/presets.js';
import { runTraining, type LoopResult } from '../src/train/loop.js';

/** `--seeds N` (default 10) and `--first-seed S` (default 1): the seeds S … S + N − 1. */
export function seedsFromArgs(argv: readonly string[] = process.argv.slice(2)): number[] {
  const arg = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${JSON.stringify(argv[i + 1])}`);
    return v;
  };
  const n = arg('--seeds', 10);
  const first = arg('--first-seed', 1);
  return Array.from({ length: n }, (_, k) => first + k);
}

/** The env's preset options for an estimator (src/train/presets.ts), as `rewardcast train` uses them. */
export function preset(env: string, estimator: NonNullable<AgentOptions['estimator']>): { numEnvs: number; agent: AgentOptions } {
  const p = presetFor(env);
  return { numEnvs: p.numEnvs ?? 8, agent: { ...presetAgentOptions(p, estimator), estimator } };
}

/** What {@link trainUntil} returns. */
export interface UntilResult {
  /** Env step at which the mean of the last `window` episode returns first reached each threshold, or null. */
  readonly reached: (number | null)[];
  /** The run (its agent is disposed unless `keepAgent`). */
  readonly run: LoopResult;
  /** Mean return of the last `window` episodes at the end. */
  readonly finalMean: number;
}

/**
 * Trains with `runTraining` until the mean return over `window` consecutive episodes reaches the
 * last (highest) of `thresholds`, or `steps` env steps have run. Gymnasium's "solved" rule is one
 * threshold with window 100.
 */
export async function trainUntil(o: {
  env: string;
  seed: number;
  steps: number;
  agent: AgentOptions;
  numEnvs: number;
  thresholds: readonly number[];
  window?: number;
  envKwargs?: EnvKwargs;
  keepAgent?: boolean;
}): Promise<UntilResult> {
  await initBackend(undefined, () => {});
  const window = o.window ?? 100;
  const ring: number[] = [];
  let sum = 0;
  const reached: (number | null)[] = o.thresholds.map(() => null);
  const stop = new AbortController();
  const run = await runTraining({
    env: o.env,
    seed: o.seed,
    steps: o.steps,
    numEnvs: o.numEnvs,
    agent: o.agent,
    ...(o.envKwargs ? { envKwargs: o.envKwargs } : {}),
    signal: stop.signal,
    yieldEveryMs: 20,
    onEpisode: (e) => {
      ring.push(e.return);
      sum += e.return;
      if (ring.length > window) sum -= ring.shift()!;
      if (ring.length < window) return;
      o.thresholds.forEach((t, k) => {
        if (reached[k] === null && sum / window >= t) reached[k] = e.envSteps;
      });
      if (reached[reached.length - 1] !== null) stop.abort();
    },
  });
  if (!o.keepAgent) run.agent.dispose();
  return { reached, run, finalMean: ring.length ? sum / ring.length : Number.NaN };
}

/**
 * Prints one cell: median and its 95 % stratified-bootstrap percentile CI over seeds, the IQM and
 * the per-seed values. `censoredAt`: values equal to it are runs that never reached the target
 * (counted at the budget, so the median and CI are lower bounds when such runs are many) and
 * shown with a `>`.
 */
export function summarise(label: string, values: readonly number[], censoredAt?: number): { median: number; lo: number; hi: number; iqm: number } {
  const ci = stratifiedBootstrapCI(values, median, { rng: 0, reps: 2000 });
  const q = iqm(values);
  const fmt = (v: number): string => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 1000) / 1000));
  const seeds = values.map((v) => (v === censoredAt ? `>${fmt(v)}` : fmt(v))).join(' ');
  console.log(`${label.padEnd(34)} median ${fmt(ci.point)}  95% CI [${fmt(ci.lo)}, ${fmt(ci.hi)}]  IQM ${fmt(q)}  seeds: ${seeds}`);
  return { median: ci.point, lo: ci.lo, hi: ci.hi, iqm: q };
}
