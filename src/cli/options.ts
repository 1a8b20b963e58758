/**
 * The flags that `train` and `compare` share, each mapped onto one field of the options declared in
 * `src/train/schemas.ts` and `agents/options.ts`: the agent flags (`--hidden`, `--learning-rate`
 * alias `--lr`, `--optimizer`, `--credit`, `--gamma`, `--batch-size`), `--backend` with
 * `REWARDCAST_BACKEND`, and reading a `--config` file. Errors are {@link UsageError}s naming the
 * flag (or the environment variable, or the file and field) and the value.
 * @module
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { AGENT_DEFAULTS, parseAgentOptions, type AgentOptions } from '../../agents/options.js';
import { parseBackendRequest, type BackendRequest } from '../tensor/backend.js';
import { hasPotential, listPotentials, parseRewardShaping, type RewardShapingOptions } from '../core/shaping.js';
import { parseConfig } from '../train/schemas.js';
import { UsageError, parseIntFlag, parseIntList, parseNumberFlag, parsePositiveFlag } from './errors.js';

/** One agent flag: its commander name, the option it sets, and how its text is read. */
interface AgentFlag {
  readonly flag: string;
  readonly key: string;
  readonly field: keyof AgentOptions;
  readonly parse: (flag: string, value: unknown) => unknown;
  readonly help: string;
}

/** The agent flags shared by `train` and `compare`. */
export const AGENT_FLAGS: readonly AgentFlag[] = [
  { flag: '--hidden <list>', key: 'hidden', field: 'hidden', parse: parseIntList, help: 'units per hidden layer, e.g. 64,64, or none' },
  { flag: '--learning-rate <x>', key: 'learningRate', field: 'learningRate', parse: parsePositiveFlag, help: 'optimiser step size (alias --lr)' },
  { flag: '--lr <x>', key: 'lr', field: 'learningRate', parse: parsePositiveFlag, help: 'alias of --learning-rate' },
  { flag: '--optimizer <name>', key: 'optimizer', field: 'optimizer', parse: (_f, v) => v, help: 'adam or sgd' },
  { flag: '--credit <mode>', key: 'credit', field: 'credit', parse: (_f, v) => v, help: 'episode, segment or traces' },
  { flag: '--gamma <x>', key: 'gamma', field: 'gamma', parse: parseNumberFlag, help: 'discount γ in [0, 1]' },
  { flag: '--batch-size <n>', key: 'batchSize', field: 'batchSize', parse: parseIntFlag, help: 'transitions per update under episode credit' },
];

/** A value in help text. */
function showDefault(v: unknown): string {
  return Array.isArray(v) ? (v.length ? v.join(',') : 'none') : String(v);
}

/** Adds the agent flags to a command; `defaultText` says where defaults come from. */
export function addAgentFlags(cmd: Command, defaultText: (fallback: string) => string): Command {
  for (const f of AGENT_FLAGS) {
    const fallback = showDefault((AGENT_DEFAULTS as Record<string, unknown>)[f.field]);
    cmd.option(f.flag, f.key === 'lr' ? f.help : `${f.help} (${defaultText(fallback)})`);
  }
  return cmd;
}

/** The flag a user typed for an agent field, for messages. */
function flagName(f: AgentFlag): string {
  return f.flag.split(' ')[0]!;
}

/**
 * The agent options the flags set (as commander gives them: strings or undefined), each checked
 * by the agent schema; errors name the flag and the value.
 */
export function agentFromFlags(flags: Readonly<Record<string, unknown>>): AgentOptions {
  const out: Record<string, unknown> = {};
  for (const f of AGENT_FLAGS) {
    const raw = flags[f.key];
    if (raw === undefined) continue;
    const value = f.parse(flagName(f), raw);
    try {
      parseAgentOptions({ [f.field]: value });
    } catch (e) {
      const m = /must be (.*), got /.exec((e as Error).message);
      throw new UsageError(`${flagName(f)} must be ${m ? m[1] : `a valid ${f.field}`}, got ${JSON.stringify(raw)}`);
    }
    out[f.field] = value;
  }
  return out as AgentOptions;
}

