/**
 * The optimum in a comparison's statistics, charts and report: the values `src/train/report.ts`
 * and `src/plot/learning-curves.ts` pass through, computed here.
 *
 * - **The optimum of a comparison** ({@link optimumStats}): per seed, the exact optimum of that
 *   seed's run (`./optimum.ts`: the same for every seed on a tabular env, per instance on a
 *   bandit), under the run's step limit and env kwargs; the chart's dashed "optimal" line is their
 *   mean over the seeds.
 * - **Regret to optimal** of a run ({@link runRegret}): its seed's optimum minus its final return
 *   (the mean return of its last 100 episodes), in return units; ≥ 0 up to the noise of those 100
 *   episodes (a run can score above the optimum by chance, so single runs may be slightly negative).
 *   The comparison aggregates it per estimator like the final return: IQM over seeds with a
 *   stratified-bootstrap interval. For a tabular env this is the optimum minus the IQM of the final
 *   returns; for bandits each run is measured against its own instance.
 *
 * The optimum is over time-dependent policies; `stationary` is what a policy of the state alone
 * provably reaches (see `./value-iteration.ts`). The regret is measured against the optimum.
 * @module
 */
import type { EnvKwargs } from '../core/registry.js';
import { seedsOptimum } from './optimum.js';

/** The optimum of a comparison, as stored in `stats.json`. */
export type OptimumStats =
  | {
      readonly kind: 'exact';
      /** The mean over the seeds of their optima (the chart's line). */
      readonly value: number;
      /** The optimum of each seed's run. */
      readonly perSeed: readonly { readonly seed: number; readonly value: number }[];
      /** What a stationary policy provably reaches (for the first seed; all seeds on a tabular env). */
      readonly stationary: number;
      /** The step limit it is taken under; null when none. */
      readonly horizon: number | null;
      /** How it was computed. */
      readonly method: string;
      /** Whether it differs between seeds (bandits). */
      readonly perInstance: boolean;
    }
  | {
      readonly kind: 'unavailable';
      /** Why there is none. */
      readonly reason: string;
    };

/** What {@link optimumStats} needs of a comparison's config. */
export interface OptimumConfig {
  readonly env: string;
  readonly numEnvs: number;
  readonly envKwargs?: EnvKwargs | undefined;
}

/**
 * The optimum of every seed of a comparison (see the module doc). Never throws: an env that is not
 * registered in this process, or any other failure, gives `unavailable` with the reason.
 */
export function optimumStats(config: OptimumConfig, seeds: readonly number[]): OptimumStats {
  try {
    const s = seedsOptimum(config.env, seeds, { envKwargs: config.envKwargs ?? {}, numEnvs: config.numEnvs });
    if (s.optimum.kind !== 'exact' || s.mean === null) return { kind: 'unavailable', reason: s.optimum.kind === 'unavailable' ? s.optimum.reason : 'no seed' };
    const o = s.optimum;
    return {
      kind: 'exact',
      value: s.mean,
      perSeed: [...s.perSeed].map(([seed, value]) => ({ seed, value })),
      stationary: o.perInstance ? s.mean : o.stationary,
      horizon: o.horizon,
      method: o.method,
      perInstance: o.perInstance,
    };
  } catch (e) {
    return { kind: 'unavailable', reason: (e as Error).message };
  }
}

/** A run's regret to optimal: its seed's optimum − its final return; null without either. */
export function runRegret(optimum: OptimumStats, seed: number, finalReturn: number | null): number | null {
  if (optimum.kind !== 'exact' || finalReturn === null || !Number.isFinite(finalReturn)) return null;
  const own = optimum.perSeed.find((p) => p.seed === seed)?.value;
  return own === undefined ? null : own - finalReturn;
}

/** A number for labels: 4 significant digits. */
function short(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The chart's dashed line: value and label; undefined without an optimum. */
export function optimumLine(optimum: OptimumStats | undefined): { value: number; label: string } | undefined {
  if (optimum === undefined || optimum.kind !== 'exact') return undefined;
  return { value: optimum.value, label: optimum.perInstance ? `Optimal (${short(optimum.value)}, mean over seeds)` : `Optimal (${short(optimum.value)})` };
}

/** One paragraph for `report.html` saying what the optimum is and how the regret is taken. */
export function optimumText(optimum: OptimumStats | undefined, finalWindow: number): string | undefined {
  if (optimum === undefined) return undefined;
  if (optimum.kind !== 'exact') return `Optimal return: not available for this env (${optimum.reason}).`;
  const limit = optimum.horizon === null ? 'with no step limit' : optimum.horizon === 1 ? 'per pull' : `within the ${optimum.horizon}-step limit`;
  const what = optimum.perInstance
    ? `the best arm mean of each seed's bandit instance (averaged over its sub-envs), ${optimum.perSeed.map((p) => `seed ${p.seed}: ${short(p.value)}`).join(', ')}; the dashed line is their mean, ${short(optimum.value)}`
    : `${short(optimum.value)}, by ${optimum.method} on the env's transition table, ${limit}, over time-dependent policies; a policy of the state alone (the agent's kind) provably reaches ${short(optimum.stationary)}`;
  return `Optimal return (dashed line): the exact optimal expected episode return, ${what}. Regret to optimal: each run's optimum minus its final return (mean of its last ${finalWindow} episodes); IQM over seeds.`;
}
