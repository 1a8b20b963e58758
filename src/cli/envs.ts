/**
 * `rewardcast envs`: the registered ids with their spaces, step limits, reward thresholds, whether
 * a tuned preset exists, and with `--optimum` the exact optimal expected return where there is one
 * (`src/optimum/`).
 * @module
 */
import type { Command } from 'commander';
import { make, registeredSpecs, type EnvKwargs } from '../core/registry.js';
import { envOptimum, type Optimum } from '../optimum/index.js';
import { presetFor } from '../train/presets.js';
import { hasPreset } from '../tune/notice.js';
import { UsageError, parseIntFlag } from './errors.js';
import { importOption, importsOf, loadCliImports } from './imports.js';

/** The exact optimum as listed: under the step limit `train` uses (the preset's, else the spec's). */
export interface OptimumListing {
  /** `exact` or `unavailable`. */
  readonly kind: Optimum['kind'];
  /** The optimal expected episode return; null when unavailable. */
  readonly value: number | null;
  /** What a stationary policy provably reaches (≤ value); null when unavailable. */
  readonly stationary: number | null;
  /** The step limit it is taken under; null when none. */
  readonly horizon: number | null;
  /** Whether it depends on the seed (bandits), then given for {@link EnvsCommandOptions.seed}. */
  readonly perInstance: boolean;
  /** How it was computed, or why it is unavailable. */
  readonly method: string;
}

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
  /** Whether `train` and `compare` have a tuned preset for it (`src/train/presets.ts`). */
  readonly preset: boolean;
  /** One line. */
  readonly description: string;
  /** With `--optimum`: the exact optimum. */
  readonly optimum?: OptimumListing;
}

/** Options of `rewardcast envs`, each with its default. */
export interface EnvsCommandOptions {
  /** Print JSON instead of a table. @default false */
  readonly json: boolean;
  /** Compute the exact optimum of every env that has one. @default false */
  readonly optimum: boolean;
  /** Seed whose bandit instances the optimum is given for (sub-env i seeded seed + i). @default 1 */
  readonly seed: number;
  /** Modules to load first (they may register envs). @default [] */
  readonly imports: readonly string[];
}

/** The defaults of {@link EnvsCommandOptions}. */
export const ENVS_DEFAULTS: EnvsCommandOptions = { json: false, optimum: false, seed: 1, imports: [] };

function optimumListing(id: string, seed: number): OptimumListing {
  const preset = presetFor(id);
  const envKwargs: EnvKwargs = preset.envKwargs ?? {};
  const o = envOptimum(id, { envKwargs, seed, numEnvs: preset.numEnvs ?? 1 });
  if (o.kind === 'unavailable') return { kind: o.kind, value: null, stationary: null, horizon: null, perInstance: false, method: o.reason };
  return { kind: o.kind, value: o.value, stationary: o.stationary, horizon: o.horizon, perInstance: o.perInstance, method: o.method };
}

/** Lists every registered env; with `optimum`, each one's exact optimum (bandits: for `seed`). */
export function listEnvs(options: { readonly optimum?: boolean; readonly seed?: number } = {}): EnvListing[] {
  return registeredSpecs().map((s) => {
    const env = make(s.id);
    const row: EnvListing = {
      id: s.id,
      observationSpace: env.observationSpace.toString(),
      actionSpace: env.actionSpace.toString(),
      maxEpisodeSteps: s.maxEpisodeSteps ?? null,
      rewardThreshold: s.rewardThreshold ?? null,
      preset: hasPreset(s.id),
      description: s.description ?? '',
      ...(options.optimum ? { optimum: optimumListing(s.id, options.seed ?? 1) } : {}),
    };
    env.close();
    return row;
  });
}

/** A number for the table: up to 4 decimals, no trailing zeros. */
function num(x: number): string {
  return String(Number(x.toFixed(4)));
}

/** Formats the listing as an aligned text table (with the optimum columns when the rows have them). */
export function formatEnvTable(rows: readonly EnvListing[], seed = 1): string {
  const withOptimum = rows.some((r) => r.optimum !== undefined);
  const head = ['id', 'observation space', 'action space', 'step limit', 'threshold', 'preset', ...(withOptimum ? ['optimum', 'stationary policy', 'optimum under'] : [])];
  const body = rows.map((r) => {
    const cells = [r.id, r.observationSpace, r.actionSpace, r.maxEpisodeSteps === null ? '-' : String(r.maxEpisodeSteps), r.rewardThreshold === null ? '-' : String(r.rewardThreshold), r.preset ? 'yes' : 'none'];
    if (withOptimum) {
      const o = r.optimum;
      if (!o || o.value === null || o.stationary === null) cells.push('-', '-', o ? `unavailable: ${o.method}` : '-');
      else {
        const limit = o.horizon === null ? 'no step limit' : o.horizon === 1 ? 'one-pull episodes' : `${o.horizon} steps`;
        const above = r.rewardThreshold !== null && r.rewardThreshold > o.value ? ' *' : '';
        cells.push(num(o.value) + above, num(o.stationary), `${o.method}, ${limit}${o.perInstance ? `, seed ${seed} (per instance)` : ''}`);
      }
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const notes = withOptimum
    ? [
        '',
        'optimum: the optimal expected episode return (success probability for FrozenLake) from the start, within the step limit train uses',
        '(the preset\'s, else the spec\'s), over time-dependent policies. stationary policy: what a policy of the state alone (the agent\'s kind)',
        'provably reaches; the best such policy lies between the two. Bandits: the best arm mean of the instance that the seed draws.',
        ...(rows.some((r) => r.optimum?.value != null && r.rewardThreshold !== null && r.rewardThreshold > r.optimum.value)
          ? ['* the reward threshold is above the optimum: no policy reaches it in expectation (a 100-episode mean can, by chance).']
          : []),
      ]
    : [];
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...notes].join('\n');
}

/** Runs `envs` with resolved options and returns its stdout text. */
export async function runEnvsCommand(o: EnvsCommandOptions): Promise<string> {
  await loadCliImports(o.imports);
  const rows = listEnvs({ optimum: o.optimum, seed: o.seed });
  return o.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatEnvTable(rows, o.seed)}\n`;
}

/** Adds the `envs` command to the program. */
export function registerEnvs(program: Command): void {
  program
    .command('envs')
    .description('list the registered environments with their spaces, step limits, reward thresholds and presets; --optimum adds the exact optimal return')
    .option('--json', 'print the list as JSON')
    .option('--optimum', 'add the exact optimum (value iteration on the transition table, or the bandit arm means) where there is one')
    .option('--seed <n>', `seed whose bandit instances --optimum is given for (default ${ENVS_DEFAULTS.seed})`)
    .addOption(importOption())
    .addHelpText('after', '\nExamples:\n  $ rewardcast envs\n  $ rewardcast envs --optimum\n  $ rewardcast envs --optimum --json --seed 3\n  $ rewardcast envs --import ./dist/examples/custom-env.js')
    .action(async (flags: { json?: boolean; optimum?: boolean; seed?: string; import?: string[] }) => {
      const o: EnvsCommandOptions = {
        json: flags.json === true,
        optimum: flags.optimum === true,
        seed: flags.seed === undefined ? ENVS_DEFAULTS.seed : parseIntFlag('--seed', flags.seed, 0),
        imports: importsOf(flags),
      };
      if (o.seed > 0xffffffff) throw new UsageError(`--seed must be an integer in [0, 4294967295], got ${JSON.stringify(flags.seed)}`);
      process.stdout.write(await runEnvsCommand(o));
    });
}
