/**
 * Preset files: a {@link Preset} as JSON, what `rewardcast tune` writes (`best-preset.json`) and what
 * `train --preset file` and `compare --preset file` read in place of the env's built-in preset.
 *
 * ```json
 * {
 *   "kind": "rewardcast-preset", "version": 1, "env": "BernoulliBandit-v0",
 *   "numEnvs": 1, "steps": 5000,
 *   "agent": { "hidden": [], "head": "categorical", "learningRate": 0.05, "batchSize": 16 },
 *   "note": "tuned by rewardcast tune …",
 *   "tuning": { "dir": "runs/…", "trial": 7, "score": 0.81, "seeds": [101, 102, 103], "estimator": "reinforce-optimal" }
 * }
 * ```
 *
 * Every field is checked by zod, by name: an unknown field, a wrong type or a value out of range is
 * a one-line error naming the file, the field and the value (exit 2 on the command line).
 * Precedence in `train` and `compare` stays: command defaults, then the preset (this file instead of
 * the built-in one), then `--config`, then flags.
 * @module
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { agentOptionsSchema, type AgentOptions } from '../../agents/options.js';
import type { Preset } from '../train/presets.js';
import { writeJsonAtomic } from '../train/run-folder.js';
import { estimatorIdSchema } from '../train/schemas.js';

/** The `kind` of a preset file. */
export const PRESET_FILE_KIND = 'rewardcast-preset';

const posInt = z.number().int().positive();

/**
 * The agent options a preset may set: the strict `AgentOptions` schema (`agents/options.ts`), field
 * by field, but for `seed` and `threads`, which belong to the run.
 */
export const presetAgentSchema = agentOptionsSchema.omit({ seed: true, threads: true });

/** Where a tuned preset came from. */
export const tuningSchema = z
  .object({
    dir: z.string(),
    trial: z.number().int().min(0),
    score: z.number(),
    seeds: z.array(z.number().int().min(0)),
    estimator: estimatorIdSchema,
    budget: posInt,
  })
  .strict();

/** The schema of a preset file. */
export const presetFileSchema = z
  .object({
    kind: z.literal(PRESET_FILE_KIND),
    version: z.literal(1),
    env: z.string().min(1),
    numEnvs: posInt.optional(),
    steps: posInt.optional(),
    envKwargs: z.record(z.string(), z.unknown()).optional(),
    agent: presetAgentSchema,
    byEstimator: z.partialRecord(estimatorIdSchema, presetAgentSchema).optional(),
    note: z.string(),
    tuning: tuningSchema.optional(),
  })
  .strict();

/** A preset file, parsed. */
export type PresetFile = z.infer<typeof presetFileSchema>;

/** A bad preset file; the message names the file, the field and the value. */
export class PresetFileError extends Error {
  override name = 'PresetFileError';
}

function showValue(raw: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses and checks a preset file's JSON value; `where` names it in errors. */
export function parsePresetFile(raw: unknown, where: string): PresetFile {
  const r = presetFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys?.length) {
      const at = issue.path.length ? `${issue.path.join('.')}.` : '';
      throw new PresetFileError(`--preset ${where}: unknown field '${at}${keys[0]}'`);
    }
    throw new PresetFileError(`--preset ${where}: field '${field}': ${issue.message}, got ${showValue(raw, issue.path)}`);
  }
  return r.data;
}

/** Reads and checks a preset file. @throws {PresetFileError} */
export function readPresetFile(path: string): PresetFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new PresetFileError(`--preset ${path}: cannot read it as JSON: ${err.code ?? err.message}`);
  }
  return parsePresetFile(raw, path);
}

/** Writes a preset file atomically, after checking it. */
export function writePresetFile(path: string, preset: PresetFile): void {
  writeJsonAtomic(path, parsePresetFile(preset, path));
}

/** A preset file as the {@link Preset} that `train` and `compare` apply. */
export function presetFromFile(file: PresetFile): Preset {
  return {
    ...(file.numEnvs !== undefined ? { numEnvs: file.numEnvs } : {}),
    ...(file.steps !== undefined ? { steps: file.steps } : {}),
    ...(file.envKwargs !== undefined ? { envKwargs: file.envKwargs } : {}),
    agent: file.agent as AgentOptions,
    ...(file.byEstimator !== undefined ? { byEstimator: file.byEstimator as Preset['byEstimator'] } : {}),
    note: file.note,
  };
}

/** Reads a preset file as a {@link Preset}. @throws {PresetFileError} */
export function loadPreset(path: string): Preset {
  return presetFromFile(readPresetFile(path));
}
