/**
 * `rewardcast envs`: the registered ids with their spaces, step limits and reward thresholds.
 * @module
 */
import { make, registeredSpecs } from '../core/registry.js';

/** One row of the listing. */
export interface EnvListing {
  /** Versioned id. */
  readonly id: string;
  /** Observation space. */
  readonly observationSpace: string;
  /** Action space. */
  readonly actionSpace: string;
  /** TimeLimit steps, if any. */
  readonly maxEpisodeSteps: number | null;
  /** Reward threshold, if any. */
  readonly rewardThreshold: number | null;
  /** One line. */
  readonly description: string;
}

/** Lists every registered env. */
export function listEnvs(): EnvListing[] {
  return registeredSpecs().map((s) => {
    const env = make(s.id);
    const row: EnvListing = {
      id: s.id,
      observationSpace: env.observationSpace.toString(),
      actionSpace: env.actionSpace.toString(),
      maxEpisodeSteps: s.maxEpisodeSteps ?? null,
      rewardThreshold: s.rewardThreshold ?? null,
      description: s.description ?? '',
    };
    env.close();
    return row;
  });
}

/** Formats the listing as an aligned text table. */
export function formatEnvTable(rows: readonly EnvListing[]): string {
  const head = ['id', 'observation space', 'action space', 'step limit', 'threshold'];
  const body = rows.map((r) => [r.id, r.observationSpace, r.actionSpace, r.maxEpisodeSteps === null ? '-' : String(r.maxEpisodeSteps), r.rewardThreshold === null ? '-' : String(r.rewardThreshold)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