/** The backend: the flag, else `REWARDCAST_BACKEND`, else `auto`; errors name the flag or the variable. */
export function backendFrom(flag: unknown, env: Readonly<Record<string, string | undefined>>): BackendRequest | undefined {
  try {
    if (flag !== undefined) return parseBackendRequest(flag, '--backend');
    const v = env['REWARDCAST_BACKEND'];
    if (v !== undefined && v !== '') return parseBackendRequest(v, 'the environment variable REWARDCAST_BACKEND');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return undefined;
}

/**
 * Reads a `--config` JSON file and validates it with `schema` (its `agent` block field by field);
 * errors name the file, the field and the value.
 */
export function readConfigFile<S extends z.ZodObject>(path: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read it as JSON: ${(err as Error).message}`);
  }
  try {
    return parseConfig(raw, schema, `--config ${path}: `);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The keys of an object whose value is defined. */
export function definedKeys(o: object | undefined): string[] {
  return Object.entries(o ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
}

/**
 * Adds `--shaping <potential>` and `--shaping-scale <x>`: an explicit potential-based shaping
 * wrapper (`src/core/shaping.ts`), recorded as `envKwargs.rewardShaping`; `--shaping none` drops a
 * preset's or config file's.
 */
export function addShapingFlags(cmd: Command): Command {
  return cmd
    .option('--shaping <potential>', `potential-based reward shaping of the learning signal only (recorded returns stay the env's): ${listPotentials().map((p) => p.id).join(', ')}, or none (default: the env's preset, else none)`)
    .option('--shaping-scale <x>', 'factor on the potential, in reward units (default: the preset\'s, else 1)');
}

/**
 * The env kwargs with the shaping flags applied over `base` (the preset's and config file's):
 * `--shaping none` removes `rewardShaping`, a potential sets it, `--shaping-scale` sets its scale.
 * Errors name the flag and the value.
 */
export function envKwargsWithShaping(base: Readonly<Record<string, unknown>>, flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const name = flags['shaping'];
  const scaleRaw = flags['shapingScale'];
  if (name === undefined && scaleRaw === undefined) return { ...base };
  const { rewardShaping: current, ...rest } = base;
  if (name === 'none') {
    if (scaleRaw !== undefined) throw new UsageError(`--shaping-scale: no shaping to scale (--shaping none), got ${JSON.stringify(scaleRaw)}`);
    return rest;
  }
  if (name !== undefined && (typeof name !== 'string' || !hasPotential(name))) {
    throw new UsageError(`--shaping must be one of ${[...listPotentials().map((p) => p.id), 'none'].join(', ')}, got ${JSON.stringify(name)}`);
  }
  const scale = scaleRaw !== undefined ? parseNumberFlag('--shaping-scale', scaleRaw) : undefined;
  let prior: RewardShapingOptions | undefined;
  if (current !== undefined && name === undefined) {
    try {
      prior = parseRewardShaping(current, 'envKwargs.rewardShaping');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (name === undefined && prior === undefined) throw new UsageError(`--shaping-scale: no shaping to scale (give --shaping <potential>), got ${JSON.stringify(scaleRaw)}`);
  const shaping: RewardShapingOptions = name !== undefined ? { potential: name, ...(scale !== undefined ? { scale } : {}) } : { ...prior!, ...(scale !== undefined ? { scale } : {}) };
  return { ...rest, rewardShaping: shaping };
}

/** Checks `envKwargs.rewardShaping` (from a preset, a config file or the flags) as a {@link UsageError}. */
export function checkShapingKwargs(envKwargs: Readonly<Record<string, unknown>>): void {
  if (envKwargs['rewardShaping'] === undefined) return;
  try {
    parseRewardShaping(envKwargs['rewardShaping'], 'envKwargs.rewardShaping');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The line `train` and `compare` print on stderr when the learning signal is shaped, so that a
 * shaped run (from a preset, a config file or `--shaping`) is never silent about it; undefined
 * without shaping.
 */
export function shapingNotice(env: string, envKwargs: Readonly<Record<string, unknown>>): string | undefined {
  const s = envKwargs['rewardShaping'];
  if (s === undefined || s === null || typeof s !== 'object') return undefined;
  const o = s as RewardShapingOptions;
  return `${env}: the agent learns from potential-based shaped rewards (${o.potential}, scale ${o.scale ?? 1}, γ ${o.gamma ?? "the agent's"}); every recorded return is the env's own; --shaping none turns it off`;
}
