/**
 * The one line that `train` and `compare` print on stderr, at their start, for an env without a
 * tuned preset: which generic settings the run falls back to, so that a failing run on a new env is
 * never silent about why.
 *
 * ```
 * no tuned preset for Corridor-v0: generic defaults (hidden 32, adam lr 0.01, batch 256, 8 envs, bernoulli head: 1 unit for Discrete(2)); make one with `rewardcast tune --env Corridor-v0`
 * ```
 * @module
 */
import { isRegistered, make } from '../core/registry.js';
import { PRESETS } from '../train/presets.js';
import { headFor, type HeadKind } from '../../agents/heads.js';
import { AGENT_DEFAULTS, type AgentOptions } from '../../agents/options.js';

/**
 * The settings a run without a preset uses (after its config file and flags): its sub-envs and its
 * agent options, where `hidden`, `optimizer`, `learningRate`, `batchSize` and `head` are read (an
 * unset one is the agent's default, `AGENT_DEFAULTS`; an unset head the action space's default).
 */
export interface GenericSettings {
  /** Parallel sub-envs. */
  readonly numEnvs: number;
  /** The agent options the run resolved to. */
  readonly agent: AgentOptions;
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
  const a = used.agent;
  const hidden = a.hidden ?? AGENT_DEFAULTS.hidden;
  const parts = [
    `hidden ${hidden.length ? hidden.join('x') : 'none'}`,
    `${a.optimizer ?? AGENT_DEFAULTS.optimizer} lr ${a.learningRate ?? AGENT_DEFAULTS.learningRate}`,
    `batch ${a.batchSize ?? AGENT_DEFAULTS.batchSize}`,
    `${used.numEnvs} env${used.numEnvs === 1 ? '' : 's'}`,
  ];
  const head = headText(env, a.head);
  if (head !== undefined) parts.push(head);
  return `no tuned preset for ${env}: generic defaults (${parts.join(', ')}); make one with \`rewardcast tune --env ${env}\``;
}
