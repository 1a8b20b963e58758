/**
 * The one line that `train` and `compare` print on stderr, at their start, for an env without a
 * tuned preset: which generic settings the run falls back to, so that a failing run on a new env is
 * never silent about why.
 *
 * ```
 * no tuned preset for Acrobot-v1: generic defaults (hidden 32, adam lr 0.01, batch 256, 8 envs, binary-code head: 2 units for Discrete(3)); make one with `rewardcast tune --env Acrobot-v1`
 * ```
 * @module
 */
import { isRegistered, make } from '../core/registry.js';
import { PRESETS } from '../train/presets.js';
import { headFor, type HeadKind } from '../../agents/heads.js';

/** The settings a run without a preset uses (after its config file and flags). */
export interface GenericSettings {
  /** Units per hidden layer. */
  readonly hidden: readonly number[];
  /** Optimiser. */
  readonly optimizer: string;
  /** Step size. */
  readonly lr: number;
  /** Transitions per update. */
  readonly batchSize: number;
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** The head asked for, if any (else the action space's default). */
  readonly head?: HeadKind | undefined;
}

/** Whether `env` has a built-in tuned preset (`src/train/presets.ts`). */
export function hasPreset(env: string): boolean {
  return Object.prototype.hasOwnProperty.call(PRESETS, env);
}

/** The action head a run would get, described for the notice, or undefined when it cannot be told. */
function headText(env: string, head: HeadKind | undefined): string | undefined {
  try {
    const e = make(env);
    const space = e.actionSpace;
    e.close();
    const layout = headFor(space, head);
    return `${layout.kind} head: ${layout.units} unit${layout.units === 1 ? '' : 's'} for ${space.toString()}`;
  } catch {
    return undefined;
  }
}

/**
 * The no-preset line for `env`, or undefined when the env has a preset, a preset file is used, or
 * the id is not registered (then the command's own error says so).
 *
 * @param env the env id
 * @param used the settings the run resolved to
 * @param presetFile the `--preset` file, when one is given
 */
export function noPresetNotice(env: string, used: GenericSettings, presetFile?: string): string | undefined {
  if (presetFile !== undefined || hasPreset(env) || !isRegistered(env)) return undefined;
  const parts = [
    `hidden ${used.hidden.length ? used.hidden.join('x') : 'none'}`,
    `${used.optimizer} lr ${used.lr}`,
    `batch ${used.batchSize}`,
    `${used.numEnvs} env${used.numEnvs === 1 ? '' : 's'}`,
  ];
  const head = headText(env, used.head);
  if (head !== undefined) parts.push(head);
  return `no tuned preset for ${env}: generic defaults (${parts.join(', ')}); make one with \`rewardcast tune --env ${env}\``;
}
